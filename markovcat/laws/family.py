"""One call for a whole family of kernels: :func:`check_kernel_family` runs every law of
DESIGN §3 that applies (:data:`FAMILY_LAWS`), each on many random companions, and returns
a :class:`LawReport` saying which laws passed, which failed and which did not apply.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.check_kernel_family(mc.state(mc.Bool, [0.5, 0.5]), max_examples=2, only="units").ok
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .._diagram import Diagram
from .._errors import InvalidArgumentError, LawError, TypeMismatchError
from ..gauss import GaussianKernel
from .family_laws import FAMILY_LAWS, LAW_GROUPS, _Law, companions
from .strategies import _check_backend

# ---- one call: every applicable law on a family of kernels ----------------------------------------
Family = st.SearchStrategy[Diagram] | Diagram | Callable[[np.random.Generator], Diagram]


@dataclass(frozen=True)
class LawOutcome:
    """How one law fared on a family: ``status`` is ``'passed'``, ``'failed'`` or
    ``'not applicable'``; ``detail`` holds the failure message (with the smallest failing
    inputs found) or why the law did not apply.

    >>> from markovcat import laws
    >>> laws.LawOutcome("units", "markov", "id >> f == f", "passed").status
    'passed'
    """

    law: str
    group: str
    statement: str
    status: str
    detail: str = ""


@dataclass
class LawReport:
    """The outcome of :func:`check_kernel_family`: one :class:`LawOutcome` per law.

    ``ok`` is true when no law failed; ``passed``, ``failed`` and ``not_applicable`` list law
    names; ``str(report)`` is a readable table; :meth:`raise_if_failed` raises
    :class:`LawError` with that table.

    >>> from markovcat import laws
    >>> r = laws.LawReport("f", [laws.LawOutcome("units", "markov", "id >> f == f", "passed")])
    >>> r.ok, r.passed, r.failed
    (True, ['units'], [])
    """

    family: str
    outcomes: list[LawOutcome] = field(default_factory=list)

    def _names(self, status: str) -> list[str]:
        return [o.law for o in self.outcomes if o.status == status]

    @property
    def passed(self) -> list[str]:
        """Names of the laws that held on every example."""
        return self._names("passed")

    @property
    def failed(self) -> list[str]:
        """Names of the laws that failed."""
        return self._names("failed")

    @property
    def not_applicable(self) -> list[str]:
        """Names of the laws that applied to no member of the family (e.g. determinism
        laws on a family with no deterministic kernel)."""
        return self._names("not applicable")

    @property
    def ok(self) -> bool:
        """True when no law failed."""
        return not self.failed

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = (
            f"laws of {self.family}: {len(self.passed)} passed, {len(self.failed)} failed, "
            f"{len(self.not_applicable)} not applicable"
        )
        mark = {"passed": "ok  ", "failed": "FAIL", "not applicable": "n/a "}
        lines = [head]
        for o in self.outcomes:
            lines.append(f"  {mark[o.status]} {o.law}: {o.statement}")
            if o.status == "failed":
                lines.extend("         " + line for line in o.detail.splitlines())
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`LawError` (with the whole report) when a law failed.

        >>> from markovcat import laws
        >>> laws.LawReport("f", []).raise_if_failed()
        """
        if self.failed:
            raise LawError(str(self))


def _family_strategy(family: Family) -> st.SearchStrategy[Diagram]:

    if isinstance(family, st.SearchStrategy):
        return family
    if isinstance(family, Diagram):
        return st.just(family)
    if callable(family):
        return st.integers(0, 2**32 - 1).map(lambda seed: family(np.random.default_rng(seed)))
    raise TypeMismatchError(
        "check_kernel_family: expected a hypothesis strategy of kernels, a kernel, or a "
        f"factory rng -> kernel, given {type(family).__name__}"
    )


def _selected(only: Iterable[str] | None) -> list[_Law]:

    if only is None:
        return list(FAMILY_LAWS)
    wanted = [only] if isinstance(only, str) else list(only)
    names = {law.name for law in FAMILY_LAWS}
    unknown = [w for w in wanted if w not in names and w not in LAW_GROUPS]
    if unknown:
        raise InvalidArgumentError(
            f"check_kernel_family: unknown law or group {unknown}; expected names from "
            f"{LAW_GROUPS} or {sorted(names)}"
        )
    return [law for law in FAMILY_LAWS if law.name in wanted or law.group in wanted]


def default_atol(f: Diagram) -> float:
    """The tolerance the law checks use for ``f``: ``1e-9``, or 100 machine epsilons of
    its float type when that is coarser (``1.2e-5`` for JAX without x64).

    >>> import numpy as np, markovcat as mc
    >>> from markovcat import laws
    >>> laws.default_atol(mc.state(mc.Bool, [0.5, 0.5]))
    1e-09
    """
    if isinstance(f, GaussianKernel):  # matrices, not tables: products of several of them
        return 1e-9 if f.backend == "sympy" else 1e-7
    dtype = getattr(f.array, "dtype", None)
    if dtype is not None and np.issubdtype(dtype, np.floating):
        return max(1e-9, 100 * float(np.finfo(dtype).eps))
    return 1e-9


