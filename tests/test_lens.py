"""Bayesian lenses: the lens laws as property tests on every backend, the composite's
backward map against Bayes' rule by brute force (exact fractions), null rows, and the lax
tensor against the exact inverse on a correlated prior worked out by hand."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

A, B, C = mc.Obj("A", 2), mc.Obj("B", 3), mc.Obj("C", 2)


def chain(backend, zeros=True):
    return st.tuples(
        laws.kernels(A, B, backend=backend, zeros=zeros),
        laws.kernels(B, C, backend=backend, zeros=zeros),
        laws.kernels(C, A, backend=backend, zeros=zeros),
        laws.states(A, backend=backend, zeros=zeros),
    )


@settings(max_examples=8)
@given(data=st.data())
def test_lens_laws(backend, data):
    f, g, h, prior = data.draw(chain(backend))
    laws.check_lens_composite_inverse(f, g, prior)
    if backend == "jax":  # each new diagram is a JAX compile: the main law only (speed budget)
        return
    laws.check_lens_unit(f, prior)
    laws.check_lens_associativity(f, g, h, prior)
    laws.check_lens_composite_inverse(f, g >> h, prior)


def brute_posterior(prior, channels):
    """``P(x0 | x_n)`` by summing the chain's paths: rows indexed by x_n, the prior where
    ``x_n`` has probability 0 (DESIGN §1)."""
    sizes = [len(prior)] + [len(m[0]) for m in channels]
    joint = {}
    for path in itertools.product(*(range(n) for n in sizes)):
        p = prior[path[0]]
        for k, m in enumerate(channels):
            p *= m[path[k]][path[k + 1]]
        key = (path[-1], path[0])
        joint[key] = joint.get(key, 0) + p
    rows = []
    for z in range(sizes[-1]):
        total = sum(joint[(z, x)] for x in range(sizes[0]))
        rows.append([joint[(z, x)] / total if total else prior[x] for x in range(sizes[0])])
    return rows


def test_composite_backward_is_bayes_by_brute_force():
    prior = [F(1, 2), F(1, 3), F(1, 6)]
    f = [[F(1, 2), F(1, 2), 0], [F(1, 4), F(3, 4), 0], [0, 0, 1]]  # X → Y, Y = 2 never from x<2
    g = [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)], [1, 0]]  # Y → Z
    h = [[1, 0, 0], [0, 0, 1]]  # Z → W: W = 1 never happens
    X, Y, Z, W = mc.Obj("X", 3), mc.Obj("Y", 3), mc.Obj("Z", 2), mc.Obj("W", 3)
    fk, gk, hk = mc.kernel(X, Y, f), mc.kernel(Y, Z, g), mc.kernel(Z, W, h)
    p = mc.state(X, prior)
    composite = (mc.lens(fk) >> mc.lens(gk) >> mc.lens(hk)).backward(p)
    assert composite.backend == "sympy"
    expected = brute_posterior(prior, [f, g, h])
    assert composite.matrix.tolist() == expected
    assert expected[1] == prior  # the null row holds the prior


def test_lens_matches_bayes_invert_on_the_disease_test():
    D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    test = mc.kernel(D, T, [[F(95, 100), F(5, 100)], [F(1, 10), F(9, 10)]])
    prior = mc.state(D, [F(99, 100), F(1, 100)])
    inv = mc.lens(test).backward(prior)
    # P(ill | pos) = 0.01·0.9 / (0.01·0.9 + 0.99·0.05) = 9 / 58.5 = 2/13
    assert inv.matrix[1, 1] == F(2, 13)


@settings(max_examples=8)
@given(data=st.data())
def test_lax_tensor_is_exact_on_product_priors(backend, data):
    f = data.draw(laws.kernels(A, B, backend=backend))
    g = data.draw(laws.kernels(C, A, backend=backend))
    p, q = data.draw(laws.states(A, backend=backend)), data.draw(laws.states(C, backend=backend))
    lax = (mc.lens(f) @ mc.lens(g)).backward(p @ q)
    exact = mc.bayes_invert(f @ g, p @ q)
    assert mc.almost_surely_equal(lax, exact, p @ q >> (f @ g))


def test_lax_tensor_differs_on_a_correlated_prior():
    # Two perfectly correlated bits; we observe a noisy reading of the first only.
    f = mc.kernel(mc.Bool, mc.Bool, [[F(3, 4), F(1, 4)], [F(1, 4), F(3, 4)]])
    prior = mc.state(mc.Bool @ mc.Bool, [[F(1, 2), 0], [0, F(1, 2)]])
    lax = (mc.lens(f) @ mc.lens(mc.delete(mc.Bool))).backward(prior)
    exact = mc.bayes_invert(f @ mc.delete(mc.Bool), prior)
    # by hand: reading True gives P(x = True) = 3/4; exactly, the second bit follows
    assert exact.matrix[1].tolist() == [F(1, 4), 0, 0, F(3, 4)]
    # the lax tensor sees the marginals only: the second bit stays a fair coin
    assert lax.matrix[1].tolist() == [F(1, 8), F(1, 8), F(3, 8), F(3, 8)]


def test_custom_backward_and_names():
    f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="f")
    fixed = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.5, 0.5]])
    L = mc.lens(f, lambda prior: fixed)
    assert mc.allclose(L.backward(mc.state(mc.Bool, [0.3, 0.7])), fixed)
    assert str(mc.lens(f) >> mc.lens(f)) == "(f >> f)"
    assert "BayesianLens" in repr(L)
    assert mc.allclose((mc.lens(f) << mc.lens(f)).forward, f >> f)


def test_hmm_filter_step_is_the_inner_backward():
    """One filtering step: predict with the forward channel, update with the backward map
    of the emission lens; the composite lens then retrodicts to the previous state."""
    H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    step = mc.kernel(H, H, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]])
    emit = mc.kernel(H, O, [[F(7, 10), F(3, 10)], [F(1, 10), F(9, 10)]])
    prior = mc.state(H, [F(1, 2), F(1, 2)])
    predicted = (prior >> step).evaluate()
    assert predicted.array.tolist() == [F(11, 20), F(9, 20)]
    filtered = mc.lens(emit).backward(predicted)[1]  # observed o = 1
    # by hand: P(h=0 | o=1) = (11/20·3/10) / (11/20·3/10 + 9/20·9/10) = 33 / 114 = 11/38
    assert filtered.array.tolist() == [F(11, 38), F(27, 38)]
    composite = (mc.lens(step) >> mc.lens(emit)).backward(prior)[1]
    assert (
        composite.array.tolist()
        == (mc.state(H, filtered.array) >> mc.lens(step).backward(prior)).array.tolist()
    )


def test_errors():
    f = mc.kernel(mc.Bool, A, np.full((2, 2), 0.5))
    with pytest.raises(mc.TypeMismatchError, match="BayesianLens"):
        mc.lens(f) >> f
    with pytest.raises(mc.TypeMismatchError, match="codomain of the first"):
        mc.lens(f) >> mc.lens(f)
    with pytest.raises(mc.TypeMismatchError, match="prior state"):
        mc.lens(f).backward(mc.state(A, [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError, match="kernel or diagram"):
        mc.lens([[1, 0], [0, 1]])
    with pytest.raises(mc.TypeMismatchError, match="must give a kernel"):
        mc.lens(f, lambda p: p).backward(mc.state(mc.Bool, [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError):
        mc.lens(f) @ f
