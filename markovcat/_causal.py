"""Causal interventions by string-diagram surgery, and the adjustment formulas.

A Bayesian network is a string diagram in which every variable comes out of one box, its
*mechanism*. The intervention ``do(X = x)`` cuts that box out: the mechanism is replaced
by the point state ``x`` (or by a soft state), and the wires that fed it are discarded
there (they still feed every other box). This is the surgery of B. Jacobs, A. Kissinger
and F. Zanasi, "Causal inference by string diagram surgery" (FoSSaCS 2019):
:func:`do` rewrites the diagram itself, so the intervened model can be drawn, queried,
conditioned (``mc.condition(mc.do(net, ...), evidence)``) and intervened again.

From *observational* data alone — the joint state, with no diagram — the causal channel
``P(y | do(x))`` is identified by Pearl's adjustment formulas when their graphical
conditions hold (Pearl, *Causality*, 2nd ed., §3.3):

* back-door, with a set ``Z`` that blocks every back-door path and has no descendant of
  ``X``:  ``P(y | do(x)) = Σ_z P(y | x, z) P(z)``;
* front-door, with a mediator ``M`` that intercepts every directed path ``X → Y``, has no
  unblocked back-door path from ``X``, and whose back-door paths to ``Y`` are blocked by
  ``X``:  ``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | x', m) P(x')``.

Both compute the channel as a composite of the joint's disintegrations (each one
contraction), so exact inputs give exact answers. Conditionals at outcomes of probability
0 (a positivity violation: the effect is then not identified by the formula) are filled
as DESIGN §1 says, with the marginal of the remaining factors.

>>> import markovcat as mc
>>> Z, X, Y = mc.Obj("Z", 2), mc.Obj("X", 2), mc.Obj("Y", 2)
>>> net = mc.bayesian_network([
...     mc.state(Z, [0.5, 0.5], name="Z"),
...     mc.kernel(Z, X, [[0.8, 0.2], [0.2, 0.8]], name="X"),
...     mc.kernel(X @ Z, Y, [[0.9, 0.1], [0.5, 0.5], [0.6, 0.4], [0.2, 0.8]], name="Y")])
>>> surgery = mc.marginal(mc.do(net, {"X": 1}), ["Y"])
>>> adjusted = mc.backdoor(net, "X", "Y", "Z")
>>> mc.allclose(surgery, adjusted[1]), surgery.array.round(2).tolist()
(True, [0.4, 0.6])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._diagram import Diagram, describe, identity, thread
from ._errors import InvalidArgumentError, TypeMismatchError, UnknownOutcomeError
from ._evidence import factor_position, factor_positions
from ._inference import disintegrate, marginal
from ._kernel import Kernel, state
from ._objects import I, Obj, product
from ._program import program


def _mechanisms(network: Diagram) -> tuple[list[tuple[Diagram, list[int], list[int]]], list[int]]:
    """Every box and kernel of ``network`` in the order the diagram applies them, with its
    input and output wire numbers, and the wire of each codomain factor."""
    boxes: list[tuple[Diagram, list[int], list[int]]] = []
    count = [0]

    def generator(term: Diagram, wires: list[int]) -> list[int]:
        outs = list(range(count[0], count[0] + len(term.cod.factors)))
        count[0] += len(outs)
        boxes.append((term, wires, outs))
        return outs

    return boxes, thread(network, [], generator)


def _intervention(factor: Obj, value: Any, key: Any) -> Diagram:
    """The state replacing the mechanism of ``factor``: a point mass or a soft state."""
    if isinstance(value, Diagram):
        if value.dom != I or value.cod != factor:
            raise TypeMismatchError(
                f"mc.do: a soft intervention on {key!r} must be a state I → {factor}, given "
                f"{value.dom} → {value.cod}"
            )
        k = value.evaluate()
        return Kernel._trusted(I, factor, k.table, f"do({factor.name})")
    try:
        i = factor.position(value)
    except UnknownOutcomeError:
        raise UnknownOutcomeError(
            f"mc.do: {value!r} is no outcome of {factor.name!r}; outcomes are {list(factor.values)} "
            "(or give a state I → the factor for a soft intervention)"
        ) from None
    table = np.zeros(factor.size, dtype=np.int64)
    table[i] = 1
    return state(factor, table, name=f"do({factor.name}={value!r})")


def do(network: Diagram, interventions: Mapping[Any, Any]) -> Diagram:
    """The intervened joint state: each factor in ``interventions`` gets its mechanism cut
    out of ``network`` and replaced by a point state (an outcome) or a soft state (a state
    on that factor); the wires that fed it are discarded there.

    ``network`` is a state diagram in which each intervened factor comes out of one box
    with one output — a Bayesian network from ``mc.bayesian_network`` or ``mc.read_bif``,
    or an ``@mc.program`` (latent variables that the program does not return are fine).
    Keys are factor positions or names. The result is a diagram ``I → X1 ⊗ … ⊗ Xn`` on the
    same object, so it can be drawn, marginalised, conditioned or intervened on again.

    >>> import markovcat as mc
    >>> R, W = mc.Obj("Rain", 2), mc.Obj("Wet", 2)
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2], name="rain"),
    ...     mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="wet")])
    >>> mc.do(net, {"Wet": 1}).array.tolist()  # wetting the street does not make rain
    [[0.0, 0.8], [0.0, 0.2]]
    >>> print(mc.do(net, {"Wet": 1}))
    rain >> (id(Rain) @ do(Wet=1))
    """
    if not isinstance(network, Diagram) or network.dom != I:
        got = (
            f"{network.dom} → {network.cod}"
            if isinstance(network, Diagram)
            else type(network).__name__
        )
        raise TypeMismatchError(f"mc.do: expected a network (a state diagram I → X), given {got}")
    if not isinstance(interventions, Mapping):
        raise TypeMismatchError(
            f"mc.do: expected a dict {{factor: outcome or state}}, given {type(interventions).__name__}"
        )
    boxes, cod_wires = _mechanisms(network)
    producer = {w: k for k, (_, _, outs) in enumerate(boxes) for w in outs}
    replace: dict[int, Diagram] = {}
    for key, value in interventions.items():
        pos = factor_position(network.cod, key)
        factor = network.cod.factors[pos]
        k = producer[cod_wires[pos]]
        box = boxes[k][0]
        if len(box.cod.factors) != 1:
            raise InvalidArgumentError(
                f"mc.do: the factor {key!r} comes out of {describe(box)} : {box.dom} → "
                f"{box.cod} together with other wires; surgery needs one mechanism per "
                "intervened variable (one kernel per variable, as in mc.bayesian_network)"
            )
        if k in replace:
            raise InvalidArgumentError(
                f"mc.do: the factor {key!r} is intervened on twice (a name and a position, or "
                "two copies of one wire)"
            )
        replace[k] = _intervention(factor, value, key)

    @program(I, network.cod)
    def intervened() -> tuple:  # traced: wires, not values
        seen = [0]

        def generator(term: Diagram, wires: list[Any]) -> list[Any]:
            k = seen[0]
            seen[0] += 1
            out = replace[k]() if k in replace else term(*wires)
            return list(out) if isinstance(out, tuple) else [out]

        return tuple(thread(network, [], generator))

    return intervened


def _roles(joint: Diagram, fn: str, **roles: Any) -> dict[str, list[int]]:
    if not isinstance(joint, Diagram) or joint.dom != I:
        got = f"{joint.dom} → {joint.cod}" if isinstance(joint, Diagram) else type(joint).__name__
        raise TypeMismatchError(f"mc.{fn}: expected a joint state I → X, given {got}")
    out = {r: factor_positions(joint.cod, v) for r, v in roles.items()}
    seen: dict[int, str] = {}
    for r, ps in out.items():
        if not ps and r != "adjust":
            raise InvalidArgumentError(f"mc.{fn}: the {r} needs at least one factor")
        for p in ps:
            if p in seen:
                raise InvalidArgumentError(
                    f"mc.{fn}: factor {joint.cod.factors[p].name!r} is both {seen[p]} and {r}; "
                    f"the roles must be disjoint (given {roles})"
                )
            seen[p] = r
    return out


def _span(start: int, n: int) -> list[int]:
    return list(range(start, start + n))


def backdoor(joint: Diagram, treatment: Any, outcome: Any, adjust: Any = ()) -> Kernel:
    """The causal channel ``X → Y``, ``P(y | do(x)) = Σ_z P(y | x, z) P(z)``, from the
    observational ``joint`` and a back-door adjustment set ``adjust`` (factor positions or
    names; with none, it is the plain conditional ``P(y | x)``).

    >>> import markovcat as mc
    >>> Z, X, Y = mc.Obj("Z", 2), mc.Obj("X", 2), mc.Obj("Y", 2)
    >>> joint = mc.state(Z @ X @ Y, [0.2, 0.1, 0.05, 0.15, 0.05, 0.05, 0.1, 0.3])
    >>> mc.backdoor(joint, "X", "Y", "Z").matrix.round(4).tolist()
    [[0.5833, 0.4167], [0.25, 0.75]]
    """
    r = _roles(joint, "backdoor", treatment=treatment, outcome=outcome, adjust=adjust)
    t, z, y = r["treatment"], r["adjust"], r["outcome"]
    sub = marginal(joint, t + z + y)
    nt, nz = len(t), len(z)
    _, cond = disintegrate(sub, _span(0, nt + nz))  # X ⊗ Z → Y
    X = product(*(joint.cod.factors[i] for i in t))
    if nz:
        pz = marginal(sub, _span(nt, nz))
        channel = ((identity(X) @ pz) >> cond).evaluate()
    else:
        channel = cond
    return _named(channel, joint, t, y)


def frontdoor(joint: Diagram, treatment: Any, mediator: Any, outcome: Any) -> Kernel:
    """The causal channel ``X → Y`` by the front-door formula,
    ``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | x', m) P(x')``, from the observational
    ``joint`` (factor positions or names; the confounder need not be in it).

    >>> import markovcat as mc
    >>> X, M, Y = mc.Obj("X", 2), mc.Obj("M", 2), mc.Obj("Y", 2)
    >>> joint = mc.state(X @ M @ Y, [0.3, 0.1, 0.0, 0.1, 0.05, 0.05, 0.1, 0.3])
    >>> mc.frontdoor(joint, "X", "M", "Y").matrix.round(4).tolist()
    [[0.525, 0.475], [0.225, 0.775]]
    """
    r = _roles(joint, "frontdoor", treatment=treatment, mediator=mediator, outcome=outcome)
    t, m, y = r["treatment"], r["mediator"], r["outcome"]
    sub = marginal(joint, t + m + y)
    nt, nm = len(t), len(m)
    px, m_given_x = disintegrate(marginal(sub, _span(0, nt + nm)), _span(0, nt))
    _, y_given_xm = disintegrate(sub, _span(0, nt + nm))  # X ⊗ M → Y
    M = product(*(joint.cod.factors[i] for i in m))
    channel = (m_given_x >> (px @ identity(M)) >> y_given_xm).evaluate()
    return _named(channel, joint, t, y)


def _named(channel: Kernel, joint: Diagram, t: list[int], y: list[int]) -> Kernel:
    names = [f.name for f in joint.cod.factors]
    label = f"P({','.join(names[i] for i in y)} | do({','.join(names[i] for i in t)}))"
    return Kernel._trusted(channel.dom, channel.cod, channel.table, label)


__all__ = ["backdoor", "do", "frontdoor"]
