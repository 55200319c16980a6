"""Fuzz: malformed input to every public function raises a documented ``MarkovCatError``.

Never a bare ValueError/KeyError/IndexError, a numpy broadcasting error or a JAX tracer
error; never a result containing NaN; never output printed from inside the library.
The last test calls *every* callable in ``mc.__all__`` with random junk, so functions
added later are fuzzed too.
"""

import contextlib
import functools
import inspect
import io
import math
import os
import tempfile
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import markovcat as mc
from markovcat import laws

X = mc.Obj("X", ("a", "b"))
Y = mc.Obj("Y", (0, 1, 2))
F = mc.kernel(X, Y, [[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]], name="f")
G = mc.kernel(Y, X, [[1.0, 0.0], [0.5, 0.5], [0.2, 0.8]], name="g")
P = mc.state(X @ Y, [[0.1, 0.2, 0.1], [0.3, 0.0, 0.3]], name="p")
PX = mc.state(X, [0.25, 0.75], name="px")
B = mc.Box("b", X, Y)

#: more examples than the profile's default: this file is the search for bad input
fuzz = settings(max_examples=120)

needs_information = pytest.mark.skipif(
    not hasattr(mc, "entropy"), reason="the information functions are not in this build"
)


# ---- the harness -------------------------------------------------------------------------------
def has_nan(x) -> bool:
    if isinstance(x, mc.Kernel):
        x = x.table
    if isinstance(x, (tuple, list)):
        return any(has_nan(v) for v in x)
    if isinstance(x, dict):
        return any(has_nan(v) for v in x.values())
    if isinstance(x, sympy.Basic):
        return x.has(sympy.nan, sympy.zoo)
    if isinstance(x, np.ndarray) and x.dtype == object:
        return any(has_nan(v) for v in x.ravel())
    if isinstance(x, (float, np.floating, np.ndarray)) or type(x).__module__.startswith("jax"):
        return bool(np.isnan(np.asarray(x, dtype=np.float64)).any())
    return False


def call(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or the MarkovCatError it raised; anything else fails the test."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            result = fn(*args, **kwargs)
        except mc.MarkovCatError as exc:
            assert str(exc).strip(), f"{type(exc).__name__} without a message"
            result = exc
    assert printed.getvalue() == "", f"the library printed {printed.getvalue()[:300]!r}"
    if not isinstance(result, mc.MarkovCatError):
        assert not has_nan(result), f"{fn} returned NaN: {result!r}"
    return result


def raises(expected, fn, *args, **kwargs):
    result = call(fn, *args, **kwargs)
    assert isinstance(result, expected), f"expected {expected}, got {result!r}"
    return result


@contextlib.contextmanager
def max_elements(n):
    old = mc.config.max_elements
    mc.config.max_elements = n
    try:
        yield
    finally:
        mc.config.max_elements = old


@contextlib.contextmanager
def inside(directory):
    old = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(old)


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.integers(-(10**4), 10**4),
    st.sampled_from([10**12, 2**64, -(10**30)]),
    st.floats(),
    st.complex_numbers(),
    st.text(max_size=3),
    st.binary(max_size=3),
    st.lists(st.floats(), max_size=3),
    st.tuples(st.integers(-2, 2), st.text(max_size=1)),
    st.dictionaries(st.text(max_size=2), st.integers(-1, 2), max_size=2),
    st.sampled_from(
        [
            object(),
            math.nan,
            math.inf,
            -1.0,
            np.array([math.nan]),
            np.zeros((2, 3)),
            np.array(["a", "b"]),
            np.int64(1),
            Fraction(1, 3),
            sympy.nan,
            sympy.I,
            sympy.Symbol("s"),
            mc.I,
            mc.Bool,
            X,
            Y,
            X @ Y,
            F,
            G,
            P,
            PX,
            B,
            mc.identity(X),
            mc.copy(Y),
            F >> G,
            *(getattr(mc, n) for n in ("KL", "TotalVariation") if hasattr(mc, n)),
            [0],
            [0, 0],
            [5],
            ["X"],
            {0: "a"},
            {"Z": 1},
            {0: "zz"},
            {7: "a"},
            lambda *a: 0,
        ]
    ),
)


# ---- tables ------------------------------------------------------------------------------------
def shapes_other_than(dom, cod):
    ok = {dom.shape + cod.shape, (dom.size, cod.size)}
    if dom == mc.I:
        ok.add((cod.size,))
    return st.lists(st.integers(0, 4), max_size=4).map(tuple).filter(lambda s: s not in ok)


