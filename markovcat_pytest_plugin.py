"""pytest plugin for law-based tests of your own kernels (active wherever markovcat is installed).

markovcat registers this module under the ``pytest11`` entry point, so in any project with
markovcat installed these fixtures exist without a ``conftest.py``. It sits outside the
``markovcat`` package so that registering it costs nothing: markovcat itself is imported
only when ``mc_check_family`` is used (``markovcat.pytest_plugin`` is the same module's
documented name):

``mc_backend``
    Each selected markovcat backend in turn (``'numpy'``, ``'jax'``, ``'sympy'``): a test
    that asks for it runs once per backend. On ``'jax'`` it switches on
    ``jax_enable_x64`` (probability tables are float64) unless the ini option
    ``markovcat_jax_x64 = false`` says not to.
``mc_atol``
    The tolerance for float comparisons (default ``1e-9``; exact sympy ignores it).
``mc_check_family``
    :func:`markovcat.laws.check_kernel_family` with ``backend=mc_backend`` and
    ``atol=mc_atol`` filled in: ``mc_check_family(my_strategy_or_factory)`` runs every
    applicable law and fails the test with a report of the laws that failed.

Options (command line, or ``[tool.pytest.ini_options]`` without the dashes, ``-`` as ``_``):

``--markovcat-backends=numpy,sympy``
    Which backends ``mc_backend`` runs (default: every installed one). A named backend
    that is not installed is skipped with a reason.
``--markovcat-atol=1e-7``
    The value of ``mc_atol``.

A test written with them::

    from markovcat import laws

    def test_my_sensor_obeys_the_laws(mc_check_family):
        report = mc_check_family(laws.kernels(Disease, Reading, zeros=False))
        assert report.ok

>>> import markovcat_pytest_plugin as plugin
>>> "numpy" in plugin.available_backends()
True
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

#: markovcat's backends, as ``markovcat.backends.NAMES`` lists them (a test keeps the two
#: equal; importing markovcat here would cost every pytest run its import).
ALL_BACKENDS = ("numpy", "jax", "sympy")
DEFAULT_ATOL = 1e-9


def available_backends() -> list[str]:
    """The backends usable here: numpy and sympy always, jax when installed.

    >>> from markovcat_pytest_plugin import available_backends
    >>> available_backends()[0], available_backends()[-1]
    ('numpy', 'sympy')
    """
    return [b for b in ALL_BACKENDS if b != "jax" or importlib.util.find_spec("jax") is not None]


def parse_backends(text: str | None) -> list[str]:
    """The backends named in a comma-separated option (all installed ones when empty).

    >>> from markovcat_pytest_plugin import parse_backends
    >>> parse_backends("sympy, numpy")
    ['sympy', 'numpy']
    >>> parse_backends("")[0]
    'numpy'
    """
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    if not names:
        return available_backends()
    unknown = [n for n in names if n not in ALL_BACKENDS]
    if unknown:
        raise pytest.UsageError(
            f"--markovcat-backends: unknown backend(s) {unknown}; expected some of {ALL_BACKENDS}"
        )
    return names


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--markovcat-backends`` and ``--markovcat-atol`` (and their ini twins)."""
    group = parser.getgroup("markovcat", "markovcat law-based testing")
    group.addoption(
        "--markovcat-backends",
        default=None,
        help="comma-separated backends for the mc_backend fixture (default: all installed)",
    )
    group.addoption(
        "--markovcat-atol", default=None, type=float, help="the mc_atol fixture (default 1e-9)"
    )
    parser.addini("markovcat_backends", "backends for the mc_backend fixture", default="")
    parser.addini("markovcat_atol", "the mc_atol fixture", default="")
    parser.addini("markovcat_jax_x64", "enable jax_enable_x64 for mc_backend='jax'", default="true")


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(f"--markovcat-{name}")
    return value if value is not None else config.getini(f"markovcat_{name}")


def selected_backends(config: pytest.Config) -> list[str]:
    """The backends ``mc_backend`` runs in this session."""
    return parse_backends(_option(config, "backends"))


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: which backends and tolerance the markovcat fixtures use."""
    return f"markovcat: mc_backend in {selected_backends(config)}, mc_atol = {_atol(config):g}"


def _atol(config: pytest.Config) -> float:
    value = _option(config, "atol")
    try:
        atol = float(value) if value not in (None, "") else DEFAULT_ATOL
    except ValueError:
        raise pytest.UsageError(f"markovcat_atol: expected a number, given {value!r}") from None
    if not atol >= 0:
        raise pytest.UsageError(f"markovcat_atol: expected a tolerance >= 0, given {value!r}")
    return atol


def _parametrized_by_hand(metafunc: pytest.Metafunc) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if "mc_backend" in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``mc_backend`` once per selected backend."""
    if "mc_backend" in metafunc.fixturenames and not _parametrized_by_hand(metafunc):
        backends = selected_backends(metafunc.config)
        metafunc.parametrize("mc_backend", backends, indirect=True, ids=backends, scope="session")


@pytest.fixture(scope="session")
def mc_backend(request: pytest.FixtureRequest) -> str:
    """Each selected markovcat backend in turn (skipped when not installed)."""
    name = getattr(request, "param", "numpy")
    if name not in available_backends():
        pytest.skip(f"markovcat backend {name!r} is not installed")
    if name == "jax" and str(request.config.getini("markovcat_jax_x64")).lower() != "false":
        import jax

        jax.config.update("jax_enable_x64", True)
    return name


@pytest.fixture(scope="session")
def mc_atol(request: pytest.FixtureRequest) -> float:
    """Tolerance for float backends (exact sympy comparisons ignore it)."""
    return _atol(request.config)


@pytest.fixture
def mc_check_family(mc_backend: str, mc_atol: float) -> Callable[..., Any]:
    """``laws.check_kernel_family`` on this test's backend and tolerance.

    Call it with your family (a hypothesis strategy, a factory ``rng -> kernel``, or one
    kernel) and any other options of ``check_kernel_family``; it raises ``LawError`` with
    a report when a law fails and returns the :class:`~markovcat.laws.LawReport`.
    """
    from markovcat import laws

    def check(family: Any, **options: Any) -> Any:
        options.setdefault("backend", mc_backend)
        options.setdefault("atol", mc_atol)
        return laws.check_kernel_family(family, **options)

    return check
