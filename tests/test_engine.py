"""The contraction engine: numerics (long evidence, subnormal likelihoods), max-product,
threads, JAX transformations and the memory guard — each checked against an independent
computation written here (a scaled forward–backward, closed forms, brute force over the
joint, exact rationals of the float inputs)."""

import functools
import itertools
import math
import threading
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from test_posterior import bayes_nets, brute, build, check_equal, condition_brute

import markovcat as mc
from markovcat import _engine
from markovcat.models import hidden_markov_model


# ---- an independent scaled forward–backward ------------------------------------------
def forward_backward(init, A, B, obs):
    """Posterior of each hidden state and log P(obs) (Rabiner's scaling, written out)."""
    T, n = len(obs), len(init)
    alpha, c = np.zeros((T, n)), np.zeros(T)
    a = init * B[:, obs[0]]
    c[0] = a.sum()
    alpha[0] = a / c[0]
    for t in range(1, T):
        a = (alpha[t - 1] @ A) * B[:, obs[t]]
        c[t] = a.sum()
        alpha[t] = a / c[t]
    beta = np.ones(n)
    post = np.zeros((T, n))
    post[-1] = alpha[-1]
    for t in range(T - 2, -1, -1):
        beta = A @ (B[:, obs[t + 1]] * beta) / c[t + 1]
        post[t] = alpha[t] * beta
        post[t] /= post[t].sum()
    return post, float(np.log(c).sum())


def hmm_case(T, seed=0, n=2, m=2):
    rng = np.random.default_rng(seed)
    init = rng.dirichlet(np.ones(n))
    A = rng.dirichlet(np.ones(n), size=n)
    B = rng.dirichlet(np.ones(m), size=n)
    obs = rng.integers(0, m, size=T)
    H, O = mc.Obj("H", n), mc.Obj("O", m)
    model = hidden_markov_model(mc.state(H, init), mc.kernel(H, H, A), mc.kernel(H, O, B), T)
    evidence = {2 * t + 1: int(o) for t, o in enumerate(obs)}
    return model, evidence, (init, A, B, obs)


@pytest.fixture(scope="module")
def long_hmm():
    return hmm_case(10_000, seed=1)