@st.composite
def valid_rows(draw, dom, cod):
    w = draw(hnp.arrays(np.float64, (dom.size, cod.size), elements=st.floats(0.01, 1.0)))
    return w / w.sum(axis=1, keepdims=True)


@st.composite
def bad_tables(draw, dom, cod):
    """Tables ``mc.kernel(dom, cod, ·)`` must reject with NotStochasticError."""
    t = draw(valid_rows(dom, cod))
    i, j = draw(st.integers(0, dom.size - 1)), draw(st.integers(0, cod.size - 1))
    kind = draw(
        st.sampled_from(
            [
                "shape",
                "negative",
                "nan",
                "inf",
                "-inf",
                "complex",
                "object",
                "string",
                "off",
                "zero row",
                "ragged",
                "junk",
            ]
        )
    )
    if kind == "shape":
        shape = draw(shapes_other_than(dom, cod))
        return np.full(shape, 1.0 / max(1, cod.size))
    if kind == "negative":
        t[i, j] = -draw(st.floats(1e-3, 10))
    elif kind in ("nan", "inf", "-inf"):
        t[i, j] = float(kind)
    elif kind == "complex":
        return t.astype(complex)
    elif kind == "object":
        t = t.astype(object)
        t[i, j] = draw(st.sampled_from(["0.5", None, object(), [0.5], b"x", {}]))
    elif kind == "string":
        return t.astype(str)
    elif kind == "off":  # the row sum is off by more than the tolerance
        t[i] *= draw(st.sampled_from([1.0 + 1e-4, 1.5, 3.0, 1.0 - 1e-4, 0.5]))
    elif kind == "zero row":
        t[i] = 0.0
    elif kind == "ragged":
        rows = t.tolist()
        rows[i] = rows[i] + [0.0]
        return rows if dom.size > 1 or cod.size > 0 else [[0.5], [0.5, 0.0]]
    else:
        return draw(st.sampled_from([None, "table", b"x", object(), 0.5j, sympy.Symbol("t")]))
    return t


objs = laws.objects(max_factors=2, max_outcomes=3, min_factors=0)


@fuzz
@given(data=st.data())
def test_malformed_tables_raise_not_stochastic(backend, data):
    dom, cod = data.draw(objs), data.draw(objs)
    table = data.draw(bad_tables(dom, cod))
    raises(mc.NotStochasticError, mc.kernel, dom, cod, table, backend=backend, name="k")
    if dom == mc.I:
        raises(mc.NotStochasticError, mc.state, cod, table, backend=backend)


@fuzz
@given(data=st.data())
def test_any_float_table_is_accepted_only_if_stochastic(data):
    dom, cod = data.draw(objs), data.draw(objs)
    table = data.draw(hnp.arrays(np.float64, dom.shape + cod.shape, elements=st.floats()))
    result = call(mc.kernel, dom, cod, table)
    rows = table.reshape(dom.size, cod.size)
    with np.errstate(over="ignore", invalid="ignore"):
        sums = rows.sum(axis=1)
    stochastic = (
        np.isfinite(rows).all()
        and (rows >= 0).all()
        and (np.abs(sums - 1) <= mc.config.row_atol).all()
    )
    assert isinstance(result, mc.NotStochasticError) != bool(stochastic)


@fuzz
@given(data=st.data())
def test_integer_tables_are_accepted_as_float64(data):
    dom, cod = data.draw(objs), data.draw(objs)
    hot = data.draw(st.lists(st.integers(0, cod.size - 1), min_size=dom.size, max_size=dom.size))
    dtype = data.draw(st.sampled_from([np.int8, np.int64, np.uint16, np.bool_, int]))
    t = np.zeros((dom.size, cod.size), dtype=dtype)
    t[np.arange(dom.size), hot] = 1
    k = call(mc.kernel, dom, cod, t)
    assert k.table.dtype == np.float64
    np.testing.assert_array_equal(k.matrix, t.astype(np.float64))


@fuzz
@given(row=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3))
def test_logits_never_give_nan(row):
    assume(all(abs(v) < 1e300 or not math.isfinite(v) for v in row))  # no overflow in the shift
    result = call(mc.kernel_from_logits, mc.I, Y, row)
    valid = not any(math.isnan(v) or v == math.inf for v in row) and any(
        math.isfinite(v) for v in row
    )
    assert isinstance(result, mc.NotStochasticError) != valid
    if valid:
        assert abs(float(result.array.sum()) - 1) < 1e-12


