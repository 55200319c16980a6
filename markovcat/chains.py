"""Multivariate Markov chains: stationary laws, information rates and subset selection.

For an endo-kernel ``P : X1⊗…⊗Xd → X1⊗…⊗Xd`` with stationary law ``π``, after Lai & Choi,
*Information-theoretic subset selection of multivariate Markov chains via submodular
optimization* (arXiv:2503.23340):

- :func:`entropy_rate` ``H(P) = Σ_x π(x) H(P(x, ·))`` and :func:`kl_rate`
  ``D_π(P‖Q) = Σ_x π(x) KL(P(x, ·) ‖ Q(x, ·))``;
- :func:`project`, the π-weighted projection ``P^(S)`` onto the coordinates ``S`` (the
  argument ``keep`` of every function here): the
  marginal on ``(x_S, y_S)`` of the joint ``π(x) P(x, y)``, disintegrated on ``x_S``;
- distances to factorizability ``D_π(P ‖ P^(S) ⊗ P^(−S))``, to independence
  ``D_{π_S}(P^(S) ‖ ⊗_{i∈S} P^(i))`` and to stationarity ``D_{π_S}(P^(S) ‖ Π_S)``;
- :func:`greedy_subset`, which picks ``k`` coordinates for one of these objectives, and the
  set-function algorithms of :mod:`markovcat._greedy` (:func:`greedy`, :func:`batch_greedy`,
  :func:`distorted_greedy`, :func:`k_submodular_greedy`, :func:`exhaustive`, the
  (sub/super)modularity checks) with :func:`partition_selection`,
  :func:`distance_to_factorizability_over` and :func:`distance_to_partition`.

Builders for the examples: :func:`metropolis` (single-site Metropolis kernel of an energy)
and :func:`gibbs` (its stationary law ``∝ exp(−β H)``).

>>> import markovcat as mc
>>> from markovcat import chains
>>> B = mc.Obj("B", (0, 1))
>>> flip = mc.kernel(B, B, [[0.5, 0.5], [0.25, 0.75]])
>>> P = flip @ flip                       # two independent coordinates
>>> pi = chains.stationary(P)
>>> [round(float(v), 4) for v in pi.array.ravel()]
[0.1111, 0.2222, 0.2222, 0.4444]
>>> chains.distance_to_factorizability(P, pi, [0])
0.0
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._compile import contract, evaluate
from ._config import check_tolerance, config
from ._deprecation import keyword_only, renamed
from ._diagram import Diagram, copy, delete, identity, rewire
from ._divergence import KL
from ._errors import InformationError, TypeMismatchError
from ._evidence import factor_position
from ._greedy import PartSelection as PartSelection  # result types: re-exported, not in __all__
from ._greedy import SetFunctionCheck as SetFunctionCheck
from ._greedy import SetSelection as SetSelection
from ._greedy import (
    batch_greedy,
    check_monotone,
    check_submodular,
    check_supermodular,
    distorted_greedy,
    exhaustive,
    greedy,
    k_submodular_greedy,
)
from ._information import conditional_entropy
from ._kernel import Kernel, _check_arity
from ._numerics import arr, const, finish, plogq
from ._objects import I, Object, product
from .backends import ops
from .models._lai_choi import gibbs, metropolis


def _endo(P: Any, fn: str) -> Diagram:
    if not isinstance(P, Diagram):
        raise TypeMismatchError(f"chains.{fn}: expected an endo-kernel P, given {type(P).__name__}")
    if P.dom != P.cod:
        raise TypeMismatchError(
            f"chains.{fn}: expected an endo-kernel X → X, given {P.dom} → {P.cod}"
        )
    return P


def _law(pi: Any, X: Object, fn: str) -> Diagram:
    if not isinstance(pi, Diagram) or pi.dom != I or pi.cod != X:
        given = f"{pi.dom} → {pi.cod}" if isinstance(pi, Diagram) else type(pi).__name__
        raise TypeMismatchError(f"chains.{fn}: expected a law π : I → {X}, given {given}")
    return pi


def _subset(X: Object, S: Any, fn: str) -> list[int]:
    """Distinct factor positions (or names), sorted into the chain's own order."""
    keys = list(S) if isinstance(S, (list, tuple, set, frozenset, range)) else [S]
    pos = [factor_position(X, k) for k in keys]
    if len(set(pos)) != len(pos):
        raise InformationError(f"chains.{fn}: coordinates must be distinct, given {keys}")
    return sorted(pos)


