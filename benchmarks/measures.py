"""The measures of issue 19 against hand-written numpy and dit, side by side in one run.

Tables (ratio = markovcat time / peer time; below 1 means markovcat is faster):

* ``measures`` — every new measure (Hellinger, χ², a generic f-divergence, Jensen–Shannon,
  Tsallis, cross entropy, total correlation, dual total correlation, co-information) on
  distributions of 2^16 and 2^20 outcomes against the formula written in numpy, and against
  dit where dit has the measure. dit holds outcomes as Python strings and its
  two-distribution measures align sample spaces outcome by outcome (its KL takes 16 s at
  2^14), so dit runs on a 2^8-outcome copy of each problem (``--dit-bits``) and its ratio
  is against markovcat on that same copy. Values are checked to agree.
* ``capacity`` — ``mc.channel_capacity`` on a random 256×256 channel to a certified 1e-9,
  against dit's ``channel_capacity`` (its own tolerance).
* ``greedy`` — greedy subset selection by entropy rate on Lai & Choi's Curie–Weiss chain,
  d = 12 (4,096 states), all k.

    python benchmarks/measures.py [--sizes 16,20]
"""

# ruff: noqa: B023  (each case's lambdas run inside the iteration that made them)
from __future__ import annotations

import argparse
import itertools
import time
import timeit

import numpy as np

import markovcat as mc
from markovcat import chains, models

try:
    import dit
except ImportError:  # pragma: no cover - depends on the environment
    dit = None


def best(fn, budget: float = 1.0) -> float:
    once = timeit.timeit(fn, number=1)
    number = max(1, int(0.05 / max(once, 1e-9)))
    repeat = max(3, min(20, int(budget / max(once * number, 1e-9))))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def H(t):
    t = t[t > 0]
    return -(t * np.log(t)).sum()


def np_multi(w, kind):
    n = w.ndim

    def Hs(keep):
        drop = tuple(i for i in range(n) if i not in keep)
        return H((w.sum(axis=drop) if drop else w).ravel())

    full = Hs(tuple(range(n)))
    if kind == "tc":
        return sum(Hs((i,)) for i in range(n)) - full
    if kind == "dtc":
        return sum(Hs(tuple(j for j in range(n) if j != i)) for i in range(n)) - (n - 1) * full
    return -sum(
        (-1) ** r * Hs(T) for r in range(1, n + 1) for T in itertools.combinations(range(n), r)
    )


