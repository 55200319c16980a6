"""The contraction engine: every query in markovcat is one plan run by one executor.

A diagram becomes a tensor network once (:func:`network`); a :class:`Query` on it — the
factors kept, observed and weighted, the normalisation, all marginals, or max-product —
becomes a pruned, evidence-sliced, ordered :class:`Plan`, cached per network *structure*
under a lock; the executor runs the plan's forward pass (and, for all marginals, its
adjoint pass) with every intermediate rescaled where mass can vanish. ``evaluate``,
``marginal``, ``condition``, ``posterior``, ``posterior_marginals``, ``disintegrate``,
``bayes_invert``, ``log_evidence``, ``most_probable``, the information contractions and
``markovcat.chains`` all call :func:`run`, :func:`all_marginals` or :func:`argmax`.

>>> import markovcat as mc, numpy as np
>>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
>>> table, log_scale = run(p, Query(keep=(0,), observed=(1,), normalize="all"), evidence=[1])
>>> table.round(4).tolist(), round(float(np.exp(log_scale)), 4)
([0.3333, 0.6667], 0.6)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from .. import _executor, backends
from .._config import config
from .._diagram import Diagram, describe
from .._errors import MemoryLimitError
from ..backends import ops
from . import _run, _slice
from ._network import Network, network
from ._order import LARGE
from ._plan import _LOCK, Plan, Query, clear_cache, plan


def prepare(d: Diagram, query: Query) -> tuple[Network, Plan]:
    """The network of ``d`` and the plan of ``query`` on it, memory-checked before any
    table is touched (the limit is read on every call: it may change). A plan over the
    limit is a :class:`MemoryLimitError`; :func:`run` and :func:`all_marginals` slice
    such plans first (:func:`_sliced`)."""
    net = network(d)
    known = d.__dict__.setdefault("_plans", {})  # skips hashing the wiring on repeat queries
    key = (query, config.path_trials)
    p = known.get(key)
    if p is None:
        p = known[key] = plan(net.wiring, query)
    if p.largest > config.max_elements:
        raise _too_large(d, p, ())
    return net, p


def _too_large(d: Diagram, p: Plan, cut: tuple[int, ...], why: str = "") -> MemoryLimitError:
    sliced = f" even sliced over {len(cut)} wire(s)" if cut else ""
    return MemoryLimitError(
        f"this query on {describe(d)} : {describe(d.dom)} → {describe(d.cod)} would "
        f"allocate a tensor of {_count(p.largest)} entries (about "
        f"{p.largest * 8 / 2**30:.3g} GiB as float64){sliced}, over mc.config.max_elements = "
        f"{config.max_elements:,}{why}; query fewer factors (a marginal instead of the joint), "
        "observe fewer, or raise the limit"
    )


def _sliced(d: Diagram, query: Query) -> tuple[Network, Plan, tuple[int, ...]]:
    """Like :func:`prepare`, but a plan over the limit is sliced where its query allows:
    ``(network, plan of one slice, sliced wires)``."""
    try:
        net, p = prepare(d, query)
        return net, p, ()
    except MemoryLimitError:
        if not _slice.sliceable(query):
            raise
    net = network(d)
    known = d.__dict__.setdefault("_plans", {})
    key = ("sliced", query, config.max_elements)
    cut = known.get(key)
    if cut is None:
        with _LOCK:
            cut = known[key] = _slice.choose(net.wiring, query, config.max_elements)
    p = plan(net.wiring, _slice.sliced_query(query, cut))
    if p.largest > config.max_elements:
        raise _too_large(d, p, cut)
    return net, p, cut


def _each_slice(
    d: Diagram,
    net: Network,
    p: Plan,
    cut: tuple[int, ...],
    kind: str,
    lead: Any,
    tables: list[Any],
    vectors: list[Any],
    evidence: Sequence[int],
) -> Any:
    """The pass ``kind`` of ``p``, run once, or once per outcome of the sliced wires
    ``cut`` (their outcomes follow the evidence) and summed, which needs concrete float
    tables. Slices run on the executor in force (``mc.config.executor``), in chunks."""
    if not cut:
        return _jitted(p, kind, lead)(lead, tables, vectors, list(evidence))
    if ops.is_exact(lead) or not ops.is_concrete(lead):
        raise _too_large(
            d, p, (), " (sliced contraction needs concrete float tables: not exact, not traced)"
        )
    todo = list(_slice.outcomes(net.sizes, cut))
    shared = (p, kind, lead, tables, vectors, tuple(evidence))
    runner = _executor.resolve()
    if runner is not None:
        return _slice.add(kind, runner.map(_slices, todo, shared), p.query.normalize)
    width = ops.device_count(lead)
    if width > 1:  # one slice per device at a time, every device at once
        return _sharded_slices(todo, shared, width)
    return _slices(todo, shared)


def _slices(outcomes: list[tuple[int, ...]], shared: tuple) -> Any:
    """The sum of the slices at ``outcomes`` (one task on a cluster)."""
    p, kind, lead, tables, vectors, evidence = shared
    fn = _jitted(p, kind, lead)
    parts = [fn(lead, tables, vectors, [*evidence, *s]) for s in outcomes]
    return _slice.add(kind, parts, p.query.normalize)


def _sharded_slices(outcomes: list[tuple[int, ...]], shared: tuple, width: int) -> Any:
    """The sum of the slices at ``outcomes``, ``width`` at a time: one vmapped pass with
    the slices sharded across the devices (compiled once per plan)."""
    p, kind, lead, tables, vectors, evidence = shared
    fn = _compiled(
        p,
        ("sharded", kind, width),
        lambda: backends.sharded_vmap(partial(getattr(_run, kind), p), (None, None, None, 0)),
    )
    rows = np.array([[*evidence, *s] for s in outcomes], dtype=np.int64)
    parts = []
    for start in range(0, len(rows), width):
        group = rows[start : start + width]
        out = fn(lead, tables, vectors, group)
        parts += [  # row i of each result: (table, scale) or (positive, log_z, marginals)
            tuple([m[i] for m in x] if isinstance(x, list) else x[i] for x in out)
            for i in range(len(group))
        ]
    return _slice.add(kind, parts, p.query.normalize)


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**30 else f"about 2**{n.bit_length() - 1}"


def _arrays(
    net: Network, p: Plan, effects: Sequence[Any], backend: str | None
) -> tuple[list[Any], list[Any]]:
    extra = [backends.asarray(e) for e in effects]
    native, tables = _tables(net, p)
    target = backend or backends.common([*extra, *tables[:1]] if native else tables + extra)
    if target is None:
        return [], []
    if target != native:  # kernels convert as kernels do (float rows made exact on sympy)
        tables = [net.leaves[k].to(target).table for k in p.kept]
    return tables, [backends.convert(e, target) for e in extra]


def _tables(net: Network, p: Plan) -> tuple[str | None, list[Any]]:
    """``(backend, tables)`` of the plan's leaves; the backend is ``None`` where they are
    of several backends (or traced). Cached on the network for concrete tables, which are
    immutable, so a repeated query does not look at every leaf again."""
    known = net.__dict__.setdefault("_tables", {})
    hit = known.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1], hit[2]
    tables = [net.leaves[k].table for k in p.kept]
    kinds = {backends.name(t) for t in tables}
    native = kinds.pop() if len(kinds) == 1 else None
    if native is not None and all(ops.is_concrete(t) for t in tables):
        known[id(p)] = (p, native, tables)  # holds p: its id is not reused while cached
    return native, tables


def _jitted(p: Plan, kind: str, lead: Any) -> Any:
    """The pass ``kind`` of ``p`` compiled for ``lead``'s backend (jit on JAX), cached."""
    return _compiled(
        p, (kind, ops.einsum_backend(lead)), lambda: ops.jit(lead, partial(getattr(_run, kind), p))
    )


