"""The answers of comparisons: :class:`Comparison` (holds, with a witness kernel or a
certificate), the decision problems that certify that one experiment is not more
informative than another (Blackwell–Sherman–Stein), the concave test functions that
certify a failure of second-order dominance, and the checked inputs they are computed
from.

>>> import markovcat as mc
>>> c = mc.more_informative(mc.identity(mc.Bool), mc.identity(mc.Bool))
>>> bool(c), c.exact
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from . import backends
from ._diagram import Diagram
from ._errors import InvalidArgumentError, TypeMismatchError
from ._kernel import Kernel, kernel
from ._lp import dot, fractions, to_sympy
from ._numerics import check_prior, is_exact, tables
from ._objects import Object
from .backends import ops


@dataclass(frozen=True, repr=False)
class DecisionProblem:
    """A Bayesian decision problem on Θ: a ``prior`` state, an ``actions`` object and a
    ``utility`` table of shape ``(|Θ|, |A|)`` (exact sympy numbers or floats). When it is a
    certificate, ``values`` holds the Bayes values of the two experiments compared.

    >>> import markovcat as mc
    >>> dp = mc.DecisionProblem(mc.state(mc.Bool, [0.5, 0.5]), mc.Bool, np.eye(2))
    >>> dp.value(mc.identity(mc.Bool)), dp.value(mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5]] * 2))
    (1.0, 0.5)
    """

    prior: Kernel
    actions: Object
    utility: Any
    values: tuple[Any, Any] | None = None

    def value(self, f: Diagram) -> Any:
        """The Bayes value ``Σ_x max_a Σ_θ prior(θ) f(x|θ) u(θ, a)`` of the experiment ``f``
        (exact on exact tables).

        >>> import markovcat as mc
        >>> mc.DecisionProblem(mc.state(mc.Bool, [0.25, 0.75]), mc.Bool, np.eye(2)).value(
        ...     mc.identity(mc.Bool))
        1.0
        """
        _experiment(f, "DecisionProblem.value")
        if f.dom != self.prior.cod:
            raise TypeMismatchError(
                f"DecisionProblem.value: expected an experiment on {self.prior.cod}, "
                f"given {f.dom} → {f.cod}"
            )
        tf, tp = tables(f, self.prior)
        n = f.dom.size
        if is_exact(tf) and is_exact(tp) and _exact_table(self.utility):
            m = fractions(ops.reshape(tf, (n, f.cod.size)))
            pi = fractions(ops.reshape(tp, (n,)))
            return to_sympy(_bayes_exact(pi, m, fractions(self.utility)))
        m = np.asarray(ops.to_numpy(tf), float).reshape(n, f.cod.size)
        pi = np.asarray(ops.to_numpy(tp), float).reshape(n)
        u = np.asarray(self.utility, dtype=float)
        return float(((pi[:, None] * m).T @ u).max(axis=1).sum())

    @property
    def gap(self) -> Any:
        """``values[1] − values[0]``: how much more the second experiment is worth."""
        if self.values is None:
            raise InvalidArgumentError("this decision problem carries no values to compare")
        return self.values[1] - self.values[0]

    def __repr__(self) -> str:
        vals = "" if self.values is None else f", values={self.values[0]} < {self.values[1]}"
        return (
            f"DecisionProblem(prior={list(np.asarray(self.prior.array).ravel())}, "
            f"actions={self.actions!r}, utility={np.asarray(self.utility).tolist()}{vals})"
        )


@dataclass(frozen=True, repr=False)
class Comparison:
    """The answer of a comparison: ``holds``, a ``witness`` kernel (the garbling, or the
    dilation of :func:`mc.sosd`) when it holds, a ``certificate`` when it does not,
    whether it was decided ``exact``-ly, and the seconds spent (``timings``).
    ``bool(c) == c.holds``.

    >>> import markovcat as mc
    >>> c = mc.more_informative(mc.identity(mc.Bool), mc.identity(mc.Bool))
    >>> bool(c), c.garbling.matrix.tolist()
    (True, [[1.0, 0.0], [0.0, 1.0]])
    """

    relation: str
    holds: bool
    witness: Kernel | None
    certificate: Any
    exact: bool
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def garbling(self) -> Kernel | None:
        """The kernel γ with ``f >> γ == g`` (a.s. under the prior), or None."""
        return self.witness

    @property
    def dilation(self) -> Kernel | None:
        """The mean-preserving kernel k with ``p >> k == q`` (for ``mc.sosd``), or None."""
        return self.witness

    def __bool__(self) -> bool:
        return self.holds

    def __repr__(self) -> str:
        how = "exact" if self.exact else "float"
        if self.holds:
            w = self.witness
            body = f"witness={w.dom} → {w.cod}" if w is not None else "witness=None"
        else:
            body = f"certificate={self.certificate!r}"
        return f"Comparison({self.relation}: holds={self.holds}, {how}, {body})"


# ---- inputs --------------------------------------------------------------------------------


def _experiment(f: Any, fn: str) -> Diagram:
    if not isinstance(f, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected an experiment Θ → X (a kernel), given {type(f).__name__}"
        )
    return f


def _exact_table(u: Any) -> bool:
    a = np.asarray(u)
    return a.dtype == object


@dataclass
class _Pair:
    F: np.ndarray  # (support rows of Θ) × X, Fractions or floats
    G: np.ndarray
    pi: np.ndarray  # the prior on the support rows (uniform without prior=)
    rows: list[int]  # the support of the prior within Θ
    exact: bool
    backend: str
    n: int


def _pair(f: Any, g: Any, prior: Any, fn: str) -> _Pair:
    f, g = _experiment(f, fn), _experiment(g, fn)
    if f.dom != g.dom:
        raise TypeMismatchError(
            f"mc.{fn}: the experiments must share the parameter object Θ; given "
            f"f : {f.dom} → {f.cod} and g : {g.dom} → {g.cod}"
        )
    if prior is not None:
        check_prior(prior, f.dom, f"mc.{fn}")
    ts = tables(f, g) if prior is None else tables(f, g, prior)
    n, m, k = f.dom.size, f.cod.size, g.cod.size
    exact = all(is_exact(t) for t in ts)
    conv: Any = (
        (lambda t, s: fractions(ops.reshape(t, s), f"mc.{fn}"))
        if exact
        else (lambda t, s: np.asarray(ops.to_numpy(t), dtype=float).reshape(s))
    )
    F, G = conv(ts[0], (n, m)), conv(ts[1], (n, k))
    if prior is None:
        pi = np.array([Fraction(1, n) if exact else 1.0 / n] * n, dtype=object if exact else float)
    else:
        pi = conv(ts[2], (n,))
    rows = [i for i in range(n) if pi[i] > 0]
    return _Pair(F[rows], G[rows], pi[rows], rows, exact, backends.name(ts[0]), n)


def _kernel_on(dom: Object, cod: Object, table: np.ndarray, exact: bool, backend: str) -> Kernel:
    """The witness as a kernel; an exact table was verified stochastic in rationals (so
    it skips the slow symbolic validation)."""
    if exact:
        arr = ops.reshape(backends.asarray(table), dom.shape + cod.shape)
        return Kernel._trusted(dom, cod, arr, "γ")
    t = np.clip(np.asarray(table, dtype=float), 0.0, None)
    t = t / t.sum(axis=1, keepdims=True)
    return kernel(dom, cod, t, name="γ").to(backend)


def _bayes_exact(pi: np.ndarray, m: np.ndarray, u: np.ndarray) -> Fraction:
    """``Σ_x max_a Σ_θ π(θ) m[θ, x] u[θ, a]`` in Fractions."""
    weighted = m * pi.reshape(-1, 1)
    return sum((max(row) for row in dot(weighted.T, u)), Fraction(0))


@dataclass(frozen=True)
class ConcaveTest:
    """A concave test function ``u(v) = min(v − threshold, 0)`` (``kind="put"``, minus a
    put payoff) or ``u(v) = sign·v`` (``kind="linear"``) with the expectations under both
    states: ``expectations[1] > expectations[0]`` shows that ``q`` is preferred by a
    risk-averse agent, so ``p`` does not dominate it.

    >>> ConcaveTest("put", 1, 1, (-0.5, 0))(0)
    -1
    """

    kind: str
    threshold: Any
    sign: int
    expectations: tuple[Any, Any]

    def __call__(self, v: Any) -> Any:
        if self.kind == "linear":
            return self.sign * v
        return min(v - self.threshold, 0)


__all__ = ["Comparison", "ConcaveTest", "DecisionProblem"]
