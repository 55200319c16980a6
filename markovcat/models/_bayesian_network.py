"""The joint state of a Bayesian network: one kernel per variable, wired by ``@mc.program``.

The diagram ``I → X1 ⊗ … ⊗ Xn`` samples each variable from its kernel (from the product of
its parents) in a topological order and copies a wire wherever a child reads it; it is
never evaluated to the joint. :func:`markovcat.read_bif` builds its diagram here too.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from .._diagram import Diagram
from .._errors import TypeMismatchError
from .._kernel import Kernel
from .._objects import I, Obj, product
from .._program import program


def bayesian_network(kernels: Sequence[Kernel]) -> Diagram:
    """The joint state of a Bayesian network given by one kernel per variable.

    Each kernel maps the product of its parents (``mc.I`` for a root) to one variable; a
    parent is the codomain of another kernel in the list. The result is the diagram
    ``I → X1 ⊗ … ⊗ Xn`` (variables in the order of ``kernels``) that samples each variable
    from its kernel and copies it to its children; it is never evaluated to the joint.

    >>> import markovcat as mc
    >>> R, W = mc.Obj("Rain", 2), mc.Obj("Wet", 2)
    >>> rain = mc.state(R, [0.8, 0.2], name="Rain")
    >>> wet = mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")
    >>> net = mc.bayesian_network([wet, rain])  # factors in list order: Wet ⊗ Rain
    >>> net.array.round(2).tolist()
    [[0.72, 0.04], [0.08, 0.16]]
    """
    try:
        kernels = list(kernels)
    except TypeError:
        raise TypeMismatchError(
            f"mc.bayesian_network: expected a list of kernels, given {type(kernels).__name__}"
        ) from None
    where: dict[Obj, int] = {}
    for i, k in enumerate(kernels):
        if not isinstance(k, Diagram) or len(k.cod.factors) != 1:
            raise TypeMismatchError(
                f"mc.bayesian_network: kernel {i} must map its parents to one variable, "
                f"given {getattr(k, 'dom', type(k).__name__)} → {getattr(k, 'cod', '?')}"
            )
        if k.cod in where:
            raise TypeMismatchError(
                f"mc.bayesian_network: the variable {k.cod} is the codomain of kernels "
                f"{where[k.cod]} and {i}"
            )
        where[k.cod] = i  # type: ignore[index]
    parents = []
    for i, k in enumerate(kernels):
        missing = [f.name for f in k.dom.factors if f not in where]
        if missing:
            raise TypeMismatchError(
                f"mc.bayesian_network: kernel {i} ({k.cod}) has parents {missing} that no "
                "kernel in the list produces"
            )
        parents.append([where[f] for f in k.dom.factors])
    return _joint(kernels, parents)


def _topological(parents: list[list[int]]) -> list[int]:
    """File order where possible (Kahn's algorithm, smallest index first); a cycle gives
    the variables left over, negated by convention as ``[-1, *left]``."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    waiting = [len(set(ps)) for ps in parents]
    for v, ps in enumerate(parents):
        for p in set(ps):
            children[p].append(v)
    ready = [v for v in range(n) if waiting[v] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        v = heapq.heappop(ready)
        order.append(v)
        for c in children[v]:
            waiting[c] -= 1
            if waiting[c] == 0:
                heapq.heappush(ready, c)
    if len(order) < n:
        return [-1, *sorted(set(range(n)) - set(order))]
    return order


def _joint(kernels: list[Kernel], parents: list[list[int]]) -> Diagram:
    """The joint state: each kernel applied, in a topological order, to its parents' wires
    (``@mc.program`` copies a wire read twice), factors in list order."""
    order = _topological(parents)
    if order and order[0] == -1:
        names = [str(kernels[v].cod) for v in order[1:]]
        raise TypeMismatchError(f"mc.bayesian_network: the parents form a cycle among {names}")

    @program(I, product(*(k.cod for k in kernels)))
    def network() -> tuple:  # traced: wires, not values
        wire: dict[int, Any] = {}
        for v in order:
            wire[v] = kernels[v](*(wire[p] for p in parents[v]))
        return tuple(wire[v] for v in range(len(kernels)))

    return network


__all__ = ["bayesian_network"]
