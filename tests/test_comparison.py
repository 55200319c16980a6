"""Comparison of experiments: Blackwell order with exact witnesses and certificates, the
Bayesian (prior) version, Le Cam deficiency and standard measures.

Independent routes: closed forms derived by hand (binary symmetric channels), Bayes
values recomputed here by brute force, the convex order of standard measures decided by
a separate LP written in this file, dit's channel orders (peer, when installed)."""

from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

Bit = mc.Obj("θ", ("0", "1"))
X2 = mc.Obj("X", ("0", "1"))


def bsc(eps, dom=Bit, cod=X2, backend=None):
    """The binary symmetric channel that flips with probability ``eps``."""
    return mc.kernel(dom, cod, [[1 - eps, eps], [eps, 1 - eps]], backend=backend)


def bayes_value(f, prior, utility):
    """Brute force: for each outcome x, the best action's Σ_θ prior(θ) f(x|θ) u(θ, a)."""
    m = np.asarray(f.matrix, dtype=object)
    pi = np.asarray(prior.array, dtype=object).ravel()
    u = np.asarray(utility, dtype=object)
    total = 0
    for x in range(m.shape[1]):
        total += max(
            sum(pi[t] * m[t, x] * u[t, a] for t in range(len(pi))) for a in range(u.shape[1])
        )
    return total


# ---- closed forms ---------------------------------------------------------------------------


def test_binary_symmetric_channels_by_hand():
    # BSC(1/10) >> BSC(η) = BSC(ε) with (1 − δ)η + δ(1 − η) = ε: η = (ε − δ)/(1 − 2δ) = 3/16
    f, g = bsc(F(1, 10)), bsc(F(1, 4))
    c = mc.more_informative(f, g)
    assert c.holds and c.exact and bool(c)
    assert c.garbling.matrix.tolist() == [[F(13, 16), F(3, 16)], [F(3, 16), F(13, 16)]]
    # the reverse fails; guessing θ under a uniform prior is worth 1 − flip probability
    r = mc.more_informative(g, f)
    assert not r.holds and r.garbling is None
    dp = r.certificate
    vg, vf = bayes_value(g, dp.prior, dp.utility), bayes_value(f, dp.prior, dp.utility)
    assert vf > vg and dp.values == (vg, vf)
    assert all(isinstance(v, sympy.Rational) for v in dp.values)
    assert bayes_value(f, mc.state(Bit, [F(1, 2)] * 2), np.eye(2, dtype=int)) == F(9, 10)
    assert mc.garbling(g, f) is None


def test_deficiency_of_binary_symmetric_channels_by_hand():
    # (1 − 2ε)(a − b) ≥ 1 − 2δ − 2t with a − b ≤ 1 gives δ(BSC ε, BSC δ) = ε − δ, attained by id
    f, g = bsc(F(1, 4)), bsc(F(1, 10))
    assert mc.deficiency(f, g) == sympy.Rational(3, 20)
    assert mc.deficiency(f, g, prior=mc.state(Bit, [F(1, 2)] * 2)) == sympy.Rational(3, 20)
    assert mc.deficiency(g, f) == 0
    assert float(mc.deficiency(f.to("numpy"), g.to("numpy"))) == pytest.approx(0.15, abs=1e-9)


def test_bayesian_version_holds_where_the_plain_order_fails():
    # f tells "a" from {b, c}; g tells "c" from {a, b}. Without c (prior 0) g says nothing new.
    T = mc.Obj("θ", ("a", "b", "c"))
    f = mc.deterministic(T, mc.Bool, lambda t: t == "a").to("sympy")
    g = mc.deterministic(T, mc.Bool, lambda t: t == "c").to("sympy")
    assert not mc.more_informative(f, g).holds
    prior = mc.state(T, [F(1, 2), F(1, 2), 0])
    c = mc.more_informative(f, g, prior=prior)
    assert c.holds
    assert mc.almost_surely_equal(f >> c.garbling, g, prior)
    assert not mc.allclose(f >> c.garbling, g)  # only almost surely
    # and with a full-support prior the certificate uses that prior
    full = mc.state(T, [F(1, 3)] * 3)
    dp = mc.more_informative(f, g, prior=full).certificate
    assert dp.prior.array.tolist() == [F(1, 3)] * 3
    assert bayes_value(g, full, dp.utility) > bayes_value(f, full, dp.utility)


