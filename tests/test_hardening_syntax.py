"""Hardening of the syntax layer (issue 14): no silent wrong answers, bounded resources.

Wires refuse Python logic; walks over terms are iterative (10,000-deep diagrams);
``rewire`` is near-linear; objects and copies refuse before allocating; wide einsum
steps, bad arguments and reflected operators give markovcat errors.
"""

from __future__ import annotations

import operator
import random
import time

import numpy as np
import opt_einsum as oe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import chains, laws
from markovcat._diagram import thread
from markovcat._engine._einsum import expression

X = mc.Obj("X", 2)
K = mc.kernel(X, X, [[0.9, 0.1], [0.2, 0.8]], name="k")
F = mc.Box("f", X, X)
DEEP = 10_000


# ---- 1. wires have no Python truth, order, length or hash ---------------------------------
WIRE_OPS = {
    "==": lambda w: w == "yes",
    "!=": lambda w: w != "yes",
    "<": lambda w: w < 1,
    "<=": lambda w: w <= 1,
    ">": lambda w: w > 1,
    ">=": lambda w: w >= 1,
    "reflected ==": lambda w: "yes" == w,
    "bool": bool,
    "len": len,
    "iter": iter,
    "hash": hash,
    "dict key": lambda w: {w: 1},
    "in": lambda w: 1 in w,
    "int": int,
    "index": operator.index,
}


@pytest.mark.parametrize("op", sorted(WIRE_OPS))
def test_each_wire_operation_says_how_to_branch(op):
    with pytest.raises(mc.ProgramError, match="mc.deterministic"):

        @mc.program(X, X)
        def probe(x):
            WIRE_OPS[op](x)
            return x


def test_comparing_a_wire_in_an_if_is_not_the_else_branch():
    with pytest.raises(mc.ProgramError, match="branch with a kernel"):

        @mc.program(X, X)
        def model(c):
            if c == "yes":
                return K(c)
            return c


def test_programs_still_copy_delete_and_reorder_wires():
    @mc.program(X @ X, X @ X @ X)
    def prog(a, b):
        return b, K(a), b

    p = mc.state(X @ X, [[0.1, 0.2], [0.3, 0.4]])
    got = (p >> prog).array
    want = np.einsum("ab,ac,bd->bcd", p.array, K.array, np.eye(2))
    assert np.allclose(got, want)


# ---- 2. 10,000-deep diagrams -----------------------------------------------------------------
def _alternating(leaf: mc.Diagram, depth: int) -> mc.Diagram:
    """Seq(Par(Seq(Par(...)))): each level tensors with the unit and swaps."""
    d = leaf @ mc.identity(X)
    for _ in range(depth):
        d = (d @ mc.identity(mc.I)) >> mc.swap(X, X)
    return d


def _depth(d):
    deepest, stack = 0, [(d, 0)]
    while stack:
        t, k = stack.pop()
        deepest = max(deepest, k)
        stack.extend((p, k + 1) for p in getattr(t, "parts", ()))
    return deepest


@pytest.fixture(scope="module")
def deep_boxes():
    return _alternating(F, DEEP), _alternating(F, DEEP)


def test_deep_diagrams_build_with_types(deep_boxes):
    d, _ = deep_boxes
    assert _depth(d) >= 2 * DEEP
    assert d.dom == X @ X and d.cod == X @ X


def test_deep_diagrams_print_compare_and_hash(deep_boxes):
    d, e = deep_boxes
    s, r = str(d), repr(d)
    assert s.count("swap(X, X)") == DEEP and r.count("swap(") == DEEP
    assert s.endswith(" >> swap(X, X)") and "f @ id(X)" in s
    assert d == e and hash(d) == hash(e) and d is not e
    other = _alternating(mc.Box("g", X, X), DEEP)
    assert d != other
    assert len({d, e, other}) == 2


def test_deep_diagrams_free_equal(deep_boxes):
    d, e = deep_boxes
    assert mc.free_equal(d, e)
    assert not mc.free_equal(d, _alternating(F, DEEP - 1))  # one swap fewer
    assert mc.free_equal(d, F @ mc.identity(X))  # an even number of swaps cancels


