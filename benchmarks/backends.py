"""Backends benchmark: a fixed diagram evaluated with changing tables, numpy vs jit JAX.

The diagram: a 50-step hidden Markov model with 16 hidden states and 8 observation
symbols; the query: the posterior of the middle hidden state given all 50 observations
(one contraction). Each call gets new tables. numpy rebuilds and contracts the diagram
every call (its contraction path is cached); JAX compiles the whole function once
(reported separately) and then runs it compiled.

Run: ``python benchmarks/backends.py`` (needs ``jax``). On a GPU machine JAX uses it.
"""

from __future__ import annotations

import time
import timeit

import jax
import jax.numpy as jnp
import numpy as np

import markovcat as mc
from markovcat.models import hidden_markov_model

jax.config.update("jax_enable_x64", True)

N, K, M = 50, 16, 8
H, O = mc.Obj("H", K), mc.Obj("O", M)


def posterior_middle(init, step, emit, obs):
    """P(h_{N/2} | o_1..o_N) for tables given as arrays (numpy or JAX)."""
    hmm = hidden_markov_model(mc.state(H, init), mc.kernel(H, H, step), mc.kernel(H, O, emit), N)
    evidence = {2 * t + 1: int(o) for t, o in enumerate(obs)}
    return mc.condition(hmm, evidence, keep=[N]).array


def tables(rng):
    def stochastic(*shape):
        t = rng.random(shape)
        return t / t.sum(axis=-1, keepdims=True)

    return stochastic(K), stochastic(K, K), stochastic(K, M)


def forward_backward(init, step, emit, obs, k):
    alpha = init * emit[:, obs[0]]
    alphas = [alpha / alpha.sum()]
    for t in range(1, len(obs)):
        alpha = (alphas[-1] @ step) * emit[:, obs[t]]
        alphas.append(alpha / alpha.sum())
    beta = np.ones(len(init))
    for t in range(len(obs) - 1, k, -1):
        beta = step @ (emit[:, obs[t]] * beta)
        beta /= beta.sum()
    post = alphas[k] * beta
    return post / post.sum()


def main() -> None:
    rng = np.random.default_rng(0)
    obs = rng.integers(0, M, size=N)
    batches = [tables(rng) for _ in range(20)]

    # correctness first: both backends against an independent forward-backward
    for t in batches[:2]:
        expected = forward_backward(*t, obs, N // 2)
        np.testing.assert_allclose(posterior_middle(*t, obs), expected, rtol=1e-9)

    compiled = jax.jit(lambda a, b, c: posterior_middle(a, b, c, obs))
    start = time.perf_counter()
    jax.block_until_ready(compiled(*map(jnp.asarray, batches[0])))
    compile_s = time.perf_counter() - start
    for t in batches[:2]:
        expected = forward_backward(*t, obs, N // 2)
        np.testing.assert_allclose(np.asarray(compiled(*map(jnp.asarray, t))), expected, rtol=1e-9)

    jax_batches = [tuple(map(jnp.asarray, t)) for t in batches]
    it = iter(range(10**9))

    def run_numpy():
        posterior_middle(*batches[next(it) % len(batches)], obs)

    def run_jax():
        jax.block_until_ready(compiled(*jax_batches[next(it) % len(batches)]))

    t_np = min(timeit.repeat(run_numpy, number=10, repeat=5)) / 10
    t_jax = min(timeit.repeat(run_jax, number=50, repeat=5)) / 50
    device = jax.devices()[0].platform
    print(f"50-step HMM, 16 hidden states, 8 symbols; new tables every call; JAX device: {device}")
    print(f"{'backend':<22}{'per call':>12}{'vs numpy':>10}")
    print(f"{'numpy (path cached)':<22}{t_np * 1e3:10.3f}ms{1.0:10.1f}")
    print(f"{'JAX jit (compiled)':<22}{t_jax * 1e3:10.3f}ms{t_np / t_jax:10.1f}x faster")
    print(f"{'JAX one-off compile':<22}{compile_s * 1e3:10.1f}ms")


if __name__ == "__main__":
    main()
