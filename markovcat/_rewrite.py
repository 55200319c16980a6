"""Rewriting string diagrams with an equation, up to the axioms of a Markov category.

A diagram is read as its hypergraph in the free Markov category (:mod:`markovcat._free`):
boxes with ordered input nodes, and the nodes of the codomain. An occurrence of an
equation's left side is a map of its boxes onto boxes of the diagram that respects the
generators and the wires between them, such that

* outputs of the matched boxes that the left side does not return are used nowhere else
  (they are deleted inside the pattern, so the context cannot see them), and
* no input of the pattern depends on one of its own boxes (the context would become
  cyclic).

Replacing the occurrence by the right side plugs the right side's inputs into the same
nodes and sends every later use of a returned wire to the corresponding wire of the right
side. When the left side returns one wire twice (``f >> copy``), each later use may come
from either copy: every choice is a valid rewrite, and :func:`rewrites` lists them all.
The result is assembled back into a term from ``copy``, ``delete``, ``swap`` and the boxes.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
>>> det = mc.Equation(f >> mc.copy(X), mc.copy(X) >> (f @ f))
>>> print(rewrite(p >> f >> mc.copy(X), det))
p >> copy(X) >> (f @ f)
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterator
from typing import Any

from ._diagram import Diagram, identity, rewire
from ._errors import InvalidArgumentError, TypeMismatchError
from ._free import _key as _free_key
from ._free import normal_form
from ._objects import I, Object, product

#: The most rewrites :func:`rewrites` enumerates before giving up with an error.
MAX_REWRITES = 20_000

Node = tuple[Any, int]  # ("in", i) or (the key of a box, output port)
Graph = tuple[list[tuple[Diagram, tuple[Node, ...]]], tuple[Node, ...]]


def _graph(d: Diagram) -> Graph:
    nf = normal_form(d)
    return [(g, tuple(ins)) for g, ins in nf.boxes], tuple(nf.outputs)


def _node_type(d: Diagram, boxes: list[tuple[Diagram, tuple[Node, ...]]], n: Any) -> Object:
    if n[0] == "in":
        return d.dom.factors[n[1]]
    return boxes[n[0]][0].cod.factors[n[1]]


def _matches(h: Graph, pattern: Graph) -> Iterator[tuple[dict[int, int], dict[int, Node]]]:
    """Every occurrence of ``pattern`` in ``h``: (pattern box -> box, pattern input -> node)."""
    hb, hout = h
    lb, lout = pattern
    if not lb:
        return
    uses: dict[Node, list[tuple[int, int]]] = {}  # node -> [(box, input port)]; box -1: output
    for k, (_, ins) in enumerate(hb):
        for q, n in enumerate(ins):
            uses.setdefault(n, []).append((k, q))
    for o, n in enumerate(hout):
        uses.setdefault(n, []).append((-1, o))
    candidates = [[k for k, (g, _) in enumerate(hb) if g == lg] for lg, _ in lb]

    def search(j: int, box: dict[int, int], inp: dict[int, Node]) -> Iterator[Any]:
        if j == len(lb):
            yield dict(box), dict(inp)
            return
        for k in candidates[j]:
            if k in box.values():
                continue
            box[j] = k
            added: list[int] = []
            ok = True
            for q, n in enumerate(lb[j][1]):
                target = hb[k][1][q]
                if n[0] == "in":
                    if n[1] in inp:
                        ok = inp[n[1]] == target
                    else:
                        inp[n[1]] = target
                        added.append(n[1])
                elif n[0] in box:
                    ok = target == (box[n[0]], n[1])
                if not ok:
                    break
            # edges into already matched boxes from this box's outputs
            if ok:
                for j2, k2 in box.items():
                    for q, n in enumerate(lb[j2][1]):
                        if n[0] != "in" and n[0] in box:
                            ok = ok and hb[k2][1][q] == (box[n[0]], n[1])
            if ok:
                yield from search(j + 1, box, inp)
            for i in added:
                del inp[i]
            del box[j]

    for box, inp in search(0, {}, {}):
        if _admissible(hb, uses, lb, lout, box, inp):
            yield box, inp


def _admissible(hb: Any, uses: Any, lb: Any, lout: Any, box: dict, inp: dict) -> bool:
    matched = set(box.values())
    image = {k: j for j, k in box.items()}
    returned = set(lout)
    for j, k in box.items():
        for p in range(len(hb[k][0].cod.factors)):
            for user, q in uses.get((k, p), []):
                inside = user in image and lb[image[user]][1][q] == (j, p)
                if not inside and (j, p) not in returned:
                    return False  # the pattern deletes this wire, the context uses it
                if user in image and not inside:
                    return False  # a matched box reads a returned wire the pattern does not feed
    # no pattern input may depend on a matched box (the context would become cyclic)
    below: set[int] = set(matched)
    frontier = list(matched)
    while frontier:
        k = frontier.pop()
        for p in range(len(hb[k][0].cod.factors)):
            for user, _ in uses.get((k, p), []):
                if user >= 0 and user not in below:
                    below.add(user)
                    frontier.append(user)
    return all(n[0] == "in" or n[0] not in below for n in inp.values())


def rewrites(d: Diagram, equation: Any, *, reverse: bool = False) -> list[Diagram]:
    """Every diagram obtained from ``d`` by replacing one occurrence of the equation's
    left side by its right side (``reverse=True``: right side by left side), up to the
    axioms of a Markov category; in a fixed order, so ``at=`` in :func:`rewrite` is stable.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> f, g = mc.Box("f", X, X), mc.Box("g", X, X)
    >>> len(rewrites(f >> f, mc.Equation(f, g)))   # either of the two f's
    2
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"rewrite expects a diagram, given {type(d).__name__} {d!r:.60}")
    if not isinstance(getattr(equation, "lhs", None), Diagram) or not isinstance(
        getattr(equation, "rhs", None), Diagram
    ):
        raise TypeMismatchError(
            f"rewrite expects an mc.Equation(lhs, rhs) of diagrams, given "
            f"{type(equation).__name__} {equation!r:.60}"
        )
    lhs, rhs = (equation.rhs, equation.lhs) if reverse else (equation.lhs, equation.rhs)
    h, pat, rep = _graph(d), _graph(lhs), _graph(rhs)
    hb, hout = h
    out: list[Diagram] = []
    seen: set[Any] = {_free_key(d)}  # a rewrite that changes nothing is not listed
    tried = 0
    for box, inp in _matches(h, pat):
        for result in _replace(d, hb, hout, pat, rep, box, inp, lhs):
            tried += 1
            if tried > 10 * MAX_REWRITES:
                raise InvalidArgumentError(
                    f"rewrite: more than {10 * MAX_REWRITES:,} candidate rewrites of the "
                    f"diagram by {equation}; give the step's result and a smaller equation"
                )
            key = _free_key(result)
            if key in seen:
                continue  # the same morphism in the free Markov category
            seen.add(key)
            out.append(result)
            if len(out) > MAX_REWRITES:
                raise InvalidArgumentError(
                    f"rewrite: more than {MAX_REWRITES:,} ways to apply {equation} to the "
                    "diagram; give the step's result and a smaller equation"
                )
    return out


