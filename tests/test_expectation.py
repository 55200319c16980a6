"""Lookups (state[outcome], kernel[x]), expectations, variances, covariances and
posterior_marginals(by_name=True)."""

import numpy as np
import pytest
import sympy

import markovcat as mc

A = mc.Obj("A", ("a0", "a1", "a2"))
B = mc.Obj("B", ("b0", "b1"))
RNG = np.random.default_rng(21)


def _joint(backend=None):
    table = RNG.dirichlet(np.ones(6)).reshape(3, 2)
    return mc.state(A @ B, table, backend=backend), table


F = np.array([[1.0, -2.0], [0.5, 3.0], [4.0, 0.0]])
G = np.array([[0.0, 1.0], [2.0, -1.0], [1.5, 2.5]])


# ---- lookups ------------------------------------------------------------------------------


def test_state_lookup_full_and_partial():
    p, t = _joint()
    assert p[("a1", "b0")] == pytest.approx(t[1, 0])
    assert p[{"A": "a2"}] == pytest.approx(t[2].sum())
    assert p[{-1: "b1"}] == pytest.approx(t[:, 1].sum())
    assert p[{0: "a0", "B": "b1"}] == pytest.approx(t[0, 1])
    assert p[{}] == pytest.approx(1.0)
    q = mc.state(B, [0.3, 0.7])
    assert q["b1"] == pytest.approx(0.7)
    assert isinstance(q["b1"], float)


def test_state_lookup_exact_and_diagram():
    p = mc.state(B, [0.3, 0.7], backend="sympy")
    assert p["b0"] == sympy.Rational(3, 10)
    d = p >> mc.copy(B)  # a composite diagram: looked up on its evaluation
    assert d[("b1", "b1")] == sympy.Rational(7, 10)
    assert d[{1: "b0"}] == sympy.Rational(3, 10)


def test_kernel_lookup_is_the_state_at_the_input():
    f = mc.kernel(A, B, [[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]], name="f")
    s = f["a1"]
    assert isinstance(s, mc.Kernel) and s.dom == mc.I and s.cod == B
    assert s.array.tolist() == [0.2, 0.8]
    assert f["a1"]["b1"] == pytest.approx(0.8)
    g = mc.kernel(A @ B, B, np.full((3, 2, 2), 0.5))
    assert g[("a2", "b0")].array.tolist() == [0.5, 0.5]


def test_lookup_errors_name_object_and_choices():
    p, _ = _joint()
    with pytest.raises(mc.UnknownOutcomeError, match=r"unknown outcome 'a9'.*'a0', 'a1', 'a2'"):
        p[("a9", "b0")]
    with pytest.raises(mc.UnknownOutcomeError, match="2 components"):
        p["a0"]
    with pytest.raises(mc.UnknownOutcomeError, match=r"no factor named 'C'.*\['A', 'B'\]"):
        p[{"C": "c0"}]
    with pytest.raises(mc.UnknownOutcomeError, match="given twice"):
        p[{0: "a0", "A": "a1"}]
    f = mc.kernel(A, B, np.full((3, 2), 0.5), name="f")
    with pytest.raises(mc.UnknownOutcomeError, match="'f'"):
        f["zz"]
    with pytest.raises(mc.TypeMismatchError, match="input outcome"):
        f[{0: "a0"}]
    with pytest.raises(TypeError, match="not iterable"):
        iter(p)


# ---- expectations -------------------------------------------------------------------------


def test_expectation_matches_numpy_closed_forms():
    p, t = _joint()
    mean = (t * F).sum()
    assert mc.expectation(p, F) == pytest.approx(mean)
    assert mc.expectation(p, F.ravel()) == pytest.approx(mean)
    assert mc.variance(p, F) == pytest.approx((t * (F - mean) ** 2).sum())
    mg = (t * G).sum()
    assert mc.covariance(p, F, G) == pytest.approx((t * (F - mean) * (G - mg)).sum())
    fn = {("a0", "b0"): 1.0, ("a0", "b1"): -2.0, ("a1", "b0"): 0.5}
    assert mc.expectation(p, lambda a, b: fn.get((a, b), 0.0)) == pytest.approx(
        t[0, 0] - 2 * t[0, 1] + 0.5 * t[1, 0]
    )


def test_linearity():
    p, _ = _joint()
    lhs = mc.expectation(p, 2.0 * F - 3.0 * G + 1.0)
    assert lhs == pytest.approx(2 * mc.expectation(p, F) - 3 * mc.expectation(p, G) + 1)


