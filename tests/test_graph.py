"""Linear building: traced programs kept as graphs, and ``>>`` / ``@`` chains that append.

A program of more than ``_program.EXPAND_LIMIT`` (steps × wires) stays a
:class:`markovcat._graph.Graph`; ``expand_limit(0)`` makes every program one. Each test
builds the same program both ways and checks that the two agree everywhere a user can
look: equality, hashing, printing, tables, queries, saving, interpreting, free equality.
"""

import pickle
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import _program
from markovcat._graph import Graph
from markovcat.models import hidden_markov_model

A, B = mc.Obj("A", 2), mc.Obj("B", 3)


@st.composite
def recipes(draw):
    """A random straight-line program: each step applies a random kernel to some live
    wires (possibly the same wire twice), the result is any selection of wires."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_in = draw(st.integers(0, 2))
    objs = [A if rng.random() < 0.5 else B for _ in range(n_in)]
    steps = []
    live = list(range(n_in))
    for k in range(draw(st.integers(1, 6))):
        ins = [int(rng.choice(live)) for _ in range(int(rng.integers(1, 3)))] if live else []
        cod = [A if rng.random() < 0.5 else B for _ in range(int(rng.integers(1, 3)))]
        dom = mc.product(*(objs[w] for w in ins))
        table = rng.random((dom.size, mc.product(*cod).size)) + 0.05
        f = mc.kernel(dom, mc.product(*cod), table / table.sum(1, keepdims=True), name=f"f{k}")
        outs = list(range(len(objs), len(objs) + len(cod)))
        objs += cod
        live += outs
        steps.append((f, ins, outs))
    result = [int(rng.choice(len(objs))) for _ in range(int(rng.integers(1, 4)))]
    return objs[:n_in], steps, result, objs


def build(recipe):
    dom_objs, steps, result, objs = recipe

    @mc.program(mc.product(*dom_objs), mc.product(*(objs[w] for w in result)))
    def prog(*inputs):
        wires = list(inputs)
        for f, ins, _outs in steps:
            made = f(*(wires[w] for w in ins)) if ins else f()
            wires += list(made) if isinstance(made, tuple) else [made]
        picked = tuple(wires[w] for w in result)
        return picked if len(picked) != 1 else picked[0]

    return prog


def both(recipe):
    with _program.expand_limit(0):
        graph = build(recipe)
    term = build(recipe)
    assert isinstance(graph, Graph) and not isinstance(term, Graph)
    return graph, term


def brute_force(recipe):
    """The joint of a recipe by enumerating every assignment of every wire (no engine)."""
    dom_objs, steps, result, objs = recipe
    n_in = len(dom_objs)
    shape = tuple(o.size for o in objs)
    table = np.zeros(tuple(o.size for o in dom_objs) + tuple(objs[w].size for w in result))
    for values in np.ndindex(*shape):
        p = 1.0
        for f, ins, outs in steps:
            row = (
                np.ravel_multi_index([values[w] for w in ins], [objs[w].size for w in ins])
                if ins
                else 0
            )
            col = np.ravel_multi_index([values[w] for w in outs], [objs[w].size for w in outs])
            p *= f.matrix[row, col]
        table[tuple(values[:n_in]) + tuple(values[w] for w in result)] += p
    return table


@settings(max_examples=12)
@given(recipes())
def test_a_graph_is_its_layered_term(recipe):
    graph, term = both(recipe)
    assert graph == term and term == graph and hash(graph) == hash(term)
    assert str(graph) == str(term) and repr(graph) == repr(term)
    assert graph.dom == term.dom and graph.cod == term.cod
    np.testing.assert_allclose(graph.array, brute_force(recipe), atol=1e-12)
    np.testing.assert_allclose(term.array, brute_force(recipe), atol=1e-12)
    assert mc.free_equal(graph, term)


@settings(max_examples=8)
@given(recipes())
def test_queries_and_saving_walk_the_graph(recipe):
    graph, term = both(recipe)
    if graph.dom == mc.I:
        for keep in range(len(graph.cod.factors)):
            assert mc.allclose(mc.marginal(graph, [keep]), mc.marginal(term, [keep]), atol=1e-12)
    # kernels are equal only to themselves, so copies are compared by formula and table
    for copy in (mc.loads(mc.dumps(graph)), pickle.loads(pickle.dumps(graph))):
        assert isinstance(copy, Graph) and str(copy) == str(term)
        np.testing.assert_allclose(copy.array, term.array, atol=1e-12)


def test_interpreting_a_graph_of_boxes_keeps_it_a_graph():
    X = mc.Obj("X", 2)
    f = mc.Box("f", X, X)
    with _program.expand_limit(0):

        @mc.program(X, X @ X)
        def twice(x):
            return x, f(f(x))

    k = mc.kernel(X, X, [[0.9, 0.1], [0.3, 0.7]])
    image = mc.interpret(twice, {"f": k})
    assert isinstance(image, Graph)
    expected = np.einsum("xy,yz->xz", k.matrix, k.matrix)  # x, then f(f(x))
    np.testing.assert_allclose(image.array, np.einsum("xz,xw->xwz", expected, np.eye(2)))


def test_a_long_hidden_markov_model_is_a_graph_and_filters_like_a_forward_pass():
    rng = np.random.default_rng(1)
    H, O = mc.Obj("H", 3), mc.Obj("O", 2)
    T0 = rng.dirichlet(np.ones(3), 3)
    E0 = rng.dirichlet(np.ones(2), 3)
    p0 = rng.dirichlet(np.ones(3))
    T = 400
    hmm = hidden_markov_model(mc.state(H, p0), mc.kernel(H, H, T0), mc.kernel(H, O, E0), T)
    assert isinstance(hmm, Graph) and len(hmm.cod.factors) == 2 * T
    obs = rng.integers(0, 2, T)
    # an independent scaled forward pass
    alpha, log_z = p0 * E0[:, obs[0]], 0.0
    for t in range(1, T):
        s = alpha.sum()
        log_z += np.log(s)
        alpha = (alpha / s) @ T0 * E0[:, obs[t]]
    log_z += np.log(alpha.sum())
    ev = {2 * t + 1: int(o) for t, o in enumerate(obs)}
    assert mc.log_evidence(hmm, ev) == pytest.approx(log_z, rel=1e-10)
    last = mc.condition(hmm, ev, keep=[2 * (T - 1)])
    np.testing.assert_allclose(last.array, alpha / alpha.sum(), atol=1e-10)


def test_graphs_refuse_bad_wiring_and_files_refuse_tampered_graphs():
    k = mc.kernel(A, A, [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(mc.TypeMismatchError, match="before it is made"):
        Graph(A, A, (A, A), (0,), ((k, (1,), (1,)),), (1,))
    with pytest.raises(mc.TypeMismatchError, match="wire"):
        Graph(A, A, (A, B), (0,), ((k, (0,), (1,)),), (1,))
    with _program.expand_limit(0):

        @mc.program(A, A)
        def g(a):
            return k(a)

    text = mc.dumps(g)
    assert str(mc.loads(text)) == str(g)
    with pytest.raises(mc.PersistenceError, match="outputs"):
        mc.loads(text.replace('"outputs": [1]', '"outputs": [7]'))


def test_chains_share_buffers_without_aliasing():
    f = mc.kernel(A, A, [[0.9, 0.1], [0.2, 0.8]], name="f")
    g = mc.kernel(A, A, [[0.5, 0.5], [0.1, 0.9]], name="g")
    base = mc.state(A, [0.3, 0.7]) >> f
    left, right = base >> f, base >> g  # both extend the same buffer
    assert left.parts[-1] is f and right.parts[-1] is g and len(base.parts) == 2
    np.testing.assert_allclose(right.array, np.array([0.3, 0.7]) @ f.matrix @ g.matrix)
    wide = f @ f
    w1, w2 = wide @ g, wide @ f
    assert w1.parts[-1] is g and w2.parts[-1] is f and w1.dom == A @ A @ A
    with pytest.raises(AttributeError):
        left.parts = ()  # composites are immutable
    back = pickle.loads(pickle.dumps(left))
    assert str(back) == str(left) and len(back.parts) == 3


def test_threads_appending_to_one_chain_each_get_their_own_part():
    f = mc.kernel(A, A, [[0.9, 0.1], [0.2, 0.8]], name="f")
    base = mc.state(A, [0.5, 0.5]) >> f
    kernels = [
        mc.kernel(A, A, [[p, 1 - p], [1 - p, p]], name=f"k{i}")
        for i, p in enumerate(np.linspace(0, 1, 16))
    ]
    out = [None] * len(kernels)

    def work(i):
        out[i] = base >> kernels[i]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(kernels))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, d in enumerate(out):
        assert d.parts == (*base.parts, kernels[i])
