"""The pytest plugin's documented name: ``markovcat.pytest_plugin`` is the module
``markovcat_pytest_plugin`` (kept outside this package so that pytest registers it without
importing markovcat; see its docstring for the fixtures and options).

>>> from markovcat import pytest_plugin
>>> "numpy" in pytest_plugin.available_backends()
True
"""

from markovcat_pytest_plugin import (
    ALL_BACKENDS,
    DEFAULT_ATOL,
    available_backends,
    mc_atol,
    mc_backend,
    mc_check_family,
    parse_backends,
    pytest_addoption,
    pytest_generate_tests,
    pytest_report_header,
    selected_backends,
)

__all__ = [
    "ALL_BACKENDS",
    "DEFAULT_ATOL",
    "available_backends",
    "mc_atol",
    "mc_backend",
    "mc_check_family",
    "parse_backends",
    "pytest_addoption",
    "pytest_generate_tests",
    "pytest_report_header",
    "selected_backends",
]
