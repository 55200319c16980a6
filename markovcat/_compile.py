"""The compiler: a whole diagram becomes one tensor network, contracted in one go.

Each wire is an index; a kernel is a tensor on its input and output indices; copy joins
indices (the same index appears on several wires); delete leaves an index off the output so
it is summed out; swap permutes the wire list. The network's contraction path comes from
``opt_einsum`` and is cached per diagram *structure* (tables do not matter), so evaluating
the same shape of diagram with new tables — the JAX ``jit`` case — reuses it. No unused
wire is ever carried: ``p^{⊗30} >> copy^{⊗30} >> delete^{⊗60}`` contracts to a scalar.

>>> import markovcat as mc
>>> p = mc.state(mc.Bool, [0.25, 0.75])
>>> mc.evaluate(p >> mc.copy(mc.Bool)).array.tolist()
[[0.25, 0.0], [0.0, 0.75]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import opt_einsum as oe

from . import backends
from ._config import config
from ._diagram import Box, Copy, Delete, Diagram, Identity, Par, Seq, Swap, describe
from ._errors import BackendError, MemoryLimitError, TypeMismatchError, UninterpretedBoxError
from ._kernel import Kernel
from .backends import ops

#: The most axes one output table may have (einsum has 52 index letters).
MAX_AXES = 52


@dataclass(frozen=True)
class Network:
    """A diagram as a tensor network: leaf tables plus table-free wiring.

    ``indices[k]`` are the wire indices of leaf ``k`` (its dom wires, then cod wires);
    ``dom_wires`` and ``cod_wires`` are the indices at the boundary (a copied wire appears
    more than once); ``sizes[i]`` is the number of outcomes on wire ``i``.
    """

    leaves: tuple[Kernel, ...]
    indices: tuple[tuple[int, ...], ...]
    dom_wires: tuple[int, ...]
    cod_wires: tuple[int, ...]
    sizes: tuple[int, ...]

    @property
    def wiring(self) -> tuple:
        """Everything but the tables: equal wiring means equal contraction paths."""
        return (self.indices, self.dom_wires, self.cod_wires, self.sizes)

    @property
    def structure(self) -> tuple:
        """The structure of the full evaluation (all cod wires kept, no effects)."""
        return query_structure(self.wiring, tuple(range(len(self.cod_wires))), ())


class _Builder:
    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.leaves: list[Kernel] = []
        self.indices: list[tuple[int, ...]] = []

    def fresh(self, size: int) -> int:
        self.sizes.append(size)
        return len(self.sizes) - 1

    def wire(self, d: Diagram, wires: list[int]) -> list[int]:
        """Thread the wires ``wires`` (one index per dom factor) through ``d``."""
        rule = _RULES.get(type(d))
        if rule is None:
            rule = next((r for t, r in _RULES.items() if isinstance(d, t)), _unknown)
        return rule(self, d, wires)


def _seq(b: _Builder, d: Seq, wires: list[int]) -> list[int]:
    for part in d.parts:
        wires = b.wire(part, wires)
    return wires


def _par(b: _Builder, d: Par, wires: list[int]) -> list[int]:
    out: list[int] = []
    i = 0
    for part in d.parts:
        k = len(part.dom.factors)
        out += b.wire(part, wires[i : i + k])
        i += k
    return out


def _leaf(b: _Builder, d: Kernel, wires: list[int]) -> list[int]:
    outs = [b.fresh(n) for n in d.cod.shape]
    b.leaves.append(d)
    b.indices.append((*wires, *outs))
    return outs


def _swap(b: _Builder, d: Swap, wires: list[int]) -> list[int]:
    k = len(d.left.factors)
    return wires[k:] + wires[:k]


def _box(b: _Builder, d: Box, wires: list[int]) -> list[int]:
    raise UninterpretedBoxError(
        f"cannot evaluate the symbolic box {d.name!r} : {d.dom} → {d.cod}; "
        f"replace it by a kernel with mc.interpret(diagram, {{{d.name!r}: kernel}})"
    )


def _unknown(b: _Builder, d: Diagram, wires: list[int]) -> list[int]:
    raise TypeMismatchError(f"cannot compile {d!r}: not a markovcat diagram")


#: How each kind of term acts on the list of wire indices.
_RULES: dict[type, Callable[[_Builder, Any, list[int]], list[int]]] = {
    Seq: _seq,
    Par: _par,
    Kernel: _leaf,
    Identity: lambda b, d, wires: wires,
    Copy: lambda b, d, wires: wires * d.n,
    Delete: lambda b, d, wires: [],
    Swap: _swap,
    Box: _box,
}


def network(d: Diagram) -> Network:
    """The tensor network of ``d`` (cached on the diagram).

    >>> import markovcat as mc
    >>> net = mc.network(mc.copy(mc.Bool))
    >>> len(net.leaves), net.dom_wires, net.cod_wires
    (0, (0,), (0, 0))
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"mc.network expects a diagram, given {type(d).__name__}")
    cached = d.__dict__.get("_network")
    if cached is not None:
        return cached
    b = _Builder()
    dom_wires = [b.fresh(n) for n in d.dom.shape]
    cod_wires = b.wire(d, dom_wires)
    net = Network(
        tuple(b.leaves), tuple(b.indices), tuple(dom_wires), tuple(cod_wires), tuple(b.sizes)
    )
    d.__dict__["_network"] = net
    return net


