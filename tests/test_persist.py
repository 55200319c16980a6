"""Save and load: exact round trips on every backend, tampered files, no code execution."""

import builtins
import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat._diagram import Box, Copy, Delete, Identity, Par, Seq, Swap
from markovcat.io import dumps, loads

X = mc.Obj("X", ("a", "b"))
Y = mc.Obj("Y", (0, 1, 2))


# ---- helpers: strict comparisons independent of the code under test -----------------------
def strict(v):
    """A key that tells 1, True and 1.0 apart and compares floats by their bits."""
    if isinstance(v, tuple):
        return ("tuple", tuple(strict(u) for u in v))
    if isinstance(v, float):
        return ("float", float.hex(v) if not math.isnan(v) else "nan")
    return (type(v).__name__, v)


def same_object(a, b):
    assert type(a) is type(b)
    assert [f.name for f in a.factors] == [f.name for f in b.factors]
    for fa, fb in zip(a.factors, b.factors):
        assert [strict(v) for v in fa.values] == [strict(v) for v in fb.values]


def same_table(a, b):
    """Bit for bit for floats, structurally (==) and entry by entry for exact tables."""
    assert mc.backends.name(a) == mc.backends.name(b)
    assert tuple(a.shape) == tuple(b.shape)
    if mc.backends.name(a) == "sympy":
        for u, v in zip(np.asarray(a).ravel(), np.asarray(b).ravel()):
            assert type(u) is type(v) and u == v, (u, v)
    else:
        ua, ub = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        assert ua.tobytes() == ub.tobytes()


def same_diagram(a, b):
    assert type(a) is type(b)
    same_object(a.dom, b.dom)
    same_object(a.cod, b.cod)
    if isinstance(a, mc.Kernel):
        assert a.name == b.name
        same_table(a.table, b.table)
    elif isinstance(a, (Seq, Par)):
        assert len(a.parts) == len(b.parts)
        for p, q in zip(a.parts, b.parts):
            same_diagram(p, q)
    else:
        assert a == b  # frozen dataclasses: Box, Identity, Copy, Delete, Swap
        if isinstance(a, Copy):
            assert a.n == b.n


def roundtrip(x, tmp_path, **kw):
    path = tmp_path / "x.json"
    assert mc.save(x, path) is None  # to a file: nothing back
    assert path.read_text(encoding="utf-8") == mc.save(x) == mc.dumps(x)  # no path: the text
    return mc.load(path, **kw)


