"""Drawing string diagrams: a layout that follows the term, rendered to SVG and TikZ.

``f >> g`` stacks ``g`` below ``f`` (or above, with ``direction="up"``), ``f @ g`` places
them side by side. Boxes are rectangles, states (no inputs) triangles with the flat side
towards their outputs, effects (no outputs) the other way round, copy a dot with wires
out, delete a wire ending in a ground symbol, swaps crossings. Wires are labelled with
their object's name where they start. Every block of the layout contains its own boxes
and labels and blocks never overlap, so neither do boxes nor labels.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
>>> drawing = (p >> mc.copy(X) >> (f @ mc.identity(X))).draw()
>>> drawing.svg.startswith("<svg"), drawing.svg.count('class="wire"')
(True, 4)
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from ._diagram import Copy, Delete, Diagram, Identity, Par, Seq, Swap
from ._errors import MarkovCatError, TypeMismatchError
from ._kernel import Kernel
from ._seam import provide

FONT = 12.0  # box names, px
LABEL_FONT = 10.5  # wire labels, px
PAD = 8.0  # left margin before the first port of a block
GAP = 14.0  # between blocks side by side
MARGIN = 10.0  # around the whole picture
BOX_H = 28.0
STATE_H = 30.0


def text_width(s: str, size: float = FONT) -> float:
    """A generous estimate of the width of ``s`` in a sans-serif font of ``size`` px.

    >>> text_width("ab") < text_width("abc")
    True
    """
    wide = sum(1 for c in s if c.isupper() or c in "mwMW@%")
    return size * (0.62 * len(s) + 0.18 * wide) + 2.0


# ---- the layout: plain records in local coordinates (y grows downwards) -----------------
@dataclass
class Wire:
    """One wire: a path from where it starts to where it ends, and what it carries."""

    obj: str
    start: str
    path: list[tuple[str, tuple[float, ...]]] = field(default_factory=list)
    end: str = ""

    @property
    def point(self) -> tuple[float, float]:
        args = self.path[-1][1]
        return args[-2], args[-1]

    def to(self, x: float, y: float) -> None:
        """Straight on to ``(x, y)``, merging with a previous collinear straight piece."""
        x0, y0 = self.point
        if abs(x - x0) < 1e-9 and abs(y - y0) < 1e-9:
            return
        if (
            len(self.path) > 1
            and self.path[-1][0] == "L"
            and abs(x - x0) < 1e-9
            and abs(self.path[-2][1][-2] - x) < 1e-9
        ):
            self.path[-1] = ("L", (x, y))
        else:
            self.path.append(("L", (x, y)))

    def curve(self, x: float, y: float) -> None:
        """An S-curve with vertical tangents at both ends (straight if vertical)."""
        x0, y0 = self.point
        if abs(x - x0) < 1e-9:
            self.to(x, y)
        else:
            m = (y - y0) / 2
            self.path.append(("C", (x0, y0 + m, x, y - m, x, y)))


@dataclass
class Shape:
    """A box, state, effect, copy dot, delete symbol or piece of text."""

    kind: str  # box | kernel | state | effect | copy | delete | name | label | equals
    points: list[tuple[float, float]]
    text: str = ""
    ident: int = -1
    ports_in: list[tuple[float, float]] = field(default_factory=list)
    ports_out: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Layout:
    """Where everything goes: wires, shapes, and the size of the picture."""

    width: float
    height: float
    wires: list[Wire]
    shapes: list[Shape]
    top: float  # y of the domain boundary
    bottom: float  # y of the codomain boundary


@dataclass
class _Size:
    width: float
    height: float
    dom_x: list[float]
    cod_x: list[float]
    offsets: list[float] = field(default_factory=list)  # composites: x offset of each part
    bands: list[float] = field(default_factory=list)  # Seq: gap above each part
    parts: list[Diagram] = field(default_factory=list)
    sizes: list[_Size] = field(default_factory=list)  # composites: size of each part


def _is_generator(d: Diagram) -> bool:
    return not isinstance(d, (Seq, Par, Identity, Copy, Delete, Swap))


def _flexible(d: Diagram) -> bool:
    """Wiring only (identities, copies, deletes, swaps, side by side): drawn as curves
    whose ends follow the blocks above and below."""
    if isinstance(d, (Identity, Copy, Delete, Swap)):
        return True
    return isinstance(d, (Par, Seq)) and all(_flexible(p) for p in d.parts)


def _sources(d: Diagram) -> list[int]:
    """For a wiring generator, the input each output comes from."""
    if isinstance(d, Copy):
        k = len(d.obj.factors)
        return list(range(k)) * d.n
    if isinstance(d, Swap):
        k, n = len(d.left.factors), len(d.dom.factors)
        return list(range(k, n)) + list(range(k))
    if isinstance(d, Delete):
        return []
    return list(range(len(d.dom.factors)))


def _name(d: Diagram) -> str:
    return getattr(d, "name", None) or ("kernel" if isinstance(d, Kernel) else str(d))


def _spread(n: int, centre: float, pitch: float) -> list[float]:
    return [centre + (i - (n - 1) / 2) * pitch for i in range(n)]


def _centre(xs: list[float], default: float) -> float:
    return (min(xs) + max(xs)) / 2 if xs else default


class _Layouter:
    def __init__(self, d: Diagram) -> None:
        names = {f.name for g in _leaves(d) for o in (g.dom, g.cod) for f in o.factors}
        names.update(f.name for f in (*d.dom.factors, *d.cod.factors))
        self.label_w = max((text_width(n, LABEL_FONT) for n in names), default=0.0)
        self.pitch = max(24.0, self.label_w + 16.0)
        self.room = self.label_w + 8.0  # right of a port, kept free for its label
        self.sizes: dict[int, _Size] = {}
        self.wires: list[Wire] = []
        self.shapes: list[Shape] = []

    # ---- pass 1: sizes ------------------------------------------------------------------
    def size(self, d: Diagram) -> _Size:
        """The size of ``d`` on its own (cached: it does not depend on the context)."""
        s = self.sizes.get(id(d))
        if s is None:
            s = self.sizes[id(d)] = self._measure(d)
        return s

    def _fit(self, width: float, xs: list[float]) -> float:
        return max([width, *(x + self.room for x in xs)])

    def _measure(self, d: Diagram) -> _Size:
        if isinstance(d, Seq):
            return self._measure_seq(d)
        if _flexible(d):
            n_in, n_out = len(d.dom.factors), len(d.cod.factors)
            wide = max(n_in, n_out)
            centre = PAD + (wide - 1) * self.pitch / 2
            s = self.flex(d, _spread(n_in, centre, self.pitch), _spread(n_out, centre, self.pitch))
            s.width = self._fit(0.0, s.dom_x + s.cod_x)
            return s
        if isinstance(d, Par):
            return self._measure_par(d)
        return self._measure_box(d)

    def flex(self, d: Diagram, dom_x: list[float], cod_x: list[float]) -> _Size:
        """The size of the wiring ``d`` whose ends sit at ``dom_x`` and ``cod_x``."""
        if isinstance(d, Par):
            sizes, i, j = [], 0, 0
            for p in d.parts:
                n, m = len(p.dom.factors), len(p.cod.factors)
                sizes.append(self.flex(p, dom_x[i : i + n], cod_x[j : j + m]))
                i, j = i + n, j + m
            height = max((s.height for s in sizes), default=0.0)
            for p, s in zip(d.parts, sizes):
                if not isinstance(p, Seq):  # stretch the curves to the full height
                    s.height = height
            return _Size(
                0.0, height, dom_x, cod_x, [0.0] * len(sizes), parts=list(d.parts), sizes=sizes
            )
        if isinstance(d, Seq):  # in between, spread the wires around a line from top to bottom
            start, stop = _centre(dom_x, PAD), _centre(cod_x, _centre(dom_x, PAD))
            sizes, top, n = [], dom_x, len(d.parts)
            for k, p in enumerate(d.parts):
                c = start + (stop - start) * (k + 1) / n
                bottom = cod_x if k == n - 1 else _spread(len(p.cod.factors), c, self.pitch)
                sizes.append(self.flex(p, top, bottom))
                top = bottom
            height = sum(s.height for s in sizes)
            zeros = [0.0] * n
            return _Size(0.0, height, dom_x, cod_x, zeros, list(zeros), list(d.parts), sizes)
        src = _sources(d)
        shift = max((abs(x - dom_x[i]) for x, i in zip(cod_x, src)), default=0.0)
        bend = 8.0 + 0.3 * shift
        if isinstance(d, Copy):
            height = 8.0 + min(48.0, max(18.0, bend))
        elif isinstance(d, Swap):
            height = min(56.0, max(22.0, bend))
        elif isinstance(d, Delete):
            height = 18.0 if dom_x else 0.0
        else:
            height = 0.0 if shift < 0.5 else min(48.0, max(14.0, bend))
        return _Size(0.0, height, dom_x, cod_x)

    def _box_geometry(self, d: Diagram) -> tuple[float, float, float, float]:
        """Box width, body height, height above and below the body."""
        n, m = len(d.dom.factors), len(d.cod.factors)
        tw = text_width(_name(d))
        ports = (max(n, m, 1) - 1) * self.pitch + 24.0
        if n == 0 or m == 0:  # a triangle: the name sits in its wide half
            width = max(2.1 * tw + 10.0, ports + 16.0)
            body = STATE_H
        else:
            width = max(tw + 16.0, ports)
            body = BOX_H
        above = 10.0 if n else 2.0
        below = 8.0 + LABEL_FONT if m else 2.0
        return width, body, above, below

    def _measure_box(self, d: Diagram) -> _Size:
        width, body, above, below = self._box_geometry(d)
        ins = _spread(len(d.dom.factors), width / 2, self.pitch)
        outs = _spread(len(d.cod.factors), width / 2, self.pitch)
        return _Size(self._fit(width, ins + outs), above + body + below, ins, outs)

    def _measure_par(self, d: Par) -> _Size:
        x = 0.0
        offsets, sizes, dom_x, cod_x, height = [], [], [], [], 0.0
        for part in d.parts:
            s = self.size(part)
            offsets.append(x)
            sizes.append(s)
            dom_x += [x + v for v in s.dom_x]
            cod_x += [x + v for v in s.cod_x]
            height = max(height, s.height)
            if s.width > 0:
                x += s.width + GAP
        width = max(0.0, x - GAP)
        return _Size(width, height, dom_x, cod_x, offsets, parts=list(d.parts), sizes=sizes)

    def _measure_seq(self, d: Seq) -> _Size:
        """Rigid parts (with boxes) are placed so that their ports line up as well as they
        can; wiring parts between them bend to meet the ports above and below."""
        parts = [p for p in d.parts if not isinstance(p, Identity)] or [d.parts[0]]
        n = len(parts)
        flex = [_flexible(p) for p in parts]
        sizes: list[_Size | None] = [None] * n
        offsets, bands = [0.0] * n, [0.0] * n
        ends: list[list[float] | None] = [None] * (n + 1)  # wire positions between parts
        for i, p in enumerate(parts):
            if flex[i]:
                continue
            s = self.size(p)
            # the nearest rigid part above, and whether wiring lies in between
            prev = next((k for k in range(i - 1, -1, -1) if not flex[k]), None)
            if prev is None:
                off = 0.0
            elif prev == i - 1 and sizes[prev].cod_x:  # type: ignore[union-attr]
                up = [offsets[prev] + v for v in sizes[prev].cod_x]  # type: ignore[union-attr]
                diffs = [a - b for a, b in zip(up, s.dom_x)]
                off = (min(diffs) + max(diffs)) / 2  # the least largest sideways shift
                shift = max(abs(a - off - b) for a, b in zip(up, s.dom_x))
                bands[i] = 0.0 if shift < 0.5 else min(48.0, max(14.0, 8.0 + 0.3 * shift))
            else:  # centre below the part above (its ports, or the whole part)
                ps = sizes[prev]
                above = _centre([offsets[prev] + v for v in ps.cod_x], offsets[prev] + ps.width / 2)  # type: ignore[union-attr]
                off = above - _centre(s.dom_x, s.width / 2)
            sizes[i], offsets[i] = s, off
            ends[i] = [off + v for v in s.dom_x]
            ends[i + 1] = [off + v for v in s.cod_x]
        # wiring parts: take the ends fixed by rigid neighbours, else spread them out
        first = next((k for k in range(n) if not flex[k]), None)
        centre = (offsets[first] + sizes[first].width / 2) if first is not None else PAD  # type: ignore[union-attr]
        for i, p in enumerate(parts):
            if not flex[i]:
                centre = _centre(ends[i + 1] or [], offsets[i] + sizes[i].width / 2)  # type: ignore[union-attr]
                continue
            top, bottom = ends[i], ends[i + 1] if i + 1 < n and not flex[i + 1] else None
            if top is None:
                c = _centre(bottom, centre) if bottom is not None else centre
                top = ends[i] = _spread(len(p.dom.factors), c, self.pitch)
            if bottom is None:
                bottom = _spread(len(p.cod.factors), _centre(top, centre), self.pitch)
            ends[i + 1] = bottom
            centre = _centre(bottom, _centre(top, centre))
            sizes[i] = self.flex(p, top, bottom)
        # shift everything right so that nothing starts left of PAD
        xs = [v for e in ends if e for v in e]
        lefts = [offsets[i] for i in range(n) if not flex[i]] + [v - PAD for v in xs]
        left = min(lefts, default=0.0)
        for i in range(n):
            if flex[i]:
                sizes[i] = self._shifted(sizes[i], -left)  # type: ignore[arg-type]
            else:
                offsets[i] -= left
        width = max(
            [offsets[i] + sizes[i].width for i in range(n) if not flex[i]]  # type: ignore[union-attr]
            + [v - left + self.room for v in xs],
            default=0.0,
        )
        height = math.fsum([s.height for s in sizes if s is not None]) + math.fsum(bands)
        dom_x = [offsets[0] + v for v in sizes[0].dom_x]  # type: ignore[union-attr]
        cod_x = [offsets[-1] + v for v in sizes[-1].cod_x]  # type: ignore[union-attr]
        return _Size(width, height, dom_x, cod_x, offsets, bands, parts, sizes)  # type: ignore[arg-type]

    def _shifted(self, s: _Size, dx: float) -> _Size:
        s.dom_x = [v + dx for v in s.dom_x]
        s.cod_x = [v + dx for v in s.cod_x]
        for sub in s.sizes:
            self._shifted(sub, dx)
        return s

    # ---- pass 2: positions --------------------------------------------------------------
    def place(self, d: Diagram, s: _Size, x0: float, y0: float, wires: list[Wire]) -> list[Wire]:
        """Draw ``d`` of size ``s`` with its top-left corner at ``(x0, y0)``; return the
        wires leaving it. Each wire arrives at ``(x0 + s.dom_x[i], y0)``."""
        if isinstance(d, Seq):
            y = y0
            for part, ps, off, band in zip(s.parts, s.sizes, s.offsets, s.bands):
                y += band
                for w, x in zip(wires, ps.dom_x):
                    w.curve(x0 + off + x, y)
                wires = self.place(part, ps, x0 + off, y, wires)
                y += ps.height
            return wires
        if isinstance(d, Par):
            out: list[Wire] = []
            i = 0
            for part, ps, off in zip(s.parts, s.sizes, s.offsets):
                k = len(part.dom.factors)
                outs = self.place(part, ps, x0 + off, y0, wires[i : i + k])
                for w in outs:
                    w.to(w.point[0], y0 + s.height)
                out += outs
                i += k
            return out
        if isinstance(d, (Identity, Swap)):
            moved = [wires[i] for i in _sources(d)]
            for w, x in zip(moved, s.cod_x):
                w.curve(x0 + x, y0 + s.height)
            return moved
        if isinstance(d, Delete):
            for w in wires:
                x, y = w.point[0], y0 + 8.0
                w.to(x, y)
                self._end(w, Shape("delete", [(x, y)], ident=len(self.shapes)))
            return []
        if isinstance(d, Copy):
            return self._place_copy(d, s, x0, y0, wires)
        return self._place_box(d, s, x0, y0, wires)

    def _end(self, w: Wire, shape: Shape) -> None:
        w.end = f"{shape.kind} {shape.ident}"
        self.shapes.append(shape)

    def _place_copy(self, d: Copy, s: _Size, x0: float, y0: float, wires: list[Wire]) -> list[Wire]:
        dots = []
        for w in wires:
            x, y = w.point[0], y0 + 8.0
            w.to(x, y)
            dot = Shape("copy", [(x, y)], ident=len(self.shapes))
            self._end(w, dot)
            dots.append(dot)
        out = []
        for i, x in zip(_sources(d), s.cod_x):
            w = Wire(wires[i].obj, f"copy {dots[i].ident}", [("M", dots[i].points[0])])
            w.curve(x0 + x, y0 + s.height)
            self.wires.append(w)
            out.append(w)
        return out

    def _place_box(
        self, d: Diagram, s: _Size, x0: float, y0: float, wires: list[Wire]
    ) -> list[Wire]:
        width, body, above, _ = self._box_geometry(d)
        n, m = len(d.dom.factors), len(d.cod.factors)
        top, bot = y0 + above, y0 + above + body
        left, right, mid = x0, x0 + width, x0 + width / 2
        if n == 0 and m > 0:
            kind, pts = "state", [(mid, top), (right, bot), (left, bot)]
            name_y = bot - body / 3
        elif m == 0 and n > 0:
            kind, pts = "effect", [(left, top), (right, top), (mid, bot)]
            name_y = top + body / 3
        else:
            kind = "kernel" if isinstance(d, Kernel) else "box"
            pts, name_y = [(left, top), (right, bot)], (top + bot) / 2
        box = Shape(kind, pts, _name(d), ident=len(self.shapes))
        box.ports_in = [(x0 + x, top) for x in s.dom_x]
        box.ports_out = [(x0 + x, bot) for x in s.cod_x]
        self.shapes.append(box)
        self.shapes.append(Shape("name", [(mid, name_y)], _name(d)))
        for i, (w, port) in enumerate(zip(wires, box.ports_in)):
            w.to(*port)
            w.end = f"box {box.ident} in {i}"
        out = []
        for j, (port, f) in enumerate(zip(box.ports_out, d.cod.factors)):
            w = Wire(f.name, f"box {box.ident} out {j}", [("M", port)])
            self.label(w)
            w.to(port[0], y0 + s.height)
            self.wires.append(w)
            out.append(w)
        return out

    def label(self, w: Wire) -> None:
        x, y = w.point
        self.shapes.append(Shape("label", [(x + 4.0, y + 3.0 + LABEL_FONT / 2)], w.obj))


def _leaves(d: Diagram) -> list[Diagram]:
    out, stack = [], [d]
    while stack:
        t = stack.pop()
        if isinstance(t, (Seq, Par)):
            stack.extend(t.parts)
        elif _is_generator(t):
            out.append(t)
    return out


def layout(d: Diagram, direction: str = "down") -> Layout:
    """Place every box and wire of ``d``; ``direction`` is ``"down"`` or ``"up"``.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> lay = layout(f >> f)
    >>> [s.kind for s in lay.shapes if s.kind == "box"], len(lay.wires)
    (['box', 'box'], 3)
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"draw expects a diagram, given {type(d).__name__} {d!r}")
    if direction not in ("down", "up"):
        raise MarkovCatError(f"draw: direction must be 'down' or 'up', given {direction!r}")
    lay = _Layouter(d)
    s = lay.size(d)
    dom, cod = d.dom.factors, d.cod.factors
    top = MARGIN
    y0 = top + (8.0 + LABEL_FONT if dom else 0.0)
    wires = []
    for i, (x, f) in enumerate(zip(s.dom_x, dom)):
        w = Wire(f.name, f"dom {i}", [("M", (MARGIN + x, top))])
        lay.label(w)
        w.to(MARGIN + x, y0)
        wires.append(w)
    lay.wires[:0] = wires
    outs = lay.place(d, s, MARGIN, y0, wires)
    unlabelled = [w for w in outs if w.start.startswith("copy")]  # say what a copy carries
    bottom = y0 + s.height + (8.0 + LABEL_FONT if unlabelled else 10.0 if cod else 0.0)
    for j, w in enumerate(outs):
        w.to(w.point[0], bottom)
        w.end = f"cod {j}"
    for w in unlabelled:
        x = w.point[0]
        lay.shapes.append(Shape("label", [(x + 4.0, bottom - 3.0 - LABEL_FONT / 2)], w.obj))
    width = max(s.width, 1.0) + 2 * MARGIN
    height = bottom + MARGIN
    result = Layout(width, height, lay.wires, lay.shapes, top, bottom)
    return _flip(result) if direction == "up" else result


