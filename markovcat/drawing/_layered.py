"""A layered layout of a string diagram's wiring graph, for programs and networks.

The term of an ``@mc.program`` (or a Bayesian network, or an unrolled HMM) applies one box
at a time, so a layout that follows the term puts one box on each row. This layout draws
the morphism instead (Sugiyama, Tagawa and Toda 1981): the boxes are the vertices, a wire
read by several boxes forks at a copy dot, and a wire read by none ends in a ground
symbol. Each box goes one layer below the lowest box it reads from (states as late as
possible, just above their first reader), wires spanning several layers get a waypoint in
each, the order within each layer is improved by barycentre sweeps (the order with the
fewest crossings wins), and x positions come from an isotonic regression per layer, so
boxes side by side are independent and a wire between aligned ports is straight.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> p, f, g = mc.Box("p", mc.I, X), mc.Box("f", X, X), mc.Box("g", X, X)
>>> lay = mc.drawing.layout(p >> mc.copy(X) >> (f @ g), style="layered")
>>> lay.style, sorted(s.text for s in lay.shapes if s.kind == "box")
('layered', ['f', 'g'])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from .._diagram import Diagram, thread
from ._geometry import BOX_H, LABEL_FONT, MARGIN, Layout, Shape, Wire, _flip

LAYER_GAP = 34.0  # vertical room between layers, for forks and bends
SWEEPS = 8
SNAP = 8.0  # a wire through a waypoint this close to its line goes straight on


@dataclass
class _Box:
    gen: Diagram
    ins: list[int]
    outs: list[int]
    layer: int = 0
    width: float = 0.0
    body: float = BOX_H
    kind: str = "box"
    name: str = ""


@dataclass
class _Item:
    """One thing in a layer: a box, a waypoint of an edge, or a boundary wire."""

    kind: str  # box | dummy | dom | cod
    ref: int  # box index, edge index, or boundary position
    width: float
    ports_in: list[float] = field(default_factory=list)  # x offsets of the input ports
    ports_out: list[float] = field(default_factory=list)
    x: float = 0.0


def _graph(d: Diagram) -> tuple[list[_Box], list[int], list[int]]:
    boxes: list[_Box] = []
    counter = itertools.count(len(d.dom.factors))

    def gen(g: Diagram, ins: list[int]) -> list[int]:
        outs = [next(counter) for _ in g.cod.factors]
        boxes.append(_Box(g, list(ins), outs))
        return outs

    dom = list(range(len(d.dom.factors)))
    cod = thread(d, dom, gen)
    return boxes, dom, cod


#: The auto layout draws a diagram in layers only up to this many boxes and waypoints
#: (the crossing count grows quadratically with the width of a layer).
MAX_AUTO_ITEMS = 400


def layer_count(d: Diagram) -> tuple[int, int]:
    """How many layers of boxes the layered layout of ``d`` has, and how many boxes and
    waypoints of long wires they hold.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> layer_count(mc.copy(mc.Bool) >> (f @ f))
    (1, 2)
    """
    boxes, dom, cod = _graph(d)
    last = _assign_layers(boxes, cod)
    level = {w: 0 for w in dom}
    for b in boxes:
        level.update({w: b.layer for w in b.outs})
    waypoints = sum(max(0, b.layer - level[w] - 1) for b in boxes for w in b.ins)
    waypoints += sum(max(0, last - level[w]) for w in cod)
    return last, len(boxes) + waypoints


def _assign_layers(boxes: list[_Box], cod: list[int]) -> int:
    producer = {w: k for k, b in enumerate(boxes) for w in b.outs}
    for b in boxes:  # boxes come in an order that respects the wires
        b.layer = 1 + max((boxes[producer[w]].layer for w in b.ins if w in producer), default=0)
    last = max((b.layer for b in boxes), default=0)
    readers: dict[int, list[int]] = {}
    for k, b in enumerate(boxes):
        for w in b.ins:
            readers.setdefault(w, []).append(k)
    for k in range(len(boxes) - 1, -1, -1):  # states as late as possible
        b = boxes[k]
        if not b.ins:
            below = [boxes[r].layer for w in b.outs for r in readers.get(w, [])]
            b.layer = min(below, default=last + 1) - 1 if below else b.layer
    return last


class _Layered:
    def __init__(self, d: Diagram, pitch: float, room: float, describe: Any) -> None:
        self.d = d
        self.pitch, self.room = pitch, room
        self.boxes, self.dom, self.cod = _graph(d)
        self.last = _assign_layers(self.boxes, self.cod)
        for b in self.boxes:  # describe(g) -> (width, body height, kind, name)
            b.width, b.body, b.kind, b.name = describe(b.gen)
        self.producer: dict[int, tuple[int, int]] = {i: (-1, i) for i in self.dom}
        for k, b in enumerate(self.boxes):
            self.producer.update({w: (k, j) for j, w in enumerate(b.outs)})
        # edges: (wire, source layer, consumer): consumer ("box", k, port) or ("cod", j)
        self.edges: list[tuple[int, int, tuple[Any, ...], int]] = []
        for k, b in enumerate(self.boxes):
            for i, w in enumerate(b.ins):
                self.edges.append((w, self._layer_of(w), ("box", k, i), b.layer))
        for j, w in enumerate(self.cod):
            self.edges.append((w, self._layer_of(w), ("cod", j), self.last + 1))

    def _layer_of(self, w: int) -> int:
        k, _ = self.producer[w]
        return 0 if k < 0 else self.boxes[k].layer

    # ---- the layers and their order ----------------------------------------------------
    def build_layers(self) -> list[list[_Item]]:
        n = self.last + 2
        layers: list[list[_Item]] = [[] for _ in range(n)]
        layers[0] = [_Item("dom", i, self.pitch, [], [0.0]) for i in self.dom]
        self.item_of: dict[Any, _Item] = {}
        for k, b in enumerate(self.boxes):
            m_in, m_out = len(b.gen.dom.factors), len(b.gen.cod.factors)
            item = _Item(
                "box",
                k,
                b.width,
                _ports(m_in, b.width, self.pitch),
                _ports(m_out, b.width, self.pitch),
            )
            layers[b.layer].append(item)
            self.item_of[("box", k)] = item
        layers[-1] = [_Item("cod", j, self.pitch, [0.0], []) for j in range(len(self.cod))]
        for e, (_, lo, _, hi) in enumerate(self.edges):
            for t in range(lo + 1, hi):
                item = _Item("dummy", e, self.pitch * 0.6, [0.0], [0.0])
                layers[t].append(item)
                self.item_of[("dummy", e, t)] = item
        for j, item in enumerate(layers[-1]):
            self.item_of[("cod", j)] = item
        for i, item in enumerate(layers[0]):
            self.item_of[("dom", i)] = item
        return layers

    def links(self, t: int) -> list[tuple[_Item, float, _Item, float]]:
        """The edges between layers ``t`` and ``t + 1``: (upper item, port x offset,
        lower item, port x offset)."""
        out = []
        for e, (w, lo, cons, hi) in enumerate(self.edges):
            if not lo <= t < hi:
                continue
            if t == lo:
                k, j = self.producer[w]
                up = self.item_of[("dom", j)] if k < 0 else self.item_of[("box", k)]
                up_off = up.ports_out[0 if k < 0 else j]
            else:
                up, up_off = self.item_of[("dummy", e, t)], 0.0
            if t + 1 == hi:
                if cons[0] == "box":
                    down = self.item_of[("box", cons[1])]
                    down_off = down.ports_in[cons[2]]
                else:
                    down, down_off = self.item_of[("cod", cons[1])], 0.0
            else:
                down, down_off = self.item_of[("dummy", e, t + 1)], 0.0
            out.append((up, up_off, down, down_off))
        return out

    def order(self, layers: list[list[_Item]]) -> None:
        """Barycentre sweeps, down and up; the order with the fewest crossings is kept."""
        links = [self.links(t) for t in range(len(layers) - 1)]
        self._spread(layers)
        best = self._crossings(links)
        keep = [list(lay) for lay in layers]
        for sweep in range(SWEEPS):
            down = sweep % 2 == 0
            rng = range(1, len(layers) - 1) if down else range(len(layers) - 2, 0, -1)
            for t in rng:
                pulls: dict[int, list[float]] = {}
                for up, uo, dn, do in links[t - 1] if down else links[t]:
                    me, other, mo, oo = (dn, up, do, uo) if down else (up, dn, uo, do)
                    pulls.setdefault(id(me), []).append(other.x + oo - mo)
                layers[t].sort(
                    key=lambda it: (
                        sum(pulls[id(it)]) / len(pulls[id(it)]) if id(it) in pulls else it.x
                    )
                )
                self._place_row(layers[t])
            self._spread(layers)
            c = self._crossings(links)
            if c < best:
                best, keep = c, [list(lay) for lay in layers]
        layers[:] = keep
        self._spread(layers)
        self.crossings = self._switch(layers, links, best)

    def _switch(self, layers: list[list[_Item]], links: list[Any], best: int) -> int:
        """Greedy switching: swap neighbours in a layer while that removes crossings."""
        improved = True
        rounds = 0
        while improved and rounds < 20:
            improved, rounds = False, rounds + 1
            for t in range(1, len(layers) - 1):
                row = layers[t]
                for i in range(len(row) - 1):
                    row[i], row[i + 1] = row[i + 1], row[i]
                    self._place_row(row)
                    c = self._crossings(links[t - 1 : t + 1])
                    row[i], row[i + 1] = row[i + 1], row[i]
                    self._place_row(row)
                    if c < self._crossings(links[t - 1 : t + 1]):
                        row[i], row[i + 1] = row[i + 1], row[i]
                        self._place_row(row)
                        improved = True
        return self._crossings(links)

    def _place_row(self, row: list[_Item]) -> None:
        x = 0.0
        for it in row:
            it.x = x
            x += it.width + self.room

    def _spread(self, layers: list[list[_Item]]) -> None:
        for row in layers:
            self._place_row(row)

    @staticmethod
    def _crossings(links: list[list[tuple[_Item, float, _Item, float]]]) -> int:
        n = 0
        for ls in links:
            pts = [(u.x + uo, d.x + do) for u, uo, d, do in ls]
            for (a1, b1), (a2, b2) in itertools.combinations(pts, 2):
                if (a1 - a2) * (b1 - b2) < -1e-9:
                    n += 1
        return n

    # ---- x coordinates ------------------------------------------------------------------
    def coordinates(self, layers: list[list[_Item]]) -> None:
        """Each layer in turn, down then up: every item as close as the order allows to
        the mean of where its wires come from (pool adjacent violators)."""
        links = [self.links(t) for t in range(len(layers) - 1)]
        for sweep in range(6):
            down = sweep % 2 == 0
            rng = range(1, len(layers)) if down else range(len(layers) - 2, -1, -1)
            for t in rng:
                pulls: dict[int, list[float]] = {}
                for up, uo, dn, do in links[t - 1] if down else links[t]:
                    me, other, mo, oo = (dn, up, do, uo) if down else (up, dn, uo, do)
                    pulls.setdefault(id(me), []).append(other.x + oo - mo)
                want = [
                    sum(pulls[id(it)]) / len(pulls[id(it)]) if id(it) in pulls else it.x
                    for it in layers[t]
                ]
                _isotonic(layers[t], want, self.room)
        left = min((it.x for row in layers for it in row), default=0.0)
        for row in layers:
            for it in row:
                it.x += MARGIN - left + 4.0

    # ---- drawing ------------------------------------------------------------------------
    def draw(self, direction: str) -> Layout:
        layers = self.build_layers()
        self.order(layers)
        self.coordinates(layers)
        top = MARGIN
        y = top + (8.0 + LABEL_FONT if self.dom else 0.0)
        ys: list[tuple[float, float]] = [(top, y)]  # (top, bottom) of each layer
        for t in range(1, self.last + 1):
            body = max(
                (self.boxes[it.ref].body for it in layers[t] if it.kind == "box"), default=BOX_H
            )
            y += LAYER_GAP
            ys.append((y, y + body))
            y += body + 8.0 + LABEL_FONT
        forks = any(len(self._readers(w)) > 1 for w in self.cod)
        bottom = y + LAYER_GAP + (8.0 + LABEL_FONT if forks else 0.0)
        ys.append((bottom, bottom))
        shapes: list[Shape] = []
        wires: list[Wire] = []
        ports_out: dict[int, tuple[float, float, str]] = {}  # wire -> (x, y, start key)
        for i in self.dom:
            x = layers[0][i].x
            ports_out[i] = (x, top, f"dom {i}")
            shapes.append(
                Shape("label", [(x + 4.0, top + 3.0 + LABEL_FONT / 2)], self.d.dom.factors[i].name)
            )
        box_shape: dict[int, Shape] = {}
        for t in range(1, self.last + 1):
            for it in layers[t]:
                if it.kind == "box":
                    box_shape[it.ref] = self._box(it, ys[t], shapes, ports_out)
        # wires, one per edge, forking at a copy dot below the port of a wire read twice
        dots: dict[int, Shape] = {}
        for w, (x, y0, start) in ports_out.items():
            readers = self._readers(w)
            obj = self._obj(w)
            if len(readers) != 1:
                y1 = ys[0][1] + 8.0 if y0 < ys[0][1] else y0 + 10.0 + LABEL_FONT  # below labels
                stub = Wire(obj, start, [("M", (x, y0))])
                stub.to(x, y1)
                shape = Shape("copy" if readers else "delete", [(x, y1)], ident=len(shapes))
                stub.end = f"{shape.kind} {shape.ident}"
                shapes.append(shape)
                wires.append(stub)
                if readers:
                    dots[w] = shape
        for e, (w, lo, cons, hi) in enumerate(self.edges):
            x, y0, start = ports_out[w]
            wire = Wire(self._obj(w), start, [("M", (x, y0))])
            wire.to(x, max(y0, ys[0][1]))
            if w in dots:
                wire = Wire(self._obj(w), f"copy {dots[w].ident}", [("M", dots[w].points[0])])
            for t in range(lo + 1, hi):  # through the waypoints, straight where nearly so
                it = self.item_of[("dummy", e, t)]
                x_now = wire.point[0]
                x_t = x_now if abs(it.x - x_now) < SNAP else it.x
                wire.curve(x_t, ys[t][0])
                wire.to(x_t, ys[t][1] + 8.0 + LABEL_FONT)
            if cons[0] == "box":
                sh = box_shape[cons[1]]
                px, py = sh.ports_in[cons[2]]
                wire.curve(px, py - 10.0)
                wire.to(px, py)
                wire.end = f"box {sh.ident} in {cons[2]}"
            else:
                cx = self.item_of[("cod", cons[1])].x
                wire.curve(cx, bottom - (8.0 + LABEL_FONT if forks else 0.0))
                wire.to(cx, bottom)
                wire.end = f"cod {cons[1]}"
                if w in dots:
                    shapes.append(
                        Shape("label", [(cx + 4.0, bottom - 3.0 - LABEL_FONT / 2)], wire.obj)
                    )
            wires.append(wire)
        width = max((it.x + it.width for row in layers for it in row), default=0.0) + self.room
        lay = Layout(width + MARGIN, bottom + MARGIN, wires, shapes, top, bottom, style="layered")
        return _flip(lay) if direction == "up" else lay

    def _readers(self, w: int) -> list[Any]:
        return [e for e in self.edges if e[0] == w]

    def _obj(self, w: int) -> str:
        k, j = self.producer[w]
        return (self.d.dom.factors[j] if k < 0 else self.boxes[k].gen.cod.factors[j]).name

    def _box(
        self, it: _Item, span: tuple[float, float], shapes: list[Shape], ports_out: dict
    ) -> Shape:
        b = self.boxes[it.ref]
        top, bot = span
        left, right = it.x, it.x + b.width
        mid = (left + right) / 2
        n, m = len(b.ins), len(b.outs)
        if n == 0 and m > 0:
            kind, pts, name_y = "state", [(mid, top), (right, bot), (left, bot)], bot - b.body / 3
        elif m == 0 and n > 0:
            kind, pts, name_y = "effect", [(left, top), (right, top), (mid, bot)], top + b.body / 3
        else:
            kind = b.kind
            pts, name_y = [(left, top), (right, bot)], (top + bot) / 2
        shape = Shape(kind, pts, b.name, ident=len(shapes))
        shape.ports_in = [(it.x + o, top) for o in it.ports_in]
        shape.ports_out = [(it.x + o, bot) for o in it.ports_out]
        shapes.append(shape)
        shapes.append(Shape("name", [(mid, name_y)], b.name))
        for j, (w, (px, py)) in enumerate(zip(b.outs, shape.ports_out)):
            ports_out[w] = (px, py, f"box {shape.ident} out {j}")
            shapes.append(Shape("label", [(px + 4.0, py + 3.0 + LABEL_FONT / 2)], self._obj(w)))
        return shape


def _ports(n: int, width: float, pitch: float) -> list[float]:
    return [width / 2 + (i - (n - 1) / 2) * pitch for i in range(n)]


def _isotonic(row: list[_Item], want: list[float], gap: float) -> None:
    """Positions as close (least squares) to ``want`` as the order and spacing allow."""
    offsets, acc = [], 0.0
    for it in row:
        offsets.append(acc)
        acc += it.width + gap
    # centre each item on its wish: y_i = want_i - offset_i must be non-decreasing
    ys = [w - o for w, o in zip(want, offsets)]
    blocks: list[list[float]] = []  # [mean, count]
    for v in ys:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    i = 0
    for mean, count in blocks:
        for _ in range(int(count)):
            row[i].x = mean + offsets[i]
            i += 1


def layered(d: Diagram, direction: str, pitch: float, room: float, describe: Any) -> Layout:
    """The layered layout of ``d`` (see the module docstring); ``describe(box)`` gives a
    box's width, body height, kind (``"box"`` or ``"kernel"``) and name."""
    return _Layered(d, pitch, room, describe).draw(direction)
