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

import math
import reprlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _dispatch, _engine, _executor
from ._compare import tables
from ._compile import contract
from ._config import check_tolerance
from ._deprecation import keyword_only
from ._diagram import Diagram, copy, describe, identity
from ._engine import Query
from ._errors import TypeMismatchError, ZeroProbabilityError
from ._evidence import factor_positions, parse_evidence
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
    out = factor_positions(d.cod, keys)
    if len(set(out)) != len(out):
        raise TypeMismatchError(f"mc.{fn}: factor positions must be distinct, given {keys!r}")
    return out


def marginal(joint: Diagram, keep: Sequence[int] | int, *, executor: Any = None) -> Kernel:
    """Keep the codomain factors at positions ``keep`` (or names), in the order given.

    Works on states and on kernels; one contraction in which the other factors are
    deleted (summed out), so the joint is never built.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> mc.marginal(p, [0]).array.round(3).tolist()
    [0.3, 0.7]
    """
    if (r := _dispatch.other("marginal", joint, keep)) is not _dispatch.NOTHING:
        return r  # a Gaussian kernel (markovcat.gauss)
    joint = _diagram(joint, "marginal")
    keep = factor_positions(joint.cod, keep)
    cod = product(*(joint.cod.factors[k] for k in keep))
    with _executor.selected(executor, "mc.marginal(executor=)"):
        table = contract(joint, keep=keep)
    return Kernel._trusted(joint.dom, cod, table, None)


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
    if (r := _dispatch.other("disintegrate", joint, on)) is not _dispatch.NOTHING:
        return r  # a Gaussian kernel (markovcat.gauss)
    joint = _diagram(joint, "disintegrate")
    on_pos = _positions(joint, on, "disintegrate")
    X_on = product(*(joint.cod.factors[i] for i in on_pos))
    return Kernel._trusted(joint.dom, X_on, contract(joint, keep=on_pos), None), _conditional(
        joint, on_pos
    )


def _conditional(joint: Diagram, on_pos: list[int]) -> Kernel:
    """The kernel ``dom ⊗ X_on → X_rest`` of a disintegration, row by row: each row (an
    input and an outcome on ``on``) is rescaled on its own, so a row whose probability
    underflows keeps its digits; rows of probability 0 hold the marginal of the rest."""
    factors = joint.cod.factors
    rest = [i for i in range(len(factors)) if i not in on_pos]
    X_on = product(*(factors[i] for i in on_pos))
    X_rest = product(*(factors[i] for i in rest))
    A = joint.dom
    cond, _ = _engine.run(joint, Query(keep=(*on_pos, *rest), normalize="rows", rows=tuple(on_pos)))
    flat = ops.reshape(cond, (*A.shape, X_on.size, X_rest.size))
    null = ops.reshape(ops.positive(ops.asum(flat, len(A.factors) + 1)), (*A.shape, X_on.size, 1))
    if not ops.is_concrete(flat) or not bool(np.all(np.asarray(null))):
        rest_marg = ops.reshape(contract(joint, keep=rest), (*A.shape, 1, X_rest.size))
        flat = ops.where(flat, null, flat, rest_marg)
    return Kernel._trusted(
        A @ X_on, X_rest, ops.reshape(flat, A.shape + X_on.shape + X_rest.shape), None
    )


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
    if (r := _dispatch.other("bayes_invert", f, prior)) is not _dispatch.NOTHING:
        return r  # Gaussian kernels: the Kalman update (markovcat.gauss)
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
    return _conditional(joint, list(range(nx, nx + len(f.cod.factors))))


