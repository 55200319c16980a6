"""Hardening (issue 14): no silent wrong answers from kernel tables.

Immutable tables, validation on every way in (pytrees too), interpret keyed by the box's
whole type, exact conversion that repairs rounding only, renormalised rows (no drift), and
dtypes that are refused or promoted. Expected values come from plain numpy / Fraction
arithmetic, never from the code under test.
"""

import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

X, Y = mc.Obj("X", ("a", "b")), mc.Obj("Y", 3)
ATOL = 1e-5  # mc.config.row_atol


def near_stochastic(rows, cols, seed, off):
    """A table whose rows sum to 1 + off (|off| within the tolerance)."""
    t = np.random.default_rng(seed).random((rows, cols)) + 0.05
    return t / t.sum(axis=1, keepdims=True) * (1 + off)


offsets = st.floats(-0.9 * ATOL, 0.9 * ATOL)


# ---- 1. immutable tables ---------------------------------------------------------------------
@pytest.mark.parametrize("bad", [np.nan, -0.5, np.inf, 7.0])
def test_writing_into_the_callers_array_changes_nothing(bad):
    table = np.array([[0.25, 0.25, 0.5], [1.0, 0.0, 0.0]])
    expected = table.copy()
    f = mc.kernel(X, Y, table, name="f")
    g = mc.kernel(Y, X, np.full((3, 2), 0.5))
    before = (f >> g).array.copy()
    table[0, 0] = bad  # would be a NaN / negative / non-stochastic row if shared
    np.testing.assert_array_equal(f.array, expected)
    np.testing.assert_array_equal((f >> g).array, before)
    np.testing.assert_array_equal(mc.evaluate(f >> g).array, expected @ np.full((3, 2), 0.5))


def test_writing_into_a_state_vector_changes_nothing():
    probs = np.array([0.5, 0.5])
    p = mc.state(X, probs)
    probs[:] = [-1.0, 2.0]
    assert p.array.tolist() == [0.5, 0.5]


def _kernels():
    q = mc.state(X, [Fraction(1, 3), Fraction(2, 3)])
    f = mc.kernel(X, Y, [[0.2, 0.3, 0.5], [1, 0, 0]])
    return {
        "float": f,
        "near": mc.kernel(X, X, [[0.5, 0.499999], [0.2, 0.8]]),
        "exact": q,
        "exact-from-exactarray": mc.state(X, mc.backends.asarray([Fraction(1, 2)] * 2)),
        "to-sympy": f.to("sympy"),
        "deterministic": mc.deterministic(X, X, lambda x: x),
        "logits": mc.kernel_from_logits(X, Y, np.zeros((2, 3))),
        "composite": f >> mc.copy(Y),
        "identity": mc.identity(X @ Y),
        "marginal": mc.marginal(q >> mc.copy(X), [0]),
    }


@pytest.mark.parametrize("which", list(_kernels()))
def test_tables_are_read_only(which):
    k = _kernels()[which]
    before = np.asarray(k.array, dtype=object).copy()
    for view in (k.array, k.matrix, mc.evaluate(k).table, mc.evaluate(k).given):
        assert isinstance(view, np.ndarray) and not view.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            view.reshape(-1)[0] = 0
    assert (np.asarray(k.array, dtype=object) == before).all()


def test_an_exact_array_given_is_copied():
    arr = mc.backends.asarray([[Fraction(1, 2), Fraction(1, 2)], [Fraction(1), Fraction(0)]])
    f = mc.kernel(X, X, arr)
    arr[0, 0] = sympy.Integer(-5)  # the caller's array is still theirs to write
    assert f.array[0, 0] == sympy.Rational(1, 2)


def test_read_only_tables_feed_every_numpy_operation():
    # independent numbers: a 2-state prior and a 2x3 channel, worked out with numpy
    prior = np.array([0.3, 0.7])
    ch = np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    p, f = mc.state(X, prior), mc.kernel(X, Y, ch)
    joint = prior[:, None] * ch
    np.testing.assert_allclose(mc.evaluate(p >> f).array, prior @ ch, atol=1e-15)
    np.testing.assert_allclose(mc.evaluate(p >> mc.copy(X) >> (mc.identity(X) @ f)).array, joint)
    inv = mc.bayes_invert(f, p).array
    np.testing.assert_allclose(inv, (joint / joint.sum(axis=0)).T, atol=1e-15)
    post = mc.condition(p >> mc.copy(X) >> (mc.identity(X) @ f), {1: 2})
    np.testing.assert_allclose(post.array[:, 2], joint[:, 2] / joint[:, 2].sum(), atol=1e-15)
    _marg, cond = mc.disintegrate(mc.evaluate(p >> mc.copy(X) >> (mc.identity(X) @ f)), [0])
    np.testing.assert_allclose(cond.array, ch, atol=1e-15)
    h = -(prior * np.log(prior)).sum()
    assert abs(float(mc.entropy(p)) - h) < 1e-14
    assert (
        abs(float(mc.KL(p, mc.state(X, [0.5, 0.5]))) - (prior * np.log(prior / 0.5)).sum()) < 1e-14
    )
    assert mc.allclose(f, mc.kernel(X, Y, ch.copy()), atol=0)
    assert not f.is_deterministic()


