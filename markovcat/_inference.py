"""Inference in the categorical vocabulary: marginals, conditioning, disintegration and
Bayesian inversion — each one vectorised contraction, on every backend.

Null events (DESIGN §1): conditionals are unique only almost surely. Where the conditioning
outcome has probability 0, the row is filled with the *unconditional* distribution of the
output wires (the prior for :func:`bayes_invert`, the marginal of the remaining factors for
:func:`disintegrate`), so every row is a distribution. Conditioning a state on evidence of
probability 0 raises :class:`ZeroProbabilityError`.

>>> import markovcat as mc
>>> A, B = mc.Obj("A", 2), mc.Obj("B", 3)
>>> joint = mc.state(A @ B, [[0.1, 0.2, 0.1], [0.3, 0.2, 0.1]])
>>> mc.marginal(joint, [1]).array.round(3).tolist()
[0.4, 0.4, 0.2]
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import backends
from ._compile import contract, evaluate
from ._config import check_tolerance
from ._diagram import Diagram, copy, describe, identity, rewire
from ._errors import TypeMismatchError, ZeroProbabilityError
from ._evidence import factor_position, parse_evidence
from ._kernel import Kernel
from ._objects import Bool, I, product
from .backends import ops


def _diagram(d: object, fn: str, what: str = "joint") -> Diagram:
    if not isinstance(d, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected a kernel or diagram as {what}, given {type(d).__name__}"
        )
    return d


def _positions(d: Diagram, keys: Sequence[Any] | Any, fn: str) -> list[int]:
    keys = list(keys) if isinstance(keys, (list, tuple)) else [keys]
    out = [factor_position(d.cod, k) for k in keys]
    if len(set(out)) != len(out):
        raise TypeMismatchError(f"mc.{fn}: factor positions must be distinct, given {keys}")
    return out


def marginal(joint: Diagram, keep: Sequence[int] | int) -> Kernel:
    """Keep the codomain factors at positions ``keep`` (or names), in the order given.

    Works on states and on kernels; one contraction of ``joint >> rewire`` (deleting the
    other factors) that never builds the joint.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> mc.marginal(p, [0]).array.round(3).tolist()
    [0.3, 0.7]
    """
    joint = _diagram(joint, "marginal")
    keep = [
        factor_position(joint.cod, k) for k in (keep if isinstance(keep, (list, tuple)) else [keep])
    ]
    return evaluate(joint >> rewire(joint.cod, keep))


def _safe_divide(num: Any, den: Any, fallback: Any) -> Any:
    """``num / den`` where ``den > 0``, else ``fallback`` (broadcast), with no 0/0 anywhere."""
    mask = ops.positive(den)
    one = ops.ones(den, tuple(den.shape))
    safe = ops.where(den, mask, den, one)
    return ops.where(num, mask, num / safe, fallback)


def disintegrate(joint: Diagram, on: Sequence[int] | int) -> tuple[Kernel, Kernel]:
    """Split ``joint`` into the marginal on the factors ``on`` and the conditional from those
    factors to the remaining ones (in their original order).

    For a state ``I → X``: ``joint == marginal >> copy >> (identity @ conditional)`` up to
    the wire order. For a kernel ``A → X`` the domain comes along: the marginal is
    ``A → X_on`` and the conditional ``A ⊗ X_on → X_rest``. Rows at outcomes of probability
    0 hold the marginal of the remaining factors.

    >>> import markovcat as mc
    >>> A = mc.Obj("A", 2)
    >>> m, c = mc.disintegrate(mc.state(A @ mc.Bool, [[0.2, 0.2], [0.0, 0.6]]), [0])
    >>> m.array.tolist(), c.matrix.tolist()
    ([0.4, 0.6], [[0.5, 0.5], [0.0, 1.0]])
    """
    joint = _diagram(joint, "disintegrate")
    on_pos = _positions(joint, on, "disintegrate")
    rest = [i for i in range(len(joint.cod.factors)) if i not in on_pos]
    factors = joint.cod.factors
    X_on = product(*(factors[i] for i in on_pos))
    X_rest = product(*(factors[i] for i in rest))
    A = joint.dom
    nA = len(A.factors)
    table = contract(joint, keep=on_pos + rest)  # axes: A..., on..., rest...
    shape = (*A.shape, X_on.size, X_rest.size)
    flat = ops.reshape(table, shape)
    m = ops.asum(flat, nA + 1)  # (A..., on)
    rest_marg = ops.asum(flat, nA)  # (A..., rest)
    cond = _safe_divide(
        flat,
        ops.reshape(m, (*A.shape, X_on.size, 1)),
        ops.reshape(rest_marg, (*A.shape, 1, X_rest.size)),
    )
    marg = Kernel._trusted(A, X_on, ops.reshape(m, A.shape + X_on.shape), None)
    conditional = Kernel._trusted(
        A @ X_on, X_rest, ops.reshape(cond, A.shape + X_on.shape + X_rest.shape), None
    )
    return marg, conditional


def bayes_invert(f: Diagram, prior: Diagram) -> Kernel:
    """The Bayesian inverse ``f†: Y → X`` of ``f: X → Y`` with respect to ``prior: I → X``.

    It satisfies Bayes' law ``prior >> copy >> (id @ f) == (prior >> f) >> copy >> (f† @ id)``
    (as joints on X ⊗ Y). Rows at outcomes ``y`` of probability 0 hold the prior. With a
    parameterised prior ``A → X``, the inverse is ``A ⊗ Y → X``.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> prior = mc.state(D, [0.99, 0.01])
    >>> test = mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]])
    >>> round(float(mc.bayes_invert(test, prior).matrix[1, 1]), 4)  # P(ill | pos)
    0.1538
    """
    f = _diagram(f, "bayes_invert", "channel")
    prior = _diagram(prior, "bayes_invert", "prior")
    if prior.cod != f.dom:
        raise TypeMismatchError(
            f"mc.bayes_invert: the prior's codomain {prior.cod} must be the channel's domain "
            f"{f.dom} (channel {describe(f)})"
        )
    X = f.dom
    joint = prior >> copy(X) >> (identity(X) @ f)
    nx = len(X.factors)
    _, inverse = disintegrate(joint, list(range(nx, nx + len(f.cod.factors))))
    return inverse


def _check_evidence_probability(z: Any, state: Diagram, evidence: Any) -> None:
    if not ops.is_concrete(z):
        return  # under tracing the value is unknown; the caller sees NaN-free where()
    if not bool(np.any(np.asarray(ops.positive(z)))):
        raise ZeroProbabilityError(
            f"cannot condition {describe(state)} : {state.dom} → {describe(state.cod)} on "
            f"evidence {reprlib.repr(evidence)}: it has probability 0"
        )


def condition(
    state: Diagram,
    evidence: Mapping[Any, Any] | Diagram,
    keep: Sequence[Any] | None = None,
) -> Kernel:
    """The posterior state on the same object given ``evidence``.

    ``evidence`` is a dict ``{factor position or name: observed outcome}`` (observed factors
    become point masses, so positions stay stable) or a predicate kernel ``cod → mc.Bool``
    observed as ``True``. With ``keep`` (positions or names), only the posterior marginal
    of those factors is returned — one contraction, without the joint, however many wires
    the diagram has. Evidence of probability 0 raises :class:`ZeroProbabilityError`.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D @ T, [[0.9405, 0.0495], [0.001, 0.009]])
    >>> mc.condition(joint, {"T": "pos"}).array.round(4).tolist()
    [[0.0, 0.8462], [0.0, 0.1538]]
    >>> mc.condition(joint, {"T": "pos"}, keep=["D"]).array.round(4).tolist()
    [0.8462, 0.1538]
    """
    state = _diagram(state, "condition", "state")
    if state.dom != I:
        raise TypeMismatchError(
            f"mc.condition: expected a state I → X, given {state.dom} → {state.cod}; "
            "use mc.disintegrate or mc.bayes_invert for kernels"
        )
    X = state.cod
    n = len(X.factors)
    target = list(range(n)) if keep is None else _positions(state, keep, "condition")
    if isinstance(evidence, Diagram):
        pred = evidence
        if pred.dom != X or pred.cod != Bool:
            raise TypeMismatchError(
                f"mc.condition: a predicate must be a kernel {X} → Bool, given {pred.dom} → {pred.cod}"
            )
        weighted = state >> copy(X) >> (identity(X) @ pred)
        table, _ = contract(weighted, keep=target, effects={n: np.array([0.0, 1.0])}, rescaled=True)
        _check_evidence_probability(ops.asum(table, None), state, describe(pred))
        return Kernel._trusted(
            I,
            product(*(X.factors[i] for i in target)),
            backends.asarray(table / ops.asum(table, None)),  # 0-d numpy: keep an array
            None,
        )
    observed = parse_evidence(X, evidence)
    effects = {pos: _one_hot(X.factors[pos].size, idx) for pos, idx in observed.items()}
    free = [i for i in target if i not in observed]
    table, _ = contract(state, keep=free, effects=effects, rescaled=True)  # free target axes
    z = ops.asum(table, None)
    _check_evidence_probability(z, state, evidence)
    table = backends.asarray(table / z)  # 0-d numpy division gives a scalar: keep an array
    posterior: Diagram = Kernel._trusted(I, product(*(X.factors[i] for i in free)), table, None)
    points = [i for i in target if i in observed]
    for i in points:
        posterior = posterior @ Kernel._trusted(I, X.factors[i], effects[i], None)
    order = free + points
    return evaluate(posterior >> rewire(posterior.cod, [order.index(i) for i in target]))


def _one_hot(size: int, index: int) -> np.ndarray:
    v = np.zeros(size)
    v[index] = 1.0
    return v


def almost_surely_equal(f: Diagram, g: Diagram, prior: Diagram, atol: float = 1e-8) -> bool:
    """Whether ``f`` and ``g`` agree on every input of positive ``prior`` probability.

    >>> import markovcat as mc
    >>> prior = mc.state(mc.Bool, [1.0, 0.0])
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [1.0, 0.0]])
    >>> g = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.0, 1.0]])
    >>> mc.almost_surely_equal(f, g, prior), mc.allclose(f, g)
    (True, False)
    """
    for d, what in ((f, "f"), (g, "g"), (prior, "prior")):
        _diagram(d, "almost_surely_equal", what)
    atol = check_tolerance(atol, "mc.almost_surely_equal")
    if f.dom != g.dom or f.cod != g.cod:
        return False
    if prior.dom != I or prior.cod != f.dom:
        raise TypeMismatchError(
            f"mc.almost_surely_equal: expected a prior I → {f.dom}, given {prior.dom} → {prior.cod}"
        )
    from ._compare import tables

    a, b = tables(f, g)
    p, _ = tables(prior, prior)
    support = ops.reshape(ops.positive(p), (f.dom.size,))
    rows_a = ops.reshape(a, (f.dom.size, f.cod.size))[np.asarray(support)]
    rows_b = ops.reshape(b, (f.dom.size, f.cod.size))[np.asarray(support)]
    return ops.allclose(rows_a, rows_b, atol)


__all__ = ["almost_surely_equal", "bayes_invert", "condition", "disintegrate", "marginal"]
