"""Posterior queries on large states, computed on the tensor network, never on the joint.

Given a state ``I → X1 ⊗ … ⊗ Xn`` (a Bayesian network from ``mc.read_bif``, or any state
diagram) and evidence ``{factor: outcome}``:

1. **Prune.** A kernel none of whose outputs is observed, queried or needed by a kept
   kernel is dropped: its outputs are all deleted, and ``f >> delete == delete``
   (naturality of delete) for every Markov kernel — these are the barren nodes.
2. **Observe.** An observed wire is sliced out of every table it touches (the indicator
   vector of the outcome, applied by indexing), so it disappears from the network.
3. **Contract** with a path found once per (network, query, evidence pattern) and cached:
   ``opt_einsum``'s, or a hyper-optimised one from ``cotengra`` when that is installed and
   the greedy path is expensive. A path whose largest tensor exceeds
   ``mc.config.max_elements`` fails before allocating, with :class:`MemoryLimitError`.
4. **All marginals in one pass.** :func:`posterior_marginals` contracts the network to the
   evidence probability ``Z = P(e)`` and runs the same contraction tree backwards
   (reverse-mode differentiation written out): the gradient ``G`` of ``Z`` with respect to
   a table ``T`` gives the joint ``P(family, e) = T ⊙ G``, and summing it gives each
   variable's marginal. That is two to three contractions' worth of work for all
   variables at once, instead of one contraction per variable.

Plans are cached per network *structure* and evidence pattern, so a network rebuilt with
new tables reuses them. On JAX the whole pass is ``jax.jit``-compiled once per structure and
evidence pattern; new evidence values and new tables of the same shapes reuse the compiled
function. On exact sympy tables the same pass is exact.

>>> import markovcat as mc
>>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
>>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2]), mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]])])
>>> rain, wet = mc.posterior_marginals(net, {"Wet": "wet"})
>>> rain.array.round(4).tolist(), wet.array.tolist()
([0.3333, 0.6667], [0.0, 1.0])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
import opt_einsum as oe
from opt_einsum.backends.dispatch import get_func

from . import backends
from ._compile import network
from ._config import config
from ._diagram import Diagram
from ._errors import MemoryLimitError, TypeMismatchError, ZeroProbabilityError
from ._evidence import factor_position, parse_evidence
from ._kernel import Kernel
from ._objects import I, product
from .backends import ops

#: Above this many flops for the default path, a better optimiser is tried once per plan.
HARD_FLOPS = 1e7


# ---- plans ------------------------------------------------------------------------------
@dataclass
class _Step:
    """One contraction of the tree: ``node = einsum(eq, *children)`` and its reverse."""

    node: int
    children: tuple[int, ...]
    expr: Any
    backward: tuple[tuple[int, Any, tuple[int, ...]], ...]
    # each: (child, expression, the operands that multiply the gradient)


@dataclass
class _Plan:
    """Everything about a query that does not depend on table values or outcomes."""

    kept: tuple[int, ...]  # network leaves that survive pruning
    slicers: tuple[tuple[tuple[int, int], ...], ...]  # per kept leaf: (axis, evidence slot)
    diags: tuple[Any, ...]  # per kept leaf: expression taking repeated-index diagonals
    n_operands: int
    steps: tuple[_Step, ...]
    root: int
    reads: tuple[tuple[int, Any], ...]  # per queried wire: (operand node, marginal expr)
    layout: tuple[tuple[int, int, int], ...]  # per factor: (0, read, 0) or (1, slot, size)
    largest: int
    flops: float
    compiled: dict


def _symbols(idx: Sequence[int]) -> str:
    return "".join(oe.get_symbol(i) for i in idx)


def _path(eq: str, shapes: list[tuple[int, ...]]) -> tuple[list, int, float]:
    """A contraction path for ``eq``: opt_einsum's, improved where that one is expensive."""
    if len(shapes) == 1:
        return [(0,)], int(np.prod(shapes[0], dtype=np.float64)), 0.0
    path, info = oe.contract_path(eq, *shapes, shapes=True, optimize=config.optimize)
    best = (path, int(info.largest_intermediate), float(info.opt_cost))
    if config.optimize == "auto" and best[2] > HARD_FLOPS:
        for optimizer in _better_optimizers(best[2]):
            try:
                p, i = oe.contract_path(eq, *shapes, shapes=True, optimize=optimizer)
            except Exception:  # pragma: no cover - an optional optimiser failing is not fatal
                continue
            if float(i.opt_cost) < best[2]:
                best = (p, int(i.largest_intermediate), float(i.opt_cost))
    return best