@lru_cache(maxsize=4096)
def query_structure(wiring: tuple, keep: tuple[int, ...], effects: tuple[int, ...]) -> tuple:
    """Contraction structure ``(leaf_indices, extras, output, sizes)`` of a query.

    The output is the dom wires, then the cod wires at positions ``keep``; the cod wires at
    positions ``effects`` are multiplied by a vector each (``("vec", i, position)``); every
    other cod wire is summed out. ``("eye", i, j)`` joins a wire that reaches the output
    twice, ``("ones", i)`` stands for an output wire no tensor touches.
    """
    indices, dom_wires, cod_wires, sizes = wiring
    sizes = list(sizes)
    extras: list[tuple] = [("vec", cod_wires[p], p) for p in effects]
    used = {i for idx in indices for i in idx} | {cod_wires[p] for p in effects}
    out = list(dom_wires) + [cod_wires[k] for k in keep]
    seen: set[int] = set()
    for pos, i in enumerate(out):
        if i in seen:  # a copied wire reaching the boundary twice: join through a delta
            sizes.append(sizes[i])
            j = len(sizes) - 1
            extras.append(("eye", i, j))
            out[pos] = j
            used.update((i, j))
        seen.add(i)
    extras += [("ones", i) for i in dict.fromkeys(out) if i not in used]
    return (indices, tuple(extras), tuple(out), tuple(sizes))


@lru_cache(maxsize=1024)
def _expression(structure: tuple) -> tuple[Any, int, float]:
    """Contraction expression, largest tensor it allocates, and its flop count.

    Up to ``LARGE`` tensors the path comes from ``opt_einsum.contract_path``
    (``mc.config.optimize``); beyond, from opt_einsum's greedy search with our own
    linear-time bookkeeping (``contract_path`` itself is quadratic in the number of
    tensors, 190 s for a 10,000-step hidden Markov model). The expression carries its
    pairwise ``steps`` for the rescaled executor :func:`_run_rescaled`.
    """
    indices, extras, out, sizes = structure
    inputs = [tuple(idx) for idx in indices]
    inputs += [tuple(e[1:3]) if e[0] == "eye" else (e[1],) for e in extras]
    out_size = math.prod(sizes[i] for i in out)  # exact: no float overflow for huge outputs
    if not inputs:
        return None, out_size, 0.0
    if len(inputs) > LARGE:
        plan = _Plan.greedy(inputs, tuple(out), sizes)
        return plan, max(plan.largest, out_size), plan.flops
    sym = oe.get_symbol
    eq = ",".join("".join(map(sym, t)) for t in inputs) + "->" + "".join(map(sym, out))
    shapes = [tuple(sizes[i] for i in t) for t in inputs]
    _, info = oe.contract_path(eq, *shapes, shapes=True, optimize=config.optimize)
    expr = oe.contract_expression(eq, *shapes, optimize=info.path)
    size = {sym(i): n for i, n in enumerate(sizes)}
    expr.steps = _LazySteps([(tuple(c[0]), c[2]) for c in info.contraction_list], size)
    return expr, max(int(info.largest_intermediate), out_size), float(info.opt_cost)