@fuzz
@given(x=junk, y=junk)
def test_dict_tables(x, y):
    raises(mc.UnknownOutcomeError, mc.kernel, X, Y, {"a": {0: 1.0}, "zz": {0: 1.0}})
    raises(mc.UnknownOutcomeError, mc.kernel, X, Y, {"a": {9: 1.0}, "b": {0: 1.0}})
    raises(mc.UnknownOutcomeError, mc.state, X @ Y, {("a",): 1.0})
    raises(mc.NotStochasticError, mc.kernel, X, Y, {"a": {0: 1.0}})
    raises(mc.NotStochasticError, mc.kernel, X, Y, {"a": {0: 0.5}, "b": {0: 1.0}})
    result = call(mc.kernel, X, Y, {"a": {0: x}, "b": y})
    assert isinstance(result, (mc.NotStochasticError, mc.UnknownOutcomeError, mc.Kernel))


def test_exact_tables_reject_complex_booleans_and_non_finite():
    for entry in (sympy.I, sympy.true, sympy.nan, sympy.oo, sympy.zoo):
        raises(mc.NotStochasticError, mc.state, mc.Bool, np.array([entry, 0], dtype=object))
    raises(mc.NotStochasticError, mc.state, mc.Bool, [math.nan, 1.0], backend="sympy")
    raises(mc.NotStochasticError, mc.state, mc.Bool, [math.inf, 0.0], backend="sympy")
    # exact numbers and floats together: exact (the float by its binary value)
    k = call(mc.state, mc.Bool, np.array([Fraction(1, 2), 0.5], dtype=object))
    assert k.backend == "sympy" and k.array.tolist() == [sympy.Rational(1, 2)] * 2


# ---- objects and structure ---------------------------------------------------------------------
@fuzz
@given(name=junk, outcomes=junk)
def test_objects(name, outcomes):
    result = call(mc.Obj, name, outcomes)
    if isinstance(result, mc.Obj):
        assert result.size == len(set(result.values)) >= 1 and result.name == name
    else:  # too many outcomes is the memory guard
        assert isinstance(result, (mc.InvalidObjectError, mc.MemoryLimitError))


@fuzz
@given(other=junk)
def test_object_products(other):
    result = call(lambda: X @ other)
    if isinstance(other, (mc.Obj, mc.Product)):
        assert result.factors == X.factors + other.factors
    else:
        assert isinstance(result, mc.InvalidObjectError)
    assert isinstance(call(mc.product, X, other), (mc.InvalidObjectError, mc.Obj, mc.Product))


def test_duplicate_and_empty_outcomes():
    raises(mc.InvalidObjectError, mc.Obj, "D", ["a", "b", "a"])
    raises(mc.InvalidObjectError, mc.Obj, "D", [1, True])  # equal as outcomes
    raises(mc.InvalidObjectError, mc.Obj, "E", [])
    raises(mc.InvalidObjectError, mc.Obj, "E", 0)
    raises(mc.InvalidObjectError, mc.Obj, "U", [[1], [2]])
    raises(mc.UnknownOutcomeError, (X @ Y).index, ("a", 7))
    raises(mc.UnknownOutcomeError, X.position, ["a"])


@fuzz
@given(a=junk, b=junk)
def test_structural_constructors(a, b):
    for fn, args in (
        (mc.identity, (a,)),
        (mc.delete, (a,)),
        (mc.copy, (a,)),
        (mc.copy, (X, a)),
        (mc.swap, (a, b)),
        (mc.rewire, (a, b)),
        (mc.rewire, (X @ Y, a)),
        (mc.Box, (a, X, Y)),
        (mc.Box, ("f", a, b)),
    ):
        result = call(fn, *args)
        if isinstance(result, mc.Diagram) and not isinstance(result, mc.Box):
            k = call(mc.evaluate, result)  # a kernel, or the memory guard for many copies
            if not isinstance(k, mc.MemoryLimitError):
                total = call(mc.evaluate, result >> mc.delete(result.cod))
                assert np.allclose(total.array, 1.0)


