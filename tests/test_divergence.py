"""Divergences: values against hand computations, edge cases, errors, and the laws of
DESIGN §3 'Divergences' as property tests on every backend."""

import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat.backends import ops
from markovcat.laws import information as il

X3 = mc.Obj("X", 3)
P = [F(1, 2), F(1, 4), F(1, 4)]
Q = [F(1, 4), F(1, 4), F(1, 2)]
HALF = [F(1, 2), F(1, 2), 0]


class Hellinger2(mc.SumDivergence):
    """The user-defined divergence of the docs: squared Hellinger distance."""

    name, logarithmic, off_diagonal = "Hellinger²", False, 0.5

    def term(self, p, q):
        return (ops.power(p, 0.5) - ops.power(q, 0.5)) ** 2 / 2


class RowsOnly(mc.Divergence):
    """A divergence given by rows only (the generic protocol): here, TV again."""

    name, logarithmic = "rows-only TV", False

    def rows(self, p, q, n):
        return ops.asum(ops.absolute(p - q), tuple(range(n, len(p.shape)))) / 2


def as_float(v):
    return float(sympy.N(v)) if isinstance(v, sympy.Basic) else float(v)


def exact_equal(a, b):
    return sympy.expand(sympy.expand_log(a - b, force=True, factor=True)) == 0


def st3(probs, backend):
    return mc.state(X3, probs, backend=backend)


def by_hand():
    """Independent numpy computations of the divergences of P, Q."""
    p, q = np.array(P, float), np.array(Q, float)
    kl = float(np.sum(p * np.log(p / q)))
    tv = 0.5 * float(np.abs(p - q).sum())

    def renyi(a):
        if a == 0:
            return -math.log(q[p > 0].sum())
        if a == math.inf:
            return math.log((p / q).max())
        return math.log(np.sum(p**a * q ** (1 - a))) / (a - 1)

    return kl, tv, renyi


# ---- values --------------------------------------------------------------------------------


def test_values_match_hand_computation(backend):
    kl, tv, renyi = by_hand()
    p, q = st3(P, backend), st3(Q, backend)
    assert as_float(mc.KL(p, q)) == pytest.approx(kl, abs=1e-12)
    assert as_float(mc.TotalVariation(p, q)) == pytest.approx(tv, abs=1e-12)
    for a in (0, 0.5, 1, 2, 3, math.inf):
        assert as_float(mc.Renyi(a)(p, q)) == pytest.approx(renyi(a) if a != 1 else kl, abs=1e-12)
    assert as_float(mc.KL(p, q, base=2)) == pytest.approx(kl / math.log(2), abs=1e-12)


def test_exact_values_are_sympy_expressions():
    p, q = st3(P, "sympy"), st3(Q, "sympy")
    kl = mc.KL(p, q)
    # ½ log 2 + ¼ log 1 + ¼ log ½ = ¼ log 2
    assert isinstance(kl, sympy.Basic) and sympy.simplify(kl - sympy.log(2) / 4) == 0
    assert mc.TotalVariation(p, q) == sympy.Rational(1, 4)
    assert sympy.simplify(mc.KL(p, q, base=2) - sympy.Rational(1, 4)) == 0
    assert mc.Renyi(math.inf)(p, q) == sympy.log(2)


@pytest.mark.parametrize("a", [0.5, 2, 3])
def test_renyi_exact_matches_closed_form(a):
    p, q = st3(P, "sympy"), st3(Q, "sympy")
    A = sympy.nsimplify(a)
    expected = sympy.log(
        sum(sympy.nsimplify(x) ** A * sympy.nsimplify(y) ** (1 - A) for x, y in zip(P, Q))
    ) / (A - 1)
    assert exact_equal(mc.Renyi(a)(p, q), expected)


def test_support_mismatch_and_zeros(backend):
    half, q = st3(HALF, backend), st3(Q, backend)
    point = st3([0, 0, 1], backend)
    # KL with a support mismatch is +inf, never NaN or an error; 0 log 0 = 0
    assert as_float(mc.KL(point, half)) == math.inf
    assert as_float(mc.KL(half, point)) == math.inf
    assert as_float(mc.KL(half, q)) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(2), abs=1e-12
    )
    assert as_float(mc.KL(half, half)) == 0
    for a in (1.5, 2, math.inf):
        assert as_float(mc.Renyi(a)(point, half)) == math.inf
    # below order 1, disjoint supports give +inf and partial overlap stays finite
    assert as_float(mc.Renyi(0.5)(point, half)) == math.inf
    assert as_float(mc.Renyi(0)(half, q)) == pytest.approx(-math.log(0.5), abs=1e-12)
    assert as_float(mc.TotalVariation(point, half)) == 1
    values = [mc.KL(half, q), mc.Renyi(0.5)(half, point), mc.Renyi(3)(half, q)]
    assert not any(math.isnan(as_float(v)) for v in values)