#: Seconds the better path search may take (once per plan) where greedy needs more than
#: 1e9 flops; a fifth of it between ``HARD_FLOPS`` and 1e9.
PATH_SEARCH_SECONDS = 10.0


def _better_optimizers(flops: float) -> list[Any]:
    """cotengra's hyper-optimiser when installed (optional extra), else random greedy."""
    seconds = PATH_SEARCH_SECONDS if flops > 1e9 else PATH_SEARCH_SECONDS / 5
    try:
        import cotengra as ctg
    except ImportError:
        return [oe.RandomGreedy(max_repeats=256, max_time=seconds)]
    return [ctg.HyperOptimizer(max_repeats=1024, max_time=seconds, parallel=False, progbar=False)]


#: Pairwise contractions above this many multiply-adds run as one batched matrix product
#: (:class:`_Pair`); smaller ones call the backend's einsum directly (less overhead).
BLAS_FLOPS = 2**9

#: A large step with several batches whose products each have fewer multiply-adds than
#: this calls einsum instead of a batched matrix product (a tuning knob; by default every
#: large pairwise step is one batched product, which measured fastest on the bnlearn nets).
MATMUL_SIZE = 0


@dataclass(frozen=True)
class _Einsum:
    """One small einsum of the plan, turned into a backend callable on first use."""

    eq: str
    shapes: tuple[tuple[int, ...], ...]

    def prepare(self, backend: str) -> Any:
        sizes: dict[str, int] = {}
        for term, shape in zip(self.eq.split("->")[0].split(","), self.shapes, strict=True):
            sizes.update(zip(term, shape, strict=True))
        small = math.prod(sizes.values()) <= BLAS_FLOPS or len(self.shapes) == 1
        if small and len(sizes) <= len(_LETTERS):
            return partial(get_func("einsum", backend), self.eq)
        if len(self.shapes) == 2:
            pair = _Pair(self.eq, sizes)
            batch, m, k, n = pair.shape_a + pair.shape_b[2:]
            if k == 1 or batch == 1 or m * k * n >= MATMUL_SIZE or len(sizes) > len(_LETTERS):
                return pair
        if len(sizes) <= len(_LETTERS):  # many small matrix products: einsum's loops win
            return partial(get_func("einsum", backend), self.eq)
        expr = oe.contract_expression(
            self.eq, *self.shapes, optimize=[tuple(range(len(self.shapes)))]
        )
        return partial(expr, backend=backend)


class _Pair:
    """A large pairwise einsum as one batched matrix product (``@``), for any array type.

    Indices in both inputs and the output are the batch, in both inputs only are summed
    by the product, in one input only are kept (or summed out first if not in the output).
    Unlike ``tensordot`` this handles batch indices, which tables sharing a parent have.
    """

    def __init__(self, eq: str, sizes: dict[str, int]) -> None:
        (a, b), out = eq.split("->")[0].split(","), eq.split("->")[1]
        batch = [i for i in out if i in a and i in b]
        inner = [i for i in a if i in b and i not in out]
        left = [i for i in out if i in a and i not in b]
        right = [i for i in out if i in b and i not in a]
        self.sum_a = tuple(k for k, i in enumerate(a) if i not in b and i not in out)
        self.sum_b = tuple(k for k, i in enumerate(b) if i not in a and i not in out)
        a2 = [i for i in a if i in b or i in out]
        b2 = [i for i in b if i in a or i in out]
        self.perm_a = tuple(a2.index(i) for i in batch + left + inner)
        self.perm_b = tuple(b2.index(i) for i in batch + inner + right)
        n = [math.prod(sizes[i] for i in g) for g in (batch, left, inner, right)]
        self.shape_a, self.shape_b = (n[0], n[1], n[2]), (n[0], n[2], n[3])
        self.shape_r = tuple(sizes[i] for i in batch + left + right)
        order = batch + left + right
        self.perm_r = tuple(order.index(i) for i in out)

    def __call__(self, x: Any, y: Any) -> Any:
        if self.sum_a:
            x = x.sum(axis=self.sum_a)
        if self.sum_b:
            y = y.sum(axis=self.sum_b)
        x = x.transpose(self.perm_a).reshape(self.shape_a)
        y = y.transpose(self.perm_b).reshape(self.shape_b)
        if self.shape_a[2] == 1:  # nothing summed: a broadcast product, no matmul needed
            r = (
                x.reshape(self.shape_a[:2])[:, :, None]
                * y.reshape((self.shape_b[0], self.shape_b[2]))[:, None, :]
            )
        else:
            r = x @ y
        return r.reshape(self.shape_r).transpose(self.perm_r)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _expression(eq: str, shapes: list[tuple[int, ...]]) -> _Einsum:
    """An einsum, its indices renamed to ASCII letters where it has few enough."""
    used = dict.fromkeys(ch for ch in eq if ch not in ",->")
    if len(used) <= len(_LETTERS):
        eq = eq.translate({ord(ch): _LETTERS[i] for i, ch in enumerate(used)})
    return _Einsum(eq, tuple(shapes))


