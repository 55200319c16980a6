"""Equations: decided by the axioms, checked with numbers, drawn side by side."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_free import random_kernels, random_program, rewrite

import markovcat as mc
from markovcat import laws

X = mc.Obj("X", 2)
f = mc.Box("f", X, X)
c, i = mc.copy(X), mc.identity(X)


def test_holds_by_the_axioms():
    assert mc.Equation(c >> (c @ i), c >> (i @ c)).holds()
    assert mc.Equation(c >> (mc.delete(X) @ i), i).holds()
    assert mc.Equation(f >> mc.delete(X), mc.delete(X)).holds()
    assert not mc.Equation(f >> c, c >> (f @ f)).holds()


def test_copy_naturality_holds_for_deterministic_kernels_only(backend):
    eq = mc.Equation(f >> c, c >> (f @ f))
    flip = mc.deterministic(X, X, lambda x: 1 - x, name="f")
    noisy = mc.kernel(X, X, [[0.5, 0.5], [0.25, 0.75]], name="f")
    assert eq.check({"f": flip}, backend=backend)
    assert not eq.check({"f": noisy}, backend=backend)
    # cross-check against the closed form: (f >> copy)[x, y, y'] = f[x, y] δ(y, y')
    table = np.array([[0.5, 0.5], [0.25, 0.75]])
    lhs = np.einsum("xy,yz->xyz", table, np.eye(2))
    rhs = np.einsum("xy,xz->xyz", table, table)
    assert not np.allclose(lhs, rhs)


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=15)
def test_what_holds_is_checked_true_on_every_backend(seed):
    rng = random.Random(seed)
    d = random_program(rng, steps=3)
    e = rewrite(d, rng, steps=3)
    eq = mc.Equation(d, e)
    assert eq.holds()
    for backend in ("numpy", "sympy"):
        assert eq.check(random_kernels(seed % 100, backend=backend), backend=backend)


def test_bayes_law_as_an_equation(backend):
    F = Fraction
    prior = mc.state(X, [F(3, 10), F(7, 10)], name="prior")
    test = mc.kernel(X, mc.Bool, [[F(9, 10), F(1, 10)], [F(2, 10), F(8, 10)]], name="test")
    inverse = mc.bayes_invert(test, prior)
    lhs = prior >> mc.copy(X) >> (mc.identity(X) @ test)
    rhs = (prior >> test) >> mc.copy(mc.Bool) >> (inverse @ mc.identity(mc.Bool))
    eq = mc.Equation(lhs, rhs)
    assert eq.check(backend=backend)
    assert not eq.holds()  # Bayes' law is about these numbers, not an axiom
    # the closed form of the joint, computed by hand
    joint = np.array([[0.3 * 0.9, 0.3 * 0.1], [0.7 * 0.2, 0.7 * 0.8]])
    assert np.allclose(np.asarray(mc.evaluate(rhs).array, dtype=float), joint)


def test_check_on_exact_backend_is_exact():
    p = mc.Box("p", mc.I, X)
    eq = mc.Equation(p >> c, p @ p)
    assert eq.check({"p": laws.strategies._rational_table(np.array([[1, 0]]))}, backend="sympy")
    assert not eq.check({"p": laws.strategies._rational_table(np.array([[1, 2]]))}, backend="sympy")


def test_errors():
    with pytest.raises(mc.TypeMismatchError, match="same type"):
        mc.Equation(c, i)
    with pytest.raises(mc.TypeMismatchError, match="diagram"):
        mc.Equation(c, "copy")
    with pytest.raises(mc.UninterpretedBoxError):
        mc.Equation(f, f).check()
    with pytest.raises(mc.MarkovCatError, match="no truth value"):
        bool(mc.Equation(f, f))


def test_drawn_side_by_side():
    lhs, rhs = f >> c, c >> (f @ f)
    svg = mc.Equation(lhs, rhs).draw().svg
    root = ET.fromstring(svg)
    boxes = [el for el in root.iter() if "box" in (el.get("class") or "").split()]
    assert len(boxes) == 3  # one f on the left, two on the right
    (eq,) = [el for el in root.iter() if el.get("class") == "equals"]
    groups = root.findall("{http://www.w3.org/2000/svg}g[@class='diagram']")
    assert len(groups) == 2
    # every box of the left side lies left of the equals sign, every box of the right right of it
    xs = [float(b.get("x")) for b in boxes]
    assert sum(x < float(eq.get("x")) for x in xs) == 1
    assert mc.Equation(lhs, rhs)._repr_svg_() == svg
    assert r"\begin{tikzpicture}" in mc.Equation(lhs, rhs).to_tikz()


def test_normal_forms_and_text():
    eq = mc.Equation(f >> c >> (i @ mc.delete(X)), f, name="counit")
    left, right = eq.normal_forms()
    assert left == right == "b0 = f(x0)\nreturn b0.0"
    assert str(eq) == "f >> copy(X) >> (id(X) @ delete(X)) == f"
    assert "name='counit'" in repr(eq)
    assert eq == mc.Equation(f >> c >> (i @ mc.delete(X)), f)
    assert len({eq, mc.Equation(f >> c >> (i @ mc.delete(X)), f)}) == 1
