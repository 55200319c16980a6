"""The numpy backend: float64 arrays. Registered on import; the default for plain data."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from .._errors import NotStochasticError
from . import _dispatch as d
from . import _exact_array

#: numpy arrays and the numpy scalars that 0-d einsums and reductions return
_F = (np.ndarray, np.number, np.bool_)
_S = (float, int, np.floating, np.integer, np.bool_)


#: dtype kinds that are not probabilities, though numpy may call some of them numbers
_NOT_PROBABILITIES = {"m": "a timedelta", "M": "a datetime", "c": "a complex"}


def _to_float64(x: np.ndarray) -> np.ndarray:
    if isinstance(x, np.ma.MaskedArray):  # np.asarray would drop the mask silently
        raise NotStochasticError(
            "expected a plain array of probabilities, given a masked array (np.ma.MaskedArray);"
            " fill the masked entries first (x.filled(0.0)) if that is what you mean"
        )
    if x.dtype == object:
        return _object_table(x)
    if x.dtype.kind in _NOT_PROBABILITIES:
        raise NotStochasticError(
            f"expected real probabilities, given {_NOT_PROBABILITIES[x.dtype.kind]} table "
            f"({x.dtype})"
        )
    if x.dtype.kind not in "biuf":  # strings, bytes, structured records
        raise NotStochasticError(f"expected a numeric table, given dtype {x.dtype}")
    return np.asarray(x, dtype=np.float64)


def _is_number(v: object) -> bool:
    """A real float, int or bool (numpy's timedelta64 is an integer type: not a number here)."""
    return isinstance(v, _S) and not isinstance(v, (np.timedelta64, np.datetime64, Fraction))


def _object_table(x: np.ndarray):
    """Object arrays with exact numbers become exact (floats among them by their exact
    binary value); of floats only, float64."""
    flat = list(x.ravel())  # (not tolist: that turns timedelta64 entries into timedeltas)
    exact = _exact_array.is_exact_scalar
    if any(exact(v) for v in flat) and all(
        exact(v) or _is_number(v) or isinstance(v, numbers.Integral) for v in flat
    ):
        return _exact_array.exact_backend().to_exact(x)
    if all(_is_number(v) for v in flat):
        try:
            return np.asarray(x, dtype=np.float64)
        except OverflowError:  # a Python int beyond float64 (10**400, say)
            big = next(v for v in flat if isinstance(v, int) and abs(v) > 2**1023)
            raise NotStochasticError(
                f"expected probabilities, given an entry of {len(str(abs(big)))} digits, "
                "beyond float64; give exact fractions (fractions.Fraction) for exact tables"
            ) from None
    bad = next(v for v in flat if not _is_number(v) and not exact(v))
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
    if not _is_number(x):
        raise NotStochasticError(f"expected a number, given {x!r} of type {type(x).__name__}")
    return np.asarray(x, dtype=np.float64)


@d.asarray.register(object)
def _(x):
    raise NotStochasticError(
        f"expected an array, nested list or dict of probabilities, given {type(x).__name__}"
    )


d.backend_name.register(_F)(lambda x: "numpy")
d.is_exact.register(_F)(lambda x: False)
d.priority.register(_F)(lambda x: 0)
d.to_numpy.register(_F)(lambda x: np.asarray(x, dtype=np.float64))
d.is_concrete.register((*_F, float, int))(lambda x: True)
d.scalar.register(_F)(lambda x: float(x))
d.log_scalar.register(_F)(lambda x: float(x))
d.nonneg.register(_F)(lambda x: np.where(x < 0, 0.0, x) + 0.0)  # + 0.0: no -0.0
d.ones.register(_F, tuple)(lambda like, shape: np.ones(shape))
d.eye.register(_F, int)(lambda like, n: np.eye(n))
d.full_like.register(_F, tuple, object)(lambda like, shape, v: np.full(shape, float(v)))
d.einsum_backend.register(_F)(lambda x: "numpy")
d.wrap.register(_F, object)(lambda like, r: np.asarray(r, dtype=np.float64))
d.keeps_type.register(_F)(lambda like: True)  # ndarrays and numpy scalars: both registered
d.asum.register(_F, object)(lambda x, axis: np.asarray(np.sum(x, axis=axis)))
d.amax.register(_F, object)(lambda x, axis: np.asarray(np.max(x, axis=axis)))
d.amin.register(_F, object)(lambda x, axis: np.asarray(np.min(x, axis=axis)))


@d.log.register(_F)
def _(x):
    with np.errstate(divide="ignore"):  # log 0 = -inf is a value here (impossible events)
        return np.log(x)


d.exp.register(_F)(lambda x: np.exp(x))
d.power.register(_F, object)(lambda x, p: np.sqrt(x) if p == 0.5 else np.power(x, p))
d.absolute.register(_F)(lambda x: np.abs(x))
d.positive.register(_F)(lambda x: x > 0)
d.reshape.register(_F, tuple)(lambda x, s: np.reshape(x, s))
d.transpose.register(_F, tuple)(lambda x, axes: np.transpose(x, axes))
d.take.register(_F, int, int)(lambda x, i, axis: np.take(x, i, axis=axis))
d.stack.register(_F, list, int)(lambda like, xs, axis: np.stack(xs, axis=axis))
d.solve.register(_F, np.ndarray)(lambda a, b: np.linalg.solve(a, b))
d.rank.register(_F, float)(lambda a, atol: int(np.linalg.matrix_rank(a, tol=atol)) if a.size else 0)
d.where.register(_F, object, object, object)(lambda like, c, a, b: np.where(c, a, b))


@d.xlogy.register(_F, np.ndarray)
def _(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


@d.allclose.register(_F, np.ndarray, object)
def _(a, b, atol):
    return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, rtol=0.0))


