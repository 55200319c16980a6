"""Interventions by string-diagram surgery: ``mc.do`` against the truncated factorisation
computed by brute force in exact fractions, surgery on random generating models against
the back-door and front-door formulas on their observational joints (exactly), the cases
where pgmpy's ``CausalInference.query`` is known to go wrong (issues #3543, #1701, #2454)
worked out by hand, and a comparison with pgmpy where it is installed."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws


def brute_do(kernels, do=None):
    """The intervened joint ``{outcome tuple: probability}`` by the truncated
    factorisation: the product of every kernel's entry except the intervened ones, which
    are indicators (or the soft state's entry)."""
    do = do or {}
    names = [k.cod.name for k in kernels]
    objs = [k.cod for k in kernels]
    out = {}
    for values in itertools.product(*(o.values for o in objs)):
        at = dict(zip(names, values, strict=True))
        p = F(1)
        for k, obj, v in zip(kernels, objs, values, strict=True):
            if obj.name in do:
                target = do[obj.name]
                if isinstance(target, mc.Diagram):
                    p *= F(str(target.array[obj.position(v)]))
                else:
                    p *= 1 if v == target else 0
                continue
            index = (*(f.position(at[f.name]) for f in k.dom.factors), obj.position(v))
            p *= F(str(k.table[index]))
        out[values] = p
    return out


def brute_marginal(joint, positions, given=None):
    given = given or {}
    out = {}
    for values, p in joint.items():
        if any(values[i] != v for i, v in given.items()):
            continue
        key = tuple(values[i] for i in positions)
        out[key] = out.get(key, 0) + p
    total = sum(out.values())
    return {k: v / total for k, v in out.items()}


def as_dict(state):
    return {
        (o if isinstance(o, tuple) else (o,)): F(str(v))
        for o, v in zip(state.cod.outcomes, np.asarray(state.array).ravel(), strict=True)
    }


# ---- random generating models, exactly -------------------------------------------------------
Z, X, Y = mc.Obj("Z", 3), mc.Obj("X", 2), mc.Obj("Y", 2)
U, M = mc.Obj("U", 2), mc.Obj("M", 3)


@settings(max_examples=5)
@given(data=st.data())
def test_backdoor_surgery_on_random_models(backend, data):
    def draw(dom, cod):
        return data.draw(laws.kernels(dom, cod, backend=backend, zeros=False))

    z, x, y = draw(mc.I, Z), draw(Z, X), draw(X @ Z, Y)
    net = mc.bayesian_network([z, x, y])
    laws.check_backdoor_surgery(net, "X", "Y", "Z")
    if backend == "sympy":  # exact: the truncated factorisation by brute force
        for v in X.values:
            expected = brute_marginal(brute_do([z, x, y], {"X": v}), [2])
            assert as_dict(mc.marginal(mc.do(net, {"X": v}), ["Y"])) == expected


@settings(max_examples=5)
@given(data=st.data())
def test_frontdoor_surgery_with_a_hidden_confounder(data):
    def draw(dom, cod):
        return data.draw(laws.kernels(dom, cod, backend="sympy", zeros=False))

    u, x, m, y = draw(mc.I, U), draw(U, X), draw(X, M), draw(M @ U, Y)
    net = mc.bayesian_network([u, x, m, y])
    laws.check_frontdoor_surgery(net, "X", "M", "Y")
    observed = mc.marginal(net, ["X", "M", "Y"])  # U is hidden
    channel = mc.frontdoor(observed, "X", "M", "Y")
    for v in X.values:
        expected = brute_marginal(brute_do([u, x, m, y], {"X": v}), [3])
        assert as_dict(channel[v]) == expected
    # the confounder makes the plain conditional wrong in general; back-door on U is right
    assert mc.allclose(mc.backdoor(net, "X", "Y", "U"), channel)


def test_frontdoor_numbers_by_hand():
    # P(m|x0) = (4/5, 1/5), P(m|x1) = (1/5, 4/5); Σ_x' P(x') P(y|x',m) = (5/8, 3/8) at m0 and
    # (1/8, 7/8) at m1; so P(y | do(x0)) = (21/40, 19/40), P(y | do(x1)) = (9/40, 31/40)
    XMY = mc.Obj("X", 2) @ mc.Obj("M", 2) @ mc.Obj("Y", 2)
    joint = mc.state(XMY, [F(3, 10), F(1, 10), 0, F(1, 10), F(1, 20), F(1, 20), F(1, 10), F(3, 10)])
    assert mc.frontdoor(joint, 0, 1, 2).matrix.tolist() == [
        [F(21, 40), F(19, 40)],
        [F(9, 40), F(31, 40)],
    ]


# ---- the cases pgmpy gets wrong, by hand -----------------------------------------------------
def sprinkler():
    C, S, R, W = (mc.Obj(n, 2) for n in "CSRW")
    kernels = [
        mc.state(C, [F(1, 2), F(1, 2)], name="C"),
        mc.kernel(C, S, [[F(1, 2), F(1, 2)], [F(9, 10), F(1, 10)]], name="S"),
        mc.kernel(C, R, [[F(4, 5), F(1, 5)], [F(1, 5), F(4, 5)]], name="R"),
        mc.kernel(
            S @ R,
            W,
            [[1, 0], [F(1, 10), F(9, 10)], [F(1, 10), F(9, 10)], [F(1, 100), F(99, 100)]],
            name="W",
        ),
    ]
    return kernels, mc.bayesian_network(kernels)


def test_do_then_condition():
    kernels, net = sprinkler()
    # pgmpy #3543 bug 1: in the cut network W reads S = 1 and R; given R = 1, W = 1 w.p. 99/100
    post = mc.condition(mc.do(net, {"S": 1}), {"R": 1}, keep=["W"])
    assert post.array.tolist() == [F(1, 100), F(99, 100)]
    # and a query that needs the whole network: P(C | do(S=1), W=1)
    expected = brute_marginal(brute_do(kernels, {"S": 1}), [0], given={3: 1})
    assert as_dict(mc.condition(mc.do(net, {"S": 1}), {"W": 1}, keep=["C"])) == expected
    # the intervention cut C → S: seeing W = 1 still informs C, through R only
    assert expected != brute_marginal(brute_do(kernels), [0], given={1: 1, 3: 1})


def test_several_targets_one_a_parent_of_another():
    A, B, C = (mc.Obj(n, 2) for n in "ABC")
    a = mc.state(A, [F(3, 5), F(2, 5)], name="A")
    b = mc.kernel(A, B, [[F(7, 10), F(3, 10)], [F(1, 5), F(4, 5)]], name="B")
    c = mc.kernel(
        A @ B, C, [[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)], [0, 1]], name="C"
    )
    net = mc.bayesian_network([a, b, c])
    # pgmpy #3543 bug 2: with A and B both set, C reads its table at (A=1, B=1): C = 1 surely
    assert mc.marginal(mc.do(net, {"A": 1, "B": 1}), ["C"]).array.tolist() == [0, 1]
    for va, vb in itertools.product((0, 1), repeat=2):
        got = as_dict(mc.do(net, {"A": va, "B": vb}))
        assert got == brute_do([a, b, c], {"A": va, "B": vb})
    # do(B) alone keeps A's influence on C: P(C=1 | do(B=1)) = 3/5·1/2 + 2/5·1 = 7/10
    assert mc.marginal(mc.do(net, {"B": 1}), ["C"]).array.tolist() == [F(3, 10), F(7, 10)]


