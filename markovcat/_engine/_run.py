"""The executor: one pass over a plan's steps, on any backend, with every intermediate
rescaled where mass can vanish.

A table ``v`` with scale ``s`` stands for ``v · exp(s)``. Under normalisation ``"all"``,
the all-marginals pass and max-product, each operand and each intermediate is divided by
its largest entry and the logarithm of that entry is added to one running scale — the
arithmetic of the log semiring without a logarithm per entry — so 100,000 observations or
subnormal likelihoods lose no digits. Under ``"rows"`` the division is per row (the
conditioning outcomes), so each row keeps its own digits. Exact tables are never rescaled.

On JAX each pass is ``jax.jit``-compiled once per plan; evidence outcomes are arguments,
so new outcomes and new tables of the same shapes reuse the compiled function. Nothing
computed from a tracer is stored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .._errors import BackendError
from ..backends import ops
from ._plan import _LOCK, Plan


@dataclass(frozen=True)
class Compiled:
    """A plan's einsums as callables for one backend."""

    diags: tuple[Any, ...]
    forward: tuple[Any, ...]
    adjoint: tuple[tuple[int, int, Any, tuple[int, ...]], ...]  # (node, child, fn, others)
    reads: tuple[tuple[tuple[int, ...], Any, bool], ...]
    arrange: Any


def compiled(plan: Plan, lead: Any) -> Compiled:
    """The plan's callables for ``lead``'s backend (built once, under the plan lock).

    Every callable returns the backend's own array type (exact results stay exact arrays;
    numpy's 0-d results stay arrays).
    """
    backend = ops.einsum_backend(lead)
    c = plan.compiled.get(backend)
    if c is None:
        with _LOCK:
            c = plan.compiled.get(backend)
            if c is None:
                wrap = partial(ops.wrap.dispatch(type(lead), object), lead)
                direct = ops.keeps_type(lead)

                def prep(e: Any) -> Any:
                    fn = e.prepare(backend)
                    return fn if direct else lambda *xs: wrap(fn(*xs))

                c = Compiled(
                    tuple(prep(o.diag) if o.diag else None for o in plan.operands),
                    tuple(prep(st.expr) for st in plan.steps),
                    tuple(  # the adjoint pass in execution order, flat
                        (plan.steps[k].node, b.child, prep(b.expr), b.others)
                        for k in range(len(plan.steps) - 1, -1, -1)
                        for b in plan.backward[k]
                    ),
                    tuple((r.nodes, prep(r.expr), r.batched) for r in plan.reads),
                    prep(plan.arrange[0]) if plan.arrange else None,
                )
                plan.compiled[backend] = c  # published complete
    return c


def _inputs(
    plan: Plan,
    c: Compiled,
    lead: Any,
    tables: Sequence[Any],
    effects: Sequence[Any],
    evidence: Sequence[Any],
) -> list[Any]:
    """The operands: tables sliced at the observed outcomes, diagonals taken."""
    values: list[Any] = []
    for op, diag in zip(plan.operands, c.diags, strict=True):
        if op.kind == "ones":
            values.append(ops.ones(lead, (op.ref,)))
            continue
        x = tables[op.ref] if op.kind == "leaf" else effects[op.ref]
        if op.slicer:
            index: list[Any] = [slice(None)] * len(x.shape)
            for axis, slot in op.slicer:
                index[axis] = evidence[slot]
            x = x[(*index, Ellipsis)]  # the Ellipsis keeps 0-d results arrays
        if diag is not None:
            x = diag(x)
        values.append(x)
    return values


