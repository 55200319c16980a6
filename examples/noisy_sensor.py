"""Fit a noisy sensor by gradient descent with JAX, then reason about it exactly with sympy.

A hidden state (a disease) is read by a sensor (a test) that errs. From paired
observations we learn the sensor's channel by maximising the log-likelihood with
``jax.grad`` through ``mc.evaluate``; then the textbook numbers (prior 1/100, sensitivity
9/10, false-positive rate 1/20) give the exact posterior with the sympy backend.

Run: python examples/noisy_sensor.py
"""

from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np

import markovcat as mc

jax.config.update("jax_enable_x64", True)

Disease = mc.Obj("Disease", ("healthy", "ill"))
Test = mc.Obj("Test", ("neg", "pos"))

# ---- 1. data from a true sensor ------------------------------------------------------------
TRUE = np.array([[0.95, 0.05], [0.10, 0.90]])
rng = np.random.default_rng(0)
disease = rng.integers(0, 2, size=4000)
tests = (rng.random(4000) < TRUE[disease, 1]).astype(int)
counts = np.zeros((2, 2))
np.add.at(counts, (disease, tests), 1)


# ---- 2. maximum likelihood by gradient descent -----------------------------------------------
def neg_log_likelihood(logits: jnp.ndarray) -> jnp.ndarray:
    sensor = mc.kernel_from_logits(Disease, Test, logits, name="sensor")
    table = mc.evaluate(sensor).array  # P(test | disease)
    return -jnp.sum(counts * jnp.log(table)) / counts.sum()


step = jax.jit(jax.value_and_grad(neg_log_likelihood))
logits = jnp.zeros((2, 2))
for _ in range(300):
    loss, g = step(logits)
    logits = logits - 2.0 * g

fitted = mc.kernel_from_logits(Disease, Test, logits).array
mle = counts / counts.sum(axis=1, keepdims=True)  # the closed-form maximum likelihood
print("fitted sensor:\n", np.round(np.asarray(fitted), 4))
print("closed-form MLE:\n", np.round(mle, 4))
assert np.allclose(fitted, mle, atol=1e-3)

# ---- 3. the same model exactly ---------------------------------------------------------------
prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name="prior")
sensor = mc.kernel(
    Disease,
    Test,
    [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]],
    name="test",
)
evidence = mc.evaluate(prior >> sensor)
posterior = mc.bayes_invert(sensor, prior)
print("P(positive) =", evidence.array[1])
print("P(ill | positive) =", posterior.array[1, 1])
assert evidence.array[1] == Fraction(117, 2000)
assert posterior.array[1, 1] == Fraction(2, 13)