# ---- 1. pytrees validate concrete leaves ---------------------------------------------------------
@pytest.fixture
def jx():
    jax = pytest.importorskip("jax")
    mc.backends.load("jax")  # kernels become pytrees when markovcat's JAX backend loads
    return jax


@pytest.mark.parametrize(
    "leaf, match",
    [
        (np.array([[np.nan, 1.0], [0.5, 0.5]]), "non-finite"),
        (np.array([[1.5, -0.5], [0.5, 0.5]]), "negative"),
        (np.array([[0.5, 0.4], [0.5, 0.5]]), "sums to 0.9"),
        (np.full((2, 3), 1 / 3), r"shape \(2, 2\).*given shape \(2, 3\)"),
        (np.full((3, 2, 2), 0.5), r"given shape \(3, 2, 2\)"),
    ],
)
def test_tree_unflatten_validates_a_concrete_leaf(jx, leaf, match):
    f = mc.kernel(X, X, [[0.9, 0.1], [0.2, 0.8]], name="flip")
    _, treedef = jx.tree_util.tree_flatten(f)
    for concrete in (leaf, jx.numpy.asarray(leaf)):
        with pytest.raises(mc.NotStochasticError, match=match) as err:
            jx.tree_util.tree_unflatten(treedef, [concrete])
        assert "'flip'" in str(err.value) and "X → X" in str(err.value)


def test_tree_map_cannot_make_a_non_kernel(jx):
    f = mc.kernel(X, X, [[0.9, 0.1], [0.2, 0.8]], name="flip")
    with pytest.raises(mc.NotStochasticError, match="'flip'"):
        jx.tree_util.tree_map(lambda t: 2 * t, f)
    g = jx.tree_util.tree_map(lambda t: t[::-1], f)  # still stochastic: a valid kernel
    np.testing.assert_array_equal(np.asarray(g.array), [[0.2, 0.8], [0.9, 0.1]])


def test_pytree_round_trips_still_work_under_jit(jx):
    jnp = jx.numpy
    f = mc.kernel(X, X, jnp.asarray([[0.9, 0.1], [0.2, 0.8]]))
    out = jx.jit(lambda k: k)(f)  # output leaf is concrete: validated, and valid
    assert isinstance(out, mc.Kernel) and out.dom == X
    sq = jx.jit(lambda k: mc.evaluate(k >> k).array)(f)  # leaves are tracers inside
    np.testing.assert_allclose(np.asarray(sq), np.array([[0.83, 0.17], [0.34, 0.66]]), atol=1e-15)
    # JAX's own placeholders (None, object()) pass through tree_unflatten untouched
    _, treedef = jx.tree_util.tree_flatten(f)
    assert jx.tree_util.tree_unflatten(treedef, [None]).table is None


# ---- 2. interpret keys boxes by their whole type --------------------------------------------------
@given(n=st.integers(1, 4), m=st.integers(1, 4))
def test_same_name_different_types_never_share_a_kernel(n, m):
    A, B = mc.Obj("A", n), mc.Obj("B", m)
    f_aa, f_ab = mc.Box("f", A, A), mc.Box("f", A, B)
    table = np.full((n, n), 1 / n)
    if n == m:  # the same type: one kernel, used twice
        out = mc.interpret(f_aa >> f_ab, {"f": table})
        np.testing.assert_allclose(out.matrix, table @ table, atol=1e-15)
        return
    with pytest.raises(mc.TypeMismatchError) as err:
        mc.interpret(f_aa >> f_ab, {"f": table})
    msg = str(err.value)
    assert "'f'" in msg and "A → B" in msg and f"({n}, {m})" in msg and f"({n}, {n})" in msg
    with pytest.raises(mc.TypeMismatchError, match="'f'.*A → B.*A → A"):
        mc.interpret(f_aa >> f_ab, {"f": mc.kernel(A, A, table)})
    with pytest.raises(mc.TypeMismatchError, match="'f'"):  # either order
        mc.interpret(f_ab @ f_aa, {"f": mc.kernel(A, A, table)})


