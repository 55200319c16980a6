"""JAX (jit, grad, vmap, tracing) and exact sympy backends, and parity between all three."""

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

jax = pytest.importorskip("jax")
jnp = jax.numpy

X, Y = mc.Obj("X", 3), mc.Obj("Y", 2)
rng = np.random.default_rng(3)


def stochastic(*shape):
    t = rng.random(shape)
    return t / t.sum(axis=-1, keepdims=True)


# ---- backend selection -------------------------------------------------------------------------
def test_backend_inferred_from_the_table_and_chosen_explicitly():
    assert mc.state(Y, jnp.array([0.5, 0.5])).backend == "jax"
    assert mc.state(Y, [Fraction(1, 3), Fraction(2, 3)]).backend == "sympy"
    assert mc.state(Y, [sympy.Rational(1, 3), sympy.Rational(2, 3)]).backend == "sympy"
    assert mc.state(Y, [0.5, 0.5]).backend == "numpy"
    assert mc.state(Y, [0.5, 0.5], backend="jax").backend == "jax"
    f = mc.kernel(X, Y, stochastic(3, 2))
    assert f.to("jax").backend == "jax" and f.to("sympy").backend == "sympy"
    np.testing.assert_array_equal(np.asarray(f.to("jax").to("numpy").array), f.array)
    with pytest.raises(mc.BackendError, match="unknown backend 'torch'"):
        f.to("torch")


def test_jax_tables_are_float64_under_x64():
    assert mc.state(Y, [0.5, 0.5], backend="jax").array.dtype == jnp.float64


def test_mixed_numpy_and_jax_promote_to_jax_but_jax_and_sympy_do_not_mix():
    f = mc.kernel(X, Y, stochastic(3, 2))
    p = mc.state(X, jnp.array([0.2, 0.3, 0.5]))
    assert mc.evaluate(p >> f).backend == "jax"
    with pytest.raises(mc.BackendError, match="cannot combine JAX and exact sympy"):
        mc.evaluate(p >> f.to("sympy"))


def test_jax_is_optional_at_import():
    code = (
        "import sys; sys.modules['jax'] = None\n"
        "import markovcat as mc\n"
        "try:\n    mc.state(mc.Bool, [0.5, 0.5], backend='jax')\n"
        "except mc.BackendError as e:\n    print('OK', 'pip install' in str(e))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "OK True", r.stderr


# ---- JAX transformations -----------------------------------------------------------------------
def hmm_marginal(init, step, emit, n=5):
    """P(last observation) of an n-step HMM built from raw tables."""
    H, O = mc.Obj("H", 3), mc.Obj("O", 2)
    d = mc.state(H, init)
    s = mc.kernel(H, H, step)
    for _ in range(n - 1):
        d = d >> s
    return mc.evaluate(d >> mc.kernel(H, O, emit)).array


def test_jit_compiles_once_and_is_reused_for_new_tables():
    traces = []

    def f(init, step, emit):
        traces.append(1)
        return hmm_marginal(init, step, emit)

    jf = jax.jit(f)
    for _ in range(3):
        args = (stochastic(3), stochastic(3, 3), stochastic(3, 2))
        expected = args[0] @ np.linalg.matrix_power(args[1], 4) @ args[2]
        np.testing.assert_allclose(jf(*map(jnp.asarray, args)), expected, rtol=1e-12)
    assert len(traces) == 1


def test_kernels_are_pytrees():
    f = mc.kernel(X, Y, jnp.asarray(stochastic(3, 2)), name="f")
    leaves, treedef = jax.tree_util.tree_flatten(f)
    assert len(leaves) == 1 and leaves[0].shape == (3, 2)
    g = jax.tree_util.tree_unflatten(treedef, [leaves[0] * 1.0])
    assert g.dom == X and g.cod == Y and g.name == "f"
    out = jax.jit(lambda k: mc.evaluate(k >> mc.copy(Y)).array)(f)
    assert out.shape == (3, 2, 2)


def test_grad_through_evaluate_matches_finite_differences():
    emit = stochastic(3, 2)

    def prob_y1(logits):
        p = mc.kernel_from_logits(mc.I, X, logits)
        return mc.evaluate(p >> mc.kernel(X, Y, emit)).array[1]

    logits = jnp.array([0.1, -0.4, 0.7])
    g = jax.grad(prob_y1)(logits)
    eps = 1e-6
    fd = [
        (prob_y1(logits.at[i].add(eps)) - prob_y1(logits.at[i].add(-eps))) / (2 * eps)
        for i in range(3)
    ]
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    # closed form: d softmax_i / d l_j = s_i (δ_ij − s_j)
    s = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(g, s * (emit[:, 1] - s @ emit[:, 1]), rtol=1e-9)


def test_grad_of_a_log_likelihood_of_observed_data():
    data = np.array([0, 1, 1, 1, 0, 1])
    X2 = mc.Obj("Coin", ("H", "T"))

    def loglik(logit):
        p = mc.kernel_from_logits(mc.I, X2, jnp.stack([0.0, logit]))
        probs = mc.evaluate(p).array
        return jnp.sum(jnp.log(probs[data]))

    # d/dl Σ log softmax = n_T − n·σ(l); zero at the maximum-likelihood logit log(4/2)
    assert abs(float(jax.grad(loglik)(jnp.log(4.0 / 2.0)))) < 1e-12
    g = float(jax.grad(loglik)(0.0))
    assert g == pytest.approx(4 - 6 * 0.5)


def test_vmap_over_a_batch_of_tables():
    batch = jnp.asarray(np.stack([stochastic(3, 3) for _ in range(5)]))
    p = stochastic(3)
    out = jax.vmap(lambda t: mc.evaluate(mc.state(X, p) >> mc.kernel(X, X, t)).array)(batch)
    np.testing.assert_allclose(out, np.einsum("i,bij->bj", p, np.asarray(batch)), rtol=1e-12)


def test_validation_under_tracing_checks_shapes_not_values():
    @jax.jit
    def bad_shape(t):
        return mc.kernel(X, Y, t).array

    with pytest.raises(mc.NotStochasticError, match="shape"):
        bad_shape(jnp.ones((2, 2)))

    @jax.jit
    def unchecked(t):  # values unknown while tracing: accepted, no tracer error
        return mc.kernel(X, Y, t).array

    assert unchecked(jnp.full((3, 2), 0.5)).shape == (3, 2)
    with pytest.raises(mc.NotStochasticError, match="negative"):
        mc.kernel(X, Y, jnp.array([[1.5, -0.5]] * 3))


def test_queries_under_jit_and_grad():
    def posterior_ill(p_ill):
        prior = mc.state(mc.Bool, jnp.stack([1 - p_ill, p_ill]))
        test = mc.kernel(mc.Bool, mc.Bool, jnp.array([[0.95, 0.05], [0.1, 0.9]]))
        return mc.bayes_invert(test, prior).array[1, 1]

    v = jax.jit(posterior_ill)(0.01)
    assert float(v) == pytest.approx(0.009 / 0.0585)
    # d/dp [0.9p / (0.9p + 0.05(1-p))] = 0.045 / (0.05 + 0.85p)^2
    assert float(jax.grad(posterior_ill)(0.01)) == pytest.approx(0.045 / (0.05 + 0.0085) ** 2)


# ---- exact sympy ---------------------------------------------------------------------------------
def test_disease_test_exactly():
    prior = mc.state(mc.Bool, [Fraction(99, 100), Fraction(1, 100)])
    test = mc.kernel(
        mc.Bool, mc.Bool, [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]]
    )
    assert mc.evaluate(prior >> test).array[1] == sympy.Rational(117, 2000)


