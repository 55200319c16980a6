"""Numerical robustness: tiny probabilities, near-deterministic rows, large products,
``0 log 0 = 0``, and numpy agreeing with exact sympy to 1e-12 on random small inputs.

Every expected value is a closed form computed here, independently of the library.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

B = mc.Bool
X = mc.Obj("X", 3)
TINY = [1e-300, 1e-200, 1e-100, 1e-16, 1e-9]


def h2(eps):
    """Shannon entropy in nats of the float table ``[1 − eps, eps]`` as stored."""
    a = 1 - eps  # rounded like the table entry
    return -a * math.log(a) - eps * math.log(eps)


def close(a, b, rel=1e-12, abs_tol=0.0):
    return math.isclose(float(a), b, rel_tol=rel, abs_tol=abs_tol)


def number(v):
    """A float from a numpy, JAX or exact sympy scalar."""
    return float(sympy.N(v, 40)) if isinstance(v, sympy.Basic) else float(v)


# ---- tiny probabilities ---------------------------------------------------------------------
@pytest.mark.parametrize("eps", TINY)
def test_entropies_of_tiny_probabilities_are_exact_and_nonnegative(eps):
    p = mc.state(B, [1 - eps, eps])
    h = h2(eps)
    assert close(mc.shannon_entropy(p), h)
    assert close(mc.entropy(p, route="contraction"), h)
    # the definition compares copy∘p with p ⊗ p: p² rounds, so 1e-16 absolute accuracy
    assert close(mc.entropy(p), h, abs_tol=1e-15)
    assert close(mc.entropy(p @ p), 2 * h, abs_tol=1e-15)  # additivity
    f = mc.kernel(B, B, [[1 - eps, eps], [0.5, 0.5]])
    assert close(mc.entropy(f), math.log(2))  # the sup over rows: the fair row
    prior = mc.state(B, [0.25, 0.75])
    assert close(mc.conditional_entropy(f, prior), 0.25 * h + 0.75 * math.log(2))
    assert close(mc.entropy(f, prior=prior), 0.25 * h + 0.75 * math.log(2))
    # I(X; X) = H(X) even where p ⊗ p underflows; independent factors share nothing
    assert close(mc.mutual_information(p >> mc.copy(B)), h, rel=1e-9)
    assert mc.mutual_information(p @ p) == 0.0
    # Rényi orders 0, 2 and ∞, Gini–Simpson: closed forms
    assert close(mc.renyi_entropy(p, 0), math.log(2))
    assert close(mc.renyi_entropy(p, 2), -math.log((1 - eps) ** 2 + eps**2))
    assert mc.renyi_entropy(p, math.inf) == pytest.approx(eps, rel=1e-9)  # −log(1 − ε)
    # 1 − Σp² cancels: the stored table [1 − ε, ε] only pins it down to about 1e-16
    assert 0 <= mc.gini_simpson(p) <= 2 * eps + 2.3e-16
    assert close(mc.entropy(p, divergence=mc.Renyi(2)), math.log(2), rel=1e-9)  # order 2 − 2 = 0
    for v in (
        mc.entropy(p, divergence=mc.Renyi(0.5)),
        mc.entropy(p, divergence=mc.Renyi(math.inf)),
        mc.entropy(p, divergence=mc.TotalVariation),
    ):
        assert math.isfinite(v) and v >= 0 and str(v) != "-0.0"


@pytest.mark.parametrize("eps", [*TINY, 1e-320, 5e-324])
def test_kl_with_tiny_and_subnormal_probabilities(eps):
    p, u = mc.state(B, [1 - eps, eps]), mc.state(B, [0.5, 0.5])
    # KL(u ‖ p) = ½ log(½ / (1 − ε)) + ½ log(½ / ε): finite, however small ε is
    expected = 0.5 * (math.log(0.5) - math.log1p(-eps)) + 0.5 * (math.log(0.5) - math.log(eps))
    assert close(mc.KL(u, p), expected)
    expected = (1 - eps) * (math.log1p(-eps) - math.log(0.5)) + eps * (math.log(eps / 0.5))
    assert close(mc.KL(p, u), expected, rel=1e-9)


@pytest.mark.parametrize("eps", TINY)
def test_inference_on_events_of_tiny_probability(backend, eps):
    if backend == "sympy":
        eps = Fraction(eps)  # the exact value of the float
    p = mc.state(B, [1 - eps, eps], backend=backend)
    q = mc.state(B, [0.25, 0.75], backend=backend)
    # conditioning on the rare event of an independent factor leaves the other one alone
    post = mc.condition(q @ p, {1: True}, keep=[0])
    np.testing.assert_allclose(np.asarray(post.array, dtype=float), [0.25, 0.75], rtol=1e-12)
    # Bayes with a rare cause: P(rare | alarm) = ε·0.9 / (ε·0.9 + (1 − ε)·0.1)
    nine, one = Fraction(9, 10), Fraction(1, 10)
    alarm = mc.kernel(B, B, [[nine, one], [one, nine]], backend=backend)
    inv = mc.bayes_invert(alarm, p)
    e = float(eps)
    expected = e * 0.9 / (e * 0.9 + (1 - e) * 0.1)
    assert close(number(inv.array[1, 1]), expected, rel=1e-9)
    assert not np.isnan(np.asarray(inv.array, dtype=float)).any()


def test_a_long_run_of_rare_observations_does_not_underflow():
    """300 independent factors; observing 299 of them (probability 0.05^299 ≈ 1e-389,
    below the float64 range) still leaves the last factor's law exactly."""
    p = mc.state(B, [0.95, 0.05])
    joint = p
    for _ in range(299):
        joint = joint @ p
    post = mc.condition(joint, {i: True for i in range(1, 300)}, keep=[0])
    np.testing.assert_allclose(post.array, [0.95, 0.05], rtol=1e-12)


