"""Inference: closed forms, null events, errors, the HMM, and the laws on every backend."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat.models import hidden_markov_model

D = mc.Obj("Disease", ("healthy", "ill"))
T = mc.Obj("Test", ("neg", "pos"))


def diagnostic(backend="sympy"):
    prior = mc.state(D, [Fraction(99, 100), Fraction(1, 100)], backend=backend, name="prior")
    test = mc.kernel(
        D,
        T,
        [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]],
        backend=backend,
        name="test",
    )
    return prior, test


# ---- closed forms ------------------------------------------------------------------------------
def test_diagnostic_posterior_is_exact():
    prior, test = diagnostic()
    inv = mc.bayes_invert(test, prior)
    # P(ill | pos) = (1/100 * 9/10) / (117/2000) = 2/13 by hand
    assert inv.array[1, 1] == sympy.Rational(2, 13)
    assert inv.array[0, 1] == sympy.Rational(2, 1883)  # (1/1000) / (1883/2000)
    joint = prior >> mc.copy(D) >> (mc.identity(D) @ test)
    post = mc.condition(joint, {"Test": "pos"}, keep=["Disease"])
    assert post.array.tolist() == [sympy.Rational(11, 13), sympy.Rational(2, 13)]


def test_marginal_orders_and_names():
    A, B, C = mc.Obj("A", 2), mc.Obj("B", 3), mc.Obj("C", 2)
    t = np.arange(1, 13, dtype=float).reshape(2, 3, 2)
    t /= t.sum()
    p = mc.state(A @ B @ C, t)
    np.testing.assert_allclose(mc.marginal(p, [2, 0]).array, t.sum(axis=1).T)
    np.testing.assert_allclose(mc.marginal(p, ["B"]).array, t.sum(axis=(0, 2)))


def test_marginal_of_a_kernel():
    A, B = mc.Obj("A", 2), mc.Obj("B", 3)
    rng = np.random.default_rng(1)
    t = rng.random((2, 2, 3))
    t /= t.sum(axis=(1, 2), keepdims=True)
    f = mc.kernel(A, A @ B, t)
    np.testing.assert_allclose(mc.marginal(f, [1]).array, t.sum(axis=1))


def test_disintegrate_matches_division_and_fills_null_rows():
    A, B = mc.Obj("A", 3), mc.Obj("B", 2)
    t = np.array([[0.1, 0.3], [0.0, 0.0], [0.4, 0.2]])
    m, c = mc.disintegrate(mc.state(A @ B, t), [0])
    np.testing.assert_allclose(m.array, [0.4, 0.0, 0.6])
    np.testing.assert_allclose(c.matrix[[0, 2]], [[0.25, 0.75], [2 / 3, 1 / 3]])
    np.testing.assert_allclose(c.matrix[1], t.sum(axis=0))  # null row: marginal of B
    assert np.isfinite(c.array).all()


def test_bayes_invert_null_rows_hold_the_prior():
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
    f = mc.kernel(X, Y, [[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]])
    prior = mc.state(X, [0.3, 0.7])
    inv = mc.bayes_invert(f, prior)
    np.testing.assert_allclose(inv.matrix[2], [0.3, 0.7])
    np.testing.assert_allclose(inv.matrix[0], [0.15 / 0.29, 0.14 / 0.29])


def test_bayes_invert_with_a_parameterised_prior():
    A, X, Y = mc.Obj("A", 2), mc.Obj("X", 2), mc.Obj("Y", 2)
    P = np.array([[0.9, 0.1], [0.2, 0.8]])
    F = np.array([[0.7, 0.3], [0.1, 0.9]])
    inv = mc.bayes_invert(mc.kernel(X, Y, F), mc.kernel(A, X, P))
    assert inv.dom == A @ Y and inv.cod == X
    for a in range(2):
        joint = P[a][:, None] * F
        np.testing.assert_allclose(inv.array[a], (joint / joint.sum(axis=0)).T)


def test_condition_with_a_predicate_equals_dict_evidence():
    A, B = mc.Obj("A", 3), mc.Obj("B", 2)
    t = np.array([[0.1, 0.3], [0.05, 0.05], [0.3, 0.2]])
    p = mc.state(A @ B, t)
    is_b1 = mc.deterministic(A @ B, mc.Bool, lambda a, b: b == 1)
    assert mc.allclose(mc.condition(p, is_b1), mc.condition(p, {1: 1}))
    expected = np.zeros_like(t)
    expected[:, 1] = t[:, 1] / t[:, 1].sum()
    np.testing.assert_allclose(mc.condition(p, {1: 1}).array, expected)


def test_soft_predicate():
    p = mc.state(mc.Bool, [0.5, 0.5])
    likely = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.6, 0.4]])
    np.testing.assert_allclose(mc.condition(p, likely).array, [0.2, 0.8])


def test_zero_probability_evidence_raises():
    A = mc.Obj("A", 3)
    p = mc.state(A @ A, np.diag([0.5, 0.5, 0.0]))
    with pytest.raises(mc.ZeroProbabilityError, match="probability 0"):
        mc.condition(p, {0: 2})
    with pytest.raises(mc.ZeroProbabilityError):
        mc.condition(p.to("sympy"), {0: 2})


def test_unknown_factors_and_outcomes():
    p = mc.state(D @ T, [[0.25, 0.25], [0.25, 0.25]])
    with pytest.raises(mc.UnknownOutcomeError, match="no factor named 'Nope'"):
        mc.condition(p, {"Nope": "pos"})
    with pytest.raises(mc.UnknownOutcomeError, match="unknown outcome 'maybe'"):
        mc.condition(p, {1: "maybe"})
    with pytest.raises(mc.UnknownOutcomeError, match="out of range"):
        mc.condition(p, {5: "pos"})
    with pytest.raises(mc.TypeMismatchError, match="prior's codomain"):
        mc.bayes_invert(mc.identity(T), mc.state(D, [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError, match="state I"):
        mc.condition(mc.identity(D), {0: "ill"})


def test_almost_surely_equal_ignores_null_inputs_only():
    prior = mc.state(mc.Obj("X", 3), [0.5, 0.5, 0.0])
    f = mc.kernel(prior.cod, mc.Bool, [[1, 0], [0, 1], [1, 0]])
    g = mc.kernel(prior.cod, mc.Bool, [[1, 0], [0, 1], [0, 1]])
    h = mc.kernel(prior.cod, mc.Bool, [[1, 0], [1, 0], [1, 0]])
    assert mc.almost_surely_equal(f, g, prior)
    assert not mc.almost_surely_equal(f, h, prior)


# ---- a hidden Markov model written as composition of kernels ------------------------------------
H, O = mc.Obj("H", 3), mc.Obj("O", 2)
rng = np.random.default_rng(7)
P0 = np.array([0.5, 0.3, 0.2])
TR = rng.dirichlet(np.ones(3), size=3)
EM = rng.dirichlet(np.ones(2), size=3)


def hmm(n):
    init = mc.state(H, P0, name="init")
    step = mc.kernel(H, H, TR, name="step")
    emit = mc.kernel(H, O, EM, name="emit")
    return hidden_markov_model(init, step, emit, n)


def forward_backward(obs, k):
    """Textbook smoothing, written independently of markovcat."""
    n = len(obs)
    alpha = P0 * EM[:, obs[0]]
    alphas = [alpha / alpha.sum()]
    for t in range(1, n):
        alpha = (alphas[-1] @ TR) * EM[:, obs[t]]
        alphas.append(alpha / alpha.sum())
    beta = np.ones(3)
    for t in range(n - 1, k, -1):
        beta = TR @ (EM[:, obs[t]] * beta)
        beta /= beta.sum()
    post = alphas[k] * beta
    return post / post.sum()


def test_hmm_smoothing_is_one_contraction_and_matches_forward_backward():
    n = 200
    model = hmm(n)
    obs = rng.integers(0, 2, size=n)
    evidence = {2 * t + 1: int(o) for t, o in enumerate(obs)}
    for k in (0, 57, n - 1):
        post = mc.condition(model, evidence, keep=[2 * k])
        np.testing.assert_allclose(post.array, forward_backward(obs, k), rtol=1e-9)
    # the joint has 6^200 entries: had any step built it, the memory guard would have raised


def test_long_hmm_smoothing_neither_underflows_nor_goes_quadratic():
    """600 steps: 1,800 tensors (the large-network planner) and evidence of probability
    about 2^-600, which underflows float64 unless intermediates are rescaled."""
    n = 600
    obs = rng.integers(0, 2, size=n)
    post = mc.condition(hmm(n), {2 * t + 1: int(o) for t, o in enumerate(obs)}, keep=[2 * 300])
    np.testing.assert_allclose(post.array, forward_backward(obs, 300), rtol=1e-8)


def test_filtering_by_repeated_bayes_inversion():
    """Filtering as kernel algebra: predict with >>, update with bayes_invert, n steps."""
    n = 30
    obs = rng.integers(0, 2, size=n)
    step = mc.kernel(H, H, TR)
    emit = mc.kernel(H, O, EM)
    belief = mc.state(H, P0)
    for t in range(n):
        if t:
            belief = mc.evaluate(belief >> step)
        point = mc.state(O, np.eye(2)[obs[t]])
        belief = mc.evaluate(point >> mc.bayes_invert(emit, belief))
    alpha = P0 * EM[:, obs[0]]
    for t in range(1, n):
        alpha = (alpha @ TR) * EM[:, obs[t]]
    np.testing.assert_allclose(belief.array, alpha / alpha.sum(), rtol=1e-9)


# ---- laws on every backend ---------------------------------------------------------------------
def small(backend):
    return laws.objects(max_factors=2, max_outcomes=3 if backend != "sympy" else 2)


@given(data=st.data())
def test_disintegration_law(backend, data):
    joint = data.draw(laws.joint_states(max_factors=3, max_outcomes=3, backend=backend))
    n = len(joint.cod.factors)
    on = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n - 1, unique=True))
    laws.check_disintegration(joint, on)


@given(data=st.data())
def test_bayes_law_and_state_preservation(backend, data):
    X, Y = data.draw(small(backend)), data.draw(small(backend))
    prior = data.draw(laws.states(X, backend=backend))  # with zeros
    f = data.draw(laws.kernels(X, Y, backend=backend))
    laws.check_bayes_law(f, prior)
    laws.check_bayes_state_preservation(f, prior)


@given(data=st.data())
def test_bayes_involution_and_contravariance(backend, data):
    X, Y, Z = (data.draw(small(backend)) for _ in range(3))
    prior = data.draw(laws.states(X, backend=backend))
    f = data.draw(laws.kernels(X, Y, backend=backend))
    g = data.draw(laws.kernels(Y, Z, backend=backend))
    laws.check_bayes_involution(f, prior)
    laws.check_bayes_contravariance(f, g, prior)


@given(data=st.data())
def test_bayes_inverses_are_unique_almost_surely(backend, data):
    X, Y = data.draw(small(backend)), data.draw(small(backend))
    prior = data.draw(laws.states(X, backend=backend))
    f = data.draw(laws.kernels(X, Y, backend=backend))
    inv = mc.bayes_invert(f, prior)
    other_rows = data.draw(laws.kernels(Y, X, backend=backend))
    evidence = mc.evaluate(prior >> f).to("numpy").array.reshape(-1)
    null = (evidence == 0).reshape(Y.shape + (1,) * len(X.shape))
    # another inverse: arbitrary rows where the evidence is null
    table = np.where(null, other_rows.to("numpy").array, inv.to("numpy").array)
    other = mc.kernel(Y, X, table)
    laws.check_inverse_uniqueness(f.to("numpy"), prior.to("numpy"), other)


@given(data=st.data())
def test_condition_is_disintegration_at_the_outcome(backend, data):
    joint = data.draw(laws.joint_states(max_factors=3, max_outcomes=3, backend=backend))
    n = len(joint.cod.factors)
    pos = data.draw(st.integers(0, n - 1))
    obj = joint.cod.factors[pos]
    outcome = data.draw(st.sampled_from(obj.outcomes))
    marg = mc.marginal(joint, [pos]).to("numpy").array
    assume(marg[obj.position(outcome)] > 0)
    laws.check_condition_is_disintegration(joint, pos, outcome)


def test_a_wrong_inverse_is_caught():
    prior, test = diagnostic("numpy")
    wrong = mc.kernel(T, D, [[0.5, 0.5], [0.5, 0.5]], name="wrong")
    with pytest.raises(laws.LawError, match="Bayes' law for the other inverse"):
        laws.check_inverse_uniqueness(test, prior, wrong)
