"""mc.sample: ancestral sampling through the network, checked against exact marginals."""

import itertools

import numpy as np
import pytest
from scipy.stats import chisquare

import markovcat as mc
from markovcat.models import hidden_markov_model

try:
    import jax

    HAVE_JAX = True
except ImportError:  # pragma: no cover - JAX is an optional extra
    HAVE_JAX = False

needs_jax = pytest.mark.skipif(not HAVE_JAX, reason="JAX not installed")

A = mc.Obj("A", ("a0", "a1", "a2"))
B = mc.Obj("B", ("b0", "b1"))
C = mc.Obj("C", ("c0", "c1", "c2"))
H, O = mc.Obj("H", ("h0", "h1")), mc.Obj("O", ("o0", "o1", "o2"))


def network(backend=None):
    """A ← root, B | A, C | A, B: a small Bayesian network with zero-probability entries."""
    a = mc.state(A, [0.5, 0.3, 0.2], name="A", backend=backend)
    b = mc.kernel(A, B, [[0.9, 0.1], [0.4, 0.6], [0.0, 1.0]], name="B", backend=backend)
    rows = [
        [0.1, 0.2, 0.7],
        [0.5, 0.5, 0.0],
        [0.3, 0.3, 0.4],
        [0.6, 0.2, 0.2],
        [1.0, 0.0, 0.0],
        [0.2, 0.2, 0.6],
    ]
    c = mc.kernel(A @ B, C, np.array(rows).reshape(3, 2, 3), name="C", backend=backend)
    return mc.bayesian_network([a, b, c])


def hmm(length=3, backend=None):
    init = mc.state(H, [0.6, 0.4], backend=backend)
    step = mc.kernel(H, H, [[0.7, 0.3], [0.2, 0.8]], backend=backend)
    emit = mc.kernel(H, O, [[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]], backend=backend)
    return hidden_markov_model(init, step, emit, length)


def fits(draws, state, positions):
    """Chi-square goodness of fit of the draws' joint of ``positions`` against the exact one."""
    probs = np.asarray(mc.marginal(state, list(positions)).array, dtype=float).ravel()
    factors = [state.cod.factors[i] for i in positions]
    cells = list(itertools.product(*(f.outcomes for f in factors)))
    count = {cell: 0 for cell in cells}
    for d in draws:
        count[tuple(d[i] for i in positions)] += 1
    observed = np.array([count[c] for c in cells], dtype=float)
    assert observed[probs == 0].sum() == 0  # nothing impossible is ever drawn
    live = probs > 0
    return chisquare(observed[live], len(draws) * probs[live]).pvalue


@pytest.mark.parametrize("positions", [(0,), (1,), (2,), (0, 2), (1, 2)])
def test_bayesian_network_marginals_fit(positions):
    state = network()
    draws = mc.sample(state, 4000, seed=7)
    assert len(draws) == 4000 and all(len(d) == 3 for d in draws)
    assert fits(draws, state, positions) > 1e-4


@pytest.mark.parametrize("positions", [(0,), (3,), (5,), (4, 5), (0, 5)])
def test_hidden_markov_model_marginals_fit(positions):
    state = hmm()
    draws = mc.sample(state, 4000, seed=11)
    assert fits(draws, state, positions) > 1e-4


def test_labels_and_indices_agree():
    state = network()
    draws = mc.sample(state, 50, seed=3)
    idx = mc.sample(state, 50, seed=3, labels=False)
    assert idx.shape == (50, 3) and np.issubdtype(idx.dtype, np.integer)
    assert draws == [tuple(f.outcomes[j] for f, j in zip(state.cod.factors, row)) for row in idx]


def test_seeds_are_deterministic_and_distinct():
    state = hmm()
    assert mc.sample(state, 200, seed=1) == mc.sample(state, 200, seed=1)
    assert mc.sample(state, 200, seed=1) != mc.sample(state, 200, seed=2)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert mc.sample(state, 30, seed=g1) == mc.sample(state, 30, seed=g2)
    assert mc.sample(state, 30, seed=g1) != mc.sample(state, 30, seed=np.random.default_rng(5))


def test_copies_repeat_the_same_draw():
    a = mc.state(A, [0.2, 0.3, 0.5])
    b = mc.kernel(A, B, [[0.5, 0.5], [0.1, 0.9], [0.7, 0.3]])
    state = a >> mc.copy(A, 3) >> (mc.identity(A) @ b @ mc.identity(A))
    draws = mc.sample(state, 300, seed=0)
    assert all(x == z for x, _, z in draws)
    assert {x for x, _, _ in draws} == set(A.outcomes)