def condition(
    state: Diagram,
    evidence: Mapping[Any, Any] | Diagram,
    keep: Sequence[Any] | None = None,
    *,
    executor: Any = None,
) -> Kernel:
    """The posterior state on the same object given ``evidence``.

    ``evidence`` is a dict ``{factor position or name: observed outcome}`` (observed factors
    become point masses, so positions stay stable) or a predicate kernel ``cod → mc.Bool``
    observed as ``True``. With ``keep`` (positions or names), only the posterior marginal
    of those factors is returned — one contraction, without the joint, however many wires
    the diagram has (a factor listed twice comes out copied). Evidence of probability 0
    raises :class:`ZeroProbabilityError`. ``executor`` (default ``mc.config.executor``)
    says where the slices of a contraction over the memory limit run (docs/scaling.md).

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D @ T, [[0.9405, 0.0495], [0.001, 0.009]])
    >>> mc.condition(joint, {"T": "pos"}).array.round(4).tolist()
    [[0.0, 0.8462], [0.0, 0.1538]]
    >>> mc.condition(joint, {"T": "pos"}, keep=["D"]).array.round(4).tolist()
    [0.8462, 0.1538]
    """
    if (r := _dispatch.other("condition", state, evidence, keep)) is not _dispatch.NOTHING:
        return r  # a Gaussian state (markovcat.gauss)
    state = _diagram(state, "condition", "state")
    if state.dom != I:
        raise TypeMismatchError(
            f"mc.condition: expected a state I → X, given {state.dom} → {state.cod}; "
            "use mc.disintegrate or mc.bayes_invert for kernels"
        )
    X = state.cod
    n = len(X.factors)
    target = list(range(n)) if keep is None else factor_positions(X, keep)
    with _executor.selected(executor, "mc.condition(executor=)"):
        if isinstance(evidence, Diagram):
            pred = evidence
            if pred.dom != X or pred.cod != Bool:
                raise TypeMismatchError(
                    f"mc.condition: a predicate must be a kernel {X} → Bool, given {pred.dom} → {pred.cod}"
                )
            weighted = state >> copy(X) >> (identity(X) @ pred)
            query = Query(keep=tuple(target), effects=(n,), normalize="all")
            table, log_z = _engine.run(weighted, query, effects=[np.array([0.0, 1.0])])
            check_positive(log_z, state, describe(pred))
        else:
            positions, values = observe(state, evidence)
            query = Query(keep=tuple(target), observed=positions, normalize="all")
            table, log_z = _engine.run(state, query, evidence=values)
            check_positive(log_z, state, evidence)
    return Kernel._trusted(I, product(*(X.factors[i] for i in target)), table, None)


def observe(state: Diagram, evidence: Any) -> tuple[tuple[int, ...], list[int]]:
    """Observed positions (sorted) and their outcome indices; a factor that is a copy of
    another observed factor with a different outcome makes the evidence impossible."""
    parsed = parse_evidence(state.cod, evidence if evidence is not None else {})
    positions = tuple(sorted(parsed))
    wires = _engine.network(state).cod_wires
    seen: dict[int, int] = {}
    for p in positions:
        if seen.setdefault(wires[p], parsed[p]) != parsed[p]:
            raise ZeroProbabilityError(
                f"cannot condition {describe(state)} : {state.dom} → {describe(state.cod)} on "
                f"evidence {reprlib.repr(evidence)}: factor {p} is a copy of another observed "
                "factor with a different outcome, so the evidence has probability 0"
            )
    return positions, [parsed[p] for p in positions]


def check_positive(log_z: Any, state: Diagram, evidence: Any) -> None:
    """Evidence whose log-probability ``log_z`` is ``-inf`` has probability 0: an error
    (under a JAX trace the value is unknown: the normalised table is zeros, never NaN)."""
    if ops.is_concrete(log_z) and bool(log_z == -math.inf):
        raise ZeroProbabilityError(
            f"cannot condition {describe(state)} : {state.dom} → {describe(state.cod)} on "
            f"evidence {reprlib.repr(evidence)}: it has probability 0"
        )


@keyword_only("atol")
def almost_surely_equal(f: Diagram, g: Diagram, prior: Diagram, *, atol: float = 1e-8) -> bool:
    """Whether ``f`` and ``g`` agree on every input of positive ``prior`` probability.

    >>> import markovcat as mc
    >>> prior = mc.state(mc.Bool, [1.0, 0.0])
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [1.0, 0.0]])
    >>> g = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.0, 1.0]])
    >>> mc.almost_surely_equal(f, g, prior), mc.allclose(f, g)
    (True, False)
    """
    if (
        r := _dispatch.other("almost_surely_equal", f, g, prior, atol=atol)
    ) is not _dispatch.NOTHING:
        return r  # Gaussian kernels (markovcat.gauss)
    for d, what in ((f, "f"), (g, "g"), (prior, "prior")):
        _diagram(d, "almost_surely_equal", what)
    atol = check_tolerance(atol, "mc.almost_surely_equal")
    if f.dom != g.dom or f.cod != g.cod:
        return False
    if prior.dom != I or prior.cod != f.dom:
        raise TypeMismatchError(
            f"mc.almost_surely_equal: expected a prior I → {f.dom}, given {prior.dom} → {prior.cod}"
        )
    a, b = tables(f, g)
    p, _ = tables(prior, prior)
    support = ops.reshape(ops.positive(p), (f.dom.size,))
    rows_a = ops.reshape(a, (f.dom.size, f.cod.size))[np.asarray(support)]
    rows_b = ops.reshape(b, (f.dom.size, f.cod.size))[np.asarray(support)]
    return ops.allclose(rows_a, rows_b, atol)


__all__ = [
    "almost_surely_equal",
    "bayes_invert",
    "check_positive",
    "condition",
    "disintegrate",
    "marginal",
    "observe",
]
