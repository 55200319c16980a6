"""Information benchmark: entropy, mutual information and KL on joints of n binary variables.

markovcat (``mc.entropy`` by its contraction route, ``mc.mutual_information`` of the first n/2
against the last n/2 variables, ``mc.KL``) against plain numpy one-liners on the flat vector
(which assume strictly positive probabilities; markovcat handles zeros and support mismatch),
and against dit (``dit.shannon.entropy``, ``dit.shannon.mutual_information``,
``dit.divergences.kullback_leibler_divergence``) when dit is installed. dit is not a dependency:
install it in a separate environment, e.g.

    python3 -m venv /work/bench-info && /work/bench-info/bin/pip install -e . dit
    /work/bench-info/bin/python benchmarks/information.py

Each time is the best of several runs of the query alone (distributions built beforehand).
dit's KL grows about 7x per two variables; a dit measurement predicted to exceed
DIT_BUDGET seconds is skipped and shown as "skip". All values are checked to agree.
Run: python benchmarks/information.py [max_n]
"""

from __future__ import annotations

import itertools
import math
import sys
import timeit

import numpy as np

import markovcat as mc

try:
    import dit
except ImportError:  # pragma: no cover - depends on the environment
    dit = None

DIT_BUDGET = 45.0  # seconds for one dit call


def best(fn, budget: float = 0.5) -> float:
    """Best time of one call, repeating within about ``budget`` seconds."""
    once = timeit.timeit(fn, number=1)
    number = max(1, int(0.05 / max(once, 1e-9)))
    repeat = max(3, min(20, int(budget / max(once * number, 1e-9))))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def numpy_queries(p: np.ndarray, q: np.ndarray, n: int) -> dict[str, callable]:
    half = 2 ** (n // 2)

    def entropy():
        return -np.sum(p * np.log(p))

    def mutual_information():
        t = p.reshape(half, -1)
        return np.sum(t * np.log(t / np.outer(t.sum(1), t.sum(0))))

    def kl():
        return np.sum(p * np.log(p / q))

    return {"entropy": entropy, "mutual information": mutual_information, "KL": kl}


def markovcat_queries(p: np.ndarray, q: np.ndarray, n: int) -> dict[str, callable]:
    X = mc.product(*[mc.Obj(f"b{i}", 2) for i in range(n)])
    P, Q = mc.state(X, p), mc.state(X, q)
    return {
        "entropy": lambda: mc.entropy(P),
        "mutual information": lambda: mc.mutual_information(P, split=n // 2),
        "KL": lambda: mc.KL(P, Q),
    }


def dit_queries(p: np.ndarray, q: np.ndarray, n: int) -> dict[str, callable]:
    outcomes = ["".join(s) for s in itertools.product("01", repeat=n)]
    P, Q = dit.Distribution(outcomes, p), dit.Distribution(outcomes, q)
    first, last = list(range(n // 2)), list(range(n // 2, n))
    ln2 = math.log(2)  # dit's Shannon measures are in bits
    return {
        "entropy": lambda: dit.shannon.entropy(P) * ln2,
        "mutual information": lambda: dit.shannon.mutual_information(P, first, last) * ln2,
        "KL": lambda: dit.divergences.kullback_leibler_divergence(P, Q) * ln2,
    }


def main(max_n: int = 20) -> None:
    sizes = [n for n in (10, 12, 14, 16, 18, 20) if n <= max_n]
    if dit is None:
        print("dit is not installed here: the dit columns are skipped (see the module docstring)")
    header = f"{'query':<20}{'n':>3}{'outcomes':>10}{'markovcat':>12}{'numpy':>11}{'dit':>12}"
    print(header + f"{'mc/numpy':>10}{'dit/mc':>9}")
    last_dit: dict[str, tuple[int, float]] = {}
    for n in sizes:
        rng = np.random.default_rng(n)
        p, q = rng.random(2**n) + 1e-3, rng.random(2**n) + 1e-3
        p, q = p / p.sum(), q / q.sum()
        ours, ref = markovcat_queries(p, q, n), numpy_queries(p, q, n)
        theirs = dit_queries(p, q, n) if dit is not None else {}
        for name in ours:
            value = float(ours[name]())
            assert math.isclose(value, float(ref[name]()), rel_tol=1e-9, abs_tol=1e-12), name
            t_ours, t_ref = best(ours[name]), best(ref[name])
            dit_cell, ratio = "—" if dit is None else "skip", ""
            if name in theirs:
                prev = last_dit.get(name)
                predicted = prev[1] * 8 ** ((n - prev[0]) / 2) if prev else 0.0
                if predicted <= DIT_BUDGET:
                    assert math.isclose(float(theirs[name]()), value, rel_tol=1e-6), name
                    slow = predicted > 1  # one timed call for the slow cases
                    t_dit = timeit.timeit(theirs[name], number=1) if slow else best(theirs[name])
                    last_dit[name] = (n, t_dit)
                    dit_cell, ratio = f"{t_dit * 1e3:10.2f}ms", f"{t_dit / t_ours:9.1f}"
            print(
                f"{name:<20}{n:>3}{2**n:>10}{t_ours * 1e3:10.2f}ms{t_ref * 1e3:9.2f}ms"
                f"{dit_cell:>12}{t_ours / t_ref:10.2f}{ratio:>9}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
