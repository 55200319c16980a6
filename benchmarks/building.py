"""Building models is linear in their size: build times and their growth, in one run.

For each builder, the time to build at sizes n and 10·n and the ratio of the two (10 means
linear; 100 quadratic). Issue 23's target: a 100,000-step HMM under 5 s, ratio of
T = 20,000 to T = 2,000 under 15.

* ``hmm`` — ``models.hidden_markov_model`` (16 hidden states, 8 symbols; ``@mc.program``).
* ``seq`` — ``d = d >> k`` repeated n times.
* ``par`` — ``d = d @ k`` repeated n times.
* ``rewire`` — ``mc.rewire`` of n wires into a random order.
* ``bayesian_network`` — ``mc.bayesian_network`` of n nodes, each with two random parents.
* ``first query`` — ``mc.log_evidence`` on the HMM with every step observed: the plan
  (network, pruning, elimination order) is built on this first call; ``again`` reuses it.

    python benchmarks/building.py [--sizes 2000,20000] [--hmm 100000]
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np

import markovcat as mc
from markovcat.models import hidden_markov_model

H, O = mc.Obj("H", 16), mc.Obj("O", 8)


def stochastic(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    a = rng.random((rows, cols)) + 0.01
    return a / a.sum(1, keepdims=True)


def timed(fn) -> tuple[float, object]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def builders(rng: np.random.Generator) -> dict:
    init = mc.state(H, stochastic(rng, 1, 16)[0])
    step, emit = mc.kernel(H, H, stochastic(rng, 16, 16)), mc.kernel(H, O, stochastic(rng, 16, 8))
    k = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    s = mc.state(mc.Bool, [0.5, 0.5])

    def chain(n: int, op) -> object:
        d = s if op == "seq" else k
        for _ in range(n):
            d = d >> k if op == "seq" else d @ k
        return d

    def network(n: int) -> object:
        names = [f"v{i}" for i in range(n)]
        parents = {
            names[i]: [names[j] for j in sorted(rng.choice(i, min(i, 2), replace=False))]
            for i in range(n)
        }
        objs = {v: mc.Obj(v, 2) for v in names}
        tables = {}
        for v in names:
            dom = mc.product(*(objs[p] for p in parents[v]))
            tables[v] = mc.kernel(dom, objs[v], stochastic(rng, dom.size, 2), name=v)
        return mc.bayesian_network(list(tables.values()))

    def rewire(n: int) -> object:
        return mc.rewire(mc.product(*[mc.Bool] * n), list(rng.permutation(n)))

    return {
        "hmm": lambda n: hidden_markov_model(init, step, emit, n),
        "seq": lambda n: chain(n, "seq"),
        "par": lambda n: chain(n, "par"),
        "rewire": rewire,
        "bayesian_network": network,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--hmm", type=int, default=100_000, help="the long HMM (0: skip)")
    args = parser.parse_args()
    small, large = (int(x) for x in args.sizes.split(","))
    rng = np.random.default_rng(0)
    table = builders(rng)
    print(f"{'builder':<18}{'n=' + str(small):>12}{'n=' + str(large):>12}{'ratio':>8}")
    for name, build in table.items():
        if name == "bayesian_network":  # mc.bayesian_network checks acyclicity per node
            a, b = small // 10, large // 10
        else:
            a, b = small, large
        ta, _ = timed(lambda build=build, a=a: build(a))
        tb, _ = timed(lambda build=build, b=b: build(b))
        label = name if (a, b) == (small, large) else f"{name} (n/10)"
        print(f"{label:<18}{ta:>11.3f}s{tb:>11.3f}s{tb / ta:>8.1f}")
    if args.hmm:
        T = args.hmm
        t_build, hmm = timed(lambda: table["hmm"](T))
        ev = {2 * t + 1: int(o) for t, o in enumerate(rng.integers(0, 8, T))}
        t_first, first = timed(lambda: mc.log_evidence(hmm, ev))
        t_again, again = timed(lambda: mc.log_evidence(hmm, ev))
        t_hand, hand = timed(lambda: scaled_forward(hmm, ev, T))
        assert abs(first - again) < 1e-9 * abs(first)
        print(
            f"\nhmm T={T:,}: build {t_build:.2f} s; log_evidence first query {t_first:.2f} s "
            f"(plan + run), again {t_again:.2f} s, hand-written scaled forward pass "
            f"{t_hand:.3f} s\nlog P(evidence): markovcat {first:.9f}, by hand {hand:.9f} "
            f"(relative difference {abs(first - hand) / abs(hand):.1e})"
        )


def scaled_forward(hmm, ev: dict, T: int) -> float:
    """log P(evidence) by a hand-written scaled forward pass on the HMM's own tables."""
    init, emit, step = (np.asarray(hmm.steps[k][0].array) for k in range(3))  # traced order
    obs = [ev[2 * t + 1] for t in range(T)]
    alpha, log_z = init * emit[:, obs[0]], 0.0
    for o in obs[1:]:
        s = alpha.sum()
        log_z += np.log(s)
        alpha = (alpha / s) @ step * emit[:, o]
    return log_z + float(np.log(alpha.sum()))


if __name__ == "__main__":
    main()
