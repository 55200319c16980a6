"""Contraction orders and the steps they give: opt_einsum's order (exhaustive on small
networks, greedy beyond, a seeded random greedy where that pays), and variable elimination
in greedy min-size order, summed wires before maximised ones. Integer labels and seeded
searches: the same network gives the same order in every process.

>>> steps, terms = _steps([(0,), (0, 1)], [((0, 1), -1)], (1,), (2, 2), set())
>>> steps[0].expr.eq, terms[-1]
('a,ab->b', (1,))
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import opt_einsum as oe

from ._einsum import Einsum, expression

#: Networks with more tensors than this are ordered by variable elimination alone (on
#: chains and munin-like networks it beats pairwise greedy, and it is the cheaper search).
LARGE = 1500

#: Above this many multiply-adds for the best order found, on networks of at most
#: ``REFINE`` tensors, a seeded random-greedy search (``mc.config.path_trials`` trials,
#: ``PATH_REPEATS`` by default) looks for a
#: cheaper one, once per plan.
HARD_FLOPS = 1e7
PATH_REPEATS = 64
REFINE = 400


@dataclass(frozen=True)
class Step:
    """``node = op(children)``: an einsum, then a max over ``max_axis`` if it is set."""

    node: int
    children: tuple[int, ...]
    expr: Einsum
    max_axis: int | None = None
    wire: int = -1  # the wire a max-product step eliminates


_SYMBOLS: list[str] = []


def _sym(wires: Sequence[int]) -> str:
    """The einsum letters of ``wires`` (opt_einsum's symbols, looked up in a table)."""
    table = _SYMBOLS
    top = max(wires, default=-1)
    if top >= len(table):
        table.extend(oe.get_symbol(i) for i in range(len(table), 2 * top + 64))
    return "".join([table[w] for w in wires])


def _size(sizes: Sequence[int], wires: Sequence[int]) -> int:
    return math.prod(sizes[w] for w in wires)


def _cost(
    steps: list[Step],
    node_terms: list[tuple[int, ...]],
    sizes: Sequence[int],
    maximizing: bool = False,
) -> tuple:
    """(multiply-adds, largest tensor) of a list of steps: the order to beat. A bucket of
    several tables may build partial products up to its union; a max-product step builds
    its union before maximising."""
    unions = [_size(sizes, _union(node_terms, st.children)) for st in steps]
    big = [u for u, st in zip(unions, steps) if maximizing or len(st.children) > 2]
    return sum(unions), max([*(_size(sizes, t) for t in node_terms), *big, 1])


def _path_cost(
    terms: list[tuple[int, ...]], ssa: list, out: tuple[int, ...], sizes: Sequence[int]
) -> tuple:
    """:func:`_cost` of the steps an SSA path gives, without building their einsums."""
    flops, big = 0, max([_size(sizes, t) for t in terms] + [1])
    for ids, _, union, result in _walk_path(terms, ssa, out):
        u = _size(sizes, union)
        flops += u
        if len(ids) > 2:
            big = max(big, u)
        big = max(big, _size(sizes, result))
    return flops, big


def _walk_path(terms: list[tuple[int, ...]], ssa: list, out: tuple[int, ...]) -> Any:
    """For each step of an SSA path: ``(children, wire, union of their wires, result
    wires)``; reference counts keep this linear in the length of the path."""
    count: dict[int, int] = {}
    for t in [*terms, out]:
        for w in t:
            count[w] = count.get(w, 0) + 1
    node_terms = list(terms)
    for k, (ids, wire) in enumerate(ssa):
        ids = tuple(ids)
        union = _union(node_terms, ids)
        for c in ids:
            for w in node_terms[c]:
                count[w] -= 1
        if k == len(ssa) - 1:
            result = tuple(out)
        elif wire == KEEP:  # a partial product: every wire stays
            result = union
        elif wire >= 0:  # variable elimination: exactly this wire goes
            result = tuple(w for w in union if w != wire)
        else:
            result = tuple(w for w in union if count[w] > 0)
        for w in result:
            count[w] += 1
        node_terms.append(result)
        yield ids, wire, union, result


def _union(node_terms: Any, children: Sequence[int]) -> tuple[int, ...]:
    """The wires of ``children`` (a list or dict of terms), in first-seen order."""
    return tuple(dict.fromkeys(w for c in children for w in node_terms[c]))


# ---- contraction orders ---------------------------------------------------------------
def _order(
    terms: list[tuple[int, ...]], out: tuple[int, ...], sizes: Sequence[int], refine: int = 0
) -> list:
    """An SSA contraction path for a sum-product contraction (deterministic): opt_einsum's
    ``auto`` (greedy beyond LARGE tensors), or with ``refine`` trials its seeded random
    greedy."""
    if len(terms) <= 1:
        return [(0,)] if terms else []
    inputs = [frozenset(t) for t in terms]
    output = frozenset(out)
    size_dict = dict(enumerate(sizes))
    if len(terms) > LARGE:
        return list(oe.paths.ssa_greedy_optimize(inputs, output, size_dict))
    if not refine:
        return oe.paths.linear_to_ssa(oe.paths.auto(inputs, output, size_dict))
    state = random.getstate()  # RandomGreedy seeds the global generator per trial
    try:
        trial = oe.RandomGreedy(max_repeats=refine, parallel=False)
        return oe.paths.linear_to_ssa(trial(inputs, output, size_dict))
    finally:
        random.setstate(state)


#: In an SSA path: the step keeps every wire (a partial product inside a bucket).
KEEP = -2


def _elimination(
    terms: list[tuple[int, ...]],
    summed: list[int],
    maxed: list[int],
    sizes: Sequence[int],
    rank: dict[int, int] | None = None,
) -> list:
    """Variable elimination: summed wires first, then maximised ones, each phase in greedy
    min-size order (or in the fixed order ``rank``, a structure's elimination order reused
    across evidence patterns, as a junction tree is). A bucket of several tables is
    multiplied pairwise, smallest first (each product is rescaled by the executor), and
    its last product eliminates the wire."""
    factors: dict[int, tuple[int, ...]] = dict(enumerate(terms))
    holders: dict[int, set[int]] = {}
    for n, t in factors.items():
        for w in t:
            holders.setdefault(w, set()).add(n)
    nxt = len(terms)
    ssa: list = []

    def bucket(ids: list[int], wire: int) -> tuple[int, ...]:
        """Append the pairwise products of ``ids``; the last one eliminates ``wire``."""
        nonlocal nxt
        pool = [(_size(sizes, factors[n]), n) for n in ids]
        heapq.heapify(pool)
        while len(pool) > 2:
            (_, a), (_, b) = heapq.heappop(pool), heapq.heappop(pool)
            factors[nxt] = _union(factors, (a, b))
            ssa.append(((a, b), KEEP))
            heapq.heappush(pool, (_size(sizes, factors[nxt]), nxt))
            nxt += 1
        last = tuple(sorted(n for _, n in pool))
        result = tuple(v for v in _union(factors, last) if v != wire)
        ssa.append((last, wire))
        factors[nxt] = result
        nxt += 1
        return result

    for phase in (summed, maxed):
        todo = set(phase)

        def cost(w: int) -> int:
            if rank is not None:  # static: never stale
                return rank.get(w, len(rank) + w)
            return _size(sizes, _union(factors, sorted(holders[w])))

        heap = [(cost(w), w) for w in phase]
        heapq.heapify(heap)
        while heap:
            c, w = heapq.heappop(heap)
            if w not in todo:
                continue
            now = cost(w)
            if now != c:  # stale entry: push back with the current cost
                heapq.heappush(heap, (now, w))
                continue
            todo.discard(w)
            ids = sorted(holders.pop(w))
            for n in ids:
                for v in factors[n]:
                    if v != w:
                        holders[v].discard(n)
            result = bucket(ids, w)
            for n in ids:
                factors.pop(n)
            for v in result:
                holders[v].add(nxt - 1)
                if v in todo:
                    heapq.heappush(heap, (cost(v), v))
    consumed = {c for ids, _ in ssa for c in ids}
    rest = sorted(n for n in factors if n not in consumed)
    if len(rest) != 1 or not ssa:
        bucket(rest, -1)  # multiply what is left (scalars, or the output's tables) into one
    return ssa


def elimination_rank(
    terms: list[tuple[int, ...]], sizes: Sequence[int], slack: float
) -> dict[int, int] | None:
    """A structure's elimination order, ``{wire: position}`` by greedy min-size elimination
    of every wire of its tables (what a junction tree's triangulation fixes once), or
    ``None`` where it costs more than ``slack`` times opt_einsum's greedy order on the
    whole network (searching per query pays there)."""
    every = list(dict.fromkeys(w for t in terms for w in t))
    ssa = _elimination(terms, every, [], sizes)
    rank = {wire: k for k, wire in enumerate(w for _, w in ssa if w >= 0)}
    fixed = _path_cost(terms, ssa, (), sizes)
    greedy = _path_cost(terms, [(ids, -1) for ids in _order(terms, (), sizes)], (), sizes)
    return rank if fixed[0] <= slack * greedy[0] else None


def _steps(
    terms: list[tuple[int, ...]], ssa: list, out: tuple[int, ...], sizes, maxed: set[int]
) -> tuple[list[Step], list[tuple[int, ...]]]:
    """Turn an SSA path of ``(children, eliminated wire or -1)`` into steps."""
    if not terms:
        return [], []
    node_terms = list(terms)
    steps: list[Step] = []
    for ids, wire, _, result in _walk_path(terms, ssa, out):
        shapes = [tuple(sizes[w] for w in node_terms[c]) for c in ids]
        lhs = ",".join(_sym(node_terms[c]) for c in ids)
        node = len(node_terms)
        if wire in maxed:  # max-product: keep the eliminated wire last, then maximise it
            expr = expression(f"{lhs}->{_sym((*result, wire))}", shapes)
            steps.append(Step(node, ids, expr, len(result), wire))
        else:
            steps.append(Step(node, ids, expression(f"{lhs}->{_sym(result)}", shapes), None, wire))
        node_terms.append(result)
    if node_terms[-1] != tuple(out) or not steps:  # pragma: no cover - last step is the output
        raise AssertionError("internal error: the contraction does not end in the output")
    return steps, node_terms


def best_order(
    terms: list[tuple[int, ...]],
    out: tuple[int, ...],
    sizes: Sequence[int],
    maxed: tuple[int, ...] | None,
    rank: dict[int, int] | None = None,
    trials: int = PATH_REPEATS,
) -> tuple[list[Step], list[tuple[int, ...]]]:
    """The steps of the cheapest order found: variable elimination for max-product over
    ``maxed``; with ``rank``, variable elimination in that fixed order; otherwise the
    cheaper of opt_einsum's order and variable elimination, and a seeded random-greedy
    search where both are expensive on a small network."""
    every = list(dict.fromkeys(w for t in terms for w in t))
    if maxed is not None:
        skip = set(maxed)
        summed = [w for w in every if w not in skip]
        return _steps(
            terms, _elimination(terms, summed, list(maxed), sizes), out, sizes, set(maxed)
        )
    if rank is not None:  # a large structure: its elimination order, no search
        free = set(out)
        ssa = _elimination(terms, [w for w in every if w not in free], [], sizes, rank)
        return _steps(terms, ssa, out, sizes, set())
    candidates = []
    if len(terms) <= LARGE or len(terms) <= 2:  # beyond, elimination alone (linear, and it
        candidates.append([(ids, -1) for ids in _order(terms, out, sizes)])  # wins)
    if len(terms) > 2:
        candidates.append(_elimination(terms, [w for w in every if w not in set(out)], [], sizes))
    costs = [_path_cost(terms, ssa, out, sizes) for ssa in candidates]
    k = min(range(len(candidates)), key=costs.__getitem__)
    best, cost = candidates[k], costs[k]
    if trials and cost[0] > HARD_FLOPS and len(terms) <= REFINE:  # a search
        ssa = [(ids, -1) for ids in _order(terms, out, sizes, trials)]
        if _path_cost(terms, ssa, out, sizes) < cost:
            best = ssa
    return _steps(terms, best, out, sizes, set())