def measures(sizes, dit_bits):
    rng = np.random.default_rng(19)
    pearson = mc.FDivergence(lambda t: (t - 1) ** 2, name="Pearson")
    print("\nmeasures: markovcat vs numpy formula (and dit on the 2^8 copy)")
    print(
        f"{'measure':<24}{'outcomes':>10}{'markovcat s':>13}{'numpy s':>11}{'ratio':>8}{'dit s':>10}{'ratio':>9}"
    )
    for bits in sorted({*sizes, *([dit_bits] if dit is not None else [])}):
        n = 2**bits
        a, b = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
        X = mc.Obj("X", n)
        p, q = mc.state(X, a), mc.state(X, b)
        factors = 4  # 4 factors of 2^(bits/4) outcomes each for the multivariate measures
        side = 2 ** (bits // factors)
        w = rng.dirichlet(np.ones(side**factors)).reshape((side,) * factors)
        J = mc.state(mc.product(*(mc.Obj(f"v{i}", side) for i in range(factors))), w)
        cases = [
            ("Hellinger", lambda: mc.Hellinger(p, q), lambda: 1 - np.sqrt(a * b).sum()),
            ("ChiSquared", lambda: mc.ChiSquared(p, q), lambda: ((a - b) ** 2 / b).sum()),
            ("FDivergence((t-1)^2)", lambda: pearson(p, q), lambda: (b * (a / b - 1) ** 2).sum()),
            (
                "jensen_shannon",
                lambda: mc.jensen_shannon(p, q),
                lambda: H((a + b) / 2) - (H(a) + H(b)) / 2,
            ),
            (
                "tsallis_entropy q=2.5",
                lambda: mc.tsallis_entropy(p, 2.5),
                lambda: (1 - (a**2.5).sum()) / 1.5,
            ),
            ("cross_entropy", lambda: mc.cross_entropy(p, q), lambda: -(a * np.log(b)).sum()),
            ("total_correlation", lambda: mc.total_correlation(J), lambda: np_multi(w, "tc")),
            (
                "dual_total_correlation",
                lambda: mc.dual_total_correlation(J),
                lambda: np_multi(w, "dtc"),
            ),
            ("coinformation", lambda: mc.coinformation(J), lambda: np_multi(w, "co")),
        ]
        peers = {}
        if dit is not None and bits == dit_bits:
            words = [format(i, f"0{bits}b") for i in range(n)]  # 16 binary variables
            da, db = dit.Distribution(words, a), dit.Distribution(words, b)
            dj = dit.Distribution(
                [
                    "".join(chr(65 + v) for v in x)
                    for x in itertools.product(range(side), repeat=factors)
                ],
                w.ravel(),
            )
            from dit.divergences import cross_entropy, hellinger_distance, jensen_shannon_divergence
            from dit.multivariate import coinformation, dual_total_correlation, total_correlation
            from dit.other import tsallis_entropy

            ln2 = np.log(2)
            peers = {
                "Hellinger": (lambda: hellinger_distance(da, db) ** 2, 1.0),  # dit: H = √H²
                "jensen_shannon": (lambda: jensen_shannon_divergence([da, db]), ln2),
                "tsallis_entropy q=2.5": (lambda: tsallis_entropy(da, 2.5), 1.0),
                "cross_entropy": (lambda: cross_entropy(da, db), ln2),
                "total_correlation": (lambda: total_correlation(dj), ln2),
                "dual_total_correlation": (lambda: dual_total_correlation(dj), ln2),
                "coinformation": (lambda: coinformation(dj), ln2),
            }
        for name, ours, numpy_fn in cases:
            v, r = float(ours()), float(numpy_fn())
            assert abs(v - r) <= 1e-8 * max(1, abs(r)), (name, v, r)
            t_mc, t_np = best(ours), best(numpy_fn)
            line = f"{name:<24}{'2^' + str(bits):>10}{t_mc:>13.2e}{t_np:>11.2e}{t_mc / t_np:>8.2f}"
            if name in peers:
                fn, unit = peers[name]
                pv = float(fn()) * unit
                assert abs(pv - r) <= 1e-7 * max(1, abs(r)), (name, pv, r)
                t_dit = best(fn, budget=0.5)
                line += f"{t_dit:>10.2e}{t_mc / t_dit:>9.3f}"
            print(line)


def capacity():
    rng = np.random.default_rng(0)
    M = rng.dirichlet(np.ones(256), size=256)
    f = mc.kernel(mc.Obj("A", 256), mc.Obj("Y", 256), M)
    start = time.perf_counter()
    result = mc.channel_capacity(f, tol=1e-9)
    ours = time.perf_counter() - start
    print("\ncapacity: random 256×256 channel (Dirichlet(1) rows)")
    print(
        f"  markovcat: C = {float(result.capacity):.12f} nats, certified gap {result.gap:.1e} "
        f"(<= 1e-9), {result.iterations} iterations, {ours:.3f} s"
    )
    if dit is not None:
        from dit.algorithms import channel_capacity

        start = time.perf_counter()
        value = channel_capacity(M)[0] * np.log(2)
        theirs = time.perf_counter() - start
        print(
            f"  dit:       C = {value:.12f} nats (uncertified), {theirs:.3f} s; "
            f"ratio {ours / theirs:.2f}; difference {abs(value - float(result.capacity)):.1e}"
        )


def greedy():
    start = time.perf_counter()
    P, pi = models.curie_weiss(12, beta=0.1, h=1.0)
    built = time.perf_counter() - start
    start = time.perf_counter()
    picked = chains.greedy_subset("entropy_rate", P, pi, 12)
    took = time.perf_counter() - start
    print("\ngreedy: Curie–Weiss d = 12 (4,096 states), entropy rate, k = 1..12")
    print(
        f"  build {built:.2f} s; greedy {took:.2f} s (target < 10 s); order picked {picked.subset}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="16,20")
    parser.add_argument("--dit-bits", type=int, default=8)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    measures(sizes, args.dit_bits)
    capacity()
    greedy()


if __name__ == "__main__":
    main()
