"""Sliced contraction: a plan whose largest tensor is over the memory limit runs once per
outcome of a few of its wires, each run small enough, and the runs are summed.

Fixing a summed wire ``w`` to each of its outcomes splits the contraction into ``|w|``
smaller ones, ``Σ_w T = Σ_s T[w = s]``: the engine's evidence slicing does exactly that,
so a slice is the same plan with ``w`` among the observed wires (``Query.sliced``), and
every slice reuses one plan (and one compiled function on JAX). Wires are chosen
greedily, the one in the most tensors over the limit first (ties: the larger, then the
lower index, so the choice is the same in every process), until the plan fits.

Slices combine by their scales: raw tables add; normalised ones add weighted by their
totals (``Σ_s exp(log Z_s) · table_s``, in the log domain); all-marginals likewise, and
the marginal of a sliced codomain wire is the distribution of the slices' totals. Row
normalisation and max-product are not sliced (their rows or maxima do not add), nor are
exact tables or tables under a JAX trace (the slices are combined with float weights).

>>> import markovcat as mc
>>> X = mc.Obj("X", 4)
>>> pair = mc.state(X @ X, [1 / 16] * 16) >> (mc.identity(X) @ mc.delete(X))
>>> net = mc.network(pair)
>>> choose(net.wiring, Query(keep=(0,)), 16), choose(net.wiring, Query(keep=(0,)), 4)
((), (1,))
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._plan import Query, plan

#: The most slices one query may run (the product of the sliced wires' sizes).
MAX_SLICES = 2**16


def sliceable(q: Query) -> bool:
    """Whether a query's slices add up (raw or totally normalised sums, all marginals)."""
    return q.maximize is None and q.normalize in ("none", "all")


def choose(wiring: tuple, q: Query, limit: int) -> tuple[int, ...]:
    """The wires to slice so that the plan of ``q`` on a network with this wiring fits in
    ``limit`` entries (``()`` if it fits already; the wires found so far where slicing
    more cannot shrink it, or would pass :data:`MAX_SLICES`)."""
    sizes = wiring[4]
    cut: tuple[int, ...] = ()
    p = plan(wiring, q)
    while p.largest > limit:
        fixed = set(p.out_wires) | set(cut)
        counts: dict[int, int] = {}
        for t in p.terms:
            if math.prod(sizes[w] for w in t) > limit:
                for w in t:
                    if w not in fixed:
                        counts[w] = counts.get(w, 0) + 1
        if not counts:
            break
        w = min(counts, key=lambda v: (-counts[v], -sizes[v], v))
        if math.prod(sizes[v] for v in (*cut, w)) > MAX_SLICES:
            break
        cut = (*cut, w)
        p = plan(wiring, sliced_query(q, cut))
    return cut


def sliced_query(q: Query, cut: tuple[int, ...]) -> Query:
    """``q`` with the wires ``cut`` sliced."""
    return dataclasses.replace(q, sliced=cut)


def outcomes(sizes: Sequence[int], cut: tuple[int, ...]) -> Any:
    """Every assignment of the sliced wires, in order."""
    return itertools.product(*(range(sizes[w]) for w in cut))


def add_tables(parts: list[tuple[Any, Any]], normalize: str) -> tuple[Any, Any]:
    """``(table, log_scale)`` of the sum of slices given as ``(table, log_scale)``."""
    if normalize == "none":
        table = parts[0][0]
        for t, _ in parts[1:]:
            table = table + t
        return table, parts[0][1]
    weights, log_z = _weights([s for _, s in parts])
    table = parts[0][0] * weights[0]
    for (t, _), w in zip(parts[1:], weights[1:], strict=True):
        table = table + t * w
    return table, log_z


def add_marginals(parts: list[tuple[Any, Any, list[Any]]]) -> tuple[Any, Any, list[Any]]:
    """``(positive, log_z, marginals)`` of slices given as such triples."""
    weights, log_z = _weights([s for _, s, _ in parts])
    margs = [m * weights[0] for m in parts[0][2]]
    for (_, _, ms), w in zip(parts[1:], weights[1:], strict=True):
        margs = [a + m * w for a, m in zip(margs, ms, strict=True)]
    return bool(np.isfinite(float(log_z))), log_z, margs


def add(kind: str, parts: list[Any], normalize: str) -> Any:
    """The sum of slices (or of sums of slices) of the pass ``kind``: a contraction's
    ``(table, log_scale)`` or all marginals' ``(positive, log_z, marginals)``."""
    if len(parts) == 1:
        return parts[0]
    return add_tables(parts, normalize) if kind == "contraction" else add_marginals(parts)


def _weights(logs: list[Any]) -> tuple[list[Any], Any]:
    """Each slice's share ``exp(log Z_s − log Z)`` and ``log Z = log Σ_s exp(log Z_s)``
    (all shares 0 and ``log Z = -inf`` when every slice has total 0)."""
    top = max((float(s) for s in logs), default=-math.inf)
    if top == -math.inf:
        return [0.0 for _ in logs], -math.inf
    shares = [math.exp(float(s) - top) for s in logs]
    total = sum(shares)
    return [s / total for s in shares], top + math.log(total)


__all__ = [
    "MAX_SLICES",
    "add",
    "add_marginals",
    "add_tables",
    "choose",
    "outcomes",
    "sliceable",
    "sliced_query",
]