def _compiled(p: Plan, key: tuple, build: Any) -> Any:
    """``p.compiled[key]``, built once by ``build()`` under the plan lock."""
    fn = p.compiled.get(key)
    if fn is None:
        with _LOCK:
            fn = p.compiled.get(key)
            if fn is None:
                fn = p.compiled[key] = build()
    return fn


def _lead(net: Network, tables: list[Any], vectors: list[Any], backend: str | None) -> Any:
    """An array of the query's backend (a unit of the diagram's backend where pruning
    left no tables at all)."""
    if tables or vectors:
        return (tables + vectors)[0]
    ref = net.leaves[0].table if net.leaves else np.ones(())
    return ops.ones(backends.convert(ref, backend) if backend else ref, ())


def run(
    d: Diagram,
    query: Query,
    *,
    effects: Sequence[Any] = (),
    evidence: Sequence[int] = (),
    backend: str | None = None,
) -> tuple[Any, Any]:
    """``(table, log_scale)`` of ``query`` on ``d``: the output is ``table · exp(log_scale)``
    (normalised queries return the normalised table and the log of the total)."""
    net, p, cut = _sliced(d, query)
    tables, vectors = _arrays(net, p, effects, backend)
    lead = _lead(net, tables, vectors, backend)
    if p.root < 0:  # nothing to contract: the unit, or points only
        table = ops.ones(lead, tuple(net.sizes[w] for w in p.out_wires))
        log_one = ops.log(ops.ones(lead, ()))  # log 1 = 0 on the query's backend
        return _run._arrange(p, _run.compiled(p, lead), table, list(evidence)), log_one
    return _each_slice(d, net, p, cut, "contraction", lead, tables, vectors, evidence)


def all_marginals(
    d: Diagram, query: Query, *, evidence: Sequence[int] = ()
) -> tuple[Any, Any, list[Any]]:
    """``(positive, log_z, marginals)``: every codomain factor's posterior marginal."""
    net, p, cut = _sliced(d, query)
    tables, vectors = _arrays(net, p, (), None)
    lead = _lead(net, tables, vectors, None)
    if p.root < 0 and not cut:  # every factor observed
        return True, 0.0, [ops.eye(lead, n)[evidence[i]] for _, i, n in p.layout]
    return _each_slice(d, net, p, cut, "marginals", lead, tables, vectors, evidence)


def argmax(d: Diagram, query: Query, *, evidence: Sequence[int] = ()) -> tuple[dict, Any]:
    """``({wire: outcome index}, log max)`` by max-product with trace-back."""
    net, p = prepare(d, query)
    tables, vectors = _arrays(net, p, (), None)
    if p.root < 0:
        return {}, 0.0
    return _run.maximum(p, _lead(net, tables, vectors, None), tables, vectors, list(evidence))


def cost(d: Diagram, query: Query | None = None) -> dict[str, float]:
    """Largest tensor (entries) and flop count of ``query`` (default: evaluating ``d``, as
    ``mc.evaluate`` does: nothing pruned)."""
    net = network(d)
    q = query or Query(keep=tuple(range(len(net.cod_wires))), prune=False)
    p = plan(net.wiring, q)
    return {"largest": p.largest, "flops": p.flops, "kernels": len(p.kept)}


__all__ = [
    "LARGE",
    "Network",
    "Plan",
    "Query",
    "all_marginals",
    "argmax",
    "clear_cache",
    "cost",
    "network",
    "plan",
    "prepare",
    "run",
]