# ---- the stationary law ------------------------------------------------------------------------


def stationary(P: Diagram, *, atol: float = 1e-9) -> Kernel:
    """The unique stationary law ``π = π P``, by one linear solve (exact on sympy).

    Raises :class:`InformationError` when ``P`` has no unique stationary law.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> P = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.3, 0.7]])
    >>> chains.stationary(P).array.round(6).tolist()
    [0.75, 0.25]
    """
    atol = check_tolerance(atol, "chains.stationary")
    P = _endo(P, "stationary")
    X = P.dom
    n = X.size
    M = ops.reshape(evaluate(P).table, (n, n))
    last_row = np.zeros((n, n), dtype=bool)
    last_row[-1] = True
    last = np.zeros(n, dtype=bool)
    last[-1] = True
    # (Mᵀ − I) π = 0 with the last equation replaced by Σ π = 1
    A = ops.where(M, last_row, const(M, 1), arr(ops.transpose(M, (1, 0)) - ops.eye(M, n)))
    b = ops.where(M, last, const(M, 1), const(M, 0))
    try:
        pi = arr(ops.solve(A, b))
    except (ValueError, ZeroDivisionError):
        raise InformationError(
            f"chains.stationary: the chain {getattr(P, 'name', None) or P} on {X} has no "
            "unique stationary law (it is reducible)"
        ) from None
    if ops.is_concrete(pi):
        _check_stationary(M, pi, X, atol)
        pi = ops.where(pi, ops.positive(pi), pi, const(pi, 0))  # clip rounding below 0
        pi = arr(pi / arr(ops.asum(pi, None)))
    return Kernel._trusted(I, X, ops.reshape(pi, X.shape), "π")


def _check_stationary(M: Any, pi: Any, X: Object, atol: float) -> None:
    m, v = ops.to_numpy(M), ops.to_numpy(pi)
    bad = not np.all(np.isfinite(v)) or v.min() < -atol or np.abs(v @ m - v).max() > atol
    if bad:
        raise InformationError(
            f"chains.stationary: the chain on {X} has no unique stationary law "
            "(it is reducible, or too ill-conditioned to solve)"
        )


# ---- rates and projections ---------------------------------------------------------------------


@keyword_only("base")
def entropy_rate(P: Diagram, pi: Diagram, *, base: Any = None) -> Any:
    """``H(P) = Σ_x π(x) H(P(x, ·))``, the π-weighted conditional entropy of one step.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> P = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.5, 0.5]])
    >>> chains.entropy_rate(P, chains.stationary(P), base=2)
    1.0
    """
    P = _endo(P, "entropy_rate")
    return conditional_entropy(P, _law(pi, P.dom, "entropy_rate"), base=base)


@keyword_only("base")
def kl_rate(P: Diagram, Q: Diagram, pi: Diagram, *, base: Any = None) -> Any:
    """``D_π(P‖Q) = Σ_x π(x) KL(P(x, ·) ‖ Q(x, ·))``: ``mc.KL(P, Q, prior=π)``.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> P = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.5, 0.5]])
    >>> Q = mc.kernel(mc.Bool, mc.Bool, [[1.0, 0.0], [0.5, 0.5]])
    >>> chains.kl_rate(P, Q, chains.stationary(P))
    inf
    """
    P = _endo(P, "kl_rate")
    return KL(P, Q, prior=_law(pi, P.dom, "kl_rate"), base=base)


def _divide(num: Any, den: Any, fallback: Any) -> Any:
    """``num / den`` where ``den > 0``; ``fallback`` elsewhere (no 0/0 anywhere)."""
    pos = ops.positive(den)
    safe = ops.where(den, pos, den, const(den, 1))
    return ops.where(num, pos, num / safe, fallback)