def _replace(
    d: Diagram, hb: Any, hout: Any, pat: Graph, rep: Graph, box: dict, inp: dict, lhs: Diagram
) -> Iterator[Diagram]:
    _, lout = pat
    rb, rout = rep
    matched = set(box.values())
    # right-side inputs the left side deletes may be plugged into any earlier node of the
    # same type that does not depend on the occurrence
    free_inputs = [i for i in range(len(lhs.dom.factors)) if i not in inp]
    needed = {n[1] for _, ins in rb for n in ins if n[0] == "in"} | {
        n[1] for n in rout if n[0] == "in"
    }
    free_inputs = [i for i in free_inputs if i in needed]
    all_nodes = [("in", i) for i in range(len(d.dom.factors))] + [
        (k, p) for k in range(len(hb)) for p in range(len(hb[k][0].cod.factors))
    ]
    below = _descendants(hb, matched)
    options = [
        [
            n
            for n in all_nodes
            if (n[0] == "in" or n[0] not in below) and _node_type(d, hb, n) == lhs.dom.factors[i]
        ]
        for i in free_inputs
    ]
    for plug in itertools.product(*options):
        full = dict(inp)
        full.update(zip(free_inputs, plug))

        def r_node(n: Any, full: dict = full) -> Node:
            return full[n[1]] if n[0] == "in" else (("new", n[0]), n[1])

        # which right-side output each later use of a returned wire takes
        slots: list[tuple[Any, list[int]]] = []  # (node, the output positions returning it)
        for j, k in box.items():
            for p in range(len(hb[k][0].cod.factors)):
                positions = [o for o, n in enumerate(lout) if n == (j, p)]
                if positions:
                    slots.append(((k, p), positions))
        for o, n in enumerate(lout):  # a returned input: later uses may stay or take it
            if n[0] == "in":
                slots.append((full[n[1]], [-1, o]))
        users: list[tuple[Any, list[int]]] = []
        for key, pos in slots:
            for kk, (_, ins) in enumerate(hb):
                if kk not in matched:
                    users += [(("box", kk, q), pos) for q, n in enumerate(ins) if n == key]
            users += [(("out", o), pos) for o, n in enumerate(hout) if n == key]
        for choice in itertools.product(*(pos for _, pos in users)):
            subst = {u: r_node(rout[o]) for (u, _), o in zip(users, choice) if o >= 0}
            boxes: list[tuple[Any, Diagram, tuple[Node, ...]]] = []
            for kk, (g, ins) in enumerate(hb):
                if kk not in matched:
                    new_ins = tuple(subst.get(("box", kk, q), n) for q, n in enumerate(ins))
                    boxes.append((kk, g, new_ins))
            for j, (g, ins) in enumerate(rb):
                boxes.append((("new", j), g, tuple(r_node(n) for n in ins)))
            outs = tuple(subst.get(("out", o), n) for o, n in enumerate(hout))
            try:
                yield assemble(d.dom, d.cod, boxes, outs)
            except _Cyclic:
                continue  # a use before the occurrence cannot take a wire it returns