# ---- strategies ------------------------------------------------------------------------------
scalars = st.one_of(
    st.text(max_size=5),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
labels = st.recursive(
    scalars, lambda inner: st.tuples(inner, inner) | st.tuples(inner), max_leaves=4
)
atoms = st.builds(
    mc.Obj,
    st.text(min_size=1, max_size=4),
    st.lists(labels, min_size=1, max_size=4, unique=True),
)
objects = st.lists(atoms, max_size=3).map(lambda fs: mc.product(*fs))


def small(backend):
    return laws.objects(max_factors=2, max_outcomes=2 if backend == "sympy" else 3, min_factors=0)


@st.composite
def diagrams(draw, backend="numpy", depth=4):
    """Random well-typed diagrams of kernels, boxes and every structural generator."""
    A = draw(small(backend))
    d = mc.identity(A)
    for _ in range(draw(st.integers(1, depth))):
        C = d.cod
        kinds = ["kernel", "box", "copy", "delete", "swap", "par", "id"]
        if C.size > 8:  # keep tables small: only steps that build no large kernel
            kinds = ["box", "delete", "swap", "id"]
        kind = draw(st.sampled_from(kinds))
        if kind == "kernel":
            step = draw(laws.kernels(C, draw(small(backend)), backend=backend, name="k"))
        elif kind == "box":
            step = mc.Box(draw(st.sampled_from(["f", "g"])), C, draw(small(backend)))
        elif kind == "copy":
            step = Copy(C, draw(st.integers(2, 3))) if C.factors else mc.identity(C)
        elif kind == "delete":
            step = mc.delete(C)
        elif kind == "swap" and len(C.factors) >= 2:
            k = draw(st.integers(1, len(C.factors) - 1))
            step = mc.swap(mc.product(*C.factors[:k]), mc.product(*C.factors[k:]))
        elif kind == "par":  # C → C ⊗ B: a kernel beside a state
            other = draw(laws.states(draw(small(backend)), backend=backend))
            step = draw(laws.kernels(C, C, backend=backend)) @ other
        else:
            step = mc.identity(C)
        d = d >> step
    return d


# ---- round trips -----------------------------------------------------------------------------
@given(obj=objects)
def test_objects_roundtrip_exactly(obj):
    back = loads(dumps(obj))
    same_object(obj, back)
    assert back == obj


def test_unit_bool_and_special_labels(tmp_path):
    for obj in (mc.I, mc.Bool, mc.Obj("F", (math.inf, -math.inf, -0.0, 1e-300))):
        same_object(obj, roundtrip(obj, tmp_path))
    nan = mc.Obj("N", (math.nan,))
    assert math.isnan(roundtrip(nan, tmp_path).values[0])
    nested = mc.Obj("T", ((1, ("x", None)), (True,), ()))
    same_object(nested, roundtrip(nested, tmp_path))


@given(data=st.data())
def test_kernels_roundtrip_on_every_backend(backend, data):
    A, B = data.draw(small(backend)), data.draw(small(backend))
    f = data.draw(laws.kernels(A, B, backend=backend, name=data.draw(st.none() | st.text())))
    back = loads(dumps(f), backend=backend)
    same_diagram(f, back)
    # without backend=, float tables (numpy and JAX) come back as numpy, exact ones as sympy
    default = loads(dumps(f))
    assert default.backend == ("sympy" if backend == "sympy" else "numpy")
    assert (
        np.asarray(default.table, dtype=object).tolist()
        == np.asarray(f.table, dtype=object if backend == "sympy" else np.float64).tolist()
    )


@given(seed=st.integers(0, 2**32 - 1), shape=st.tuples(st.integers(1, 4), st.integers(1, 5)))
def test_random_floats_come_back_bit_for_bit(seed, shape):
    rng = np.random.default_rng(seed)
    t = rng.random(shape) ** rng.integers(1, 40)  # spread over many binades, tiny values too
    t[:, 0] += 1e-300
    t /= t.sum(axis=1, keepdims=True)
    f = mc.kernel(mc.Obj("R", shape[0]), mc.Obj("C", shape[1]), t)
    back = loads(dumps(f))
    assert back.table.tobytes() == t.tobytes()


def test_jax_tables_are_float64_and_load_as_numpy(tmp_path):
    jnp = pytest.importorskip("jax.numpy")
    t = np.array([[0.1, 0.9], [1 / 3, 2 / 3]])
    f = mc.kernel(X, X, jnp.asarray(t), name="j")
    back = roundtrip(f, tmp_path)
    assert back.backend == "numpy" and back.table.tobytes() == t.tobytes()
    again = roundtrip(f, tmp_path, backend="jax")
    assert again.backend == "jax" and np.asarray(again.table).tobytes() == t.tobytes()


def test_jax_tracers_cannot_be_saved(tmp_path):
    jax = pytest.importorskip("jax")

    def inside(t):
        mc.save(mc.kernel(X, X, t), tmp_path / "t.json")
        return t

    with pytest.raises(mc.PersistenceError, match="tracer"):
        jax.jit(inside)(jax.numpy.eye(2))


def test_exact_rationals_and_symbolic_tables_roundtrip(tmp_path):
    th = sympy.Symbol("theta", positive=True)
    q = sympy.Symbol("q")
    prior = mc.state(X, [Fraction(1, 3), Fraction(2, 3)], name="prior")
    chan = mc.kernel(X, X, [[th, 1 - th], [sympy.Rational(1, 7), sympy.Rational(6, 7)]], name="c")
    joint = (prior >> mc.copy(X) >> (mc.identity(X) @ chan)).evaluate()  # expanded products
    soft = mc.kernel_from_logits(mc.I, X, np.array([q, 2 * q], dtype=object))  # exp and Max
    flt = mc.state(X, np.array([sympy.Float("0.25", 40), sympy.Float("0.75", 40)], dtype=object))
    for k in (prior, chan, joint, soft, flt):
        back = roundtrip(k, tmp_path)
        same_diagram(k, back)
    assert roundtrip(chan, tmp_path).table[0, 0].is_positive  # assumptions survive
    assert roundtrip(soft, tmp_path).table[0].has(sympy.exp)


def test_sympy_tables_load_on_numpy_when_asked(tmp_path):
    f = mc.kernel(X, X, [[Fraction(1, 3), Fraction(2, 3)], [1, 0]], backend="sympy")
    back = roundtrip(f, tmp_path, backend="numpy")
    assert back.backend == "numpy"
    np.testing.assert_array_equal(back.table, [[1 / 3, 2 / 3], [1.0, 0.0]])


@given(data=st.data())
def test_diagrams_roundtrip_with_structure(backend, data):
    d = data.draw(diagrams(backend))
    back = loads(dumps(d), backend=backend)
    same_diagram(d, back)
    if not _has_box(d):
        assert mc.allclose(d, back, atol=0)


def _has_box(d):
    return isinstance(d, Box) or (isinstance(d, (Seq, Par)) and any(_has_box(p) for p in d.parts))


def test_every_generator_and_names(tmp_path):
    f = mc.kernel(X, Y, [[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]], name="f")
    b = mc.Box("β", Y, X)
    d = (
        mc.copy(X, 3)
        >> (f @ mc.identity(X) @ mc.delete(X))
        >> mc.swap(Y, X)
        >> (mc.identity(X) @ b)
        >> mc.identity(X @ X)
    )
    back = roundtrip(d, tmp_path)
    same_diagram(d, back)
    assert str(back) == str(d)
    assert [type(p) for p in back.parts] == [Copy, Par, Swap, Par, Identity]
    assert back.parts[0].n == 3 and isinstance(back.parts[1].parts[2], Delete)
    assert back.parts[1].parts[0].name == "f" and back.parts[3].parts[1].name == "β"


def test_shared_kernels_are_stored_once_and_shared_again():
    f = mc.kernel(X, X, [[0.5, 0.5], [0.1, 0.9]], name="f")
    text = dumps(f >> f >> f)
    assert len(json.loads(text)["kernels"]) == 1
    back = loads(text)
    assert back.parts[0] is back.parts[1] is back.parts[2]


def test_the_document_is_versioned_json(tmp_path):
    doc = json.loads(dumps(mc.state(X, [0.25, 0.75], name="p")))
    assert doc["format"] == "markovcat" and doc["version"] == 1 and doc["kind"] == "kernel"
    assert doc["kernels"][0]["rows"] == [[0.25, 0.75]]
    assert doc["atoms"] == [{"name": "X", "outcomes": ["a", "b"]}]


# ---- what cannot be saved --------------------------------------------------------------------
@pytest.mark.parametrize(
    "outcome", [frozenset({1}), np.int64(1), Fraction(1, 2), 1j, b"x", object()]
)
def test_unsupported_labels_are_rejected_at_save_time(outcome, tmp_path):
    with pytest.raises(mc.PersistenceError, match=type(outcome).__name__):
        mc.save(mc.Obj("Z", (outcome,)), tmp_path / "z.json")


def test_unsupported_values_and_paths(tmp_path):
    with pytest.raises(mc.PersistenceError, match="given int"):
        mc.save(3, tmp_path / "z.json")
    with pytest.raises(mc.PersistenceError, match="file path"):
        mc.save(mc.Bool, 3)
    with pytest.raises(mc.PersistenceError, match="file path"):
        mc.load(None)
    f = sympy.Function("f")(sympy.Symbol("t"))
    with pytest.raises(mc.PersistenceError, match="cannot store"):
        mc.save(mc.state(mc.Bool, np.array([f, 1 - f], dtype=object)), tmp_path / "z.json")


# ---- tampered and malformed files ------------------------------------------------------------
def valid_document():
    f = mc.kernel(X, Y, [[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]], name="f")
    return json.loads(dumps(f >> mc.copy(Y)))


def tamper(path, value):
    doc = valid_document()
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return json.dumps(doc)


TAMPERED = {
    "format": (("format",), "pickle"),
    "version 2": (("version",), 2),
    "version str": (("version",), "1"),
    "version bool": (("version",), True),
    "no kind": (("kind",), KeyError),
    "bad kind": (("kind",), "kernel"),
    "no atoms": (("atoms",), KeyError),
    "extra field": (("extra",), 1),
    "atom name": (("atoms", 0, "name"), ""),
    "duplicate outcomes": (("atoms", 0, "outcomes"), ["a", "a"]),
    "empty object": (("atoms", 0, "outcomes"), []),
    "label set": (("atoms", 0, "outcomes", 0), {"set": [1]}),
    "atom index": (("kernels", 0, "dom"), [7]),
    "atom index bool": (("kernels", 0, "dom"), [False]),
    "rows short": (("kernels", 0, "rows"), [[1.0, 0.0, 0.0]]),
    "row long": (("kernels", 0, "rows", 0), [0.5, 0.25, 0.25, 0.0]),
    "not stochastic": (("kernels", 0, "rows", 0), [0.5, 0.6, 0.0]),
    "negative": (("kernels", 0, "rows", 0), [1.5, -0.5, 0.0]),
    "string entry": (("kernels", 0, "rows", 0), ["0.5", 0.25, 0.25]),
    "bool entry": (("kernels", 0, "rows", 1), [False, False, True]),
    "huge entry": (("kernels", 0, "rows", 1), [10**400, 0, 0]),
    "encoding": (("kernels", 0, "encoding"), "float32"),
    "backend": (("kernels", 0, "backend"), "torch"),
    "name": (("kernels", 0, "name"), 5),
    "kernel index": (("root", "parts", 0, "index"), 3),
    "node type": (("root", "parts", 1, "type"), "pickle"),
    "copy n": (("root", "parts", 1, "n"), 10**9),
    "copy n 1": (("root", "parts", 1, "n"), 1),
    "mismatch": (("root", "parts", 1, "obj"), [0]),
    "seq empty": (("root", "parts"), []),
    "root": (("root",), "f"),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_tampered_files_are_rejected(name, tmp_path):
    path, value = TAMPERED[name]
    (tmp_path / "t.json").write_text(tamper(path, value))
    with pytest.raises(mc.PersistenceError):
        mc.load(tmp_path / "t.json")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        "null",
        '"markovcat"',
        b"\xff\xfe\x00garbage",
        '{"format": "markovcat", "version": 1, "version": 1}',
        '{"format": "markovcat", "version": NaN}',
        '{"format": "markovcat", "version": 1, "kind": "object", "atoms": [], '
        '"kernels": [], "root": [Infinity]}',
        "[" * 100000 + "]" * 100000,
    ],
)
def test_malformed_json_is_rejected(text):
    with pytest.raises(mc.PersistenceError):
        loads(text)