def test_symbolic_parameters():
    theta = sympy.Symbol("theta", positive=True)
    coin = mc.state(mc.Bool, [1 - theta, theta])
    both = mc.evaluate(coin @ coin).array
    assert sympy.simplify(both[1, 1] - theta**2) == 0
    flip = mc.kernel(mc.Bool, mc.Bool, [[1 - theta, theta], [theta, 1 - theta]])
    two = mc.evaluate(flip >> flip).array
    assert sympy.expand(two[0, 1] - 2 * theta * (1 - theta)) == 0
    assert mc.evaluate(flip >> flip >> mc.delete(mc.Bool)).array.tolist() == [1, 1]


def test_exact_validation():
    theta = sympy.Symbol("theta")
    with pytest.raises(mc.NotStochasticError, match="exactly 1"):
        mc.state(mc.Bool, [Fraction(1, 3), Fraction(1, 3)])
    with pytest.raises(mc.NotStochasticError, match="exactly 1"):
        mc.state(mc.Bool, [theta, theta])
    with pytest.raises(mc.NotStochasticError, match="negative"):
        mc.state(mc.Bool, [Fraction(-1, 3), Fraction(4, 3)])
    mc.state(mc.Bool, [theta, 1 - theta])  # undecidable sign: accepted (documented policy)


def test_exact_results_are_exact_not_floats():
    f = mc.kernel(X, Y, [[Fraction(1, 3), Fraction(2, 3)]] * 3)
    out = mc.evaluate(mc.state(X, [Fraction(1, 7), Fraction(2, 7), Fraction(4, 7)]) >> f).array
    assert all(isinstance(v, sympy.Rational) for v in out.tolist())
    assert out.tolist() == [sympy.Rational(1, 3), sympy.Rational(2, 3)]


# ---- parity ----------------------------------------------------------------------------------
@given(data=st.data())
def test_same_random_diagram_same_numbers_on_every_backend(data):
    A, B, C = (data.draw(laws.objects(max_factors=2, max_outcomes=3)) for _ in range(3))
    f = data.draw(laws.kernels(A, B, backend="sympy"))
    g = data.draw(laws.kernels(B, C, backend="sympy"))
    h = data.draw(laws.kernels(A, C, backend="sympy"))
    d = (f >> mc.copy(B) >> (mc.identity(B) @ g) >> mc.swap(B, C)) @ h
    exact = np.asarray(mc.evaluate(d).array, dtype=float)
    for backend in ("numpy", "jax"):
        moved = mc.interpret(d, {}, backend=backend)
        np.testing.assert_allclose(
            np.asarray(mc.evaluate(moved).array), exact, rtol=1e-12, atol=1e-15
        )


def test_float_tables_made_exact_keep_short_decimals_and_exact_rows():
    assert mc.state(mc.Bool, [0.3, 0.7], backend="sympy").array.tolist() == [
        sympy.Rational(3, 10),
        sympy.Rational(7, 10),
    ]
    f = mc.kernel(X, Y, [[0.9, 0.1], [1 / 3, 2 / 3], [0.25, 0.75]]).to("sympy")
    assert [sum(row) for row in f.array.tolist()] == [1, 1, 1]
    assert f.array[1, 0] == sympy.Rational(1, 3)
    laws.check_delete_naturality(f)  # holds exactly, not just up to 1e-16
