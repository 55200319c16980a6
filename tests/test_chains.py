"""Multivariate Markov chains (markovcat.chains) against brute-force numpy computations,
on every backend, and the Curie–Weiss example of Lai & Choi."""

import itertools
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import chains, laws

A2, B3 = mc.Obj("A", 2), mc.Obj("B", 3)


def as_float(v):
    return float(sympy.N(v)) if isinstance(v, sympy.Basic) else float(v)


def matrix(k):
    return np.asarray(mc.evaluate(k).to("numpy").matrix, dtype=float)


# ---- an independent brute-force toolkit: states as tuples, plain loops and np.add.at ----------


class Brute:
    """A chain as a dense matrix over the product states, with grouping-based projections."""

    def __init__(self, P, pi, shape):
        self.P, self.pi, self.shape = np.asarray(P, float), np.asarray(pi, float), shape
        self.states = np.array(list(itertools.product(*(range(n) for n in shape))))

    def group(self, S):
        keys = [tuple(s) for s in self.states[:, list(S)]]
        labels = sorted(set(keys))
        index = {k: i for i, k in enumerate(labels)}
        return np.array([index[k] for k in keys]), len(labels)

    def project(self, S):
        r, m = self.group(S)
        J = np.zeros((m, m))
        np.add.at(J, (r[:, None], r[None, :]), self.pi[:, None] * self.P)
        piS = J.sum(1)
        return J / piS[:, None], piS

    @staticmethod
    def entropy_rate(P, pi):
        logs = np.log(np.where(P > 0, P, 1.0))
        return -float(np.sum(pi[:, None] * P * logs))

    @staticmethod
    def kl_rate(P, Q, pi):
        mask = (pi[:, None] * P) > 0
        if np.any(mask & (Q == 0)):
            return math.inf
        ratio = np.where(mask, P / np.where(Q > 0, Q, 1.0), 1.0)
        return float(np.sum(pi[:, None] * P * np.log(ratio)))

    def factorizability(self, S):
        R = [i for i in range(len(self.shape)) if i not in S]
        PS, _ = self.project(S)
        PR, _ = self.project(R)
        rS, _ = self.group(S)
        rR, _ = self.group(R)
        Q = PS[rS[:, None], rS[None, :]] * PR[rR[:, None], rR[None, :]]
        return self.kl_rate(self.P, Q, self.pi)

    def independence(self, S):
        PS, piS = self.project(S)
        sub = Brute(PS, piS, tuple(self.shape[i] for i in S))
        Q = np.ones_like(PS)
        for j in range(len(S)):
            Pj, _ = sub.project([j])
            rj, _ = sub.group([j])
            Q = Q * Pj[rj[:, None], rj[None, :]]
        return self.kl_rate(PS, Q, piS)

    def stationarity(self, S):
        PS, piS = self.project(S)
        return self.kl_rate(PS, np.tile(piS, (len(piS), 1)), piS)

    def projected_entropy_rate(self, S):
        return self.entropy_rate(*self.project(S))

    def greedy(self, objective, k, maximize=True):
        chosen, trace = [], []
        for _ in range(k):
            scores = {
                i: objective(sorted([*chosen, i]))
                for i in range(len(self.shape))
                if i not in chosen
            }
            rounded = {i: round(v, 12) * (1 if maximize else -1) for i, v in scores.items()}
            best = max(scores, key=lambda i: (rounded[i], -i))  # near-ties: the lowest i
            chosen.append(best)
            trace.append(scores[best])
        return chosen, trace


def stationary_by_eigenvector(P):
    w, v = np.linalg.eig(P.T)
    pi = np.real(v[:, np.argmin(np.abs(w - 1))])
    return pi / pi.sum()


# ---- small chains on every backend ------------------------------------------------------------


def small_chain(backend, data, zeros=False):
    X = A2 @ B3 if backend == "numpy" else A2 @ A2
    P = data.draw(laws.kernels(X, X, backend=backend, zeros=zeros))
    return X, P


