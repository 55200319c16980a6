"""Batches across JAX devices: ``jax.vmap`` of a function, compiled once, its batch axis
split over a one-axis device mesh with ``jax.sharding.NamedSharding``.

XLA partitions the mapped computation along the batch (each device computes its share
of the rows; nothing else is communicated), so a batch of queries — one per evidence
pattern, per parameter table, per slice of a sliced contraction — runs on every device
at once. A batch whose length is not a multiple of the device count is padded with
copies of its last row, and the padding is cut from the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .._errors import InvalidArgumentError


def sharded_vmap(
    fn: Callable[..., Any],
    in_axes: int | Sequence[int | None] | None = 0,
    devices: Sequence[Any] | None = None,
) -> Callable[..., Any]:
    """``jax.vmap(fn, in_axes)`` compiled once, with the mapped arguments' batch axis
    (axis 0) placed across ``devices`` (default: all of JAX's devices)."""
    if not callable(fn):
        raise InvalidArgumentError(f"sharded_vmap: expected a function, given {fn!r:.80}")
    flat = in_axes if isinstance(in_axes, (list, tuple)) else (in_axes,)
    if any(ax not in (None, 0) or isinstance(ax, bool) for ax in flat):
        raise InvalidArgumentError(
            f"sharded_vmap: expected in_axes of 0 or None per argument, given {in_axes!r:.80}"
        )
    try:
        chosen = list(jax.devices() if devices is None else devices)
    except TypeError:
        chosen = [devices]
    if not chosen or not all(isinstance(x, jax.Device) for x in chosen):
        raise InvalidArgumentError(
            f"sharded_vmap: expected a non-empty list of JAX devices (jax.devices()), given "
            f"{devices!r:.80}"
        )
    mesh = Mesh(np.array(chosen, dtype=object), ("batch",))
    rows = NamedSharding(mesh, PartitionSpec("batch"))
    mapped = jax.jit(jax.vmap(fn, in_axes=in_axes))

    def run(*args: Any) -> Any:
        axes = in_axes if isinstance(in_axes, (list, tuple)) else (in_axes,) * len(args)
        if len(axes) != len(args):
            raise InvalidArgumentError(
                f"sharded_vmap: in_axes names {len(axes)} argument(s), given {len(args)}"
            )
        sizes = {
            (np.shape(leaf) or (0,))[0]  # a scalar has no batch axis: counted as empty
            for a, ax in zip(args, axes, strict=True)
            if ax is not None
            for leaf in jax.tree_util.tree_leaves(a)
        }
        if len(sizes) != 1 or 0 in sizes:
            raise InvalidArgumentError(
                "sharded_vmap: the mapped arguments must share one non-empty leading "
                f"(batch) axis, given batch sizes {sorted(sizes)}"
            )
        (n,) = sizes
        pad = -n % len(chosen)

        def place(x: Any) -> Any:
            x = jnp.asarray(x)
            if pad:
                x = jnp.concatenate([x, jnp.repeat(x[-1:], pad, axis=0)])
            return jax.device_put(x, rows)

        placed = [
            a if ax is None else jax.tree_util.tree_map(place, a)
            for a, ax in zip(args, axes, strict=True)
        ]
        out = mapped(*placed)
        return jax.tree_util.tree_map(lambda y: y[:n], out) if pad else out

    return run


__all__ = ["sharded_vmap"]
