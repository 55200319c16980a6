import pytest

import markovcat as mc

A = mc.Obj("A", ("a0", "a1"))
B = mc.Obj("B", 3)
C = mc.Obj("C", (True, False, None, 4))


def test_products_are_flat_and_strict():
    assert ((A @ B) @ C).factors == (A @ (B @ C)).factors == (A, B, C)
    assert A @ mc.I == A == mc.I @ A
    assert mc.product(A) is A
    assert mc.I.factors == () and mc.I.size == 1 and mc.I.shape == ()


def test_shape_size_outcomes():
    X = A @ B
    assert X.shape == (2, 3) and X.size == 6
    assert X.outcomes[0] == ("a0", 0) and X.outcomes[-1] == ("a1", 2)
    assert X.outcomes == tuple((a, b) for a in A.outcomes for b in B.outcomes)  # lexicographic
    assert mc.I.outcomes == ((),)
    assert B.outcomes == (0, 1, 2)


def test_bool():
    assert mc.Bool.outcomes == (False, True)


def test_index_and_unknown_outcomes():
    assert (A @ C).index(("a1", None)) == (1, 2)
    with pytest.raises(mc.UnknownOutcomeError, match="'A'.*'zz'"):
        A.position("zz")
    with pytest.raises(mc.UnknownOutcomeError, match="2 components"):
        (A @ B).index("a0")


@pytest.mark.parametrize(
    "outcomes, message",
    [((), "at least one"), (("x", "x"), "distinct"), (([1], [2]), "hashable"), (None, "iterable")],
)
def test_bad_objects(outcomes, message):
    with pytest.raises(mc.InvalidObjectError, match=message):
        mc.Obj("X", outcomes)


def test_bad_name():
    with pytest.raises(mc.MarkovCatError, match="name"):
        mc.Obj("", (1,))


def test_objects_are_hashable_values():
    assert mc.Obj("A", ("a0", "a1")) == A and hash(mc.Obj("A", ("a0", "a1"))) == hash(A)
    assert mc.Obj("A", ("a0",)) != A
    assert {A @ B: 1}[mc.Obj("A", ("a0", "a1")) @ B] == 1


def test_str_and_repr():
    assert str(A @ B) == "A ⊗ B" and str(mc.I) == "I"
    assert eval(repr(A @ B), {"Obj": mc.Obj}) == A @ B