def test_medical_tests_example():
    D = mc.Obj("disease", ("no", "yes"))
    R = mc.Obj("result", ("-", "+"))
    lab = mc.kernel(D, R, [[F(95, 100), F(5, 100)], [F(10, 100), F(90, 100)]])
    smudge = mc.kernel(R, R, [[F(9, 10), F(1, 10)], [F(1, 10), F(9, 10)]])
    rapid = lab >> smudge
    assert mc.more_informative(lab, rapid).holds
    # a test with few false positives but many false negatives: incomparable with lab
    other = mc.kernel(D, R, [[F(99, 100), F(1, 100)], [F(40, 100), F(60, 100)]])
    a, b = mc.more_informative(lab, other), mc.more_informative(other, lab)
    assert not a.holds and not b.holds
    for c, (f, g) in ((a, (lab, other)), (b, (other, lab))):
        u = c.certificate.utility
        assert bayes_value(g, c.certificate.prior, u) > bayes_value(f, c.certificate.prior, u)


# ---- random experiments: witnesses, certificates, independent routes ------------------------

sizes = st.integers(1, 3)


@st.composite
def pairs(draw, backend="sympy", comparable=None):
    """(f, g) on one Θ: g a garbling of f (comparable) or drawn freely."""
    T = mc.Obj("T", draw(st.integers(2, 3)))
    X, Y = mc.Obj("X", draw(sizes)), mc.Obj("Y", draw(sizes))
    f = draw(laws.kernels(T, X, backend=backend))
    if comparable is None:
        comparable = draw(st.booleans())
    if comparable:
        g = mc.evaluate(f >> draw(laws.kernels(X, Y, backend=backend)))
    else:
        g = draw(laws.kernels(T, Y, backend=backend))
    return f, g


@settings(max_examples=15)
@given(pairs())
def test_exact_answers_are_explained(fg):
    f, g = fg
    c = mc.more_informative(f, g)
    assert c.exact
    if c.holds:
        assert mc.allclose(f >> c.garbling, g, atol=0)  # exact equality, rationals
    else:
        dp = c.certificate
        assert bayes_value(g, dp.prior, dp.utility) > bayes_value(f, dp.prior, dp.utility)
        assert np.all(np.asarray(dp.utility, dtype=float) >= 0)
        assert np.all(np.asarray(dp.utility, dtype=float) <= 1)


@settings(max_examples=12)
@given(pairs(backend="sympy", comparable=True))
def test_garbling_of_itself_always_found(fg):
    f, g = fg
    assert mc.more_informative(f, g).holds
    laws.check_deficiency_of_garbling(f, mc.garbling(f, g))


def test_on_every_backend(backend):
    f = bsc(0.1, backend=backend)
    g = mc.evaluate(f >> bsc(0.2, X2, X2, backend=backend))
    c = mc.more_informative(f, g)
    assert c.holds and c.exact == (backend == "sympy")
    assert mc.allclose(f >> c.garbling, g, atol=1e-7)
    assert not mc.more_informative(g, f).holds


