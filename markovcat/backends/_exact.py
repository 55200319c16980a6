"""The exact backend: object arrays of sympy numbers and expressions (``ExactArray``).

Imported on first use (``_exact_array``): importing it registers its primitives.

Rationals stay rationals through every contraction; symbolic parameters (``theta``) stay
symbolic. Stochasticity is checked exactly: a row must simplify to 1. A row whose sum is
symbolic and does not simplify to 1 is rejected. Nonnegativity of a symbolic entry that
sympy cannot decide (``theta`` with no assumptions) is accepted: declare the symbol with
``positive=True`` or keep it in [0, 1] yourself (the documented policy).
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy

from .._errors import NotStochasticError
from . import _dispatch as d
from ._exact_array import ExactArray


def is_exact_scalar(v: object) -> bool:
    return isinstance(v, (Fraction, sympy.Basic))


def _sym(v: object) -> sympy.Expr:
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if isinstance(v, (bool, np.bool_)):
        return sympy.Integer(int(v))
    if isinstance(v, (numbers.Integral, np.integer)):
        return sympy.Integer(int(v))
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):  # nan, oo or -oo: rejected, by row, when the table is checked
            return sympy.Float(float(v))
        # a float becomes the rational of its shortest round-tripping decimal: 0.3 -> 3/10
        return sympy.Rational(repr(float(v)))
    if isinstance(v, sympy.Expr):
        return v
    raise NotStochasticError(f"expected an exact number or sympy expression, given {v!r}")


def to_exact(x: object) -> ExactArray:
    """Convert an array of Fractions, ints, floats or sympy expressions to an ExactArray."""
    arr = np.asarray(x, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = _sym(v)
    return out.view(ExactArray)


def _exact(x: np.ndarray) -> ExactArray:
    return np.asarray(x, dtype=object).view(ExactArray)


def _is_zero(e: sympy.Expr) -> bool | None:
    return sympy.simplify(e).is_zero


d.asarray.register(ExactArray)(lambda x: x)
d.asarray.register((Fraction, sympy.Basic))(lambda x: to_exact(x))
d.backend_name.register(ExactArray)(lambda x: "sympy")
d.is_exact.register(ExactArray)(lambda x: True)
d.priority.register(ExactArray)(lambda x: 1)
d.is_concrete.register((ExactArray, sympy.Basic))(lambda x: True)
d.einsum_backend.register(ExactArray)(lambda x: "object")


@d.wrap.register(ExactArray, object)
def _(like, r):
    arr = np.asarray(r, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = sympy.expand(_sym(v))
    return _exact(out)


d.ones.register(ExactArray, tuple)(
    lambda like, shape: _exact(np.full(shape, sympy.Integer(1), dtype=object))
)
d.full_like.register(ExactArray, tuple, object)(
    lambda like, shape, v: _exact(np.full(shape, _sym(v), dtype=object))
)


@d.eye.register(ExactArray, int)
def _(like, n):
    out = np.full((n, n), sympy.Integer(0), dtype=object)
    for i in range(n):
        out[i, i] = sympy.Integer(1)
    return _exact(out)


@d.to_numpy.register(ExactArray)
def _(x):
    try:
        return np.asarray(np.asarray(x, dtype=object).astype(float), dtype=np.float64)
    except TypeError:
        raise NotStochasticError(
            "cannot convert a symbolic table to floats; substitute values for its symbols first"
        ) from None


d.nonneg.register(ExactArray)(lambda x: x)  # exact arithmetic has no rounding below 0


@d.log_scalar.register(ExactArray)
def _(x):
    # Σ r·log(q) with rationals collects into Σ c·log(prime) + Σ c·log(b): compact, exact.
    # Never factor=True: sympy would factor a 50-digit denominator (for hours); small primes
    # come out by trial division and what is left is split over a coprime basis, so a sum
    # of logs that is 0 still collects to exactly 0.
    v = np.asarray(x, dtype=object).reshape(()).item()
    v = sympy.expand_log(v, force=True)  # log(a/b) = log a − log b; perfect powers only
    ints = {e: int(e.args[0]) for e in v.atoms(sympy.log) if e.args[0].is_Integer}
    ints = {e: n for e, n in ints.items() if n > 1}
    if not ints:
        return sympy.expand(v)
    split = {e: _small_primes_out(n) for e, n in ints.items()}
    basis = _coprime_basis({rest for _, rest in split.values()})
    logs = {}
    for e, (small, rest) in split.items():
        powers = small + [(b, k) for b in basis if (k := _multiplicity(b, rest))]
        logs[e] = sympy.Add(*(k * sympy.log(sympy.Integer(b)) for b, k in powers))
    return sympy.expand(v.xreplace(logs))


#: ``log n`` is expanded over the primes below this bound by trial division (cheap for any
#: size of ``n``); larger prime factors are never searched for.
_TRIAL_BOUND = 10_000
_SMALL_PRIMES = tuple(int(p) for p in sympy.sieve.primerange(2, _TRIAL_BOUND))


def _multiplicity(b: int, n: int) -> int:
    k = 0
    while n % b == 0:
        n //= b
        k += 1
    return k


def _small_primes_out(n: int) -> tuple[list[tuple[int, int]], int]:
    """``n = Π p^k · rest``: the primes ``p`` below the bound with their powers, and the rest
    (1, a prime when below the bound squared, else a number with only large prime factors)."""
    powers: list[tuple[int, int]] = []
    for p in _SMALL_PRIMES:
        if p * p > n:
            break
        if n % p == 0:
            k = _multiplicity(p, n)
            n //= p**k
            powers.append((p, k))
    if 1 < n < _TRIAL_BOUND**2:  # no factor below its square root: a prime
        powers.append((n, 1))
        n = 1
    return powers, n


def _coprime_basis(numbers: set[int]) -> list[int]:
    """Pairwise coprime integers > 1 of which each of ``numbers`` is a product (by gcds,
    never factoring): logs over such a basis are linearly independent over the rationals."""
    basis: list[int] = []
    todo = sorted(numbers)
    while todo:
        a = todo.pop()
        if a == 1:
            continue
        for i, b in enumerate(basis):
            g = int(sympy.igcd(a, b))
            if g > 1:  # a·b → g·(a/g)·(b/g): the product shrinks, so this ends
                del basis[i]
                todo += [g, a // g, b // g]
                break
        else:
            basis.append(a)
    return sorted(basis)


@d.scalar.register(ExactArray)
def _(x):
    v = np.asarray(x, dtype=object).reshape(()).item()
    return v if isinstance(v, sympy.Number) else sympy.simplify(v)  # nsimplify mangles 551/1764


def _elementwise(f):
    return lambda x: _exact(np.vectorize(f, otypes=[object])(np.asarray(x, dtype=object)))


d.asum.register(ExactArray, object)(
    lambda x, axis: _exact(np.asarray(np.sum(np.asarray(x, dtype=object), axis=axis), dtype=object))
)
d.amax.register(ExactArray, object)(lambda x, axis: _reduce(x, axis, sympy.Max))
d.amin.register(ExactArray, object)(lambda x, axis: _reduce(x, axis, sympy.Min))
d.log.register(ExactArray)(_elementwise(lambda v: sympy.log(v) if v != 0 else -sympy.oo))
d.exp.register(ExactArray)(_elementwise(sympy.exp))
d.absolute.register(ExactArray)(_elementwise(sympy.Abs))
d.positive.register(ExactArray)(
    lambda x: np.vectorize(lambda v: bool(v != 0), otypes=[bool])(np.asarray(x, dtype=object))
)
d.reshape.register(ExactArray, tuple)(
    lambda x, s: _exact(np.reshape(np.asarray(x, dtype=object), s))
)
d.transpose.register(ExactArray, tuple)(
    lambda x, axes: _exact(np.transpose(np.asarray(x, dtype=object), axes))
)
d.take.register(ExactArray, int, int)(
    lambda x, i, axis: _exact(np.take(np.asarray(x, dtype=object), i, axis=axis))
)
d.stack.register(ExactArray, list, int)(
    lambda like, xs, axis: _exact(np.stack([np.asarray(v, dtype=object) for v in xs], axis=axis))
)


@d.solve.register(ExactArray, ExactArray)
def _(a, b):
    # exact Gaussian elimination; sympy raises a ValueError subclass when a is singular
    m, rhs = sympy.Matrix(np.asarray(a, dtype=object)), sympy.Matrix(np.asarray(b, dtype=object))
    x = m.LUsolve(rhs)
    return _exact(np.array([sympy.simplify(v) for v in x], dtype=object).reshape(b.shape))


d.rank.register(ExactArray, float)(
    lambda a, atol: int(sympy.Matrix(np.asarray(a, dtype=object)).rank()) if a.size else 0
)
d.where.register(ExactArray, object, object, object)(
    lambda like, c, a, b: _exact(
        np.where(c, np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    )
)


@d.power.register(ExactArray, object)
def _(x, p):
    p = _sym(p)
    return _elementwise(lambda v: v**p if v != 0 or p != 0 else sympy.Integer(1))(x)


def _reduce(x, axis, f):
    arr = np.asarray(x, dtype=object)
    axes = (
        (axis,)
        if isinstance(axis, int)
        else tuple(range(arr.ndim))
        if axis is None
        else tuple(axis)
    )
    keep = [i for i in range(arr.ndim) if i not in axes]
    moved = np.transpose(arr, keep + list(axes)).reshape([arr.shape[i] for i in keep] + [-1])
    out = np.empty(moved.shape[:-1], dtype=object)
    for idx in np.ndindex(*moved.shape[:-1]):
        out[idx] = f(*moved[idx])
    return _exact(out)


@d.xlogy.register(ExactArray, ExactArray)
def _(x, y):
    a, b = np.broadcast_arrays(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
    out = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(*a.shape):
        xv, yv = a[idx], b[idx]
        out[idx] = sympy.Integer(0) if xv == 0 else (xv * sympy.log(yv) if yv != 0 else -sympy.oo)
    return _exact(out)


@d.allclose.register(ExactArray, ExactArray, object)
def _(a, b, atol):
    if a.shape != b.shape:
        return False
    return all(
        _is_zero(u - v) for u, v in zip(np.asarray(a).ravel(), np.asarray(b).ravel(), strict=False)
    )


@d.is_zero_one.register(ExactArray, object)
def _(x, atol):
    return all(v == 0 or v == 1 for v in np.asarray(x).ravel())


@d.row_problem.register(ExactArray, int, object)
def _(table, n_dom, atol):
    rows = np.asarray(table, dtype=object).reshape(
        int(np.prod(table.shape[:n_dom], dtype=np.int64)), -1
    )
    for i, row in enumerate(rows):
        for v in row:
            if v.is_finite is False or v.has(sympy.nan, sympy.zoo):
                return i, f"has a non-finite entry ({v})"
            if v.is_extended_real is False:
                return i, f"has a non-real entry ({v})"
            if v.is_negative:
                return i, f"has a negative entry ({v})"
        total = sympy.simplify(sum(row, sympy.Integer(0)))
        if total != 1 and sympy.simplify(total - 1) != 0:
            return i, f"sums to {total}, expected exactly 1"
    return None


d.rescale.register(ExactArray)(lambda x: (x, 0))
d.keeps_type.register(ExactArray)(lambda like: False)  # object results: expand, re-type
d.rescale_axes.register(ExactArray, tuple)(lambda x, axes: x)


@d.normalize.register(ExactArray)
def _(x):
    z = sympy.expand(sum(np.asarray(x, dtype=object).ravel().tolist(), sympy.Integer(0)))
    if z == 0:
        return x, -sympy.oo
    return _exact(
        np.vectorize(lambda v: sympy.expand(v / z), otypes=[object])(np.asarray(x, dtype=object))
    ), sympy.log(z)


@d.stochastic_rows.register(ExactArray, int)
def _(x, n_dom):
    """Rows converted from floats sum to 1 only up to rounding: divide by their exact sums.
    (The float rows were validated, and renormalised beyond rounding, before conversion.)"""
    arr = np.asarray(x, dtype=object)
    rows = arr.reshape(int(np.prod(arr.shape[:n_dom], dtype=np.int64)), -1)
    out = np.empty(rows.shape, dtype=object)
    changed = False
    for i, row in enumerate(rows):
        total = sum(row, sympy.Integer(0))
        # only numeric sums are touched: symbolic rows were checked to simplify to 1
        if total.is_Number and total != 1 and total != 0:
            out[i], changed = [v / total for v in row], True
        else:
            out[i] = row
    return _exact(out.reshape(arr.shape)) if changed else x
