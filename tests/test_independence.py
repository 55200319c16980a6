"""Conditional independence, the conditional product, conditional mutual information and
d-separation, cross-checked against brute force: conditional tables computed the long way
in numpy, entropies, and a second d-separation algorithm (the moralised ancestral graph)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc

X2, X3 = mc.Obj("X", 2), mc.Obj("Y", 3)


def brute_independent(w, A, B, C, atol=1e-10):
    """``P(a, b | c) = P(a | c) P(b | c)`` within ``atol`` at every ``c`` of positive
    probability, by conditioning a dense numpy joint (no cross-multiplication)."""
    n = w.ndim
    rest = tuple(i for i in range(n) if i not in (*A, *B, *C))
    m = w.sum(axis=rest) if rest else w
    kept = [i for i in range(n) if i not in rest]
    m = np.transpose(m, [kept.index(i) for i in (*A, *B, *C)])
    sa = int(np.prod([w.shape[i] for i in A]))
    sb = int(np.prod([w.shape[i] for i in B]))
    m = m.reshape(sa, sb, -1)
    for c in range(m.shape[2]):
        pc = m[:, :, c].sum()
        if pc <= 0:
            continue
        cond = m[:, :, c] / pc
        if not np.allclose(cond, np.outer(cond.sum(1), cond.sum(0)), atol=atol, rtol=0):
            return False
    return True


def random_joint(rng, shape, independent_parts=None):
    w = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
    return w


@st.composite
def joints_and_selections(draw):
    n = draw(st.integers(2, 4))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    roles = draw(st.lists(st.sampled_from("abcx"), min_size=n, max_size=n))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["generic", "independent", "sparse"]))
    return shape, roles, seed, kind


def build(shape, roles, seed, kind):
    """A joint on ``shape`` and its a/b/c selections; ``independent`` joints are made as
    ``P(c) P(a | c) P(b | c) P(x | a, b, c)`` so that ``A ⊥ B | C`` holds."""
    rng = np.random.default_rng(seed)
    A = [i for i, r in enumerate(roles) if r == "a"]
    B = [i for i, r in enumerate(roles) if r == "b"]
    C = [i for i, r in enumerate(roles) if r == "c"]
    w = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
    if kind == "sparse":
        w = w * (rng.random(shape) < 0.5)
        w = w / w.sum() if w.sum() > 0 else np.full(shape, 1 / w.size)
    if kind == "independent":
        letters = "pqrs"
        sub = lambda S: "".join(letters[i] for i in S)  # noqa: E731
        pc = rng.dirichlet(np.ones(int(np.prod([shape[i] for i in C]) or 1)))
        pc = pc.reshape([shape[i] for i in C])
        pa = rng.dirichlet(np.ones(int(np.prod([shape[i] for i in A]) or 1)), size=pc.size)
        pa = pa.reshape([shape[i] for i in C] + [shape[i] for i in A])
        pb = rng.dirichlet(np.ones(int(np.prod([shape[i] for i in B]) or 1)), size=pc.size)
        pb = pb.reshape([shape[i] for i in C] + [shape[i] for i in B])
        ac = np.einsum(f"{sub(C)},{sub(C)}{sub(A)},{sub(C)}{sub(B)}->{sub(A + B + C)}", pc, pa, pb)
        X = [i for i in range(len(shape)) if i not in (*A, *B, *C)]
        px = rng.dirichlet(np.ones(int(np.prod([shape[i] for i in X]) or 1)), size=ac.size)
        px = px.reshape([shape[i] for i in A + B + C] + [shape[i] for i in X])
        w = np.einsum(
            f"{sub(A + B + C)},{sub(A + B + C)}{sub(X)}->{sub(range(len(shape)))}", ac, px
        )
    objs = [mc.Obj(f"V{i}", k) for i, k in enumerate(shape)]
    return mc.state(mc.product(*objs), w), w, A, B, C


@settings(max_examples=60)
@given(joints_and_selections())
def test_independent_agrees_with_conditional_tables(case):
    joint, w, A, B, C = build(*case)
    expected = brute_independent(w, A, B, C)
    assert mc.independent(joint, A, B, C) == expected
    if case[3] == "independent" and A and B:
        assert expected  # the construction really gives A ⊥ B | C


@settings(max_examples=40)
@given(joints_and_selections())
def test_the_diagram_definition_agrees_with_the_numbers(case):
    joint, _w, A, B, C = build(*case)
    kept = sorted(A + B + C)
    same = mc.allclose(mc.marginal(joint, kept), mc.conditional_product(joint, A, B, C), atol=1e-10)
    assert same == mc.independent(joint, A, B, C)


@settings(max_examples=40)
@given(joints_and_selections())
def test_conditional_mutual_information_is_the_entropy_formula(case):
    joint, _w, A, B, C = build(*case)

    def H(S):
        if not S:
            return 0.0
        return float(mc.shannon_entropy(mc.marginal(joint, sorted(S))))

    want = H(A + C) + H(B + C) - H(A + B + C) - H(C)
    got = float(mc.conditional_mutual_information(joint, A, B, C))
    assert got == pytest.approx(want, abs=1e-9)
    assert got >= -1e-12
    if mc.independent(joint, A, B, C):
        assert got == pytest.approx(0, abs=1e-9)
    else:
        assert got > 0


def test_conditional_product_is_the_string_diagram():
    rng = np.random.default_rng(3)
    A, B, C = mc.Obj("A", 2), mc.Obj("B", 3), mc.Obj("C", 2)
    joint = mc.state(A @ C @ B, rng.dirichlet(np.ones(12)).reshape(2, 2, 3))
    m_c = mc.marginal(joint, [1])
    _, a_given_c = mc.disintegrate(mc.marginal(joint, [1, 0]), [0])
    _, b_given_c = mc.disintegrate(mc.marginal(joint, [1, 2]), [0])
    diagram = m_c >> mc.copy(C, 3) >> (a_given_c @ mc.identity(C) @ b_given_c)
    assert mc.allclose(mc.conditional_product(joint, "A", "B", "C"), diagram, atol=1e-12)
    # the marginals on A ⊗ C and B ⊗ C are the joint's
    cp = mc.conditional_product(joint, 0, 2, 1)
    for keep in ([0, 1], [1, 2]):
        assert mc.allclose(mc.marginal(cp, keep), mc.marginal(joint, keep), atol=1e-12)


def test_exact_tables_decide_exactly():
    third, tiny = Fraction(1, 3), Fraction(1, 10**30)
    p = mc.state(X2, [third, 1 - third]) @ mc.state(X2, [Fraction(1, 7), Fraction(6, 7)])
    assert mc.independent(p, 0, 1) is True
    table = np.asarray(p.array, dtype=object).copy()
    table[0, 0] += tiny
    table[1, 1] -= tiny
    bent = mc.state(X2 @ X2, table)
    assert mc.independent(bent, 0, 1) is False  # exact: a 1e-30 dependence is a dependence
    assert mc.independent(bent.to("numpy"), 0, 1) is True  # floats: within atol
    assert mc.conditional_mutual_information(p, 0, 1) == 0
    small = np.asarray(p.array, dtype=object).copy()
    small[0, 0] += Fraction(1, 100)
    small[1, 1] -= Fraction(1, 100)
    assert mc.conditional_mutual_information(mc.state(X2 @ X2, small), 0, 1) > 0  # exact, positive


def test_null_outcomes_of_the_conditioning_set_need_no_special_case():
    # C = 2 never happens; A and B are copies of each other at C = 0 and C = 1
    w = np.zeros((2, 2, 3))
    w[0, 0, 0] = w[1, 1, 0] = 0.25
    w[0, 0, 1] = 0.5
    joint = mc.state(X2 @ X2 @ X3, w)
    assert not mc.independent(joint, 0, 1, 2)
    w2 = np.zeros((2, 2, 3))
    w2[0, 0, 0], w2[1, 1, 1] = 0.5, 0.5  # C determines A and B
    assert mc.independent(mc.state(X2 @ X2 @ X3, w2), 0, 1, 2)


def test_kernels_are_independent_at_every_input():
    ok = mc.kernel(mc.Bool, X2 @ X2, [[0.25, 0.25, 0.25, 0.25], [0.06, 0.24, 0.14, 0.56]])
    assert mc.independent(ok, 0, 1)
    bad = mc.kernel(mc.Bool, X2 @ X2, [[0.25, 0.25, 0.25, 0.25], [0.5, 0.0, 0.0, 0.5]])
    assert not mc.independent(bad, 0, 1)
    assert float(mc.conditional_mutual_information(bad, 0, 1)) == pytest.approx(math.log(2))
    assert mc.conditional_product(bad, 0, 1).dom == mc.Bool


def test_names_groups_and_empty_selections():
    rng = np.random.default_rng(0)
    objs = [mc.Obj(n, 2) for n in "PQRS"]
    joint = mc.state(mc.product(*objs), rng.dirichlet(np.ones(16)).reshape(2, 2, 2, 2))
    assert mc.independent(joint, "P", ["Q", "R"], "S") == mc.independent(joint, 0, (1, 2), [3])
    assert mc.independent(joint, [], "Q") and mc.independent(joint, "P", ())
    with pytest.raises(mc.InvalidArgumentError, match="disjoint"):
        mc.independent(joint, "P", ["P", "Q"])
    with pytest.raises(mc.InvalidArgumentError, match="twice"):
        mc.independent(joint, [0, 0], 1)
    with pytest.raises(mc.UnknownOutcomeError, match="no factor named"):
        mc.independent(joint, "Z", 1)
    with pytest.raises(mc.TypeMismatchError, match="expected a joint"):
        mc.independent(np.ones(4), 0, 1)
    with pytest.raises(mc.InvalidArgumentError, match="tolerance"):
        mc.independent(joint, 0, 1, atol=-1)


@pytest.mark.parametrize("backend", ["numpy", "jax", "sympy"])
def test_every_backend_agrees(backend):
    if backend == "jax":
        pytest.importorskip("jax")
    for seed in range(3):
        joint, _w, A, B, C = build((2, 2, 2), list("abc"), seed, "generic")
        on = joint.to(backend)
        assert mc.independent(on, A, B, C) is False
        cmi = float(mc.conditional_mutual_information(on, A, B, C))
        assert cmi == pytest.approx(
            float(mc.conditional_mutual_information(joint, A, B, C)), abs=1e-9
        )
        product = mc.conditional_product(on, A, B, C)  # exactly A ⊥ B | C on sympy
        assert mc.independent(product, A, B, C) is True
        assert float(mc.conditional_mutual_information(product, A, B, C)) == pytest.approx(
            0, abs=1e-12
        )


# ---- d-separation ---------------------------------------------------------------------


def random_network(rng, n, p_edge=0.4, sizes=(2, 3)):
    parents = [[j for j in range(i) if rng.random() < p_edge] for i in range(n)]
    objs = [mc.Obj(f"N{i}", int(rng.choice(sizes))) for i in range(n)]
    kernels = []
    for i in range(n):
        dom = mc.product(*(objs[j] for j in parents[i]))
        table = rng.dirichlet(np.ones(objs[i].size) * 0.7, size=dom.size)
        kernels.append(mc.kernel(dom, objs[i], table.reshape(*dom.shape, objs[i].size)))
    return mc.bayesian_network(kernels), parents


def moral_separated(parents, A, B, C):
    """d-separation by the moralised ancestral graph (Lauritzen), a second algorithm."""
    keep = set(A) | set(B) | set(C)
    stack = list(keep)
    while stack:
        for p in parents[stack.pop()]:
            if p not in keep:
                keep.add(p)
                stack.append(p)
    edges = {v: set() for v in keep}
    for v in keep:
        ps = [p for p in parents[v] if p in keep]
        for p in ps:
            edges[v].add(p)
            edges[p].add(v)
        for p, q in itertools.combinations(ps, 2):
            edges[p].add(q)
            edges[q].add(p)
    seen, stack = set(A), list(A)
    while stack:
        for u in edges[stack.pop()]:
            if u not in seen and u not in C:
                seen.add(u)
                stack.append(u)
    return not (seen & set(B))


def test_d_separation_agrees_with_the_moral_graph_and_the_numbers():
    rng = np.random.default_rng(11)
    checked = dependent = 0
    for _ in range(40):
        n = int(rng.integers(3, 7))
        net, parents = random_network(rng, n)
        w = np.asarray(net.array)
        for _ in range(6):
            roles = rng.choice(list("abcx"), size=n)
            A = [i for i in range(n) if roles[i] == "a"]
            B = [i for i in range(n) if roles[i] == "b"]
            C = [i for i in range(n) if roles[i] == "c"]
            if not A or not B:
                continue
            sep = mc.d_separated(net, A, B, C)
            assert sep == moral_separated(parents, A, B, C)
            if sep:  # soundness: independence for any tables
                assert mc.independent(net, A, B, C)
                assert brute_independent(w, A, B, C)
            else:  # generic tables: d-connection is dependence
                assert not mc.independent(net, A, B, C, atol=1e-12)
                dependent += 1
            checked += 1
    assert checked > 100 and dependent > 20


def test_d_separation_on_asia_and_copies():
    V = {
        n: mc.Obj(n, ("yes", "no"))
        for n in ["asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"]
    }
    k = lambda child, *ps: mc.kernel(  # noqa: E731
        mc.product(*(V[p] for p in ps)), V[child], np.full((*(2,) * len(ps), 2), 0.5)
    )
    net = mc.bayesian_network([
        mc.state(V["asia"], [0.01, 0.99]), k("tub", "asia"), mc.state(V["smoke"], [0.5, 0.5]),
        k("lung", "smoke"), k("bronc", "smoke"), k("either", "tub", "lung"), k("xray", "either"),
        k("dysp", "bronc", "either"),
    ])  # fmt: skip
    assert mc.d_separated(net, "tub", "smoke")
    assert not mc.d_separated(net, "tub", "smoke", given="dysp")  # a collider's descendant
    assert mc.d_separated(net, "xray", "dysp", given="either")  # xray's only parent
    assert not mc.d_separated(net, "xray", "dysp")  # xray ← either → dysp
    assert not mc.d_separated(net, "lung", "bronc", given="dysp")  # lung → either → dysp ← bronc
    assert mc.d_separated(net, "asia", "xray", given="either")
    both = mc.state(X2, [0.5, 0.5]) >> mc.copy(X2, 3)
    assert not mc.d_separated(both, 0, 1) and mc.d_separated(both, 0, 1, given=2)
    local = mc.independencies(net)
    assert (("xray",), ("asia", "tub", "smoke", "lung", "bronc", "dysp"), ("either",)) in local
    for a, b, c in local:
        assert mc.d_separated(net, list(a), list(b), list(c))


def test_d_separated_is_fast_on_a_thousand_nodes():
    rng = np.random.default_rng(5)
    n = 1000
    objs = [mc.Obj(f"N{i}", 2) for i in range(n)]
    kernels = []
    for i in range(n):
        # parents among the last few nodes: building a network whose every node stays
        # wanted by later ones is still quadratic (issue 23), the query is not
        ps = sorted({int(j) for j in rng.integers(max(0, i - 4), i, size=min(i, 2))}) if i else []
        dom = mc.product(*(objs[j] for j in ps))
        kernels.append(mc.kernel(dom, objs[i], np.full((*dom.shape, 2), 0.5)))
    net = mc.bayesian_network(kernels)
    mc.d_separated(net, 0, n - 1)  # builds and caches the network once
    sep = mc.d_separated(net, 0, n - 1, given=list(range(1, 50)))
    assert isinstance(sep, bool)  # the timing itself is in benchmarks/independence.py


def test_d_separated_errors():
    net, _ = random_network(np.random.default_rng(0), 3)
    with pytest.raises(mc.InvalidArgumentError, match="disjoint"):
        mc.d_separated(net, 0, 0)
    with pytest.raises(mc.TypeMismatchError):
        mc.d_separated("asia", 0, 1)


# ---- the semi-graphoid laws, and two rules that are not laws ------------------------------


@settings(max_examples=15)
@given(data=st.data())
def test_semi_graphoid_laws_on_every_backend(mc_backend, data):
    from markovcat import laws

    joint, a, b, d, c = data.draw(laws.independent_joints(backend=mc_backend))
    assert mc.independent(joint, a, b + d, c)  # the premise of the laws below holds
    laws.check_ci_symmetry(joint, a, b + d, c)
    laws.check_ci_decomposition(joint, a, b, d, c)
    laws.check_ci_weak_union(joint, a, b, d, c)
    laws.check_ci_contraction(joint, a, b, d, c)
    laws.check_ci_information(joint, a, b + d, c)  # zero here: the joint is independent
    laws.check_ci_information(joint, b, d, c)  # usually positive
    joint, a, b, d, c = data.draw(laws.independent_joints(backend=mc_backend, contraction=True))
    assert mc.independent(joint, a, b, c) and mc.independent(joint, a, d, b + c)
    laws.check_ci_contraction(joint, a, b, d, c)
    positive = data.draw(laws.independent_joints(backend=mc_backend, zeros=False))
    laws.check_ci_intersection(*positive)


def xor_joint():
    """A = B xor D flipped with probability 1/10, B and D fair coins: strictly positive,
    exact (rational tables)."""
    B = mc.Obj("B", 2)
    half, tenth = Fraction(1, 2), Fraction(1, 10)
    coin = mc.state(B, [half, half])
    flip = mc.kernel(B, B, [[1 - tenth, tenth], [tenth, 1 - tenth]])
    noisy = mc.deterministic(B @ B, B, lambda x, y: x ^ y).to("sympy") >> flip

    @mc.program(mc.I, B @ B @ B)
    def exclusive_or():
        x, y = coin(), coin()
        return noisy(x, y), x, y

    return exclusive_or


def test_composition_is_not_a_law_even_for_positive_joints():
    joint = xor_joint()
    assert joint.evaluate().backend == "sympy"  # decided exactly
    assert all(v > 0 for v in np.asarray(joint.array, dtype=object).ravel())
    assert mc.independent(joint, 0, 1) and mc.independent(joint, 0, 2)
    assert not mc.independent(joint, 0, [1, 2])  # composition would say it is
    w = np.asarray(joint.array, dtype=float)
    assert brute_independent(w, [0], [1], []) and not brute_independent(w, [0], [1, 2], [])


def test_intersection_needs_positivity():
    from markovcat import laws

    copies = mc.state(X2, [Fraction(1, 2), Fraction(1, 2)]) >> mc.copy(X2, 3)  # exact
    assert mc.independent(copies, 0, 1, given=2) and mc.independent(copies, 0, 2, given=1)
    assert not mc.independent(copies, 0, [1, 2])
    with pytest.raises(mc.InvalidArgumentError, match="strictly positive"):
        laws.check_ci_intersection(copies, 0, 1, 2)


def test_a_law_check_can_fail(monkeypatch):
    from markovcat import laws
    from markovcat.laws import independence

    joint, a, b, d, c = laws.independent_joints().example()
    answers = iter([True, False])  # the premise holds, the conclusion (wrongly) does not
    monkeypatch.setattr(independence, "independent", lambda *args, **kw: next(answers))
    with pytest.raises(laws.LawError, match="weak union"):
        laws.check_ci_weak_union(joint, a, b, d, c)


def test_a_dependence_at_a_rare_outcome_is_found():
    # at C = 1 (probability 1e-9) A and B are copies; at C = 0 independent coins
    w = np.zeros((2, 2, 2))
    w[:, :, 0] = (1 - 1e-9) * 0.25
    w[0, 0, 1] = w[1, 1, 1] = 0.5e-9
    joint = mc.state(X2 @ X2 @ X2, w)
    assert not mc.independent(joint, 0, 1, given=2)  # P(a, b | c) is compared, not ω·ω(c)
    assert not brute_independent(w, [0], [1], [2])
    w2 = w.copy()
    w2[:, :, 1] = 0.25e-9
    assert mc.independent(mc.state(X2 @ X2 @ X2, w2), 0, 1, given=2)
