"""Multivariate information: Jensen–Shannon, Tsallis, cross entropy, and the information
shared among the factors of a joint state.

Each quantity is defined by a divergence between two diagrams, and each is computed as an
equal contraction that never builds the larger of them:

- :func:`jensen_shannon` of states ``p_1 … p_n`` with weights ``w`` is the mutual
  information of the mixture joint ``w >> copy >> (id ⊗ f)`` where ``f : Z → X`` has the
  rows ``p_i`` (Lin 1991): ``Σ_i w_i KL(p_i ‖ Σ_j w_j p_j)``;
- :func:`total_correlation` (Watanabe 1960) is ``KL(ω ‖ ⊗_i ω_i)``, the divergence of the
  joint from the product of its marginals: ``Σ_i H(X_i) − H(X)``;
- :func:`dual_total_correlation` (Han 1978) is ``H(X) − Σ_i H(X_i | X_{−i})``;
- :func:`coinformation` (Bell 2003; McGill's interaction information up to sign) is the
  inclusion–exclusion sum ``−Σ_{T≠∅} (−1)^{|T|} H(X_T)``: the mutual information for two
  factors, ``I(X;Y) − I(X;Y|Z)`` for three (and may be negative).

Marginal entropies come from one evaluation of the joint's table, each by summing axes.

>>> import markovcat as mc
>>> xor = mc.state(mc.Bool @ mc.Bool @ mc.Bool, [0.25, 0, 0, 0.25, 0, 0.25, 0.25, 0])
>>> mc.total_correlation(xor, base=2), mc.dual_total_correlation(xor, base=2)
(1.0, 2.0)
>>> round(mc.coinformation(xor, base=2), 12)
-1.0
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any

from ._diagram import Diagram
from ._errors import InformationError, TypeMismatchError
from ._evidence import factor_positions
from ._kernel import state
from ._numerics import (
    arr,
    check_base,
    const,
    finish,
    full_support,
    in_base,
    infinity,
    is_exact,
    log_mean_exp,
    plogq,
    tables,
)
from ._objects import I, Obj
from .backends import ops


def _states(ps: Sequence[Any], fn: str) -> list[Diagram]:
    out = []
    for i, p in enumerate(ps):
        if not isinstance(p, Diagram) or p.dom != I:
            given = f"{p.dom} → {p.cod}" if isinstance(p, Diagram) else type(p).__name__
            raise TypeMismatchError(
                f"mc.{fn}: expected states I → X, given {given} as argument {i}"
            )
        if p.cod != ps[0].cod:
            raise TypeMismatchError(
                f"mc.{fn}: expected states on one object, given {ps[0].cod} and {p.cod}"
            )
        out.append(p)
    return out


def _weights(weights: Any, n: int, like: Any, fn: str) -> Any:
    """The mixture weights as a vector of ``like``'s backend: uniform, a sequence or a state."""
    if weights is None:
        return arr(ops.full_like(like, (n,), 1) / const(like, n))
    if isinstance(weights, Diagram):
        if weights.dom != I or weights.cod.size != n:
            raise InformationError(
                f"mc.{fn}: expected weights as a state on an object of {n} outcomes, given "
                f"{weights.dom} → {weights.cod}"
            )
        w = weights
    else:
        try:
            values = list(weights)
        except TypeError:
            raise InformationError(
                f"mc.{fn}: expected weights as a sequence of {n} numbers or a state, given "
                f"{weights!r:.80}"
            ) from None
        if len(values) != n:
            raise InformationError(
                f"mc.{fn}: expected {n} weights (one per state), given {len(values)}"
            )
        w = state(Obj("component", n), values)  # validated: nonnegative, summing to 1
    (t, _) = tables(w, _like_diagram(like))
    return ops.reshape(t, (n,))


def _like_diagram(like: Any) -> Diagram:
    """A one-outcome state on ``like``'s backend (to promote weights to it)."""
    return state(Obj("one", 1), ops.full_like(like, (1,), 1))