def test_target_downstream_of_the_query():
    Q, D, A = (mc.Obj(n, 2) for n in "QDA")
    q = mc.state(Q, [F(1, 4), F(3, 4)], name="Q")
    d = mc.kernel(Q, D, [[F(9, 10), F(1, 10)], [F(1, 10), F(9, 10)]], name="D")
    a = mc.kernel(
        Q @ D,
        A,
        [[F(9, 10), F(1, 10)], [F(1, 2), F(1, 2)], [F(3, 5), F(2, 5)], [F(1, 5), F(4, 5)]],
        name="A",
    )
    net = mc.bayesian_network([q, d, a])
    # pgmpy #2454 refuses this query. Setting D does not move its cause: P(Q | do(D=1)) = P(Q)
    assert mc.marginal(mc.do(net, {"D": 1}), ["Q"]).array.tolist() == [F(1, 4), F(3, 4)]
    # P(Q | do(D=1), A=1) ∝ P(Q) P(A=1 | Q, D=1) = (1/4·1/2, 3/4·4/5) = (1/8, 3/5) → (5/29, 24/29)
    post = mc.condition(mc.do(net, {"D": 1}), {"A": 1}, keep=["Q"])
    assert post.array.tolist() == [F(5, 29), F(24, 29)]
    # observing D = 1 instead would tell us about Q
    assert mc.condition(net, {"D": 1}, keep=["Q"]).array.tolist() != [F(1, 4), F(3, 4)]


def test_soft_intervention_is_the_mixture():
    kernels, net = sprinkler()
    soft = mc.state(mc.Obj("S", 2), [F(1, 3), F(2, 3)])
    got = mc.do(net, {"S": soft})
    assert as_dict(got) == brute_do(kernels, {"S": soft})
    mixture = {
        o: F(1, 3) * p0 + F(2, 3) * p1
        for (o, p0), p1 in zip(
            as_dict(mc.do(net, {"S": 0})).items(),
            as_dict(mc.do(net, {"S": 1})).values(),
            strict=True,
        )
    }
    assert as_dict(got) == mixture


