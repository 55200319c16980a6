"""Inference benchmark: markovcat against hand-written numpy and EfProb, one run.

1. Bayesian inversion of a channel X → Y with |X| = |Y| = n (n up to 1024), disintegration
   and conditioning of a joint state on a 32 ⊗ 32 = 1024-state space.
2. A hidden Markov model posterior marginal (one hidden state given every observation)
   for lengths 10 to 10,000: build time, first query (plans the contraction) and a repeat
   query (cached plan), to show linear growth.

EfProb is not a dependency: install it beside markovcat in a separate environment
(``pip install efprob``); without it its column is skipped.
Run: ``python benchmarks/inference.py [--efprob-max 1024] [--hmm-max 10000]``.
"""

from __future__ import annotations

import argparse
import time
import timeit

import numpy as np

import markovcat as mc
from markovcat.models import hidden_markov_model

try:
    import efprob
except ImportError:  # pragma: no cover - optional reference
    efprob = None


def best(fn, number: int = 1, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def stochastic(rng, *shape):
    t = rng.random(shape)
    return t / t.sum(axis=-1, keepdims=True)


def numpy_invert(prior, F):
    joint = prior[:, None] * F
    evidence = joint.sum(axis=0)
    safe = np.where(evidence > 0, evidence, 1.0)
    return np.where(evidence[:, None] > 0, (joint / safe).T, prior[None, :])


def bayes_rows(efprob_max: int) -> list[tuple]:
    rows = []
    rng = np.random.default_rng(0)
    for n in (64, 256, 1024):
        X, Y = mc.Obj("X", n), mc.Obj("Y", n)
        prior, F = stochastic(rng, n), stochastic(rng, n, n)
        p, f = mc.state(X, prior), mc.kernel(X, Y, F)
        ours = best(lambda p=p, f=f: mc.bayes_invert(f, p).array)
        ref = best(lambda prior=prior, F=F: numpy_invert(prior, F))
        np.testing.assert_allclose(mc.bayes_invert(f, p).matrix, numpy_invert(prior, F), rtol=1e-10)
        ef = None
        if efprob is not None and n <= efprob_max:  # one run: EfProb takes minutes at n=1024
            sp = efprob.range_sp(n)
            ch, st = efprob.Channel(F, sp, sp), efprob.State(prior, sp)
            start = time.perf_counter()
            m = np.asarray(ch.dagger(st).matrix, dtype=float)
            ef = time.perf_counter() - start
            np.testing.assert_allclose(m, numpy_invert(prior, F), rtol=1e-8)
        rows.append((f"bayes_invert n={n}", ours, ref, ef))
    return rows


def joint_rows() -> list[tuple]:
    rng = np.random.default_rng(1)
    A, B = mc.Obj("A", 32), mc.Obj("B", 32)
    t = stochastic(rng, 1024).reshape(32, 32)
    joint = mc.state(A @ B, t)

    def numpy_disintegrate():
        m = t.sum(axis=1)
        return m, t / m[:, None]

    def numpy_condition():
        post = np.zeros_like(t)
        post[:, 7] = t[:, 7] / t[:, 7].sum()
        return post

    m, c = mc.disintegrate(joint, [0])
    np.testing.assert_allclose(m.array, numpy_disintegrate()[0], rtol=1e-12)
    np.testing.assert_allclose(c.matrix, numpy_disintegrate()[1], rtol=1e-12)
    np.testing.assert_allclose(mc.condition(joint, {1: 7}).array, numpy_condition(), rtol=1e-12)
    rows = [
        (
            "disintegrate 32⊗32",
            best(lambda: mc.disintegrate(joint, [0]), 20),
            best(numpy_disintegrate, 20),
            None,
        ),
    ]
    ef = None
    if efprob is not None:
        sp = efprob.range_sp(32)
        st = efprob.State(t, sp @ sp)
        pred = efprob.truth(sp) @ efprob.point_pr(7, sp)
        ef = best(lambda: st / pred, 20)
        np.testing.assert_allclose(
            np.asarray((st / pred).matrix, dtype=float).reshape(32, 32),
            numpy_condition(),
            rtol=1e-10,
        )
    rows.append(
        (
            "condition 32⊗32",
            best(lambda: mc.condition(joint, {1: 7}), 20),
            best(numpy_condition, 20),
            ef,
        )
    )
    return rows


def hmm_rows(max_n: int) -> list[tuple]:
    rng = np.random.default_rng(2)
    H, O = mc.Obj("H", 4), mc.Obj("O", 3)
    init = mc.state(H, np.full(4, 0.25))
    step = mc.kernel(H, H, stochastic(rng, 4, 4))
    emit = mc.kernel(H, O, stochastic(rng, 4, 3))
    rows = []
    for n in (10, 100, 1000, 10000):
        if n > max_n:
            break
        start = time.perf_counter()
        hmm = hidden_markov_model(init, step, emit, n)
        built = time.perf_counter() - start
        obs = {2 * t + 1: int(o) for t, o in enumerate(rng.integers(0, 3, size=n))}
        start = time.perf_counter()
        mc.condition(hmm, obs, keep=[n // 2 * 2])
        first = time.perf_counter() - start
        again = best(lambda hmm=hmm, obs=obs, n=n: mc.condition(hmm, obs, keep=[n // 2 * 2]), 1, 3)
        rows.append((n, built, first, again))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--efprob-max", type=int, default=1024)
    ap.add_argument("--hmm-max", type=int, default=10000)
    args = ap.parse_args()
    note = "" if efprob is not None else "  (EfProb not installed: column skipped)"
    print(
        f"{'query':<22}{'markovcat':>12}{'numpy':>12}{'ratio':>8}{'EfProb':>12}{'EfProb/mc':>11}{note}"
    )
    for name, ours, ref, ef in bayes_rows(args.efprob_max) + joint_rows():
        efs = f"{ef * 1e3:10.2f}ms{ef / ours:11.0f}" if ef is not None else f"{'-':>12}{'-':>11}"
        print(f"{name:<22}{ours * 1e3:10.3f}ms{ref * 1e3:10.3f}ms{ours / ref:8.1f}{efs}")
    print()
    print(
        f"{'HMM length':<12}{'build':>10}{'first query':>14}{'repeat query':>15}{'repeat / step':>15}"
    )
    for n, built, first, again in hmm_rows(args.hmm_max):
        print(f"{n:<12}{built:9.3f}s{first:13.3f}s{again:14.4f}s{again / n * 1e6:12.1f} µs")


if __name__ == "__main__":
    main()
