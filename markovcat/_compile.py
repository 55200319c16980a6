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
from collections.abc import Mapping, Sequence
from typing import Any

from . import _engine
from ._config import config
from ._diagram import Diagram, describe
from ._engine import Network, Query, network
from ._errors import BackendError, MemoryLimitError, TypeMismatchError
from ._kernel import Kernel
from ._seam import provide
from .backends import ops

#: The most axes one output table may have (einsum has 52 index letters).
MAX_AXES = 52


def _check_output(d: Diagram, keep: Sequence[int]) -> None:
    """Fail fast, before planning, on an output too large to build or with too many axes."""
    shape = d.dom.shape + tuple(d.cod.factors[k].size for k in keep)
    entries = math.prod(shape)
    what = f"evaluating {describe(d)} : {describe(d.dom)} → {describe(d.cod)}"
    if entries > config.max_elements:
        count = f"{entries:,}" if entries < 10**30 else f"about 2**{entries.bit_length() - 1}"
        raise MemoryLimitError(
            f"{what} would build a table of {count} entries, over mc.config.max_elements = "
            f"{config.max_elements:,}; query a marginal instead of the whole joint"
        )
    if len(shape) > MAX_AXES:
        raise BackendError(
            f"{what} would build a table with {len(shape)} axes; einsum supports at most "
            f"{MAX_AXES}: delete or marginalise some wires"
        )


def contraction_cost(d: Diagram) -> dict[str, float]:
    """Largest tensor (entries) and flop count of evaluating ``d``.

    >>> import markovcat as mc
    >>> mc.contraction_cost(mc.copy(mc.Bool))["largest"]
    8
    """
    cost = _engine.cost(d)
    return {"largest": cost["largest"], "flops": cost["flops"]}


def contract(
    d: Diagram,
    backend: str | None = None,
    keep: Sequence[int] | None = None,
    effects: Mapping[int, Any] | None = None,
    normalize: str = "none",
    prune: bool = True,
) -> Any:
    """One contraction of ``d``: the table of ``d`` by default.

    With ``keep``, only the codomain factors at those positions stay (the others are summed
    out, i.e. deleted); ``effects`` maps codomain positions to vectors that weight that wire
    before it is summed out. The result has axes ``(*dom.shape, *kept factor shapes)``;
    nothing larger than needed is built. ``normalize="all"`` divides the result by its
    total, with every intermediate rescaled so that long products do not underflow.
    ``prune=False`` keeps kernels whose outputs are all deleted (``f >> delete`` then
    shows how far ``f``'s rows are from summing to 1, as the laws want to see).

    >>> import markovcat as mc, numpy as np
    >>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> contract(p, keep=[0], effects={1: np.array([0.0, 1.0])}).tolist()
    [0.2, 0.4]
    """
    n = len(network(d).cod_wires)
    keep = tuple(range(n)) if keep is None else tuple(keep)
    _check_output(d, keep)
    effects = dict(effects or {})
    positions = tuple(sorted(effects))
    query = Query(keep=keep, effects=positions, normalize=normalize, prune=prune)
    table, _ = _engine.run(d, query, effects=[effects[p] for p in positions], backend=backend)
    return table


def evaluate(d: Diagram, *, backend: str | None = None) -> Kernel:
    """Compile ``d`` to one concrete kernel; cached on ``d`` for its own backend (never
    while its tables are being traced by JAX).

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
    # the diagram exactly as written: a kernel whose outputs are deleted still counts
    result = Kernel._trusted(d.dom, d.cod, contract(d, backend, prune=False), None)
    if backend is None and ops.is_concrete(result.table):
        d.__dict__["_evaluated"] = result
    return result


provide("evaluate", evaluate)

__all__ = ["MAX_AXES", "Network", "contract", "contraction_cost", "evaluate", "network"]