def _flip(lay: Layout) -> Layout:
    """Mirror top and bottom (for diagrams read upwards)."""
    h = lay.height

    def f(args: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(v if i % 2 == 0 else h - v for i, v in enumerate(args))

    for w in lay.wires:
        w.path = [(c, f(a)) for c, a in w.path]
    for s in lay.shapes:
        s.points = [f(p) for p in s.points]  # type: ignore[misc]
        s.ports_in = [f(p) for p in s.ports_in]  # type: ignore[misc]
        s.ports_out = [f(p) for p in s.ports_out]  # type: ignore[misc]
        if s.kind == "delete":
            s.text = "up"
    lay.top, lay.bottom = h - lay.top, h - lay.bottom
    return lay


# ---- rendering --------------------------------------------------------------------------
def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pt(p: tuple[float, ...]) -> str:
    return " ".join(_n(v) for v in p)


def _svg_body(lay: Layout, dx: float = 0.0, dy: float = 0.0) -> list[str]:
    def t(p: tuple[float, float]) -> tuple[float, float]:
        return p[0] + dx, p[1] + dy

    out = ['<g class="wires" fill="none" stroke="#222" stroke-width="1.4">']
    for w in lay.wires:
        d = " ".join(
            c + " " + _pt(tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(a)))
            for c, a in w.path
        )
        out.append(
            f'<path class="wire" d="{d}" data-obj={quoteattr(w.obj)} '
            f'data-start="{w.start}" data-end="{w.end}"/>'
        )
    out.append("</g>")
    for s in lay.shapes:
        out.append(_svg_shape(s, t))
    return out