BIF = """
network tiny { }
variable Smoking { type discrete [ 2 ] { no, yes }; }
variable Tar { type discrete [ 2 ] { low, high }; }
variable Cancer { type discrete [ 2 ] { no, yes }; }
probability ( Smoking ) { table 0.5, 0.5; }
probability ( Tar | Smoking ) { (no) 0.95, 0.05; (yes) 0.05, 0.95; }
probability ( Cancer | Tar ) { (low) 0.9, 0.1; (high) 0.2, 0.8; }
"""


def test_read_bif_networks_and_positions():
    net = mc.read_bif(BIF)
    by_name = mc.do(net, {"Tar": "high"})
    by_position = mc.do(net, {1: "high"})
    assert mc.allclose(by_name, by_position)
    np.testing.assert_allclose(mc.marginal(by_name, ["Cancer"]).array, [0.2, 0.8])
    np.testing.assert_allclose(mc.marginal(by_name, ["Smoking"]).array, [0.5, 0.5])
    # intervening twice: the second surgery acts on the first's diagram
    twice = mc.do(mc.do(net, {"Smoking": "yes"}), {"Tar": "low"})
    np.testing.assert_allclose(mc.marginal(twice, ["Cancer"]).array, [0.9, 0.1])


def test_programs_with_a_latent_confounder_and_drawings():
    u = mc.state(U, [0.3, 0.7], name="genotype")
    x = mc.kernel(U, X, [[0.8, 0.2], [0.3, 0.7]], name="smoking")
    m = mc.kernel(X, M, [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], name="tar")
    y = mc.kernel(
        M @ U,
        Y,
        [[0.9, 0.1], [0.6, 0.4], [0.7, 0.3], [0.4, 0.6], [0.5, 0.5], [0.1, 0.9]],
        name="cancer",
    )

    @mc.program(mc.I, X @ M @ Y)
    def model():
        g = u()
        s = x(g)
        t = m(s)
        return s, t, y(t, g)

    cut = mc.do(model, {"X": 1})
    net = mc.bayesian_network([u, x, m, y])
    np.testing.assert_allclose(
        mc.marginal(cut, ["Y"]).array, mc.marginal(mc.do(net, {"X": 1}), ["Y"]).array, atol=1e-12
    )
    np.testing.assert_allclose(
        mc.frontdoor(model, "X", "M", "Y").matrix[1], mc.marginal(cut, ["Y"]).array, atol=1e-12
    )
    assert "smoking" in str(model) and "smoking" not in str(cut) and "do(X=1)" in str(cut)
    svg = cut.draw()._repr_svg_()
    assert "do(X=1)" in svg


def test_errors():
    kernels, net = sprinkler()
    with pytest.raises(mc.UnknownOutcomeError, match="no outcome"):
        mc.do(net, {"S": 7})
    with pytest.raises(mc.UnknownOutcomeError):
        mc.do(net, {"Nope": 0})
    with pytest.raises(mc.TypeMismatchError, match="soft intervention"):
        mc.do(net, {"S": mc.state(mc.Bool, [0.5, 0.5])})
    with pytest.raises(mc.InvalidArgumentError, match="twice"):
        mc.do(net, {"S": 0, 1: 1})
    with pytest.raises(mc.InvalidArgumentError, match="one mechanism"):
        mc.do(mc.state(X @ Y, [0.25] * 4), {0: 1})
    with pytest.raises(mc.TypeMismatchError, match="network"):
        mc.do(kernels[1], {"S": 0})
    with pytest.raises(mc.InvalidArgumentError, match="disjoint"):
        mc.backdoor(net, "S", "W", ["S"])
    with pytest.raises(mc.InvalidArgumentError, match="at least one"):
        mc.frontdoor(net, "S", [], "W")
    with pytest.raises(mc.TypeMismatchError, match="joint state"):
        mc.backdoor(kernels[1], 0, 0)