class _Cyclic(Exception):
    """A candidate rewrite whose wires would run in a circle."""


def _descendants(hb: Any, start: set[int]) -> set[int]:
    below = set(start)
    changed = True
    while changed:
        changed = False
        for k, (_, ins) in enumerate(hb):
            if k not in below and any(n[0] != "in" and n[0] in below for n in ins):
                below.add(k)
                changed = True
    return below


def assemble(
    dom: Object,
    cod: Object,
    boxes: list[tuple[Any, Diagram, tuple[Node, ...]]],
    outputs: tuple[Node, ...],
) -> Diagram:
    """A term for a hypergraph: each box ``(key, generator, input nodes)`` has the output
    nodes ``(key, 0), (key, 1), …``; ``("in", i)`` are the domain wires. The boxes are
    applied in an order that respects the wires, with copy, delete and swap
    (:func:`markovcat.rewire`) in between.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> f = mc.Box("f", X, X)
    >>> print(assemble(X, X @ X, [("b", f, (("in", 0),))], (("b", 0), ("in", 0))))
    copy(X) >> (f @ id(X))
    """
    producer = {key: k for k, (key, _, _) in enumerate(boxes)}
    types: dict[Node, Object] = {("in", i): f for i, f in enumerate(dom.factors)}
    for key, g, _ in boxes:
        types.update({(key, p): f for p, f in enumerate(g.cod.factors)})
    # layers: a box goes one layer below the lowest of its producers
    layer: dict[int, int] = {}
    pending = list(range(len(boxes)))
    while pending:
        progressed = False
        for b in list(pending):
            srcs = [producer.get(n[0]) for n in boxes[b][2] if n[0] != "in"]
            if any(src is None or src not in layer for src in srcs if src != b):
                if any(src is None for src in srcs):  # pragma: no cover - a dangling node
                    raise TypeMismatchError(f"assemble: box {boxes[b][1]} reads an unknown node")
                continue
            if b in srcs:
                raise _Cyclic
            layer[b] = 1 + max((layer[src] for src in srcs if src is not None), default=-1)
            pending.remove(b)
            progressed = True
        if not progressed:
            raise _Cyclic
    depth = 1 + max(layer.values(), default=-1)
    layers = [[b for b in range(len(boxes)) if layer[b] == t] for t in range(depth)]
    needed_after: list[set[Node]] = [set() for _ in range(depth)]
    needed: set[Node] = set(outputs)
    for t in range(depth - 1, -1, -1):
        needed_after[t] = set(needed)
        needed |= {n for b in layers[t] for n in boxes[b][2]}
    cur: list[Node] = [("in", i) for i in range(len(dom.factors))]
    steps: list[Diagram] = []
    for t, group in enumerate(layers):
        keep = [n for n in cur if n in needed_after[t]]
        positions = [cur.index(n) for b in group for n in boxes[b][2]]
        positions += [cur.index(n) for n in keep]
        if cur and positions != list(range(len(cur))):
            steps.append(rewire(_obj(cur, types), positions))
        parts = [boxes[b][1] for b in group] + ([identity(_obj(keep, types))] if keep else [])
        steps.append(functools.reduce(operator.matmul, parts))
        cur = [(boxes[b][0], p) for b in group for p in range(len(boxes[b][1].cod.factors))]
        cur += keep
    positions = [cur.index(n) for n in outputs]
    if cur and positions != list(range(len(cur))):
        steps.append(rewire(_obj(cur, types), positions))
    term = functools.reduce(operator.rshift, steps) if steps else identity(dom)
    if term.cod != cod:  # pragma: no cover - an internal inconsistency
        raise TypeMismatchError(f"assemble: built {term.cod}, expected {cod}")
    return term


def _obj(nodes: list[Node], types: dict[Node, Object]) -> Object:
    return product(*(types[n] for n in nodes)) if nodes else I


def rewrite(d: Diagram, equation: Any, at: int = 0, *, reverse: bool = False) -> Diagram:
    """``d`` with the ``at``-th occurrence of the equation's left side (in the order of
    :func:`rewrites`) replaced by its right side; ``reverse=True`` rewrites right to left.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> f, g = mc.Box("f", X, X), mc.Box("g", X, X)
    >>> print(rewrite(f >> f, mc.Equation(f >> f, g)))
    g
    """
    found = rewrites(d, equation, reverse=reverse)
    if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at < len(found):
        side = "right" if reverse else "left"
        raise InvalidArgumentError(
            f"rewrite: the {side} side of {equation} occurs {len(found)} way(s) in "
            f"{d}; expected at in range({len(found)}), given {at!r}"
        )
    return found[at]


__all__ = ["assemble", "rewrite", "rewrites"]
