"""Ancestral sampling from a state, through its tensor network — never the joint.

The leaves of a state's network are listed in the order the diagram applies them, so a
kernel's inputs are always drawn before it: walk the leaves forwards, and for each one
gather the rows of its table at the already-drawn inputs, ``(n, |outputs|)``, and draw
its outputs by inverse CDF with one uniform per sample. Copies are free (a copied factor
is the same wire, so the same draw); kernels whose outputs feed nothing that is kept are
pruned first (walking the leaves backwards, as the engine does). Exact tables are drawn
in floats; JAX tables draw with ``jax.random`` from a PRNG ``key`` and work under
``jax.jit`` / ``jax.vmap`` with ``labels=False``.

>>> import markovcat as mc
>>> coin = mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool)
>>> draws = mc.sample(coin, 5, seed=1)
>>> len(draws), all(a == b for a, b in draws)
(5, True)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import backends
from ._config import config
from ._diagram import Diagram, describe
from ._engine import Network, network
from ._errors import BackendError, InvalidArgumentError, MemoryLimitError, TypeMismatchError
from ._evidence import factor_positions, parse_evidence
from ._inference import condition
from ._objects import I
from .backends import ops


def _check(diagram: Any, n: Any) -> int:
    if not isinstance(diagram, Diagram):
        raise TypeMismatchError(
            f"mc.sample expects a state diagram I → X1 ⊗ … ⊗ Xn, given {type(diagram).__name__}"
        )
    if diagram.dom != I:
        raise TypeMismatchError(
            f"mc.sample expects a state I → X1 ⊗ … ⊗ Xn, given {describe(diagram)} : "
            f"{describe(diagram.dom)} → {describe(diagram.cod)}; compose it with a state first"
        )
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise InvalidArgumentError(
            f"mc.sample: the number of samples n must be a non-negative int, given {n!r}"
        )
    return int(n)


def _needed(net: Network) -> list[int]:
    """The leaves some kept wire depends on, in order (the rest are barren)."""
    wanted = set(net.cod_wires)
    keep: list[int] = []
    for k in range(len(net.leaves) - 1, -1, -1):
        ins, outs = net.indices[k][: net.n_dom[k]], net.indices[k][net.n_dom[k] :]
        if wanted.intersection(outs):
            keep.append(k)
            wanted.update(ins)
    return keep[::-1]


def _guard(diagram: Diagram, net: Network, leaves: list[int], n: int) -> None:
    """Fail before allocating more than ``mc.config.max_elements`` entries."""
    width = max(
        [len(net.cod_wires)]
        + [int(np.prod([net.sizes[w] for w in net.indices[k][net.n_dom[k] :]])) for k in leaves]
    )
    if n * width > config.max_elements:
        raise MemoryLimitError(
            f"mc.sample: {n:,} samples of {describe(diagram)} : I → {describe(diagram.cod)} "
            f"would allocate {n * width:,} entries (n × {width}), over mc.config.max_elements "
            f"= {config.max_elements:,}; draw fewer samples at a time or raise the limit"
        )


def _backend(net: Network, leaves: list[int], key: Any) -> str:
    kinds = {backends.name(net.leaves[k].table) for k in leaves}
    if "jax" in kinds and "sympy" in kinds:
        raise BackendError(
            "mc.sample cannot combine JAX and exact sympy tables in one diagram; "
            "convert one side with .to('jax') or .to('sympy')"
        )
    if "jax" in kinds or key is not None:
        return "jax"
    return "numpy"


def _draw(
    xp: Any, net: Network, leaves: list[int], n: int, uniforms: Any, tables: list[Any]
) -> Any:
    """Draw every wire the kept leaves produce; ``uniforms(i)`` gives leaf i's n uniforms."""
    drawn: dict[int, Any] = {}
    for i, k in enumerate(leaves):
        ins, outs = net.indices[k][: net.n_dom[k]], net.indices[k][net.n_dom[k] :]
        out_sizes = tuple(net.sizes[w] for w in outs)
        width = int(np.prod(out_sizes))
        table = xp.reshape(tables[i], (*(net.sizes[w] for w in ins), width))
        if ins:
            cdf = xp.cumsum(table[tuple(drawn[w] for w in ins)], axis=-1)  # (n, width)
        else:
            cdf = xp.cumsum(table, axis=-1)[None, :]  # one row, broadcast over samples
        # outcome j where cdf[j-1] <= u·total < cdf[j]: an outcome of probability 0 is never
        # drawn, and rounding in the last entry cannot run past the end
        v = uniforms(i) * cdf[:, -1]
        flat = xp.sum(cdf <= v[:, None], axis=-1)
        flat = xp.minimum(flat, width - 1)
        if outs:
            for w, idx in zip(outs, xp.unravel_index(flat, out_sizes)):
                drawn[w] = idx
    cols = [drawn[w] for w in net.cod_wires]
    if not cols:
        return xp.zeros((n, 0), dtype=int)
    return xp.stack(cols, axis=1)


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and int(seed) >= 0:
        return np.random.default_rng(int(seed))
    raise InvalidArgumentError(
        f"mc.sample: seed must be None, a non-negative int or a numpy Generator, given {seed!r}"
    )


