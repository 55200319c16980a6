"""Posterior queries on large states — marginals, joints, the evidence and the most probable
explanation — each one plan of the contraction engine, never the joint.

Given a state ``I → X1 ⊗ … ⊗ Xn`` (a Bayesian network from ``mc.read_bif``, a hidden
Markov model, any state diagram) and evidence ``{factor: outcome}``, the engine prunes the
barren kernels (naturality of delete), slices the observed wires out, and contracts along
a path cached per network structure and evidence pattern, rescaling every intermediate so
that thousands of observations do not underflow. :func:`posterior_marginals` runs the same
contraction tree backwards (reverse-mode differentiation written out): the gradient ``G``
of ``Z = P(e)`` with respect to a table ``T`` gives ``P(family, e) = T ⊙ G``, so every
marginal comes from two passes. :func:`most_probable` runs it in the max-product semiring.

>>> import markovcat as mc
>>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
>>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2]), mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]])])
>>> rain, wet = mc.posterior_marginals(net, {"Wet": "wet"})
>>> rain.array.round(4).tolist(), wet.array.tolist()
([0.3333, 0.6667], [0.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np

from . import _engine, _executor, backends
from ._deprecation import renamed, warn
from ._diagram import Diagram
from ._engine import Query
from ._errors import TypeMismatchError, ZeroProbabilityError
from ._evidence import factor_positions
from ._inference import check_positive, condition, observe
from ._kernel import Kernel
from ._objects import I
from .backends import ops


def _state(state: Any, fn: str) -> Diagram:
    if not isinstance(state, Diagram) or state.dom != I:
        raise TypeMismatchError(
            f"mc.{fn}: expected a state I → X1 ⊗ … ⊗ Xn, given "
            f"{getattr(state, 'dom', type(state).__name__)} → {getattr(state, 'cod', '?')}"
        )
    return state


@overload
def posterior_marginals(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    by_name: Literal[False] = ...,
    executor: Any = ...,
) -> list[Kernel]: ...


@overload
def posterior_marginals(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    by_name: Literal[True],
    executor: Any = ...,
) -> dict[str, Kernel]: ...


@overload
def posterior_marginals(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    by_name: bool,
    executor: Any = ...,
) -> list[Kernel] | dict[str, Kernel]: ...


def posterior_marginals(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = None,
    *,
    by_name: bool = False,
    executor: Any = None,
) -> list[Kernel] | dict[str, Kernel]:
    """The posterior marginal of every codomain factor of ``state`` given ``evidence``.

    Returns a list with one state per factor, in order; observed factors are point masses.
    With ``by_name=True`` it is a dict factor name → state instead (in factor order); the
    factor names must then be unique (:class:`TypeMismatchError` names the duplicates).
    All marginals come from one forward and one adjoint contraction of the pruned tensor
    network, every intermediate rescaled — the joint is never built. Evidence keys are
    factor positions or unique factor names; evidence of probability 0 raises
    :class:`ZeroProbabilityError`. ``executor`` (default ``mc.config.executor``) says
    where the slices of a contraction over the memory limit run (``"dask"``, a
    ``distributed.Client``, ...; docs/scaling.md).

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> [m.array.round(4).tolist() for m in mc.posterior_marginals(joint, {"T": "pos"})]
    [[0.8462, 0.1538], [0.0, 1.0]]
    >>> mc.posterior_marginals(joint, {"T": "pos"}, by_name=True)["D"].array.round(4).tolist()
    [0.8462, 0.1538]
    """
    state = _state(state, "posterior_marginals")
    factors = state.cod.factors
    if by_name:
        names = [f.name for f in factors]
        shared = sorted({n for n in names if names.count(n) > 1})
        if shared:
            raise TypeMismatchError(
                f"mc.posterior_marginals(..., by_name=True): the factors of {state.cod} must "
                f"have unique names, but {shared} name more than one factor; use "
                "by_name=False (a list in factor order)"
            )
        margs = posterior_marginals(state, evidence, executor=executor)
        return {f.name: m for f, m in zip(factors, margs, strict=True)}
    positions, values = observe(state, evidence)
    if not factors:
        return []
    with _executor.selected(executor, "mc.posterior_marginals(executor=)"):
        positive, _, margs = _engine.all_marginals(
            state, Query(observed=positions, marginals=True), evidence=values
        )
    if ops.is_concrete(positive) and not bool(np.asarray(positive)):
        raise ZeroProbabilityError(
            f"cannot condition the state I → {state.cod} on evidence {dict(evidence or {})!r}: "
            "it has probability 0"
        )
    seen = set(positions)
    free = [i for i in range(len(factors)) if i not in seen]
    states = Kernel._trusted_states([factors[i] for i in free], [margs[i] for i in free])
    out = dict(zip(free, states))
    if positions:
        point = _points(margs[positions[0]])
        out.update((i, point(factors[i], v, margs[i])) for i, v in zip(positions, values))
    return [out[i] for i in range(len(factors))]


_POINTS: dict[tuple, Kernel] = {}


def _points(like: Any) -> Any:
    """A maker of point-mass states ``(factor, outcome, table)``: for concrete tables one
    shared immutable state per factor, outcome and backend (a long chain of evidence
    observes the same few outcomes many times); under a trace a new one each time."""
    if not ops.is_concrete(like):
        return lambda f, v, m: Kernel._trusted_states([f], [m])[0]
    backend = backends.name(like)

    def point(f: Any, v: int, m: Any) -> Kernel:
        key = (f, v, backend)
        k = _POINTS.get(key)
        if k is None:
            if len(_POINTS) > 4096:
                _POINTS.clear()
            k = _POINTS[key] = Kernel._trusted_states([f], [m])[0]
        return k

    return point


@renamed(query="keep")
def posterior(
    state: Diagram,
    evidence: Mapping[Any, Any] | Diagram | None = None,
    keep: Sequence[Any] | Any | None = None,
    *,
    executor: Any = None,
) -> Kernel:
    """The posterior of the factors ``keep`` (a position or name, or a list; all factors
    when omitted) given ``evidence``: :func:`condition` with the evidence optional.

    The joint posterior of the listed factors, as a state on their product in the order
    given (an observed one is a point mass); only the kernels upstream of ``keep`` and the
    evidence are contracted. 0.1's order ``posterior(state, query, evidence)`` still works,
    with a :class:`DeprecationWarning`.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> mc.posterior(joint, {"T": "pos"}, keep="D").array.round(4).tolist()
    [0.8462, 0.1538]
    """
    if evidence is not None and not isinstance(evidence, (Mapping, Diagram)):
        # 0.1 spelling: posterior(state, query, evidence)
        warn(
            "mc.posterior(state, query, evidence): the order (state, evidence, keep=...) is "
            "the one of mc.condition; the old order"
        )
        evidence, keep = keep, evidence
    state = _state(state, "posterior")
    return condition(state, {} if evidence is None else evidence, keep, executor=executor)


def log_evidence(
    state: Diagram, evidence: Mapping[Any, Any] | None = None, *, executor: Any = None
) -> Any:
    """``log P(evidence)`` under ``state`` (natural log), as a backend scalar.

    One rescaled contraction of the pruned network, so a 10,000-step chain of observations
    gives a finite answer; exact on sympy tables, differentiable under JAX (``jax.grad``
    with respect to the tables). Evidence of probability 0 gives ``-inf``.

    >>> import markovcat as mc, math
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> round(math.exp(mc.log_evidence(joint, {"T": "pos"})), 4)  # 0.99·0.05 + 0.01·0.9
    0.0585
    """
    state = _state(state, "log_evidence")
    positions, values = observe(state, evidence)
    with _executor.selected(executor, "mc.log_evidence(executor=)"):
        query = Query(observed=positions, normalize="all")
        table, log_z = _engine.run(state, query, evidence=values)
    return ops.scalar(ops.wrap(table, log_z))  # log 0 = -inf where the evidence is impossible


likelihood = log_evidence


@overload
def most_probable(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    keep: Sequence[Any] | None = ...,
    by_name: Literal[False] = ...,
) -> tuple[tuple[Any, ...], Any]: ...


@overload
def most_probable(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    keep: Sequence[Any] | None = ...,
    by_name: Literal[True],
) -> tuple[dict[str, Any], Any]: ...


@overload
def most_probable(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = ...,
    *,
    keep: Sequence[Any] | None = ...,
    by_name: bool,
) -> tuple[tuple[Any, ...] | dict[str, Any], Any]: ...


def most_probable(
    state: Diagram,
    evidence: Mapping[Any, Any] | None = None,
    *,
    keep: Sequence[Any] | None = None,
    by_name: bool = False,
) -> tuple[tuple[Any, ...] | dict[str, Any], Any]:
    """The most probable outcome given ``evidence``, and its posterior probability.

    Without ``keep`` this is the most probable explanation: the outcome tuple of *every*
    codomain factor (observed ones at their observed outcome) maximising the posterior,
    found by max-product on the engine and traced back through the plan. With ``keep``
    (positions or names) it is the MAP assignment of those factors alone, every other
    factor summed out first. Returns ``(outcomes, P(outcomes | evidence))``; ties go to
    the first outcome in each factor's order. With ``by_name=True`` the outcomes come as a
    dict factor name → outcome (in factor order; the names must be unique).

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> outcome, p = mc.most_probable(joint, {"T": "pos"})
    >>> outcome, round(float(p), 4)
    (('healthy', 'pos'), 0.8462)
    >>> mc.most_probable(joint, {"T": "pos"}, keep=["D"], by_name=True)[0]
    {'D': 'healthy'}
    """
    state = _state(state, "most_probable")
    positions, values = observe(state, evidence)
    factors = state.cod.factors
    targets = (
        tuple(range(len(factors))) if keep is None else tuple(factor_positions(state.cod, keep))
    )
    if len(set(targets)) != len(targets):
        raise TypeMismatchError(
            f"mc.most_probable: keep must list distinct factors, given {keep!r}"
        )
    found, log_max = _engine.argmax(
        state, Query(observed=positions, maximize=targets), evidence=values
    )
    wires = _engine.network(state).cod_wires
    for p, v in zip(positions, values, strict=True):  # observed wires, copies included
        found[wires[p]] = v
    index = {p: found[wires[p]] for p in targets}
    outcome = tuple(factors[p].outcomes[index[p]] for p in targets)
    table, log_z = _engine.run(state, Query(observed=positions, normalize="all"), evidence=values)
    check_positive(log_z, state, evidence)
    probability = ops.scalar(ops.exp(ops.wrap(table, log_max - log_z)))
    if by_name:
        return dict(zip(_unique_names(state, targets, "most_probable"), outcome)), probability
    return outcome, probability


def _unique_names(state: Diagram, positions: Sequence[int], fn: str) -> list[str]:
    """The names of the factors at ``positions``, which must be unique (by_name=True)."""
    names = [state.cod.factors[p].name for p in positions]
    shared = sorted({n for n in names if names.count(n) > 1})
    if shared:
        raise TypeMismatchError(
            f"mc.{fn}(..., by_name=True): the factors of {state.cod} must have unique "
            f"names, but {shared} name more than one factor; use by_name=False (a tuple "
            "in factor order)"
        )
    return names


def contraction_plan(state: Diagram, evidence: Mapping[Any, Any] | None = None) -> dict[str, float]:
    """Size of the all-marginals pass: kept kernels, largest tensor and forward flops.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool)
    >>> contraction_plan(p)["kernels"]
    1
    """
    state = _state(state, "contraction_plan")
    positions, _ = observe(state, evidence)
    return _engine.cost(state, Query(observed=positions, marginals=True))


__all__ = [
    "contraction_plan",
    "likelihood",
    "log_evidence",
    "most_probable",
    "posterior",
    "posterior_marginals",
]
