"""Hardening of divergences and entropies (issue 14).

Floats: Rényi divergences and entropies near order 1 (where ``log(...) / (α − 1)`` cancels),
near order 0, at large orders, and with probabilities down to subnormal 1e-320 (where
``p^α q^(1−α)`` overflows) are checked against closed forms evaluated with mpmath at 50
digits on the exact values of the stored floats.
Exact: logarithms of rationals with 50- and 200-digit denominators finish (no integer
factoring) and agree with the float computation, and exact equalities still collapse.
"""

import math
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
import sympy

import markovcat as mc
from markovcat.backends import ops
from markovcat.backends._exact import to_exact

mpmath.mp.dps = 50
REL = 1e-9

# ---- references at 50 digits -----------------------------------------------------------------


def mp_dist(v):
    """The exact values of stored floats, normalized exactly (a table sums to 1 only up to
    rounding; the divergence of distributions is meant)."""
    x = [t if isinstance(t, mpmath.mpf) else mpmath.mpf(float(t)) for t in np.ravel(v)]
    total = mpmath.fsum(x)
    return [t / total for t in x]


def ref_renyi(p, q, alpha):
    """``D_α(p‖q) = log(Σ p^α q^(1−α)) / (α − 1)``, its limits at 1 and ∞, for finite values."""
    p, q = mp_dist(p), mp_dist(q)
    pairs = [(a, b) for a, b in zip(p, q, strict=True) if a > 0 and b > 0]
    if alpha == 1:
        return mpmath.fsum(a * mpmath.log(a / b) for a, b in pairs)
    if alpha == math.inf:
        return max(mpmath.log(a / b) for a, b in pairs)
    al = mpmath.mpf(alpha)  # the exact float order
    s = mpmath.fsum(mpmath.exp(al * mpmath.log(a) + (1 - al) * mpmath.log(b)) for a, b in pairs)
    return mpmath.log(s) / (al - 1)


def ref_renyi_entropy(p, beta):
    """``H_β(p) = log(Σ p^β) / (1 − β)`` (Shannon at 1, min-entropy at ∞)."""
    p = [a for a in mp_dist(p) if a > 0]
    if beta == 1:
        return -mpmath.fsum(a * mpmath.log(a) for a in p)
    if beta == math.inf:
        return -mpmath.log(max(p))
    b = mpmath.mpf(beta)
    return mpmath.log(mpmath.fsum(mpmath.exp(b * mpmath.log(a)) for a in p)) / (1 - b)


def assert_rel(value, expected, rel=REL):
    value, expected = float(value), float(expected)
    assert math.isfinite(value), value
    assert value == pytest.approx(expected, rel=rel, abs=0), (value, expected)


# ---- the order grids ---------------------------------------------------------------------------

NEAR_ONE = sorted(
    (
        {1 + s * 10.0**-k for s in (1, -1) for k in range(1, 17)}
        | {1 + s * m * 1e-15 for s in (1, -1) for m in (1, 2, 3, 7)}
        | {1 - 2**-53, 1 + 2**-52, 1 - 1e-15, 0.999, 1.001, 0.6, 0.9, 1.1, 1.4}
    )
    - {1.0}  # 1 + 1e-16 rounds to 1
)
NEAR_ZERO = [1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 0.1, 0.3, 0.49, 0.5]
LARGE = [1.5, 2, 3, 10, 100, 1e3, 1e4, 1e6]
ORDERS = NEAR_ZERO + NEAR_ONE + LARGE

P2, Q2 = [0.5, 0.5], [0.25, 0.75]
P5 = [0.1, 0.2, 0.3, 0.15, 0.25]
Q5 = [0.3, 0.1, 0.05, 0.35, 0.2]
TINY_Q = [0.4, 0.3, 0.2, 0.1 - 2e-200, 2e-200]  # one q ≈ 1e-200: ratios ≈ 1e199
SUB_P = [0.25, 0.25, 0.25, 0.25]
SUB_Q = [0.5, 0.3, 0.2, 1e-320]  # subnormal: p/q overflows, log(p/q) ≈ 736

PAIRS = {"bool": (P2, Q2), "five": (P5, Q5), "tiny": (P5, TINY_Q), "subnormal": (SUB_P, SUB_Q)}