@pytest.mark.parametrize("T", [1_000])
def test_long_hmm_all_marginals_match_scaled_forward_backward(T):
    model, evidence, (init, A, B, obs) = hmm_case(T)
    post, loglik = forward_backward(init, A, B, obs)
    got = mc.posterior_marginals(model, evidence)
    hidden = np.array([got[2 * t].array for t in range(T)])
    np.testing.assert_allclose(hidden, post, rtol=1e-10, atol=1e-13)
    assert loglik < -600  # P(obs) is far below what float64 holds to full precision
    np.testing.assert_allclose(mc.log_evidence(model, evidence), loglik, rtol=1e-12)
    for t in (0, T // 2, T - 1):
        np.testing.assert_allclose(
            mc.posterior(model, evidence, keep=2 * t).array, post[t], rtol=1e-10
        )
        np.testing.assert_allclose(
            mc.condition(model, evidence, keep=[2 * t]).array, post[t], rtol=1e-10
        )


def test_ten_thousand_steps_of_evidence(long_hmm):
    model, evidence, (init, A, B, obs) = long_hmm
    post, loglik = forward_backward(init, A, B, obs)
    got = mc.posterior_marginals(model, evidence)
    hidden = np.array([got[2 * t].array for t in range(len(obs))])
    np.testing.assert_allclose(hidden, post, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mc.log_evidence(model, evidence), loglik, rtol=1e-11)
    np.testing.assert_allclose(mc.posterior(model, evidence, keep=0).array, post[0], rtol=1e-9)


def test_the_joint_of_two_distant_hidden_states_matches_a_brute_force_chain():
    T = 400
    model, evidence, (init, A, B, obs) = hmm_case(T, seed=3)
    got = mc.posterior(model, evidence, keep=[0, 2 * (T - 1)]).array
    # P(h0, hT | obs) ∝ init(h0) B(h0, o0) · [Π_t A diag(B[:, o_t])] (h0, hT), rescaled
    M = np.diag(init * B[:, obs[0]])
    for t in range(1, T):
        M = M @ A * B[:, obs[t]]
        M /= M.max()
    np.testing.assert_allclose(got, M / M.sum(), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("n", [300, 3_000])
def test_independent_factors_all_but_one_observed(n):
    rng = np.random.default_rng(n)
    X = mc.Obj("X", 3)
    probs = rng.dirichlet(np.ones(3) * 0.2, size=n) * 0.999 + 0.001 / 3
    state = functools.reduce(lambda a, b: a @ b, [mc.state(X, p) for p in probs])
    seen = rng.integers(0, 3, size=n)
    evidence = {i: int(seen[i]) for i in range(1, n)}
    want = float(np.sum(np.log(probs[np.arange(1, n), seen[1:]])))
    assert want < -745  # the product of the observed probabilities underflows
    np.testing.assert_allclose(mc.log_evidence(state, evidence), want, rtol=1e-12)
    np.testing.assert_allclose(mc.posterior(state, evidence, keep=0).array, probs[0], rtol=1e-12)
    np.testing.assert_allclose(mc.condition(state, evidence, keep=[0]).array, probs[0], rtol=1e-12)
    if n <= 300:
        got = mc.posterior_marginals(state, evidence)
        np.testing.assert_allclose(got[0].array, probs[0], rtol=1e-12)
        assert got[5].array[seen[5]] == 1.0


def test_a_naive_bayes_star_with_hundreds_of_observed_children():
    rng = np.random.default_rng(7)
    n = 400
    R = mc.Obj("R", 2)
    prior = np.array([0.3, 0.7])
    tables = rng.dirichlet(np.ones(4), size=(n, 2))
    kernels = [mc.state(R, prior, name="R")]
    kernels += [mc.kernel(R, mc.Obj(f"C{i}", 4), tables[i], name=f"C{i}") for i in range(n)]
    net = mc.bayesian_network(kernels)
    seen = rng.integers(0, 4, size=n)
    evidence = {f"C{i}": int(seen[i]) for i in range(n - 1)}
    logpost = np.log(prior) + sum(np.log(tables[i][:, seen[i]]) for i in range(n - 1))
    post = np.exp(logpost - np.logaddexp.reduce(logpost))
    got = mc.posterior_marginals(net, evidence)
    np.testing.assert_allclose(got[0].array, post, rtol=1e-10)
    np.testing.assert_allclose(got[n].array, post @ tables[n - 1], rtol=1e-10)
    np.testing.assert_allclose(
        mc.log_evidence(net, evidence), np.logaddexp.reduce(logpost), rtol=1e-12
    )


def exact_posterior(prior, column):
    """The exact posterior of the floats as stored (their binary values, as Fractions)."""
    w = [Fraction(p) * Fraction(c) for p, c in zip(prior, column)]
    return [float(v / sum(w)) for v in w]


@pytest.mark.parametrize(
    "backend, col",
    [
        ("numpy", [2e-320, 3e-320]),  # subnormal: about 4 significant digits as stored
        # XLA on CPU flushes subnormals to zero, so JAX cannot hold them: the smallest
        # normal likelihoods, whose product with the prior underflows, instead
        ("jax", [3e-308, 4.5e-308]),
    ],
)
def test_subnormal_likelihoods_keep_their_digits(backend, col):
    if backend == "jax":
        pytest.importorskip("jax")
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 2)
    prior = [0.5, 0.5]
    f = mc.kernel(X, Y, [[1 - col[0], col[0]], [1 - col[1], col[1]]], backend=backend)
    p = mc.state(X, prior, backend=backend)
    joint = p >> mc.copy(X) >> (mc.identity(X) @ f)
    want = exact_posterior(prior, col)
    assert abs(want[0] - 0.4) < 1e-3  # the stored values are close to 2 : 3
    assert 0.5 * col[0] < 2.3e-308  # prior × likelihood leaves the normal range
    got = mc.condition(joint, {1: 1}, keep=[0]).array
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    np.testing.assert_allclose(
        np.asarray(mc.posterior(joint, {1: 1}, keep=0).array), want, rtol=1e-12
    )
    margs = mc.posterior_marginals(joint, {1: 1})
    np.testing.assert_allclose(np.asarray(margs[0].array), want, rtol=1e-12)
    inverse = mc.bayes_invert(f, p).matrix
    np.testing.assert_allclose(np.asarray(inverse)[1], want, rtol=1e-12)


def test_bayes_invert_where_prior_times_likelihood_underflows():
    X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)
    prior = [1e-200, 0.5, 0.5 - 1e-200]
    col = [1e-200, 1e-250, 3e-250]  # prior × likelihood is below 1e-308 for two of them
    f = mc.kernel(X, Y, [[1 - c, c] for c in col])
    inverse = np.asarray(mc.bayes_invert(f, mc.state(X, prior)).matrix)
    np.testing.assert_allclose(inverse[1], exact_posterior(prior, col), rtol=1e-12)
    assert not np.allclose(inverse[1], prior)  # the old answer was the prior