# ---- near-deterministic rows -----------------------------------------------------------------
@given(
    eps=st.floats(0, 1e-7),
    off=st.floats(-5e-6, 5e-6),
    steps=st.integers(1, 60),
)
def test_near_deterministic_rows(eps, off, steps):
    f = mc.kernel(B, B, [[1 - eps, eps], [eps, 1 - eps + off]])  # off by less than 1e-5
    assert f.given[1, 1] == 1 - eps + off  # accepted: the table as given is kept ...
    assert abs(f.array.sum(axis=1) - 1).max() <= 4e-16  # ... and its rows renormalised
    assert f.is_deterministic(atol=1e-5)
    d = f
    for _ in range(steps - 1):
        d = d >> f
    t = mc.evaluate(d).array
    assert np.isfinite(t).all() and (t >= 0).all()
    assert np.abs(t.sum(axis=1) - 1).max() <= steps * 1e-15  # no drift: rounding only
    h = mc.entropy(mc.state(B, [1 - eps, eps]))
    assert h >= 0 and close(h, h2(eps) if eps else 0.0, abs_tol=1e-15)


# ---- 0 log 0 = 0 -----------------------------------------------------------------------------
def test_zero_log_zero_is_zero_everywhere(backend):
    point = mc.state(X, [0, 1, 0], backend=backend)
    p = mc.state(X, [0, Fraction(1, 4), Fraction(3, 4)], backend=backend)
    for D in (
        mc.KL,
        mc.Renyi(0),
        mc.Renyi(0.5),
        mc.Renyi(2),
        mc.Renyi(math.inf),
        mc.TotalVariation,
    ):
        assert number(mc.entropy(point, divergence=D)) == 0  # a point mass is deterministic
        assert 0 <= number(D(p, p)) <= 1e-15  # zeros in both arguments: no 0 log 0 = NaN
    assert number(mc.shannon_entropy(point)) == 0
    assert number(mc.renyi_entropy(point, 0)) == 0 and number(mc.renyi_entropy(point, 2)) == 0
    assert close(number(mc.shannon_entropy(p)), -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    same = p >> mc.copy(X)  # I(X; X) = H(X), the zero outcome contributes nothing
    assert close(number(mc.mutual_information(same)), number(mc.shannon_entropy(p)))
    flip = mc.deterministic(X, X, lambda x: (x + 1) % 3).to(backend)
    assert number(mc.conditional_entropy(flip, p)) == 0
    # a support mismatch is +inf: never NaN, never a dropped term
    q = mc.state(X, [1, 0, 0], backend=backend)
    kl = number(mc.KL(p, q))
    assert math.isinf(kl) and kl > 0
    assert math.isinf(number(mc.Renyi(2)(p, q)))
    assert number(mc.Renyi(0.5)(p, q)) == math.inf  # disjoint supports


# ---- large products ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 5, 10])
def test_large_products(n):
    probs = [0.2, 0.3, 0.5]
    p = mc.state(X, probs)
    joint = p
    for _ in range(n - 1):
        joint = joint @ p
    h = -sum(v * math.log(v) for v in probs)
    assert close(mc.entropy(joint), n * h, rel=1e-10)
    if n > 1:
        mi = mc.mutual_information(joint, split=n // 2)
        assert mi >= 0 and mi < 1e-12  # independent halves, never a negative rounding error
    assert close(mc.marginal(joint, [n - 1]).array[2], 0.5)


@given(seed=st.integers(0, 2**32 - 1))
def test_mutual_information_of_independent_states_is_never_negative(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.random(3), rng.random(4)
    joint = mc.state(X, a / a.sum()) @ mc.state(mc.Obj("Y", 4), b / b.sum())
    mi = mc.mutual_information(joint)
    assert 0 <= mi < 1e-12 and str(mi) != "-0.0"


# ---- numpy agrees with exact sympy --------------------------------------------------------------
small = laws.objects(max_factors=2, max_outcomes=3)


@st.composite
def pair(draw, dom, cod):
    """The same random rational kernel on numpy and on exact sympy."""
    k = draw(laws.kernels(dom, cod, backend="sympy"))
    return k.to("numpy"), k


def agree(a, b, tol=1e-12):
    x = np.asarray(a.array if isinstance(a, mc.Diagram) else a, dtype=float)
    y = np.vectorize(number, otypes=[float])(
        np.asarray(b.array if isinstance(b, mc.Diagram) else b, dtype=object)
    )
    assert x.shape == y.shape
    np.testing.assert_allclose(x, y, rtol=0, atol=tol)


@given(data=st.data())
def test_numpy_agrees_with_exact_sympy_on_compositions_and_inference(data):
    A, Y = data.draw(small), data.draw(small)
    (f, fe), (g, ge) = data.draw(pair(A, Y)), data.draw(pair(Y, A))
    (p, pe) = data.draw(pair(mc.I, A))
    agree(mc.evaluate(f >> g), mc.evaluate(fe >> ge))
    agree(mc.evaluate(f @ g), mc.evaluate(fe @ ge))
    agree(mc.bayes_invert(f, p), mc.bayes_invert(fe, pe))
    joint, joint_e = (
        p >> mc.copy(A) >> (mc.identity(A) @ f),
        pe >> mc.copy(A) >> (mc.identity(A) @ fe),
    )
    for m, me in zip(mc.disintegrate(joint, [0]), mc.disintegrate(joint_e, [0])):
        agree(m, me)
    agree(mc.marginal(joint, [len(A.factors)]), mc.marginal(joint_e, [len(A.factors)]))
    outcome = data.draw(st.sampled_from(A.factors[0].values))
    z = sum(
        number(v)
        for v in np.asarray(mc.marginal(pe, [0]).array).ravel()[[A.factors[0].position(outcome)]]
    )
    assume(z > 0)
    agree(mc.condition(p, {0: outcome}), mc.condition(pe, {0: outcome}))


@given(data=st.data())
def test_numpy_agrees_with_exact_sympy_on_information(data):
    A = data.draw(laws.objects(max_factors=1, max_outcomes=3))
    Y = data.draw(laws.objects(max_factors=1, max_outcomes=3))
    (p, pe), (q, qe) = data.draw(pair(mc.I, A)), data.draw(pair(mc.I, A))
    (f, fe) = data.draw(pair(A, Y))
    pairs = [
        (mc.entropy(p), mc.entropy(pe)),
        (mc.entropy(p, divergence=mc.Renyi(2)), mc.entropy(pe, divergence=mc.Renyi(2))),
        (mc.entropy(p, divergence=mc.Renyi(0.5)), mc.entropy(pe, divergence=mc.Renyi(0.5))),
        (mc.entropy(p, divergence=mc.TotalVariation), mc.entropy(pe, divergence=mc.TotalVariation)),
        (mc.shannon_entropy(p), mc.shannon_entropy(pe)),
        (mc.renyi_entropy(p, 2), mc.renyi_entropy(pe, 2)),
        (mc.renyi_entropy(p, math.inf), mc.renyi_entropy(pe, math.inf)),
        (mc.gini_simpson(p), mc.gini_simpson(pe)),
        (mc.TotalVariation(p, q), mc.TotalVariation(pe, qe)),
        (mc.conditional_entropy(f, p), mc.conditional_entropy(fe, pe)),
        (mc.entropy(f), mc.entropy(fe)),
        (
            mc.mutual_information(p >> mc.copy(A) >> (mc.identity(A) @ f)),
            mc.mutual_information(pe >> mc.copy(A) >> (mc.identity(A) @ fe)),
        ),
    ]
    kl, kle = mc.KL(p, q), mc.KL(pe, qe)
    if math.isfinite(kl):
        pairs.append((kl, kle))
    else:
        assert number(kle) == math.inf
    for x, e in pairs:
        assert abs(float(x) - number(e)) <= 1e-12, (x, e)
        assert float(x) >= 0
