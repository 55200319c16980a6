"""The compiler against independent computations (numpy matmul, einsum, closed forms)."""

import functools
import tracemalloc

import numpy as np
import pytest

import markovcat as mc

rng = np.random.default_rng(0)


def random_table(*shape):
    t = rng.random(shape)
    return t / t.sum(axis=-1, keepdims=True)


def test_chain_of_1000_kernels_matches_matmul():
    X = mc.Obj("X", 4)
    mats = [random_table(4, 4) for _ in range(1000)]
    chain = functools.reduce(lambda a, b: a >> b, (mc.kernel(X, X, m) for m in mats))
    np.testing.assert_allclose(chain.matrix, functools.reduce(np.matmul, mats), rtol=1e-10)


def test_width_test_is_polynomial():
    """p^{⊗30} >> copy^{⊗30} >> delete^{⊗60}: a scalar, never a 2^30 joint."""
    B = mc.Obj("B", 2)
    p = mc.state(B, [0.3, 0.7])
    n = 30
    states = functools.reduce(lambda a, b: a @ b, [p] * n)
    copies = functools.reduce(lambda a, b: a @ b, [mc.copy(B)] * n)
    deletes = mc.delete(functools.reduce(lambda a, b: a @ b, [B] * (2 * n)))
    d = states >> copies >> deletes
    tracemalloc.start()
    value = d.array
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert float(value) == pytest.approx(1.0)
    assert peak < 10_000_000  # the joint would be 2^30 * 8 bytes
    assert mc.contraction_cost(d)["largest"] <= 4


def test_width_with_output_keeps_only_what_is_asked():
    B = mc.Obj("B", 2)
    p = mc.state(B, [0.3, 0.7])
    n = 24
    states = functools.reduce(lambda a, b: a @ b, [p] * n)
    keep_first = mc.identity(B) @ mc.delete(functools.reduce(lambda a, b: a @ b, [B] * (n - 1)))
    assert (states >> keep_first).array.tolist() == pytest.approx([0.3, 0.7])


def test_copy_and_swap_tensors_are_deltas():
    X = mc.Obj("X", 3)
    c3 = mc.copy(X, 3).array
    expected = np.zeros((3, 3, 3, 3))
    for i in range(3):
        expected[i, i, i, i] = 1
    np.testing.assert_array_equal(c3, expected)
    Y = mc.Obj("Y", 2)
    s = mc.swap(X, Y).array
    assert s.shape == (3, 2, 2, 3)
    np.testing.assert_array_equal(s, np.einsum("ad,bc->abcd", np.eye(3), np.eye(2)))


def test_matrix_is_lexicographic_kron():
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
    F, G = random_table(2, 2), random_table(3, 3)
    d = mc.kernel(X, X, F) @ mc.kernel(Y, Y, G)
    np.testing.assert_allclose(d.matrix, np.kron(F, G))


def test_deleted_input_is_constant_along_its_axis():
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
    F = random_table(3, 2)
    d = mc.delete(X) @ mc.kernel(Y, X, F)
    np.testing.assert_allclose(d.array, np.broadcast_to(F, (2, 3, 2)))


def test_unit_diagram_is_one():
    assert float(mc.identity(mc.I).array) == 1.0
    assert float(mc.delete(mc.Bool).array[0]) == 1.0


def test_evaluation_is_cached_and_path_reused():
    X = mc.Obj("X", 3)
    f = mc.kernel(X, X, random_table(3, 3))
    d = f >> f >> mc.copy(X)
    assert d.evaluate() is d.evaluate()
    g = mc.kernel(X, X, random_table(3, 3))
    assert mc.network(d).structure == mc.network(g >> g >> mc.copy(X)).structure


def test_memory_guard_fails_before_allocating():
    B = mc.Obj("B", 2)
    p = mc.state(B, [0.5, 0.5])
    big = functools.reduce(lambda a, b: a @ b, [p] * 30)
    with pytest.raises(mc.MemoryLimitError, match="1,073,741,824 entries"):
        big.array


def test_memory_limit_is_configurable():
    B = mc.Obj("B", 2)
    p = mc.state(B, [0.5, 0.5])
    d = functools.reduce(lambda a, b: a @ b, [p] * 12)
    old = mc.config.max_elements
    mc.config.max_elements = 1000
    try:
        with pytest.raises(mc.MemoryLimitError):
            d.array
    finally:
        mc.config.max_elements = old
    assert d.array.shape == (2,) * 12


def test_large_networks_use_the_linear_planner_and_match_matmul():
    from markovcat._engine import LARGE

    X = mc.Obj("X", 3)
    mats = [random_table(3, 3) for _ in range(LARGE + 100)]
    chain = functools.reduce(lambda a, b: a >> b, (mc.kernel(X, X, m) for m in mats))
    np.testing.assert_allclose(chain.matrix, functools.reduce(np.matmul, mats), rtol=1e-9)