def test_null_rows_still_hold_the_prior():
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
    f = mc.kernel(X, Y, [[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]])
    inverse = mc.bayes_invert(f, mc.state(X, [0.3, 0.7])).matrix
    np.testing.assert_allclose(inverse[2], [0.3, 0.7])


# ---- max-product: the most probable explanation and MAP ------------------------------
def positive_evidence(data, objs, joint, max_size):
    """Observed factors (at most ``max_size``) and outcome indices of positive probability."""
    n = len(objs)
    sample = data.draw(st.sampled_from(list(zip(*np.nonzero(joint > 0)))))
    seen = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=max_size))
    return {i: int(sample[i]) for i in seen}


@settings(max_examples=25)
@given(net=bayes_nets(max_vars=5), data=st.data())
def test_most_probable_explanation_matches_brute_force(backend, net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    n = len(objs)
    observed = positive_evidence(data, objs, joint, n - 1)
    state = build(objs, parents, tables, backend)
    evidence = {i: objs[i].values[v] for i, v in observed.items()}
    outcome, prob = mc.most_probable(state, evidence)
    post, z = condition_brute(joint, observed)
    index = tuple(objs[i].values.index(v) for i, v in enumerate(outcome))
    assert post[index] == post.max()  # an argmax (ties allowed)
    for i, v in observed.items():
        assert index[i] == v
    check_equal(np.array([prob]), np.array([post.max() / z]), backend)
    # MAP over a subset, the others summed out first
    keep = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n))
    outcome, prob = mc.most_probable(state, evidence, keep=keep)
    axes = tuple(i for i in range(n) if i not in keep)
    table = post.sum(axis=axes) if axes else post
    order = sorted(keep)
    index = tuple(objs[k].values.index(outcome[keep.index(k)]) for k in order)
    assert table[index] == table.max()
    check_equal(np.array([prob]), np.array([table.max() / z]), backend)


def test_most_probable_on_a_long_hmm_is_the_viterbi_path():
    T = 2_000  # the most probable path has probability far below 1e-308
    model, evidence, (init, A, B, obs) = hmm_case(T, seed=5, n=3, m=3)
    # Viterbi in log space, written out
    delta = np.log(init) + np.log(B[:, obs[0]])
    back = []
    for t in range(1, T):
        scores = delta[:, None] + np.log(A)
        back.append(scores.argmax(axis=0))
        delta = scores.max(axis=0) + np.log(B[:, obs[t]])
    path = [int(delta.argmax())]
    for b in reversed(back):
        path.append(int(b[path[-1]]))
    path.reverse()
    outcome, prob = mc.most_probable(model, evidence)
    assert list(outcome[0::2]) == path
    assert list(outcome[1::2]) == [int(o) for o in obs]
    _, loglik = forward_backward(init, A, B, obs)
    np.testing.assert_allclose(math.log(prob), delta.max() - loglik, rtol=1e-10)


def test_most_probable_without_evidence_and_with_names():
    R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
    net = mc.bayesian_network([mc.state(R, [0.8, 0.2]), mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]])])
    assert mc.most_probable(net) == (("no", "dry"), pytest.approx(0.72))
    outcome, p = mc.most_probable(net, {"Wet": "wet"}, keep=["Rain"])
    assert outcome == ("yes",) and p == pytest.approx(0.16 / 0.24)
    with pytest.raises(mc.ZeroProbabilityError):
        mc.most_probable(
            mc.bayesian_network([mc.state(R, [1.0, 0.0]), mc.kernel(R, W, [[1.0, 0.0], [0, 1]])]),
            {"Wet": "wet"},
        )