def test_interpret_refuses_a_2x2_table_for_a_2_to_3_box():
    g = mc.Box("g", X, Y)
    with pytest.raises(mc.TypeMismatchError, match=r"'g'.*X → Y.*\(2, 3\).*\(2, 2\)"):
        mc.interpret(g, {"g": [[0.5, 0.5], [0.5, 0.5]]})
    ok = mc.interpret(g, {"g": [[0.5, 0.25, 0.25], [1, 0, 0]]})  # the flat (2, 3) is fine
    assert ok.cod == Y


# ---- 3. exact conversion represents the float kernel ---------------------------------------------
@given(seed=st.integers(0, 2**32 - 1), off=offsets, cols=st.integers(2, 5))
def test_exact_conversion_agrees_with_the_float_kernel(seed, off, cols):
    t = near_stochastic(2, cols, seed, off)
    Z = mc.Obj("Z", cols)
    f = mc.kernel(X, Z, t)
    e = f.to("sympy")
    direct = mc.kernel(X, Z, t, backend="sympy")
    # every backend holds the same kernel: the renormalised rows, to rounding
    expected = t / t.sum(axis=1, keepdims=True)
    for table in (e.array, direct.array):
        np.testing.assert_allclose(np.asarray(table, dtype=float), expected, rtol=0, atol=1e-15)
        assert [sum(row) for row in table.tolist()] == [1, 1]  # exactly stochastic
    assert np.abs(f.array.sum(axis=1) - 1).max() <= 4e-16
    # the laws fail alike on every backend: the table as given (kept as .given by all
    # three) misses 1 by `off`, and naturality of delete checks it
    if abs(off) > 1e-8:  # far beyond rounding: every backend kept the table as given
        for k in (f, e, direct):
            assert k.given is not k.table
            with pytest.raises(laws.LawError, match="naturality of delete"):
                laws.check_delete_naturality(k)
    laws.check_delete_naturality(mc.kernel(X, Z, expected))  # the repaired table passes


def test_exact_conversion_never_repairs_more_than_rounding():
    t = np.array([[0.5, 0.499999], [0.2, 0.8]])
    f = mc.kernel(X, X, t)
    e = f.to("sympy")
    # independent: the exact division of the row as given, entry by entry
    row = [Fraction(str(v)) for v in t[0]]
    for got, want in zip(e.array[0], [v / sum(row) for v in row], strict=True):
        assert abs(Fraction(str(got)) - want) < Fraction(1, 10**15)
    # the numpy kernel is the same kernel: the laws give one answer on both backends
    np.testing.assert_allclose(f.array[0], [float(v / sum(row)) for v in row], atol=1e-16)
    assert mc.allclose(mc.evaluate(f >> mc.delete(X)), mc.delete(X), atol=1e-15)
    # and the exact side does not silently accept what the float side refuses
    with pytest.raises(mc.NotStochasticError):
        mc.kernel(X, X, [[0.5, 0.49], [0.2, 0.8]], backend="sympy")


# ---- 4. renormalised rows: no drift ----------------------------------------------------------
def test_ten_thousand_compositions_keep_their_mass():
    Z = mc.Obj("Z", 3)
    t = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]) * (1 - 5e-6)
    f = mc.kernel(Z, Z, t)
    assert abs(t.sum(axis=1) - (1 - 5e-6)).max() < 1e-15  # the table given is off by 5e-6
    p = mc.state(Z, [1 / 3] * 3)
    for _ in range(10_000):
        p = mc.evaluate(p >> f)
    # independent: the given table would keep (1 - 5e-6)**10_000 ≈ 0.951 of the mass
    assert (1 - 5e-6) ** 10_000 < 0.96
    assert abs(float(p.array.sum()) - 1) < 1e-9
    k = f
    for _ in range(14):  # 2**14 compositions by squaring
        k = mc.evaluate(k >> k)
    assert np.abs(k.array.sum(axis=1) - 1).max() < 1e-9


@given(seed=st.integers(0, 2**32 - 1), off=offsets, rows=st.integers(1, 4), cols=st.integers(1, 6))
def test_accepted_rows_are_renormalised_and_the_given_table_kept(seed, off, rows, cols):
    D, C = mc.Obj("D", rows), mc.Obj("C", cols)
    t = near_stochastic(rows, cols, seed, off)
    f = mc.kernel(D, C, t, name="f")
    np.testing.assert_array_equal(f.given, t)
    assert not f.given.flags.writeable
    assert np.abs(f.array.sum(axis=1) - 1).max() <= 4 * np.finfo(float).eps * max(1, np.log2(cols))
    np.testing.assert_allclose(f.array, t / t.sum(axis=1, keepdims=True), rtol=1e-15, atol=0)