def test_deep_diagrams_evaluate():
    d = _alternating(K, DEEP)
    want = np.einsum("ac,bd->abcd", K.array, np.eye(2))
    assert np.allclose(mc.evaluate(d).array, want)
    odd = _alternating(K, DEEP + 1)
    assert np.allclose(mc.evaluate(odd).array, np.einsum("ac,bd->abdc", K.array, np.eye(2)))


def test_deep_thread_routes_every_wire(deep_boxes):
    d, _ = deep_boxes
    assert thread(d, ["a", "b"], lambda g, w: [g.name + w[0]]) == ["fa", "b"]


def test_nested_programs_ten_thousand_levels():
    fst = mc.kernel(X @ X, X, np.einsum("ac,b->abc", np.eye(2), np.ones(2)), name="fst")
    inner: mc.Diagram = K
    for _ in range(DEEP):

        def level(x, inner=inner):
            a, b = mc.copy(X)(x)
            return fst(inner(a), b)

        inner = mc.program(X, X)(level)
    assert _depth(inner) >= DEEP
    assert np.allclose(mc.evaluate(inner).array, K.array)


def test_drawing_a_too_deep_diagram_is_a_clear_error(deep_boxes):
    d, _ = deep_boxes
    with pytest.raises(mc.InvalidArgumentError, match="nested .* deep"):
        d.draw()
    assert "<svg" in _alternating(F, 20).draw()._repr_svg_()


# ---- 3. rewire is near-linear ---------------------------------------------------------------
def _labels(d, n):
    return thread(d, list(range(n)), lambda g, w: pytest.fail("no generators expected"))


@pytest.mark.parametrize("kind", ["reversal", "random"])
def test_rewire_twenty_thousand_factors(kind):
    n = 20_000
    objs = [mc.Obj(f"A{i}", 2) for i in range(n)]
    positions = list(range(n))[::-1] if kind == "reversal" else random.Random(7).sample(range(n), n)
    start = time.perf_counter()
    d = mc.rewire(mc.product(*objs), positions)
    assert time.perf_counter() - start < 60  # was O(n²) swaps: minutes
    assert [f.name for f in d.cod.factors] == [f"A{p}" for p in positions]
    assert _labels(d, n) == positions


@settings(max_examples=30, deadline=None)
@given(st.integers(33, 44).flatmap(lambda n: st.permutations(range(n))), st.data())
def test_rewire_block_permutations_evaluate_correctly(perm, data):
    n = len(perm)
    # mostly one-outcome factors keep the table small; a few real ones carry the test
    big = set(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True)))
    objs = [mc.Obj(f"A{i}", 2 if i in big else 1) for i in range(n)]
    Xs = mc.product(*objs)
    rng = np.random.default_rng(n)
    table = rng.random(Xs.shape)
    p = mc.state(Xs, table / table.sum())
    got = (p >> mc.rewire(Xs, list(perm))).array
    assert np.allclose(got, np.transpose(p.array, perm))


def test_rewire_with_copies_and_deletes_above_the_small_case():
    n = 40
    objs = [mc.Obj(f"A{i}", 1) for i in range(n)]
    positions = [5, 39, 5, 0, *range(38, 10, -1)]
    d = mc.rewire(mc.product(*objs), positions)
    assert [f.name for f in d.cod.factors] == [f"A{p}" for p in positions]


# ---- 4. refuse before allocating -----------------------------------------------------------
def test_huge_objects_are_refused_before_allocating():
    for outcomes in (2**27, 2**200, range(2**70), range(2**30)):
        with pytest.raises(mc.MemoryLimitError, match="outcomes is over the limit"):
            mc.Obj("X", outcomes)
    assert mc.Obj("X", 2**16).size == 2**16


def test_copy_of_a_wide_product_is_refused_before_building():
    wide = mc.product(*[mc.Bool] * 4096)
    start = time.perf_counter()
    with pytest.raises(mc.MemoryLimitError, match="factors, over mc.config.max_elements"):
        mc.copy(wide, 65536)
    assert time.perf_counter() - start < 1
    with pytest.raises(mc.MemoryLimitError):
        mc.copy(mc.Bool, 2**80)