# ---- every query against dense computations, on every backend -----------------------
@settings(max_examples=15)
@given(net=bayes_nets(max_vars=4), data=st.data())
def test_every_query_matches_the_dense_joint(backend, net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    n = len(objs)
    state = build(objs, parents, tables, backend)
    observed = positive_evidence(data, objs, joint, n)
    evidence = {i: objs[i].values[v] for i, v in observed.items()}
    post, z = condition_brute(joint, observed)
    check_equal(mc.condition(state, evidence).array, post / z, backend)
    keep = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n))
    axes = tuple(i for i in range(n) if i not in keep)
    want = np.transpose(post.sum(axis=axes) if axes else post, np.argsort(np.argsort(keep)))
    check_equal(mc.posterior(state, evidence, keep=keep).array, want / z, backend)
    check_equal(mc.condition(state, evidence, keep=keep).array, want / z, backend)
    marg = joint.sum(axis=axes) if axes else joint
    check_equal(
        mc.marginal(state, keep).array, np.transpose(marg, np.argsort(np.argsort(keep))), backend
    )
    log_z = mc.log_evidence(state, evidence)
    if backend == "sympy":
        assert sympy.simplify(sympy.exp(log_z) - sympy.Rational(z.numerator, z.denominator)) == 0
    else:
        np.testing.assert_allclose(float(log_z), math.log(z), rtol=1e-12, atol=1e-14)
    # disintegration on the first factor: joint(x0, rest) = m(x0) · c(rest | x0)
    m, c = mc.disintegrate(state, [0])
    marg0 = joint.sum(axis=tuple(range(1, n)))
    check_equal(m.array, marg0, backend)
    rest = joint.reshape(objs[0].size, -1)
    rows = np.array(
        [
            r / r.sum() if r.sum() else np.asarray(joint.sum(axis=0), dtype=object).ravel()
            for r in rest
        ],
        dtype=object,
    )
    check_equal(np.asarray(c.matrix), rows, backend)


# ---- threads --------------------------------------------------------------------------
def _queries(net):
    ev = {"dysp": "yes", "smoke": "no"}
    return {
        "condition": lambda: mc.condition(net, ev, keep=["lung"]).array,
        "posterior": lambda: mc.posterior(net, ev, keep=["lung", "bronc"]).array,
        "marginals": lambda: np.array([m.array for m in mc.posterior_marginals(net, ev)]),
        "marginal": lambda: mc.marginal(net, [3, 4]).array,
        "log_evidence": lambda: np.array(mc.log_evidence(net, ev)),
        "most_probable": lambda: np.array([mc.most_probable(net, ev)[1]]),
        "evaluate": lambda: mc.marginal(net >> mc.identity(net.cod), [0, 7]).array,
        "disintegrate": lambda: mc.disintegrate(mc.marginal(net, [1, 4]), [0])[1].array,
    }


def test_eight_threads_first_use_of_new_structures_agree_with_one_thread():
    from test_posterior import asia

    want = {k: q() for k, q in _queries(asia()).items()}
    for _ in range(3):
        _engine.clear_cache()
        nets = [asia() for _ in range(8)]  # new diagrams: nothing cached on them
        barrier = threading.Barrier(8)
        results: dict = {}
        errors: list = []

        def work(i, nets=nets, barrier=barrier, results=results, errors=errors):
            try:
                barrier.wait()
                qs = _queries(nets[i])
                order = list(qs)[i % 8 :] + list(qs)[: i % 8]
                results[i] = {k: qs[k]() for k in order}
            except Exception as exc:  # reported below with the thread's number
                errors.append((i, exc))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        for got in results.values():
            for k, v in got.items():
                np.testing.assert_allclose(v, want[k], rtol=1e-13, err_msg=k)


# ---- JAX: jit, grad and vmap through every query ---------------------------------------
@pytest.fixture
def jax():
    jax = pytest.importorskip("jax")
    return jax


def _chain(jnp, init_logits, step_logits, emit):
    H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    init = mc.kernel_from_logits(mc.I, H, init_logits)
    step = mc.kernel_from_logits(H, H, step_logits)
    return hidden_markov_model(init, step, mc.kernel(H, O, emit), 30)


