"""f-divergences (Hellinger, χ², any convex f), Jensen–Shannon, Tsallis, cross entropy,
total correlation, dual total correlation and co-information: values against closed forms
and brute force over all outcomes (numpy written here), the laws of
markovcat/laws/divergences.py as property tests on every backend, and dit (when installed)."""

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat.backends import ops

X3 = mc.Obj("X", 3)
P = np.array([0.5, 0.3, 0.2])
Q = np.array([0.2, 0.2, 0.6])
rng = np.random.default_rng(19)


def st_(v, backend="numpy", X=X3):
    return mc.state(X, v, backend=backend)


def as_float(v):
    return float(sympy.N(v, 30)) if isinstance(v, sympy.Basic) else float(v)


def entropy_np(t):
    t = np.asarray(t, dtype=float).ravel()
    t = t[t > 0]
    return float(-(t * np.log(t)).sum())


# ---- f-divergences ---------------------------------------------------------------------------


def test_hellinger_chi_squared_values(backend):
    p, q = st_(P, backend), st_(Q, backend)
    assert as_float(mc.Hellinger(p, q)) == pytest.approx(1 - np.sqrt(P * Q).sum(), abs=1e-12)
    assert as_float(mc.ChiSquared(p, q)) == pytest.approx(((P - Q) ** 2 / Q).sum(), abs=1e-12)
    disjoint = st_([1, 0, 0], backend), st_([0, 0.5, 0.5], backend)
    assert as_float(mc.Hellinger(*disjoint)) == 1.0
    assert mc.ChiSquared(*disjoint) == math.inf or mc.ChiSquared(*disjoint) == sympy.oo


def test_exact_values():
    p = mc.state(mc.Bool, [F(1, 2), F(1, 2)])
    q = mc.state(mc.Bool, [F(1, 4), F(3, 4)])
    h = mc.Hellinger(p, q)
    assert sympy.simplify(h - (1 - sympy.sqrt(F(1, 8)) - sympy.sqrt(F(3, 8)))) == 0
    assert mc.ChiSquared(p, q) == sympy.Rational(1, 3)  # (1/4)²/(1/4) + (1/4)²/(3/4)


def test_generic_f_divergence_matches_named_ones():
    p, q = st_(P), st_(Q)
    pearson = mc.FDivergence(lambda t: (t - 1) ** 2, name="Pearson")
    kl = mc.FDivergence(lambda t: ops.xlogy(t, t), name="KL", logarithmic=True)
    tv = mc.FDivergence(lambda t: abs(t - 1) / 2, name="TV")
    assert pearson(p, q) == pytest.approx(((P - Q) ** 2 / Q).sum(), abs=1e-12)
    assert kl(p, q) == pytest.approx(float((P * np.log(P / Q)).sum()), abs=1e-12)
    assert kl(p, q, base=2) == pytest.approx(float((P * np.log2(P / Q)).sum()), abs=1e-12)
    assert tv(p, q) == pytest.approx(0.5 * np.abs(P - Q).sum(), abs=1e-12)
    assert pearson.slope == math.inf and tv.slope == pytest.approx(0.5)
    # q = 0 < p: the slope f'(∞) times the mass there
    r = st_([0.0, 0.5, 0.5])
    assert tv(p, r) == pytest.approx(0.5 * np.abs(P - [0, 0.5, 0.5]).sum(), abs=1e-9)
    assert pearson(p, r) == math.inf


def test_hom_set_and_prior_forms():
    f = mc.kernel(mc.Bool, X3, [P, Q])
    g = mc.kernel(mc.Bool, X3, [Q, [1 / 3] * 3])
    rows = [1 - np.sqrt(P * Q).sum(), 1 - np.sqrt(Q / 3).sum()]
    assert mc.Hellinger(f, g) == pytest.approx(max(rows), abs=1e-12)
    w = mc.state(mc.Bool, [0.25, 0.75])
    assert mc.Hellinger(f, g, prior=w) == pytest.approx(0.25 * rows[0] + 0.75 * rows[1], abs=1e-12)
    chi = [((P - Q) ** 2 / Q).sum(), ((Q - 1 / 3) ** 2 * 3).sum()]
    assert mc.ChiSquared(f, g, prior=w) == pytest.approx(0.25 * chi[0] + 0.75 * chi[1], abs=1e-12)


