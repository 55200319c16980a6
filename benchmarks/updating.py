"""Bayesian lenses on a hidden Markov model, side by side in one run.

Two tables (ratio = lens time / other time; below 1 means the lens route is faster):

* ``inverse`` — the Bayesian inverse of the chain ``step^T >> emit`` (the posterior on the
  initial hidden state given the last observation): the backward map of the composite
  lens ``lens(step) >> … >> lens(step) >> lens(emit)`` (the inverse computed piecewise,
  by the lens rule) against ``mc.bayes_invert`` of the whole chain. Both answers are
  checked to agree.
* ``filter`` — filtering ``P(h_T | o_1..o_T)``: the lens fold (predict with the forward
  channel, correct with the emission lens's backward map, T times) against
  ``mc.condition`` on the unrolled model ``mc.models.hidden_markov_model`` (one engine
  contraction) and against the forward algorithm written in numpy. Answers are checked.

    python benchmarks/updating.py [--steps 10,50,200] [--states 8]
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np

import markovcat as mc
from markovcat.models import hidden_markov_model


def best(fn, budget: float = 1.0) -> float:
    once = timeit.timeit(fn, number=1)
    number = max(1, int(0.05 / max(once, 1e-9)))
    repeat = max(3, min(20, int(budget / max(once * number, 1e-9))))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def model(k: int, rng):
    H, O = mc.Obj("H", k), mc.Obj("O", 2)
    step = mc.kernel(H, H, rng.dirichlet(np.ones(k), size=k), name="step")
    emit = mc.kernel(H, O, rng.dirichlet(np.ones(2), size=k), name="emit")
    start = mc.state(H, np.full(k, 1 / k))
    return step, emit, start


def lens_inverse(step, emit, start, T: int) -> mc.Kernel:
    chain = mc.lens(step)
    for _ in range(T - 1):
        chain = chain >> mc.lens(step)
    return (chain >> mc.lens(emit)).backward(start)


def whole_inverse(step, emit, start, T: int) -> mc.Kernel:
    chain = step
    for _ in range(T - 1):
        chain = chain >> step
    return mc.bayes_invert(chain >> emit, start)


def bench_inverse(steps: list[int], k: int) -> None:
    print("## inverse: composite lens backward against bayes_invert of the whole chain")
    print(f"{'steps':>6} {'lenses':>10} {'bayes_invert':>13} {'ratio':>6}")
    step, emit, start = model(k, np.random.default_rng(0))
    for T in steps:
        a, b = lens_inverse(step, emit, start, T), whole_inverse(step, emit, start, T)
        assert mc.allclose(a, b, atol=1e-9)
        t_lens = best(lambda T=T: lens_inverse(step, emit, start, T))
        t_whole = best(lambda T=T: whole_inverse(step, emit, start, T))
        print(f"{T:>6} {t_lens * 1e3:8.2f}ms {t_whole * 1e3:11.2f}ms {t_lens / t_whole:6.2f}")


def lens_filter(step, emit, start, observed) -> mc.Kernel:
    belief = start
    emission = mc.lens(emit)
    for o in observed:
        belief = emission.backward((belief >> step).evaluate())[o]
    return belief


def engine_filter(step, emit, start, observed) -> mc.Kernel:
    T = len(observed)
    hmm = hidden_markov_model(start >> step, step, emit, T)
    return mc.condition(hmm, {2 * t + 1: o for t, o in enumerate(observed)}, keep=[2 * (T - 1)])


def numpy_filter(P, E, p0, observed) -> np.ndarray:
    alpha = p0
    for o in observed:
        alpha = (alpha @ P) * E[:, o]
        alpha = alpha / alpha.sum()
    return alpha


def bench_filter(steps: list[int], k: int) -> None:
    print("## filter: lens fold against mc.condition on the unrolled model and numpy")
    print(
        f"{'steps':>6} {'lenses':>10} {'condition':>10} {'numpy':>10} {'vs condition':>13} {'vs numpy':>9}"
    )
    rng = np.random.default_rng(1)
    step, emit, start = model(k, rng)
    P, E, p0 = (np.asarray(d.matrix) for d in (step, emit, start))
    for T in steps:
        observed = [int(o) for o in rng.integers(0, 2, size=T)]
        a = lens_filter(step, emit, start, observed)
        b = engine_filter(step, emit, start, observed)
        c = numpy_filter(P, E, p0[0], observed)
        np.testing.assert_allclose(a.array, b.array, atol=1e-9)
        np.testing.assert_allclose(a.array, c, atol=1e-9)
        t_lens = best(lambda o=observed: lens_filter(step, emit, start, o))
        t_cond = best(lambda o=observed: engine_filter(step, emit, start, o))
        t_np = best(lambda o=observed: numpy_filter(P, E, p0[0], o))
        print(
            f"{T:>6} {t_lens * 1e3:8.2f}ms {t_cond * 1e3:8.2f}ms {t_np * 1e3:8.3f}ms "
            f"{t_lens / t_cond:13.2f} {t_lens / t_np:9.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="10,50,200")
    parser.add_argument("--states", type=int, default=8)
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    bench_inverse(steps, args.states)
    print()
    bench_filter(steps, args.states)


if __name__ == "__main__":
    main()