def test_log_evidence_gradient_matches_finite_differences(jax):
    jnp = jax.numpy
    emit = jnp.array([[0.7, 0.3], [0.2, 0.8]])
    ev = {2 * t + 1: t % 2 for t in range(30)}

    def loglik(a, b):
        return mc.log_evidence(_chain(jnp, a, b, emit), ev)

    a, b = jnp.array([0.1, -0.3]), jnp.array([[0.5, -0.5], [0.2, 0.1]])
    ga, gb = jax.jit(jax.grad(loglik, argnums=(0, 1)))(a, b)
    eps = 1e-6
    for i in range(2):
        d = jnp.zeros(2).at[i].set(eps)
        fd = (loglik(a + d, b) - loglik(a - d, b)) / (2 * eps)
        np.testing.assert_allclose(ga[i], fd, rtol=1e-6, atol=1e-9)
    d = jnp.zeros((2, 2)).at[1, 0].set(eps)
    np.testing.assert_allclose(
        gb[1, 0], (loglik(a, b + d) - loglik(a, b - d)) / (2 * eps), rtol=1e-6
    )


def test_every_query_under_jit_and_vmap(jax):
    jnp = jax.numpy
    X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)
    f = jnp.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])

    def queries(p):
        prior = mc.state(X, p)
        joint = prior >> mc.copy(X) >> (mc.identity(X) @ mc.kernel(X, Y, f))
        return (
            mc.condition(joint, {1: 1}, keep=[0]).array,
            mc.posterior(joint, {1: 1}, keep=0).array,
            mc.posterior_marginals(joint, {1: 1})[0].array,
            mc.marginal(joint, [1]).array,
            mc.bayes_invert(mc.kernel(X, Y, f), prior).matrix,
            mc.disintegrate(joint, [1])[1].matrix,
            mc.log_evidence(joint, {1: 1}),
            mc.evaluate(joint).array,
        )

    p = jnp.array([0.2, 0.3, 0.5])
    eager = queries(p)
    jitted = jax.jit(queries)(p)
    want = p * f[:, 1] / (p * f[:, 1]).sum()
    for a, b in zip(eager, jitted):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(eager[0], want, rtol=1e-12)
    batch = jnp.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
    vm = jax.vmap(queries)(batch)
    for k in range(2):
        for a, b in zip(queries(batch[k]), vm):
            np.testing.assert_allclose(a, b[k], rtol=1e-12)


def test_a_diagram_first_evaluated_under_jit_caches_no_tracer(jax):
    jnp = jax.numpy
    X = mc.Obj("X", 2)
    f = mc.kernel(X, X, jnp.array([[0.9, 0.1], [0.4, 0.6]]))
    d = f >> f

    @jax.jit
    def inside(scale):
        return d.array * scale

    inside(1.0)
    assert isinstance(d.array, jax.Array)  # a concrete array, not a leaked tracer
    np.testing.assert_allclose(
        d.array, np.array([[0.9, 0.1], [0.4, 0.6]]) @ [[0.9, 0.1], [0.4, 0.6]]
    )


def test_zero_probability_evidence_under_jit_gives_no_nan(jax):
    jnp = jax.numpy
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 2)

    def post(p):
        joint = mc.state(X, p) >> mc.copy(X) >> (mc.identity(X) @ mc.kernel(X, Y, [[1, 0], [1, 0]]))
        return mc.condition(joint, {1: 1}, keep=[0]).array, mc.log_evidence(joint, {1: 1})

    table, log_z = jax.jit(post)(jnp.array([0.5, 0.5]))
    assert not np.isnan(np.asarray(table)).any() and np.asarray(table).sum() == 0
    assert log_z == -np.inf
    with pytest.raises(mc.ZeroProbabilityError):
        post(jnp.array([0.5, 0.5]))


# ---- the memory guard ------------------------------------------------------------------
def test_the_guard_refuses_huge_outputs_before_allocating():
    import tracemalloc

    s = mc.state(mc.Bool, [0.5, 0.5])
    tracemalloc.start()
    try:
        with pytest.raises(mc.MemoryLimitError, match="2\\*\\*30|1,073,741,824"):
            mc.posterior(s, keep=[0] * 30)
        with pytest.raises(mc.MemoryLimitError):
            mc.condition(functools.reduce(lambda a, b: a @ b, [s] * 30), {0: True})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20