def jensen_shannon(
    p: Diagram, q: Diagram, *others: Diagram, weights: Any = None, base: Any = None
) -> Any:
    """The Jensen–Shannon divergence of states ``p, q, …`` with mixture ``weights``.

    ``JS_w(p_1, …, p_n) = H(Σ w_i p_i) − Σ w_i H(p_i) = Σ_i w_i KL(p_i ‖ m)``: the mutual
    information between the component ``Z ~ w`` and ``X ~ p_Z`` of the mixture. Uniform
    weights by default; at most ``log n`` (``H(w)`` in general).

    >>> import markovcat as mc
    >>> p, q = mc.state(mc.Bool, [1, 0]), mc.state(mc.Bool, [0, 1])
    >>> mc.jensen_shannon(p, q, base=2), mc.jensen_shannon(p, p)
    (1.0, 0.0)
    """
    check_base(base, True, "mc.jensen_shannon")
    ps = _states([p, q, *others], "jensen_shannon")
    n = len(ps)
    m = ps[0].cod.size
    ts = [ops.reshape(t, (m,)) for t in tables(*ps)]
    w = _weights(weights, n, ts[0], "jensen_shannon")
    parts = [arr(t * w[i]) for i, t in enumerate(ts)]  # w_i p_i, one vector each
    mix = parts[0]
    for part in parts[1:]:
        mix = arr(mix + part)  # the mixture Σ w_i p_i
    # Σ_i w_i KL(p_i ‖ mix) = Σ_i Σ_x w_i p_i(x) log p_i(x) − Σ_x mix(x) log mix(x)
    own = arr(ops.asum(plogq(parts[0], ts[0]), None))
    for part, t in zip(parts[1:], ts[1:], strict=True):
        own = arr(own + arr(ops.asum(plogq(part, t), None)))
    cross = arr(ops.asum(plogq(mix, mix), None))
    return finish(arr(own - cross), base)


def cross_entropy(p: Diagram, q: Diagram, *, base: Any = None) -> Any:
    """``H(p, q) = −Σ p log q = H(p) + KL(p‖q)``; ``+inf`` where ``q = 0 < p``.

    >>> import markovcat as mc
    >>> mc.cross_entropy(mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75]), base=2) > 1
    True
    >>> mc.cross_entropy(mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [1, 0]))
    inf
    """
    check_base(base, True, "mc.cross_entropy")
    a, b = tables(*_states([p, q], "cross_entropy"))
    if full_support(b):  # no q = 0 to treat apart
        return finish(arr(const(a, 0) - arr(ops.asum(plogq(a, b), None))), base)
    mismatch = ops.positive(a) & ~ops.positive(b)
    off = arr(ops.amax(ops.where(a, mismatch, infinity(a), const(a, 0)), None))
    safe_q = ops.where(b, mismatch, const(b, 1), b)
    return finish(arr(arr(const(a, 0) - arr(ops.asum(plogq(a, safe_q), None))) + off), base)


def _order(q: Any) -> Any:
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not math.isfinite(float(q)):
        raise InformationError(f"mc.tsallis_entropy: expected a finite real order q, given {q!r}")
    return q


def _expm1(x: Any) -> Any:
    """``e^x − 1`` accurate near 0 (Kahan: ``(u − 1)·x / log u`` with ``u = e^x``)."""
    one = const(x, 1)
    u = arr(ops.exp(x))
    moved = ops.positive(arr(ops.absolute(arr(u - one))))
    log_u = ops.where(u, moved, arr(ops.log(ops.where(u, moved & ops.positive(u), u, one))), one)
    return ops.where(u, moved, arr(arr(u - one) * arr(x / log_u)), x)


def tsallis_entropy(p: Diagram, q: Any) -> Any:
    """The Tsallis entropy ``S_q(p) = (1 − Σ_{p>0} p^q) / (q − 1)`` for every real ``q``.

    ``q = 1`` is Shannon entropy (in nats), ``q = 2`` the Gini–Simpson index and ``q = 0``
    the support size minus 1; orders below 0 sum over the support only. No logarithm, so no
    ``base=``. It is the determinism entropy ``D(copy∘p, p⊗p)`` of the Tsallis relative
    entropy of order ``2 − q`` (an f-divergence; a law). Near ``q = 1`` floats are computed
    as ``−expm1(log Σ p e^((q−1) log p)) / (q − 1)``, with no cancellation.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Obj("X", 4), [0.25] * 4)
    >>> mc.tsallis_entropy(p, 2), mc.tsallis_entropy(p, 0), round(mc.tsallis_entropy(p, 1), 6)
    (0.75, 3.0, 1.386294)
    """
    q = _order(q)
    (t,) = tables(*_states([p], "tsallis_entropy"))
    pos = ops.positive(t)
    if q == 1:
        return finish(const(t, 0) - arr(ops.asum(plogq(t, t), None)), None)
    safe = ops.where(t, pos, t, const(t, 1))
    one = const(t, 1)
    if is_exact(t) or abs(float(q) - 1) >= 0.5:
        s = arr(ops.asum(ops.where(t, pos, ops.power(safe, q), const(t, 0)), None))
        value = arr(arr(one - s) / arr(const(t, q) - one))
    else:
        log_p = arr(ops.log(safe))
        L = log_mean_exp(t, log_p, arr(log_p * const(t, q - 1)), pos, None, True)
        value = arr(arr(const(L, 0) - _expm1(L)) / const(L, q - 1))
    return finish(value, None)


# ---- the information shared among factors ----------------------------------------------------