def _labels(diagram: Diagram, idx: np.ndarray) -> list[tuple]:
    columns = []
    for i, factor in enumerate(diagram.cod.factors):
        outcomes = np.empty(len(factor.outcomes), dtype=object)
        for j, o in enumerate(factor.outcomes):  # one by one: tuple outcomes stay whole
            outcomes[j] = o
        columns.append(outcomes[idx[:, i]].tolist())
    if not columns:
        return [()] * idx.shape[0]
    return list(zip(*columns))


def sample(
    diagram: Diagram,
    n: int,
    *,
    seed: Any = None,
    key: Any = None,
    labels: bool = True,
    evidence: Mapping[Any, Any] | None = None,
    keep: Sequence[Any] | None = None,
) -> Any:
    """``n`` independent draws from the state ``diagram : I → X1 ⊗ … ⊗ Xn``.

    Returns a list of ``n`` outcome tuples, one entry per codomain factor in order
    (``labels=True``), or an int array of outcome indices of shape ``(n, factors)``
    (``labels=False``; a JAX array on the JAX path — the form that works under
    ``jax.jit`` and ``jax.vmap``). Sampling is ancestral, kernel by kernel through the
    diagram's tensor network: the joint is never built, kernels whose outputs are all
    deleted are skipped, and a copied factor repeats the same draw.

    ``seed`` (None, an int or a ``numpy.random.Generator``) drives numpy and exact
    tables (exact rows are drawn in floats). Diagrams with JAX tables need ``key``, a JAX
    PRNG key (``jax.random.key(0)``); giving ``key`` also draws numpy tables with JAX.

    ``keep`` (factor positions or names) draws only those factors, in that order (every
    kernel still sampled ancestrally). ``evidence`` (``{factor: outcome}``) draws from the
    posterior given it, exactly: the posterior of the kept unobserved factors is computed
    by the engine (:func:`mc.condition` with ``keep``, a dense table over those factors,
    within ``mc.config.max_elements``) and sampled, observed factors repeating their
    outcome; give ``keep`` on large networks. ``mc.sample(mc.condition(state, evidence,
    keep=[...]), n)`` is the same draw spelled out.

    >>> import markovcat as mc
    >>> Rain = mc.Obj("Rain", ("no", "yes"))
    >>> wet = mc.kernel(Rain, mc.Bool, [[0.9, 0.1], [0.0, 1.0]], name="wet")
    >>> joint = mc.state(Rain, [0.7, 0.3]) >> mc.copy(Rain) >> (mc.identity(Rain) @ wet)
    >>> draws = mc.sample(joint, 1000, seed=0)
    >>> draws[:3]
    [('no', False), ('no', False), ('no', False)]
    >>> sum(r == "yes" for r, w in draws), all(w for r, w in draws if r == "yes")
    (322, True)
    >>> mc.sample(joint, 4, seed=0, labels=False).tolist()
    [[0, 0], [0, 1], [0, 0], [0, 0]]
    >>> wet_days = mc.sample(joint, 1000, seed=0, evidence={"Bool": True}, keep=["Rain"])
    >>> round(sum(r == ("yes",) for r in wet_days) / 1000, 1)  # P(yes | wet) = 0.3 / 0.37
    0.8
    """
    n = _check(diagram, n)
    if evidence is not None or keep is not None:
        return _selected(diagram, n, seed, key, labels, evidence, keep)
    if seed is not None and key is not None:
        raise InvalidArgumentError("mc.sample: give seed= (numpy) or key= (JAX), not both")
    net = network(diagram)  # a symbolic box is an UninterpretedBoxError here
    leaves = _needed(net)
    _guard(diagram, net, leaves, n)
    if _backend(net, leaves, key) == "jax":
        idx = _sample_jax(diagram, net, leaves, n, key)
        if not labels:
            return idx
        if not ops.is_concrete(idx):
            raise TypeMismatchError(
                "mc.sample: outcome labels are not available under jax.jit / jax.vmap; "
                "pass labels=False for an index array"
            )
        return _labels(diagram, np.asarray(idx))
    rng = _rng(seed)
    tables = [
        np.asarray(backends.convert(net.leaves[k].table, "numpy"), dtype=float) for k in leaves
    ]
    idx = _draw(np, net, leaves, n, lambda i: rng.random(n), tables)
    idx = np.asarray(idx, dtype=np.intp)
    return _labels(diagram, idx) if labels else idx


