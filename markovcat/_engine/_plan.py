"""Plans: one query on one network structure, compiled once and cached under a lock.

A :class:`Query` names what is asked of a network: which codomain factors form the output,
which are observed (sliced by an outcome index), which are weighted by an effect vector,
how the result is normalised, whether every marginal is wanted (the adjoint pass), and
which factors are maximised rather than summed (max-product). :func:`plan` turns the
network's table-free wiring and a query into a :class:`Plan`:

1. **Prune.** A kernel none of whose outputs is needed is dropped: its outputs are all
   deleted and ``f >> delete == delete`` (naturality of delete) — the barren nodes.
2. **Observe.** Observed wires are sliced out of every table they touch, so they vanish
   from the network and the plan serves every outcome of the same evidence pattern.
3. **Order** (``_order``). Sum-product plans take the cheaper of two orders: opt_einsum's
   (exhaustive search on small networks, greedy beyond, and a seeded random-greedy
   refinement where greedy is expensive) and variable elimination in greedy min-size order
   (what junction-tree engines do; far better than pairwise greedy on munin-like
   networks). Max-product plans eliminate one variable at a time, summed variables first.
   Labels are integers and every search is seeded, so the same input gives the same plan
   in every process.
4. **Size.** The largest tensor any pass allocates (forward, adjoint, output) is known
   before anything runs; the caller checks it against ``mc.config.max_elements``.

>>> q = Query(keep=(0,))
>>> p = plan(((((0,),)), (0,), (), (0,), (2,)), q)
>>> p.largest, len(p.steps)
(2, 1)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import opt_einsum as oe

from .._config import config
from ._einsum import Einsum, expression
from ._order import Step, _cost, _size, _sym, best_order, elimination_rank

NORMALIZE = ("none", "all", "rows")


@dataclass(frozen=True)
class Query:
    """What is asked of a network (table-free, hashable: the plan cache key).

    ``keep``: codomain positions of the output after the domain axes, in order (observed
    ones give point masses, repeats give diagonals). ``observed``: positions given by an
    outcome index each, in this order (the evidence slots). ``effects``: positions weighted
    by a vector each. ``normalize``: ``"none"`` (the raw table), ``"all"`` (divided by its
    total) or ``"rows"`` (each row divided by its own sum, rows indexed by the domain and
    the positions ``rows``). ``marginals``: every free factor's marginal by the adjoint
    pass. ``maximize``: positions maximised (max-product, traced back to an argmax); every
    other free wire is summed first. ``prune``: drop kernels whose outputs are all deleted
    (exact for stochastic tables; off, ``f >> delete`` shows the rows' sums as they are).
    ``sliced``: wires (not positions) fixed like observed ones, with the evidence slots
    after ``observed``'s (one slice of a sliced contraction, ``_slice``).
    """

    keep: tuple[int, ...] = ()
    observed: tuple[int, ...] = ()
    effects: tuple[int, ...] = ()
    normalize: str = "none"
    rows: tuple[int, ...] = ()
    marginals: bool = False
    maximize: tuple[int, ...] | None = None
    prune: bool = True
    sliced: tuple[int, ...] = ()


@dataclass(frozen=True)
class Operand:
    """One input tensor: a leaf table, an effect vector or a vector of ones, prepared by
    slicing observed axes (``slicer``: ``(axis, slot)``) and taking diagonals."""

    kind: str  # "leaf", "effect" or "ones"
    ref: int  # position among the kept leaves, effect number, or size for "ones"
    slicer: tuple[tuple[int, int], ...]
    diag: Einsum | None


@dataclass(frozen=True)
class Backward:
    """The adjoint of one step for one child: ``grad[child] = expr(grad[node], *others)``."""

    child: int
    expr: Einsum
    others: tuple[int, ...]


@dataclass(frozen=True)
class Read:
    """Posterior marginals read at ``nodes`` by one einsum of value and gradient (with a
    leading batch axis over the nodes where ``batched``), each row then normalised."""

    nodes: tuple[int, ...]
    expr: Einsum
    batched: bool


@dataclass
class Plan:
    """Everything about a query that depends neither on table values nor on outcomes."""

    query: Query
    kept: tuple[int, ...]  # network leaves that survive pruning
    operands: tuple[Operand, ...]
    terms: tuple[tuple[int, ...], ...]  # the wires of every node (operands, then steps)
    steps: tuple[Step, ...]
    root: int  # the node holding the result (-1: nothing to contract)
    out_wires: tuple[int, ...]  # the root's wires
    arrange: tuple | None  # (einsum, extra operands) that places points and diagonals
    scale_axes: tuple[tuple[int, ...] | None, ...]  # per node: axes a rescale maxes over
    backward: tuple[tuple[Backward, ...], ...]  # per step, for the adjoint pass
    reads: tuple[Read, ...]  # the marginal einsums, grouped by shape
    layout: tuple[tuple[int, int, int], ...]  # per cod factor: (0, read, row) or (1, slot, size)
    at_risk: tuple[int, ...]  # operands whose entries may all be tiny (sliced, effects)
    largest: int
    flops: float
    unscaled: tuple[int, ...] = ()  # steps that keep the total: no rescale needed
    compiled: dict = field(default_factory=dict)  # per backend, filled under the lock

    def __post_init__(self) -> None:
        skip = set(self.unscaled)  # for the hot loop: (node, children, rescale?)
        self.links = tuple((st.node, st.children, i not in skip) for i, st in enumerate(self.steps))
        self.maximizing = any(st.max_axis is not None for st in self.steps)

    def __getstate__(self) -> dict[str, Any]:
        """A plan travels (to a Dask worker) without its compiled functions, which
        belong to this process; the receiver compiles its own."""
        return {**self.__dict__, "compiled": {}}


_LOCK = threading.RLock()
_CACHE: dict[tuple, Plan] = {}
_CACHE_SIZE = 512


def plan(wiring: tuple, query: Query) -> Plan:
    """The plan of ``query`` on a network with this wiring (cached, thread-safe; per value
    of ``mc.config.path_trials``)."""
    trials = config.path_trials
    key = (wiring, query, trials)
    found = _CACHE.get(key)
    if found is not None:
        return found
    with _LOCK:  # one thread builds it; the others wait and reuse it
        found = _CACHE.get(key)
        if found is None:
            found = _build(wiring, query, trials)
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = found
        return found


def clear_cache() -> None:
    """Forget every plan (tests that change planner knobs call this)."""
    with _LOCK:
        _CACHE.clear()
        _RANKS.clear()


#: Networks with more kernels than this order every sum-product query by one elimination
#: order of the whole structure, computed once (new evidence patterns skip the search).
REUSE = 300

#: How much costlier than a search (on the whole network) a reused order may be.
REUSE_SLACK = 1.25

_RANKS: dict[tuple, dict[int, int] | None] = {}


def _rank(wiring: tuple) -> dict[int, int] | None:
    """The structure's reusable elimination order, or ``None`` where searching per query
    pays (cached; called under the plan lock)."""
    if wiring not in _RANKS:
        indices, _, _, _, sizes = wiring
        terms = [tuple(dict.fromkeys(idx)) for idx in indices]
        if len(_RANKS) >= 64:
            _RANKS.pop(next(iter(_RANKS)))
        _RANKS[wiring] = elimination_rank(terms, sizes, REUSE_SLACK)
    return _RANKS[wiring]


def _build(wiring: tuple, q: Query, trials: int) -> Plan:
    indices, n_dom, dom_w, cod_w, sizes = wiring
    if q.normalize not in NORMALIZE:  # pragma: no cover - internal callers only
        raise ValueError(f"normalize must be one of {NORMALIZE}")
    slot_of: dict[int, int] = {}
    for slot, p in enumerate(q.observed):
        slot_of.setdefault(cod_w[p], slot)
    for k, w in enumerate(q.sliced):
        slot_of.setdefault(w, len(q.observed) + k)
    effect_w = [cod_w[p] for p in q.effects]
    # the output: domain wires, then the kept factors (points where observed)
    spec: list[tuple] = [("wire", w) for w in dom_w]
    for p in q.keep:
        w = cod_w[p]
        spec.append(("point", slot_of[w], sizes[w]) if w in slot_of else ("wire", w))
    free_out = tuple(dict.fromkeys(s[1] for s in spec if s[0] == "wire"))
    maxed = (
        ()
        if q.maximize is None
        else tuple(dict.fromkeys(cod_w[p] for p in q.maximize if cod_w[p] not in slot_of))
    )
    if q.marginals or q.maximize is not None:
        free_out = ()
    free_cod = [w for w in dict.fromkeys(cod_w) if w not in slot_of]
    needed = set(free_out) | set(slot_of) | set(effect_w) | set(maxed)
    if q.marginals:
        needed |= set(free_cod)
    # 1. prune: walk the leaves backwards, keeping those whose outputs are needed
    kept: list[int] = []
    for k in range(len(indices) - 1, -1, -1):
        idx = indices[k]
        if not q.prune or needed.intersection(idx[n_dom[k] :]):
            kept.append(k)
            needed.update(idx[: n_dom[k]])
    kept.reverse()
    # 2. observe: slice observed wires out of every operand; take diagonals of repeats
    operands: list[Operand] = []
    terms: list[tuple[int, ...]] = []

    def add(kind: str, ref: int, idx: tuple[int, ...]) -> None:
        slicer = tuple((a, slot_of[w]) for a, w in enumerate(idx) if w in slot_of)
        rest = [w for w in idx if w not in slot_of]
        uniq = tuple(dict.fromkeys(rest))
        diag = None
        if len(uniq) < len(rest):
            diag = expression(f"{_sym(rest)}->{_sym(uniq)}", [tuple(sizes[w] for w in rest)])
        operands.append(Operand(kind, ref, slicer, diag))
        terms.append(uniq)

    stochastic: dict[int, set[int]] = {}  # operand -> its cod wires, where it is a kernel
    for i, k in enumerate(kept):
        add("leaf", i, indices[k])
        dom, cod = indices[k][: n_dom[k]], indices[k][n_dom[k] :]
        if cod and len(set(cod)) == len(cod) and not any(w in slot_of or w in dom for w in cod):
            stochastic[len(terms) - 1] = set(cod)
    for e, w in enumerate(effect_w):
        add("effect", e, (w,))
    touched = {w for t in terms for w in t}
    for w in free_out:
        if w not in touched:
            operands.append(Operand("ones", sizes[w], (), None))
            terms.append((w,))
    # 3. order the contraction (a large structure's order is computed once and reused)
    rank = _rank(wiring) if len(indices) > REUSE and q.maximize is None else None
    steps, node_terms = best_order(
        terms, free_out, sizes, maxed if q.maximize is not None else None, rank, trials
    )
    root = len(node_terms) - 1 if node_terms else -1
    unscaled = () if q.maximize is not None else _preserving(steps, node_terms, stochastic, sizes)
    # 4. the adjoint pass, for every marginal at once
    backward: list[tuple[Backward, ...]] = [() for _ in steps]
    reads: list[Read] = []
    layout: list[tuple[int, int, int]] = []
    grad_sizes: list[int] = []
    if q.marginals:
        backward, reads, layout, grad_sizes = _adjoint(
            steps, node_terms, free_cod, cod_w, slot_of, sizes, root
        )
    # 5. rescaling axes, the final arrangement, and the size of every pass
    row_w = set(dom_w) | {cod_w[p] for p in q.rows}
    scale_axes = [
        tuple(a for a, w in enumerate(t) if w not in row_w) if q.normalize == "rows" else None
        for t in node_terms
    ]
    arrange = None
    if not (q.marginals or q.maximize is not None):
        arrange = _arrangement(spec, free_out, sizes)
    out_size = math.prod(sizes[s[1]] if s[0] == "wire" else s[2] for s in spec)
    flops, largest = _cost(steps, node_terms, sizes, q.maximize is not None)
    largest = max([largest, *grad_sizes, out_size])
    return Plan(
        q,
        tuple(kept),
        tuple(operands),
        tuple(node_terms),
        tuple(steps),
        root,
        free_out,
        arrange,
        tuple(scale_axes),
        tuple(backward),
        tuple(reads),
        tuple(layout),
        tuple(i for i, o in enumerate(operands) if o.slicer or o.kind == "effect"),
        largest,
        float(flops),
        unscaled,
    )


#: A mass-preserving step whose output has at most this many entries needs no rescale.
PRESERVED_SIZE = 2**20


def _preserving(
    steps: list[Step],
    node_terms: list[tuple[int, ...]],
    stochastic: dict[int, set[int]],
    sizes: Sequence[int],
) -> tuple[int, ...]:
    """Steps whose output needs no rescale: ``v ⊗ K`` for a kernel table ``K`` none of
    whose output wires ``v`` has keeps the total (each row of ``K`` sums to 1), so the
    output's largest entry is at least ``max(v) / size``. Only a checked ``v`` qualifies,
    so no two unchecked steps follow each other."""
    skipped: set[int] = set()
    for st in steps:
        if len(st.children) != 2 or _size(sizes, node_terms[st.node]) > PRESERVED_SIZE:
            continue
        for v, k in (st.children, st.children[::-1]):
            cod = stochastic.get(k)
            if cod is not None and v not in skipped and not cod.intersection(node_terms[v]):
                skipped.add(st.node)
                break
    return tuple(i for i, st in enumerate(steps) if st.node in skipped)


def _adjoint(
    steps: list[Step],
    node_terms: list[tuple[int, ...]],
    free_cod: list[int],
    cod_w: Sequence[int],
    slot_of: dict[int, int],
    sizes: Sequence[int],
    root: int,
) -> tuple[list[tuple[Backward, ...]], list[Read], list[tuple[int, int, int]], list[int]]:
    """Reverse-mode through the steps: the gradient ``G`` of the total with respect to a
    node ``N`` gives the joint of ``N``'s wires and the evidence as ``N ⊙ G`` (every node
    enters the total once, multilinearly). Each free wire is read at its smallest node,
    the one nearest the root among equals: step nodes have gradients anyway, so on chains
    no operand needs one. Reads of the same shape are batched into one einsum."""
    chosen: dict[int, int] = {}  # per free wire, the node it is read at
    for n in range(len(node_terms) - 1, -1, -1):
        size = _size(sizes, node_terms[n])
        for w in node_terms[n]:
            best = chosen.get(w)
            if best is None or size < _size(sizes, node_terms[best]):
                chosen[w] = n
    wanted = set(chosen.values())
    for st in steps:  # nodes needing a gradient: the chosen nodes and their ancestors
        if wanted.intersection(st.children):
            wanted.add(st.node)
    grad_terms: dict[int, tuple[int, ...]] = {root: ()}
    backward: list[tuple[Backward, ...]] = [() for _ in steps]
    for k in range(len(steps) - 1, -1, -1):
        st = steps[k]
        if st.node not in wanted:
            continue
        parts = []
        for c in st.children:
            if c not in wanted:
                continue
            others = tuple(o for o in st.children if o != c)
            ins = [grad_terms[st.node], *(node_terms[o] for o in others)]
            present = {w for t in ins for w in t}
            # a gradient carries only the wires it varies along
            grad_terms[c] = tuple(w for w in node_terms[c] if w in present)
            eq = ",".join(_sym(t) for t in ins) + "->" + _sym(grad_terms[c])
            parts.append(
                Backward(c, expression(eq, [tuple(sizes[w] for w in t) for t in ins]), others)
            )
        backward[k] = tuple(parts)
    groups: dict[tuple, list[int]] = {}  # reads of one shape: (terms, grad terms, wire)
    for w in free_cod:
        n = chosen[w]
        key = _relabel(node_terms[n], grad_terms[n], w, sizes)
        groups.setdefault(key, []).append(w)
    reads: list[Read] = []
    where: dict[int, tuple[int, int]] = {}
    batch = len(sizes)  # a wire number no term uses: the batch axis of a group
    for g, ws in enumerate(groups.values()):
        nodes = tuple(chosen[w] for w in ws)
        t, gt = node_terms[nodes[0]], grad_terms[nodes[0]]
        lead = (batch,) if len(ws) > 1 else ()
        t_in, g_in, w_out = (*lead, *t), (*lead, *gt), (*lead, ws[0])
        eq = f"{_sym(t_in)},{_sym(g_in)}->{_sym(w_out)}"
        shapes = [
            (len(ws),) * len(lead) + tuple(sizes[v] for v in t),
            (len(ws),) * len(lead) + tuple(sizes[v] for v in gt),
        ]
        reads.append(Read(nodes, expression(eq, shapes), bool(lead)))
        where.update((w, (g, j)) for j, w in enumerate(ws))
    # a factor copied to two positions reads the same wire twice
    layout = [(1, slot_of[w], sizes[w]) if w in slot_of else (0, *where[w]) for w in cod_w]
    return backward, reads, layout, [_size(sizes, t) for t in grad_terms.values()]


def _relabel(terms: tuple[int, ...], grads: tuple[int, ...], w: int, sizes: Sequence[int]) -> tuple:
    """A read's shape with its wires renamed in order of appearance (equal keys: the same
    einsum on arrays of the same shapes)."""
    names: dict[int, int] = {}
    for v in (*terms, *grads, w):
        names.setdefault(v, len(names))
    return (
        tuple(names[v] for v in terms),
        tuple(names[v] for v in grads),
        names[w],
        tuple(sizes[v] for v in terms),
    )


def _arrangement(
    spec: list[tuple], free_out: tuple[int, ...], sizes: Sequence[int]
) -> tuple | None:
    """The einsum that turns the root (distinct free wires) into the requested axes:
    ``("eye", n)`` operands join repeats, ``("point", slot, n)`` ones place observations."""
    if [s[1] for s in spec if s[0] == "wire"] == list(free_out) and all(
        s[0] == "wire" for s in spec
    ):
        return None
    fresh = max([*free_out, *(s[1] for s in spec if s[0] == "wire"), -1]) + 1 + len(sizes)
    terms: list[str] = [_sym(free_out)]
    extras: list[tuple] = []
    out: list[int] = []
    seen: set[int] = set()
    for s in spec:
        if s[0] == "point":
            extras.append(("point", s[1], s[2]))
            terms.append(oe.get_symbol(fresh))
            out.append(fresh)
            fresh += 1
        elif s[1] in seen:
            extras.append(("eye", sizes[s[1]]))
            terms.append(oe.get_symbol(s[1]) + oe.get_symbol(fresh))
            out.append(fresh)
            fresh += 1
        else:
            seen.add(s[1])
            out.append(s[1])
    shapes = [tuple(sizes[w] for w in free_out)]
    for e in extras:
        shapes.append((e[2],) if e[0] == "point" else (e[1], e[1]))
    return expression(",".join(terms) + "->" + _sym(out), shapes), tuple(extras)


__all__ = ["Plan", "Query", "clear_cache", "plan"]