def test_entropy_of_f_divergences_by_both_routes(backend):
    p = st_(P, backend)
    for D in (mc.Hellinger, mc.ChiSquared, laws.tsallis_divergence(0.5)):
        a = mc.entropy(p, divergence=D, route="definition")
        b = mc.entropy(p, divergence=D, route="contraction")
        assert as_float(a) == pytest.approx(as_float(b), abs=1e-12)
    # χ²(copy∘p ‖ p ⊗ p) = Σ_(x,y) a²/b − 1 with a = p(x)δ_xy, b = p(x)p(y): |supp p| − 1
    assert as_float(mc.entropy(p, divergence=mc.ChiSquared)) == pytest.approx(2.0, abs=1e-12)


def test_f_divergence_errors():
    with pytest.raises(mc.InformationError, match="convex"):
        mc.FDivergence(lambda t: -((t - 1) ** 2))
    with pytest.raises(mc.InformationError, match="f\\(1\\) = 0"):
        mc.FDivergence(lambda t: t**2)
    with pytest.raises(mc.InformationError, match="finite f\\(0\\)"):
        mc.FDivergence(lambda t: -np.log(t))
    with pytest.raises(mc.InformationError, match="callable"):
        mc.FDivergence(3)
    with pytest.raises(mc.InformationError, match="no logarithm"):
        mc.Hellinger(st_(P), st_(Q), base=2)


# ---- Jensen–Shannon, Tsallis, cross entropy --------------------------------------------------


def test_jensen_shannon_values(backend):
    p, q = st_(P, backend), st_(Q, backend)
    m = (P + Q) / 2
    js = 0.5 * (P * np.log(P / m)).sum() + 0.5 * (Q * np.log(Q / m)).sum()
    assert as_float(mc.jensen_shannon(p, q)) == pytest.approx(js, abs=1e-12)
    w = np.array([0.2, 0.3, 0.5])
    R = np.array([1.0, 0.0, 0.0])
    mix = w[0] * P + w[1] * Q + w[2] * R
    by_hand = entropy_np(mix) - sum(wi * entropy_np(t) for wi, t in zip(w, (P, Q, R)))
    got = mc.jensen_shannon(p, q, st_(R, backend), weights=list(w))
    assert as_float(got) == pytest.approx(by_hand, abs=1e-12)


def test_jensen_shannon_exact_and_errors():
    a, b = mc.state(mc.Bool, [F(1), F(0)]), mc.state(mc.Bool, [F(0), F(1)])
    assert mc.jensen_shannon(a, b) == sympy.log(2)
    assert mc.jensen_shannon(a, b, base=2) == 1
    with pytest.raises(mc.InformationError, match="2 weights"):
        mc.jensen_shannon(a, b, weights=[1])
    with pytest.raises(mc.TypeMismatchError):
        mc.jensen_shannon(a, st_(P))


@pytest.mark.parametrize("q", [-2.5, -1, 0, 0.3, 1 - 1e-9, 1, 1 + 1e-7, 2, 3.7])
def test_tsallis_values(q):
    t = np.array([0.1, 0.2, 0.3, 0.4, 0.0])
    p = mc.state(mc.Obj("X", 5), t)
    s = t[t > 0]
    ref = entropy_np(s) if q == 1 else (1 - (s**q).sum()) / (q - 1)
    if abs(q - 1) < 1e-6:  # the formula cancels there: compare with Shannon + first order
        ref = entropy_np(s) - (q - 1) * 0.5 * float((s * np.log(s) ** 2).sum())
    assert mc.tsallis_entropy(p, q) == pytest.approx(ref, abs=1e-9, rel=1e-9)