def _svg_shape(s: Shape, t: Callable[[tuple[float, float]], tuple[float, float]]) -> str:
    pts = [t(p) for p in s.points]
    ports = ""
    if s.kind in ("box", "kernel", "state", "effect"):
        ins = ",".join(_pt(t(p)) for p in s.ports_in)
        outs = ",".join(_pt(t(p)) for p in s.ports_out)
        ports = (
            f' data-id="{s.ident}" data-name={quoteattr(s.text)} data-in="{ins}" data-out="{outs}"'
        )
    if s.kind in ("box", "kernel"):
        (x1, y1), (x2, y2) = pts
        fill = "#fff" if s.kind == "box" else "#eaf2fb"
        return (
            f'<rect class="box {s.kind}" x="{_n(min(x1, x2))}" y="{_n(min(y1, y2))}" '
            f'width="{_n(abs(x2 - x1))}" height="{_n(abs(y2 - y1))}" rx="3" '
            f'fill="{fill}" stroke="#222" stroke-width="1.4"{ports}/>'
        )
    if s.kind in ("state", "effect"):
        poly = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        return (
            f'<polygon class="box {s.kind}" points="{poly}" fill="#fff" stroke="#222" '
            f'stroke-width="1.4" stroke-linejoin="round"{ports}/>'
        )
    (x, y) = pts[0]
    if s.kind == "copy":
        return f'<circle class="copy" data-id="{s.ident}" cx="{_n(x)}" cy="{_n(y)}" r="3.2" fill="#222"/>'
    if s.kind == "delete":
        sign = 1 if s.text != "up" else -1
        d = " ".join(
            f"M {_n(x - h)} {_n(y + sign * k * 3)} h {_n(2 * h)}" for k, h in enumerate((7, 4.5, 2))
        )
        return (
            f'<path class="delete" data-id="{s.ident}" data-at="{_n(x)} {_n(y)}" d="{d}" '
            f'stroke="#222" stroke-width="1.4" fill="none"/>'
        )
    if s.kind == "label":
        return (
            f'<text class="label" x="{_n(x)}" y="{_n(y)}" dy=".35em" font-size="{LABEL_FONT}" '
            f'font-style="italic" fill="#444">{escape(s.text)}</text>'
        )
    size = FONT * 2 if s.kind == "equals" else FONT
    return (
        f'<text class="{s.kind}" x="{_n(x)}" y="{_n(y)}" dy=".35em" text-anchor="middle" '
        f'font-size="{_n(size)}">{escape(s.text)}</text>'
    )


