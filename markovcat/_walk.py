"""The one walk over terms, shared by the contraction engine, the free normal form and
the drawing: ``thread`` carries wires through a term, ``route`` moves them through a
wiring generator, ``is_structural`` tells terms that only move wires.

>>> import markovcat as mc
>>> is_structural(mc.copy(mc.Bool) >> mc.swap(mc.Bool, mc.Bool))
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ._graph import Graph
from ._terms import Copy, Delete, Diagram, Identity, Par, Seq, Swap

W = TypeVar("W")

#: The wiring generators: terms that only move wires.
_WIRING = (Identity, Copy, Delete, Swap)


def route(d: Diagram, wires: list[W]) -> list[W]:
    """How a wiring generator moves the wires entering it: identity passes them, copy
    repeats them, delete drops them, swap puts the right-hand ones first.

    >>> import markovcat as mc
    >>> route(mc.swap(mc.Bool, mc.Bool @ mc.Bool), ["a", "b", "c"])
    ['b', 'c', 'a']
    """
    if isinstance(d, Identity):
        return wires
    if isinstance(d, Copy):
        return wires * d.n
    if isinstance(d, Delete):
        return []
    if isinstance(d, Swap):
        k = len(d.left.factors)
        return wires[k:] + wires[:k]
    raise TypeError(f"route: {type(d).__name__} is not a wiring generator")


def thread(d: Diagram, wires: list[W], generator: Callable[[Diagram, list[W]], list[W]]) -> list[W]:
    """The wires leaving ``d`` when ``wires`` (one per domain factor) enter it: the one
    walk over the terms, shared by the contraction engine, the free normal form and the
    drawing. Composites are walked in order and side by side, wiring generators
    :func:`route` the wires, every other term (a box, a kernel) is handed to
    ``generator(term, its input wires)``, which returns its output wires.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> thread(mc.copy(mc.Bool) >> (f @ mc.identity(mc.Bool)), ["x"], lambda g, w: [g.name + w[0]])
    ['fx', 'x']
    """
    # An explicit stack of frames [composite, next part, wires, outputs so far, offset]:
    # a Seq feeds each part's outputs to the next, a Par gives each part its slice; a
    # Graph frame [graph, next step, wire values] looks each step's wires up by number.
    stack: list[list[Any]] = []
    node: Diagram = d
    while True:
        leaf = True
        while True:  # descend into the first part
            if isinstance(node, Seq):
                stack.append([node, 0, None, None, 0])
                node = node.parts[0]
            elif isinstance(node, Par):
                first = node.parts[0]
                k = len(first.dom.factors)
                stack.append([node, 0, wires, [], k])
                wires = wires[:k]
                node = first
            elif isinstance(node, Graph):
                env: list[Any] = [None] * len(node.objs)
                for w, x in zip(node.inputs, wires, strict=True):
                    env[w] = x
                if not node.steps:
                    wires, leaf = [env[w] for w in node.outputs], False
                    break
                stack.append([node, 0, env])
                step = node.steps[0]
                wires, node = [env[w] for w in step[1]], step[0]
            else:
                break
        if leaf:  # a graph without steps has only moved its wires
            wires = route(node, wires) if isinstance(node, _WIRING) else generator(node, wires)
        while stack:  # climb until some composite has a next part
            frame = stack[-1]
            comp, i = frame[0], frame[1] + 1
            frame[1] = i
            if isinstance(comp, Graph):
                env = frame[2]
                for w, x in zip(comp.steps[i - 1][2], wires, strict=True):
                    env[w] = x
                if i < len(comp.steps):
                    step = comp.steps[i]
                    wires, node = [env[w] for w in step[1]], step[0]
                    break
                stack.pop()
                wires = [env[w] for w in comp.outputs]
                continue
            if isinstance(comp, Par):
                frame[3].extend(wires)
            if i < len(comp.parts):
                node = comp.parts[i]
                if isinstance(comp, Par):
                    k = len(node.dom.factors)
                    start = frame[4]
                    frame[4] = start + k
                    wires = frame[2][start : start + k]
                break
            stack.pop()
            if isinstance(comp, Par):
                wires = frame[3]
        else:
            return wires


def is_structural(d: Diagram) -> bool:
    """True for identities, copies, deletes, swaps and composites of them only."""
    stack = [d]
    while stack:
        t = stack.pop()
        if isinstance(t, (Seq, Par)):
            stack.extend(t.parts)
        elif isinstance(t, Graph):
            stack.extend(step[0] for step in t.steps)
        elif not isinstance(t, _WIRING):
            return False
    return True


__all__ = ["is_structural", "route", "thread"]
