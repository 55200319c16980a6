"""Entropy as distance from determinism, closed forms, mutual information: values against
hand computations, the two entropy routes, errors, and the laws of DESIGN §3 'Entropy and
information' as property tests on every backend."""

import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat.laws import information as il

X3 = mc.Obj("X", 3)
P = [F(1, 2), F(1, 4), F(1, 4)]


def as_float(v):
    return float(sympy.N(v)) if isinstance(v, sympy.Basic) else float(v)


def exact_equal(a, b):
    return sympy.expand(sympy.expand_log(a - b, force=True, factor=True)) == 0


def objs(backend, factors=2):
    """Small objects (see tests/test_divergence.py): fixed atoms on JAX, one factor on sympy."""
    if backend == "jax":
        return st.sampled_from([mc.Obj("X2", range(2)), mc.Obj("X3", range(3))])
    return laws.objects(max_factors=factors if backend == "numpy" else 1, max_outcomes=3)


# ---- values ------------------------------------------------------------------------------------


def test_closed_forms_match_hand_computation(backend):
    p = mc.state(X3, P, backend=backend)
    v = np.array(P, float)
    shannon = -float(np.sum(v * np.log(v)))
    assert as_float(mc.shannon_entropy(p)) == pytest.approx(shannon, abs=1e-12)
    assert as_float(mc.shannon_entropy(p, base=2)) == pytest.approx(1.5, abs=1e-12)
    assert as_float(mc.renyi_entropy(p, 0)) == pytest.approx(math.log(3), abs=1e-12)
    assert as_float(mc.renyi_entropy(p, 1)) == pytest.approx(shannon, abs=1e-12)
    assert as_float(mc.renyi_entropy(p, 2)) == pytest.approx(-math.log(np.sum(v**2)), abs=1e-12)
    assert as_float(mc.renyi_entropy(p, 0.5)) == pytest.approx(
        2 * math.log(np.sum(v**0.5)), abs=1e-12
    )
    assert as_float(mc.renyi_entropy(p, math.inf)) == pytest.approx(math.log(2), abs=1e-12)
    assert as_float(mc.gini_simpson(p)) == pytest.approx(1 - float(np.sum(v**2)), abs=1e-12)
    # zeros: 0 log 0 = 0; order 0 counts the support only
    half = mc.state(X3, [F(1, 2), F(1, 2), 0], backend=backend)
    assert as_float(mc.shannon_entropy(half)) == pytest.approx(math.log(2), abs=1e-12)
    assert as_float(mc.renyi_entropy(half, 0)) == pytest.approx(math.log(2), abs=1e-12)


def test_exact_results_are_exact_expressions():
    p = mc.state(X3, P, backend="sympy")
    assert exact_equal(mc.entropy(p), 3 * sympy.log(2) / 2)
    assert mc.entropy(p, base=2) == sympy.Rational(3, 2)
    assert mc.entropy(p, divergence=mc.TotalVariation) == sympy.Rational(5, 8) == mc.gini_simpson(p)
    assert exact_equal(
        mc.entropy(p, divergence=mc.Renyi(0)), sympy.log(sympy.Rational(8, 3))
    )  # order 2
    assert exact_equal(mc.renyi_entropy(p, 0), sympy.log(3))
    assert exact_equal(mc.renyi_entropy(p, math.inf), sympy.log(2))


def test_entropy_is_distance_from_determinism_on_kernels(backend):
    f = mc.kernel(X3, X3, [P, [1, 0, 0], [0, F(1, 2), F(1, 2)]], backend=backend)
    rows = [1.5 * math.log(2), 0.0, math.log(2)]
    assert as_float(mc.entropy(f)) == pytest.approx(max(rows), abs=1e-12)  # the sup
    prior = mc.state(X3, [F(1, 4), F(1, 4), F(1, 2)], backend=backend)
    expected = 0.25 * rows[0] + 0.25 * rows[1] + 0.5 * rows[2]
    assert as_float(mc.entropy(f, prior=prior)) == pytest.approx(expected, abs=1e-12)
    assert as_float(mc.conditional_entropy(f, prior)) == pytest.approx(expected, abs=1e-12)
    assert as_float(mc.entropy(mc.identity(X3).evaluate(backend))) == 0