def states(p, q, backend="numpy"):
    X = mc.Obj("X", len(p))
    return mc.state(X, p, backend=backend), mc.state(X, q, backend=backend)


def test_grids_cover_both_sides_of_one():
    below = [a for a in NEAR_ONE if a < 1]
    above = [a for a in NEAR_ONE if a > 1]
    assert min(abs(a - 1) for a in below) < 2e-16 and min(abs(a - 1) for a in above) < 3e-16
    assert len(below) >= 20 and len(above) >= 19 and 1.0 not in NEAR_ONE


# ---- Rényi divergence of states ----------------------------------------------------------------


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("alpha", ORDERS)
def test_renyi_divergence_matches_50_digits(name, alpha):
    p, q = PAIRS[name]
    sp, sq = states(p, q)
    assert_rel(mc.Renyi(alpha)(sp, sq), ref_renyi(p, q, alpha))
    assert_rel(mc.Renyi(alpha)(sq, sp), ref_renyi(q, p, alpha))  # both directions


def test_the_reported_values():
    """The two cases of the issue: 0.222 for 0.144 near 1, inf for about 712 (or more)."""
    p, q = states(P2, Q2)
    value = mc.Renyi(1 - 1e-15)(p, q)
    assert_rel(value, ref_renyi(P2, Q2, 1 - 1e-15))
    assert value == pytest.approx(0.1438410362258904, rel=1e-12)  # ¼ log 2 + ... = KL
    assert abs(value - mc.KL(p, q)) < 1e-15
    u, tiny = states([0.5, 0.5], [1.0, 1e-310])
    for a in (2, 5, math.inf):
        v = mc.Renyi(a)(u, tiny)
        assert math.isfinite(v) and 700 < v < 720
        assert_rel(v, ref_renyi([0.5, 0.5], [1.0, 1e-310], a))


def test_renyi_is_continuous_through_order_one():
    """No jump at α = 1: the orders closest to 1 agree with KL to 1e-14 on both sides
    (where the log ratios are moderate; with ratios of 1e200 the slope ε·Var(L)/2 shows)."""
    for p, q in (PAIRS["bool"], PAIRS["five"]):
        sp, sq = states(p, q)
        kl = mc.KL(sp, sq)
        for a in (1 - 2**-52, 1 - 1e-15, 1 + 1e-15, 1 + 2**-52):
            assert abs(mc.Renyi(a)(sp, sq) - kl) <= 1e-14 * kl


@pytest.mark.parametrize("alpha", [1e-9, 0.3, 1 - 1e-15, 1 + 1e-12, 2, 1e3, math.inf])
def test_renyi_of_kernels_and_joints(alpha):
    """Rows (the sup) and joints with a prior go through the same stable forms."""
    rows_f = [P5, [*SUB_P, 0.0], [0.2] * 5]
    rows_g = [Q5, [*SUB_Q, 0.0], TINY_Q]
    X = mc.Obj("X", 5)
    X3 = mc.Obj("A", 3)
    f, g = mc.kernel(X3, X, rows_f), mc.kernel(X3, X, rows_g)
    expected = max(ref_renyi(a, b, alpha) for a, b in zip(rows_f, rows_g, strict=True))
    assert_rel(mc.Renyi(alpha)(f, g), expected)
    w = [0.5, 0.3, 0.2]
    mw = [mpmath.mpf(v) for v in w]  # the joint exactly: w·q would round 1e-320 to 2 digits
    joint_f = [wi * mpmath.mpf(x) for wi, r in zip(mw, rows_f, strict=True) for x in r]
    joint_g = [wi * mpmath.mpf(x) for wi, r in zip(mw, rows_g, strict=True) for x in r]
    prior = mc.state(X3, w)
    assert_rel(mc.Renyi(alpha)(f, g, prior=prior), ref_renyi(joint_f, joint_g, alpha))


def test_support_mismatch_near_order_one():
    """Below 1 a p-mass off q's support stays finite (and grows as α → 1); above 1 it is inf."""
    p, q = [0.5, 0.3, 0.2], [0.6, 0.4, 0.0]
    sp, sq = states(p, q)
    for a in (0.5, 0.9, 1 - 1e-6, 1 - 1e-12):
        assert_rel(mc.Renyi(a)(sp, sq), ref_renyi(p, q, a))
    assert mc.Renyi(1 - 1e-12)(sp, sq) > 1e10
    for a in (1 + 1e-15, 2, math.inf):
        assert mc.Renyi(a)(sp, sq) == math.inf
    # q-mass off p's support, near order 0 (where the stable form weighs by q)
    for a in (1e-12, 1e-6, 0.2):
        assert_rel(mc.Renyi(a)(sq, sp), ref_renyi(q, p, a))