def _plan(state: Diagram, observed: tuple[int, ...], query: tuple[int, ...], every: bool) -> _Plan:
    """The cached plan for ``query`` (codomain positions) given evidence at ``observed``.

    ``every``: all marginals by the reverse pass; otherwise the joint of ``query``.
    """
    cache = state.__dict__.setdefault("_posterior_plans", {})
    key = (observed, query, every)
    plan = cache.get(key)
    if plan is None:  # shared by every diagram of the same structure (JAX pytrees, new tables)
        net = network(state)
        n_dom = tuple(len(leaf.dom.factors) for leaf in net.leaves)
        plan = _shared_plan((net.indices, net.cod_wires, net.sizes, n_dom), *key)
        cache[key] = plan
    if plan.largest > config.max_elements:  # checked on every call: the limit may change
        raise MemoryLimitError(
            f"the posterior query on {_describe(state)} would allocate a tensor of "
            f"{plan.largest:,} entries ({plan.largest * 8 / 2**30:.2f} GiB as float64), over "
            f"mc.config.max_elements = {config.max_elements:,}; observe or query fewer "
            "variables, install cotengra for a better contraction order, or raise the limit"
        )
    return plan


@lru_cache(maxsize=256)
def _shared_plan(
    wiring: tuple, observed: tuple[int, ...], query: tuple[int, ...], every: bool
) -> _Plan:
    """The plan for a network structure ``(indices, cod_wires, sizes, dom arities)``."""
    indices, cod, sizes, n_doms = wiring
    slot_of: dict[int, int] = {}
    for slot, p in enumerate(observed):
        slot_of.setdefault(cod[p], slot)
    free_query = [cod[p] for p in query if cod[p] not in slot_of]
    # 1. prune: walk the leaves backwards, keeping those whose outputs are needed
    needed = set(free_query) | set(slot_of)
    kept: list[int] = []
    for k in range(len(indices) - 1, -1, -1):
        idx = indices[k]
        if needed.intersection(idx[n_doms[k] :]):
            kept.append(k)
            needed.update(idx[: n_doms[k]])
    kept.reverse()
    # 2. observe: slice observed wires out; take diagonals of repeated indices
    terms: list[tuple[int, ...]] = []
    slicers, diags = [], []
    for k in kept:
        idx = indices[k]
        slicers.append(tuple((a, slot_of[w]) for a, w in enumerate(idx) if w in slot_of))
        rest = [w for w in idx if w not in slot_of]
        uniq = list(dict.fromkeys(rest))
        diags.append(
            _expression(f"{_symbols(rest)}->{_symbols(uniq)}", [tuple(sizes[w] for w in rest)])
            if len(uniq) < len(rest)
            else None
        )
        terms.append(tuple(uniq))
    shapes = [tuple(sizes[w] for w in t) for t in terms]
    out = () if every else tuple(dict.fromkeys(free_query))
    eq = ",".join(_symbols(t) for t in terms) + "->" + _symbols(out)
    if not terms:
        return _Plan((), (), (), 0, (), -1, (), (), 1, 0.0, {})
    path, largest, flops = _path(eq, shapes)
    largest = max(largest, max(int(np.prod(s, dtype=np.float64)) for s in shapes))
    # 3. the contraction tree and its reverse
    live = list(range(len(terms)))  # node ids of the current operand list
    node_terms = list(terms)
    steps: list[_Step] = []
    for contract_inds in path:
        picked = [live.pop(i) for i in sorted(contract_inds, reverse=True)]
        remaining = {w for n in live for w in node_terms[n]} | set(out)
        inputs = [node_terms[n] for n in picked]
        mine = list(dict.fromkeys(w for t in inputs for w in t))
        result = tuple(w for w in mine if w in remaining) if live else tuple(out)
        node = len(node_terms)
        node_terms.append(result)
        live.append(node)
        eq_step = ",".join(_symbols(t) for t in inputs) + "->" + _symbols(result)
        expr = _expression(eq_step, [tuple(sizes[w] for w in t) for t in inputs])
        steps.append(_Step(node, tuple(picked), expr, ()))
    root = live[0] if len(live) == 1 else -1
    if root < 0:  # pragma: no cover - opt_einsum paths always end in one tensor
        raise TypeMismatchError("internal error: the contraction path does not end in one tensor")
    reads: list[tuple[int, Any]] = []
    layout: list[tuple[int, int, int]] = []
    if every:
        n_read = 0
        for w in cod:
            if w in slot_of:
                layout.append((1, slot_of[w], sizes[w]))
            else:
                layout.append((0, n_read, 0))
                n_read += 1
        chosen: dict[int, int] = {}
        for w in dict.fromkeys(free_query):
            holders = [n for n in range(len(terms)) if w in terms[n]]
            chosen[w] = min(holders, key=lambda n: int(np.prod(shapes[n], dtype=np.float64)))
        wanted = set(chosen.values())
        for st in steps:  # which nodes need a gradient: ancestors of the chosen leaves
            if wanted.intersection(st.children):
                wanted.add(st.node)
        # gradients carry only the indices they vary along: an index that a step sums out
        # of one child alone leaves that child's gradient constant along it
        grad_terms: dict[int, tuple[int, ...]] = {root: ()}
        for st in reversed(steps):
            if st.node not in wanted:
                continue
            backward = []
            for c in st.children:
                if c not in wanted:
                    continue
                others = tuple(o for o in st.children if o != c)
                ins = [grad_terms[st.node], *(node_terms[o] for o in others)]
                present = {w for t in ins for w in t}
                grad_terms[c] = tuple(w for w in node_terms[c] if w in present)
                eq_b = ",".join(_symbols(t) for t in ins) + "->" + _symbols(grad_terms[c])
                expr = _expression(eq_b, [tuple(sizes[w] for w in t) for t in ins])
                backward.append((c, expr, others))
            st.backward = tuple(backward)
        for w in free_query:
            n = chosen[w]
            eq_r = f"{_symbols(terms[n])},{_symbols(grad_terms[n])}->{oe.get_symbol(w)}"
            g_shape = tuple(sizes[v] for v in grad_terms[n])
            reads.append((n, _expression(eq_r, [shapes[n], g_shape])))
    return _Plan(
        tuple(kept),
        tuple(slicers),
        tuple(diags),
        len(terms),
        tuple(steps),
        root,
        tuple(reads),
        tuple(layout),
        largest,
        flops,
        {},
    )


