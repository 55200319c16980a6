"""Core compiler benchmark: markovcat against hand-written numpy / opt_einsum, one run.

(a) chains of N kernels (N = 10, 100, 1000) against ``functools.reduce(np.matmul)``;
(b) the width test ``p^{⊗n} >> copy^{⊗n} >> delete^{⊗2n}`` against one hand-written
    ``opt_einsum`` contraction with a cached path, both including the building of the
    diagram ("build+eval") and for a diagram already built ("eval").

markovcat's time is for a *fresh diagram of a cached structure*: building the term,
compiling its network (path cached) and contracting. Run: ``python benchmarks/core.py``.
"""

from __future__ import annotations

import functools
import timeit

import numpy as np
import opt_einsum as oe

import markovcat as mc


def best(fn, number: int, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def chain_rows(k: int = 8) -> list[tuple]:
    rng = np.random.default_rng(0)
    X = mc.Obj("X", k)
    rows = []
    for n in (10, 100, 1000):
        mats = [m / m.sum(1, keepdims=True) for m in rng.random((n, k, k))]
        kernels = [mc.kernel(X, X, m) for m in mats]

        def ours(kernels=kernels):
            return functools.reduce(lambda a, b: a >> b, kernels).array

        def ref(mats=mats):
            return functools.reduce(np.matmul, mats)

        np.testing.assert_allclose(ours(), ref(), rtol=1e-9)
        number = max(1, 2000 // n)
        t_ours, t_ref = best(ours, number), best(ref, number)
        rows.append((f"chain N={n}", t_ours, t_ref, (t_ours - t_ref) / n))
    return rows


def width_rows() -> list[tuple]:
    B = mc.Obj("B", 2)
    rows = []
    for n in (10, 30, 60):
        p = mc.state(B, [0.3, 0.7])
        states = [p] * n

        def build(states=states, n=n):
            return (
                functools.reduce(lambda a, b: a @ b, states)
                >> functools.reduce(lambda a, b: a @ b, [mc.copy(B)] * n)
                >> mc.delete(mc.product(*[B] * (2 * n)))
            )

        def ours(build=build):
            return build().array

        built = build()

        def ours_eval(built=built):  # a built diagram, re-contracted (result not cached)
            return mc.evaluate(built, backend="numpy").array

        eq = ",".join(oe.get_symbol(i) for i in range(n)) + "->"
        expr = oe.contract_expression(eq, *[(2,)] * n)
        arrays = [p.array] * n

        def ref(expr=expr, arrays=arrays):
            return expr(*arrays)

        assert abs(float(ours()) - float(ref())) < 1e-12
        t_ours, t_eval, t_ref = best(ours, 50), best(ours_eval, 50), best(ref, 50)
        rows.append((f"width n={n} build+eval", t_ours, t_ref, None))
        rows.append((f"width n={n} eval", t_eval, t_ref, None))
    return rows


def main() -> None:
    print(f"{'case':<24}{'markovcat':>12}{'reference':>12}{'ratio':>9}{'overhead/box':>15}")
    for name, ours, ref, per_box in chain_rows() + width_rows():
        extra = f"{per_box * 1e6:12.1f} µs" if per_box is not None else ""
        print(f"{name:<24}{ours * 1e3:10.3f}ms{ref * 1e3:10.3f}ms{ours / ref:9.1f}{extra:>15}")


if __name__ == "__main__":
    main()
