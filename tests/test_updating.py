"""Predicates, validity, and the Pearl and Jeffrey updates: the effect-algebra operations
against brute-force sums, a sensor example worked out by hand in fractions, and the
update laws (Jacobs 2019) as property tests on every backend."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)

# ---- the sensor, by hand --------------------------------------------------------------------
# Weather W ∈ {rain, dry}, prior 1/4 rain; a sensor reads "wet" with probability 9/10 in rain
# and 1/5 when dry. We are 80% sure the display read "wet".
W, S = mc.Obj("W", ("rain", "dry")), mc.Obj("S", ("wet", "not"))
prior = mc.state(W, [F(1, 4), F(3, 4)])
sensor = mc.kernel(W, S, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]])


def test_pearl_on_the_sensor_by_hand():
    q = mc.predicate(S, [F(4, 5), F(1, 5)])
    # (sensor ≪ q)(rain) = 9/10·4/5 + 1/10·1/5 = 37/50; (dry) = 1/5·4/5 + 4/5·1/5 = 16/50
    assert mc.predicate_transform(sensor, q).values.tolist() == [F(37, 50), F(16, 50)]
    # validity = 1/4·37/50 + 3/4·16/50 = 85/200 = 17/40
    assert mc.validity(prior, mc.predicate_transform(sensor, q)) == F(17, 40)
    post = mc.pearl_update(prior, sensor, q)
    assert post.array.tolist() == [F(37, 85), F(48, 85)]
    # Pearl raises the validity: 37/85·37/50 + 48/85·16/50 = 2137/4250 > 17/40
    assert mc.validity(post, mc.predicate_transform(sensor, q)) == F(2137, 4250)


def test_jeffrey_on_the_sensor_by_hand():
    tau = mc.state(S, [F(4, 5), F(1, 5)])
    # prediction: wet = 1/4·9/10 + 3/4·1/5 = 3/8; P(rain | wet) = (9/40)/(15/40) = 3/5,
    # P(rain | not) = (1/40)/(25/40) = 1/25; Jeffrey: 4/5·3/5 + 1/5·1/25 = 61/125
    post = mc.jeffrey_update(prior, sensor, tau)
    assert post.array.tolist() == [F(61, 125), F(64, 125)]
    # the two rules disagree on soft evidence (Pearl gave 37/85 ≈ 0.435)
    assert F(61, 125) != F(37, 85)
    # Jeffrey makes the prediction match the evidence state more closely
    assert float(mc.KL(tau, post >> sensor)) < float(mc.KL(tau, prior >> sensor))


def test_point_evidence_on_the_sensor_by_hand():
    pearl = mc.pearl_update(prior, sensor, mc.predicate(S, {"wet": 1}))
    jeffrey = mc.jeffrey_update(prior, sensor, mc.state(S, {"wet": 1}))
    assert pearl.array.tolist() == jeffrey.array.tolist() == [F(3, 5), F(2, 5)]


# ---- the effect algebra ---------------------------------------------------------------------
def values(p):
    return np.asarray(mc.evaluate(p).matrix[:, 1], dtype=float)


def test_operations_brute_force(backend):
    p = mc.predicate(X, [0.2, 0.5, 1.0], backend=backend)
    q = mc.predicate(X, [0.6, 0.0, 0.25], backend=backend)
    a, b = np.array([0.2, 0.5, 1.0]), np.array([0.6, 0.0, 0.25])
    np.testing.assert_allclose(values(p & q), a * b)
    np.testing.assert_allclose(values(p | q), 1 - (1 - a) * (1 - b))
    np.testing.assert_allclose(values(~p), 1 - a)
    np.testing.assert_allclose(values(0.5 * p), 0.5 * a)
    np.testing.assert_allclose(values(p * 0.5), 0.5 * a)
    assert isinstance(p & q, mc.Predicate) and (p & q).backend == backend
    omega = mc.state(X, [0.5, 0.25, 0.25], backend=backend)
    assert abs(float(mc.validity(omega, p)) - (0.1 + 0.125 + 0.25)) < 1e-12
    assert abs(float(mc.validity(omega, ~p)) - (1 - 0.475)) < 1e-12


def test_exact_laws_of_the_effect_algebra():
    p = mc.predicate(X, [F(1, 5), F(1, 2), 1])
    q = mc.predicate(X, [F(3, 5), 0, F(1, 4)])
    truth, falsity = mc.predicate(X, 1), mc.predicate(X, 0)
    assert (~~p).values.tolist() == p.values.tolist()
    assert (p | q).values.tolist() == (~(~p & ~q)).values.tolist()  # De Morgan
    assert (p & truth).values.tolist() == p.values.tolist()
    assert (p | falsity).values.tolist() == p.values.tolist()
    assert (p | truth).values.tolist() == [1, 1, 1]
    sharp = mc.predicate(X, {0: 1, 2: 1})
    assert (sharp | ~sharp).values.tolist() == [1, 1, 1]  # sharp predicates: excluded middle
    assert (p | ~p).values.tolist() == [F(21, 25), F(3, 4), 1]  # fuzzy ones: not
    kernel_pred = mc.kernel(X, mc.Bool, [[F(1, 2), F(1, 2)]] * 3)
    assert (p & kernel_pred).values.tolist() == [F(1, 10), F(1, 4), F(1, 2)]
    assert (kernel_pred & p).values.tolist() == [F(1, 10), F(1, 4), F(1, 2)]


def test_construction():
    pair = mc.Obj("A", 2) @ mc.Obj("B", 2)
    p = mc.predicate(pair, lambda a, b: 1.0 if a == b else 0.0)
    assert values(p).tolist() == [1.0, 0.0, 0.0, 1.0]
    assert values(mc.predicate(pair, [[0.5, 0], [0, 1]])).tolist() == [0.5, 0.0, 0.0, 1.0]
    assert mc.predicate(X, {1: 1}).backend == "numpy"
    assert mc.predicate(X, [F(1, 2), 0, 1]).backend == "sympy"
    assert mc.predicate(X, mc.kernel(X, mc.Bool, np.full((3, 2), 0.5))).backend == "numpy"
    assert mc.condition(
        mc.state(X, [0.5, 0.25, 0.25]), mc.predicate(X, [1, 0, 1])
    ).array.tolist() == [
        2 / 3,
        0.0,
        1 / 3,
    ]


@settings(max_examples=8)
@given(data=st.data())
def test_validity_and_transformation_brute_force(backend, data):
    omega = data.draw(laws.states(X, backend=backend))
    c = data.draw(laws.kernels(X, Y, backend=backend))
    q = mc.predicate(Y, np.asarray(data.draw(laws.states(Y, backend=backend)).array)[[0, 1]])
    w, cm, qv = (np.asarray(a, dtype=float) for a in (omega.array, c.matrix, values(q)))
    transformed = mc.predicate_transform(c, q)
    np.testing.assert_allclose(values(transformed), cm @ qv, atol=1e-12)
    lhs, rhs = mc.validity(omega, transformed), mc.validity(omega >> c, q)
    assert abs(float(lhs) - float(w @ cm @ qv)) < 1e-12
    laws.assert_close(lhs, rhs, "ω ⊨ c ≪ q equals ω >> c ⊨ q")


# ---- the update laws ------------------------------------------------------------------------
@settings(max_examples=8)
@given(data=st.data())
def test_update_laws(backend, data):
    omega = data.draw(laws.states(X, backend=backend, zeros=False))
    c = data.draw(laws.kernels(X, Y, backend=backend, zeros=False))
    tau = data.draw(laws.states(Y, backend=backend))
    weights = data.draw(laws.states(Y, backend=backend, zeros=False))
    q = mc.predicate(Y, np.asarray(weights.array), backend=backend)
    laws.check_pearl_validity(omega, c, q)
    laws.check_jeffrey_divergence(omega, c, tau)
    if backend == "jax":  # each new diagram is a JAX compile (speed budget)
        return
    y = data.draw(st.sampled_from(Y.outcomes))
    laws.check_pearl_jeffrey_point(omega, c, y)
    laws.check_jeffrey_point_conditioning(omega, c, y)


def test_update_laws_on_products():
    Z = mc.Obj("Z", 2) @ mc.Obj("V", 2)
    omega = mc.state(X, [F(1, 2), F(1, 3), F(1, 6)])
    c = mc.kernel(X, Z, [[F(1, 4)] * 4, [F(1, 2), 0, F(1, 4), F(1, 4)], [0, 0, F(1, 3), F(2, 3)]])
    laws.check_jeffrey_point_conditioning(omega, c, (1, 0))
    laws.check_pearl_jeffrey_point(omega, c, (1, 1))


def test_errors():
    omega = mc.state(X, [0.5, 0.5, 0.0])
    c = mc.kernel(X, Y, [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(mc.ZeroProbabilityError, match="probability 0"):
        mc.jeffrey_update(omega, c, mc.state(Y, [0.5, 0.5]))
    with pytest.raises(mc.ZeroProbabilityError):
        mc.pearl_update(omega, c, mc.predicate(Y, {1: 1}))
    with pytest.raises(mc.InvalidArgumentError, match=r"\[0, 1\]"):
        mc.predicate(X, [0.5, 1.5, 0])
    with pytest.raises(mc.InvalidArgumentError, match="3 truth values"):
        mc.predicate(X, [0.5, 0.5])
    p = mc.predicate(X, [0.5, 0.5, 0])
    with pytest.raises(mc.InvalidArgumentError, match=r"\[0, 1\]"):
        2 * p
    with pytest.raises(mc.TypeMismatchError, match="scaling"):
        p * p
    with pytest.raises(mc.TypeMismatchError, match="predicate"):
        p & mc.predicate(Y, [0.5, 0.5])
    with pytest.raises(mc.TypeMismatchError, match="state"):
        mc.validity(c, p)
    with pytest.raises(mc.TypeMismatchError, match="channel"):
        mc.pearl_update(omega, mc.kernel(Y, Y, np.eye(2)), p)
    with pytest.raises(mc.TypeMismatchError, match="codomain"):
        mc.jeffrey_update(omega, c, omega)
    assert mc.allclose(mc.jeffrey_update(omega, None, omega), omega)
    assert mc.allclose(mc.pearl_update(omega, None, p), mc.condition(omega, p))


def test_jax_predicates_are_pytrees():
    jax = pytest.importorskip("jax")
    p = mc.predicate(Y, [0.25, 0.75], backend="jax")
    leaves, tree = jax.tree_util.tree_flatten(p)
    again = jax.tree_util.tree_unflatten(tree, leaves)
    assert isinstance(again, mc.Predicate)
    assert float(mc.validity(mc.state(Y, [0.5, 0.5], backend="jax"), again)) == 0.5


def test_jax_gradient_of_validity_is_the_state():
    jax = pytest.importorskip("jax")
    omega = mc.state(Y, [0.25, 0.75], backend="jax")
    grad = jax.grad(lambda v: mc.validity(omega, mc.predicate(Y, v)))(jax.numpy.array([0.5, 0.1]))
    np.testing.assert_allclose(np.asarray(grad), [0.25, 0.75])  # ∂/∂p(y) Σ ω(y) p(y) = ω(y)
    jitted = jax.jit(lambda p: mc.validity(omega, p))
    assert abs(float(jitted(mc.predicate(Y, [0.2, 0.6], backend="jax"))) - 0.5) < 1e-12