# ---- running a plan ---------------------------------------------------------------------
@dataclass
class _Callables:
    """A plan's einsums as callables for one backend."""

    diags: list[Any]
    forward: list[Any]
    backward: list[list[tuple[int, Any, tuple[int, ...]]]]
    reads: list[tuple[int, Any]]


def _callables(plan: _Plan, backend: str) -> _Callables:
    key = ("callables", backend)
    c = plan.compiled.get(key)
    if c is None:
        c = _Callables(
            [d.prepare(backend) if d is not None else None for d in plan.diags],
            [st.expr.prepare(backend) for st in plan.steps],
            [[(ch, e.prepare(backend), o) for ch, e, o in st.backward] for st in plan.steps],
            [(n, e.prepare(backend)) for n, e in plan.reads],
        )
        plan.compiled[key] = c
    return c


def _operands(
    plan: _Plan, c: _Callables, tables: Sequence[Any], evidence: Sequence[Any]
) -> list[Any]:
    values: list[Any] = []
    for table, slicer, diag in zip(tables, plan.slicers, c.diags, strict=True):
        if slicer:
            index: list[Any] = [slice(None)] * table.ndim
            for axis, slot in slicer:
                index[axis] = evidence[slot]
            table = table[(*index, Ellipsis)]  # the Ellipsis keeps 0-d results arrays
        if diag is not None:
            table = diag(table)
        values.append(table)
    return values


def _forward(plan: _Plan, c: _Callables, values: list[Any]) -> list[Any]:
    values = values + [None] * len(plan.steps)
    for st, fn in zip(plan.steps, c.forward, strict=True):
        values[st.node] = fn(*[values[ch] for ch in st.children])
    return values


