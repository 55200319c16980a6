"""Second-order stochastic dominance: dilations, concave certificates and the
integrated-CDF criterion (Rothschild–Stiglitz), checked by hand and by brute force."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

W = mc.Obj("wealth", (0, 1, 2, 3, 4))


def expect(state, u, values):
    return sum(p * u(v) for p, v in zip(np.asarray(state.array).ravel(), values, strict=True))


def test_safe_dominates_a_fair_gamble():
    safe = mc.state(W, [0, 0, 1, 0, 0], backend="sympy")
    gamble = mc.state(W, [F(1, 2), 0, 0, 0, F(1, 2)])
    c = mc.sosd(safe, gamble)
    assert c.holds and c.exact
    k = c.dilation
    assert mc.allclose(safe >> k, gamble, atol=0)
    assert k.matrix[2].tolist() == [F(1, 2), 0, 0, 0, F(1, 2)]  # the only mean-2 split onto {0, 4}
    r = mc.sosd(gamble, safe)
    assert not r.holds and r.dilation is None
    u = r.certificate
    # a concave test the safe state wins: E_q u > E_p u, computed here from the values
    assert expect(safe, u, W.outcomes) > expect(gamble, u, W.outcomes)
    assert (expect(gamble, u, W.outcomes), expect(safe, u, W.outcomes)) == u.expectations
    assert all(u(1) - u(0) >= u(2) - u(1) >= u(3) - u(2) for _ in [0])  # concave on the grid


def test_different_means_give_a_linear_certificate():
    p = mc.state(W, [0, 1, 0, 0, 0], backend="sympy")
    q = mc.state(W, [0, 0, 1, 0, 0], backend="sympy")
    c = mc.sosd(p, q)
    assert not c.holds and c.certificate.kind == "linear"
    assert c.certificate.expectations == (1, 2)


def test_values_argument_and_different_objects():
    A = mc.Obj("portfolio A", ("bond",))
    B = mc.Obj("portfolio B", ("crash", "boom"))
    value = {"bond": 10, "crash": 5, "boom": 15}
    bond = mc.state(A, [1])
    stock = mc.state(B, [0.5, 0.5])
    assert mc.sosd(bond, stock, values=value).holds
    assert not mc.sosd(stock, bond, values=value).holds
    with pytest.raises(mc.InvalidArgumentError, match="number"):
        mc.sosd(bond, stock)
    with pytest.raises(mc.InvalidArgumentError, match="one object"):
        mc.sosd(bond, stock, values=[1, 2])
    with pytest.raises(mc.TypeMismatchError, match="state"):
        mc.sosd(mc.identity(W), stock)


@st.composite
def spreads(draw):
    """p on the inner points of W and q = p spread by ±1 with random weights (a dilation)."""
    w = draw(st.lists(st.integers(0, 5), min_size=3, max_size=3).filter(any))
    p = [0] + [F(v, sum(w)) for v in w] + [0]
    s = [F(draw(st.integers(0, 4)), 8) for _ in range(3)]  # spread s to each side
    q = [F(0)] * 5
    for i in range(1, 4):
        q[i - 1] += p[i] * s[i - 1]
        q[i + 1] += p[i] * s[i - 1]
        q[i] += p[i] * (1 - 2 * s[i - 1])
    return mc.state(W, p), mc.state(W, q)


@settings(max_examples=15)
@given(spreads())
def test_constructed_spreads_are_dominated(pq):
    p, q = pq
    assert mc.sosd(p, q).holds
    laws.check_sosd_criterion(p, q)


@settings(max_examples=15)
@given(laws.states(W, backend="sympy"), laws.states(W, backend="sympy"))
def test_sosd_iff_integrated_cdfs(p, q):
    laws.check_sosd_criterion(p, q)
    laws.check_sosd_criterion(q, p)


@settings(max_examples=10)
@given(spreads())
def test_floats_agree_with_exact(pq):
    p, q = pq
    assert mc.sosd(p.to("numpy"), q.to("numpy")).holds == mc.sosd(p, q).holds
    laws.check_sosd_criterion(p.to("numpy"), q.to("numpy"))