def test_total_expectation_and_total_variance_through_disintegrate():
    p, _ = _joint()
    g = np.array([1.0, 5.0])  # an observable of B
    m, c = mc.disintegrate(p, [0])  # m: I → A, c: A → B
    cond_mean = mc.expectation(c, g)  # E[g | A], one entry per outcome of A
    cond_var = mc.variance(c, g)
    assert np.shape(cond_mean) == (3,) and np.shape(cond_var) == (3,)
    whole = np.broadcast_to(g, (3, 2))
    assert mc.expectation(p, whole) == pytest.approx(mc.expectation(m, cond_mean))
    assert mc.variance(p, whole) == pytest.approx(
        mc.expectation(m, cond_var) + mc.variance(m, cond_mean)
    )


def test_covariance_symmetric_and_diagonal_is_variance():
    p, _ = _joint()
    assert mc.covariance(p, F, G) == pytest.approx(mc.covariance(p, G, F))
    assert mc.covariance(p, F, F) == pytest.approx(mc.variance(p, F))


def test_exact_on_sympy():
    p = mc.state(B @ B, [[0.1, 0.2], [0.3, 0.4]], backend="sympy")
    x = lambda a, b: int(a == "b1")  # noqa: E731
    y = lambda a, b: int(b == "b1")  # noqa: E731
    assert mc.expectation(p, x) == sympy.Rational(7, 10)
    assert mc.variance(p, x) == sympy.Rational(21, 100)
    assert mc.covariance(p, x, y) == sympy.Rational(4, 10) - sympy.Rational(7, 10) * sympy.Rational(
        6, 10
    )
    assert mc.expectation(p, [[0, sympy.Symbol("s")], [1, 1]]) == sympy.Rational(7, 10) + (
        sympy.Rational(1, 5) * sympy.Symbol("s")
    )


def test_differentiable_under_jax():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    vals = jnp.array([0.0, 1.0, 3.0])

    def mean(logits):
        return mc.expectation(mc.kernel_from_logits(mc.I, A, logits), vals)

    logits = jnp.array([0.1, -0.3, 0.7])
    p = np.exp(np.asarray(logits)) / np.exp(np.asarray(logits)).sum()
    expected = p * (np.asarray(vals) - (p * np.asarray(vals)).sum())  # d E / d logits
    np.testing.assert_allclose(np.asarray(jax.grad(mean)(logits)), expected, atol=1e-12)
    state = mc.state(A, [0.2, 0.3, 0.5])
    np.testing.assert_allclose(
        np.asarray(jax.grad(lambda v: mc.variance(state.to("jax"), v))(vals)),
        2 * np.array([0.2, 0.3, 0.5]) * (np.asarray(vals) - 0.3 - 1.5),
        atol=1e-12,
    )


def test_kernel_gives_conditional_table():
    f = mc.kernel(A, B, [[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    np.testing.assert_allclose(mc.expectation(f, [0.0, 1.0]), [0.1, 0.8, 0.5])
    np.testing.assert_allclose(mc.variance(f, [0.0, 1.0]), [0.09, 0.16, 0.25])


def test_expectation_errors():
    p, _ = _joint()
    with pytest.raises(mc.TypeMismatchError, match=r"shape \(3, 2\).*given shape \(4,\)"):
        mc.expectation(p, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(mc.TypeMismatchError, match="2 argument"):
        mc.expectation(p, lambda a: 1.0)
    with pytest.raises(mc.TypeMismatchError, match="numbers"):
        mc.expectation(p, lambda a, b: "x")
    with pytest.raises(mc.TypeMismatchError, match="expected a state"):
        mc.variance([0.5, 0.5], [0, 1])


# ---- posterior_marginals(by_name=True) -----------------------------------------------------


def test_posterior_marginals_by_name():
    p, t = _joint()
    named = mc.posterior_marginals(p, {"B": "b1"}, by_name=True)
    assert list(named) == ["A", "B"]
    np.testing.assert_allclose(named["A"].array, t[:, 1] / t[:, 1].sum())
    listed = mc.posterior_marginals(p, {"B": "b1"})
    assert isinstance(listed, list)
    np.testing.assert_allclose(listed[0].array, named["A"].array)


def test_posterior_marginals_by_name_needs_unique_names():
    p = mc.state(B @ B, np.full((2, 2), 0.25))
    with pytest.raises(mc.TypeMismatchError, match=r"\['B'\]"):
        mc.posterior_marginals(p, by_name=True)