@fuzz
@given(data=st.data())
def test_composition_types(backend, data):
    A, B, C, D = (data.draw(objs) for _ in range(4))
    f = data.draw(laws.kernels(A, B, backend=backend))
    g = data.draw(laws.kernels(C, D, backend=backend))
    composed = call(lambda: f >> g)
    if B == C:
        assert mc.allclose(composed >> mc.delete(D), mc.delete(A))
    else:
        assert isinstance(composed, mc.TypeMismatchError)
        assert isinstance(call(lambda: g << f), mc.TypeMismatchError)
    parallel = call(lambda: f @ g)
    assert parallel.dom == A @ C and parallel.cod == B @ D
    assert call(mc.evaluate, parallel).array.shape == (*A.shape, *C.shape, *B.shape, *D.shape)


@fuzz
@given(other=junk)
def test_operators_with_junk(other):
    if isinstance(other, mc.Diagram):
        return
    for op in (lambda: F >> other, lambda: F << other, lambda: F @ other):
        raises(mc.TypeMismatchError, op)


# ---- compiling, comparing, interpreting, programs --------------------------------------------------
@fuzz
@given(a=junk, b=junk)
def test_compiler_and_comparison(a, b):
    for fn, args in (
        (mc.evaluate, (a,)),
        (mc.network, (a,)),
        (mc.contraction_cost, (a,)),
        (mc.allclose, (a, b)),
        (functools.partial(mc.allclose, atol=a), (F, F)),
        (mc.free_equal, (a, b)),
        (mc.interpret, (a, b)),
        (mc.interpret, (B, a)),
        (mc.interpret, (B, {"b": a})),
        (F.is_deterministic, (a,)),
        (F.to, (a,)),
    ):
        call(fn, *args)
    raises(mc.UninterpretedBoxError, mc.evaluate, B >> G)
    raises(mc.UninterpretedBoxError, mc.interpret, B, {})
    raises(mc.TypeMismatchError, mc.interpret, B, {"b": G})
    raises(mc.InvalidArgumentError, mc.allclose, F, F, atol=-1.0)
    raises(mc.InvalidArgumentError, mc.allclose, F, F, atol=math.nan)
    raises(mc.BackendError, mc.evaluate, F, backend="torch")


@fuzz
@given(a=junk, b=junk)
def test_programs(a, b):
    result = call(mc.program, a, b)
    if callable(result) and not isinstance(result, mc.MarkovCatError):
        call(result, lambda *wires: wires[0] if wires else None)
    decorate = mc.program(X, Y)
    raises(mc.ProgramError, decorate, a if not callable(a) else 5)
    raises(mc.ProgramError, decorate, lambda: None)  # X has one wire
    raises(mc.ProgramError, decorate, lambda x: x)  # returns an X wire where Y is expected
    raises(mc.ProgramError, decorate, lambda x: F(x, x))
    raises(mc.ProgramError, decorate, lambda x: G(x))
    raises(mc.ProgramError, F, 1)  # applying a kernel outside a program


@fuzz
@given(fn=junk)
def test_deterministic_with_bad_functions(fn):
    result = call(mc.deterministic, X @ Y, Y, fn)
    # a kernel is callable too: applying it outside a program is a ProgramError
    allowed = (mc.TypeMismatchError, mc.UnknownOutcomeError, mc.ProgramError, mc.Kernel)
    assert isinstance(result, allowed)
    raises(mc.TypeMismatchError, mc.deterministic, X @ Y, Y, lambda x: 0)
    raises(mc.UnknownOutcomeError, mc.deterministic, X, Y, lambda x: 7)


# ---- inference -----------------------------------------------------------------------------------
@fuzz
@given(a=junk, b=junk)
def test_inference_with_junk(a, b):
    for fn, args in (
        (mc.marginal, (a, b)),
        (mc.marginal, (P, a)),
        (mc.condition, (a, b)),
        (mc.condition, (P, a)),
        (mc.condition, (P, {0: "a"}, a)),
        (mc.disintegrate, (a, b)),
        (mc.disintegrate, (P, a)),
        (mc.bayes_invert, (a, b)),
        (mc.bayes_invert, (F, a)),
        (mc.almost_surely_equal, (a, b, PX)),
        (mc.almost_surely_equal, (F, F, a)),
        (functools.partial(mc.almost_surely_equal, atol=a), (F, F, PX)),
    ):
        call(fn, *args)