def project(P: Diagram, pi: Diagram, keep: Sequence[int] | int) -> Kernel:
    """The π-weighted projection ``P^(S) : X_S → X_S`` onto the coordinates ``keep``.

    ``P^(S)(x_S, y_S) = Σ π(x) P(x, y) / π_S(x_S)``, summing over the other coordinates of
    ``x`` and ``y``: the marginal of the joint ``π ⊗ P`` on ``(x_S, y_S)``, disintegrated on
    ``x_S``. Coordinates keep the chain's own order. Rows where ``π_S(x_S) = 0`` hold the
    law of ``y_S`` (DESIGN's null-event convention).

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> f = mc.kernel(B, B, [[0.5, 0.5], [0.25, 0.75]])
    >>> P = f @ mc.kernel(B, B, [[1.0, 0.0], [0.0, 1.0]])
    >>> pi = mc.state(B @ B, [1 / 6, 1 / 6, 1 / 3, 1 / 3])
    >>> chains.project(P, pi, [0]).matrix.tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    """
    P = _endo(P, "project")
    X = P.dom
    pi = _law(pi, X, "project")
    S = _subset(X, keep, "project")
    XS = product(*(X.factors[i] for i in S))
    d = len(X.factors)
    joint = pi >> copy(X) >> (identity(X) @ P)  # the joint law of (x, y) on X ⊗ X
    m = ops.reshape(contract(joint, keep=[*S, *(d + i for i in S)]), (XS.size, XS.size))
    row = arr(ops.asum(m, 1))
    col = arr(ops.asum(m, 0))
    cond = _divide(m, ops.reshape(row, (XS.size, 1)), ops.reshape(col, (1, XS.size)))
    name = f"{getattr(P, 'name', None) or 'P'}^{tuple(S)}"
    return Kernel._trusted(XS, XS, ops.reshape(cond, XS.shape + XS.shape), name)


def _marginal(pi: Diagram, S: list[int]) -> Kernel:
    return evaluate(pi >> rewire(pi.cod, S))


def _in_chain_order(X: Object, parts: list[tuple[list[int], Diagram]]) -> Diagram:
    """``⊗ parts`` (each on its coordinates) as an endo-kernel on ``X``, factors in order."""
    order = [i for coords, _ in parts for i in coords]
    body = parts[0][1]
    for _, k in parts[1:]:
        body = body @ k
    back = [order.index(i) for i in range(len(X.factors))]
    return rewire(X, order) >> body >> rewire(body.cod, back)


def _chain_args(P: Any, pi: Any, S: Any, fn: str) -> tuple[Diagram, Diagram, list[int]]:
    """Check an endo-kernel, its law and a subset of its coordinates, once for every query."""
    P = _endo(P, fn)
    return P, _law(pi, P.dom, fn), _subset(P.dom, S, fn)


@renamed(S="keep")
@keyword_only("base")
def distance_to_factorizability(P: Diagram, pi: Diagram, keep: Any, *, base: Any = None) -> Any:
    """``D_π(P ‖ P^(S) ⊗ P^(−S))``, the product put back in the chain's coordinate order.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> f = mc.kernel(B, B, [[0.5, 0.5], [0.25, 0.75]])
    >>> chains.distance_to_factorizability(f @ f, mc.state(B @ B, [1/9, 2/9, 2/9, 4/9]), [1])
    0.0
    """
    P, pi, S = _chain_args(P, pi, keep, "distance_to_factorizability")
    X = P.dom
    R = [i for i in range(len(X.factors)) if i not in S]
    if not S or not R:
        return KL(P, P, prior=pi, base=base)
    Q = _in_chain_order(X, [(S, project(P, pi, S)), (R, project(P, pi, R))])
    return KL(P, Q, prior=pi, base=base)