#: Networks with more tensors than this get the linear-time greedy planner.
LARGE = 1500


class _LazySteps:
    """Pairwise steps ``(operand positions, two-operand expression)``, compiled on first use."""

    def __init__(self, raw: list[tuple[tuple[int, ...], str]], size: dict[str, int]) -> None:
        self.raw, self.size = raw, size
        self.compiled: list | None = None

    def __iter__(self):
        if self.compiled is None:
            self.compiled = []
            for inds, step_eq in self.raw:
                terms = step_eq.split("->")[0].split(",")
                shapes = [tuple(self.size[c] for c in t) for t in terms]
                self.compiled.append((inds, oe.contract_expression(step_eq, *shapes)))
        return iter(self.compiled)


class _Plan:
    """A pairwise contraction plan for large networks, callable like an opt_einsum expression."""

    def __init__(self, steps: _LazySteps, largest: int, flops: float) -> None:
        self.steps, self.largest, self.flops = steps, largest, flops

    @classmethod
    def greedy(cls, inputs: list[tuple[int, ...]], out: tuple[int, ...], sizes: tuple) -> _Plan:
        path = oe.paths.greedy([set(t) for t in inputs], set(out), dict(enumerate(sizes)))
        count: dict[int, int] = {}
        for t in [*inputs, out]:
            for i in set(t):
                count[i] = count.get(i, 0) + 1
        operands = list(inputs)
        sym = oe.get_symbol
        raw: list[tuple[tuple[int, ...], str]] = []
        largest, flops = 0, 0  # exact ints: huge networks must not overflow a float
        for pair in path:
            inds = tuple(sorted(pair, reverse=True))
            terms = [operands.pop(k) for k in inds]
            union = list(dict.fromkeys(i for t in terms for i in t))
            for t in terms:
                for i in set(t):
                    count[i] -= 1
            result = tuple(i for i in union if count[i] > 0)
            for i in result:
                count[i] += 1
            operands.append(result)
            largest = max(largest, math.prod(sizes[i] for i in result))
            flops += math.prod(sizes[i] for i in union)
            step_eq = (
                ",".join("".join(map(sym, t)) for t in terms) + "->" + "".join(map(sym, result))
            )
            raw.append((inds, step_eq))
        (last,) = operands
        if last != out:  # bring the axes into the requested order
            raw.append(((0,), "".join(map(sym, last)) + "->" + "".join(map(sym, out))))
        steps = _LazySteps(raw, {sym(i): n for i, n in enumerate(sizes)})
        return cls(steps, largest, float(min(flops, 10**300)))

    def __call__(self, *arrays: Any, backend: str = "numpy") -> Any:
        operands = list(arrays)
        for inds, step in self.steps:
            tmp = [operands.pop(k) for k in inds]
            operands.append(step(*tmp, backend=backend))
        return operands[0]


def _run_rescaled(expr: Any, arrays: list[Any], lead: Any) -> tuple[Any, Any]:
    """Contract pairwise along the path, dividing each intermediate by its largest entry.

    Returns ``(table, log_scale)`` with the true result ``table * exp(log_scale)``. Long
    products of probabilities (200 observations of a hidden Markov model) would underflow
    to 0 in float64 without this; normalised queries simply drop the scale.
    """
    operands = list(arrays)
    log_scale: Any = 0.0
    backend = ops.einsum_backend(lead)
    for inds, step in expr.steps:
        tmp = [operands.pop(i) for i in inds]
        out, s = ops.rescale(ops.wrap(lead, step(*tmp, backend=backend)))
        log_scale = log_scale + s
        operands.append(out)
    return operands[0], log_scale


