"""Drawings are checked by reading the SVG back, never by comparing pixels.

Every drawing must be well-formed XML with one shape per box, every wire must run from a
port (or the domain boundary) to a port (or the codomain boundary), each port must carry
exactly one wire, and no two boxes or labels may overlap.
"""

from __future__ import annotations

import functools
import itertools
import operator
import random
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_free import BOXES, A, B, random_program, rewrite

import markovcat as mc
from markovcat._diagram import Copy, Delete, Identity, Par, Seq, Swap, thread
from markovcat.drawing import draw, layout

SVG = "{http://www.w3.org/2000/svg}"
BOX_KINDS = {"box", "kernel", "state", "effect"}


def leaves(d):
    if isinstance(d, (Seq, Par)):
        return [x for p in d.parts for x in leaves(p)]
    return [d]


def generators(d):
    return [g for g in leaves(d) if not isinstance(g, (Identity, Copy, Delete, Swap))]


def points(path: str) -> list[tuple[float, float]]:
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(zip(nums[0::2], nums[1::2]))


def near(p, q, tol=0.02):
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


def pairs(attr: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in item.split()) for item in attr.split(",") if item.strip()]


def wire_readers(d) -> dict[int, int]:
    """How many boxes (or codomain positions) read each wire of ``d``."""
    counter = iter(range(len(d.dom.factors), 10**9))
    readers = {i: 0 for i in range(len(d.dom.factors))}

    def gen(g, ins):
        for w in ins:
            readers[w] += 1
        outs = [next(counter) for _ in g.cod.factors]
        readers.update({w: 0 for w in outs})
        return outs

    for w in thread(d, list(range(len(d.dom.factors))), gen):
        readers[w] += 1
    return readers


def parse(svg: str):
    """Boxes, copy dots, deletes, wires and texts of a single-diagram drawing."""
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    diagram = root.find(f"{SVG}g[@class='diagram']")
    top, bottom = float(diagram.get("data-top")), float(diagram.get("data-bottom"))
    shapes = {"boxes": {}, "copy": {}, "delete": {}, "wires": [], "texts": []}
    shapes["layout"] = diagram.get("data-layout")
    for el in root.iter():
        cls = (el.get("class") or "").split()
        if not cls:
            continue
        if cls[0] == "box":
            shapes["boxes"][el.get("data-id")] = el
        elif cls[0] == "copy":
            shapes["copy"][el.get("data-id")] = (float(el.get("cx")), float(el.get("cy")))
        elif cls[0] == "delete":
            shapes["delete"][el.get("data-id")] = tuple(float(v) for v in el.get("data-at").split())
        elif cls[0] == "wire":
            shapes["wires"].append(el)
        elif el.tag == SVG + "text":
            shapes["texts"].append(el)
    return top, bottom, shapes