@pytest.mark.parametrize("p", [2**64, -(2**64), 2**200])
def test_huge_positions_are_unknown_outcome_errors(p):
    with pytest.raises(mc.UnknownOutcomeError, match="factor position"):
        mc.rewire(X @ X, [0, p])


# ---- 5. wide einsum steps, arguments, operators ---------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(53, 64), st.integers(1, 9), st.data())
def test_einsum_steps_with_more_than_52_indices(n_idx, n_ops, data):
    syms = [oe.get_symbol(i) for i in range(n_idx)]
    big = set(data.draw(st.lists(st.integers(0, n_idx - 1), max_size=5, unique=True)))
    size = {s: (2 if i in big else 1) for i, s in enumerate(syms)}
    terms = ["".join(syms[: n_idx // 2 + 1]), "".join(syms[n_idx // 2 :])]
    for _ in range(n_ops - 1):
        terms.append("".join(data.draw(st.lists(st.sampled_from(syms), max_size=6, unique=True))))
    out = "".join(data.draw(st.lists(st.sampled_from(syms), max_size=6, unique=True)))
    eq = ",".join(terms) + "->" + out
    shapes = [tuple(size[c] for c in t) for t in terms]
    rng = np.random.default_rng(n_idx)
    arrays = [rng.random(sh) for sh in shapes]
    got = expression(eq, shapes).prepare("numpy")(*arrays)
    # reference: drop the one-outcome indices, rename the rest to ASCII
    letters = {s: chr(97 + k) for k, s in enumerate(s for s in syms if size[s] > 1)}
    squeeze = [a.reshape([size[c] for c in t if size[c] > 1]) for a, t in zip(arrays, terms)]
    ref_eq = ",".join("".join(letters.get(c, "") for c in t) for t in terms)
    ref_eq += "->" + "".join(letters.get(c, "") for c in out)
    want = np.einsum(ref_eq, *squeeze).reshape([size[c] for c in out])
    assert np.allclose(got, want)


@pytest.mark.parametrize("atol", [-1.0, float("nan"), "1e-9", None])
def test_stationary_checks_its_tolerance(atol):
    with pytest.raises(mc.InvalidArgumentError, match="chains.stationary"):
        chains.stationary(K, atol=atol)


@pytest.mark.parametrize(
    "call",
    [
        lambda: laws.check_unit(3),
        lambda: laws.check_associativity(K, "g", K),
        lambda: laws.check_delete_naturality(np.eye(2)),
        lambda: laws.check_unit(K, atol="x"),
        lambda: laws.check_unit(K, atol=-1),
    ],
)
def test_laws_reject_bad_arguments_with_markovcat_errors(call):
    with pytest.raises((mc.TypeMismatchError, mc.InvalidArgumentError), match="laws.check_"):
        call()


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda: 3 >> K, ">>"),
        (lambda: object() @ K, "@"),
        (lambda: [1] << K, "<<"),
        (lambda: K >> 3, ">>"),
        (lambda: K @ "x", "@"),
    ],
)
def test_operators_with_a_non_diagram_say_what_was_given(call, op):
    with pytest.raises(mc.TypeMismatchError, match="expected a diagram or kernel.*given") as e:
        call()
    assert op in str(e.value)


def test_jit_accepts_diagrams_with_wiring():
    jax = pytest.importorskip("jax")
    p = mc.state(mc.Bool, [0.3, 0.7], backend="jax")
    d = p >> mc.copy(mc.Bool) >> mc.swap(mc.Bool, mc.Bool)
    out = jax.jit(lambda q: mc.evaluate(q).table)(d)
    assert np.allclose(np.asarray(out), [[0.3, 0.0], [0.0, 0.7]])


def test_python_ints_beyond_float64_are_clear_errors():
    """A table entry of 10**400 and a tolerance of 2**2000 name the problem instead of a
    raw OverflowError."""
    from markovcat import chains

    with pytest.raises(mc.NotStochasticError, match="401 digits"):
        mc.state(mc.Bool, [10**400, 0])
    with pytest.raises(mc.InvalidArgumentError, match="finite tolerance"):
        chains.stationary(mc.kernel(mc.Bool, mc.Bool, np.eye(2)), atol=2**2000)
    with pytest.raises(mc.InvalidArgumentError, match="finite tolerance"):
        mc.allclose(mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.5, 0.5]), atol=2**2000)