@settings(max_examples=10)
@given(data=st.data())
def test_stationary(backend, data):
    _, P = small_chain(backend, data)
    pi = chains.stationary(P)
    assert mc.allclose(pi >> P, pi, atol=1e-10)  # exactly on sympy
    np.testing.assert_allclose(matrix(pi).ravel(), stationary_by_eigenvector(matrix(P)), atol=1e-10)


def test_reducible_chain_has_no_unique_stationary_law(backend):
    P = mc.identity(A2 @ A2).evaluate(backend)
    with pytest.raises(mc.InformationError, match="stationary"):
        chains.stationary(P)


@settings(max_examples=10)
@given(data=st.data())
def test_rates_projections_and_distances_match_brute_force(backend, data):
    X, P = small_chain(backend, data)
    pi = chains.stationary(P)
    brute = Brute(matrix(P), matrix(pi).ravel(), X.shape)
    assert as_float(chains.entropy_rate(P, pi)) == pytest.approx(
        brute.entropy_rate(brute.P, brute.pi), abs=1e-10
    )
    Q = data.draw(laws.kernels(X, X, backend=backend))
    assert as_float(chains.kl_rate(P, Q, pi)) == pytest.approx(
        brute.kl_rate(brute.P, matrix(Q), brute.pi), abs=1e-10
    )
    for S in ([0], [1], [0, 1]):
        np.testing.assert_allclose(
            matrix(chains.project(P, pi, S)), brute.project(S)[0], atol=1e-12
        )
        assert as_float(chains.projected_entropy_rate(P, pi, S)) == pytest.approx(
            brute.projected_entropy_rate(S), abs=1e-10
        )
        assert as_float(chains.distance_to_factorizability(P, pi, S)) == pytest.approx(
            brute.factorizability(S), abs=1e-10
        )
        assert as_float(chains.distance_to_independence(P, pi, S)) == pytest.approx(
            brute.independence(S), abs=1e-10
        )
        assert as_float(chains.distance_to_stationarity(P, pi, S)) == pytest.approx(
            brute.stationarity(S), abs=1e-10
        )


def test_null_rows_of_a_projection_hold_the_law_of_the_next_state(backend):
    # pi puts no mass on A = 1: the projection's row for A = 1 is the law of y_A
    P = mc.kernel(A2 @ A2, A2 @ A2, np.full((4, 4), 0.25), backend=backend)
    pi = mc.state(A2 @ A2, [0.5, 0.5, 0, 0], backend=backend)
    np.testing.assert_allclose(matrix(chains.project(P, pi, [0])), [[0.5, 0.5], [0.5, 0.5]])


@settings(max_examples=10)
@given(data=st.data())
def test_product_and_iid_chains_are_at_distance_zero(backend, data):
    f = data.draw(laws.kernels(A2, A2, backend=backend, zeros=False))
    g = data.draw(laws.kernels(A2, A2, backend=backend, zeros=False))
    P = f @ g
    pi = chains.stationary(P)
    for S in ([0], [1]):
        assert as_float(chains.distance_to_factorizability(P, pi, S)) == pytest.approx(0, abs=1e-12)
    assert as_float(chains.distance_to_independence(P, pi, [0, 1])) == pytest.approx(0, abs=1e-12)
    iid = mc.delete(A2 @ A2) >> data.draw(laws.states(A2 @ A2, backend=backend, zeros=False))
    iid_pi = chains.stationary(iid)
    value = chains.distance_to_stationarity(iid, iid_pi, [0, 1])
    assert as_float(value) == pytest.approx(0, abs=1e-12)
    if backend == "sympy":
        assert value == 0


def test_entropy_rate_is_differentiable_through_the_stationary_law():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy

    def rate(t):
        P = mc.kernel_from_logits(A2 @ A2, A2 @ A2, jnp.reshape(t, (4, 4)))
        return chains.entropy_rate(P, chains.stationary(P))

    def numpy_rate(t):
        P = np.exp(t.reshape(4, 4))
        P /= P.sum(1, keepdims=True)
        pi = stationary_by_eigenvector(P)
        return -float(np.sum(pi[:, None] * P * np.log(P)))

    t0 = np.random.default_rng(1).normal(size=16)
    g = np.asarray(jax.grad(rate)(jnp.asarray(t0)))
    eps = 1e-6
    fd = [(numpy_rate(t0 + eps * e) - numpy_rate(t0 - eps * e)) / (2 * eps) for e in np.eye(16)]
    np.testing.assert_allclose(g, fd, atol=1e-6)


