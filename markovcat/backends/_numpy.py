"""The numpy backend: float64 arrays. Registered on import; the default for plain data."""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

from .._errors import NotStochasticError
from . import _dispatch as d

_F = np.ndarray
_S = (float, int, np.floating, np.integer, np.bool_)


def _to_float64(x: np.ndarray) -> np.ndarray:
    if x.dtype == object:
        return _object_table(x)
    if np.issubdtype(x.dtype, np.complexfloating):
        raise NotStochasticError(f"expected real probabilities, given a complex table ({x.dtype})")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise NotStochasticError(f"expected a numeric table, given dtype {x.dtype}")
    return np.asarray(x, dtype=np.float64)


def _object_table(x: np.ndarray):
    """Object arrays with exact numbers become exact (floats among them by their exact
    binary value); of floats only, float64."""
    from . import _exact

    flat = x.ravel().tolist()
    if any(_exact.is_exact_scalar(v) for v in flat) and all(
        _exact.is_exact_scalar(v) or isinstance(v, (numbers.Integral, *_S)) for v in flat
    ):
        return _exact.to_exact(x)
    if all(isinstance(v, _S) and not isinstance(v, Fraction) for v in flat):
        return np.asarray(x, dtype=np.float64)
    bad = next(v for v in flat if not isinstance(v, _S) and not _exact.is_exact_scalar(v))
    raise NotStochasticError(
        f"expected numbers in the table, given an entry {bad!r} of type {type(bad).__name__}"
    )


@d.asarray.register(np.ndarray)
def _(x):
    return _to_float64(x)


@d.asarray.register((list, tuple))
def _(x):
    try:
        arr = np.asarray(x)
    except ValueError as exc:
        raise NotStochasticError(
            f"expected a rectangular table, given a ragged list ({exc})"
        ) from None
    if arr.dtype == object or arr.dtype.kind in "USV":
        arr = np.asarray(x, dtype=object) if arr.dtype.kind in "USV" else arr
    return _to_float64(arr)


@d.asarray.register(_S)
def _(x):
    return np.asarray(x, dtype=np.float64)


@d.asarray.register(object)
def _(x):
    raise NotStochasticError(
        f"expected an array, nested list or dict of probabilities, given {type(x).__name__}"
    )


d.backend_name.register(np.ndarray)(lambda x: "numpy")
d.priority.register(np.ndarray)(lambda x: 0)
d.to_numpy.register(np.ndarray)(lambda x: np.asarray(x, dtype=np.float64))
d.is_concrete.register(np.ndarray)(lambda x: True)
d.scalar.register(np.ndarray)(lambda x: float(x))
d.log_scalar.register(np.ndarray)(lambda x: float(x))
d.nonneg.register(np.ndarray)(lambda x: np.where(x < 0, 0.0, x) + 0.0)  # + 0.0: no -0.0
d.ones.register(np.ndarray, tuple)(lambda like, shape: np.ones(shape))
d.eye.register(np.ndarray, int)(lambda like, n: np.eye(n))
d.full_like.register(np.ndarray, tuple, object)(lambda like, shape, v: np.full(shape, float(v)))
d.einsum_backend.register(np.ndarray)(lambda x: "numpy")
d.wrap.register(np.ndarray, object)(lambda like, r: np.asarray(r, dtype=np.float64))
d.asum.register(np.ndarray, object)(lambda x, axis: np.asarray(np.sum(x, axis=axis)))
d.amax.register(np.ndarray, object)(lambda x, axis: np.asarray(np.max(x, axis=axis)))
d.amin.register(np.ndarray, object)(lambda x, axis: np.asarray(np.min(x, axis=axis)))
d.log.register(np.ndarray)(lambda x: np.log(x))
d.exp.register(np.ndarray)(lambda x: np.exp(x))
d.power.register(np.ndarray, object)(lambda x, p: np.power(x, p))
d.absolute.register(np.ndarray)(lambda x: np.abs(x))
d.positive.register(np.ndarray)(lambda x: x > 0)
d.reshape.register(np.ndarray, tuple)(lambda x, s: np.reshape(x, s))
d.transpose.register(np.ndarray, tuple)(lambda x, axes: np.transpose(x, axes))
d.take.register(np.ndarray, int, int)(lambda x, i, axis: np.take(x, i, axis=axis))
d.stack.register(np.ndarray, list, int)(lambda like, xs, axis: np.stack(xs, axis=axis))
d.solve.register(np.ndarray, np.ndarray)(lambda a, b: np.linalg.solve(a, b))
d.where.register(np.ndarray, object, object, object)(lambda like, c, a, b: np.where(c, a, b))


@d.xlogy.register(np.ndarray, np.ndarray)
def _(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


@d.allclose.register(np.ndarray, np.ndarray, object)
def _(a, b, atol):
    return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, rtol=0.0))


@d.is_zero_one.register(np.ndarray, object)
def _(x, atol):
    return bool(np.all((np.abs(x) <= atol) | (np.abs(x - 1.0) <= atol)))


@d.row_problem.register(np.ndarray, int, object)
def _(table, n_dom, atol):
    rows = table.reshape(int(np.prod(table.shape[:n_dom], dtype=np.int64)), -1)
    finite = np.isfinite(rows).all(axis=1)
    if not finite.all():
        i = int(np.argmin(finite))
        return i, f"has a non-finite entry ({rows[i][~np.isfinite(rows[i])][0]})"
    nonneg = (rows >= 0).all(axis=1)
    if not nonneg.all():
        i = int(np.argmin(nonneg))
        return i, f"has a negative entry ({rows[i].min():.6g})"
    with np.errstate(over="ignore"):  # huge entries sum to inf: reported below, not warned
        sums = rows.sum(axis=1)
    dev = np.abs(sums - 1.0)
    if dev.size and dev.max() > atol:
        i = int(np.argmax(dev > atol))
        return i, f"sums to {sums[i]:.10g}, expected 1 within {atol:g}"
    return None


@d.rescale.register(np.ndarray)
def _(x):
    m = float(np.max(np.abs(x))) if x.size else 0.0
    if m == 0.0 or not np.isfinite(m):
        return x, 0.0
    return np.asarray(x / m), float(np.log(m))


d.jit.register(np.ndarray, object)(lambda like, fn: fn)  # numpy and exact arrays: run as is


d.exact_rows.register(np.ndarray, int)(lambda x, n_dom: x)
