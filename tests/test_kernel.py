import math

import numpy as np
import pytest

import markovcat as mc

X = mc.Obj("X", ("a", "b"))
Y = mc.Obj("Y", (0, 1, 2))


def test_shapes_accepted():
    t = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    f = mc.kernel(X, Y, t, name="f")
    assert f.array.shape == (2, 3) and f.array.dtype == np.float64
    g = mc.kernel(X @ X, Y, np.tile(t, (2, 1)))  # 2-D form of a 3-axis table
    assert g.array.shape == (2, 2, 3)
    np.testing.assert_array_equal(g.array[1, 0], t[0])
    p = mc.state(X @ Y, np.full(6, 1 / 6))
    assert p.array.shape == (2, 3)


def test_integer_tables_become_float64():
    f = mc.kernel(X, X, [[1, 0], [0, 1]])
    assert f.array.dtype == np.float64
    p = mc.state(X, np.array([0.3, 0.7], dtype=np.float32))
    assert p.array.dtype == np.float64


def test_dict_tables_with_labels():
    f = mc.kernel(X, Y, {"a": {0: 0.5, 2: 0.5}, "b": {1: 1.0}}, name="f")
    assert f.matrix.tolist() == [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]
    p = mc.state(X @ Y, {("a", 0): 0.25, ("b", 2): 0.75})
    assert p.array[0, 0] == 0.25 and p.array[1, 2] == 0.75


def test_tolerance_accepts_1e6_and_rejects_1e3():
    mc.state(X, [0.5, 0.5 + 1e-6])
    with pytest.raises(mc.NotStochasticError, match="sums to 1.001"):
        mc.state(X, [0.5, 0.501])


@pytest.mark.parametrize(
    "row, message",
    [
        ([0.5, -0.1, 0.6], "negative"),
        ([0.5, math.nan, 0.5], "non-finite"),
        ([0.5, math.inf, 0.5], "non-finite"),
        ([0.5, 0.2, 0.2], "sums to 0.9"),
    ],
)
def test_bad_rows_name_kernel_and_first_offending_input(row, message):
    table = [[1.0, 0.0, 0.0], row]
    with pytest.raises(mc.NotStochasticError, match=f"'f'.*input 'b'.*{message}"):
        mc.kernel(X, Y, table, name="f")


def test_wrong_shape():
    with pytest.raises(mc.NotStochasticError, match=r"shape \(2, 3\).*given shape \(3, 2\)"):
        mc.kernel(X, Y, np.ones((3, 2)) / 2, name="f")


def test_complex_and_strings_rejected():
    with pytest.raises(mc.NotStochasticError, match="complex"):
        mc.state(X, np.array([0.5, 0.5], dtype=complex))
    with pytest.raises(mc.NotStochasticError, match="numbers"):
        mc.state(X, ["a", "b"])


def test_unknown_outcomes_in_dicts():
    with pytest.raises(mc.UnknownOutcomeError, match="'zz'"):
        mc.kernel(X, Y, {"a": {0: 1.0}, "zz": {0: 1.0}})
    with pytest.raises(mc.UnknownOutcomeError, match="7"):
        mc.kernel(X, Y, {"a": {7: 1.0}, "b": {0: 1.0}})
    with pytest.raises(mc.NotStochasticError, match="no row for input 'b'"):
        mc.kernel(X, Y, {"a": {0: 1.0}})


def test_deterministic_from_function():
    f = mc.deterministic(X @ Y, Y, lambda x, y: (y + (x == "b")) % 3, name="shift")
    assert f.is_deterministic()
    assert f.array[1, 2].tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(mc.UnknownOutcomeError, match="'bad'.*input"):
        mc.deterministic(X, Y, lambda x: 5, name="bad")


def test_kernels_are_immutable_and_hash_by_identity():
    f = mc.state(X, [0.5, 0.5])
    with pytest.raises(AttributeError):
        f.table = None
    g = mc.state(X, [0.5, 0.5])
    assert f != g and len({f, g}) == 2 and mc.allclose(f, g)


def test_kernel_from_logits_is_softmax():
    logits = np.array([[0.0, 1.0, 2.0], [5.0, 5.0, 5.0]])
    f = mc.kernel_from_logits(X, Y, logits)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(f.array, expected, rtol=1e-12)


def test_is_deterministic_and_allclose():
    assert mc.identity(X).is_deterministic()
    assert not mc.state(X, [0.5, 0.5]).is_deterministic()
    assert not mc.allclose(mc.identity(X), mc.identity(Y))