def _all_marginals(
    plan: _Plan, tables: Sequence[Any], evidence: Sequence[Any]
) -> tuple[Any, list[Any]]:
    """``(Z, [unnormalised marginal per queried wire])`` by one forward and one reverse pass."""
    lead = tables[0]
    c = _callables(plan, ops.einsum_backend(lead))
    values = _forward(plan, c, _operands(plan, c, tables, evidence))
    z = ops.wrap(lead, values[plan.root])
    grads: list[Any] = [None] * len(values)
    grads[plan.root] = ops.ones(lead, ())
    for st, backward in zip(reversed(plan.steps), reversed(c.backward), strict=True):
        g = grads[st.node]
        for child, fn, others in backward:
            grads[child] = fn(g, *[values[o] for o in others])
    margs = [fn(values[n], grads[n]) for n, fn in c.reads]
    return z, margs


def _runner(plan: _Plan, lead: Any) -> Any:
    """The all-marginals pass, compiled for ``lead``'s backend (jit on JAX), cached."""
    key = ("runner", ops.einsum_backend(lead))
    fn = plan.compiled.get(key)
    if fn is None:

        def run(tables: Sequence[Any], evidence: Sequence[Any]) -> tuple[Any, list[Any]]:
            """``Z`` and one posterior table per factor (point masses where observed)."""
            z, margs = _all_marginals(plan, tables, evidence)
            safe = ops.where(z, ops.positive(z), z, ops.ones(z, ()))  # Z = 0 raises later
            return z, [
                ops.eye(z, n)[evidence[i]] if point else margs[i] / safe
                for point, i, n in plan.layout
            ]

        fn = ops.jit(lead, run)
        plan.compiled[key] = fn
    return fn


# ---- public queries ---------------------------------------------------------------------
def _describe(state: Diagram) -> str:
    name = getattr(state, "name", None)
    return f"{name} : {state.dom} → {state.cod}" if name else f"the state I → {state.cod}"


def _state(state: Any, fn: str) -> Diagram:
    if not isinstance(state, Diagram) or state.dom != I:
        raise TypeMismatchError(
            f"mc.{fn}: expected a state I → X1 ⊗ … ⊗ Xn, given "
            f"{getattr(state, 'dom', type(state).__name__)} → {getattr(state, 'cod', '?')}"
        )
    return state


def _evidence(
    state: Diagram, evidence: Mapping[Any, Any] | None
) -> tuple[tuple[int, ...], list[int], dict[int, int]]:
    """Observed positions (sorted), their outcome indices, and the outcome of every factor
    whose wire is observed (a copy of an observed factor is observed too)."""
    parsed = parse_evidence(state.cod, evidence or {})
    positions = tuple(sorted(parsed))
    values = [parsed[p] for p in positions]
    wires = network(state).cod_wires
    seen: dict[int, int] = {}
    for p, v in zip(positions, values, strict=True):
        if seen.setdefault(wires[p], v) != v:  # one wire copied to two factors, seen twice
            raise ZeroProbabilityError(
                f"cannot condition {_describe(state)} on evidence {dict(evidence or {})!r}: "
                f"factor {p} is a copy of another observed factor with a different outcome, "
                "so the evidence has probability 0"
            )
    value_of = {p: seen[w] for p, w in enumerate(wires) if w in seen}
    return positions, values, value_of


def _check(z: Any, state: Diagram, evidence: Any) -> None:
    if z is None or not ops.is_concrete(z):
        return
    if not bool(np.asarray(ops.positive(z)).all()):
        raise ZeroProbabilityError(
            f"cannot condition {_describe(state)} on evidence {dict(evidence or {})!r}: "
            "it has probability 0"
        )


def _point(lead: Any, size: int, index: int) -> Any:
    return ops.eye(lead, size)[index]


def _tables(state: Diagram, plan: _Plan) -> list[Any]:
    leaves = network(state).leaves
    return backends.promote([leaves[k].table for k in plan.kept])