def test_kernels_use_sup_and_prior_uses_joint(backend):
    f = mc.kernel(X3, X3, [P, Q, HALF], backend=backend)
    g = mc.kernel(X3, X3, [Q, Q, Q], backend=backend)
    rows = [as_float(mc.KL(st3(r, backend), st3(Q, backend))) for r in (P, Q, HALF)]
    assert as_float(mc.KL(f, g)) == pytest.approx(max(rows), abs=1e-12)
    w = np.array([0.5, 0.25, 0.25])
    prior = mc.state(X3, [F(1, 2), F(1, 4), F(1, 4)], backend=backend)
    assert as_float(mc.KL(f, g, prior=prior)) == pytest.approx(float(w @ rows), abs=1e-12)
    # support mismatch only on an input of prior probability 0: finite, no NaN
    h = mc.kernel(X3, X3, [Q, Q, [0, 0, 1]], backend=backend)
    g0 = mc.kernel(X3, X3, [Q, Q, HALF], backend=backend)
    zero_last = mc.state(X3, [F(1, 2), F(1, 2), 0], backend=backend)
    assert as_float(mc.KL(h, g0)) == math.inf
    assert as_float(mc.KL(h, g0, prior=zero_last)) == 0


def test_renyi_limits_are_continuous():
    p, q = st3(P, "numpy"), st3(Q, "numpy")
    assert mc.Renyi(1 + 1e-7)(p, q) == pytest.approx(mc.KL(p, q), abs=1e-6)
    assert mc.Renyi(1 - 1e-7)(p, q) == pytest.approx(mc.KL(p, q), abs=1e-6)
    assert mc.Renyi(1e-9)(p, q) == pytest.approx(mc.Renyi(0)(p, q), abs=1e-6)
    assert mc.Renyi(2000)(p, q) == pytest.approx(mc.Renyi(math.inf)(p, q), abs=1e-3)


def test_user_divergence_hellinger(backend):
    p, q = st3(P, backend), st3(Q, backend)
    expected = 1 - sum(math.sqrt(float(a) * float(b)) for a, b in zip(P, Q))
    H2 = Hellinger2()
    assert as_float(H2(p, q)) == pytest.approx(expected, abs=1e-12)
    il.check_divergence_positivity(p, q, divergence=H2)
    il.check_entropy_routes(p, divergence=H2)
    # its entropy: D(copy p, p ⊗ p) = 1 − Σ_x p(x)^{3/2}
    ent = 1 - sum(float(a) ** 1.5 for a in P)
    assert as_float(mc.entropy(p, divergence=H2)) == pytest.approx(ent, abs=1e-12)
    with pytest.raises(mc.InformationError):
        H2(p, q, base=2)


def test_rows_only_divergence_builds_the_joint_and_is_guarded():
    p = st3(P, "numpy")
    assert mc.entropy(p, divergence=RowsOnly(), route="contraction") == pytest.approx(
        mc.gini_simpson(p)
    )
    big = mc.state(mc.Obj("Y", 20000), np.full(20000, 1 / 20000))
    with pytest.raises(mc.MemoryLimitError, match="max_elements"):
        mc.entropy(big, divergence=RowsOnly(), route="contraction")
    assert mc.entropy(big, divergence=mc.TotalVariation) == pytest.approx(1 - 1 / 20000)