def test_inference_errors(backend):
    p, f = P.to(backend), F.to(backend)
    raises(mc.ZeroProbabilityError, mc.condition, p, {0: "b", 1: 1})
    raises(mc.ZeroProbabilityError, mc.condition, mc.state(X, [1, 0], backend=backend), {0: "b"})
    raises(mc.UnknownOutcomeError, mc.condition, p, {5: "a"})  # no such factor
    raises(mc.UnknownOutcomeError, mc.condition, p, {"Z": "a"})  # no factor named Z
    raises(mc.UnknownOutcomeError, mc.condition, p, {0: "zz"})  # no such outcome
    raises(mc.UnknownOutcomeError, mc.condition, p, {0: "a", -2: "a"})  # observed twice
    raises(mc.TypeMismatchError, mc.condition, f, {0: 0})  # not a state
    raises(mc.TypeMismatchError, mc.condition, p, f)  # predicate of the wrong type
    raises(mc.UnknownOutcomeError, mc.marginal, p, [2])
    raises(mc.TypeMismatchError, mc.disintegrate, p, [0, 0])
    raises(mc.TypeMismatchError, mc.bayes_invert, f, p)
    raises(mc.TypeMismatchError, mc.almost_surely_equal, f, f, p)
    ok = call(mc.condition, p, {1: 0})
    assert mc.allclose(ok, mc.state(X @ Y, [[0.25, 0, 0], [0.75, 0, 0]]), atol=1e-12)
    # every factor observed, or nothing kept: still a state, never a bare scalar
    point = call(mc.condition, p, {0: "b", 1: 2})
    assert mc.allclose(point, mc.state(X @ Y, [[0, 0, 0], [0, 0, 1]]), atol=1e-12)
    kept = call(mc.condition, p, {0: "a"}, keep=[0])
    assert mc.allclose(kept, mc.state(X, [1, 0]), atol=1e-12)
    assert mc.allclose(call(mc.condition, p, {}, keep=[]), mc.state(mc.I, 1.0), atol=1e-12)


# ---- information ---------------------------------------------------------------------------------
@needs_information
@fuzz
@given(a=junk, b=junk)
def test_information_with_junk(a, b):
    for fn, args, kwargs in (
        (mc.KL, (a, b), {}),
        (mc.KL, (P, P), {"base": a}),
        (mc.KL, (F, F), {"prior": a}),
        (mc.TotalVariation, (P, a), {}),
        (mc.Renyi, (a,), {}),
        (mc.entropy, (a,), {}),
        (mc.entropy, (F,), {"divergence": a}),
        (mc.entropy, (F,), {"prior": a}),
        (mc.entropy, (F,), {"base": a}),
        (mc.shannon_entropy, (a,), {}),
        (mc.shannon_entropy, (P,), {"base": a}),
        (mc.renyi_entropy, (P, a), {}),
        (mc.gini_simpson, (a,), {}),
        (mc.mutual_information, (a,), {}),
        (mc.mutual_information, (P, a), {}),
        (mc.mutual_information, (P,), {"divergence": a}),
        (mc.conditional_entropy, (F, a), {}),
    ):
        call(fn, *args, **kwargs)  # a documented error, or a value without NaN


@needs_information
@fuzz
@given(
    alpha=st.one_of(st.floats(max_value=-1e-9), st.just(math.nan), st.complex_numbers(), st.text())
)
def test_renyi_orders_outside_the_range(alpha):
    raises(mc.InformationError, mc.Renyi, alpha)
    raises(mc.InformationError, mc.renyi_entropy, PX, alpha)


@needs_information
def test_information_errors(backend):
    p, px, f = (d.to(backend) for d in (P, PX, F))
    raises(mc.TypeMismatchError, mc.KL, px, p)  # states on different objects
    raises(mc.TypeMismatchError, mc.KL, f, px)  # a kernel and a state
    raises(mc.TypeMismatchError, mc.TotalVariation, f, mc.identity(X))
    for base in (0, 1, -2, math.nan, math.inf, "2", True):
        raises(mc.InformationError, mc.entropy, px, base=base)
    raises(mc.InformationError, mc.gini_simpson, px, base=2)
    raises(mc.InformationError, mc.TotalVariation, px, px, base=2)
    # a support mismatch is +inf, never NaN and never an error
    q = mc.state(X, [1, 0], backend=backend)
    assert math.isinf(float(mc.KL(px, q))) and float(mc.KL(px, q)) > 0


