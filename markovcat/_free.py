"""Equality in the free Markov category: a canonical form, so equality is a comparison.

A string diagram is read as a hypergraph: every box is a hyperedge with ordered input and
output ports, and every wire is a node. Copies, deletes, identities and swaps are not
edges at all: they only say which node each port is attached to, so the symmetric
monoidal and commutative-comonoid axioms (and ``copy(X ⊗ Y) == (copy X ⊗ copy Y) ≫ …``)
hold by construction. Naturality of delete — a box none of whose outputs is used
disappears — is garbage collection: keep only the boxes from which some codomain wire can
be reached. What is left is labelled canonically by a breadth-first walk back from the
ordered codomain wires, visiting each box's inputs in order; two diagrams are equal in the
free Markov category exactly when these labelled hypergraphs coincide.

Boxes are compared by name and type (``mc.Box``); concrete kernels by identity.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", X, X)
>>> mc.free_equal(f >> mc.copy(X) >> (mc.identity(X) @ mc.delete(X)), f)
True
>>> mc.free_equal(f >> mc.copy(X), mc.copy(X) >> (f @ f))   # f need not be deterministic
False
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ._diagram import Diagram, thread
from ._errors import TypeMismatchError
from ._objects import Object

#: A node of the labelled hypergraph: ``("in", i)`` is the i-th domain wire,
#: ``(b, j)`` the j-th output of the b-th box in canonical order.
Node = tuple


@dataclass(frozen=True)
class NormalForm:
    """The canonical form of a diagram in the free Markov category.

    ``boxes`` lists ``(generator, input nodes)`` in canonical order; ``outputs`` gives the
    node of each codomain wire. Equal normal forms mean equal morphisms.
    """

    dom: Object
    cod: Object
    boxes: tuple[tuple[Diagram, tuple[Node, ...]], ...]
    outputs: tuple[Node, ...]

    def __str__(self) -> str:
        def show(n: Node) -> str:
            return f"x{n[1]}" if n[0] == "in" else f"b{n[0]}.{n[1]}"

        lines = [
            f"b{k} = {_label(g)}({', '.join(map(show, ins))})"
            for k, (g, ins) in enumerate(self.boxes)
        ]
        lines.append("return " + ", ".join(map(show, self.outputs)))
        return "\n".join(lines)


def _label(g: Diagram) -> str:
    return getattr(g, "name", None) or format(g)  # format: a kernel inline, not its table


class _Hypergraph:
    """Boxes as hyperedges over integer wire ids; the domain wires are ``0..n-1``."""

    def __init__(self, n_inputs: int) -> None:
        self.n_wires = n_inputs
        self.boxes: list[tuple[Diagram, list[int], list[int]]] = []
        self.producer: dict[int, tuple[int, int]] = {}  # wire -> (box index, output port)

    def add(self, gen: Diagram, ins: list[int]) -> list[int]:
        outs = list(range(self.n_wires, self.n_wires + len(gen.cod.factors)))
        self.n_wires += len(outs)
        k = len(self.boxes)
        for port, w in enumerate(outs):
            self.producer[w] = (k, port)
        self.boxes.append((gen, ins, outs))
        return outs


def normal_form(d: Diagram) -> NormalForm:
    """The canonical form of ``d`` in the free Markov category (cached on ``d``).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
    >>> print(normal_form(p >> mc.copy(X) >> (f @ mc.delete(X))))
    b0 = f(b1.0)
    b1 = p()
    return b0.0
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(
            f"the free Markov category compares diagrams, given {type(d).__name__} {d!r}"
        )
    cached = d.__dict__.get("_normal_form")
    if cached is not None:
        return cached
    h = _Hypergraph(len(d.dom.factors))
    cod_wires = thread(d, list(range(len(d.dom.factors))), h.add)

    # Walk back from the codomain, breadth first, inputs in order. A box is reached iff
    # one of its outputs leads to the codomain, so unreached boxes are exactly the
    # garbage that naturality of delete removes.
    number: dict[int, int] = {}  # box index in h -> canonical number
    order: list[int] = []
    queue: deque[int] = deque(cod_wires)
    while queue:
        w = queue.popleft()
        src = h.producer.get(w)
        if src is None or src[0] in number:
            continue
        number[src[0]] = len(order)
        order.append(src[0])
        queue.extend(h.boxes[src[0]][1])

    def node(w: int) -> Node:
        src = h.producer.get(w)
        return ("in", w) if src is None else (number[src[0]], src[1])

    boxes = tuple((h.boxes[k][0], tuple(node(w) for w in h.boxes[k][1])) for k in order)
    nf = NormalForm(d.dom, d.cod, boxes, tuple(node(w) for w in cod_wires))
    try:
        d.__dict__["_normal_form"] = nf
    except AttributeError:  # pragma: no cover - a leaf without a __dict__
        pass
    return nf


def free_equal(d1: Diagram, d2: Diagram) -> bool:
    """Equality of ``d1`` and ``d2`` in the free Markov category: exact and syntactic.

    Two diagrams are equal when one can be turned into the other by the axioms of a
    Markov category alone (symmetric monoidal structure, copy/delete a commutative
    comonoid compatible with products, and naturality of delete), whatever the boxes
    mean. Symbolic boxes are identified by name and type, concrete kernels by identity;
    no numbers are looked at. It runs in time linear in the size of the diagrams.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> c = mc.copy(X)
    >>> mc.free_equal(c >> (c @ mc.identity(X)), c >> (mc.identity(X) @ c))
    True
    """
    return _key(d1) == _key(d2)


def _key(d: Diagram) -> tuple[Any, ...]:
    nf = normal_form(d)
    return (nf.dom, nf.cod, nf.boxes, nf.outputs)


__all__ = ["NormalForm", "free_equal", "normal_form"]