def _sample_jax(diagram: Diagram, net: Network, leaves: list[int], n: int, key: Any) -> Any:
    if key is None:
        raise InvalidArgumentError(
            f"mc.sample: {describe(diagram)} has JAX tables, so it needs key=, a JAX PRNG key "
            "(for example jax.random.key(0)); given none"
        )
    import jax
    import jax.numpy as jnp

    backends.load("jax")
    tables = [backends.convert(net.leaves[k].table, "jax") for k in leaves]
    keys = jax.random.split(key, max(len(leaves), 1))
    dtype = tables[0].dtype if tables else jnp.float32

    def uniforms(i: int) -> Any:
        return jax.random.uniform(keys[i], (n,), dtype=dtype)

    return _draw(jnp, net, leaves, n, uniforms, tables)


def _selected(
    diagram: Diagram,
    n: int,
    seed: Any,
    key: Any,
    labels: bool,
    evidence: Mapping[Any, Any] | None,
    keep: Sequence[Any] | None,
) -> Any:
    """Draws of the ``keep`` factors (all by default), given ``evidence`` if any."""
    cod = diagram.cod
    target = list(range(len(cod.factors))) if keep is None else factor_positions(cod, keep)
    observed = parse_evidence(cod, evidence) if evidence else {}
    if observed:
        hidden = list(dict.fromkeys(p for p in target if p not in observed))
        post = condition(diagram, evidence, keep=hidden)  # type: ignore[arg-type]
        drawn = sample(post, n, seed=seed, key=key, labels=False)
        column = {p: drawn[:, i] for i, p in enumerate(hidden)}
    else:
        drawn = sample(diagram, n, seed=seed, key=key, labels=False)
        column = {p: drawn[:, p] for p in target}
    xp = np if isinstance(drawn, np.ndarray) else _jnp()
    cols = [
        column[p] if p not in observed else xp.full((n,), observed[p], dtype=drawn.dtype)
        for p in target
    ]
    idx = xp.stack(cols, axis=1) if cols else xp.zeros((n, 0), dtype=int)
    if not labels:
        return idx
    factors = [cod.factors[p] for p in target]
    rows = np.asarray(idx)
    columns = [[f.outcomes[j] for j in rows[:, i].tolist()] for i, f in enumerate(factors)]
    return list(zip(*columns)) if columns else [()] * n


def _jnp() -> Any:
    import jax.numpy as jnp

    return jnp