# ---- the memory guard ------------------------------------------------------------------------------
def test_huge_requests_fail_before_allocating():
    big = mc.Obj("Big", 500)
    with max_elements(10_000):
        raises(mc.MemoryLimitError, mc.Obj, "Huge", 10**12)
        raises(mc.MemoryLimitError, mc.evaluate, mc.identity(big @ big))
        raises(mc.MemoryLimitError, mc.evaluate, mc.copy(mc.Bool, 2000))
        raises(mc.MemoryLimitError, mc.deterministic, big, big, lambda v: v)
        raises(mc.MemoryLimitError, mc.kernel, big, big, {0: {0: 1.0}})
        uniform = mc.state(big, np.full(500, 1 / 500))
        raises(mc.MemoryLimitError, mc.evaluate, uniform @ uniform)
        raises(mc.MemoryLimitError, mc.condition, uniform @ uniform, {0: 3})
        # queries that stay small still work under the same limit
        m = call(mc.marginal, uniform @ uniform, [1])
        assert abs(float(m.array.sum()) - 1) < 1e-12
        assert call(mc.contraction_cost, mc.copy(mc.Bool, 2000))["largest"] == 2**2001


# ---- JAX transformations ---------------------------------------------------------------------------
def test_no_tracer_errors_inside_jit():
    jax = pytest.importorskip("jax")
    t = jax.numpy.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]])
    for fn in (
        lambda t: mc.allclose(mc.kernel(X, Y, t), F),
        lambda t: mc.kernel(X, Y, t).is_deterministic(),
        lambda t: mc.kernel(X, Y, t).to("sympy"),
        lambda t: mc.almost_surely_equal(mc.kernel(X, Y, t), F, PX),
        lambda t: mc.save(mc.kernel(X, Y, t), "never-written.json"),
    ):
        with pytest.raises(mc.MarkovCatError):
            jax.jit(fn)(t)
    shown = []
    jax.jit(
        lambda t: shown.append((repr(mc.kernel(X, Y, t)), mc.kernel(X, Y, t)._repr_html_())) or t
    )(t)
    assert "<traced>" in shown[0][0] and "traced" in shown[0][1]


# ---- persistence -----------------------------------------------------------------------------------
@fuzz
@given(a=junk, text=st.one_of(st.text(), st.binary()))
def test_persistence_with_junk(a, text):
    from markovcat.io import loads

    with tempfile.TemporaryDirectory() as d, inside(d):
        result = call(mc.save, a, "x.json")
        if result is None:
            back = call(mc.load, "x.json")
            assert not isinstance(back, mc.MarkovCatError)
        if not isinstance(a, str):
            raises(mc.PersistenceError, mc.load, a)
    raises(mc.PersistenceError, loads, text)


# ---- Bayesian networks and chains ------------------------------------------------------------------
needs_networks = pytest.mark.skipif(
    not hasattr(mc, "read_bif"), reason="Bayesian networks are not in this build"
)
BIF = """network n { }
variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 2 ] { b0, b1 }; }
probability ( A ) { table 0.3, 0.7; }
probability ( B | A ) { (a0) 0.9, 0.1; (a1) 0.2, 0.8; }
"""


@needs_networks
@fuzz
@given(cut=st.integers(0, len(BIF)), noise=st.text(max_size=8))
def test_malformed_bif_text(cut, noise):
    text = BIF[:cut] + noise + BIF[cut:]
    result = call(mc.read_bif, text)
    assert isinstance(result, (mc.Diagram, mc.BifFormatError, mc.NotStochasticError))


@needs_networks
def test_network_queries_with_bad_evidence(backend):
    net = mc.read_bif(BIF, backend=backend)
    raises(mc.BifFormatError, mc.read_bif, BIF.replace("0.3, 0.7", "0.3, 0.5"))
    raises(mc.BifFormatError, mc.read_bif, BIF.replace("[ 2 ] { a0, a1 }", "[ 3 ] { a0, a1 }"))
    raises(mc.UnknownOutcomeError, mc.posterior_marginals, net, {"A": "zz"})
    raises(mc.UnknownOutcomeError, mc.posterior_marginals, net, {"C": "a0"})
    raises(mc.UnknownOutcomeError, mc.posterior, net, {"A": "a0"}, ["C"])
    raises(mc.ZeroProbabilityError, mc.posterior_marginals, mc.state(X, [1, 0]), {0: "b"})
    raises(mc.TypeMismatchError, mc.bayesian_network, [F, F])
    marginals = call(mc.posterior_marginals, net, {"B": "b1"})
    # P(A = a1 | B = b1) = 0.7 * 0.8 / (0.3 * 0.1 + 0.7 * 0.8) by hand
    assert abs(float(marginals[0].array[1]) - 0.56 / 0.59) < 1e-12


