"""Channel capacity: closed forms of the binary symmetric, erasure and Z channels (derived
by hand), a brute-force maximisation over a grid of priors, the certificate, exact results
on symmetric channels, JAX gradients against finite differences, and dit when installed."""

import math
from fractions import Fraction as F

import numpy as np
import pytest
import sympy

import markovcat as mc
from markovcat._capacity import is_symmetric

B = mc.Bool
Y3 = mc.Obj("Y", 3)


def h2(p):
    return 0.0 if p in (0, 1) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def mutual_information_np(r, W):
    q = r @ W
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(W > 0, W * np.log2(W / q), 0.0)
    return float(r @ t.sum(1))


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3, 0.5])
def test_binary_symmetric_channel(eps):
    W = [[1 - eps, eps], [eps, 1 - eps]]
    C, prior = mc.channel_capacity(mc.kernel(B, B, W), base=2)
    assert C == pytest.approx(1 - h2(eps), abs=1e-12)
    assert prior.array.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("e", [0.0, 0.25, 0.9])
def test_binary_erasure_channel(e):
    W = [[1 - e, e, 0], [0, e, 1 - e]]
    result = mc.channel_capacity(mc.kernel(B, Y3, W), base=2)
    assert result.capacity == pytest.approx(1 - e, abs=1e-12)
    assert result.symmetric


@pytest.mark.parametrize("p", [0.5, 0.2, 0.9])
def test_z_channel(p):
    # 0 → 0 always, 1 → 0 with probability p. With prior P(1) = a: I = h(a(1−p)) − a h(p);
    # the maximiser is a = 1 / ((1 − p)(1 + 2^(h(p)/(1−p)))), C = log2(1 + (1−p) p^(p/(1−p)))
    W = np.array([[1.0, 0.0], [p, 1 - p]])
    C, prior = mc.channel_capacity(mc.kernel(B, B, W), base=2, tol=1e-12)
    closed = math.log2(1 + (1 - p) * p ** (p / (1 - p)))
    assert C == pytest.approx(closed, abs=1e-10)
    a = 1 / ((1 - p) * (1 + 2 ** (h2(p) / (1 - p))))
    assert float(prior.array[1]) == pytest.approx(a, abs=1e-4)


def test_against_a_grid_of_priors():
    rng = np.random.default_rng(3)
    W = rng.dirichlet(np.ones(4), size=3)
    C, prior = mc.channel_capacity(mc.kernel(Y3, mc.Obj("Z", 4), W), base=2, tol=1e-12)
    grid = np.linspace(0, 1, 201)
    best = max(
        mutual_information_np(np.array([a, b, 1 - a - b]), W)
        for a in grid
        for b in grid
        if a + b <= 1 + 1e-12
    )
    assert best <= C + 1e-9
    assert C - best < 1e-3  # the grid's resolution
    assert mutual_information_np(np.asarray(prior.array), W) == pytest.approx(C, abs=1e-10)


def test_certificate_and_sparse_optimal_prior():
    # input 2 is a mixture of inputs 0 and 1: the optimal prior puts no mass on it
    W = np.array([[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]])
    result = mc.channel_capacity(mc.kernel(Y3, B, W), tol=1e-10)
    assert result.gap < 1e-10 and result.upper >= result.capacity
    assert result.capacity == pytest.approx(math.log(2) * (1 - h2(0.1)), abs=1e-9)
    assert float(result.prior.array[2]) < 1e-6


def test_large_channel_is_certified():
    rng = np.random.default_rng(0)
    A, Y = mc.Obj("A", 64), mc.Obj("Y", 64)
    result = mc.channel_capacity(mc.kernel(A, Y, rng.dirichlet(np.ones(64), size=64)), tol=1e-9)
    assert 0 <= result.gap < 1e-9
    assert result.iterations > 0


def test_exact_symmetric_channels():
    e = F(1, 4)
    C, prior = mc.channel_capacity(mc.kernel(B, Y3, [[1 - e, e, 0], [0, e, 1 - e]]), base=2)
    assert C == sympy.Rational(3, 4)
    assert prior.array.tolist() == [sympy.Rational(1, 2)] * 2
    bsc = mc.kernel(B, B, [[F(9, 10), F(1, 10)], [F(1, 10), F(9, 10)]])
    C, _ = mc.channel_capacity(bsc, base=2)
    assert isinstance(C, sympy.Basic)
    assert float(sympy.N(C, 30)) == pytest.approx(1 - h2(0.1), abs=1e-14)
    # non-symmetric exact channels are solved in floats
    z = mc.kernel(B, B, [[F(1), F(0)], [F(1, 2), F(1, 2)]])
    assert float(mc.channel_capacity(z, base=2).capacity) == pytest.approx(
        math.log2(1.25), abs=1e-9
    )


def test_symmetry_detection():
    assert is_symmetric(np.array([[0.7, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.1, 0.7]]))
    assert not is_symmetric(np.array([[0.7, 0.3], [0.2, 0.8]]))


def test_errors():
    with pytest.raises(mc.TypeMismatchError):
        mc.channel_capacity("channel")
    with pytest.raises(mc.MarkovCatError):
        mc.channel_capacity(mc.identity(B), tol=-1)
    with pytest.raises(mc.InformationError, match="certificate"):
        mc.channel_capacity(
            mc.kernel(Y3, B, [[0.9, 0.1], [0.2, 0.8], [0.45, 0.55]]), tol=1e-15, max_iterations=3
        )


def test_jax_gradient_matches_finite_differences():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy

    def capacity(m):
        return mc.channel_capacity(mc.kernel(B, B, m), tol=1e-13).capacity

    m = jnp.array([[0.8, 0.2], [0.3, 0.7]])
    g = jax.grad(capacity)(m)
    direction = jnp.array([[1.0, -1.0], [0.0, 0.0]])
    h = 1e-5
    numeric = (capacity(m + h * direction) - capacity(m - h * direction)) / (2 * h)
    assert float((g * direction).sum()) == pytest.approx(float(numeric), abs=1e-6)


def test_against_dit():
    pytest.importorskip("dit")
    from dit.algorithms import channel_capacity

    rng = np.random.default_rng(5)
    W = rng.dirichlet(np.ones(3), size=4)
    C, _ = mc.channel_capacity(mc.kernel(mc.Obj("A", 4), Y3, W), base=2, tol=1e-12)
    dit_value = channel_capacity(W)[0]
    assert C == pytest.approx(dit_value, abs=1e-6)