def bbox(el) -> tuple[float, float, float, float]:
    if el.tag == SVG + "rect":
        x, y = float(el.get("x")), float(el.get("y"))
        return x, y, x + float(el.get("width")), y + float(el.get("height"))
    pts = [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def text_box(el) -> tuple[float, float, float, float]:
    """A generous box around a text: 0.65 em per character, 1 em high, centred on y."""
    size = float(el.get("font-size") or 12)
    x, y = float(el.get("x")), float(el.get("y"))
    w = 0.65 * size * len(el.text or "")
    left = x - w / 2 if el.get("text-anchor") == "middle" else x
    return left, y - size / 2, left + w, y + size / 2


def overlap(a, b, eps=0.5) -> bool:
    return a[0] < b[2] - eps and b[0] < a[2] - eps and a[1] < b[3] - eps and b[1] < a[3] - eps


def check_drawing(d: mc.Diagram, direction: str = "down", style: str = "auto") -> dict:
    """All the structural checks on ``d.draw()``; returns the parsed shapes."""
    drawing = d.draw(direction=direction) if style == "auto" else draw(d, direction, style)
    top, bottom, s = parse(drawing.svg)
    boxes = s["boxes"]
    gens = generators(d)
    assert len(boxes) == len(gens)  # one shape per box
    assert sorted(b.get("data-name") for b in boxes.values()) == sorted(
        getattr(g, "name", None) or "kernel" for g in gens
    )
    if s["layout"] == "layered":  # a dot where a wire is read twice, ground where never
        readers = wire_readers(d)
        n_copy = sum(1 for r in readers.values() if r > 1)
        n_delete = sum(1 for r in readers.values() if r == 0)
    else:  # the term layout draws each copy and delete of the term
        n_copy = sum(len(g.obj.factors) for g in leaves(d) if isinstance(g, Copy))
        n_delete = sum(len(g.obj.factors) for g in leaves(d) if isinstance(g, Delete))
    assert len(s["copy"]) == n_copy and len(s["delete"]) == n_delete
    used = {}
    dom_x, cod_x = {}, {}
    for w in s["wires"]:
        pts = points(w.get("d"))
        start, end = pts[0], pts[-1]
        kind, *rest = w.get("data-start").split()
        if kind == "dom":
            assert abs(start[1] - top) < 0.02
            dom_x[int(rest[0])] = start[0]
        elif kind == "box":
            assert rest[1] == "out"
            assert near(start, pairs(boxes[rest[0]].get("data-out"))[int(rest[2])])
        else:
            assert kind == "copy" and near(start, s["copy"][rest[0]])
        kind, *rest = w.get("data-end").split()
        if kind == "cod":
            assert abs(end[1] - bottom) < 0.02
            cod_x[int(rest[0])] = end[0]
        elif kind == "box":
            assert rest[1] == "in"
            assert near(end, pairs(boxes[rest[0]].get("data-in"))[int(rest[2])])
        elif kind == "copy":
            assert near(end, s["copy"][rest[0]])
        else:
            assert kind == "delete" and near(end, s["delete"][rest[0]])
        for key in (w.get("data-start"), w.get("data-end")):
            if not key.startswith("copy"):
                used[key] = used.get(key, 0) + 1
    # each port and boundary position carries exactly one wire
    assert all(v == 1 for v in used.values())
    for b in boxes.values():
        for side, n in (
            ("in", len(pairs(b.get("data-in")))),
            ("out", len(pairs(b.get("data-out")))),
        ):
            for i in range(n):
                assert used.get(f"box {b.get('data-id')} {side} {i}") == 1
    assert sorted(dom_x) == list(range(len(d.dom.factors)))
    assert sorted(cod_x) == list(range(len(d.cod.factors)))
    # boundary wires keep their order from left to right
    assert [dom_x[i] for i in sorted(dom_x)] == sorted(dom_x.values())
    assert [cod_x[i] for i in sorted(cod_x)] == sorted(cod_x.values())
    # readable: no two boxes overlap, no two texts overlap, no label overlaps a box
    rects = [bbox(b) for b in boxes.values()]
    for i, r in enumerate(rects):
        assert not any(overlap(r, q) for q in rects[i + 1 :])
    labels = [text_box(t) for t in s["texts"] if t.get("class") == "label"]
    for i, r in enumerate(labels):
        assert not any(overlap(r, q) for q in labels[i + 1 :])
        assert not any(overlap(r, q) for q in rects)
    for t in s["texts"]:  # box names fit inside their boxes
        if t.get("class") == "name":
            x, y = float(t.get("x")), float(t.get("y"))
            assert any(q[0] <= x <= q[2] and q[1] <= y <= q[3] for q in rects)
    return s


# ---- fixed examples ------------------------------------------------------------------------
X, Y = mc.Obj("X", 2), mc.Obj("Disease", 3)
p, f, g = mc.Box("prior", mc.I, X), mc.Box("f", X, Y), mc.Box("g", X @ Y, X)
e = mc.Box("e", Y, mc.I)

EXAMPLES = [
    p,
    f,
    e,
    mc.copy(X),
    mc.copy(X @ Y, 3),
    mc.delete(X @ Y),
    mc.swap(X, Y @ X),
    mc.identity(X @ Y),
    mc.identity(mc.I),
    p >> mc.copy(X) >> (mc.identity(X) @ f),
    (p @ p) >> mc.swap(X, X) >> (f @ mc.delete(X)) >> e,
    p
    >> mc.copy(X)
    >> (mc.identity(X) @ f)
    >> mc.copy(X @ Y)
    >> (g @ mc.swap(X, Y))
    >> (mc.identity(X) @ mc.delete(Y) @ f),
    mc.copy(X) >> (f @ f) >> mc.swap(Y, Y),
    mc.kernel(X, X, [[0.5, 0.5], [0, 1]], name="k") >> mc.kernel(X, X, [[1, 0], [0, 1]]),
]


@pytest.mark.parametrize("d", EXAMPLES, ids=str)
@pytest.mark.parametrize("direction", ["down", "up"])
def test_examples_are_well_formed(d, direction):
    check_drawing(d, direction)


def test_layout_follows_the_term():
    h = mc.Box("h", X, X)
    k = mc.Box("k", X, X)
    _, _, s = parse((h >> k).draw().svg)
    (bh,), (bk,) = ([bbox(b) for b in s["boxes"].values() if b.get("data-name") == n] for n in "hk")
    assert bk[1] > bh[3]  # >> stacks downwards
    _, _, s = parse((h >> k).draw(direction="up").svg)
    (bh,), (bk,) = ([bbox(b) for b in s["boxes"].values() if b.get("data-name") == n] for n in "hk")
    assert bk[3] < bh[1]  # ... or upwards
    _, _, s = parse((h @ k).draw().svg)
    (bh,), (bk,) = ([bbox(b) for b in s["boxes"].values() if b.get("data-name") == n] for n in "hk")
    assert bk[0] > bh[2] and bk[1] == bh[1]  # @ side by side, tops aligned


def test_shapes_of_generators():
    svg = (p >> mc.copy(X) >> (f @ mc.delete(X)) >> e).draw().svg
    root = ET.fromstring(svg)
    kinds = {
        el.get("data-name"): el for el in root.iter() if "box" in (el.get("class") or "").split()
    }
    assert (
        kinds["prior"].get("class") == "box state"
        and len(kinds["prior"].get("points").split()) == 3
    )
    assert kinds["e"].get("class") == "box effect"
    assert kinds["f"].tag == SVG + "rect"
    # a state's flat side faces its output: the output port lies on the lowest edge
    tri = [tuple(map(float, q.split(","))) for q in kinds["prior"].get("points").split()]
    (port,) = pairs(kinds["prior"].get("data-out"))
    assert port[1] == max(q[1] for q in tri)


def test_swap_crosses():
    _, _, s = parse(mc.swap(X, Y).draw().svg)
    ends = {
        w.get("data-start"): (points(w.get("d"))[0], points(w.get("d"))[-1]) for w in s["wires"]
    }
    (a0, a1), (b0, b1) = ends["dom 0"], ends["dom 1"]
    assert a0[0] < b0[0] and a1[0] > b1[0]


def test_wire_labels_name_objects():
    _, _, s = parse((p >> f).draw().svg)
    labels = sorted(t.text for t in s["texts"] if t.get("class") == "label")
    assert labels == ["Disease", "X"]
    names = sorted(t.text for t in s["texts"] if t.get("class") == "name")
    assert names == ["f", "prior"]


def test_special_characters_are_escaped():
    odd = mc.Box("a<b & c_1", mc.Obj("Q&A", 2), mc.Obj("x_y", 2))
    svg = odd.draw().svg
    ET.fromstring(svg)
    tikz = odd.to_tikz()
    assert r"a<b \& c\_1" in tikz and r"x\_y" in tikz


# ---- random diagrams ---------------------------------------------------------------------------
@given(st.integers(0, 2**32 - 1), st.sampled_from(["down", "up"]))
def test_random_diagrams_draw_cleanly(seed, direction):
    rng = random.Random(seed)
    d = rewrite(random_program(rng, steps=rng.randint(1, 6)), rng, steps=rng.randint(0, 4))
    check_drawing(d, direction)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["down", "up"]))
