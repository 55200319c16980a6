"""Conditional independence and d-separation against their peers, side by side in one run.

Three tables (ratio = markovcat time / peer time; below 1 means markovcat is faster):

* ``independent`` — ``mc.independent(joint, A, B, given=C)`` on joints of 2^n binary
  outcomes (n up to 20; A, B, C five factors each, the rest summed out), against the same
  cross-multiplied check written directly in numpy. Both answers are checked to agree.
* ``cmi`` — ``mc.conditional_mutual_information`` against dit's
  ``dit.multivariate.coinformation`` (``I(A; B | C)``), when dit is installed (benchmark
  environment only). Values are checked to agree.
* ``dsep`` — ``mc.d_separated`` on random 1,000-node Bayesian networks (first call, which
  reads the wiring, and later calls).

    python benchmarks/independence.py [--sizes 12,16,20]
"""

from __future__ import annotations

import argparse
import itertools
import time
import timeit

import numpy as np

import markovcat as mc

try:
    import dit
except ImportError:  # pragma: no cover - depends on the environment
    dit = None


def best(fn, budget: float = 1.0) -> float:
    once = timeit.timeit(fn, number=1)
    number = max(1, int(0.05 / max(once, 1e-9)))
    repeat = max(3, min(20, int(budget / max(once * number, 1e-9))))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def selections(n: int) -> tuple[list[int], list[int], list[int]]:
    k = min(5, n // 3)
    return list(range(k)), list(range(k, 2 * k)), list(range(2 * k, 3 * k))


def numpy_independent(w: np.ndarray, A, B, C, atol=1e-10) -> bool:
    n = w.ndim
    rest = tuple(i for i in range(n) if i not in (*A, *B, *C))
    m = w.sum(axis=rest).reshape(2 ** len(A), 2 ** len(B), 2 ** len(C))
    c = m.sum(axis=(0, 1))
    ac, bc = m.sum(axis=1), m.sum(axis=0)
    return bool(np.allclose(m * c, ac[:, None, :] * bc[None, :, :], atol=atol, rtol=0))


def joint(n: int, rng, independent: bool) -> tuple[mc.Kernel, np.ndarray]:
    if independent:  # a product of one-factor states: every split is independent
        parts = [rng.dirichlet([1, 1]) for _ in range(n)]
        w = parts[0]
        for p in parts[1:]:
            w = np.multiply.outer(w, p)
    else:
        w = rng.dirichlet(np.ones(2**n)).reshape((2,) * n)
    return mc.state(mc.product(*(mc.Obj(f"V{i}", 2) for i in range(n))), w), w


def bench_independent(sizes: list[int]) -> None:
    print("## independent: mc.independent against the same check in numpy")
    print(f"{'outcomes':>9} {'kind':12} {'markovcat':>10} {'numpy':>10} {'ratio':>6}")
    rng = np.random.default_rng(0)
    for n in sizes:
        for kind in ("independent", "generic"):
            state, w = joint(n, rng, kind == "independent")
            A, B, C = selections(n)
            ours = mc.independent(state, A, B, C)
            assert ours == numpy_independent(w, A, B, C) == (kind == "independent")
            t_mc = best(lambda s=state, a=A, b=B, c=C: mc.independent(s, a, b, c))
            t_np = best(lambda w=w, a=A, b=B, c=C: numpy_independent(w, a, b, c))
            print(f"{2**n:>9} {kind:12} {t_mc * 1e3:8.2f}ms {t_np * 1e3:8.2f}ms {t_mc / t_np:6.2f}")


def bench_cmi() -> None:
    print("\n## cmi: mc.conditional_mutual_information against dit")
    if dit is None:
        print("dit not installed: skipped")
        return
    print(f"{'outcomes':>9} {'markovcat':>10} {'dit':>10} {'ratio':>6}")
    rng = np.random.default_rng(1)
    for n in (6, 9, 12):
        state, w = joint(n, rng, False)
        A, B, C = selections(n)
        outcomes = ["".join(map(str, x)) for x in itertools.product((0, 1), repeat=n)]
        d = dit.Distribution(outcomes, w.ravel())
        d.set_base("e")
        ours = float(mc.conditional_mutual_information(state, A, B, C))
        theirs = dit.multivariate.coinformation(d, [A, B], C)
        assert abs(ours - theirs) < 1e-9, (ours, theirs)
        t_mc = best(lambda s=state, a=A, b=B, c=C: mc.conditional_mutual_information(s, a, b, c))
        t_dit = best(
            lambda d=d, a=A, b=B, c=C: dit.multivariate.coinformation(d, [a, b], c), budget=3.0
        )
        print(f"{2**n:>9} {t_mc * 1e3:8.2f}ms {t_dit * 1e3:8.2f}ms {t_mc / t_dit:6.3f}")


def bench_dsep() -> None:
    print("\n## dsep: mc.d_separated on random 1,000-node Bayesian networks")
    rng = np.random.default_rng(2)
    n = 1000
    objs = [mc.Obj(f"N{i}", 2) for i in range(n)]
    kernels = []
    for i in range(n):
        ps = sorted({int(j) for j in rng.integers(max(0, i - 6), i, size=min(i, 3))}) if i else []
        dom = mc.product(*(objs[j] for j in ps))
        kernels.append(
            mc.kernel(dom, objs[i], rng.dirichlet([1, 1], size=dom.size).reshape(*dom.shape, 2))
        )
    t = time.perf_counter()
    net = mc.bayesian_network(kernels)
    build = time.perf_counter() - t
    queries = [
        (
            rng.choice(n, 3, replace=False).tolist(),
            rng.choice(n, 3, replace=False).tolist(),
            rng.choice(n, 20, replace=False).tolist(),
        )
        for _ in range(20)
    ]
    queries = [
        (a, [x for x in b if x not in a], [x for x in c if x not in a and x not in b])
        for a, b, c in queries
    ]
    t = time.perf_counter()
    mc.d_separated(net, *queries[0])
    first = time.perf_counter() - t
    per = best(lambda: [mc.d_separated(net, *q) for q in queries]) / len(queries)
    print(
        f"network built in {build:.2f}s; first query {first * 1e3:.2f}ms (reads the wiring); "
        f"later queries {per * 1e3:.3f}ms each (target < 10 ms)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="12,16,20")
    args = ap.parse_args()
    bench_independent([int(s) for s in args.sizes.split(",")])
    bench_cmi()
    bench_dsep()


if __name__ == "__main__":
    main()