def exact_document(entry):
    doc = json.loads(dumps(mc.state(X, [Fraction(1, 2), Fraction(1, 2)])))
    doc["kernels"][0]["rows"][0][0] = entry
    return json.dumps(doc)


@pytest.mark.parametrize(
    "entry",
    [
        "__import__('os').system('touch PWNED')",
        "1/2 + __import__('os').getpid()",
        "1/0",
        "0x10",
        ["__import__", "os"],
        ["eval", "1"],
        ["Function", "f"],
        ["Symbol", "x", {"__class__": True}],
        ["Symbol", "x", {"positive": "yes"}],
        ["Symbol", "", {}],
        ["Pow", "10", "10000000"],
        ["Pow", ["Pow", "10", "100000"], "100000"],
        ["Pow", "2"],
        ["Float", 1, 10**9, 53],
        ["pi", "1"],
        {"Rational": [1, 2]},
        0.5,
        [],
    ],
)
def test_symbolic_entries_outside_the_whitelist_are_rejected(entry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(mc.PersistenceError):
        loads(exact_document(entry))
    assert not (tmp_path / "PWNED").exists()


def test_loading_never_evaluates_code(monkeypatch, tmp_path):
    """A legitimate symbolic file loads with eval, exec and sympify all disabled."""
    th = sympy.Symbol("theta", positive=True)
    f = mc.kernel(X, X, [[th, 1 - th], [sympy.exp(-th) / 2, 1 - sympy.exp(-th) / 2]])
    text = dumps(f)

    def forbidden(*args, **kwargs):
        raise AssertionError("loading called eval/exec/sympify")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy, "sympify", forbidden)
    monkeypatch.setattr(sympy, "parse_expr", forbidden)
    back = loads(text)
    assert back.table[1, 0] == sympy.exp(-th) / 2


