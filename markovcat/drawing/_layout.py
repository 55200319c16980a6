"""The layout of a string diagram: a size for every block (pass 1), then a position for
every box and wire (pass 2), following the term: ``>>`` stacks, ``@`` goes side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .._diagram import Copy, Delete, Diagram, Identity, Par, Seq, Swap, describe, route
from .._errors import InvalidArgumentError, MarkovCatError, TypeMismatchError
from .._kernel import Kernel
from ._geometry import (
    BOX_H,
    GAP,
    LABEL_FONT,
    MARGIN,
    PAD,
    STATE_H,
    Layout,
    Shape,
    Wire,
    _flip,
    text_width,
)
from ._layered import MAX_AUTO_ITEMS, layer_count, layered


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
    return route(d, list(range(len(d.dom.factors))))


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


#: Composites nested deeper than this are not drawn: the layout recurses, and a drawing of
#: such a diagram (a long program alternates ``>>`` and ``@``) is unreadable anyway.
MAX_DRAW_DEPTH = 150


def nesting_depth(d: Diagram) -> int:
    """How deeply composites nest in ``d`` (0 for a generator), without recursion.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> nesting_depth(f), nesting_depth((f @ f) >> (f @ f))
    (0, 2)
    """
    deepest, stack = 0, [(d, 0)]
    while stack:
        t, k = stack.pop()
        if isinstance(t, (Seq, Par)):
            stack.extend((p, k + 1) for p in t.parts)
        deepest = max(deepest, k)
    return deepest


def box_rows(d: Diagram) -> int:
    """How many rows of boxes the term layout of ``d`` has (``>>`` adds, ``@`` takes the
    most).

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> box_rows((f >> f) @ f), box_rows(mc.copy(mc.Bool))
    (2, 0)
    """
    if isinstance(d, Seq):
        return sum(box_rows(p) for p in d.parts)
    if isinstance(d, Par):
        return max((box_rows(p) for p in d.parts), default=0)
    return 1 if _is_generator(d) else 0


def layout(d: Diagram, direction: str = "down", style: str = "auto") -> Layout:
    """Place every box and wire of ``d``; ``direction`` is ``"down"`` or ``"up"``.

    ``style="term"`` follows the term (``>>`` stacks, ``@`` side by side), which shows
    exactly how an equation's sides are written; ``style="layered"`` draws the wiring
    graph in layers (:mod:`markovcat.drawing._layered`), boxes side by side when they are
    independent; ``"auto"`` (what ``d.draw()`` uses) takes the layered layout when it needs
    fewer rows of boxes than the term, as for ``@mc.program`` terms, networks and HMMs
    (up to ``MAX_AUTO_ITEMS`` boxes and waypoints; larger ones follow the term).

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
    if style not in ("auto", "term", "layered"):
        raise MarkovCatError(f"draw: style must be 'auto', 'term' or 'layered', given {style!r}")
    depth = nesting_depth(d)
    if depth > MAX_DRAW_DEPTH:
        raise InvalidArgumentError(
            f"draw {describe(d)}: composites nested {depth:,} deep, over the drawing limit "
            f"of {MAX_DRAW_DEPTH}; draw a part of it, or evaluate it instead"
        )
    lay = _Layouter(d)
    auto = style == "auto" and box_rows(d) > (size := layer_count(d))[0]
    if style == "layered" or (auto and size[1] <= MAX_AUTO_ITEMS):

        def describe_box(g: Diagram) -> tuple[float, float, str, str]:
            width, body, _, _ = lay._box_geometry(g)
            return width, body, "kernel" if isinstance(g, Kernel) else "box", _name(g)

        return layered(d, direction, lay.pitch, lay.room + 6.0, describe_box)
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