def test_large_states_use_the_contraction_and_never_build_the_joint(monkeypatch):
    rng = np.random.default_rng(0)
    n = 16
    v = rng.random(2**n)
    v /= v.sum()
    p = mc.state(mc.product(*[mc.Obj(f"B{i}", 2) for i in range(n)]), v)
    by_hand = -float(np.sum(v * np.log(v)))
    assert mc.entropy(p) == pytest.approx(by_hand, rel=1e-12)
    assert mc.entropy(p, divergence=mc.TotalVariation) == pytest.approx(
        1 - float(np.sum(v**2)), rel=1e-12
    )
    # Renyi(3) gives the Rényi entropy of order 2 − 3 = −1: ½ log Σ 1/p
    assert mc.entropy(p, divergence=mc.Renyi(3)) == pytest.approx(
        math.log(float(np.sum(1 / v))) / 2, rel=1e-9
    )
    monkeypatch.setattr(mc.config, "max_elements", 2**20)
    with pytest.raises(mc.MemoryLimitError):
        mc.entropy(p, route="definition")  # the definition's X ⊗ X joint: 2^32 entries
    assert mc.entropy(p) == pytest.approx(by_hand, rel=1e-12)


def test_mutual_information_by_hand(backend):
    joint = mc.state(
        mc.Bool @ X3, [[F(1, 4), F(1, 8), F(1, 8)], [0, F(1, 4), F(1, 4)]], backend=backend
    )
    t = np.array([[1 / 4, 1 / 8, 1 / 8], [0, 1 / 4, 1 / 4]])
    a, b = t.sum(1), t.sum(0)
    prod = np.outer(a, b)
    mi = float(np.sum(np.where(t > 0, t * np.log(np.where(t > 0, t, 1) / prod), 0)))
    assert as_float(mc.mutual_information(joint)) == pytest.approx(mi, abs=1e-12)
    assert as_float(mc.mutual_information(joint, base=2)) == pytest.approx(
        mi / math.log(2), abs=1e-12
    )
    tv = 0.5 * float(np.abs(t - prod).sum())
    assert as_float(mc.mutual_information(joint, divergence=mc.TotalVariation)) == pytest.approx(
        tv, abs=1e-12
    )


