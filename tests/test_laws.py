"""Markov-category and determinism laws (DESIGN §3) as property tests on every backend."""

from hypothesis import given
from hypothesis import strategies as st

from markovcat import laws


def objs(backend):
    """Random objects: up to 3 factors of up to 3 outcomes (2 factors for exact sympy)."""
    return laws.objects(max_factors=2 if backend == "sympy" else 3, max_outcomes=3)


@given(data=st.data())
def test_associativity(backend, data):
    A, B, C, D = (data.draw(objs(backend)) for _ in range(4))
    f, g, h = (data.draw(laws.kernels(s, t, backend=backend)) for s, t in ((A, B), (B, C), (C, D)))
    laws.check_associativity(f, g, h)


@given(data=st.data())
def test_units(backend, data):
    A, B = data.draw(objs(backend)), data.draw(objs(backend))
    f = data.draw(laws.kernels(A, B, backend=backend))
    laws.check_unit(f)
    laws.check_tensor_unit(f)


@given(data=st.data())
def test_interchange(backend, data):
    small_objs = laws.objects(max_factors=1, max_outcomes=3 if backend == "sympy" else 4)
    A, B, C, D, E, F = (data.draw(small_objs) for _ in range(6))
    f = data.draw(laws.kernels(A, B, backend=backend))
    g = data.draw(laws.kernels(D, E, backend=backend))
    h = data.draw(laws.kernels(B, C, backend=backend))
    k = data.draw(laws.kernels(E, F, backend=backend))
    laws.check_interchange(f, g, h, k)


@given(data=st.data())
def test_swap(backend, data):
    A, B, C, D = (data.draw(laws.objects(max_factors=2, max_outcomes=3)) for _ in range(4))
    laws.check_swap_involution(A, B, backend=backend)
    f = data.draw(laws.kernels(A, B, backend=backend))
    g = data.draw(laws.kernels(C, D, backend=backend))
    laws.check_swap_naturality(f, g)


@given(data=st.data())
def test_comonoid(backend, data):
    sizes = laws.objects(max_factors=2, max_outcomes=2 if backend == "sympy" else 3)
    X, Y = data.draw(sizes), data.draw(sizes)
    laws.check_copy_coassociativity(X, backend=backend)
    laws.check_copy_commutativity(X, backend=backend)
    laws.check_copy_counit(X, backend=backend)
    laws.check_copy_product(X, Y, backend=backend)


@given(data=st.data())
def test_delete_naturality(backend, data):
    A, B = data.draw(objs(backend)), data.draw(objs(backend))
    laws.check_delete_naturality(data.draw(laws.kernels(A, B, backend=backend)))


@given(data=st.data())
def test_determinism_iff_copyable(backend, data):
    A, B = data.draw(objs(backend)), data.draw(objs(backend))
    det = data.draw(st.booleans())
    strat = laws.deterministic_kernels if det else laws.kernels
    f = data.draw(strat(A, B, backend=backend))
    laws.check_determinism(f)
    assert f.is_deterministic() or not det


@given(data=st.data())
def test_determinism_closed_under_composition_and_tensor(backend, data):
    A, B, C = (data.draw(objs(backend)) for _ in range(3))
    f = data.draw(laws.deterministic_kernels(A, B, backend=backend))
    g = data.draw(laws.deterministic_kernels(B, C, backend=backend))
    h = data.draw(laws.deterministic_kernels(C, A, backend=backend))
    laws.check_deterministic_closure(f, g, h)


def test_a_broken_law_is_reported():
    """The law functions can fail: a non-stochastic 'kernel' breaks delete-naturality."""
    import numpy as np
    import pytest

    import markovcat as mc

    bad = mc.Kernel._trusted(mc.Bool, mc.Bool, np.array([[0.5, 0.4], [0.0, 1.0]]), "bad")
    with pytest.raises(laws.LawError, match="naturality of delete.*bad.*0.1"):
        laws.check_delete_naturality(bad)
    noisy = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.0, 1.0]], name="noisy")
    with pytest.raises(laws.LawError, match="types"):
        laws.assert_equal(noisy, mc.identity(mc.Obj("Z", 3)), "anything")