def _forward(
    plan: Plan, c: Compiled, lead: Any, values: list[Any], mode: str, divided: Any = None
) -> tuple[list[Any], Any]:
    """Every node's value, rescaled by ``mode`` (``"none"``, ``"all"`` or ``"rows"``);
    ``divided`` collects ``{step node: log of its divisor}`` (the adjoint pass needs them)."""
    divided = {} if divided is None else divided
    scale: Any = 0  # an int: exact scales stay exact
    rescale = ops.rescale.dispatch(type(lead))  # one lookup, not one per step
    if mode == "all":
        for i in plan.at_risk:  # sliced tables and effects; a stochastic table's max ≥ 1/n
            values[i], s = rescale(values[i])
            scale = scale + s
    elif mode == "rows":
        values = [ops.rescale_axes(v, plan.scale_axes[i]) for i, v in enumerate(values)]
    values = values + [None] * len(plan.steps)
    if mode == "all" and not plan.maximizing:  # the hot loop of long chains, unadorned
        for (node, children, check), fn in zip(plan.links, c.forward, strict=True):
            if len(children) == 2:
                v = fn(values[children[0]], values[children[1]])
            else:
                v = fn(*[values[ch] for ch in children])
            if check:
                v, s = rescale(v)
                scale = scale + s
                divided[node] = s  # log of the divisor: 0 unless v left the range
            values[node] = v
        return values, scale
    for st, fn in zip(plan.steps, c.forward, strict=True):
        v = fn(*[values[ch] for ch in st.children])
        if st.max_axis is not None:
            v = ops.amax(v, st.max_axis)
        if mode == "all":
            v, s = rescale(v)
            scale = scale + s
        elif mode == "rows":
            v = ops.rescale_axes(v, plan.scale_axes[st.node])
        values[st.node] = v
    return values, scale


def _mode(plan: Plan) -> str:
    q = plan.query
    if q.marginals or q.maximize is not None:
        return "all"
    return q.normalize


def _arrange(plan: Plan, c: Compiled, table: Any, evidence: Sequence[Any]) -> Any:
    if plan.arrange is None:
        return table
    extra = [
        ops.eye(table, e[1]) if e[0] == "eye" else ops.eye(table, e[2])[evidence[e[1]]]
        for e in plan.arrange[1]
    ]
    return c.arrange(table, *extra)


def contraction(
    plan: Plan, lead: Any, tables: Sequence[Any], effects: Sequence[Any], evidence: Sequence[Any]
) -> tuple[Any, Any]:
    """``(table, log_scale)``: the query's output is ``table · exp(log_scale)``.

    Under ``"all"`` and ``"rows"`` the table comes back normalised (``log_scale`` is then
    log of the total for ``"all"``, 0 for ``"rows"``); a zero total stays zero.
    """
    c = compiled(plan, lead)
    mode = _mode(plan)
    values, scale = _forward(plan, c, lead, _inputs(plan, c, lead, tables, effects, evidence), mode)
    table = ops.wrap(lead, values[plan.root])
    if mode == "all":
        table, log_z = ops.normalize(table)
        scale = scale + log_z  # -inf where the total is 0
    elif mode == "rows":
        table = table / _safe(_row_sums(table, plan.scale_axes[plan.root] or ()))
    return _arrange(plan, c, table, evidence), scale


def _row_sums(table: Any, axes: tuple[int, ...]) -> Any:
    shape = tuple(1 if a in axes else n for a, n in enumerate(table.shape))
    return ops.reshape(ops.wrap(table, ops.asum(table, axes)), shape)


def _safe(z: Any) -> Any:
    """``z`` where positive, else 1 (a zero total is reported by the caller, never NaN)."""
    return ops.where(z, ops.positive(z), z, ops.ones(z, tuple(z.shape)))


def marginals(
    plan: Plan, lead: Any, tables: Sequence[Any], effects: Sequence[Any], evidence: Sequence[Any]
) -> tuple[Any, Any, list[Any]]:
    """``(positive, log_z, [posterior marginal per cod factor])`` by one forward and one
    adjoint pass; ``positive`` says whether the evidence has positive probability."""
    c = compiled(plan, lead)
    divided: dict[int, Any] = {}
    values, scale = _forward(
        plan, c, lead, _inputs(plan, c, lead, tables, effects, evidence), "all", divided
    )
    z = ops.wrap(lead, values[plan.root])
    # gradients of root / Z with respect to the values as stored (divided where they left
    # the range): Σ value·gradient is 1 at every node, so the gradients stay in range; a
    # read that leaves it (a zero or non-finite row while Z > 0) reruns the adjoint pass
    # with every gradient rescaled (not possible under a JAX trace, where every value is
    # divided by its maximum and a gradient entry is at most 1 over a normal float)
    reads, ok = _reads(plan, c, lead, values, _adjoint(plan, c, lead, values, divided, False))
    if not ok and bool(np.asarray(ops.positive(z))):
        reads, ok = _reads(plan, c, lead, values, _adjoint(plan, c, lead, values, divided, True))
    eyes: dict[int, Any] = {}
    out = []
    for point, i, j in plan.layout:
        if point:
            if j not in eyes:
                eyes[j] = ops.eye(z, j)
            out.append(eyes[j][evidence[i]])
        else:
            out.append(reads[i][j])
    return ops.positive(z), scale + ops.log(z), out