def _svg(
    parts: list[tuple[Layout, float, float]], width: float, height: float, extra: list[Shape]
) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" '
        'font-family="Helvetica, Arial, DejaVu Sans, sans-serif">'
    )
    body = [head, f'<rect width="{_n(width)}" height="{_n(height)}" fill="white"/>']
    for lay, dx, dy in parts:
        body.append(
            f'<g class="diagram" data-top="{_n(lay.top + dy)}" data-bottom="{_n(lay.bottom + dy)}">'
        )
        body += _svg_body(lay, dx, dy)
        body.append("</g>")
    body += [_svg_shape(s, lambda p: p) for s in extra]
    body.append("</svg>")
    return "\n".join(body)


_TEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"}
_TEX_SPECIAL.update(
    {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
)


def tex_escape(s: str) -> str:
    """Escape LaTeX's special characters in a name.

    >>> print(tex_escape("p_1 & q"))
    p\\_1 \\& q
    """
    return "".join(_TEX_SPECIAL.get(c, c) for c in s)


def _tikz(parts: list[tuple[Layout, float, float]], extra: list[Shape]) -> str:
    lines = [
        r"\begin{tikzpicture}[x=0.75pt, y=-0.75pt, wire/.style={line width=0.9pt},"
        r" box/.style={draw, line width=0.9pt, fill=white}]"
    ]
    for lay, dx, dy in parts:
        for w in lay.wires:
            cmds = []
            for c, a in w.path:
                a = tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(a))
                if c == "M":
                    cmds.append(f"({_n(a[0])},{_n(a[1])})")
                elif c == "L":
                    cmds.append(f"-- ({_n(a[0])},{_n(a[1])})")
                else:
                    cmds.append(
                        f".. controls ({_n(a[0])},{_n(a[1])}) and ({_n(a[2])},{_n(a[3])}) "
                        f".. ({_n(a[4])},{_n(a[5])})"
                    )
            lines.append(r"\draw[wire] " + " ".join(cmds) + ";")
        lines += [_tikz_shape(s, dx, dy) for s in lay.shapes]
    lines += [_tikz_shape(s, 0.0, 0.0) for s in extra]
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