@d.is_zero_one.register(_F, object)
def _(x, atol):
    return bool(np.all((np.abs(x) <= atol) | (np.abs(x - 1.0) <= atol)))


@d.row_problem.register(_F, int, object)
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


#: numpy tables are divided by their maximum only when it leaves this range: a product of
#: two tables in range cannot underflow, and the division is skipped where nothing is at risk.
SAFE_RANGE = (1e-150, 1e150)


@d.rescale.register(_F)
def _(x):
    if not x.size:
        return x, 0.0
    m = x.max()  # probabilities: the maximum is max |x|
    if SAFE_RANGE[0] < m < SAFE_RANGE[1] or m == 0.0 or not math.isfinite(m):
        return x, 0.0
    return x / m, math.log(m)


@d.normalize.register(_F)
def _(x):
    z = float(x.sum())
    if z > 0:
        return x / z, math.log(z)
    return x, -math.inf


@d.rescale_axes.register(_F, tuple)
def _(x, axes):
    if not x.size:
        return x
    m = np.max(x, axis=axes, keepdims=True)
    return x / np.where(m > 0, m, 1.0)


d.jit.register(_F, object)(lambda like, fn: fn)  # numpy and exact arrays: run as is
d.device_count.register(_F)(lambda like: 1)


@d.stochastic_rows.register(_F, int)
def _(x, n_dom):
    rows = np.reshape(x, (int(np.prod(x.shape[:n_dom], dtype=np.int64)), -1))
    if not rows.size:
        return x
    sums = rows.sum(axis=1, keepdims=True)
    # a stochastic row sums to 1 within a few ulps (pairwise summation): keep those as given
    tol = 4 * np.finfo(rows.dtype).eps * max(1.0, math.log2(rows.shape[1]))
    off = np.abs(sums - 1.0) > tol
    if not off.any():
        return x
    return np.reshape(np.where(off, rows / np.where(off, sums, 1.0), rows), x.shape)


d.is_table.register(object)(lambda x: False)
d.is_table.register(np.ndarray)(lambda x: True)
d.readonly.register(object, bool)(lambda x, copy: x)  # scalars, tracers: immutable already


@d.readonly.register(np.ndarray, bool)
def _(x, copy):
    if not copy and not x.flags.writeable:
        return x
    out = x.copy() if copy else x.view()
    out.flags.writeable = False
    return out