def test_the_guard_covers_the_adjoint_and_max_product_passes(monkeypatch):
    X = mc.Obj("X", 8)
    net = mc.bayesian_network(
        [mc.state(X, np.ones(8) / 8, name="A")]
        + [mc.kernel(X, mc.Obj(f"B{i}", 8), np.ones((8, 8)) / 8) for i in range(3)]
    )
    monkeypatch.setattr(mc.config, "max_elements", 7)
    with pytest.raises(mc.MemoryLimitError):  # max-product is never sliced
        mc.most_probable(net)
    # sum-product passes are sliced (here on every wire, 8**4 slices) and still right
    assert all(np.allclose(m.array, 1 / 8) for m in mc.posterior_marginals(net, {}))
    assert np.isclose(mc.log_evidence(net, {1: 0}), math.log(1 / 8))
    monkeypatch.setattr(_engine._slice, "MAX_SLICES", 1)  # no slicing: refused up front
    _engine.clear_cache()
    net.__dict__.pop("_plans")  # the wires sliced are remembered per diagram
    for query in (
        lambda: mc.posterior_marginals(net, {2: 1}),
        lambda: mc.log_evidence(net, {1: 1}),
    ):
        with pytest.raises(mc.MemoryLimitError):
            query()


def test_plans_are_deterministic_and_shared_across_tables():
    from test_posterior import asia

    q = _engine.Query(observed=(7,), marginals=True)
    a = _engine.prepare(asia(), q)[1]
    _engine.clear_cache()
    b = _engine.prepare(asia(), q)[1]
    assert a is not b and a.steps == b.steps and a.kept == b.kept


def test_exact_long_chain_is_exact():
    H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    F = Fraction
    init = mc.state(H, [F(1, 2), F(1, 2)])
    step = mc.kernel(H, H, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]])
    emit = mc.kernel(H, O, [[F(7, 10), F(3, 10)], [F(1, 10), F(9, 10)]])
    T = 12
    model = hidden_markov_model(init, step, emit, T)
    ev = {2 * t + 1: t % 2 for t in range(T)}
    # brute force over the 2^T hidden paths, in Fractions
    A = [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]]
    B = [[F(7, 10), F(3, 10)], [F(1, 10), F(9, 10)]]
    total, first = F(0), [F(0), F(0)]
    for path in itertools.product((0, 1), repeat=T):
        w = F(1, 2) * B[path[0]][0]
        for t in range(1, T):
            w *= A[path[t - 1]][path[t]] * B[path[t]][t % 2]
        total += w
        first[path[0]] += w
    got = mc.posterior_marginals(model, ev)[0].array
    assert list(got) == [
        sympy.Rational(v.numerator, v.denominator) for v in (x / total for x in first)
    ]
    assert (
        sympy.simplify(
            sympy.exp(mc.log_evidence(model, ev))
            - sympy.Rational(total.numerator, total.denominator)
        )
        == 0
    )


def test_most_probable_with_copied_factors_and_latent_variables():
    X, Y, Z = mc.Obj("X", ("a", "b", "c")), mc.Obj("Y", 2), mc.Obj("Z", 2)
    px = np.array([0.2, 0.5, 0.3])
    fy = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])
    gz = np.array([[0.6, 0.4], [0.1, 0.9], [0.8, 0.2]])
    p = mc.state(X, px)
    copies = p >> mc.copy(X, 3)  # one wire, three factors
    assert mc.most_probable(copies) == (("b", "b", "b"), pytest.approx(0.5))
    assert mc.most_probable(copies, {0: "c"}) == (("c", "c", "c"), pytest.approx(1.0))
    f, g = mc.kernel(X, Y, fy), mc.kernel(X, Z, gz)

    @mc.program(mc.I, Y @ Z)
    def latent():  # X is summed out: it is not a factor of the state
        x = p()
        return f(x), g(x)

    joint = np.einsum("x,xy,xz->yz", px, fy, gz)
    post = joint[1] / joint[1].sum()
    outcome, prob = mc.most_probable(latent, {0: 1})
    assert outcome == (1, int(np.argmax(post))) and prob == pytest.approx(post.max(), rel=1e-12)