def test_random_diagrams_draw_cleanly_in_layers(seed, direction):
    rng = random.Random(seed)
    d = rewrite(random_program(rng, steps=rng.randint(1, 6)), rng, steps=rng.randint(0, 4))
    s = check_drawing(d, direction, style="layered")
    assert s["layout"] == "layered"


def test_large_diagram_stays_clean():
    h = mc.Box("h", A @ B, A)
    layer = mc.copy(A) >> (mc.identity(A) @ BOXES[2]) >> h
    wide = functools.reduce(operator.matmul, [layer] * 10)
    d = functools.reduce(operator.rshift, [wide] * 5)  # 100 boxes
    s = check_drawing(d)
    assert len(s["boxes"]) == 100


# ---- TikZ, saving, notebooks ---------------------------------------------------------------
def test_tikz_has_one_command_per_shape():
    d = p >> mc.copy(X) >> (f @ mc.delete(X))
    tikz = d.to_tikz()
    assert tikz.startswith(r"\begin{tikzpicture}") and tikz.rstrip().endswith(r"\end{tikzpicture}")
    assert tikz.count(r"\draw[box") == 2  # the state and f
    assert tikz.count(r"\fill") == 1  # one copy dot
    assert tikz.count(r"\draw[wire]") == 4 + 1  # 4 wires and one ground symbol
    assert tikz.count("{") == tikz.count("}")