def test_tsallis_special_orders(backend):
    p = st_(P, backend)
    assert as_float(mc.tsallis_entropy(p, 2)) == pytest.approx(
        as_float(mc.gini_simpson(p)), abs=1e-12
    )
    assert as_float(mc.tsallis_entropy(p, 0)) == pytest.approx(2.0)
    exact = mc.tsallis_entropy(mc.state(mc.Bool, [F(1, 4), F(3, 4)]), 3)
    assert exact == sympy.Rational(1 - F(1, 64) - F(27, 64), 2)
    with pytest.raises(mc.InformationError):
        mc.tsallis_entropy(p, math.inf)


def test_cross_entropy(backend):
    p, q = st_(P, backend), st_(Q, backend)
    assert as_float(mc.cross_entropy(p, q)) == pytest.approx(-(P * np.log(Q)).sum(), abs=1e-12)
    assert as_float(mc.cross_entropy(p, q, base=2)) == pytest.approx(
        -(P * np.log2(Q)).sum(), abs=1e-12
    )
    inf = mc.cross_entropy(p, st_([0, 0.5, 0.5], backend))
    assert as_float(inf) == math.inf


# ---- multivariate ----------------------------------------------------------------------------


def brute_multivariate(t):
    """TC, DTC and co-information by looping over subsets of axes (numpy, by definition)."""
    n = t.ndim

    def H(keep):
        drop = tuple(i for i in range(n) if i not in keep)
        return entropy_np(t.sum(axis=drop) if drop else t)

    full = H(tuple(range(n)))
    tc = sum(H((i,)) for i in range(n)) - full
    dtc = full - sum(full - H(tuple(j for j in range(n) if j != i)) for i in range(n))
    co = -sum(
        (-1) ** len(T) * H(T) for r in range(1, n + 1) for T in itertools.combinations(range(n), r)
    )
    return tc, dtc, co


def test_multivariate_against_brute_force(backend):
    shape = (2, 3, 2, 2) if backend == "numpy" else (2, 3, 2)
    t = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
    X = mc.product(*(mc.Obj(f"v{i}", k) for i, k in enumerate(shape)))
    joint = mc.state(X, t, backend=backend)
    tc, dtc, co = brute_multivariate(t)
    assert as_float(mc.total_correlation(joint)) == pytest.approx(tc, abs=1e-12)
    assert as_float(mc.dual_total_correlation(joint)) == pytest.approx(dtc, abs=1e-12)
    assert as_float(mc.coinformation(joint)) == pytest.approx(co, abs=1e-12)
    grouped = mc.total_correlation(joint, [[0, 1], [2]])
    m = t.sum(axis=3) if t.ndim == 4 else t
    by_hand = entropy_np(m.sum(2)) + entropy_np(m.sum((0, 1))) - entropy_np(m)
    assert as_float(grouped) == pytest.approx(by_hand, abs=1e-12)


def test_xor_exact():
    B = mc.Bool
    q = F(1, 4)
    xor = mc.state(B @ B @ B, [q, 0, 0, q, 0, q, q, 0])
    assert mc.total_correlation(xor, base=2) == 1
    assert mc.dual_total_correlation(xor, base=2) == 2
    assert mc.coinformation(xor, base=2) == -1
    with pytest.raises(mc.InformationError, match="at least 2"):
        mc.coinformation(xor, [[0, 1, 2]])
    with pytest.raises(mc.InformationError, match="disjoint"):
        mc.total_correlation(xor, [[0, 1], [1]])


# ---- the laws, as property tests on every backend ---------------------------------------------


def examples(backend):
    return 12 if backend == "numpy" else 3  # JAX compiles per shape, sympy logs are slow


def test_law_f_divergences(backend):
    @settings(max_examples=examples(backend), deadline=None)
    @given(data=st.data())
    def run(data):
        X = data.draw(laws.atoms(max_outcomes=4, min_outcomes=2)) if backend == "numpy" else X3
        p = data.draw(laws.states(X, backend=backend))
        q = data.draw(laws.states(X, backend=backend))
        h = data.draw(laws.kernels(X, mc.Obj("Y", 2), backend=backend))
        D = data.draw(laws.f_divergences())
        laws.check_f_data_processing(p, q, h, divergence=D)
        laws.check_divergence_positivity(p, q, divergence=D)
        laws.check_pinsker(p, q)
        laws.check_hellinger_tv(p, q)
        laws.check_kl_chi_squared(p, q)
        laws.check_cross_entropy(p, q)
        laws.check_jensen_shannon([p, q])

    run()


