"""pytest plugin (``pytest11`` entry point): fixtures for law-based tests of your kernels.

Fixtures: ``mc_backend`` (parametrised over the installed backends) and ``mc_atol``.

>>> from markovcat import pytest_plugin
>>> "numpy" in pytest_plugin.available_backends()
True
"""

from __future__ import annotations

import importlib.util

import pytest


def available_backends() -> list[str]:
    """The backends usable here: numpy and sympy always, jax when installed."""
    names = ["numpy", "sympy"]
    if importlib.util.find_spec("jax") is not None:
        names.insert(1, "jax")
    return names


@pytest.fixture(params=available_backends(), scope="session")
def mc_backend(request: pytest.FixtureRequest) -> str:
    """Each installed markovcat backend in turn."""
    return request.param


@pytest.fixture(scope="session")
def mc_atol() -> float:
    """Tolerance for float backends (exact sympy comparisons ignore it)."""
    return 1e-9