def test_most_probable_under_jit_is_a_clear_error(jax):
    X = mc.Obj("X", 2)

    def best(p):
        return mc.most_probable(mc.state(X, p))[1]

    with pytest.raises(mc.BackendError, match="outside jax.jit"):
        jax.jit(best)(jax.numpy.array([0.3, 0.7]))
    assert best(jax.numpy.array([0.3, 0.7])) == pytest.approx(0.7)


def test_hundred_thousand_steps_of_evidence():
    """Issue 12's longest chain: every marginal and log P(evidence) of a 100,000-step HMM
    against the independent scaled forward–backward (P(obs) is about e^-69,000)."""
    model, evidence, (init, A, B, obs) = hmm_case(100_000, seed=4)
    post, loglik = forward_backward(init, A, B, obs)
    got = mc.posterior_marginals(model, evidence)
    hidden = np.array([got[2 * t].array for t in range(len(obs))])
    np.testing.assert_allclose(hidden, post, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(mc.log_evidence(model, evidence), loglik, rtol=1e-11)


def _extreme_chain(leave, emit, T=60):
    """A 3-state chain that starts in state 0, leaves it with probability ``leave`` and
    emits the observed symbol there with probability ``emit``: posteriors span the whole
    float64 range."""
    rng = np.random.default_rng(7)
    A = rng.dirichlet(np.ones(3), size=3)
    A[0] = [1 - 2 * leave, leave, leave]
    B = np.empty((3, 2))
    B[:, 1] = [emit, 0.5, 0.3]
    B[:, 0] = 1 - B[:, 1]
    init = np.array([1.0, 0.0, 0.0])
    H, O = mc.Obj("H", 3), mc.Obj("O", 2)
    kernels = (mc.state(H, init), mc.kernel(H, H, A), mc.kernel(H, O, B))
    return kernels, (init, A, B, np.ones(T, dtype=int)), {2 * t + 1: 1 for t in range(T)}


@pytest.mark.parametrize("scaled", [False, True])
def test_both_adjoint_passes_agree(scaled):
    """The adjoint pass with respect to stored values (the default) and the one that
    rescales every gradient (its fallback) give the forward–backward marginals."""
    from markovcat._engine import _run

    kernels, (init, A, B, obs), evidence = _extreme_chain(1e-60, 1e-30)
    model = hidden_markov_model(*kernels, len(obs))
    net, p = _engine.prepare(model, _engine.Query(observed=tuple(evidence), marginals=True))
    assert p.unscaled  # the chain has steps that keep the total: those skip the check
    tables, vectors = _engine._arrays(net, p, (), None)
    lead, values = tables[0], list(evidence.values())
    c = _run.compiled(p, lead)
    divided: dict = {}
    inputs = _run._inputs(p, c, lead, tables, vectors, values)
    vals, _ = _run._forward(p, c, lead, inputs, "all", divided)
    reads, ok = _run._reads(p, c, lead, vals, _run._adjoint(p, c, lead, vals, divided, scaled))
    assert ok
    post, _ = forward_backward(init, A, B, obs)
    mine = np.array([np.asarray(reads[g][j]) for k, g, j in p.layout if k == 0])
    np.testing.assert_allclose(mine, post, rtol=1e-9, atol=1e-300)


def test_marginals_across_the_whole_float_range_match_exact_arithmetic():
    """Leaving state 0 costs 1e-300 and staying there 1e-200 per step: the marginals
    match exact rational arithmetic (entries below 1e-250 may round to 0)."""
    kernels, _, evidence = _extreme_chain(1e-300, 1e-200)
    T = len(evidence)
    got = mc.posterior_marginals(hidden_markov_model(*kernels, T), evidence)[::2]
    exact = hidden_markov_model(*(k.to("sympy") for k in kernels), T)
    want = mc.posterior_marginals(exact, evidence)[::2]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g.array, w.to("numpy").array, rtol=1e-12, atol=1e-250)