def test_deleted_factors_and_pruned_kernels():
    # B is drawn (it feeds C) but deleted; the kernel on the deleted D is never needed
    a = mc.state(A, [0.2, 0.3, 0.5])
    b = mc.kernel(A, B, [[0.5, 0.5], [0.1, 0.9], [0.7, 0.3]])
    c = mc.kernel(B, C, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    state = a >> mc.copy(A) >> (mc.identity(A) @ (b >> mc.copy(B) >> (c @ mc.delete(B))))
    draws = mc.sample(state, 3000, seed=4)
    assert {z for _, z in draws} <= {"c0", "c2"}
    assert fits(draws, state, (0, 1)) > 1e-4


def test_small_cases():
    p = mc.state(B, [0.0, 1.0])
    assert mc.sample(p, 3, seed=0) == [("b1",)] * 3
    assert mc.sample(p, 0, seed=0) == []
    assert mc.sample(p, 0, labels=False).shape == (0, 1)
    assert mc.sample(mc.identity(mc.I), 2) == [(), ()]
    assert mc.sample(p @ p, 1, seed=0) == [("b1", "b1")]
    tuples = mc.Obj("T", ((0, 1), (1, 0)))  # tuple outcomes stay whole
    assert mc.sample(mc.state(tuples, [1.0, 0.0]), 2) == [((0, 1),), ((0, 1),)]


def test_exact_tables():
    exact = network("sympy")
    assert {leaf.backend for leaf in mc.network(exact).leaves} == {"sympy"}
    draws = mc.sample(exact, 3000, seed=9)
    assert fits(draws, network(), (0, 2)) > 1e-4
    assert mc.sample(exact, 20, seed=1) == mc.sample(network(), 20, seed=1)


@needs_jax
def test_jax_key_path():
    state = hmm(backend="jax")
    key = jax.random.key(0)
    draws = mc.sample(state, 3000, key=key)
    assert draws == mc.sample(state, 3000, key=key)
    assert draws != mc.sample(state, 3000, key=jax.random.key(1))
    assert fits(draws, state, (0,)) > 1e-4 and fits(draws, state, (2, 5)) > 1e-4
    with pytest.raises(mc.InvalidArgumentError, match="key="):
        mc.sample(state, 3)
    assert mc.sample(hmm(), 5, key=key) == mc.sample(state, 5, key=key)  # key draws with JAX


@needs_jax
def test_jax_under_jit_and_vmap():
    state = hmm(backend="jax")
    key = jax.random.key(0)
    eager = mc.sample(state, 100, key=key, labels=False)
    jitted = jax.jit(lambda s, k: mc.sample(s, 100, key=k, labels=False))(state, key)
    assert jitted.shape == (100, 6) and (np.asarray(jitted) == np.asarray(eager)).all()
    batch = jax.vmap(lambda k: mc.sample(state, 10, key=k, labels=False))(jax.random.split(key, 4))
    assert batch.shape == (4, 10, 6)
    with pytest.raises(mc.TypeMismatchError, match="labels=False"):
        jax.jit(lambda s, k: mc.sample(s, 2, key=k)[0][0])(state, key)


def test_errors():
    state = network()
    with pytest.raises(mc.TypeMismatchError, match="given list"):
        mc.sample([1, 2], 3)
    with pytest.raises(mc.TypeMismatchError, match="state I →"):
        mc.sample(mc.kernel(B, B, [[1, 0], [0, 1]]), 3)
    for bad in (-1, 2.0, True, "3", None):
        with pytest.raises(mc.InvalidArgumentError, match="non-negative int"):
            mc.sample(state, bad)
    with pytest.raises(mc.InvalidArgumentError, match="seed"):
        mc.sample(state, 3, seed="x")
    with pytest.raises(mc.UninterpretedBoxError, match="'f'"):
        mc.sample(mc.Box("f", mc.I, B), 3)
    limit = mc.config.max_elements
    try:
        mc.config.max_elements = 100
        with pytest.raises(mc.MemoryLimitError, match="max_elements"):
            mc.sample(state, 50)
        assert len(mc.sample(state, 30, seed=0)) == 30
    finally:
        mc.config.max_elements = limit


def brute_posterior(evidence_c: int) -> np.ndarray:
    """P(A, B | C = c) from the joint written out by hand from network()'s tables."""
    a = np.array([0.5, 0.3, 0.2])
    b = np.array([[0.9, 0.1], [0.4, 0.6], [0.0, 1.0]])
    c = np.array(
        [
            [0.1, 0.2, 0.7],
            [0.5, 0.5, 0.0],
            [0.3, 0.3, 0.4],
            [0.6, 0.2, 0.2],
            [1.0, 0.0, 0.0],
            [0.2, 0.2, 0.6],
        ]
    ).reshape(3, 2, 3)
    joint = a[:, None, None] * b[:, :, None] * c
    post = joint[:, :, evidence_c]
    return post / post.sum()


def test_conditional_sampling_fits_the_posterior():
    net = network()
    n = 4000
    draws = mc.sample(net, n, seed=5, evidence={"C": "c2"})
    assert all(d[2] == "c2" for d in draws)  # the observed factor repeats its outcome
    post = brute_posterior(2)
    count = np.zeros_like(post)
    for a, b, _ in draws:
        count[A.outcomes.index(a), B.outcomes.index(b)] += 1
    live = post > 0
    assert count[~live].sum() == 0
    assert chisquare(count[live], n * post[live]).pvalue > 1e-3


def test_keep_selects_and_orders_factors():
    net = network()
    both = mc.sample(net, 500, seed=2, keep=["C", "A"], labels=False)
    full = mc.sample(net, 500, seed=2, labels=False)
    assert np.array_equal(both, full[:, [2, 0]])  # the same ancestral draws, selected
    kept = mc.sample(net, 3000, seed=3, evidence={"C": "c0"}, keep=["B"])
    assert {d for d in kept} <= {("b0",), ("b1",)}
    p_b1 = brute_posterior(0).sum(axis=0)[1]
    share = sum(d == ("b1",) for d in kept) / 3000
    assert abs(share - p_b1) < 4 * np.sqrt(p_b1 * (1 - p_b1) / 3000)


def test_conditional_sampling_equals_sampling_the_conditioned_state():
    net = network()
    ev = {"C": "c1"}
    one = mc.sample(net, 200, seed=9, evidence=ev, keep=["A", "B"], labels=False)
    two = mc.sample(mc.condition(net, ev, keep=["A", "B"]), 200, seed=9, labels=False)
    assert np.array_equal(one, two)
    with pytest.raises(mc.ZeroProbabilityError):
        mc.sample(mc.bayesian_network([mc.state(B, [1.0, 0.0], name="B")]), 5, evidence={"B": "b1"})