def test_no_warnings_and_no_nan_at_extremes():
    """filterwarnings=error: no overflow, division or invalid-value warning in any branch."""
    p, q = states([1.0 - 5e-324, 5e-324], [5e-324, 1.0 - 5e-324])
    for a in (1e-300, 1e-15, 0.5, 1 - 1e-16, 1 + 1e-16, 2, 1e300, math.inf):
        v = mc.Renyi(a)(p, q)
        assert v >= 0 and not math.isnan(v)


# ---- entropies -------------------------------------------------------------------------------

ENT = {
    "three": [0.2, 0.3, 0.5],
    "five": P5,
    "tiny": [0.5, 0.5 - 1e-100, 1e-100],
    "subnormal": [0.6, 0.4, 1e-320],
}


@pytest.mark.parametrize("name", ENT)
@pytest.mark.parametrize("beta", ORDERS)
def test_renyi_entropy_matches_50_digits(name, beta):
    p = ENT[name]
    sp = mc.state(mc.Obj("X", len(p)), p)
    assert_rel(mc.renyi_entropy(sp, beta), ref_renyi_entropy(p, beta))


@pytest.mark.parametrize("name", ENT)
@pytest.mark.parametrize("alpha", [*NEAR_ONE, 0.3, 1e-6, 1.5, 3, 100, 1e4])
def test_entropy_with_renyi_divergence_matches_50_digits(name, alpha):
    """``entropy(p, Renyi(α))`` is Rényi entropy of order 2 − α; both routes."""
    p = ENT[name]
    sp = mc.state(mc.Obj("X", len(p)), p)
    expected = ref_renyi_entropy(p, 2 - mpmath.mpf(alpha))
    routes = ["auto", "contraction"] + (["definition"] if name in ("three", "five") else [])
    for route in routes:
        assert_rel(mc.entropy(sp, divergence=mc.Renyi(alpha), route=route), expected)


def test_conditional_entropy_with_renyi_near_one():
    """With a prior: the joint contraction near order 1 equals the KL conditional entropy."""
    X, A = mc.Obj("X", 3), mc.Obj("A", 2)
    f = mc.kernel(A, X, [[0.2, 0.3, 0.5], [0.6, 0.4 - 1e-320, 1e-320]])
    prior = mc.state(A, [0.25, 0.75])
    h = mc.conditional_entropy(f, prior)
    expected = 0.25 * ref_renyi_entropy([0.2, 0.3, 0.5], 1) + 0.75 * ref_renyi_entropy(
        [0.6, 0.4 - 1e-320, 1e-320], 1
    )
    assert_rel(h, expected)
    for a in (1 - 1e-15, 1 + 1e-15, 1 - 1e-9):
        assert_rel(mc.entropy(f, divergence=mc.Renyi(a), prior=prior), expected, rel=1e-8)


# ---- JAX: same values, finite gradients ----------------------------------------------------


def test_jax_near_one_and_gradients():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    X = mc.Obj("X", 4)
    small_q = [0.5, 0.3, 0.2, 1e-300]  # XLA flushes subnormals to 0: 1e-300 instead
    q = mc.state(X, jnp.asarray(small_q))
    for a in (1 - 1e-15, 1 + 1e-12, 0.3, 2, 1e3):
        v = mc.Renyi(a)(mc.state(X, jnp.asarray(SUB_P)), q)
        assert_rel(v, ref_renyi(SUB_P, small_q, a))

    def div(logits, a):
        return mc.Renyi(a)(mc.kernel_from_logits(mc.I, X, logits), q)

    for a in (1 - 1e-15, 1 + 1e-15, 0.5, 3):
        grad = jax.grad(div)(jnp.asarray([0.1, -0.2, 0.3, 0.0]), a)
        assert bool(jnp.all(jnp.isfinite(grad)))


# ---- exact: big denominators -------------------------------------------------------------------

