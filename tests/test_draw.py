"""Drawings are checked by reading the SVG back, never by comparing pixels.

Every drawing must be well-formed XML with one shape per box, every wire must run from a
port (or the domain boundary) to a port (or the codomain boundary), each port must carry
exactly one wire, and no two boxes or labels may overlap.
"""

from __future__ import annotations

import functools
import operator
import random
import re
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_free import BOXES, A, B, random_program, rewrite

import markovcat as mc
from markovcat._diagram import Copy, Delete, Identity, Par, Seq, Swap

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


def parse(svg: str):
    """Boxes, copy dots, deletes, wires and texts of a single-diagram drawing."""
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    diagram = root.find(f"{SVG}g[@class='diagram']")
    top, bottom = float(diagram.get("data-top")), float(diagram.get("data-bottom"))
    shapes = {"boxes": {}, "copy": {}, "delete": {}, "wires": [], "texts": []}
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


def check_drawing(d: mc.Diagram, direction: str = "down") -> dict:
    """All the structural checks on ``d.draw()``; returns the parsed shapes."""
    top, bottom, s = parse(d.draw(direction=direction).svg)
    boxes = s["boxes"]
    gens = generators(d)
    assert len(boxes) == len(gens)  # one shape per box
    assert sorted(b.get("data-name") for b in boxes.values()) == sorted(
        getattr(g, "name", None) or "kernel" for g in gens
    )
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