def test_law_f_data_processing_on_kernels(backend):
    @settings(max_examples=examples(backend), deadline=None)
    @given(data=st.data())
    def run(data):
        A, X = mc.Obj("A", 2), mc.Obj("X", 3)
        f = data.draw(laws.kernels(A, X, backend=backend))
        g = data.draw(laws.kernels(A, X, backend=backend))
        h = data.draw(laws.kernels(X, mc.Bool, backend=backend))
        laws.check_f_data_processing(f, g, h, divergence=data.draw(laws.f_divergences()))

    run()


def test_law_tsallis_and_multivariate(backend):
    @settings(max_examples=examples(backend), deadline=None)
    @given(data=st.data(), q=st.sampled_from([-1.0, 0.25, 0.5, 1.5]))
    def run(data, q):
        p = data.draw(laws.states(mc.Obj("X", 3), backend=backend))
        laws.check_tsallis_is_determinism_entropy(p, q)
        if backend == "numpy":
            joint = data.draw(laws.joint_states(max_factors=3, min_factors=3, max_outcomes=3))
        else:
            joint = data.draw(laws.states(mc.Bool @ mc.Bool @ mc.Bool, backend=backend))
        laws.check_total_correlation_is_kl(joint)
        laws.check_mutual_information_chain_rule(joint)
        laws.check_inclusion_exclusion(joint)
        laws.check_inclusion_exclusion(mc.marginal(joint, [0, 2]))
        laws.check_jensen_shannon(
            [p, p, data.draw(laws.states(mc.Obj("X", 3), backend=backend))], [0.5, 0.25, 0.25]
        )

    run()


def test_law_violation_is_reported():
    with pytest.raises(laws.LawError, match="not an f-divergence"):
        laws.check_f_data_processing(st_(P), st_(Q), mc.identity(X3), divergence=mc.Renyi(2))


# ---- dit, where installed ------------------------------------------------------------------


def test_against_dit():
    dit = pytest.importorskip("dit")
    from dit.divergences import cross_entropy, hellinger_distance, jensen_shannon_divergence
    from dit.multivariate import coinformation, dual_total_correlation, total_correlation
    from dit.other import tsallis_entropy

    outcomes = ["0", "1", "2"]
    dp, dq = dit.Distribution(outcomes, P), dit.Distribution(outcomes, Q)
    p, q = st_(P), st_(Q)
    assert mc.jensen_shannon(p, q, base=2) == pytest.approx(
        jensen_shannon_divergence([dp, dq]), abs=1e-10
    )
    assert mc.cross_entropy(p, q, base=2) == pytest.approx(cross_entropy(dp, dq), abs=1e-10)
    assert mc.Hellinger(p, q) == pytest.approx(hellinger_distance(dp, dq) ** 2, abs=1e-10)
    for order in (0.5, 2, 3):
        assert mc.tsallis_entropy(p, order) == pytest.approx(tsallis_entropy(dp, order), abs=1e-10)
    shape = (2, 3, 2)
    t = rng.dirichlet(np.ones(12)).reshape(shape)
    words = ["".join(map(str, w)) for w in itertools.product(*(range(k) for k in shape))]
    d = dit.Distribution(words, t.ravel())
    joint = mc.state(mc.product(*(mc.Obj(f"v{i}", k) for i, k in enumerate(shape))), t)
    assert mc.total_correlation(joint, base=2) == pytest.approx(total_correlation(d), abs=1e-10)
    assert mc.dual_total_correlation(joint, base=2) == pytest.approx(
        dual_total_correlation(d), abs=1e-10
    )
    assert mc.coinformation(joint, base=2) == pytest.approx(coinformation(d), abs=1e-10)