def test_jax_scalars_are_differentiable():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    q = np.array([0.2, 0.3, 0.5])

    def kl_of_logits(t):
        p = mc.kernel_from_logits(mc.I, X3, t)
        return mc.KL(p, mc.state(X3, jnp.asarray(q)))

    t0 = np.array([0.1, -0.4, 0.3])
    value = kl_of_logits(jnp.asarray(t0))
    assert isinstance(value, jax.Array) and value.shape == ()
    g = np.asarray(jax.grad(kl_of_logits)(jnp.asarray(t0)))

    def numpy_kl(t):
        p = np.exp(t) / np.exp(t).sum()
        return float(np.sum(p * np.log(p / q)))

    eps = 1e-6
    fd = [(numpy_kl(t0 + eps * e) - numpy_kl(t0 - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, atol=1e-7)
    # zeros in the table give finite gradients, not NaN
    grad = jax.grad(
        lambda th: mc.KL(mc.state(X3, jnp.stack([th, 1 - th, 0.0])), mc.state(X3, jnp.asarray(q)))
    )
    assert np.isfinite(float(grad(0.3)))
    assert float(jax.jit(kl_of_logits)(jnp.asarray(t0))) == pytest.approx(numpy_kl(t0), abs=1e-12)


def test_errors_name_what_was_expected():
    p = st3(P, "numpy")
    with pytest.raises(mc.InformationError, match=r"order in \[0, inf\]"):
        mc.Renyi(-1)
    with pytest.raises(mc.InformationError):
        mc.Renyi(float("nan"))
    with pytest.raises(mc.InformationError, match="no logarithm"):
        mc.TotalVariation(p, p, base=2)
    with pytest.raises(mc.InformationError, match="base"):
        mc.KL(p, p, base=1)
    with pytest.raises(mc.TypeMismatchError, match="same type"):
        mc.KL(p, mc.state(mc.Bool, [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError, match="prior"):
        f = mc.kernel(X3, X3, [P, P, P])
        mc.KL(f, f, prior=mc.state(mc.Bool, [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError):
        mc.KL(p, [0.5, 0.5, 0.0])


def test_renyi_is_a_value_object():
    assert mc.Renyi(2) == mc.Renyi(2.0) and hash(mc.Renyi(2)) == hash(mc.Renyi(2.0))
    assert repr(mc.Renyi(0.5)) == "Renyi(0.5)" and mc.Renyi(math.inf).alpha == math.inf
    assert mc.Renyi(F(1, 2)).alpha == 0.5


# ---- laws (DESIGN §3) as property tests on every backend -----------------------------------------


def objs(backend, factors=2):
    """Small objects: up to two factors on numpy, one on sympy (exact arithmetic is slow),
    and two fixed atoms on JAX (eager JAX compiles every operation once per shape)."""
    if backend == "jax":
        return st.sampled_from([mc.Obj("X2", range(2)), mc.Obj("X3", range(3))])
    return laws.objects(max_factors=factors if backend == "numpy" else 1, max_outcomes=3)


@given(data=st.data())
def test_law_positivity_and_identity(backend, data):
    A, X = data.draw(objs(backend)), data.draw(objs(backend))
    D = data.draw(il.divergences())
    f, g = (data.draw(laws.kernels(A, X, backend=backend)) for _ in range(2))
    il.check_divergence_positivity(f, g, divergence=D)


@given(data=st.data())
def test_law_data_processing(backend, data):
    X, Y = data.draw(objs(backend)), data.draw(objs(backend))
    D = data.draw(il.divergences())
    p, q = (data.draw(laws.states(X, backend=backend)) for _ in range(2))
    h = data.draw(laws.kernels(X, Y, backend=backend))
    il.check_data_processing(p, q, h, divergence=D)


@given(data=st.data())
def test_law_composition_bound(backend, data):
    A, B, C = (data.draw(objs(backend, 1)) for _ in range(3))
    D = data.draw(il.divergences())
    f, f2 = (data.draw(laws.kernels(A, B, backend=backend)) for _ in range(2))
    g, g2 = (data.draw(laws.kernels(B, C, backend=backend)) for _ in range(2))
    il.check_composition_bound(f, f2, g, g2, divergence=D)


@given(data=st.data())
def test_law_tensor_bound(backend, data):
    A, B, C, E = (data.draw(objs(backend, 1)) for _ in range(4))
    if backend == "jax":  # one shape of the 4-axis tables: compile once
        B = C = E = A
    D = data.draw(il.divergences())
    f, f2 = (data.draw(laws.kernels(A, B, backend=backend)) for _ in range(2))
    h, h2 = (data.draw(laws.kernels(C, E, backend=backend)) for _ in range(2))
    il.check_tensor_bound(f, f2, h, h2, divergence=D)


@given(data=st.data())
def test_law_hom_set_sup_and_prior_joint(backend, data):
    A, X = data.draw(objs(backend)), data.draw(objs(backend))
    D = data.draw(il.divergences())
    f, g = (data.draw(laws.kernels(A, X, backend=backend)) for _ in range(2))
    il.check_hom_set_sup(f, g, divergence=D)
    il.check_prior_is_joint(f, g, data.draw(laws.states(A, backend=backend)), divergence=D)


@given(data=st.data())
def test_law_renyi_non_decreasing_in_order(backend, data):
    X = data.draw(objs(backend))
    p, q = (data.draw(laws.states(X, backend=backend)) for _ in range(2))
    a, b = (data.draw(st.sampled_from(il.ORDERS)) for _ in range(2))
    il.check_renyi_monotone(p, q, a, b)
    if backend == "numpy":  # and for orders off the grid
        a, b = (data.draw(st.floats(0, 50)) for _ in range(2))
        il.check_renyi_monotone(p, q, a, b, atol=1e-7)