def deep_chain(f: mc.Diagram, g: mc.Diagram, n: int = 10_000) -> mc.Diagram:
    """``f`` followed ``n`` times, alternately, by ``g`` with ``f`` on one output and the
    other deleted, or by ``f`` on a tensor with the unit: ``>>`` and ``@`` nest ``n`` deep
    (``f: X → X``, ``g: X → X ⊗ X``)."""
    X = f.cod
    d = f
    for i in range(n):
        d = (
            (d >> g >> (mc.identity(X) @ f) >> (f @ mc.delete(X)))
            if i % 3 == 0
            else ((d @ mc.identity(mc.I)) >> f)
        )
    return d


def test_interpret_ten_thousand_deep_and_self_reference():
    """mc.interpret walks a term nested 10,000 deep without recursion, and a box mapped to
    a diagram containing itself is an error, not a hang."""
    X = mc.Obj("X", 2)
    f, g = mc.Box("f", X, X), mc.Box("g", X, X @ X)
    d = deep_chain(f, g)
    F = mc.kernel(X, X, [[0.9, 0.1], [0.2, 0.8]])
    G = mc.kernel(X, X @ X, [[0.25] * 4, [0.1, 0.2, 0.3, 0.4]])
    k = mc.interpret(d, {"f": F, "g": G})
    assert mc.free_equal(mc.interpret(k, {}), k)  # nothing symbolic left
    # by hand: g, f on the second output and its deletion leave g's first marginal, then f
    m = F.matrix
    step = G.matrix.reshape(2, 2, 2).sum(axis=2) @ m
    want = m
    for i in range(10_000):
        want = want @ step if i % 3 == 0 else want @ m
    np.testing.assert_allclose(mc.evaluate(k).matrix, want, atol=1e-12)
    h = mc.Box("h", X, X)
    with pytest.raises(mc.TypeMismatchError, match="contains it"):
        mc.interpret(h, {"h": h >> h})


def test_pickle_and_deepcopy_of_terms_ten_thousand_deep():
    """Composites pickle flat (postorder), so neither pickling nor deep copies recurse:
    symbolic terms come back equal, numeric ones with the same table as a hand-computed
    power of the matrix."""
    import copy
    import pickle

    X = mc.Obj("X", 2)
    symbolic = deep_chain(mc.Box("f", X, X), mc.Box("g", X, X @ X))
    assert pickle.loads(pickle.dumps(symbolic)) == symbolic
    assert copy.deepcopy(symbolic) == symbolic
    A = np.array([[0.9, 0.1], [0.2, 0.8]])
    f = mc.kernel(X, X, A)
    numeric = deep_chain(f, mc.copy(X), n=3000)
    back = pickle.loads(pickle.dumps(numeric))
    # the first f, then f once per step on the kept wire (the copy's other branch is deleted)
    steps = 1 + 3000
    np.testing.assert_allclose(back.evaluate().array, np.linalg.matrix_power(A, steps), atol=1e-12)
    assert not any(k.startswith("_network") for k in pickle.loads(pickle.dumps(f)).__dict__)


def test_numpy_arrays_on_the_left_of_diagram_operators_are_clear_errors():
    f = mc.identity(mc.Bool)
    for op in (operator.matmul, operator.rshift, operator.lshift):
        with pytest.raises(
            mc.TypeMismatchError, match="expected a diagram or kernel on the left, given ndarray"
        ):
            op(np.eye(2), f)


def test_a_table_of_more_than_sixty_four_axes_is_refused_clearly():
    U = mc.Obj("U", 1)
    with pytest.raises(mc.NotStochasticError, match="at most 64 axes; this one would need 65"):
        mc.state(mc.product(*[U] * 65), [1.0])
    with pytest.raises(mc.BackendError, match="130 axes; einsum supports at most 52"):
        mc.identity(mc.product(*[U] * 65)).array