def test_jax_entropy_is_differentiable():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy

    def h(t):
        return mc.entropy(mc.kernel_from_logits(mc.I, X3, t), route="definition")

    def numpy_h(t):
        p = np.exp(t) / np.exp(t).sum()
        return -float(np.sum(p * np.log(p)))

    t0 = np.array([0.3, -0.2, 0.1])
    g = np.asarray(jax.grad(h)(jnp.asarray(t0)))
    eps = 1e-6
    fd = [(numpy_h(t0 + eps * e) - numpy_h(t0 - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, atol=1e-7)


def test_errors():
    p = mc.state(X3, P)
    f = mc.kernel(X3, X3, [P, P, P])
    with pytest.raises(mc.InformationError, match="no logarithm"):
        mc.gini_simpson(p, base=2)
    with pytest.raises(mc.InformationError, match="no logarithm"):
        mc.entropy(p, divergence=mc.TotalVariation, base=2)
    with pytest.raises(mc.InformationError, match="order"):
        mc.renyi_entropy(p, -0.5)
    with pytest.raises(mc.TypeMismatchError, match="state"):
        mc.shannon_entropy(f)
    with pytest.raises(mc.InformationError, match="split"):
        mc.mutual_information(mc.state(mc.Bool @ X3, np.full(6, 1 / 6)), split=2)
    with pytest.raises(mc.InformationError, match="route"):
        mc.entropy(p, route="closed form")
    with pytest.raises(mc.InformationError, match="divergence"):
        mc.entropy(p, divergence="KL")
    with pytest.raises(mc.TypeMismatchError, match="prior"):
        mc.conditional_entropy(f, mc.state(mc.Bool, [0.5, 0.5]))


# ---- laws (DESIGN §3) as property tests on every backend ------------------------------------------


@given(data=st.data())
def test_law_entropy_of_deterministic_is_zero(backend, data):
    A, X = data.draw(objs(backend)), data.draw(objs(backend))
    A = X if backend == "jax" else A  # fewer table shapes: eager JAX compiles once per shape
    D = data.draw(il.divergences())
    il.check_entropy_of_deterministic(
        data.draw(laws.deterministic_kernels(A, X, backend=backend)), divergence=D
    )
    il.check_entropy_of_deterministic(
        data.draw(laws.deterministic_kernels(mc.I, X, backend=backend)), divergence=D
    )


@given(data=st.data())
def test_law_deterministic_processing_never_raises_entropy(backend, data):
    X, Y = data.draw(objs(backend)), data.draw(objs(backend))
    D = data.draw(il.divergences())
    p = data.draw(laws.states(X, backend=backend))
    il.check_deterministic_processing(
        p, data.draw(laws.deterministic_kernels(X, Y, backend=backend)), divergence=D
    )


@given(data=st.data())
def test_law_closed_forms(backend, data):
    p = data.draw(laws.states(data.draw(objs(backend)), backend=backend))
    il.check_entropy_closed_forms(p, data.draw(st.sampled_from([0, 0.5, 1, 1.5, 2])))


@given(data=st.data())
def test_law_entropy_routes_agree(backend, data):
    A, X = data.draw(objs(backend)), data.draw(objs(backend))
    A = X if backend == "jax" else A
    D = data.draw(il.divergences())
    f = data.draw(laws.kernels(A, X, backend=backend))
    il.check_entropy_routes(f, divergence=D)
    il.check_entropy_routes(f, divergence=D, prior=data.draw(laws.states(A, backend=backend)))
    il.check_entropy_routes(data.draw(laws.states(X, backend=backend)), divergence=D)


@given(data=st.data())
def test_law_additivity_and_gini_simpson_product(backend, data):
    X, Y = data.draw(objs(backend, 1)), data.draw(objs(backend, 1))
    p, q = data.draw(laws.states(X, backend=backend)), data.draw(laws.states(Y, backend=backend))
    il.check_entropy_additivity(p, q, data.draw(st.sampled_from([0, 0.5, 2, 3, math.inf])))
    il.check_gini_simpson_product(p, q)


@given(data=st.data())
def test_law_chain_rule_and_conditional_entropy(backend, data):
    X, Y = data.draw(objs(backend, 1)), data.draw(objs(backend, 1))
    il.check_chain_rule(data.draw(laws.states(X @ Y, backend=backend)), 1)
    f = data.draw(laws.kernels(X, Y, backend=backend))
    il.check_conditional_entropy(f, data.draw(laws.states(X, backend=backend)))


@given(data=st.data())
def test_law_mutual_information(backend, data):
    X, Y = data.draw(objs(backend, 1)), data.draw(objs(backend, 1))
    D = data.draw(il.divergences())
    joint = data.draw(laws.states(X @ Y, backend=backend))
    il.check_mutual_information_nonnegative(joint, 1, divergence=D)
    p, q = data.draw(laws.states(X, backend=backend)), data.draw(laws.states(Y, backend=backend))
    il.check_mutual_information_of_product(p, q, divergence=D)
    il.check_mutual_information_of_copy(p, divergence=D)
    il.check_mutual_information_zero_iff_independent(joint)
    il.check_mutual_information_zero_iff_independent(p @ q)


@given(data=st.data())
def test_law_mutual_information_data_processing(backend, data):
    X, Y = data.draw(objs(backend, 1)), data.draw(objs(backend, 1))
    U, V = data.draw(objs(backend, 1)), data.draw(objs(backend, 1))
    joint = data.draw(laws.states(X @ Y, backend=backend))
    f = data.draw(laws.kernels(X, U, backend=backend))
    g = data.draw(laws.kernels(Y, V, backend=backend))
    il.check_mutual_information_data_processing(joint, f, g)
