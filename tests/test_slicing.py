"""Sliced contraction: a query whose plan is over the memory limit runs slice by slice
and gives the answers of the dense joint (brute force) and of the unsliced plan."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import positive_evidence
from test_posterior import bayes_nets, brute, build, condition_brute

import markovcat as mc
from markovcat import _engine


def _largest(state, query):
    return _engine.plan(mc.network(state).wiring, query).largest


@settings(max_examples=25)
@given(net=bayes_nets(max_vars=5), data=st.data())
def test_sliced_queries_match_the_dense_joint(net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    n = len(objs)
    state = build(objs, parents, tables, "numpy")
    observed = positive_evidence(data, objs, joint, n - 1)
    evidence = {i: objs[i].values[v] for i, v in observed.items()}
    post, z = condition_brute(joint, observed)
    post = np.asarray(post, dtype=float) / float(z)
    query = _engine.Query(observed=tuple(sorted(observed)), marginals=True)
    largest = _largest(state, query)
    keep = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=2))
    low = math.prod(objs[k].size for k in keep)  # the output of condition(keep) must fit
    limit = data.draw(st.integers(low, max(largest - 1, low)), label="limit")
    _engine.clear_cache()
    state.__dict__.pop("_plans", None)
    with mc.config.override(max_elements=limit):
        margs = mc.posterior_marginals(state, evidence)
        log_z = mc.log_evidence(state, evidence)
        cond = mc.condition(state, evidence, keep=keep).array
    for i, m in enumerate(margs):
        axes = tuple(k for k in range(n) if k != i)
        np.testing.assert_allclose(m.array, post.sum(axis=axes), atol=1e-12)
    np.testing.assert_allclose(log_z, math.log(z), rtol=1e-10, atol=1e-12)
    axes = tuple(k for k in range(n) if k not in keep)
    want = np.transpose(post.sum(axis=axes) if axes else post, np.argsort(np.argsort(keep)))
    np.testing.assert_allclose(cond, want, atol=1e-12)
    _engine.clear_cache()


def test_a_naive_bayes_model_sliced_on_its_latent_wire():
    """A latent X with eight children: the joint of two children given three others has
    an intermediate of |X|·|Y|² entries; under a limit of |Y|² it is sliced on X, and every
    query gives what it gives unsliced."""
    rng = np.random.default_rng(3)
    X, Y = mc.Obj("X", 5), mc.Obj("Y", 4)

    @mc.program(mc.I, Y @ Y @ Y @ Y @ Y @ Y @ Y @ Y)
    def naive():
        x = mc.state(X, rng.dirichlet(np.ones(5)))()
        return tuple(mc.kernel(X, Y, rng.dirichlet(np.ones(4), size=5))(x) for _ in range(8))

    evidence = {2: 1, 5: 0, 7: 3}
    queries = {
        "marginals": lambda: np.array([m.array for m in mc.posterior_marginals(naive, evidence)]),
        "log_evidence": lambda: np.array(mc.log_evidence(naive, evidence)),
        "condition": lambda: mc.condition(naive, evidence, keep=[0, 1]).array,
        "marginal": lambda: mc.marginal(naive, [3, 4]).array,
    }
    want = {k: q() for k, q in queries.items()}
    q = _engine.Query(keep=(0, 1), observed=(2, 5, 7), normalize="all")
    wiring = mc.network(naive).wiring
    assert _largest(naive, q) > 16
    _engine.clear_cache()
    naive.__dict__.pop("_plans", None)
    with mc.config.override(max_elements=16):
        cut = _engine._slice.choose(wiring, q, 16)
        assert cut and _largest_sliced(wiring, q, cut) <= 16
        got = {k: q() for k, q in queries.items()}
    for k in queries:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-15, err_msg=k)
    _engine.clear_cache()
    naive.__dict__.pop("_plans", None)


def _largest_sliced(wiring, q, cut):
    return _engine.plan(wiring, _engine._slice.sliced_query(q, cut)).largest


def test_what_cannot_be_sliced_is_refused_before_allocating():
    X = mc.Obj("X", 6)
    pair = mc.state(X @ X, np.full(36, 1 / 36)) >> mc.copy(X @ X)
    with mc.config.override(max_elements=20):
        # the output itself is over the limit: no slicing helps
        with pytest.raises(mc.MemoryLimitError, match="max_elements"):
            mc.evaluate(pair)
        # conditionals (rows normalised one by one) and max-product are not sliced
        with pytest.raises(mc.MemoryLimitError, match="max_elements"):
            mc.disintegrate(pair, [0])
    chain = mc.state(X, np.full(6, 1 / 6)) >> mc.kernel(X, X @ X, np.full((6, 36), 1 / 36))
    sympy_chain = mc.state(X, np.full(6, 1 / 6)).to("sympy") >> mc.kernel(
        X, X @ X, np.full((6, 36), 1 / 36)
    ).to("sympy")
    q = _engine.Query(keep=(0,), normalize="all")
    limit = _largest(chain, q) - 1
    with mc.config.override(max_elements=limit):
        np.testing.assert_allclose(mc.marginal(chain, [0]).array, np.full(6, 1 / 6))
        with pytest.raises(mc.MemoryLimitError, match="concrete float tables"):
            mc.marginal(sympy_chain, [0])
    _engine.clear_cache()