def _convex_order(mu, nu):
    """Whether the standard measure ``mu`` is a mean-preserving spread of ``nu``: a kernel
    D from ν's posteriors to μ's with barycentres preserved and ν D = μ (own LP)."""
    from scipy.optimize import linprog

    P = np.array(mu.cod.outcomes, dtype=float)  # I × Θ
    Q = np.array(nu.cod.outcomes, dtype=float)  # J × Θ
    a, b = np.asarray(mu.array, float), np.asarray(nu.array, float)
    i, j = len(a), len(b)
    rows, rhs = [], []
    for jj in range(j):
        for t in range(P.shape[1]):  # Σ_i D[j, i] P[i, t] = Q[j, t]
            r = np.zeros(j * i)
            r[jj * i : (jj + 1) * i] = P[:, t]
            rows.append(r)
            rhs.append(Q[jj, t])
        r = np.zeros(j * i)
        r[jj * i : (jj + 1) * i] = 1
        rows.append(r)
        rhs.append(1)
    for ii in range(i):  # Σ_j b_j D[j, i] = a_i
        r = np.zeros(j * i)
        r[ii::i] = b
        rows.append(r)
        rhs.append(a[ii])
    res = linprog(np.zeros(j * i), A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
    return res.status == 0


@settings(max_examples=20)
@given(pairs(backend="numpy"))
def test_blackwell_iff_convex_order_of_standard_measures(fg):
    f, g = fg
    prior = mc.state(f.dom, np.full(f.dom.size, 1 / f.dom.size))
    mu, nu = mc.standard_measure(f, prior), mc.standard_measure(g, prior)
    assert _convex_order(mu, nu) == mc.more_informative(f, g).holds


def test_standard_measure_by_hand_and_martingale():
    f = mc.kernel(Bit, mc.Obj("X", 3), [[F(1, 2), F(1, 2), 0], [0, F(1, 2), F(1, 2)]])
    prior = mc.state(Bit, [F(1, 4), F(3, 4)])
    mu = mc.standard_measure(f, prior)
    # x=0 only under θ=0 (prob 1/8); x=1 under both (1/2, posterior = prior); x=2: θ=1 (3/8)
    as_fraction = lambda v: F(str(v))  # noqa: E731  (sympy Rational → Fraction)
    got = {tuple(map(as_fraction, o)): as_fraction(w) for o, w in zip(mu.cod.outcomes, mu.array)}
    assert got == {
        (1, 0): F(1, 8),
        (F(1, 4), F(3, 4)): F(1, 2),
        (0, 1): F(3, 8),
    }
    # the posteriors average to the prior (Bayes plausibility)
    mean = sum(
        np.array(o, dtype=object) * w for o, w in zip(mu.cod.outcomes, mu.array, strict=True)
    )
    assert list(mean) == [F(1, 4), F(3, 4)]


# ---- laws as properties ---------------------------------------------------------------------


@settings(max_examples=10)
@given(st.data())
def test_preorder_and_composition(data):
    f, g = data.draw(pairs(comparable=True))
    h = mc.evaluate(g >> data.draw(laws.kernels(g.cod, mc.Obj("Z", 2), backend="sympy")))
    laws.check_comparison_preorder(f, g, h)
    laws.check_garbling_composition(f, g, h)
    laws.check_comparison_explained(h, f)


@settings(max_examples=10)
@given(pairs(backend="numpy"), st.data())
def test_blackwell_sherman_stein_on_random_decision_problems(fg, data):
    f, g = fg
    problems = [data.draw(laws.decision_problems(f.dom)) for _ in range(5)]
    laws.check_blackwell_sherman_stein(f, g, problems)


@settings(max_examples=10)
@given(st.data())
def test_data_processing_under_garbling(data):
    f, _ = data.draw(pairs(backend="numpy", comparable=True))
    gamma = data.draw(laws.kernels(f.cod, mc.Obj("Y", 3)))
    prior = data.draw(laws.states(f.dom))
    laws.check_garbling_data_processing(
        f, gamma, prior, divergences=(mc.KL, mc.TotalVariation, mc.Renyi(2))
    )


@settings(max_examples=8)
@given(st.data())
def test_deficiency_laws(data):
    T = mc.Obj("T", 2)
    f, g, h = (data.draw(laws.kernels(T, mc.Obj("X", 2), backend="sympy")) for _ in range(3))
    laws.check_deficiency_laws(f, g, h)


# ---- errors, display, peers -----------------------------------------------------------------


def test_errors_name_the_problem():
    f = bsc(0.1)
    other = mc.kernel(mc.Obj("Φ", 3), X2, [[0.5, 0.5]] * 3)
    with pytest.raises(mc.TypeMismatchError, match="share the parameter object"):
        mc.more_informative(f, other)
    with pytest.raises(mc.TypeMismatchError, match="expected an experiment"):
        mc.deficiency(f, "g")
    with pytest.raises(mc.TypeMismatchError, match="prior"):
        mc.more_informative(f, f, prior=mc.state(X2 @ X2, [0.25] * 4))
    root = mc.kernel(Bit, X2, [[sympy.sqrt(2) / 2, 1 - sympy.sqrt(2) / 2], [F(1, 2), F(1, 2)]])
    with pytest.raises(mc.InvalidArgumentError, match="rational"):
        mc.more_informative(root, root)


def test_repr_and_bool():
    c = mc.more_informative(bsc(F(1, 4)), bsc(F(1, 10)))
    assert (
        not c and "holds=False" in repr(c) and "exact" in repr(c) and "DecisionProblem" in repr(c)
    )
    assert "witness=X → X" in repr(mc.more_informative(bsc(F(1, 10)), bsc(F(1, 4))))


def test_agrees_with_dit_channel_orders():
    dit_order = pytest.importorskip("dit.channelorder")
    rng = np.random.default_rng(3)
    for _ in range(10):
        f = rng.dirichlet(np.ones(3), size=3)
        g = (
            f @ rng.dirichlet(np.ones(3), size=3)
            if rng.random() < 0.5
            else rng.dirichlet(np.ones(2), size=3)
        )
        T = mc.Obj("T", 3)
        fk, gk = mc.kernel(T, mc.Obj("X", 3), f), mc.kernel(T, mc.Obj("Y", g.shape[1]), g)
        assert mc.more_informative(fk, gk).holds == dit_order.is_output_degraded(f, g)
        assert float(mc.deficiency(fk, gk)) == pytest.approx(
            dit_order.le_cam_deficiency(f, g), abs=1e-6
        )