def posterior_marginals(state: Diagram, evidence: Mapping[Any, Any] | None = None) -> list[Kernel]:
    """The posterior marginal of every codomain factor of ``state`` given ``evidence``.

    Returns a list with one state per factor, in order; observed factors are point masses.
    All marginals come from one forward and one reverse contraction of the pruned tensor
    network (see the module docstring) — the joint is never built. Evidence keys are
    factor positions or unique factor names; evidence of probability 0 raises
    :class:`ZeroProbabilityError`.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> [m.array.round(4).tolist() for m in mc.posterior_marginals(joint, {"T": "pos"})]
    [[0.8462, 0.1538], [0.0, 1.0]]
    """
    state = _state(state, "posterior_marginals")
    positions, values, value_of = _evidence(state, evidence)
    factors = state.cod.factors
    query = tuple(p for p in range(len(factors)) if p not in value_of)
    plan = _plan(state, positions, query, True)
    tables = _tables(state, plan)
    if not factors:
        return []
    lead = tables[0]
    z, margs = _runner(plan, lead)(tables, values)
    _check(z, state, evidence)
    return [
        Kernel._trusted(I, f, ops.wrap(lead, m), None) for f, m in zip(factors, margs, strict=True)
    ]


def posterior(
    state: Diagram, query: Sequence[Any] | Any, evidence: Mapping[Any, Any] | None = None
) -> Kernel:
    """The posterior of the factors ``query`` (a position or name, or a list) given evidence.

    The joint posterior of the listed factors, as a state on their product in the order
    given; only the kernels upstream of the query and the evidence are contracted (the
    rest are barren and vanish by naturality of delete), with observed wires sliced out
    and a path cached per (network, query, evidence pattern).

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
    >>> mc.posterior(joint, "D", {"T": "pos"}).array.round(4).tolist()
    [0.8462, 0.1538]
    """
    state = _state(state, "posterior")
    keys = list(query) if isinstance(query, (list, tuple)) else [query]
    qpos = tuple(factor_position(state.cod, k) for k in keys)
    positions, values, value_of = _evidence(state, evidence)
    plan = _plan(state, positions, tuple(p for p in qpos if p not in value_of), False)
    tables = _tables(state, plan)
    factors = state.cod.factors
    if tables:
        lead = tables[0]
        c = _callables(plan, ops.einsum_backend(lead))
        values_ = _forward(plan, c, _operands(plan, c, tables, values))
        table = ops.wrap(lead, values_[plan.root])
    else:
        lead = np.ones(())
        table = lead
    z = ops.asum(table, None)
    _check(z, state, evidence)
    table = table / z
    # arrange: free query wires (distinct, in first-seen order) → the requested order
    wires = network(state).cod_wires
    free = list(dict.fromkeys(wires[p] for p in qpos if p not in value_of))
    operands, terms = [table], [_symbols(free)]
    out = []
    for n, p in enumerate(qpos):
        if p in value_of:
            operands.append(_point(lead, factors[p].size, value_of[p]))
            terms.append(oe.get_symbol(len(network(state).sizes) + n))
            out.append(terms[-1])
        else:
            out.append(oe.get_symbol(wires[p]))
    base = len(network(state).sizes) + len(qpos)
    result = _arrange(lead, operands, terms, out, [factors[p] for p in qpos], base)
    return Kernel._trusted(I, product(*(factors[p] for p in qpos)), result, None)


def _arrange(
    lead: Any, operands: list[Any], terms: list[str], out: list[str], objs: list, fresh: int
) -> Any:
    """Outer products and copies: ``out`` may repeat an index (a factor queried twice)."""
    final, extra = [], []
    seen: set[str] = set()
    for s in out:
        if s in seen:  # a diagonal: join the repeat through an identity matrix
            t = oe.get_symbol(fresh)
            fresh += 1
            size = next(o.size for o, q in zip(objs, out, strict=True) if q == s)
            operands.append(ops.eye(lead, size))
            extra.append(s + t)
            final.append(t)
        else:
            final.append(s)
            seen.add(s)
    eq = ",".join(terms + extra) + "->" + "".join(final)
    if eq == f"{terms[0]}->{terms[0]}":
        return operands[0]
    return ops.wrap(lead, oe.contract(eq, *operands, backend=ops.einsum_backend(lead)))


def contraction_plan(state: Diagram, evidence: Mapping[Any, Any] | None = None) -> dict[str, float]:
    """Size of the all-marginals pass: kept kernels, largest tensor and forward flops.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool)
    >>> contraction_plan(p)["kernels"]
    1
    """
    state = _state(state, "contraction_plan")
    positions, _, value_of = _evidence(state, evidence)
    query = tuple(p for p in range(len(state.cod.factors)) if p not in value_of)
    plan = _plan(state, positions, query, True)
    return {"kernels": len(plan.kept), "largest": plan.largest, "flops": plan.flops}


__all__ = ["contraction_plan", "posterior", "posterior_marginals"]
