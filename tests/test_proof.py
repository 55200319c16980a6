"""Checked proofs and rewriting: the shipped textbook proofs check, a wrong step is found
and explained, every rewrite is sound (checked with numbers on kernels that satisfy the
equation, computed here with numpy), and proofs draw with their rules."""

import importlib.util
import pathlib
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_free import BOXES, A, random_kernels, random_program

import markovcat as mc
from markovcat._free import normal_form
from markovcat._rewrite import rewrites

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("proofs", ROOT / "examples" / "proofs.py")
proofs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proofs)


def dirichlet(rng, rows, cols):
    return rng.dirichlet(np.ones(cols), size=rows)


# ---- the shipped proofs -----------------------------------------------------------------------
@pytest.mark.parametrize("make", proofs.PROOFS, ids=lambda m: m.__name__)
def test_shipped_proofs_check(make):
    proof = make()
    report = proof.check()
    assert report, str(report)
    assert len(report.steps) == len(proof.steps) >= 1
    assert str(report).splitlines()[0].endswith("all checked")


def test_bayes_law_proof_against_numbers():
    """Its two ends are Bayes' law: with f† the Bayesian inverse computed by hand (numpy),
    p(x) f(y|x) == q(y) f†(x|y) with q = p·f."""
    rng = np.random.default_rng(3)
    p, f = rng.dirichlet(np.ones(2)), dirichlet(rng, 2, 3)
    joint = p[:, None] * f  # [x, y]
    q = joint.sum(axis=0)
    inverse = (joint / q).T  # [y, x]
    mapping = {"p": p, "f": f, "f†": inverse}
    proof = proofs.bayes_law()
    for d in proof.diagrams:  # every diagram of the chain is the same joint on X ⊗ Y
        assert np.allclose(mc.interpret(d, mapping).array, joint, atol=1e-12)
    # and the hypothesis really is needed: a wrong inverse breaks the chain's ends
    wrong = {**mapping, "f†": dirichlet(rng, 3, 2)}
    assert not mc.allclose(
        mc.interpret(proof.lhs, wrong), mc.interpret(proof.rhs, wrong), atol=1e-6
    )


def test_deterministic_proof_against_numbers():
    """For 0/1 matrices k, l the composite's two sides are equal; for noisy ones not."""
    k = np.eye(3)[[2, 0]]  # X -> Y, x ↦ (2, 0)[x]
    l_ = np.eye(2)[[1, 1, 0]]  # Y -> Z
    proof = proofs.deterministic_maps_compose()
    kl = k @ l_
    expected = np.einsum("xz,zw->xzw", kl, np.eye(2))  # copy after k >> l
    for d in proof.diagrams:
        assert np.allclose(mc.interpret(d, {"k": k, "l": l_}).array, expected)
    rng = np.random.default_rng(0)
    noisy = {"k": dirichlet(rng, 2, 3), "l": dirichlet(rng, 3, 2)}
    assert not mc.allclose(
        mc.interpret(proof.lhs, noisy), mc.interpret(proof.rhs, noisy), atol=1e-6
    )


def test_data_processing_and_chain_rule_against_numbers():
    rng = np.random.default_rng(5)
    p, f, h = rng.dirichlet(np.ones(2)), dirichlet(rng, 2, 3), dirichlet(rng, 3, 2)
    m = {"p": p, "f": f, "h": h}
    joint_xz = np.einsum("x,xy,yz->xz", p, f, h)
    for d in proofs.data_processing_step().diagrams:
        assert np.allclose(mc.interpret(d, m).array, joint_xz)
    product = np.outer(p, p @ f @ h)
    for d in proofs.data_processing_marginals().diagrams:
        assert np.allclose(mc.interpret(d, m).array, product)
    for d in proofs.chain_rule_marginal().diagrams:
        assert np.allclose(mc.interpret(d, m).array, p)


def test_a_wrong_step_is_found_and_explained():
    report = proofs.a_wrong_step().check()
    assert not report
    (bad,) = report.failures
    assert bad.index == 2 and bad.label == "cocommutativity"
    assert "not equal in the free Markov category" in bad.reason
    assert "step 2 fails" in str(report)
    with pytest.raises(mc.laws.LawError, match="step 2 fails"):
        proofs.a_wrong_step().check(strict=True)


