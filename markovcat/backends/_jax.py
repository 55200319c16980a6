"""The JAX backend: registers JAX arrays *and tracers*, so jit, grad and vmap work.

Imported on demand (``mc.backends.load("jax")``, a JAX table, or ``backend="jax"``);
the kernel layer registers concrete kernels and composite diagrams as pytrees when it is
loaded (``backends.on_load``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from .._errors import BackendError, NotStochasticError
from . import _dispatch as d

_A = (jax.Array, Tracer)


def _float(x):
    """A JAX table in JAX's default float dtype: float64 under ``jax_enable_x64`` (float16,
    bfloat16 and float32 tables are promoted), float32 without it (JAX holds no float64
    then; float16 and bfloat16 are still promoted). Ints and bools become that float."""
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise NotStochasticError(f"expected real probabilities, given a complex table ({x.dtype})")
    if not (
        jnp.issubdtype(x.dtype, jnp.floating)
        or jnp.issubdtype(x.dtype, jnp.integer)
        or x.dtype == jnp.bool_
    ):
        raise NotStochasticError(f"expected a numeric table, given dtype {x.dtype}")
    target = jnp.result_type(float)  # the default float: float64 with x64, else float32
    if x.dtype != target:
        x = x.astype(target)
    return x


def from_numpy(x):
    return _float(jnp.asarray(np.asarray(x)))


d.asarray.register(_A)(_float)
d.backend_name.register(_A)(lambda x: "jax")
d.is_exact.register(_A)(lambda x: False)
d.priority.register(_A)(lambda x: 1)
d.to_numpy.register(jax.Array)(lambda x: np.asarray(x, dtype=np.float64))


@d.to_numpy.register(Tracer)
def _traced(x, *args):
    raise BackendError(
        "a traced JAX table has no concrete values inside jax.jit/grad/vmap; compare, "
        "convert or display kernels outside the transformation (or use jnp on .array)"
    )


d.is_zero_one.register(Tracer, object)(_traced)
d.is_concrete.register(jax.Array)(lambda x: True)
d.is_concrete.register(Tracer)(lambda x: False)
d.scalar.register(_A)(lambda x: jnp.reshape(x, ()))
d.log_scalar.register(_A)(lambda x: jnp.reshape(x, ()))
d.nonneg.register(_A)(lambda x: jnp.where(x < 0, 0.0, x) + 0.0)
d.ones.register(_A, tuple)(lambda like, shape: jnp.ones(shape, dtype=like.dtype))
d.eye.register(_A, int)(lambda like, n: jnp.eye(n, dtype=like.dtype))
d.full_like.register(_A, tuple, object)(lambda like, shape, v: jnp.full(shape, v, dtype=like.dtype))
d.einsum_backend.register(_A)(lambda x: "jax")
d.wrap.register(_A, object)(lambda like, r: r)
d.keeps_type.register(_A)(lambda like: True)
d.asum.register(_A, object)(lambda x, axis: jnp.sum(x, axis=axis))
d.amax.register(_A, object)(lambda x, axis: jnp.max(x, axis=axis))
d.amin.register(_A, object)(lambda x, axis: jnp.min(x, axis=axis))
d.log.register(_A)(jnp.log)
d.exp.register(_A)(jnp.exp)
d.power.register(_A, object)(lambda x, p: jnp.power(x, p))
d.absolute.register(_A)(jnp.abs)
d.positive.register(_A)(lambda x: x > 0)
d.reshape.register(_A, tuple)(lambda x, s: jnp.reshape(x, s))
d.transpose.register(_A, tuple)(lambda x, axes: jnp.transpose(x, axes))
d.take.register(_A, int, int)(lambda x, i, axis: jnp.take(x, i, axis=axis))
d.stack.register(_A, list, int)(lambda like, xs, axis: jnp.stack(xs, axis=axis))
d.solve.register(_A, _A)(lambda a, b: jnp.linalg.solve(a, b))
d.rank.register(_A, float)(
    lambda a, atol: jnp.sum(jnp.linalg.svd(a, compute_uv=False) > atol) if a.size else 0
)
d.where.register(_A, object, object, object)(lambda like, c, a, b: jnp.where(c, a, b))
d.xlogy.register(_A, _A)(lambda x, y: jax.scipy.special.xlogy(x, y))
d.xlogy.register(_A, np.ndarray)(lambda x, y: jax.scipy.special.xlogy(x, y))
d.xlogy.register(np.ndarray, _A)(lambda x, y: jax.scipy.special.xlogy(x, y))

# (a tracer is also a jax.Array to isinstance: test for it explicitly, not by dispatch)
d.is_table.register(jax.Array)(lambda x: not isinstance(x, Tracer))
d.is_table.register(Tracer)(lambda x: False)


@d.stochastic_rows.register(jax.Array, int)
def _(x, n_dom):
    # the numpy rule (rows within rounding of 1 kept as given), on the table's own dtype;
    # computed on the concrete values with numpy (jnp under an outer trace gives tracers)
    if isinstance(x, Tracer):
        return x  # values unknown: as given
    host = np.asarray(x)
    fixed = d.stochastic_rows(host, n_dom)
    return x if fixed is host else jnp.asarray(fixed, dtype=x.dtype)


d.stochastic_rows.register(Tracer, int)(lambda x, n_dom: x)  # values unknown: as given


@d.rescale.register(_A)
def _(x):
    m = jnp.max(x)  # probabilities: the maximum is max |x| (one operation fewer to compile)
    safe = jnp.where(m > 0, m, 1.0)
    return x / safe, jnp.log(safe)


@d.normalize.register(_A)
def _(x):
    z = jnp.sum(x)
    positive = z > 0
    return x / jnp.where(positive, z, 1.0), jnp.where(
        positive, jnp.log(jnp.where(positive, z, 1.0)), -jnp.inf
    )


@d.rescale_axes.register(_A, tuple)
def _(x, axes):
    m = jnp.max(x, axis=axes, keepdims=True)
    return x / jnp.where(m > 0, m, 1.0)


@d.allclose.register(_A, _A, object)
def _(a, b, atol):
    return a.shape == b.shape and bool(
        np.allclose(np.asarray(a), np.asarray(b), atol=atol, rtol=0.0)
    )


@d.is_zero_one.register(jax.Array, object)
def _(x, atol):
    return d.is_zero_one(np.asarray(x, dtype=np.float64), atol)


@d.row_problem.register(jax.Array, int, object)
def _(table, n_dom, atol):
    return d.row_problem(np.asarray(table, dtype=np.float64), n_dom, atol)


@d.row_problem.register(Tracer, int, object)
def _(table, n_dom, atol):
    return None  # values are unknown at trace time: shape checks only


d.jit.register(_A, object)(lambda like, fn: jax.jit(fn))
d.device_count.register(_A)(lambda like: jax.device_count())