def _tikz_shape(s: Shape, dx: float, dy: float) -> str:
    pts = [(x + dx, y + dy) for x, y in s.points]
    c = [f"({_n(x)},{_n(y)})" for x, y in pts]
    text = tex_escape(s.text)
    if s.kind in ("box", "kernel"):
        fill = "" if s.kind == "box" else ", fill=blue!6"
        return rf"\draw[box{fill}, rounded corners=2pt] {c[0]} rectangle {c[1]};"
    if s.kind in ("state", "effect"):
        return rf"\draw[box, line join=round] {' -- '.join(c)} -- cycle;"
    x, y = pts[0]
    if s.kind == "copy":
        return rf"\fill {c[0]} circle (2.4pt);"
    if s.kind == "delete":
        sign = 1 if s.text != "up" else -1
        return (
            r"\draw[wire] "
            + " ".join(
                f"({_n(x - h)},{_n(y + sign * k * 3)}) -- ({_n(x + h)},{_n(y + sign * k * 3)})"
                for k, h in enumerate((7, 4.5, 2))
            )
            + ";"
        )
    if s.kind == "label":
        return rf"\node[anchor=west, inner sep=0pt, font=\scriptsize\itshape] at {c[0]} {{{text}}};"
    font = r"\Large" if s.kind == "equals" else r"\small"
    return rf"\node[font={font}] at {c[0]} {{{text}}};"