def _joint_groups(joint: Any, groups: Any, fn: str) -> tuple[Any, list[list[int]]]:
    if not isinstance(joint, Diagram) or joint.dom != I:
        given = f"{joint.dom} → {joint.cod}" if isinstance(joint, Diagram) else type(joint).__name__
        raise TypeMismatchError(f"mc.{fn}: expected a joint state I → X1 ⊗ … ⊗ Xn, given {given}")
    n = len(joint.cod.factors)
    if groups is None:
        parts = [[i] for i in range(n)]
    else:
        if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence):
            raise InformationError(
                f"mc.{fn}: expected groups as a sequence of factor selections, given {groups!r:.80}"
            )
        parts = []
        for g in groups:
            sel = list(g) if isinstance(g, (list, tuple, set, frozenset, range)) else [g]
            parts.append(factor_positions(joint.cod, sel))
        flat = [i for g in parts for i in g]
        if len(set(flat)) != len(flat) or any(not g for g in parts):
            raise InformationError(
                f"mc.{fn}: groups must be nonempty and disjoint factor selections, given {groups!r:.80}"
            )
    if len(parts) < 2:
        raise InformationError(
            f"mc.{fn}: expected at least 2 groups of factors, given {len(parts)}"
        )
    (t,) = tables(joint)
    return t, parts


def _entropy_of(t: Any, keep: Sequence[int]) -> Any:
    """``H(X_keep)`` from the joint table ``t``: the marginal by summing the other axes."""
    drop = tuple(i for i in range(len(t.shape)) if i not in set(keep))
    m = arr(ops.asum(t, drop)) if drop else t
    return arr(const(t, 0) - arr(ops.asum(plogq(m, m), None)))


def total_correlation(joint: Diagram, groups: Any = None, *, base: Any = None) -> Any:
    """Total correlation ``KL(ω ‖ ⊗_i ω_i) = Σ_i H(X_i) − H(X)`` of a joint state.

    ``groups`` (default: each factor alone) lists factor selections taken as the variables;
    factors in no group are marginalised out. For two groups this is the mutual information.

    >>> import markovcat as mc
    >>> same = mc.state(mc.Bool @ mc.Bool, [[0.5, 0.0], [0.0, 0.5]])
    >>> mc.total_correlation(same, base=2)
    1.0
    """
    check_base(base, True, "mc.total_correlation")
    t, parts = _joint_groups(joint, groups, "total_correlation")
    every = [i for g in parts for i in g]
    value = _entropy_of(t, every) * const(t, -1)
    for g in parts:
        value = arr(value + _entropy_of(t, g))
    return finish(value, base)


def dual_total_correlation(joint: Diagram, groups: Any = None, *, base: Any = None) -> Any:
    """Dual total correlation (binding information) ``H(X) − Σ_i H(X_i | X_{−i})``,
    equal to ``Σ_i H(X_{−i}) − (n − 1) H(X)``.

    >>> import markovcat as mc
    >>> same = mc.state(mc.Bool @ mc.Bool, [[0.5, 0.0], [0.0, 0.5]])
    >>> mc.dual_total_correlation(same, base=2)
    1.0
    """
    check_base(base, True, "mc.dual_total_correlation")
    t, parts = _joint_groups(joint, groups, "dual_total_correlation")
    every = [i for g in parts for i in g]
    value = _entropy_of(t, every) * const(t, 1 - len(parts))
    for j in range(len(parts)):
        rest = [i for k, g in enumerate(parts) if k != j for i in g]
        value = arr(value + _entropy_of(t, rest))
    return finish(value, base)


def coinformation(joint: Diagram, groups: Any = None, *, base: Any = None) -> Any:
    """Co-information ``I(X_1; …; X_n) = −Σ_{∅≠T⊆[n]} (−1)^{|T|} H(X_T)`` (may be negative).

    Two groups give the mutual information, three ``I(X;Y) − I(X;Y|Z)``. It takes the
    ``2^n − 1`` marginal entropies of the joint, each a sum over the table's axes.

    >>> import markovcat as mc
    >>> same = mc.state(mc.Bool @ mc.Bool, [[0.5, 0.0], [0.0, 0.5]])
    >>> mc.coinformation(same, base=2)
    1.0
    """
    check_base(base, True, "mc.coinformation")
    t, parts = _joint_groups(joint, groups, "coinformation")
    value = const(t, 0)
    for r in range(1, len(parts) + 1):
        sign = const(t, (-1) ** (r + 1))
        for T in itertools.combinations(parts, r):
            value = arr(value + sign * _entropy_of(t, [i for g in T for i in g]))
    if not is_exact(value):  # a rounding error at an exact 0 stays a tiny float
        value = arr(value + const(value, 0))
    return ops.log_scalar(in_base(value, base))


__all__ = [
    "coinformation",
    "cross_entropy",
    "dual_total_correlation",
    "jensen_shannon",
    "total_correlation",
    "tsallis_entropy",
]
