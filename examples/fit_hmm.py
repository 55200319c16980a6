"""Fit a hidden Markov model's tables by gradient ascent on ``mc.log_evidence``.

A two-state weather chain (dry, wet) is seen only through an umbrella sensor. We sample
sequences from a true model, then learn the transition and emission tables from the
observations alone: the parameters are logits (``mc.kernel_from_logits``), the objective
is ``mc.log_evidence`` of the observed umbrellas under the unrolled model, and
``jax.value_and_grad`` under ``jax.jit`` differentiates through the rescaled contraction.
We check the result two independent ways: the log-likelihood is compared with a
hand-written scaled forward pass, and the fitted model must explain the data at least as
well as the true one does (maximum likelihood), up to the optimiser's tolerance.

Run: python examples/fit_hmm.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import markovcat as mc
from markovcat.models import hidden_markov_model

jax.config.update("jax_enable_x64", True)

Weather = mc.Obj("Weather", ("dry", "wet"))
Umbrella = mc.Obj("Umbrella", ("no", "yes"))
T, N = 30, 2  # steps per sequence, sequences

# ---- 1. data from a true model -------------------------------------------------------------
TRUE_INIT = np.array([0.6, 0.4])
TRUE_STEP = np.array([[0.85, 0.15], [0.3, 0.7]])
TRUE_EMIT = np.array([[0.9, 0.1], [0.2, 0.8]])
rng = np.random.default_rng(0)
sequences = []
for _ in range(N):
    h = rng.choice(2, p=TRUE_INIT)
    obs = []
    for _ in range(T):
        obs.append(int(rng.random() < TRUE_EMIT[h, 1]))
        h = rng.choice(2, p=TRUE_STEP[h])
    sequences.append(obs)
# the umbrella of step t is codomain factor 2t + 1 of the unrolled model
evidence = [{2 * t + 1: Umbrella.outcomes[o] for t, o in enumerate(obs)} for obs in sequences]


def forward(init: np.ndarray, step: np.ndarray, emit: np.ndarray, obs: list[int]) -> float:
    """An independent scaled forward pass: log P(observations)."""
    alpha, log_z = init * emit[:, obs[0]], 0.0
    for o in obs[1:]:
        s = alpha.sum()
        log_z += np.log(s)
        alpha = (alpha / s) @ step * emit[:, o]
    return log_z + float(np.log(alpha.sum()))


# ---- 2. the model and its log-likelihood ---------------------------------------------------
def model(params: dict) -> mc.Diagram:
    init = mc.kernel_from_logits(mc.I, Weather, params["init"])
    step = mc.kernel_from_logits(Weather, Weather, params["step"])
    emit = mc.kernel_from_logits(Weather, Umbrella, params["emit"])
    return hidden_markov_model(init, step, emit, T)


def log_likelihood(params: dict) -> jnp.ndarray:
    hmm = model(params)
    return sum(mc.log_evidence(hmm, ev) for ev in evidence)


true_params = {"init": jnp.log(TRUE_INIT), "step": jnp.log(TRUE_STEP), "emit": jnp.log(TRUE_EMIT)}
by_hand = sum(forward(TRUE_INIT, TRUE_STEP, TRUE_EMIT, obs) for obs in sequences)
assert abs(float(log_likelihood(true_params)) - by_hand) < 1e-9 * abs(by_hand)

# ---- 3. gradient ascent (Adam, written out) -----------------------------------------------
value_and_grad = jax.jit(jax.value_and_grad(log_likelihood))
params = {  # a deliberately asymmetric start: dry and wet must not be interchangeable
    "init": jnp.zeros(2),
    "step": jnp.array([[1.0, 0.0], [0.0, 0.5]]),
    "emit": jnp.array([[1.0, 0.0], [0.0, 1.0]]),
}
m = jax.tree_util.tree_map(jnp.zeros_like, params)
v = jax.tree_util.tree_map(jnp.zeros_like, params)
rate, b1, b2 = 0.1, 0.9, 0.999
history = []
for it in range(1, 301):
    value, grad = value_and_grad(params)
    history.append(float(value))
    m = jax.tree_util.tree_map(lambda a, g: b1 * a + (1 - b1) * g, m, grad)
    v = jax.tree_util.tree_map(lambda a, g: b2 * a + (1 - b2) * g * g, v, grad)
    c1, c2 = 1 - b1**it, 1 - b2**it  # bias corrections
    params = jax.tree_util.tree_map(
        lambda p, a, s, c1=c1, c2=c2: p + rate * (a / c1) / (jnp.sqrt(s / c2) + 1e-8),
        params,
        m,
        v,
    )

fitted = model(params)
step = np.asarray(jax.nn.softmax(params["step"], axis=-1))
emit = np.asarray(jax.nn.softmax(params["emit"], axis=-1))
init = np.asarray(jax.nn.softmax(params["init"]))
final = sum(forward(init, step, emit, obs) for obs in sequences)
print(f"log-likelihood: start {history[0]:.3f}, fitted {final:.3f}, true model {by_hand:.3f}")
print("fitted transition table:\n", step.round(3))
print("fitted emission table:\n", emit.round(3))

# maximum likelihood: the fit explains the data at least as well as the truth
assert final >= by_hand - 1e-3, (final, by_hand)
assert history[-1] >= history[0]
# and the markovcat value at the fitted tables is the hand-written forward pass's
assert abs(float(log_likelihood(params)) - final) < 1e-9 * abs(final)