# ---- greedy subset selection -------------------------------------------------------------------


def test_greedy_matches_a_brute_force_greedy():
    rng = np.random.default_rng(3)
    X = mc.product(*[mc.Obj(f"C{i}", 2) for i in range(4)])
    raw = rng.random((16, 16)) ** 3
    P = mc.kernel(X, X, raw / raw.sum(1, keepdims=True))
    pi = chains.stationary(P)
    brute = Brute(matrix(P), matrix(pi).ravel(), X.shape)
    cases = {
        "entropy_rate": (brute.projected_entropy_rate, True),
        "factorizability": (brute.factorizability, True),
        "independence": (brute.independence, False),
        "stationarity": (brute.stationarity, True),
    }
    for name, (objective, maximize) in cases.items():
        subset, trace = brute.greedy(objective, 3, maximize)
        sel = chains.greedy_subset(name, P, pi, 3)
        assert list(sel.subset) == subset, name
        np.testing.assert_allclose(sel.trace, trace, atol=1e-10)
        assert sel.value == pytest.approx(objective(sorted(subset)), abs=1e-10)
    # functions and overrides
    assert chains.greedy_subset(chains.distance_to_independence, P, pi, 2).subset == tuple(
        brute.greedy(brute.independence, 2, False)[0]
    )
    assert chains.greedy_subset("independence", P, pi, 2, maximize=True).subset == tuple(
        brute.greedy(brute.independence, 2, True)[0]
    )
    mine = chains.greedy_subset(lambda P, pi, S: -abs(sum(S) - 3), P, pi, 2)
    assert sorted(mine.subset) in ([0, 3], [1, 2]) and mine.value == 0
    assert chains.greedy_subset("stationarity", P, pi, 0).subset == ()


def test_errors():
    X = A2 @ A2
    P = mc.kernel(X, X, np.full((4, 4), 0.25))
    pi = chains.stationary(P)
    with pytest.raises(mc.TypeMismatchError, match="endo-kernel"):
        chains.stationary(mc.kernel(A2, B3, np.full((2, 3), 1 / 3)))
    with pytest.raises(mc.TypeMismatchError, match="law"):
        chains.entropy_rate(P, mc.state(A2, [0.5, 0.5]))
    with pytest.raises(mc.InformationError, match="distinct"):
        chains.project(P, pi, [0, 0])
    with pytest.raises(mc.InformationError, match="unknown objective"):
        chains.greedy_subset("mixing", P, pi, 1)
    with pytest.raises(mc.InformationError, match="k in 0..2"):
        chains.greedy_subset("entropy_rate", P, pi, 3)


# ---- the Curie–Weiss model of Lai & Choi ---------------------------------------------------------


def curie_weiss_brute(d, beta, h, coupling):
    """Independent construction: states in {−1, +1}^d, energies by the formula, the
    single-spin-flip Metropolis matrix by loops over states and flips, the Gibbs law."""
    S = np.array(list(itertools.product([-1, 1], repeat=d)))
    idx = {tuple(s): i for i, s in enumerate(S)}
    E = np.array(
        [
            -sum(coupling(i, j) * s[i] * s[j] for i in range(d) for j in range(d)) - h * s.sum()
            for s in S
        ]
    )
    P = np.zeros((len(S), len(S)))
    for i, s in enumerate(S):
        for k in range(d):
            y = s.copy()
            y[k] = -y[k]
            j = idx[tuple(y)]
            P[i, j] = min(1.0, math.exp(-beta * (E[j] - E[i]))) / d
        P[i, i] = 1.0 - P[i].sum()
    pi = np.exp(-beta * (E - E.min()))
    return P, pi / pi.sum()