class Drawing:
    """A drawn diagram (or equation): shows inline in Jupyter, saves as SVG or TikZ.

    >>> import markovcat as mc
    >>> d = mc.Box("f", mc.Bool, mc.Bool).draw()
    >>> d.svg.count('class="box box"'), d.to_tikz().startswith(r"\\begin{tikzpicture}")
    (1, True)
    """

    def __init__(
        self,
        parts: list[tuple[Layout, float, float]],
        width: float,
        height: float,
        extra: list[Shape] | None = None,
    ) -> None:
        self.parts, self.width, self.height = parts, width, height
        self.extra = list(extra or [])
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        """The SVG document as a string."""
        if self._svg is None:
            self._svg = _svg(self.parts, self.width, self.height, self.extra)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def to_tikz(self) -> str:
        """A ``tikzpicture`` environment with the same layout (needs only TikZ)."""
        return _tikz(self.parts, self.extra)

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write ``.svg`` or ``.tex`` (TikZ); ``.png``/``.pdf`` need ``cairosvg`` installed."""
        path = pathlib.Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".tex":
            path.write_text(self.to_tikz() + "\n", encoding="utf-8")
        elif suffix in (".png", ".pdf"):
            try:
                import cairosvg
            except ImportError:
                raise MarkovCatError(
                    f"saving {path.name}: expected the cairosvg package for {suffix} output, "
                    "which is not installed; save as .svg or .tex, or pip install cairosvg"
                ) from None
            convert = cairosvg.svg2png if suffix == ".png" else cairosvg.svg2pdf
            convert(bytestring=self.svg.encode("utf-8"), write_to=str(path), scale=2.0)
        else:
            raise MarkovCatError(
                f"saving a drawing to {path.name}: expected a .svg, .tex, .png or .pdf file"
            )
        return path


def draw(d: Diagram, direction: str = "down") -> Drawing:
    """Draw a string diagram: ``>>`` stacks downwards (``direction="up"``: upwards),
    ``@`` goes side by side. Returns a :class:`Drawing` (inline SVG in Jupyter).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> svg = mc.Box("p", mc.I, X).draw().svg
    >>> 'class="box state"' in svg
    True
    """
    lay = layout(d, direction)
    return Drawing([(lay, 0.0, 0.0)], lay.width, lay.height)


def to_tikz(d: Diagram, direction: str = "down") -> str:
    """The diagram as TikZ code for papers and slides (``\\usepackage{tikz}``).

    >>> import markovcat as mc
    >>> print(mc.copy(mc.Bool).to_tikz().splitlines()[-1])
    \\end{tikzpicture}
    """
    return draw(d, direction).to_tikz()


def side_by_side(layouts: list[Layout], between: str = "=") -> Drawing:
    """Several layouts in a row, vertically centred, with ``between`` drawn between them.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> side_by_side([layout(f), layout(f >> f)]).svg.count('class="equals"')
    1
    """
    height = max(lay.height for lay in layouts)
    sep = text_width(between, 2 * FONT) + 16.0
    parts, extra, x = [], [], 0.0
    for i, lay in enumerate(layouts):
        if i:
            extra.append(Shape("equals", [(x + sep / 2, height / 2)], between))
            x += sep
        parts.append((lay, x, (height - lay.height) / 2))
        x += lay.width
    return Drawing(parts, x, height, extra)


provide("draw", draw)
provide("tikz", to_tikz)

__all__ = [
    "Drawing",
    "Layout",
    "draw",
    "layout",
    "side_by_side",
    "tex_escape",
    "text_width",
    "to_tikz",
]