def test_large_structures_reuse_one_elimination_order_across_evidence_patterns(monkeypatch):
    """Above REUSE kernels the structure's elimination order is computed once; every
    evidence pattern then gets the same answers as a per-pattern search, and the plan of a
    pattern does not depend on which patterns came before."""
    from markovcat._engine import _plan

    model, evidence, _ = hmm_case(200, seed=5, n=3, m=2)
    assert len(mc.network(model).leaves) > _plan.REUSE
    patterns = [dict(list(evidence.items())[k::3]) for k in range(3)]
    _engine.clear_cache()
    reused = [mc.posterior_marginals(model, ev) for ev in patterns]
    assert len(_plan._RANKS) == 1 and next(iter(_plan._RANKS.values())) is not None
    late = _engine.prepare(model, _engine.Query(observed=tuple(patterns[2]), marginals=True))[1]
    _engine.clear_cache()
    model.__dict__.pop("_plans", None)
    fresh = _engine.prepare(model, _engine.Query(observed=tuple(patterns[2]), marginals=True))[1]
    assert [st.expr for st in late.steps] == [st.expr for st in fresh.steps]
    monkeypatch.setattr(_plan, "REUSE", 10**9)  # search every pattern instead
    _engine.clear_cache()
    model.__dict__.pop("_plans", None)
    for ev, got in zip(patterns, reused, strict=True):
        want = mc.posterior_marginals(model, ev)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g.array, w.array, rtol=1e-10, atol=1e-14)
    _engine.clear_cache()
    model.__dict__.pop("_plans", None)


def test_the_search_knob_is_validated_cached_per_value_and_deterministic():
    """``mc.config.path_trials`` sets how long the seeded order search runs: plans are
    cached per value (a change is seen at once), and a value gives the same plan twice."""
    from test_posterior import asia

    with pytest.raises(mc.InvalidArgumentError, match="path_trials"):
        mc.config.path_trials = -1
    with pytest.raises(mc.InvalidArgumentError, match="max_elements"):
        mc.config.max_elements = 2.5
    with pytest.raises(mc.InvalidArgumentError, match="no setting"):
        mc.config.max_element = 10
    with pytest.raises(mc.InvalidArgumentError, match="unknown setting"):
        with mc.config.override(maxelements=3):
            pass
    net, q = asia(), _engine.Query(observed=(7,), marginals=True)
    plans = {}
    for trials in (0, 8, 0, 8):
        with mc.config.override(path_trials=trials):
            p = _engine.prepare(net, q)[1]
            assert p.query == q and _engine.plan(mc.network(net).wiring, q) is p
            steps = [(st.children, st.expr) for st in p.steps]
            assert plans.setdefault(trials, steps) == steps
    assert mc.config.path_trials == 64


_FINGERPRINT = """
import hashlib, numpy as np, markovcat as mc
from markovcat._engine import _plan
rng = np.random.default_rng(11)
objs, kernels = [], []
for i in range({n}):
    X = mc.Obj(f"V{{i}}", int(rng.integers(2, 5)))
    parents = sorted(set(rng.integers(max(0, i - 12), i, size=min(i, 3)).tolist())) if i else []
    dom = mc.I
    for p in parents:
        dom = dom @ objs[p]
    kernels.append(mc.kernel(dom, X, rng.dirichlet(np.ones(X.size), size=dom.size)))
    objs.append(X)
net = mc.bayesian_network(kernels)
leaves = list(range({n} - 5, {n}))
margs = mc.posterior_marginals(net, {{p: 0 for p in leaves}})
h = hashlib.sha256()
for key, plan in sorted(_plan._CACHE.items(), key=lambda kv: repr(kv[0][1])):
    for st in plan.steps:
        h.update(repr((st.node, st.children, st.expr.eq)).encode())
ans = hashlib.sha256(np.concatenate([np.round(m.array, 12) for m in margs]).tobytes())
print(h.hexdigest()[:16], ans.hexdigest()[:16])
"""


@pytest.mark.parametrize("n", [60, 400])
def test_fresh_processes_give_the_same_plan_and_answer(n):
    """Issue 23's determinism on a munin-like random network (pgmpy's munin4 is measured
    by benchmarks/planning.py): three fresh processes, each with its own hash seed, build
    the same plan and the same marginals (60 nodes: searched orders; 400: the reused
    elimination order)."""
    import os
    import subprocess
    import sys

    outs = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _FINGERPRINT.format(n=n)],
            capture_output=True, text=True, env=env, timeout=300, check=True,
        )  # fmt: skip
        outs.add(run.stdout.strip())
    assert len(outs) == 1, outs