def curie_weiss_markovcat(d, beta, h, coupling):
    X = mc.product(*[mc.Obj(f"x{i}", (-1, 1)) for i in range(d)])

    def energy(*x):
        return -sum(coupling(i, j) * x[i] * x[j] for i in range(d) for j in range(d)) - h * sum(x)

    return X, chains.metropolis(X, energy, beta), chains.gibbs(X, energy, beta)


def lai_choi(i, j):
    return 2.0 ** -abs(i - j)


@pytest.fixture(scope="module")
def curie_weiss():
    d, beta, h = 10, 0.1, 1.0
    X, P, pi = curie_weiss_markovcat(d, beta, h, lai_choi)
    bP, bpi = curie_weiss_brute(d, beta, h, lai_choi)
    return X, P, pi, Brute(bP, bpi, X.shape)


def test_curie_weiss_model_and_stationary_law(curie_weiss):
    _, P, pi, brute = curie_weiss
    np.testing.assert_allclose(matrix(P), brute.P, atol=1e-14)
    np.testing.assert_allclose(matrix(pi).ravel(), brute.pi, atol=1e-14)
    np.testing.assert_allclose(matrix(chains.stationary(P)).ravel(), brute.pi, atol=1e-12)
    # detailed balance: the Metropolis kernel is reversible for the Gibbs law
    flow = brute.pi[:, None] * brute.P
    np.testing.assert_allclose(flow, flow.T, atol=1e-15)


def test_curie_weiss_information_quantities(curie_weiss):
    _, P, pi, brute = curie_weiss
    assert chains.entropy_rate(P, pi) == pytest.approx(
        brute.entropy_rate(brute.P, brute.pi), abs=1e-12
    )
    for S in ([0], [4], [2, 7], [1, 5, 6]):
        assert chains.projected_entropy_rate(P, pi, S) == pytest.approx(
            brute.projected_entropy_rate(S), abs=1e-12
        )
        assert chains.distance_to_factorizability(P, pi, S) == pytest.approx(
            brute.factorizability(S), abs=1e-12
        )
        assert chains.distance_to_independence(P, pi, S) == pytest.approx(
            brute.independence(S), abs=1e-12
        )
        assert chains.distance_to_stationarity(P, pi, S) == pytest.approx(
            brute.stationarity(S), abs=1e-12
        )


def test_curie_weiss_greedy(curie_weiss):
    _, P, pi, brute = curie_weiss
    for name, objective, maximize in (
        ("entropy_rate", brute.projected_entropy_rate, True),
        ("factorizability", brute.factorizability, True),
        ("independence", brute.independence, False),
        ("stationarity", brute.stationarity, True),
    ):
        sel = chains.greedy_subset(name, P, pi, 3)
        subset, trace = brute.greedy(objective, 3, maximize)
        # the model is symmetric under i ↔ d−1−i: compare values, and subsets up to mirroring
        np.testing.assert_allclose(sel.trace, trace, atol=1e-10)
        assert sorted(sel.subset) in (sorted(subset), sorted(9 - i for i in subset)), name


def test_published_curie_weiss_numbers_come_from_the_classical_hamiltonian():
    """The numbers in the paper repository's results/Curie-Weiss/results.txt (greedy entropy
    rate, float32) are those of H(x) = −(Σ x_i)² with h = 0 and β = 0.1 — an earlier version
    of its code — not of the 2^−|i−j| couplings with h = 1 that its current code builds."""
    published = [0.05069255828857422, 0.08951091021299362, 0.1290052980184555,
                 0.16822472214698792, 0.20722928643226624, 0.24579183757305145,
                 0.2838687598705292, 0.3213552236557007, 0.3581136465072632,
                 0.3934893012046814]  # fmt: skip
    _, P, pi = curie_weiss_markovcat(10, 0.1, 0.0, lambda i, j: 1.0)
    sel = chains.greedy_subset("entropy_rate", P, pi, 10)
    np.testing.assert_allclose(sel.trace, published, atol=2e-5)  # float32 accumulation there
    assert chains.entropy_rate(P, pi) == pytest.approx(published[-1], abs=1e-6)