def _adjoint(
    plan: Plan, c: Compiled, lead: Any, values: list[Any], divided: dict, scaled: bool
) -> list[Any]:
    """Every needed node's gradient of root / Z with respect to its stored value: a step
    node divided by ``exp(s)`` passes its gradient on times ``exp(-s)``. With ``scaled``
    every gradient is instead divided by its largest entry (a gradient's scale cancels in
    its read)."""
    grads: list[Any] = [None] * len(values)
    z = ops.wrap(lead, values[plan.root])
    # the gradient of root / z: then Σ value·gradient is 1 at every node, and a gradient
    # entry is its joint probability over the value's entry, as well held as float allows
    grads[plan.root] = ops.ones(z, ()) if scaled else ops.ones(z, ()) / _safe(z)
    rescale = ops.rescale.dispatch(type(lead))
    factor: dict[int, Any] = {}
    if not scaled and ops.is_concrete(z):
        logs = {n: s for n, s in divided.items() if s}
        if any(s < -700 for s in logs.values()):  # exp(-s) would overflow: rescale instead
            return _adjoint(plan, c, lead, values, divided, True)
        factor = {n: math.exp(-s) for n, s in logs.items()}
    elif not scaled:  # traced (JAX divides every checked value by its maximum, a normal float)
        factor = {n: ops.exp(-s) for n, s in divided.items()}
    for node, child, fn, others in c.adjoint:
        g = grads[node]
        if node in factor:
            g = g * factor[node]
        if len(others) == 1:
            g = fn(g, values[others[0]])
        else:
            g = fn(g, *[values[o] for o in others])
        grads[child] = rescale(g)[0] if scaled else g
    return grads


def _reads(
    plan: Plan, c: Compiled, lead: Any, values: list[Any], grads: list[Any]
) -> tuple[list[Any], bool]:
    """The marginals, per read group, and whether every row had a finite positive sum (a
    read sums to Z times its scales: positive when Z is; a zero row stays zero, no NaN)."""
    reads: list[Any] = []
    sums: list[Any] = []
    for nodes, fn, batched in c.reads:
        if batched:
            vs = ops.stack_like(lead, [values[n] for n in nodes], 0)
            joint = ops.wrap(lead, fn(vs, ops.stack_like(lead, [grads[n] for n in nodes], 0)))
        else:
            joint = ops.wrap(lead, fn(values[nodes[0]], grads[nodes[0]]))[None]
        z = _row_sums(joint, (1,))
        sums.append(z)
        reads.append(joint / _safe(z))
    ok = ops.is_exact(lead) or not ops.is_concrete(lead) or all(_finite_positive(z) for z in sums)
    return reads, ok


def _finite_positive(z: Any) -> bool:
    v = np.asarray(z, dtype=float)
    return bool(np.isfinite(v).all() and (v > 0).all())


def maximum(
    plan: Plan, lead: Any, tables: Sequence[Any], effects: Sequence[Any], evidence: Sequence[Any]
) -> tuple[dict[int, int], Any]:
    """Max-product: ``({wire: outcome index}, log of the maximum)``, traced back through
    the plan's steps (concrete tables only; ties go to the first outcome)."""
    c = compiled(plan, lead)
    values, scale = _forward(
        plan, c, lead, _inputs(plan, c, lead, tables, effects, evidence), "all"
    )
    top = ops.wrap(lead, values[plan.root])
    assignment: dict[int, int] = {}
    for st, fn in zip(reversed(plan.steps), reversed(c.forward), strict=True):
        if st.max_axis is None:
            continue
        union = ops.wrap(lead, fn(*[values[ch] for ch in st.children]))
        if not ops.is_concrete(union):
            raise BackendError(
                "mc.most_probable returns outcomes, which a JAX trace cannot give: call it "
                "outside jax.jit/grad/vmap"
            )
        union = np.asarray(union)  # exact tables stay exact: ties are decided exactly
        result = plan.terms[st.node]
        row = union[tuple(assignment[w] for w in result)]
        assignment[st.wire] = int(np.argmax(row))
    return assignment, scale + ops.log(ops.asum(top, None))


__all__ = ["compiled", "contraction", "marginals", "maximum"]