def test_symbolic_rows_must_still_sum_to_one():
    t = sympy.Symbol("t")
    doc = json.loads(dumps(mc.state(X, np.array([t, 1 - t], dtype=object))))
    doc["kernels"][0]["rows"][0][1] = ["Add", "1", ["Mul", "-2", ["Symbol", "t", {}]]]
    with pytest.raises(mc.PersistenceError, match="sums to"):
        loads(json.dumps(doc))


def test_library_built_diagrams_roundtrip(tmp_path):
    """A hidden Markov model from markovcat.models and a network read from BIF come back
    as the same term with the same numbers, and still answer queries."""
    from markovcat.models import hidden_markov_model

    H, O = mc.Obj("H", 2), mc.Obj("O", ("x", "y"))
    step = mc.kernel(H, H, [[0.9, 0.1], [0.2, 0.8]], name="step")
    emit = mc.kernel(H, O, [[0.7, 0.3], [0.1, 0.9]], name="emit")
    hmm = hidden_markov_model(mc.state(H, [0.5, 0.5], name="init"), step, emit, 4)
    back = roundtrip(hmm, tmp_path)
    same_diagram(hmm, back)
    assert mc.allclose(back, hmm, atol=0)
    if not hasattr(mc, "read_bif"):
        return
    net = mc.read_bif(
        "network n { }\n"
        "variable A { type discrete [ 2 ] { a0, a1 }; }\n"
        "variable B { type discrete [ 2 ] { b0, b1 }; }\n"
        "probability ( A ) { table 0.3, 0.7; }\n"
        "probability ( B | A ) { (a0) 0.9, 0.1; (a1) 0.2, 0.8; }\n"
    )
    back = roundtrip(net, tmp_path)
    same_diagram(net, back)
    post = mc.posterior_marginals(back, {"B": "b1"})[0]
    # P(A = a1 | B = b1) = 0.7 * 0.8 / (0.3 * 0.1 + 0.7 * 0.8) by hand
    assert abs(float(post.array[1]) - 0.56 / 0.59) < 1e-12