D50 = int(sympy.nextprime(10**24)) * int(sympy.nextprime(3 * 10**25))  # a 50-digit semiprime
D200 = int(sympy.nextprime(10**99)) * int(sympy.nextprime(7 * 10**100))  # 200 digits
E50 = int(sympy.nextprime(5 * 10**24)) * int(sympy.nextprime(2 * 10**25))


def thirds(d):
    """Three probabilities with denominator d (no common factor with it)."""
    a, b = d // 3 + 1, d // 4 + 7
    return [F(a, d), F(b, d), F(d - a - b, d)]


@pytest.mark.parametrize("d", [D50, D200], ids=["50 digits", "200 digits"])
def test_exact_logs_of_big_denominators_finish_and_match_floats(d):
    assert len(str(d)) in (50, 200)
    X = mc.Obj("X", 3)
    p, q = thirds(d), thirds(E50)[::-1]
    ep, eq = mc.state(X, p, backend="sympy"), mc.state(X, q, backend="sympy")
    fp, fq = mc.state(X, [float(v) for v in p]), mc.state(X, [float(v) for v in q])

    def number(v):
        assert isinstance(v, sympy.Basic)
        return float(sympy.N(v, 40))

    checks = [
        (mc.shannon_entropy(ep), mc.shannon_entropy(fp)),
        (mc.entropy(ep), mc.entropy(fp)),
        (mc.entropy(ep, base=2), mc.entropy(fp, base=2)),
        (mc.KL(ep, eq), mc.KL(fp, fq)),
        (mc.Renyi(2)(ep, eq), mc.Renyi(2)(fp, fq)),
        (mc.Renyi(0.5)(ep, eq), mc.Renyi(0.5)(fp, fq)),
        (mc.renyi_entropy(ep, 2), mc.renyi_entropy(fp, 2)),
        (
            mc.conditional_entropy(mc.kernel(X, X, [p, q, p], backend="sympy"), ep),
            mc.conditional_entropy(mc.kernel(X, X, [[float(v) for v in r] for r in (p, q, p)]), fp),
        ),
    ]
    for exact, floating in checks:
        assert number(exact) == pytest.approx(floating, abs=1e-12)
    # exact results stay exact and collapse: the two entropy routes give the same expression
    assert mc.entropy(ep) == mc.shannon_entropy(ep) == mc.entropy(ep, route="contraction")
    assert mc.KL(ep, ep) == 0 and mc.Renyi(2)(ep, ep) == 0
    # additivity H(p ⊗ q) = H(p) + H(q): a rational combination of logs of big integers that
    # is 0 collects to exactly 0
    diff = mc.entropy(ep @ eq, route="contraction") - mc.entropy(ep) - mc.entropy(eq)
    assert ops.log_scalar(to_exact(np.array(diff, dtype=object))) == 0
    assert mc.mutual_information(ep @ eq) == 0


def test_exact_small_cases_still_simplify():
    X6 = mc.Obj("X6", 6)
    u = mc.state(X6, [F(1, 6)] * 6, backend="sympy")
    h = mc.entropy(u)
    assert h == sympy.log(2) + sympy.log(3)  # Σ c·log(prime), as before
    assert sympy.expand_log(h - sympy.log(6), force=True, factor=True) == 0
    assert mc.shannon_entropy(u) == h and mc.entropy(u, base=6) == 1
    X3 = mc.Obj("X", 3)
    p = mc.state(X3, [F(1, 2), F(1, 4), F(1, 4)], backend="sympy")
    # order 0 of the determinism entropy: log(8/3) = 3 log 2 − log 3
    assert mc.entropy(p, divergence=mc.Renyi(0)) == 3 * sympy.log(2) - sympy.log(3)
    assert mc.KL(p, p) == 0 and mc.entropy(p, base=2) == sympy.Rational(3, 2)
    # a product of two primes above the trial-division bound is kept whole (never factored)
    ab = 10007 * 10009
    v = ops.log_scalar(to_exact(np.array(sympy.log(sympy.Rational(ab, 4)), dtype=object)))
    assert v == sympy.log(ab) - 2 * sympy.log(2)
    # symbolic parameters still expand
    t = sympy.Symbol("theta", positive=True)
    v = ops.log_scalar(to_exact(np.array(t * sympy.log(t / 12), dtype=object)))
    assert v == t * sympy.log(t) - 2 * t * sympy.log(2) - t * sympy.log(3)