def _check_output(d: Diagram, structure: tuple) -> None:
    """Fail fast, before planning the contraction, on an output too large to build."""
    out, sizes = structure[2], structure[3]
    entries = math.prod(sizes[i] for i in out)
    if entries <= config.max_elements and len(out) <= MAX_AXES:
        return
    what = f"evaluating {describe(d)} : {describe(d.dom)} → {describe(d.cod)}"
    if entries > config.max_elements:
        count = f"{entries:,}" if entries < 10**30 else f"about 2**{entries.bit_length() - 1}"
        raise MemoryLimitError(
            f"{what} would build a table of {count} entries, over mc.config.max_elements = "
            f"{config.max_elements:,}; query a marginal instead of the whole joint"
        )
    if len(out) > MAX_AXES:
        raise BackendError(
            f"{what} would build a table with {len(out)} axes; einsum supports at most "
            f"{MAX_AXES}: delete or marginalise some wires"
        )


def contraction_cost(d: Diagram) -> dict[str, float]:
    """Largest tensor (entries) and flop count of evaluating ``d``.

    >>> import markovcat as mc
    >>> mc.contraction_cost(mc.copy(mc.Bool))["largest"]
    8
    """
    _, largest, flops = _expression(network(d).structure)
    return {"largest": largest, "flops": flops}


def contract(
    d: Diagram,
    backend: str | None = None,
    keep: Sequence[int] | None = None,
    effects: Mapping[int, Any] | None = None,
    rescaled: bool = False,
) -> Any:
    """One contraction of ``d``: the table of ``d`` by default.

    With ``keep``, only the codomain factors at those positions stay (the others are summed
    out, i.e. deleted); ``effects`` maps codomain positions to vectors that weight that wire
    before it is summed out (a one-hot vector observes an outcome). The result has axes
    ``(*dom.shape, *kept factor shapes)``; nothing larger than needed is built. With
    ``rescaled=True`` the result is ``(table, log_scale)``, the true table being
    ``table * exp(log_scale)``: use it where products of many probabilities would underflow.

    >>> import markovcat as mc, numpy as np
    >>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> contract(p, keep=[0], effects={1: np.array([0.0, 1.0])}).tolist()
    [0.2, 0.4]
    """
    net = network(d)
    keep = tuple(range(len(net.cod_wires))) if keep is None else tuple(keep)
    effects = dict(effects or {})
    positions = tuple(sorted(effects))
    structure = query_structure(net.wiring, keep, positions)
    _check_output(d, structure)
    expr, largest, _ = _expression(structure)
    if largest > config.max_elements:
        raise MemoryLimitError(
            f"evaluating {describe(d)} : {describe(d.dom)} → {describe(d.cod)} would allocate a tensor of "
            f"{largest:,} entries, over mc.config.max_elements = {config.max_elements:,}; "
            "query a marginal instead of the whole joint, or raise the limit"
        )
    arrays = [leaf.table for leaf in net.leaves]
    arrays += [backends.asarray(effects[p]) for p in positions]
    if backend is not None:
        arrays = [backends.convert(a, backend) for a in arrays]
    arrays = backends.promote(arrays)
    lead = arrays[0] if arrays else backends.convert(np.ones(()), backend or "numpy")
    sizes = structure[3]
    for e in structure[1]:
        if e[0] == "eye":
            arrays.append(ops.eye(lead, sizes[e[1]]))
        elif e[0] == "ones":
            arrays.append(ops.ones(lead, (sizes[e[1]],)))
    shape = tuple(sizes[i] for i in structure[2])
    if expr is None:  # nothing at all to contract: the unit
        table = ops.ones(lead, shape)
        return (table, 0.0) if rescaled else table
    if rescaled:
        return _run_rescaled(expr, arrays, lead)
    return ops.wrap(lead, expr(*arrays, backend=ops.einsum_backend(lead)))


def evaluate(d: Diagram, *, backend: str | None = None) -> Kernel:
    """Compile ``d`` to one concrete kernel; cached on ``d`` for its own backend.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.0, 1.0]])
    >>> mc.evaluate(f >> f).matrix.tolist()
    [[0.25, 0.75], [0.0, 1.0]]
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"mc.evaluate expects a diagram, given {type(d).__name__}")
    if isinstance(d, Kernel):
        return d.evaluate(backend)
    if backend is None:
        cached = d.__dict__.get("_evaluated")
        if cached is not None:
            return cached
    result = Kernel._trusted(d.dom, d.cod, contract(d, backend), None)
    if backend is None:
        d.__dict__["_evaluated"] = result
    return result
