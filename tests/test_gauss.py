"""markovcat.gauss: linear-Gaussian kernels behind the same verbs.

Every expected value is computed independently of the library: scalar Kalman formulas by
hand, conditioning through the joint precision matrix, KL by numerical integration and
Monte Carlo, mutual information from the correlation, and the Markov-category laws as
property tests over random kernels (singular covariances included).
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import gauss, laws

X, Y = gauss.Real("X"), gauss.Real("Y")
V = gauss.Real("V", 2)


# ---- objects and construction ----------------------------------------------------------
def test_objects_products_and_units():
    P = X @ V @ Y
    assert P.dim == 4 and P.dims == (1, 2, 1) and len(P.factors) == 3
    assert (X @ gauss.I) == X and (X @ mc.I) == X and gauss.as_space(mc.I) == gauss.I
    assert mc.gauss is gauss and "gauss" in mc.__all__
    with pytest.raises(mc.InvalidObjectError, match="dimension"):
        gauss.Real("Z", 0)
    with pytest.raises(mc.InvalidObjectError, match="gauss.Real"):
        X @ mc.Bool


def test_validation_names_the_kernel():
    with pytest.raises(mc.NotStochasticError, match="sensor.*negative eigenvalue"):
        gauss.kernel(X, Y, 1, 0, -1, name="sensor")
    with pytest.raises(mc.NotStochasticError, match="not symmetric"):
        gauss.state(V, [0, 0], [[1, 0.5], [0, 1]])
    with pytest.raises(mc.TypeMismatchError, match=r"A must have shape \(1, 2\)"):
        gauss.kernel(V, Y, [1, 2, 3])
    with pytest.raises(mc.NotStochasticError, match="exactly"):  # eigenvalues 3 and -1
        gauss.state(V, [0, 0], [[1, 2], [2, 1]], backend="sympy")
    # rounding below zero within the documented tolerance is accepted
    gauss.state(V, [0, 0], [[1.0, 1.0], [1.0, 1.0 - 1e-13]])
    with pytest.raises(mc.TypeMismatchError, match="cannot compose"):
        gauss.identity(X) >> gauss.identity(V)
    with pytest.raises(mc.TypeMismatchError, match="do not compose"):
        gauss.identity(X) >> mc.identity(mc.Bool)


def test_structural_maps_through_the_core_verbs():
    assert mc.copy(X).A.tolist() == [[1.0], [1.0]]
    assert mc.copy(V, 3).cod == V @ V @ V
    assert mc.delete(V).cod == gauss.I and mc.delete(V).A.shape == (0, 2)
    assert mc.identity(V).A.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert mc.swap(X, V).cod == V @ X
    assert mc.rewire(X @ V, [1, 0]).cod == V @ X
    # the finite verbs are untouched
    assert isinstance(mc.copy(mc.Bool), mc.Diagram)


def test_composition_and_tensor_by_hand():
    f = gauss.kernel(X, Y, 2.0, 1.0, 0.5)
    g = gauss.kernel(Y, X, -1.0, 3.0, 2.0)
    h = f >> g  # x ↦ N(-(2x + 1) + 3, 0.5 + 2)
    assert h.A.tolist() == [[-2.0]] and h.b.tolist() == [2.0] and h.cov.tolist() == [[2.5]]
    t = f @ g
    assert t.A.tolist() == [[2.0, 0.0], [0.0, -1.0]]
    assert t.cov.tolist() == [[0.5, 0.0], [0.0, 2.0]]
    assert (g << f).A.tolist() == h.A.tolist()
    assert f.is_deterministic() is False and gauss.deterministic(X, Y, 3).is_deterministic()


# ---- the Kalman filter as Bayesian inversion ---------------------------------------------
def _scalar_kalman(m, P, a, q, h, r, ys):
    """The textbook scalar filter (predict, gain, update), written out by hand."""
    out = []
    for t, y in enumerate(ys):
        if t:
            m, P = a * m, a * a * P + q
        k = P * h / (h * h * P + r)
        m, P = m + k * (y - h * m), (1 - k * h) * P
        out.append((m, P))
    return out


def test_scalar_kalman_filter_numpy_and_exact():
    ys = [1.0, -0.5, 2.0, 0.25]
    walk, sensor = gauss.kernel(X, X, 0.9, 0, 0.5), gauss.kernel(X, Y, 2.0, 0, 1.0)
    beliefs, _ = gauss.kalman_filter(gauss.state(X, 0.0, 1.0), walk, sensor, ys)
    for b, (m, P) in zip(beliefs, _scalar_kalman(0.0, 1.0, 0.9, 0.5, 2.0, 1.0, ys)):
        assert float(b.mean[0]) == pytest.approx(m) and float(b.cov[0, 0]) == pytest.approx(P)
    # exact: Fractions in, Fractions out
    fy = [F(1), F(-1, 2), F(2)]
    walk = gauss.kernel(X, X, F(9, 10), 0, F(1, 2))
    sensor = gauss.kernel(X, Y, F(2), 0, F(1))
    beliefs, ll = gauss.kalman_filter(gauss.state(X, F(0), F(1)), walk, sensor, fy)
    hand = _scalar_kalman(F(0), F(1), F(9, 10), F(1, 2), F(2), F(1), fy)
    assert beliefs[0].backend == "sympy"
    for b, (m, P) in zip(beliefs, hand):
        assert b.mean[0] == sympy.Rational(m.numerator, m.denominator)
        assert b.cov[0, 0] == sympy.Rational(P.numerator, P.denominator)
    assert isinstance(ll, sympy.Basic)


def _numpy_kalman(m, P, A, Q, H, R, ys):
    means, covs, preds = [], [], []
    for t, y in enumerate(ys):
        if t:
            m, P = A @ m, A @ P @ A.T + Q
        preds.append((m, P))
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        m, P = m + K @ (y - H @ m), P - K @ S @ K.T
        means.append(m)
        covs.append(P)
    # RTS
    sm, sP = [means[-1]], [covs[-1]]
    for t in range(len(ys) - 2, -1, -1):
        mp, Pp = A @ means[t], A @ covs[t] @ A.T + Q
        G = covs[t] @ A.T @ np.linalg.inv(Pp)
        sm.append(means[t] + G @ (sm[-1] - mp))
        sP.append(covs[t] + G @ (sP[-1] - Pp) @ G.T)
    return means, covs, sm[::-1], sP[::-1]


def test_tracking_filter_and_smoother_match_hand_written_numpy():
    rng = np.random.default_rng(0)
    dt = 0.1
    A = np.array([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]])
    Q, H, R = 0.01 * np.eye(4), np.eye(2, 4), 0.25 * np.eye(2)
    S, O = gauss.Real("state", 4), gauss.Real("obs", 2)
    ys = [rng.normal(size=2) for _ in range(200)]
    beliefs, _ = gauss.kalman_filter(
        gauss.state(S, np.zeros(4), np.eye(4)),
        gauss.kernel(S, S, A, None, Q),
        gauss.kernel(S, O, H, None, R),
        ys,
    )
    smooth = gauss.rts_smoother(beliefs, gauss.kernel(S, S, A, None, Q))
    means, covs, sm, sP = _numpy_kalman(np.zeros(4), np.eye(4), A, Q, H, R, ys)
    np.testing.assert_allclose([b.mean for b in beliefs], means, atol=1e-9)
    np.testing.assert_allclose([b.cov for b in beliefs], covs, atol=1e-9)
    np.testing.assert_allclose([b.mean for b in smooth], sm, atol=1e-9)
    np.testing.assert_allclose([b.cov for b in smooth], sP, atol=1e-9)


def test_smoother_and_filter_are_conditioning_the_whole_diagram():
    A = np.array([[1, 0, 0.1, 0], [0, 1, 0, 0.1], [0, 0, 1, 0], [0, 0, 0, 1]])
    S, O = gauss.Real("state", 4), gauss.Real("obs", 2)
    prior = gauss.state(S, np.zeros(4), np.eye(4))
    move, look = (
        gauss.kernel(S, S, A, None, 0.05 * np.eye(4)),
        gauss.kernel(S, O, np.eye(2, 4), None, 0.5 * np.eye(2)),
    )
    ys = [np.array([0.1 * t, -0.2 * t + 0.3]) for t in range(5)]
    joint = gauss.linear_gaussian_ssm(prior, move, look, len(ys))
    assert joint.cod.dims == (4, 2) * 5
    # the Markov property of the chain: x1 ⊥ x3 | x2, and the readings are conditionally independent
    assert mc.independent(joint, 0, 4, given=2) and not mc.independent(joint, 0, 4)
    assert mc.independent(joint, 1, 3, given=[0, 2])
    filtered, _ = gauss.kalman_filter(prior, move, look, ys)
    smoothed = gauss.rts_smoother(filtered, move)
    post = mc.condition(joint, {2 * t + 1: y for t, y in enumerate(ys)})
    for t in range(len(ys)):
        np.testing.assert_allclose(post.mean[6 * t : 6 * t + 4], smoothed[t].mean, atol=1e-9)
        block = post.cov[6 * t : 6 * t + 4, 6 * t : 6 * t + 4]
        np.testing.assert_allclose(block, smoothed[t].cov, atol=1e-9)
        early = mc.condition(joint, {2 * s + 1: ys[s] for s in range(t + 1)}, keep=[2 * t])
        np.testing.assert_allclose(early.mean, filtered[t].mean, atol=1e-9)
        np.testing.assert_allclose(early.cov, filtered[t].cov, atol=1e-9)


def test_log_likelihood_and_gradient_under_jax():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    ys = [jnp.array([0.3]), jnp.array([-1.2]), jnp.array([0.8])]

    def loglik(a):
        walk = gauss.kernel(X, X, jnp.reshape(a, (1, 1)), None, jnp.array([[0.5]]))
        sensor = gauss.kernel(X, Y, jnp.array([[1.0]]), None, jnp.array([[1.0]]))
        _, ll = gauss.kalman_filter(gauss.state(X, jnp.zeros(1), jnp.eye(1)), walk, sensor, ys)
        return ll

    def by_hand(a):  # innovations form of the scalar likelihood
        m, P, total = 0.0, 1.0, 0.0
        for t, y in enumerate([0.3, -1.2, 0.8]):
            if t:
                m, P = a * m, a * a * P + 0.5
            s = P + 1.0
            total += -0.5 * (math.log(2 * math.pi * s) + (y - m) ** 2 / s)
            k = P / s
            m, P = m + k * (y - m), (1 - k) * P
        return total

    # one compile: jit of vmap (over the coefficient) of value_and_grad
    values, grads = jax.jit(jax.vmap(jax.value_and_grad(loglik)))(jnp.array([0.2, 0.7]))
    for a, value, grad in zip((0.2, 0.7), values, grads):
        assert float(value) == pytest.approx(by_hand(a), abs=1e-9)
        fd = (by_hand(a + 1e-6) - by_hand(a - 1e-6)) / 2e-6
        assert float(grad) == pytest.approx(fd, abs=1e-5)


# ---- conditioning -------------------------------------------------------------------------
@st.composite
def _nonsingular_joint(draw):
    n = draw(st.integers(2, 4))
    L = np.array([[draw(st.integers(-2, 2)) for _ in range(n)] for _ in range(n)], float)
    cov = L @ L.T + np.eye(n)
    mean = np.array([draw(st.integers(-3, 3)) for _ in range(n)], float)
    k = draw(st.integers(1, n - 1))
    y = np.array([draw(st.integers(-3, 3)) for _ in range(k)], float)
    return mean, cov, k, y


@settings(max_examples=15)
@given(_nonsingular_joint())
def test_condition_matches_the_joint_precision(case):
    mean, cov, k, y = case
    n = len(mean)
    objs = [gauss.Real(f"Z{i}") for i in range(n)]
    joint = gauss.state(gauss.space(*objs), mean, cov)
    post = mc.condition(joint, {i: [y[i]] for i in range(k)})
    # brute force: the posterior of the rest has precision Λ_rr and mean μ_r − Λ_rr⁻¹ Λ_ro (y − μ_o)
    Lam = np.linalg.inv(cov)
    Lrr, Lro = Lam[k:, k:], Lam[k:, :k]
    exp_cov = np.linalg.inv(Lrr)
    exp_mean = mean[k:] - exp_cov @ Lro @ (y - mean[:k])
    np.testing.assert_allclose(post.mean[:k], y)
    np.testing.assert_allclose(post.mean[k:], exp_mean, atol=1e-9)
    np.testing.assert_allclose(post.cov[k:, k:], exp_cov, atol=1e-9)
    assert np.all(post.cov[:k] == 0) and np.all(post.cov[:, :k] == 0)
    kept = mc.condition(joint, {i: [y[i]] for i in range(k)}, keep=list(range(k, n)))
    np.testing.assert_allclose(kept.mean, exp_mean, atol=1e-9)


def test_singular_conditioning_and_impossible_evidence():
    joint = gauss.state(X, 1.0, 2.0) >> mc.copy(X)  # (x, x): covariance [[2, 2], [2, 2]]
    post = mc.condition(joint, {1: 3.0})
    assert post.mean.tolist() == pytest.approx([3.0, 3.0]) and np.allclose(post.cov, 0)
    point = gauss.state(V, [1.0, 0.0], [[1.0, 0.0], [0.0, 0.0]])  # lives on y = 0
    both = point >> mc.copy(V)
    with pytest.raises(mc.ZeroProbabilityError, match="off the support"):
        mc.condition(both, {1: [0.0, 1.0]})
    exact = gauss.state(X, F(1), F(2)) >> mc.copy(X)
    assert mc.condition(exact, {0: F(1, 3)}).mean.tolist() == [sympy.Rational(1, 3)] * 2


def test_disintegration_and_bayes_by_hand():
    # x ~ N(1, 4), y | x ~ N(x / 2, 1): x | y ~ N(1 + K (y - 1/2), 4 - K·2), K = 2 / 2 = 1
    prior = gauss.state(X, 1.0, 4.0)
    f = gauss.kernel(X, Y, 0.5, 0.0, 1.0)
    inv = mc.bayes_invert(f, prior)
    assert float(inv.A[0, 0]) == pytest.approx(1.0) and inv.b.tolist() == pytest.approx([0.5])
    assert float(inv.cov[0, 0]) == pytest.approx(2.0)
    m, c = mc.disintegrate(prior >> mc.copy(X) >> (mc.identity(X) @ f), [1])
    assert m.mean.tolist() == [0.5] and m.cov.tolist() == [[2.0]]
    assert mc.allclose(c, inv)


# ---- comparison, information ------------------------------------------------------------
def test_almost_surely_equal_on_a_subspace():
    line = gauss.state(V, [0, 1], [[1, 0], [0, 0]])  # the line x2 = 1
    f = gauss.deterministic(V, X, [[1, 0]])
    g = gauss.deterministic(V, X, [[1, 2]], [-2])  # x1 + 2 x2 - 2 = x1 on the line
    assert mc.almost_surely_equal(f, g, line) and not mc.allclose(f, g)
    assert not mc.almost_surely_equal(f, g, gauss.state(V, [0, 0], np.eye(2)))


def _log_normal(x, mean, cov):
    """The log-density of N(mean, cov) at the rows of x, written out."""
    mean, cov = np.asarray(mean, float), np.atleast_2d(np.asarray(cov, float))
    d = np.atleast_2d(x) - mean
    quad = np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)
    return -0.5 * (quad + np.log(np.linalg.det(2 * math.pi * cov)))


def test_kl_against_integration_and_monte_carlo():
    p, q = gauss.state(X, 0.3, 1.5), gauss.state(X, -1.0, 0.7)
    t = np.linspace(-20, 20, 400_001)[:, None]
    lp, lq = _log_normal(t, [0.3], [[1.5]]), _log_normal(t, [-1.0], [[0.7]])
    trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 has only trapz
    numeric = float(trapezoid(np.exp(lp) * (lp - lq), t[:, 0]))
    assert float(mc.KL(p, q)) == pytest.approx(numeric, abs=1e-8)
    assert float(mc.KL(p, q, base=2)) == pytest.approx(numeric / math.log(2), abs=1e-8)
    m0, S0, m1, S1 = [0, 1], [[2, 0.5], [0.5, 1]], [1, 0], [[1, -0.3], [-0.3, 3]]
    s = np.random.default_rng(1).multivariate_normal(m0, S0, size=150_000)
    mc_est = float(np.mean(_log_normal(s, m0, S0) - _log_normal(s, m1, S1)))
    assert float(mc.KL(gauss.state(V, m0, S0), gauss.state(V, m1, S1))) == pytest.approx(
        mc_est, abs=0.01
    )
    # support mismatches are +inf, same supports finite, point masses 0
    assert mc.KL(gauss.state(X, 0, 1), gauss.state(X, 0, 0)) == math.inf
    assert mc.KL(gauss.state(X, 0, 0), gauss.state(X, 0, 1)) == math.inf
    assert mc.KL(gauss.state(X, 2, 0), gauss.state(X, 2, 0)) == 0
    flat = gauss.state(V, [0, 0], [[1, 0], [0, 0]])
    assert float(mc.KL(flat, gauss.state(V, [1, 0], [[2, 0], [0, 0]]))) == pytest.approx(
        float(mc.KL(gauss.state(X, 0, 1), gauss.state(X, 1, 2)))
    )
    assert mc.KL(flat, gauss.state(V, [0, 1], [[2, 0], [0, 0]])) == math.inf
    exact = mc.KL(gauss.state(X, 0, 1, backend="sympy"), gauss.state(X, 1, 2, backend="sympy"))
    assert sympy.simplify(exact - sympy.log(2) / 2) == 0  # ½[1/2 + 1/2 − 1 + ln 2]


def test_kl_on_kernels_and_with_a_prior():
    f, g = gauss.kernel(X, Y, 1, 0, 1), gauss.kernel(X, Y, 1, 2, 1)
    assert float(mc.KL(f, g)) == pytest.approx(2.0)  # δ²/2 for every input
    assert mc.KL(f, gauss.kernel(X, Y, 3, 0, 1)) == math.inf
    h = gauss.kernel(X, Y, 3, 0, 1)  # with x ~ N(0, 1): E[(2x)²]/2 = 2
    assert float(mc.KL(f, h, prior=gauss.state(X, 0, 1))) == pytest.approx(2.0)
    with pytest.raises(mc.InformationError, match="only mc.KL"):
        mc.TotalVariation(f, g)


def test_mutual_information_entropy_and_independence():
    rho = 0.6
    joint = gauss.state(X @ Y, [0, 0], [[1, rho], [rho, 1]])
    assert float(mc.mutual_information(joint)) == pytest.approx(-0.5 * math.log(1 - rho**2))
    assert mc.mutual_information(gauss.state(X, 0, 1) >> mc.copy(X)) == math.inf
    assert mc.entropy(gauss.state(X, 0, 1)) == math.inf
    assert mc.entropy(gauss.state(X, 0, 0)) == 0
    assert mc.entropy(gauss.state(X, 0, 1), divergence=mc.TotalVariation) == 1
    assert mc.entropy(gauss.state(X, 0, 1), divergence=mc.Renyi(0.5)) == math.inf
    # a chain x → y → z: x ⊥ z | y; the precision matrix has a zero at (x, z)
    step = gauss.kernel(X, X, 0.8, 0, 0.5)
    chain = gauss.state(X, 0, 1) >> mc.copy(X) >> (mc.identity(X) @ step)
    chain = chain >> (mc.identity(X) @ mc.copy(X)) >> (mc.identity(X @ X) @ step)
    assert abs(np.linalg.inv(chain.cov)[0, 2]) < 1e-12  # the independent check
    assert mc.independent(chain, 0, 2, given=1) and not mc.independent(chain, 0, 2)
    assert mc.independent(gauss.state(X, 0, 1) @ gauss.state(Y, 0, 1), 0, 1)


# ---- the laws of a Markov category, on random Gaussian kernels ---------------------------
_objs = laws.gauss_objects(max_factors=2, max_dim=2)


@st.composite
def _triple(draw, backend="numpy"):
    A, B, C, D = (draw(_objs) for _ in range(4))
    f = draw(laws.gauss_kernels(A, B, backend))
    g = draw(laws.gauss_kernels(B, C, backend))
    h = draw(laws.gauss_kernels(C, D, backend))
    return f, g, h


@settings(max_examples=15)
@given(_triple())
def test_category_laws(fgh):
    f, g, h = fgh
    laws.check_associativity(f, g, h)
    laws.check_unit(f)
    laws.check_interchange(f, g, g, h)
    laws.check_swap_naturality(f, g)
    laws.check_delete_naturality(f)
    laws.check_determinism(f)
    laws.check_gauss_tensor_unit(f)
    for X_ in (f.dom, f.cod):
        laws.check_copy_coassociativity(X_)
        laws.check_copy_commutativity(X_)
        laws.check_copy_counit(X_)
    laws.check_copy_product(f.dom, f.cod)
    laws.check_swap_involution(f.dom, f.cod)


@settings(max_examples=6)
@given(_triple("sympy"))
def test_category_laws_exact(fgh):
    f, g, h = fgh
    laws.check_associativity(f, g, h, atol=0)
    laws.check_interchange(f, g, g, h, atol=0)
    laws.check_determinism(f, atol=0)


@settings(max_examples=10)
@given(st.data())
def test_determinism_closure(data):
    A, B = data.draw(_objs), data.draw(_objs)
    f = data.draw(laws.gauss_deterministic(A, B))
    g = data.draw(laws.gauss_deterministic(B, A))
    laws.check_determinism(f)
    laws.check_deterministic_closure(f, g, f)


@settings(max_examples=15)
@given(st.data())
def test_bayes_and_disintegration_laws(data):
    A, B, C = data.draw(_objs), data.draw(_objs), data.draw(_objs)
    prior = data.draw(laws.gauss_states(A))
    f = data.draw(laws.gauss_kernels(A, B))
    g = data.draw(laws.gauss_kernels(B, C))
    atol = 1e-6
    laws.check_bayes_law(f, prior, atol=atol)
    laws.check_bayes_state_preservation(f, prior, atol=atol)
    laws.check_bayes_involution(f, prior, atol=atol)
    laws.check_bayes_contravariance(f, g, prior, atol=atol)
    laws.check_kalman_gain(f, prior, atol=atol)
    joint = prior >> mc.copy(A) >> (mc.identity(A) @ f)
    n = len(joint.cod.factors)
    on = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    laws.check_disintegration(joint, on, atol=atol)
    laws.check_program_agrees(prior, f, g, atol=atol)


@settings(max_examples=4)
@given(st.data())
def test_bayes_law_exact(data):
    A, B = data.draw(_objs), data.draw(_objs)
    prior = data.draw(laws.gauss_states(A, "sympy"))
    f = data.draw(laws.gauss_kernels(A, B, "sympy"))
    laws.check_bayes_law(f, prior, atol=0)
    laws.check_disintegration(prior >> mc.copy(A) >> (mc.identity(A) @ f), [1], atol=0)


# ---- one diagram, two semantics ------------------------------------------------------------
def test_same_box_diagram_interpreted_finitely_and_gaussianly():
    S, O = mc.Obj("S", 2), mc.Obj("O", 2)
    init, step, emit = mc.Box("init", mc.I, S), mc.Box("step", S, S), mc.Box("emit", S, O)

    @mc.program(mc.I, S @ O @ O)
    def hmm():
        s1 = init()
        s2 = step(s1)
        return s2, emit(s1), emit(s2)

    # finitely: brute force over all state paths
    p0, T, E = (
        np.array([0.6, 0.4]),
        np.array([[0.9, 0.1], [0.2, 0.8]]),
        np.array([[0.7, 0.3], [0.1, 0.9]]),
    )
    fin = mc.interpret(hmm, {"init": p0, "step": T, "emit": E})
    brute = np.einsum("a,ab,ax,by->bxy", p0, T, E, E)
    np.testing.assert_allclose(fin.array, brute, atol=1e-12)
    # Gaussianly: s1 ~ N(1, 2), s2 = 0.5 s1 + N(0, 1), o = 3 s + N(0, 0.25)
    R = gauss.Real("S")
    g = mc.interpret(
        hmm,
        {
            "init": gauss.state(R, 1.0, 2.0),
            "step": gauss.kernel(R, R, 0.5, 0.0, 1.0),
            "emit": gauss.kernel(R, gauss.Real("O"), 3.0, 0.0, 0.25),
        },
    )
    v1, v2 = 2.0, 0.25 * 2.0 + 1.0  # Var s1, Var s2; Cov(s1, s2) = 0.5·2 = 1
    expected_cov = [
        [v2, 3 * 1.0, 3 * v2],
        [3 * 1.0, 9 * v1 + 0.25, 9 * 1.0],
        [3 * v2, 9 * 1.0, 9 * v2 + 0.25],
    ]
    np.testing.assert_allclose(g.cov, expected_cov, atol=1e-12)
    np.testing.assert_allclose(g.mean, [0.5, 3.0, 1.5], atol=1e-12)
    with pytest.raises(mc.TypeMismatchError, match="no gauss.Real for object"):
        mc.interpret(mc.copy(S), {"x": gauss.identity(R)})
    assert mc.interpret(mc.copy(S), {S: R, "x": gauss.identity(R)}).cod == R @ R


def test_program_over_gaussian_objects():
    prior, noise = gauss.state(X, 1.0, 4.0), gauss.kernel(X, Y, 1.0, 0.0, 1.0)

    @mc.program(mc.I, X @ Y @ Y)
    def readings():
        x = prior()
        return x, noise(x), noise(x)

    assert readings.cov.tolist() == [[4, 4, 4], [4, 5, 4], [4, 4, 5]]
    assert readings.mean.tolist() == [1, 1, 1]

    @mc.program(X, Y)
    def unused_input(x):
        return noise(prior())

    assert unused_input.A.tolist() == [[0.0]]
    with pytest.raises(mc.ProgramError, match="inside an @mc.program"):
        noise(1.0)


def test_check_kernel_family_runs_the_laws_on_gaussian_families():
    """A Gaussian sensor family passes every law that applies to Gaussian kernels, with
    Gaussian companions; the laws that read tables or outcomes are not applicable."""
    X, Y = gauss.Real("X", 2), gauss.Real("Y", 1)

    def sensor(rng):
        return gauss.kernel(
            X, Y, rng.normal(size=(1, 2)), rng.normal(size=1), [[rng.uniform(0.1, 1)]]
        )

    report = laws.check_kernel_family(sensor, max_examples=5)
    status = {o.law: o.status for o in report.outcomes}
    for name in (
        "associativity",
        "interchange",
        "determinism",
        "bayes_law",
        "bayes_involution",
        "disintegration",
        "divergence",
        "data_processing",
        "mutual_information",
    ):
        assert status[name] == "passed", (name, report)
    for name in ("causality", "conditioning", "entropy", "chain_rule"):
        assert status[name] == "not applicable", (name, report)
    deterministic = laws.check_kernel_family(laws.gauss_deterministic(X, X), max_examples=5)
    assert {o.law: o.status for o in deterministic.outcomes}["deterministic_closure"] == "passed"


def test_check_kernel_family_catches_a_wrong_gaussian_bayes_inverse(monkeypatch):
    """With mc.bayes_invert on Gaussian kernels replaced by one that forgets the evidence
    (returns the prior), the Bayes law fails: the family check can fail."""
    from markovcat import _dispatch

    X = gauss.Real("X", 1)

    def forgetful(f, prior):
        return mc.delete(f.cod) >> prior

    monkeypatch.setitem(
        _dispatch._REGISTRY,
        "bayes_invert",
        ((gauss.GaussianKernel,), [(gauss.GaussianKernel, forgetful)]),
    )
    report = laws.check_kernel_family(
        lambda rng: gauss.kernel(X, X, [[2.0]], [0.0], [[1.0]]),
        max_examples=3,
        only=["bayes_law"],
        raise_on_failure=False,
    )
    assert report.failed and report.outcomes[0].status == "failed", report


@settings(max_examples=20)
@given(st.data())
def test_the_fused_kalman_update_is_the_verbs(data):
    """kalman_filter's one-factorisation update gives what predict by >>, update by
    bayes_invert at the reading and the predictive log-density give (the verb path, which
    it falls back to for singular innovation covariances)."""
    X, Y = data.draw(_objs), data.draw(_objs)
    prior = data.draw(laws.gauss_states(X))
    move, look = data.draw(laws.gauss_kernels(X, X)), data.draw(laws.gauss_kernels(X, Y))
    ys = data.draw(
        st.lists(
            st.lists(st.integers(-3, 3), min_size=Y.dim, max_size=Y.dim), min_size=1, max_size=4
        )
    )
    ys = np.asarray(ys, dtype=float)
    try:
        fused, total = gauss.kalman_filter(prior, move, look, ys)
    except mc.ZeroProbabilityError:
        return  # a reading off the support of a singular prediction
    belief, want = prior, 0.0
    for t, y in enumerate(ys):
        if t:
            belief = belief >> move
        pred = belief >> look
        want += gauss.kalman._loglik(pred, y)
        belief = mc.bayes_invert(look, belief)[y]
        assert mc.allclose(fused[t], belief, atol=1e-7), t
    assert math.isclose(float(total), float(want), rel_tol=1e-9, abs_tol=1e-9)


def test_gaussian_kernels_pickle_and_deep_copy():
    import copy
    import pickle

    X, Y = gauss.Real("X", 2), gauss.Real("Y")
    k = gauss.kernel(X, Y, [[1.0, 2.0]], [0.5], [[3.0]], name="k")
    for back in (pickle.loads(pickle.dumps(k)), copy.deepcopy(k)):
        assert back.name == "k" and back.dom == X and back.cod == Y
        np.testing.assert_array_equal(back.A, [[1.0, 2.0]])
        np.testing.assert_array_equal(back.cov, [[3.0]])
        assert mc.allclose(back, k)