@renamed(S="keep")
@keyword_only("base")
def distance_to_independence(P: Diagram, pi: Diagram, keep: Any, *, base: Any = None) -> Any:
    """``D_{π_S}(P^(S) ‖ ⊗_{i∈S} P^(i))``: how far the coordinates in ``S`` move dependently.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> swap = mc.kernel(B @ B, B @ B, [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]])
    >>> round(chains.distance_to_independence(swap, mc.state(B @ B, [0.25] * 4), [0, 1]), 6)
    1.386294
    """
    P, pi, S = _chain_args(P, pi, keep, "distance_to_independence")
    Q = functools.reduce(operator.matmul, (project(P, pi, [i]) for i in S), project(P, pi, []))
    return KL(project(P, pi, S), Q, prior=_marginal(pi, S), base=base)


@renamed(S="keep")
@keyword_only("base")
def distance_to_stationarity(P: Diagram, pi: Diagram, keep: Any, *, base: Any = None) -> Any:
    """``D_{π_S}(P^(S) ‖ Π_S)`` with ``Π_S = delete >> π_S`` (every row the law ``π_S``).

    It is the mutual information of ``x_S`` and ``y_S`` in one stationary step.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> P = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.5, 0.5]])
    >>> chains.distance_to_stationarity(P, chains.stationary(P), [0])
    0.0
    """
    P, pi, S = _chain_args(P, pi, keep, "distance_to_stationarity")
    PS, piS = project(P, pi, S), _marginal(pi, S)
    return KL(PS, delete(PS.dom) >> piS, prior=piS, base=base)


# ---- subset selection --------------------------------------------------------------------------


@renamed(S="keep")
@keyword_only("base")
def projected_entropy_rate(P: Diagram, pi: Diagram, keep: Any, *, base: Any = None) -> Any:
    """``H(P^(S))`` under ``π_S``: the entropy rate of the projected chain.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> f = mc.kernel(B, B, [[0.5, 0.5], [0.5, 0.5]])
    >>> chains.projected_entropy_rate(f @ f, mc.state(B @ B, [0.25] * 4), [1], base=2)
    1.0
    """
    P, pi, S = _chain_args(P, pi, keep, "projected_entropy_rate")
    return conditional_entropy(project(P, pi, S), _marginal(pi, S), base=base)


#: Named objectives of :func:`greedy_subset` and whether each is maximised by default
#: (as in Lai & Choi's experiments: the distance to independence is minimised).
OBJECTIVES: dict[str, tuple[Callable[..., Any], bool]] = {
    "entropy_rate": (projected_entropy_rate, True),
    "factorizability": (distance_to_factorizability, True),
    "independence": (distance_to_independence, False),
    "stationarity": (distance_to_stationarity, True),
}
_BY_FUNCTION = {fn: (name, up) for name, (fn, up) in OBJECTIVES.items()}
_BY_FUNCTION[entropy_rate] = ("entropy_rate", True)


def _entropy_rate_from_joint(P: Diagram, pi: Diagram) -> Callable[..., Any]:
    """``S ↦ H(P^(S)) = H(x_S, y_S) − H(x_S)`` from one table of the joint ``π ⊗ P`` (the
    same value as :func:`projected_entropy_rate`, without a contraction per subset)."""
    X = P.dom
    d = len(X.factors)
    t = contract(pi >> copy(X) >> (identity(X) @ P), keep=list(range(2 * d)))
    shape = tuple(t.shape)
    t = ops.reshape(ops.reshape(t, (math.prod(shape),)), shape)  # contiguous: fast sums

    def H(keep: list[int]) -> Any:
        drop = tuple(i for i in range(2 * d) if i not in keep)
        m = arr(ops.asum(t, drop)) if drop else t
        return arr(const(t, 0) - arr(ops.asum(plogq(m, m), None)))

    def rate(_P: Any, _pi: Any, S: list[int]) -> Any:
        return finish(arr(H([*S, *(d + i for i in S)]) - H(list(S))), None)

    return rate


class Selection(NamedTuple):
    """The result of :func:`greedy_subset`: coordinates in the order picked, the
    objective's value on them, and its value after each pick."""

    subset: tuple[int, ...]
    value: float
    trace: tuple[float, ...]