@fuzz
@given(a=junk)
def test_chains_with_junk(a):
    from markovcat import chains

    flip = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.25, 0.75]])
    P = flip @ flip
    pi = chains.stationary(P)
    raises(mc.TypeMismatchError, chains.stationary, F)  # not an endo-kernel
    for fn, args in (
        (chains.stationary, (a,)),
        (chains.entropy_rate, (P, a)),
        (chains.kl_rate, (P, a, pi)),
        (chains.project, (P, pi, a)),
        (chains.distance_to_factorizability, (P, pi, a)),
        (chains.distance_to_independence, (P, pi, a)),
        (chains.distance_to_stationarity, (P, pi, a)),
        (chains.greedy_subset, (a, P, pi, 1)),
        (chains.greedy_subset, ("entropy_rate", P, pi, a)),
        (chains.gibbs, (mc.Bool, lambda b: float(b), a)),
        (chains.metropolis, (mc.Bool, lambda b: float(b), a)),
    ):
        call(fn, *args)


# ---- every public callable, with junk ----------------------------------------------------------------
IO = {"load", "save", "read_bif", "write_bif"}  # may also raise OSError for a path
RESULT_TYPES = {"Drawing", "Selection"}  # results the library builds (d.draw(), greedy_subset)


def public_names(module):
    """``__all__``, or the public functions a submodule defines (``markovcat.models``)."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        n
        for n, o in vars(module).items()
        if not n.startswith("_") and callable(o) and getattr(o, "__module__", "") == module.__name__
    ]


def public_callables():
    """``mc.<name>``, ``chains.<name>`` and ``models.<name>`` for every public callable."""
    from markovcat import chains, models

    out = []
    for prefix, module in (("", mc), ("chains.", chains), ("models.", models)):
        for name in public_names(module):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            if callable(obj) and name not in RESULT_TYPES:
                out.append(prefix + name)
    return out


def resolve(name):
    from markovcat import chains, models

    module, _, attr = name.rpartition(".")
    return getattr({"": mc, "chains": chains, "models": models}[module], attr)


@pytest.mark.parametrize("name", public_callables())
@fuzz
@given(data=st.data())
def test_every_public_callable_survives_junk(name, data):
    fn = resolve(name)
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    n = data.draw(st.integers(len(required), len(positional)), label="number of arguments")
    args = [data.draw(junk, label=p.name) for p in positional[:n]]
    # junk in the place of a 0.1 spelling (``posterior(state, query, evidence)``) is
    # translated with a DeprecationWarning and then validated like any other input
    with tempfile.TemporaryDirectory() as d, inside(d), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            call(fn, *args)
        except OSError:
            if name not in IO:
                raise


# ---- the errors page -------------------------------------------------------------------------------
def test_the_errors_page_raises_every_error_it_lists():
    """docs/errors.md has a section per class in markovcat/_errors.py whose example runs
    and catches exactly that class."""
    import pathlib
    import re

    from markovcat import _errors

    page = (pathlib.Path(__file__).parent.parent / "docs" / "errors.md").read_text()
    sections = re.split(r"^### ", page, flags=re.M)
    fence = re.compile(r"^```python[^\n]*\n(.*?)^```", re.M | re.S)
    setup = "import markovcat as mc\n" + fence.findall(sections[0])[-1]
    classes = [
        c
        for c in vars(_errors).values()
        if isinstance(c, type) and issubclass(c, BaseException) and c.__module__ == _errors.__name__
    ]
    assert len(classes) >= 14
    for cls in classes:
        matching = [s for s in sections[1:] if s.split("`")[1].split(".")[-1] == cls.__name__]
        assert len(matching) == 1, f"docs/errors.md has no section for {cls.__name__}"
        (code,) = fence.findall(matching[0])
        namespace: dict = {}
        printed = io.StringIO()
        with tempfile.TemporaryDirectory() as d, inside(d), contextlib.redirect_stdout(printed):
            exec(setup, namespace)
            exec(code, namespace)
        assert printed.getvalue().strip(), f"the {cls.__name__} example printed nothing"
        assert f"except {'mc.' if cls is not _errors.LawError else 'laws.'}{cls.__name__}" in code
        assert cls.__name__ in page.split("## One example each")[0]  # and in the table
