"""Posterior queries on tensor networks, checked against brute-force conditioning of the
joint enumerated with numpy (or with exact fractions), on every backend."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import _engine
from markovcat._engine import _einsum, _order


@st.composite
def bayes_nets(draw, max_vars=5, max_card=3):
    """(objects, parents, tables as Fractions): tables have axes (parents..., child)."""
    n = draw(st.integers(1, max_vars))
    objs = [
        mc.Obj(f"X{i}", tuple(f"x{j}" for j in range(draw(st.integers(2, max_card)))))
        for i in range(n)
    ]
    parents = [
        draw(st.lists(st.integers(0, i - 1), max_size=min(i, 2), unique=True)) if i else []
        for i in range(n)
    ]
    tables = []
    for i in range(n):
        shape = [objs[p].size for p in parents[i]] + [objs[i].size]
        w = np.array(
            draw(
                st.lists(
                    st.integers(0, 4), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))
                )
            ),
            dtype=object,
        ).reshape(shape)
        w[..., 0] += 1
        w = np.vectorize(Fraction, otypes=[object])(w)
        tables.append(w / w.sum(axis=-1, keepdims=True))
    return objs, parents, tables


def build(objs, parents, tables, backend):
    kernels = []
    for i, t in enumerate(tables):
        dom = mc.product(*(objs[p] for p in parents[i]))
        data = t if backend == "sympy" else t.astype(float)
        kernels.append(mc.kernel(dom, objs[i], data, backend=backend, name=objs[i].name))
    return mc.bayesian_network(kernels)


def brute(objs, parents, tables):
    """The joint as an object array of Fractions, by enumeration."""
    joint = np.zeros([o.size for o in objs], dtype=object)
    for x in itertools.product(*(range(o.size) for o in objs)):
        p = Fraction(1)
        for i, t in enumerate(tables):
            p *= t[(*(x[q] for q in parents[i]), x[i])]
        joint[x] = p
    return joint


def condition_brute(joint, observed):
    mask = np.zeros(joint.shape, dtype=bool)
    index = tuple(observed.get(i, slice(None)) for i in range(joint.ndim))
    mask[index] = True
    post = np.where(mask, joint, 0)
    return post, post.sum()


def as_numbers(x, backend):
    arr = np.asarray(x)
    return arr if backend == "sympy" else arr.astype(float)


def check_equal(got, want, backend):
    if backend == "sympy":
        # exact values compare as they are (nsimplify would "simplify" 551/1764 into roots)
        assert [sympy.S(v) for v in np.asarray(got).ravel()] == [
            sympy.Rational(v.numerator, v.denominator) for v in np.asarray(want).ravel()
        ]
    else:
        np.testing.assert_allclose(
            np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=1e-12
        )


@settings(max_examples=15)
@given(net=bayes_nets(max_vars=4), data=st.data())
def test_posterior_marginals_match_brute_force(backend, net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    n = len(objs)
    support = list(zip(*np.nonzero(joint > 0)))
    sample = data.draw(st.sampled_from(support))  # evidence of positive probability
    seen = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    observed = {i: int(sample[i]) for i in seen}
    evidence = {objs[i].name if i % 2 else i: objs[i].values[v] for i, v in observed.items()}
    state = build(objs, parents, tables, backend)
    got = mc.posterior_marginals(state, evidence)
    post, z = condition_brute(joint, observed)
    assert len(got) == n
    for i, m in enumerate(got):
        assert m.cod == objs[i] and m.dom == mc.I
        want = post.sum(axis=tuple(j for j in range(n) if j != i)) / z
        check_equal(m.array, want, backend)


@settings(max_examples=15)
@given(net=bayes_nets(max_vars=4), data=st.data())
def test_posterior_joint_of_a_query_matches_brute_force(net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    n = len(objs)
    sample = data.draw(st.sampled_from(list(zip(*np.nonzero(joint > 0)))))
    observed = {
        i: int(sample[i])
        for i in data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n - 1))
    }
    query = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
    state = build(objs, parents, tables, "numpy")
    got = mc.posterior(state, {i: objs[i].values[v] for i, v in observed.items()}, keep=query)
    post, z = condition_brute(joint, observed)
    rest = tuple(j for j in range(n) if j not in query)
    want = np.transpose(post.sum(axis=rest) if rest else post, np.argsort(np.argsort(query)))
    assert got.cod == mc.product(*(objs[q] for q in query))
    np.testing.assert_allclose(got.array, (want / z).astype(float), atol=1e-12)


def asia(backend=None):
    """The asia network (Lauritzen and Spiegelhalter 1988), written by hand."""
    yn = ("yes", "no")
    A, T, S, L, B, E, X, D = (
        mc.Obj(n, yn) for n in ("asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp")
    )
    k = [
        mc.state(A, [0.01, 0.99], name="asia"),
        mc.kernel(A, T, [[0.05, 0.95], [0.01, 0.99]], name="tub"),
        mc.state(S, [0.5, 0.5], name="smoke"),
        mc.kernel(S, L, [[0.1, 0.9], [0.01, 0.99]], name="lung"),
        mc.kernel(S, B, [[0.6, 0.4], [0.3, 0.7]], name="bronc"),
        mc.kernel(L @ T, E, [[[1, 0], [1, 0]], [[1, 0], [0, 1]]], name="either"),
        mc.kernel(E, X, [[0.98, 0.02], [0.05, 0.95]], name="xray"),
        mc.kernel(B @ E, D, [[[0.9, 0.1], [0.8, 0.2]], [[0.7, 0.3], [0.1, 0.9]]], name="dysp"),
    ]
    return mc.bayesian_network(k if backend is None else [x.to(backend) for x in k])


def test_asia_against_the_dense_joint_and_the_pruned_query():
    net = asia()
    joint = np.asarray(net.array)
    ev = {"dysp": "yes", "asia": "yes", "smoke": "no"}
    post, z = condition_brute(joint, {7: 0, 0: 0, 2: 1})
    for i, m in enumerate(mc.posterior_marginals(net, ev)):
        want = post.sum(axis=tuple(j for j in range(8) if j != i)) / z
        np.testing.assert_allclose(m.array, want, atol=1e-14)
    # P(lung | no evidence) needs only smoke and lung: everything else is barren
    _, plan = _engine.prepare(net, _engine.Query(keep=(3,), normalize="all"))
    assert [net_leaf.name for net_leaf in (mc.network(net).leaves[k] for k in plan.kept)] == [
        "smoke",
        "lung",
    ]
    np.testing.assert_allclose(mc.posterior(net, keep="lung").array, [0.055, 0.945], atol=1e-15)


def test_zero_probability_evidence_names_the_evidence():
    net = asia()
    with pytest.raises(mc.ZeroProbabilityError, match="'either': 'no'"):
        mc.posterior_marginals(net, {"either": "no", "tub": "yes"})
    with pytest.raises(mc.ZeroProbabilityError, match="probability 0"):
        mc.posterior(net, {"either": "no", "tub": "yes"}, keep="lung")


def test_copies_at_the_boundary_and_multi_output_leaves():
    X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)
    t = np.array([[0.1, 0.2], [0.3, 0.1], [0.25, 0.05]])
    joint = mc.state(X @ Y, t)
    d = joint >> (mc.copy(X) @ mc.identity(Y))  # X, X, Y: factor 1 copies factor 0
    ms = mc.posterior_marginals(d, {2: 1})
    want = t[:, 1] / t[:, 1].sum()
    np.testing.assert_allclose(ms[0].array, want)
    np.testing.assert_allclose(ms[1].array, want)
    np.testing.assert_allclose(ms[2].array, [0.0, 1.0])
    ms = mc.posterior_marginals(d, {1: 2})
    np.testing.assert_allclose(ms[0].array, [0, 0, 1])
    np.testing.assert_allclose(ms[2].array, t[2] / t[2].sum())
    with pytest.raises(mc.ZeroProbabilityError, match="copy of another observed factor"):
        mc.posterior_marginals(d, {0: 0, 1: 1})
    both = mc.posterior(d, keep=[0, 1])  # a factor and its copy: the joint is on the diagonal
    np.testing.assert_allclose(both.array, np.diag(t.sum(axis=1)))
    again = mc.posterior(d, {1: 0}, keep=[2, 0, 2])
    np.testing.assert_allclose(
        again.array, np.einsum("y,x,yz->yxz", t[0] / t[0].sum(), [1, 0, 0], np.eye(2))
    )


def test_repeated_wires_inside_a_kernel():
    X = mc.Obj("X", 2)
    f = mc.kernel(X @ X, mc.Bool, [[[0.9, 0.1], [0.5, 0.5]], [[0.5, 0.5], [0.2, 0.8]]])
    p = mc.state(X, [0.4, 0.6])
    d = p >> mc.copy(X, 3) >> (mc.identity(X) @ f)  # f sees X twice
    m = mc.posterior_marginals(d, {"Bool": True})
    want = np.array([0.4 * 0.1, 0.6 * 0.8])
    np.testing.assert_allclose(m[0].array, want / want.sum())


def test_evidence_keys_and_errors():
    net = asia()
    by_name = mc.posterior_marginals(net, {"xray": "yes"})
    by_position = mc.posterior_marginals(net, {-2: "yes"})
    for a, b in zip(by_name, by_position):
        np.testing.assert_array_equal(a.array, b.array)
    with pytest.raises(mc.UnknownOutcomeError, match="no factor named 'cough'"):
        mc.posterior_marginals(net, {"cough": "yes"})
    with pytest.raises(mc.UnknownOutcomeError, match="unknown outcome 'maybe'"):
        mc.posterior_marginals(net, {"xray": "maybe"})
    with pytest.raises(mc.TypeMismatchError, match="expected a state"):
        mc.posterior_marginals(mc.identity(mc.Bool), {})


def test_memory_guard_fails_before_allocating(monkeypatch):
    A, B, C = (mc.Obj(n, 8) for n in "ABC")
    rng = np.random.default_rng(0)
    t = rng.random((8, 8, 8))
    net = mc.bayesian_network(
        [
            mc.state(A, np.full(8, 1 / 8)),
            mc.kernel(A, B, np.eye(8)),
            mc.kernel(A @ B, C, t / t.sum(axis=-1, keepdims=True)),
        ]
    )
    monkeypatch.setattr(mc.config, "max_elements", 100)
    # max-product is not sliced: refused, naming the size, before allocating
    with pytest.raises(mc.MemoryLimitError, match=r"512 entries.*max_elements = 100"):
        mc.most_probable(net)
    sliced = [m.array for m in mc.posterior_marginals(net, {})]  # sum-product: sliced
    monkeypatch.setattr(mc.config, "max_elements", 1000)
    assert len(mc.most_probable(net)[0]) == 3
    whole = [m.array for m in mc.posterior_marginals(net, {})]
    np.testing.assert_allclose(np.array(sliced), np.array(whole), rtol=1e-12)
    monkeypatch.setattr(mc.config, "max_elements", 100)  # the cached plan is checked again
    with pytest.raises(mc.MemoryLimitError):
        mc.most_probable(net)


@settings(max_examples=10)
@given(net=bayes_nets(max_vars=4), data=st.data())
def test_batched_matrix_product_contractions_match_brute_force(backend, net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    sample = data.draw(st.sampled_from(list(zip(*np.nonzero(joint > 0)))))
    observed = {0: int(sample[0])}
    post, z = condition_brute(joint, observed)
    state = build(objs, parents, tables, backend)
    old = _einsum.BLAS_FLOPS
    _einsum.BLAS_FLOPS = -1  # every pairwise step as a batched matrix product
    _engine.clear_cache()
    try:
        got = mc.posterior_marginals(state, {0: objs[0].values[observed[0]]})
    finally:
        _einsum.BLAS_FLOPS = old
        _engine.clear_cache()
    for i, m in enumerate(got):
        want = post.sum(axis=tuple(j for j in range(len(objs)) if j != i)) / z
        check_equal(m.array, want, backend)


def test_better_path_optimiser_gives_the_same_answers(monkeypatch):
    plain = [np.asarray(m.array) for m in mc.posterior_marginals(asia(), {"dysp": "yes"})]
    monkeypatch.setattr(_order, "HARD_FLOPS", -1.0)  # always try the better optimiser
    _engine.clear_cache()
    try:
        better = [np.asarray(m.array) for m in mc.posterior_marginals(asia(), {"dysp": "yes"})]
    finally:
        _engine.clear_cache()
    np.testing.assert_allclose(better, plain, atol=1e-15)


def test_a_network_with_new_tables_reuses_the_plan():
    X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)

    def net(p, f):
        return mc.bayesian_network([mc.state(X, p), mc.kernel(X, Y, f)])

    f = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])
    one, two = net([0.2, 0.3, 0.5], f), net([0.6, 0.3, 0.1], f[::-1])
    query = _engine.Query(observed=(1,), marginals=True)
    assert _engine.prepare(one, query)[1] is _engine.prepare(two, query)[1]
    got = mc.posterior_marginals(two, {"Y": 1})[0].array
    want = np.array([0.6, 0.3, 0.1]) * f[::-1][:, 1]
    np.testing.assert_allclose(got, want / want.sum())


def test_jax_compiles_once_per_evidence_pattern():
    jax = pytest.importorskip("jax")
    net = asia("jax")
    dense = np.asarray(asia().array)
    for value, index in (("yes", 0), ("no", 1)):
        got = mc.posterior_marginals(net, {"xray": value})
        post, z = condition_brute(dense, {6: index})
        np.testing.assert_allclose(
            np.asarray(got[3].array), post.sum(axis=(0, 1, 2, 4, 5, 6, 7)) / z, atol=1e-12
        )
        assert isinstance(got[3].array, jax.Array)
    _, plan = _engine.prepare(net, _engine.Query(observed=(6,), marginals=True))
    runner = plan.compiled[("marginals", "jax")]
    assert runner._cache_size() == 1  # one compilation served both evidence values


ASIA_BIF = """network unknown {
}
variable asia {
  type discrete [ 2 ] { yes, no };
}
variable tub {
  type discrete [ 2 ] { yes, no };
}
variable smoke {
  type discrete [ 2 ] { yes, no };
}
variable lung {
  type discrete [ 2 ] { yes, no };
}
variable bronc {
  type discrete [ 2 ] { yes, no };
}
variable either {
  type discrete [ 2 ] { yes, no };
}
variable xray {
  type discrete [ 2 ] { yes, no };
}
variable dysp {
  type discrete [ 2 ] { yes, no };
}
probability ( asia ) {
  table 0.01, 0.99;
}
probability ( tub | asia ) {
  (yes) 0.05, 0.95;
  (no) 0.01, 0.99;
}
probability ( smoke ) {
  table 0.5, 0.5;
}
probability ( lung | smoke ) {
  (yes) 0.1, 0.9;
  (no) 0.01, 0.99;
}
probability ( bronc | smoke ) {
  (yes) 0.6, 0.4;
  (no) 0.3, 0.7;
}
probability ( either | lung, tub ) {
  (yes, yes) 1.0, 0.0;
  (no, yes) 1.0, 0.0;
  (yes, no) 1.0, 0.0;
  (no, no) 0.0, 1.0;
}
probability ( xray | either ) {
  (yes) 0.98, 0.02;
  (no) 0.05, 0.95;
}
probability ( dysp | bronc, either ) {
  (yes, yes) 0.9, 0.1;
  (no, yes) 0.7, 0.3;
  (yes, no) 0.8, 0.2;
  (no, no) 0.1, 0.9;
}
"""


def test_exact_asia_posterior_from_bif_text():
    net = mc.read_bif(ASIA_BIF, backend="sympy")
    m = mc.posterior_marginals(net, {"tub": "yes"})
    for a, b in zip(m, mc.posterior_marginals(asia(), {"tub": "yes"})):
        np.testing.assert_allclose(np.asarray(a.array, dtype=float), b.array, atol=1e-15)
    # P(either = yes | tub = yes) = 1, P(asia = yes | tub = yes) = 0.0005 / 0.0104 by hand
    assert m[5].array[0] == 1
    assert m[0].array[0] == sympy.Rational(5, 104)


def test_batched_products_on_asia_match_einsum(monkeypatch):
    plain = [np.asarray(m.array) for m in mc.posterior_marginals(asia(), {"dysp": "yes"})]
    monkeypatch.setattr(_einsum, "BLAS_FLOPS", -1)  # matmul and broadcast products only
    _engine.clear_cache()
    try:
        batched = [np.asarray(m.array) for m in mc.posterior_marginals(asia(), {"dysp": "yes"})]
    finally:
        _engine.clear_cache()
    np.testing.assert_allclose(batched, plain, atol=1e-15)