# ---- rules --------------------------------------------------------------------------------------
X = mc.Obj("X", 2)
idX, cX = mc.identity(X), mc.copy(X)
f, g = mc.Box("f", X, X), mc.Box("g", X, X)
p = mc.Box("p", mc.I, X)


def test_axiom_names_are_checked_for_their_kind():
    garbage = p >> f >> mc.delete(X)
    # free-equal, but a box vanished: naturality of delete, not coassociativity
    report = mc.Proof(g @ garbage).by(g, "coassociativity").check()
    assert not report and "naturality of delete" in report.failures[0].reason
    assert mc.Proof(g @ garbage).by(g, "naturality of delete").check()
    report = mc.Proof(f).by(f >> idX, "naturality of delete").check()
    assert not report and "no box was removed" in report.failures[0].reason
    assert mc.Proof(cX >> (cX @ idX)).by(cX >> (idX @ cX), "coassociativity").check()
    assert mc.Proof(cX >> mc.swap(X, X)).by(cX, "cocommutativity").check()
    assert mc.Proof(f).by(f, "delete-naturality").check() is not None  # aliases accepted


def test_structural_axioms_are_told_apart_by_their_copies_deletes_and_swaps():
    """A step that holds in the free Markov category still fails when credited to an
    axiom that cannot make it: each structural axiom changes only certain counts of
    copies, deletes and swaps."""
    Y = mc.Obj("Y", 3)
    cX, idX, dX = mc.copy(X), mc.identity(X), mc.delete(X)
    coassoc = (cX >> (cX @ idX), cX >> (idX @ cX))
    cocomm = (cX >> mc.swap(X, X), cX)
    counit = (cX >> (idX @ dX), idX)
    products = (mc.copy(X @ Y), (mc.copy(X) @ mc.copy(Y)) >> (idX @ mc.swap(X, Y) @ mc.identity(Y)))
    right = {coassoc: "coassociativity", cocomm: "cocommutativity", counit: "counit",
             products: "copy of products"}  # fmt: skip
    for (lhs, rhs), rule in right.items():
        assert mc.Proof(lhs).by(rhs, rule).check(), rule
        assert mc.Proof(lhs).by(rhs, "markov").check()
        for other in right.values():
            if other != rule:
                report = mc.Proof(lhs).by(rhs, other).check()
                assert not report, (rule, other)
                assert f"not by {other}" in report.failures[0].reason
    assert mc.Proof(idX).by(cX >> (dX @ idX), "counit").check()  # either side, either way
    # the limit of counting: re-bracketing copies and re-bracketing composites look alike
    assert mc.Proof(cX >> (cX @ idX)).by(cX >> (idX @ cX), "associativity").check()


def test_semantic_steps_use_the_numbers_given():
    copy_f = mc.Proof(f >> cX)
    deterministic = {"f": [[0, 1], [1, 0]]}
    assert copy_f.by(cX >> (f @ f), "semantic", mapping=deterministic).check()
    noisy = mc.Proof(f >> cX).by(cX >> (f @ f), "semantic", mapping={"f": [[0.5, 0.5], [0, 1]]})
    report = noisy.check()
    assert not report and "different kernels" in report.failures[0].reason
    exact = mc.Proof(f >> cX).by(cX >> (f @ f), "semantic", mapping=deterministic, backend="sympy")
    assert exact.check()
    missing = mc.Proof(f >> cX).by(cX >> (f @ f), "semantic").check()
    assert not missing and "could not evaluate" in missing.failures[0].reason


def test_equation_steps_rewrite_in_either_direction():
    eq = mc.Equation(f >> f, g, name="f² = g")
    assert mc.Proof(p >> f >> f).by(p >> g, eq).check()
    assert mc.Proof(p >> g).by(p >> f >> f, eq).check()  # right to left
    wrong = mc.Proof(p >> f >> f >> f).by(p >> g >> g, eq).check()
    assert not wrong and "none equal" in wrong.failures[0].reason
    absent = mc.Proof(p >> g).by(p >> g >> g, mc.Equation(f >> g, f, name="lemma")).check()
    assert not absent and "neither side of lemma occurs" in absent.failures[0].reason
    # with no right-hand side the step is computed by rewriting, at a chosen occurrence
    chained = mc.Proof(f >> f >> f).by(rule=eq, at=0)
    assert chained.check() and len(mc.Proof(f >> f >> f).by(rule=eq, at=1).steps) == 1