def test_save(tmp_path):
    dr = (p >> f).draw()
    assert ET.parse(dr.save(tmp_path / "d.svg")).getroot().tag == SVG + "svg"
    assert (dr.save(tmp_path / "d.tex")).read_text().startswith(r"\begin{tikzpicture}")
    with pytest.raises(mc.MarkovCatError, match="expected a .svg"):
        dr.save(tmp_path / "d.gif")


def test_png_needs_cairosvg(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    with pytest.raises(mc.MarkovCatError, match="cairosvg"):
        (p >> f).draw().save(tmp_path / "d.png")


def test_notebook_display_hooks():
    d = p >> f
    assert d._repr_svg_() == d.draw().svg
    assert isinstance(d.draw(), mc.Drawing) and str(d.draw()).startswith("<svg")


def test_bad_arguments():
    with pytest.raises(mc.MarkovCatError, match="direction"):
        f.draw(direction="sideways")


# ---- the gallery: slide-quality drawings with no avoidable crossings ---------------------------
# A crossing is avoidable when another order of the boxes and wires within the layers has
# fewer. The drawing's crossings are counted geometrically, from the SVG paths (Bézier
# curves flattened); the fewest possible, over every order of every layer, comes from a
# small integer program (HiGHS, via scipy) on the layered graph, built here from the term.
def polyline(d, steps=25):
    toks = re.findall(r"[MLC]|-?\d+(?:\.\d+)?", d)
    pts, i, cur = [], 0, None
    while i < len(toks):
        c = toks[i]
        i += 1
        n = {"M": 2, "L": 2, "C": 6}[c]
        v = [float(t) for t in toks[i : i + n]]
        i += n
        if c in "ML":
            cur = (v[0], v[1])
            pts.append(cur)
        else:
            (x0, y0), (x1, y1, x2, y2, x3, y3) = cur, v
            for k in range(1, steps + 1):
                t = k / steps
                u = 1 - t
                pts.append(
                    (
                        u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                        u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                    )
                )
            cur = (x3, y3)
    return pts


def seg_cross(p1, p2, q1, q2):
    def o(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2, d3, d4 = o(q1, q2, p1), o(q1, q2, p2), o(p1, p2, q1), o(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def crossings(svg):
    """Proper crossings between wires (touching at a shared end does not count)."""
    root = ET.fromstring(svg)
    wires = [polyline(el.get("d")) for el in root.iter(SVG + "path") if el.get("class") == "wire"]
    n = 0
    for a, b in itertools.combinations(wires, 2):
        ends = [a[0], a[-1], b[0], b[-1]]
        for (p1, p2), (q1, q2) in itertools.product(itertools.pairwise(a), itertools.pairwise(b)):
            if seg_cross(p1, p2, q1, q2):
                if any(
                    min(abs(e[0] - p[0]) + abs(e[1] - p[1]) for p in (p1, p2, q1, q2)) < 2.0
                    for e in ends
                ):
                    continue
                n += 1
    return n


def _layered_graph(d):
    """Layers as the drawing places them, built independently here: each box one layer
    below the boxes it reads, states just above their first reader; an edge per
    (wire, reader), with a waypoint in every layer it spans."""
    boxes = []
    ctr = itertools.count(len(d.dom.factors))

    def gen(g, ins):
        outs = [next(ctr) for _ in g.cod.factors]
        boxes.append((list(ins), outs))
        return outs

    cod = thread(d, list(range(len(d.dom.factors))), gen)
    prod = {i: (("dom", i), 0) for i in range(len(d.dom.factors))}
    layer = {("dom", i): 0 for i in range(len(d.dom.factors))}
    for k, (ins, outs) in enumerate(boxes):
        layer[("box", k)] = 1 + max((layer[prod[w][0]] for w in ins), default=0)
        prod.update({w: (("box", k), j) for j, w in enumerate(outs)})
    last = max((layer[("box", k)] for k in range(len(boxes))), default=0)
    readers = {}
    for k, (ins, _) in enumerate(boxes):
        for w in ins:
            readers.setdefault(w, []).append(("box", k))
    for k in reversed(range(len(boxes))):
        ins, outs = boxes[k]
        below = [layer[r] for w in outs for r in readers.get(w, [])]
        if not ins and below:
            layer[("box", k)] = min(below) - 1
    ends = [(w, ("box", k), i) for k, (ins, _) in enumerate(boxes) for i, w in enumerate(ins)]
    ends += [(w, ("cod", j), 0) for j, w in enumerate(cod)]
    layer.update({("cod", j): last + 1 for j in range(len(cod))})
    segments = {}  # layer t -> [(upper item, port, lower item, port)]
    for e, (w, item, port) in enumerate(ends):
        src, sport = prod[w]
        lo, hi = layer[src], layer[item]
        chain = [(src, sport)] + [(("dummy", e, t), 0) for t in range(lo + 1, hi)]
        chain.append((item, port))
        for t, ((u, pu), (v, pv)) in enumerate(itertools.pairwise(chain), start=lo):
            segments.setdefault(t, []).append((u, pu, v, pv))
    return segments


def layered_min_crossings(d):
    """A lower bound, tight in practice, on the crossings of any drawing with these layers:
    the optimum of an integer program over the left-right order of every pair of items in
    a layer (with transitivity), where two segments between adjacent layers cross when
    their orders above and below differ. Boundary wires keep their order."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    var = {}

    def order(a, pa, b, pb):  # [a's port left of b's]: (constant, {variable: coefficient})
        if a == b:
            return float(pa < pb), {}
        if a[0] in ("dom", "cod") and b[0] in ("dom", "cod"):
            return float(a[1] < b[1]), {}
        key = tuple(sorted((a, b), key=repr))
        var.setdefault(key, len(var))
        return (0.0, {var[key]: 1.0}) if key[0] == a else (1.0, {var[key]: -1.0})

    const, linear, pairs = 0.0, {}, []
    for segs in _layered_graph(d).values():
        for (a1, p1, b1, q1), (a2, p2, b2, q2) in itertools.combinations(segs, 2):
            if (a1, p1) == (a2, p2) or (b1, q1) == (b2, q2):
                continue  # a shared end: the two touch there, they do not cross
            (cu, vu), (cd, vd) = order(a1, p1, a2, p2), order(b1, q1, b2, q2)
            if vu and vd:
                pairs.append((cu, vu, cd, vd))
            else:  # one order fixed: crossing = the other order, or its negation
                c0, v, other = (cu, vd, cd) if not vu else (cd, vu, cu)
                sign = 1.0 if c0 == 0 else -1.0
                for i, coef in v.items():
                    linear[i] = linear.get(i, 0.0) + sign * coef
                const += other if c0 == 0 else 1 - other
    n = len(var) + len(pairs)
    if n == 0:
        return round(const)
    c = np.zeros(n)
    for i, coef in linear.items():
        c[i] += coef
    rows, lower = [], []
    for k, (cu, vu, cd, vd) in enumerate(pairs):  # z >= |up - down|
        z = len(var) + k
        c[z] = 1.0
        for s in (1, -1):
            row = np.zeros(n)
            row[z] = 1.0
            for i, coef in vu.items():
                row[i] -= s * coef
            for i, coef in vd.items():
                row[i] += s * coef
            rows.append(row)
            lower.append(s * (cu - cd))
    upper = [np.inf] * len(rows)
    items = sorted({x for key in var for x in key}, key=repr)
    for a, b, e in itertools.combinations(items, 3):  # transitivity of "left of"
        keys = [(a, b), (b, e), (a, e)]
        if all(k in var for k in keys):
            row = np.zeros(n)
            row[var[keys[0]]], row[var[keys[1]]], row[var[keys[2]]] = 1, 1, -1
            rows.append(row)
            lower.append(0)
            upper.append(1)
    res = milp(
        c,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(np.array(rows), lower, upper)] if rows else [],
    )
    return round(res.fun + const)


def sprinkler_program():
    C, S, R, W = (mc.Obj(n, 2) for n in ("Cloudy", "Sprinkler", "Rain", "Wet"))
    cloudy, spr, rain = mc.Box("cloudy", mc.I, C), mc.Box("sprinkler", C, S), mc.Box("rain", C, R)
    wet = mc.Box("wet", S @ R, W)

    @mc.program(mc.I, C @ S @ R @ W)
    def sprinkler():
        c = cloudy()
        s, r = spr(c), rain(c)
        return c, s, r, wet(s, r)

    by_hand = (
        cloudy
        >> mc.copy(C, 3)
        >> (mc.identity(C) @ spr @ rain)
        >> (mc.identity(C) @ mc.copy(S) @ mc.copy(R))
        >> (mc.identity(C @ S) @ mc.swap(S, R) @ mc.identity(R))
        >> (mc.identity(C @ S @ R) @ wet)
    )
    return sprinkler, by_hand


def gallery():
    from test_posterior import asia

    H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    hmm = mc.models.hidden_markov_model(
        mc.Box("init", mc.I, H), mc.Box("step", H, H), mc.Box("emit", H, O), 5
    )
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
    prior, f, inverse = mc.Box("p", mc.I, X), mc.Box("f", X, Y), mc.Box("f†", Y, X)
    bayes = mc.Equation(
        prior >> mc.copy(X) >> (mc.identity(X) @ f),
        (prior >> f) >> mc.copy(Y) >> (inverse @ mc.identity(Y)),
    )
    return {"asia": asia(), "sprinkler": sprinkler_program()[0], "hmm": hmm, "bayes": bayes}


@pytest.mark.parametrize("name", ["asia", "sprinkler", "hmm", "bayes"])
def test_gallery_drawings_have_no_avoidable_crossings(name, tmp_path):
    d = gallery()[name]
    svg = d.draw().svg
    sides = [d.lhs, d.rhs] if isinstance(d, mc.Equation) else [d]
    fewest = sum(layered_min_crossings(side) for side in sides)
    assert crossings(svg) == fewest
    if not isinstance(d, mc.Equation):
        s = check_drawing(d)
        assert s["layout"] == "layered"  # independent boxes side by side
        # every wire is labelled: below its box, at the top, or at the bottom after a copy
        labels = sum(t.get("class") == "label" for t in s["texts"])
        sources = len(d.dom.factors) + sum(len(g.cod.factors) for g in generators(d))
        assert labels >= sources
    cairosvg = pytest.importorskip("cairosvg")
    png = tmp_path / f"{name}.png"
    cairosvg.svg2png(bytestring=svg.encode(), write_to=str(png))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 2000


def test_a_program_draws_at_least_as_well_as_the_term_by_hand():
    program, by_hand = sprinkler_program()
    assert mc.free_equal(program, by_hand)
    rows = [layout(d).height for d in (program, by_hand)]
    assert crossings(program.draw().svg) <= crossings(by_hand.draw().svg)
    assert rows[0] <= rows[1] + 1e-9
    # an HMM's emissions sit beside the next step, not below it: 6 rows for 5 steps
    h = gallery()["hmm"]
    lay = layout(h)
    tops = {round(s.points[0][1]) for s in lay.shapes if s.kind in ("box", "state")}
    assert len(tops) == 6


def test_layout_styles():
    f = mc.Box("f", X, X)
    assert layout(mc.copy(X) >> (f @ f), style="term").style == "term"
    assert layout(mc.copy(X) >> (f @ f), style="layered").style == "layered"
    assert layout(f >> f).style == "term"  # nothing to gain: the term's own picture
    with pytest.raises(mc.MarkovCatError, match="style"):
        layout(f, style="fancy")
