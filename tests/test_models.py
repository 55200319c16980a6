import numpy as np
import pytest

import markovcat as mc
from markovcat.models import hidden_markov_model

rng = np.random.default_rng(5)


def stochastic(*shape):
    t = rng.random(shape)
    return t / t.sum(axis=-1, keepdims=True)


def test_joint_of_a_short_hmm_matches_the_product_formula():
    H, O = mc.Obj("H", 3), mc.Obj("O", 2)
    p0, T, E = stochastic(3), stochastic(3, 3), stochastic(3, 2)
    hmm = hidden_markov_model(mc.state(H, p0), mc.kernel(H, H, T), mc.kernel(H, O, E), 3)
    expected = np.einsum("a,ab,bc,ad,be,cf->adbecf", p0, T, T, E, E, E)
    np.testing.assert_allclose(hmm.array, expected, rtol=1e-12)


def test_hidden_state_may_be_a_product():
    A, B, O = mc.Obj("A", 2), mc.Obj("B", 2), mc.Obj("O", 2)
    p0, T, E = stochastic(4), stochastic(4, 4), stochastic(4, 2)
    hmm = hidden_markov_model(
        mc.state(A @ B, p0), mc.kernel(A @ B, A @ B, T), mc.kernel(A @ B, O, E), 2
    )
    assert hmm.cod == A @ B @ O @ A @ B @ O
    got = np.asarray(hmm.array).reshape(4, 2, 4, 2)
    np.testing.assert_allclose(got, np.einsum("a,ab,ac,bd->acbd", p0, T, E, E), rtol=1e-12)


def test_wrong_types_are_reported():
    H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    with pytest.raises(mc.TypeMismatchError, match="step : O → O"):
        hidden_markov_model(mc.state(H, [0.5, 0.5]), mc.identity(O), mc.identity(O), 2)
    with pytest.raises(mc.TypeMismatchError, match="length"):
        hidden_markov_model(mc.state(H, [0.5, 0.5]), mc.identity(H), mc.identity(H), 0)