# ---- pgmpy, where it is installed (the benchmark environment) -----------------------------------
@pytest.mark.filterwarnings("ignore")  # pgmpy's own deprecation and future warnings
def test_against_pgmpy():
    pytest.importorskip("pgmpy")
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import CausalInference, VariableElimination
    from pgmpy.models import DiscreteBayesianNetwork

    kernels, net = sprinkler()
    model = DiscreteBayesianNetwork([("C", "S"), ("C", "R"), ("S", "W"), ("R", "W")])
    for k in kernels:
        parents = [f.name for f in k.dom.factors]
        table = np.asarray(k.matrix, dtype=float).T  # pgmpy: one column per parent outcome
        model.add_cpds(
            TabularCPD(
                k.cod.name,
                2,
                table,
                evidence=parents or None,
                evidence_card=[2] * len(parents) or None,
            )
        )
    ours = np.asarray(mc.condition(mc.do(net, {"S": 1}), {"R": 1}, keep=["W"]).array, dtype=float)
    mutilated = VariableElimination(model.do(["S"])).query(
        ["W"], evidence={"S": 1, "R": 1}, show_progress=False
    )
    np.testing.assert_allclose(ours, mutilated.values, atol=1e-12)  # pgmpy's own surgery agrees
    theirs = CausalInference(model).query(
        ["W"], do={"S": 1}, evidence={"R": 1}, show_progress=False
    )
    # pgmpy 1.1.2's query drops evidence outside its adjustment set (#3543): record, not assert
    print("pgmpy CausalInference.query P(W | do(S=1), R=1):", theirs.values, "markovcat:", ours)
    # without evidence the back-door query agrees with surgery
    plain = CausalInference(model).query(["W"], do={"S": 1}, show_progress=False)
    np.testing.assert_allclose(
        np.asarray(mc.marginal(mc.do(net, {"S": 1}), ["W"]).array, dtype=float),
        plain.values,
        atol=1e-12,
    )


def _pgmpy_model(edges, kernels):
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    model = DiscreteBayesianNetwork(edges)
    for k in kernels:
        parents = [f.name for f in k.dom.factors]
        table = np.asarray(k.matrix, dtype=float).T
        model.add_cpds(
            TabularCPD(
                k.cod.name,
                2,
                table,
                evidence=parents or None,
                evidence_card=[2] * len(parents) or None,
            )
        )
    return model


@pytest.mark.filterwarnings("ignore")
def test_against_pgmpy_related_targets_and_downstream_targets():
    pytest.importorskip("pgmpy")
    from pgmpy.inference import CausalInference, VariableElimination

    A, B, C = (mc.Obj(n, 2) for n in "ABC")
    ks = [
        mc.state(A, [0.6, 0.4]),
        mc.kernel(A, B, [[0.7, 0.3], [0.2, 0.8]]),
        mc.kernel(A @ B, C, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]),
    ]
    model = _pgmpy_model([("A", "B"), ("A", "C"), ("B", "C")], ks)
    ours = np.asarray(mc.marginal(mc.do(mc.bayesian_network(ks), {"A": 1, "B": 1}), ["C"]).array)
    ref = VariableElimination(model.do(["A", "B"])).query(
        ["C"], evidence={"A": 1, "B": 1}, show_progress=False
    )
    np.testing.assert_allclose(ours, ref.values, atol=1e-12)
    theirs = CausalInference(model).query(["C"], do={"A": 1, "B": 1}, show_progress=False)
    print("pgmpy P(C | do(A=1, B=1)):", theirs.values, "markovcat:", ours)

    Q, D, E = (mc.Obj(n, 2) for n in "QDA")
    ks = [
        mc.state(Q, [0.25, 0.75]),
        mc.kernel(Q, D, [[0.9, 0.1], [0.1, 0.9]]),
        mc.kernel(Q @ D, E, [[0.9, 0.1], [0.5, 0.5], [0.6, 0.4], [0.2, 0.8]]),
    ]
    model = _pgmpy_model([("Q", "D"), ("Q", "A"), ("D", "A")], ks)
    ours = np.asarray(
        mc.condition(mc.do(mc.bayesian_network(ks), {"D": 1}), {"A": 1}, keep=["Q"]).array
    )
    ref = VariableElimination(model.do(["D"])).query(
        ["Q"], evidence={"D": 1, "A": 1}, show_progress=False
    )
    np.testing.assert_allclose(ours, ref.values, atol=1e-12)
    try:
        theirs = (
            CausalInference(model)
            .query(["Q"], do={"D": 1}, evidence={"A": 1}, show_progress=False)
            .values
        )
    except ValueError as exc:  # pgmpy #2454: refused
        theirs = f"ValueError: {str(exc)[:60]}"
    print("pgmpy P(Q | do(D=1), A=1):", theirs, "markovcat:", ours)


def test_surgery_on_symbolic_diagrams():
    p, f = mc.Box("p", mc.I, X), mc.Box("f", X, Y)
    d = p >> mc.copy(X) >> (mc.identity(X) @ f)
    assert str(mc.do(d, {"Y": 1})) == "p >> (id(X) @ do(Y=1))"
    assert str(mc.do(d, {"X": 0})) == "do(X=0) >> copy(X) >> (id(X) @ f)"
    assert mc.do(d, {"X": 0}).dom == mc.I and mc.do(d, {"X": 0}).cod == X @ Y