def _objective(objective: Any) -> tuple[Callable[..., Any], bool]:
    if isinstance(objective, str):
        if objective not in OBJECTIVES:
            raise InformationError(
                f"chains.greedy_subset: unknown objective {objective!r}; expected one of "
                f"{sorted(OBJECTIVES)} or a function (P, pi, S) -> number"
            )
        return OBJECTIVES[objective]
    if not callable(objective):
        raise InformationError(
            f"chains.greedy_subset: expected an objective name or function, given {objective!r}"
        )
    if objective in _BY_FUNCTION:  # callables are hashable
        return OBJECTIVES[_BY_FUNCTION[objective][0]]
    _check_arity(objective, 3, "chains.greedy_subset: the objective (P, pi, S)")
    return objective, True


def greedy_subset(
    objective: Any, P: Diagram, pi: Diagram, k: int, *, maximize: bool | None = None
) -> Selection:
    """Pick ``k`` coordinates greedily: each step adds the coordinate that most improves
    ``objective(P, pi, S)``.

    ``objective`` is a name in :data:`OBJECTIVES` (``"entropy_rate"``, ``"factorizability"``,
    ``"independence"``, ``"stationarity"``), one of this module's functions, or any function
    ``(P, pi, S) -> number``. Named objectives are maximised, except the distance to
    independence, which is minimised; ``maximize=`` overrides. Ties (up to rounding, a
    relative 1e-12) go to the lowest coordinate. Always returns exactly ``k`` coordinates.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> lazy, busy = (mc.kernel(B, B, m) for m in ([[0.9, 0.1], [0.1, 0.9]], [[0.5, 0.5], [0.5, 0.5]]))
    >>> P = lazy @ busy @ lazy
    >>> chains.greedy_subset("entropy_rate", P, chains.stationary(P), 1).subset
    (1,)
    """
    P = _endo(P, "greedy_subset")
    pi = _law(pi, P.dom, "greedy_subset")
    fn, up = _objective(objective)
    up = up if maximize is None else maximize
    d = len(P.dom.factors)
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= d:
        raise InformationError(f"chains.greedy_subset: expected k in 0..{d}, given {k!r}")
    if fn is projected_entropy_rate and P.dom.size**2 <= config.max_elements:
        fn = _entropy_rate_from_joint(P, pi)  # one contraction, then sums over its axes
    chosen: list[int] = []
    trace: list[float] = []
    for _ in range(k):
        best, best_value = -1, -math.inf if up else math.inf
        for i in range(d):
            if i in chosen:
                continue
            v = float(fn(P, pi, sorted([*chosen, i])))
            margin = 1e-12 * max(1.0, abs(v))  # near-ties (rounding) go to the lower coordinate
            if best < 0 or ((v > best_value + margin) if up else (v < best_value - margin)):
                best, best_value = i, v
        chosen.append(best)
        trace.append(best_value)
    value = trace[-1] if trace else float(fn(P, pi, []))
    return Selection(tuple(chosen), value, tuple(trace))


# ---- fixed coordinates and partitions (Lai & Choi) -------------------------------------------


@keyword_only("base")
def distance_to_factorizability_over(
    P: Diagram, pi: Diagram, fixed: Any, keep: Any, *, base: Any = None
) -> Any:
    """``D_{π_{W∪S}}(P^(W∪S) ‖ P^(W) ⊗ P^(S))`` for fixed coordinates ``W`` and ``S``
    disjoint from them: how much the coordinates ``S`` move jointly with ``W``. The product
    is put back in the chain's coordinate order (the published code's ``kron(P^(W), P^(S))``
    orders states ``(x_W, x_S)``, which differs unless every coordinate of ``W`` precedes
    every one of ``S``).

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> f = mc.kernel(B, B, [[0.5, 0.5], [0.25, 0.75]])
    >>> P = f @ f @ f
    >>> chains.distance_to_factorizability_over(P, chains.stationary(P), [0], [2])
    0.0
    """
    P, pi, W = _chain_args(P, pi, fixed, "distance_to_factorizability_over")
    S = _subset(P.dom, keep, "distance_to_factorizability_over")
    if set(W) & set(S):
        raise InformationError(
            f"chains.distance_to_factorizability_over: keep {S} must be disjoint from fixed {W}"
        )
    U = sorted(W + S)
    PU, piU = project(P, pi, U), _marginal(pi, U)
    if not W or not S:
        return KL(PU, PU, prior=piU, base=base)
    local = [U.index(i) for i in W], [U.index(i) for i in S]
    Q = _in_chain_order(PU.dom, [(local[0], project(P, pi, W)), (local[1], project(P, pi, S))])
    return KL(PU, Q, prior=piU, base=base)