def _describe_family(family: Family) -> str:
    if isinstance(family, Diagram):
        return str(family)
    text = getattr(family, "__name__", None) or repr(family)
    return text if len(text) <= 120 else text[:119] + "…"


def check_kernel_family(
    family: Family,
    *,
    backend: str | None = None,
    atol: float | None = None,
    max_examples: int = 10,
    only: Sequence[str] | str | None = None,
    outcomes: int = 3,
    derandomize: bool = True,
    raise_on_failure: bool = True,
    name: str | None = None,
) -> LawReport:
    """Run every law that applies to a family of kernels; report which held and which failed.

    ``family`` is what you want tested:

    * a hypothesis strategy drawing your kernels (``st.builds(make_sensor, noise=...)``,
      ``laws.kernels(X, Y)``, ...),
    * a factory ``rng -> kernel`` (called with a seeded ``numpy.random.Generator``), or
    * one kernel or diagram.

    For each law of :data:`FAMILY_LAWS` (Markov category, determinism, Bayesian inference,
    divergences, entropy and mutual information), hypothesis draws up to ``max_examples``
    members ``f`` with random companions: other kernels around ``f`` (atoms of up to
    ``outcomes`` outcomes), priors on its domain, divergences (KL, total variation, Rényi of
    several orders). A law that needs something ``f`` is not (deterministic, a state, a
    kernel with inputs) and never got it is "not applicable".

    Gaussian families (``markovcat.gauss`` kernels) get Gaussian companions (kernels and
    priors with singular covariances among them, affine maps, KL); the laws that read
    tables or outcomes (units with the finite unit, causality, conditioning on an outcome,
    the entropy laws) are "not applicable" to them.

    * ``backend``: evaluate each member on ``'numpy'``, ``'jax'`` or ``'sympy'`` first
      (``None``: as given); companions are drawn on the member's backend.
    * ``atol``: tolerance for float comparisons (default :func:`default_atol`).
    * ``only``: law names or groups (``'markov'``, ``'determinism'``, ``'inference'``,
      ``'information'``) to run.
    * ``derandomize``: the same examples on every run (reproducible CI).
    * ``raise_on_failure``: raise :class:`LawError` with the report when a law failed;
      otherwise just return the report.
    * ``name``: what the report calls the family (default: the factory's or kernel's name).

    On the exact ``'sympy'`` backend laws hold exactly or fail: build exact tables
    (``Fraction``, ``sympy.Rational``) for it. A float table converted to sympy keeps its
    binary values, whose rows may sum to 1 only up to about 1e-16.

    Call it from a plain test function, not from inside a ``@given`` test.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> def sensor(rng):  # a noisy reading of a Bool, 3 levels
    ...     noise = rng.uniform(0.01, 0.3)
    ...     table = [[1 - noise, noise / 2, noise / 2], [noise / 2, noise / 2, 1 - noise]]
    ...     return mc.kernel(mc.Bool, mc.Obj("Reading", 3), table, name="sensor")
    >>> report = laws.check_kernel_family(sensor, max_examples=3, only=["markov", "inference"])
    >>> report.ok
    True
    """

    if backend is not None:
        _check_backend(backend)
    if max_examples < 1:
        raise InvalidArgumentError(
            f"check_kernel_family: max_examples must be >= 1, given {max_examples!r}"
        )
    members = _family_strategy(family)
    report = LawReport(name or _describe_family(family))
    for law in _selected(only):
        report.outcomes.append(
            _run_law(law, members, backend, atol, max_examples, outcomes, derandomize)
        )
    if raise_on_failure:
        report.raise_if_failed()
    return report


def _run_law(
    law: _Law,
    members: st.SearchStrategy[Diagram],
    backend: str | None,
    atol: float | None,
    max_examples: int,
    outcomes: int,
    derandomize: bool,
) -> LawOutcome:
    applied: list[bool] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        f = data.draw(members, label="f")
        if not isinstance(f, Diagram):
            raise TypeMismatchError(
                f"the family drew {type(f).__name__} {f!r}, expected a kernel (a markovcat diagram)"
            )
        if backend is not None:
            f = f.to(backend)
        concrete = f.evaluate()
        if law.finite_only and isinstance(concrete, GaussianKernel):
            return  # reads tables or outcomes: not a law of Gaussian kernels
        tol = default_atol(f) if atol is None else atol
        if law.check(f, companions(concrete, data, concrete.backend, tol, outcomes)):
            applied.append(True)

    def outcome(status: str, detail: str = "") -> LawOutcome:
        return LawOutcome(law.name, law.group, law.statement, status, detail)

    try:
        run()
    except LawError as exc:
        return outcome("failed", str(exc))
    except Exception as exc:  # a member or companion the library rejects is a failure too
        return outcome("failed", f"{type(exc).__name__}: {exc}")
    if not applied and law.finite_only:
        return outcome("not applicable", "a law of finite kernels (tables, outcomes) only")
    if not applied:
        return outcome("not applicable", "no member of the family needed by this law was drawn")
    return outcome("passed")


__all__ = [
    "FAMILY_LAWS",
    "LAW_GROUPS",
    "LawOutcome",
    "LawReport",
    "check_kernel_family",
    "default_atol",
]
