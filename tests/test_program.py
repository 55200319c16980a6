import numpy as np
import pytest

import markovcat as mc

X = mc.Obj("X", ("a", "b"))
Y = mc.Obj("Y", 3)
P = np.array([0.3, 0.7])
F = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])
G = np.array([[0.5, 0.5], [0.1, 0.9], [1.0, 0.0]])
p = mc.state(X, P, name="p")
f = mc.kernel(X, Y, F, name="f")
g = mc.kernel(Y, X, G, name="g")


def test_program_builds_the_joint():
    @mc.program(mc.I, X @ Y @ X)
    def model():
        x = p()
        y = f(x)
        return x, y, g(y)

    expected = np.einsum("a,ab,bc->abc", P, F, G)
    np.testing.assert_allclose(model.array, expected)


def test_reuse_copies_and_unused_deletes():
    @mc.program(X @ Y, X @ X)
    def prog(x, y):  # y unused: deleted; x used three times: copied
        return x, g(f(x))

    expected = np.einsum("ac,ad->acd", np.eye(2), F @ G)
    expected = np.broadcast_to(expected[:, None], (2, 3, 2, 2))  # independent of y
    np.testing.assert_allclose(prog.array, expected)


def test_program_equals_hand_built_diagram():
    @mc.program(mc.I, X @ Y)
    def joint():
        x = p()
        return x, f(x)

    assert joint == p >> mc.copy(X) >> (mc.identity(X) @ f)


def test_boxes_in_programs_and_interpret():
    fb = mc.Box("f", X, Y)

    @mc.program(X, Y @ Y)
    def twice(x):
        return fb(x), fb(x)

    d = mc.interpret(twice, {"f": F})
    np.testing.assert_allclose(d.array, np.einsum("ab,ac->abc", F, F))


def test_wrong_wire_type():
    with pytest.raises(mc.ProgramError, match="type X.*type Y"):

        @mc.program(Y, X)
        def bad(y):
            return f(y)


def test_returning_a_non_wire():
    with pytest.raises(mc.ProgramError, match="output 0 must be a wire"):

        @mc.program(X, X)
        def bad(x):
            return 3


def test_wrong_number_of_outputs_and_args():
    with pytest.raises(mc.ProgramError, match="return 2 wire"):

        @mc.program(X, X @ X)
        def bad(x):
            return x

    with pytest.raises(mc.ProgramError, match="takes 1 wire"):

        @mc.program(X, Y)
        def bad2(x):
            return f(x, x)


def test_calling_outside_a_program():
    with pytest.raises(mc.ProgramError, match="only inside"):
        f("a")


def test_branching_on_a_wire_is_an_error():
    with pytest.raises(mc.ProgramError, match="truth value"):

        @mc.program(X, X)
        def bad(x):
            if x:
                return x
            return x