def _parts(X: Object, parts: Any, fn: str) -> list[list[int]]:
    out = [_subset(X, part, fn) for part in parts]
    flat = sorted(i for part in out for i in part)
    if flat != list(range(len(X.factors))) or any(not part for part in out):
        raise InformationError(
            f"chains.{fn}: expected a partition of the coordinates 0..{len(X.factors) - 1} "
            f"into nonempty parts, given {out}"
        )
    return out


@keyword_only("base")
def distance_to_partition(P: Diagram, pi: Diagram, parts: Any, *, base: Any = None) -> Any:
    """``D_π(P ‖ ⊗_j P^(S_j))`` for a partition ``S_1, …, S_k`` of the coordinates, equal to
    ``Σ_j H(P^(S_j)) − H(P)`` (a test checks the two).

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> f = mc.kernel(B, B, [[0.5, 0.5], [0.25, 0.75]])
    >>> P = f @ f @ f
    >>> round(chains.distance_to_partition(P, chains.stationary(P), [[0, 2], [1]]), 12)
    0.0
    """
    P = _endo(P, "distance_to_partition")
    pi = _law(pi, P.dom, "distance_to_partition")
    S = _parts(P.dom, parts, "distance_to_partition")
    if len(S) == 1:
        return KL(P, P, prior=pi, base=base)
    Q = _in_chain_order(P.dom, [(part, project(P, pi, part)) for part in S])
    return KL(P, Q, prior=pi, base=base)


def partition_selection(
    P: Diagram,
    pi: Diagram,
    universes: Sequence[Any],
    budget: int,
    *,
    positive_gain: bool = True,
    cost: Callable[[int, int], float] | None = None,
) -> PartSelection:
    """Choose disjoint parts ``S_j ⊆ universes[j]`` with ``Σ |S_j| <= budget`` maximising
    the summed entropy rates ``Σ_j H(P^(S_j))`` minus an optional modular ``cost(j, i)``,
    by :func:`k_submodular_greedy` (Lai & Choi's generalised distorted greedy). On a full
    partition ``Σ_j H(P^(S_j)) = H(P) + distance_to_partition``.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> B = mc.Obj("B", 2)
    >>> lazy, busy = (mc.kernel(B, B, m) for m in ([[0.9, 0.1], [0.1, 0.9]], [[0.5, 0.5], [0.5, 0.5]]))
    >>> P = lazy @ busy @ lazy
    >>> chains.partition_selection(P, chains.stationary(P), [[0, 1], [2]], 3).parts
    ((1, 0), (2,))
    """
    P = _endo(P, "partition_selection")
    pi = _law(pi, P.dom, "partition_selection")
    V = [_subset(P.dom, u, "partition_selection") for u in universes]

    def summed(parts: tuple[frozenset[int], ...]) -> float:
        return sum(float(projected_entropy_rate(P, pi, sorted(p))) for p in parts if p)

    return k_submodular_greedy(summed, cost, V, budget, positive_gain=positive_gain)


__all__ = [
    "OBJECTIVES",
    "Selection",
    "batch_greedy",
    "check_monotone",
    "check_submodular",
    "check_supermodular",
    "distance_to_factorizability_over",
    "distance_to_partition",
    "distorted_greedy",
    "exhaustive",
    "greedy",
    "k_submodular_greedy",
    "partition_selection",
    "distance_to_factorizability",
    "distance_to_independence",
    "distance_to_stationarity",
    "entropy_rate",
    "gibbs",
    "greedy_subset",
    "kl_rate",
    "metropolis",
    "project",
    "projected_entropy_rate",
    "stationary",
]