def test_bad_rules_and_types_are_errors():
    with pytest.raises(mc.InvalidArgumentError, match="unknown rule 'magic'"):
        mc.Proof(f).by(f, "magic")
    with pytest.raises(mc.TypeMismatchError, match="keep the type"):
        mc.Proof(f).by(p, "unit")
    with pytest.raises(mc.InvalidArgumentError, match="must be an mc.Equation"):
        mc.Proof(f).by(None, "unit")
    with pytest.raises(mc.InvalidArgumentError, match="occurs 0 way"):
        mc.rewrite(f, mc.Equation(g, f))


def test_rewrite_with_copies_offers_each_assignment():
    det = mc.Proof.deterministic(f)
    results = {str(r) for r in rewrites(p >> f >> cX, det)}
    assert "p >> copy(X) >> (f @ f)" in results
    back = mc.rewrite(p >> cX >> (f @ f), det, reverse=True)
    assert mc.free_equal(back, p >> f >> cX)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["square", "factor", "deterministic"]))
def test_every_rewrite_is_sound(seed, which):
    """Every rewrite of a random program by an equation gives the same kernel whenever the
    boxes' tables satisfy the equation (made so here with numpy matrix products)."""
    rng = random.Random(seed)
    d = random_program(rng, steps=rng.randint(2, 7))
    f_, f2, g_ = BOXES[0], BOXES[1], BOXES[2]
    ks = random_kernels(seed % 1000)
    table = {name: np.asarray(k.matrix) for name, k in ks.items()}
    if which == "square":  # f = f2 >> f2
        eq, target = mc.Equation(f_, f2 >> f2), f_
        ks["f"] = mc.kernel(A, A, table["f2"] @ table["f2"], name="f")
    elif which == "factor":  # g = f >> g'
        g1 = mc.Box("g'", g_.dom, g_.cod)
        eq, target = mc.Equation(g_, f_ >> g1), g_
        ks["g'"] = ks["g"]
        ks["g"] = mc.kernel(A, g_.cod, table["f"] @ table["g"], name="g")
    else:  # f is deterministic (a permutation)
        eq, target = mc.Proof.deterministic(f_), f_
        ks["f"] = mc.kernel(A, A, [[0, 1], [1, 0]], name="f")
    found = rewrites(d, eq)
    n_target = sum(1 for b, _ in normal_form(d).boxes if b == target)
    if which != "deterministic":  # one rewrite per occurrence, up to the axioms
        assert len(found) <= n_target and (len(found) >= 1 or n_target == 0)
    expected = mc.interpret(d, ks)
    for r in found:
        assert mc.allclose(mc.interpret(r, ks), expected, atol=1e-10)
        assert mc.Proof(d).by(r, eq).check()


# ---- drawing ---------------------------------------------------------------------------------
def test_proofs_draw_with_their_rules():
    proof = proofs.bayes_law()
    svg = proof.draw().svg
    root = ET.fromstring(svg)
    texts = [el for el in root.iter() if el.get("class") in ("equals", "rule")]
    rules = [el.text for el in texts if el.get("class") == "rule"]
    assert rules == ["disintegration over Y", "interchange", "counit"]
    assert sum(el.get("class") == "equals" for el in texts) == 3
    assert svg.count('class="diagram"') == 4
    eq_x = [float(el.get("x")) for el in texts if el.get("class") == "equals"]
    rule_x = [float(el.get("x")) for el in texts if el.get("class") == "rule"]
    assert eq_x == rule_x  # each rule sits under its equals sign
    tikz = proof.to_tikz()
    assert "counit" in tikz and tikz.count(r"\Large") == 3
    two_rows = proof.draw(per_row=2)
    assert two_rows.height > proof.draw().height and two_rows.width < proof.draw().width
    assert proof._repr_svg_() == svg