def test_rows_within_rounding_are_kept_bit_for_bit():
    f = mc.state(mc.Obj("T", 10), [0.1] * 10)  # sums to 0.9999999999999999 in floats
    assert f.array.tolist() == [0.1] * 10 and f.given is f.table
    g = mc.kernel(X, Y, [[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]])
    assert g.array.tolist() == [[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]]


# ---- 5. dtypes -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table, match",
    [
        (np.ma.masked_array([[0.5, 0.5], [1, 0]], mask=[[0, 1], [0, 0]]), "masked array"),
        (np.array([[1, 0], [0, 1]], dtype="m8[s]"), "timedelta"),
        (np.array([[1, 0], [0, 1]], dtype="M8[s]"), "datetime"),
        (np.array([[0.5 + 0j, 0.5], [1, 0]]), "complex"),
        (np.array([["0.5", "0.5"], ["1", "0"]]), "numeric"),
        ([["0.5", "0.5"], ["1", "0"]], "'0.5'"),
        (np.array([[0.5, None], [1, 0]], dtype=object), "None"),
        (np.array([[0.5, 0.5j], [1, 0]], dtype=object), "complex"),
        (np.array([[np.timedelta64(1), 0], [1, 0]], dtype=object), "timedelta64"),
        (np.array([(0.5, 0.5), (1.0, 0.0)], dtype="f8,f8"), "numeric"),
    ],
)
def test_tables_that_are_not_probabilities_are_refused(table, match):
    with pytest.raises(mc.NotStochasticError, match=match) as err:
        mc.kernel(X, X, table, name="odd")
    msg = str(err.value)
    assert "'odd'" in msg and "X → X" in msg and "expected" in msg


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.bool_, np.float16, np.float32])
def test_numeric_tables_of_any_width_become_float64(dtype):
    f = mc.kernel(X, X, np.array([[1, 0], [0, 1]], dtype=dtype))
    assert f.array.dtype == np.float64 and f.array.tolist() == [[1.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "int32", "bool"])
def test_jax_tables_are_promoted_to_float64(jx, dtype):
    jnp = jx.numpy
    t = jnp.asarray([[1, 0], [0, 1]] if dtype in ("int32", "bool") else [[0.5, 0.5], [0.25, 0.75]])
    f = mc.kernel(X, X, t.astype(dtype))
    assert f.backend == "jax" and f.table.dtype == jnp.float64
    assert mc.evaluate(f >> f).table.dtype == jnp.float64
    traced = jx.jit(lambda a: mc.kernel(X, X, a).table)(t.astype(dtype))
    assert traced.dtype == jnp.float64


def test_jax_without_x64_keeps_float32_never_float16(jx):
    code = (
        "import jax.numpy as jnp, markovcat as mc\n"
        "X = mc.Obj('X', 2)\n"
        "for d in ('float16', 'bfloat16', 'float32'):\n"
        "    t = mc.state(X, jnp.asarray([0.5, 0.5], dtype=d)).table\n"
        "    assert t.dtype == jnp.float32, (d, t.dtype)\n"
        "print('ok')\n"
    )
    env = {**os.environ, "JAX_ENABLE_X64": "0", "JAX_PLATFORMS": "cpu"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]


def test_every_refusal_is_a_markovcat_error():
    for bad in (np.ma.masked_array([0.5, 0.5]), np.array([1, 0], dtype="m8[D]"), np.timedelta64(1)):
        with pytest.raises(mc.MarkovCatError):
            mc.state(X, bad) if np.ndim(bad) else mc.kernel(mc.I, mc.I, bad)


def test_vmap_over_a_kernel_is_a_clear_error(jx):
    jnp = jx.numpy
    k = mc.state(mc.Bool @ mc.Bool, jnp.full((2, 2), 0.25))
    with pytest.raises(mc.NotStochasticError, match="jax.vmap over a kernel"):
        jx.vmap(lambda k: mc.marginal(k, [0]).array)(k)
    # mapping over the table instead works, and gives the row sums
    tables = jnp.array([[[0.1, 0.2], [0.3, 0.4]], [[0.25, 0.25], [0.5, 0.0]]])
    got = jx.vmap(lambda t: mc.marginal(mc.state(mc.Bool @ mc.Bool, t), [0]).array)(tables)
    np.testing.assert_allclose(got, [[0.3, 0.7], [0.5, 0.5]], atol=1e-15)
