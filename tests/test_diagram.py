import numpy as np
import pytest

import markovcat as mc

X = mc.Obj("X", ("a", "b"))
Y = mc.Obj("Y", 3)


def test_type_mismatch_names_both_sides():
    f = mc.Box("f", X, Y)
    g = mc.Box("g", X, X)
    with pytest.raises(mc.TypeMismatchError, match=r"f : X → Y.*g : X → X"):
        f >> g
    with pytest.raises(mc.TypeMismatchError):
        g << f  # g after f: same composite, same error


def test_lshift_is_rshift_reversed():
    f, g = mc.Box("f", X, Y), mc.Box("g", Y, X)
    assert (g << f) == (f >> g)


def test_terms_are_flat_immutable_hashable():
    f, g, h = mc.Box("f", X, Y), mc.Box("g", Y, X), mc.Box("h", X, X)
    assert (f >> g) >> h == f >> (g >> h)
    assert len({(f >> g) >> h, f >> (g >> h)}) == 1
    assert ((f @ g) @ h) == (f @ (g @ h))
    with pytest.raises(Exception):
        f.name = "other"


def test_types_of_composites():
    f, g = mc.Box("f", X, Y), mc.Box("g", Y, X @ X)
    d = (f @ g) >> (mc.identity(Y) @ mc.swap(X, X))
    assert d.dom == X @ Y and d.cod == Y @ X @ X
    assert mc.copy(X @ Y, 3).cod == X @ Y @ X @ Y @ X @ Y
    assert mc.delete(X).cod == mc.I
    assert mc.copy(X, 1) == mc.identity(X) and mc.copy(X, 0) == mc.delete(X)


def test_str_reads_like_the_formula():
    p = mc.Box("p", mc.I, X)
    f = mc.Box("f", X, Y)
    assert str(p >> mc.copy(X) >> (mc.identity(X) @ f)) == "p >> copy(X) >> (id(X) @ f)"
    assert str(mc.copy(X, 3)) == "copy(X, 3)" and str(mc.swap(X, Y)) == "swap(X, Y)"


def test_repr_round_trips():
    f = mc.Box("f", X, Y)
    d = mc.copy(X) >> (f @ mc.identity(X)) >> mc.swap(Y, X) >> (mc.delete(X) @ mc.identity(Y))
    scope = {
        "Box": mc.Box,
        "Obj": mc.Obj,
        "copy": mc.copy,
        "identity": mc.identity,
        "swap": mc.swap,
        "delete": mc.delete,
        "I": mc.I,
    }
    assert eval(repr(d), scope) == d


def test_kernel_repr_is_evaluable():
    f = mc.kernel(X, Y, [[0.25, 0.25, 0.5], [1, 0, 0]], name="f")
    g = eval(repr(f), {"kernel": mc.kernel, "Obj": mc.Obj, "I": mc.I})
    assert mc.allclose(f, g) and g.name == "f"


def test_rewire_selects_copies_and_deletes():
    A, B, C = mc.Obj("A", 2), mc.Obj("B", 3), mc.Obj("C", 2)
    p = mc.state(A @ B @ C, np.arange(1, 13) / 78)
    d = p >> mc.rewire(A @ B @ C, [2, 0, 2])
    expected = np.einsum("abc,ce->cae", p.array, np.eye(2))
    np.testing.assert_allclose(d.array, expected)
    with pytest.raises(mc.UnknownOutcomeError, match="range\\(3\\)"):
        mc.rewire(A @ B @ C, [3])


def test_boxes_do_not_evaluate():
    with pytest.raises(mc.UninterpretedBoxError, match="mc.interpret"):
        (mc.Box("f", X, Y) >> mc.delete(Y)).array


def test_interpret_is_a_functor():
    f, g = mc.Box("f", X, Y), mc.Box("g", Y, X)
    F = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    G = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    d = mc.interpret((f >> g) @ mc.identity(X), {"f": F, "g": mc.kernel(Y, X, G)})
    np.testing.assert_allclose(d.matrix, np.kron(F @ G, np.eye(2)))
    with pytest.raises(mc.UninterpretedBoxError, match="'g'"):
        mc.interpret(f >> g, {"f": F})
    with pytest.raises(mc.TypeMismatchError, match="'f'"):
        mc.interpret(f, {"f": mc.identity(X)})


def test_html_table_has_labels():
    f = mc.kernel(X, Y, [[0.25, 0.25, 0.5], [1, 0, 0]], name="f")
    html = f._repr_html_()
    assert "<table" in html and "<th>a</th>" in html and "<th>2</th>" in html and "0.25" in html
    # a composite or a symbolic box shows its drawing in Jupyter, not a table
    for d in (f >> mc.copy(Y), mc.Box("g", X, X)):
        assert d._repr_html_() is None and "<svg" in d._repr_svg_()


def test_rewire_realises_every_permutation():
    import itertools

    atoms = [mc.Obj(f"P{i}", i + 2) for i in range(4)]
    X = mc.product(*atoms)
    rng = np.random.default_rng(0)
    t = rng.random(X.shape)
    p = mc.state(X, t / t.sum())
    for perm in itertools.permutations(range(4)):
        d = p >> mc.rewire(X, list(perm))
        assert d.cod == mc.product(*(atoms[i] for i in perm))
        np.testing.assert_allclose(d.array, np.transpose(p.array, perm))
