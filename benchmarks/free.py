"""Benchmark: deciding equality in the free Markov category, and drawing.

For N boxes, both sides of coassociativity are built as trees of N copies, nested to the
left and to the right (DisCoPy counts copies as boxes). We time

* ``mc.free_equal(lhs, rhs)`` (canonical forms, cache cleared each time);
* DisCoPy's hypergraph equality on the same two diagrams
  (``lhs.to_hypergraph() == rhs.to_hypergraph()``, i.e. ``use_hypergraph_equality``),
  only where DisCoPy is installed — it is not a dependency; each size runs in a
  subprocess with a time limit, and once a size times out the larger ones are skipped;
* ``free_equal`` again with a state on top and a box ``f`` on every leaf (N boxes in all:
  N/2 - 1 copies, N/2 + 1 boxes ``f``, one state) — DisCoPy's isomorphism search already
  needs more than 20 s at 20 boxes of this shape, so it is not run;
* ``draw()`` of that diagram with N boxes (layout and SVG text).

Run: ``python benchmarks/free.py [--discopy-timeout SECONDS]``.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import operator
import timeit

import markovcat as mc

SIZES = (10, 20, 50, 100, 156, 200, 300)


def coassociativity(n_copies: int, leaves: bool = False) -> tuple[mc.Diagram, mc.Diagram]:
    """Copy trees nested left and right; with ``leaves``, a state on top and ``f`` on every
    leaf."""
    X = mc.Obj("X", 2)
    p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
    left = right = mc.copy(X)
    for k in range(3, n_copies + 2):
        rest = mc.product(*[X] * (k - 2))
        left = left >> (mc.copy(X) @ mc.identity(rest))
        right = right >> (mc.identity(rest) @ mc.copy(X))
    if leaves:
        fs = functools.reduce(operator.matmul, [f] * (n_copies + 1))
        left, right = p >> left >> fs, p >> right >> fs
    return left, right


def with_leaves(n_boxes: int) -> tuple[mc.Diagram, mc.Diagram]:
    return coassociativity((n_boxes - 2) // 2, leaves=True)


def _fresh(d: mc.Diagram) -> mc.Diagram:
    d.__dict__.pop("_normal_form", None)
    return d


def time_free_equal(lhs: mc.Diagram, rhs: mc.Diagram) -> float:
    assert mc.free_equal(_fresh(lhs), _fresh(rhs))

    def run() -> bool:
        return mc.free_equal(_fresh(lhs), _fresh(rhs))

    return min(timeit.repeat(run, number=5, repeat=5)) / 5


def time_draw(d: mc.Diagram) -> float:
    return min(timeit.repeat(lambda: d.draw().svg, number=3, repeat=5)) / 3


# ---- DisCoPy (reference only; never a dependency) -------------------------------------------
def _discopy_equal(n_copies: int, out: mp.Queue) -> None:
    import time

    from discopy import markov

    x = markov.Ty("x")
    copy = markov.Copy(x)
    left = right = copy
    for k in range(3, n_copies + 2):
        left = left >> (copy @ x ** (k - 2))
        right = right >> (x ** (k - 2) @ copy)
    assert len(left.boxes) == n_copies
    start = time.perf_counter()
    equal = left.to_hypergraph() == right.to_hypergraph()
    out.put((time.perf_counter() - start, equal))


def discopy_available() -> bool:
    try:
        import discopy  # noqa: F401
    except ImportError:
        return False
    return True


def time_discopy(n_boxes: int, timeout: float) -> tuple[float | None, bool | None]:
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_discopy_equal, args=(n_boxes, out))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, None
    return out.get() if not out.empty() else (None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--discopy-timeout", type=float, default=120.0)
    args = parser.parse_args()
    have_discopy = discopy_available()
    if not have_discopy:
        print("DisCoPy is not installed: its column is skipped (pip install discopy==1.2.2)")
    head = (
        f"{'boxes':>5} | {'free_equal':>11} | {'DisCoPy ==':>11} | {'DisCoPy/ours':>12} | "
        f"{'free_equal+f':>12} | {'draw()':>9}"
    )
    print(head)
    print("-" * len(head))
    gave_up = not have_discopy
    for n in SIZES:
        lhs, rhs = coassociativity(n)
        t_ours = time_free_equal(lhs, rhs)
        t_leaves = time_free_equal(*with_leaves(n))
        t_draw = time_draw(with_leaves(n)[0])
        ref, ratio = ("skipped", "") if not have_discopy else (f">{args.discopy_timeout:.0f} s", "")
        if not gave_up:
            t_ref, equal = time_discopy(n, args.discopy_timeout)
            if t_ref is None:
                gave_up = True
            else:
                assert equal, "DisCoPy should find the two sides equal"
                ref = f"{t_ref:.3g} s"
        if have_discopy and ref.startswith(">"):
            ratio = f">{args.discopy_timeout / t_ours:,.0f}x"
        elif have_discopy:
            ratio = f"{t_ref / t_ours:,.0f}x"
        print(
            f"{n:>5} | {t_ours * 1e3:>8.3f} ms | {ref:>11} | {ratio:>12} | "
            f"{t_leaves * 1e3:>9.3f} ms | {t_draw * 1e3:>6.2f} ms"
        )


if __name__ == "__main__":
    main()
