"""Small backend-neutral helpers of the information layer: arrays and constants like a
given table, ``0 log 0 = 0``, log-space means accurate near their limits, bases and
guards. Shared by the divergences, the entropies and the chains.

>>> import numpy as np
>>> bool(plogq(np.array([0.0, 0.5]), np.array([0.0, 0.5])).sum() == 0.5 * np.log(0.5))
True
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from . import backends
from ._compile import evaluate
from ._config import config
from ._diagram import Diagram
from ._errors import InformationError, MemoryLimitError, TypeMismatchError
from ._objects import I
from .backends import ops


def arr(x: Any) -> Any:
    """``x`` as a backend array (numpy turns 0-d results into scalars; this undoes it)."""
    return backends.asarray(x)


def const(like: Any, value: float) -> Any:
    """A 0-d array of ``like``'s backend holding ``value`` (exact on sympy: 0.5 → 1/2)."""
    return ops.full_like(like, (), value)


def infinity(like: Any) -> Any:
    """``+inf`` on ``like``'s backend (``oo`` on sympy), as ``-1·log 0`` via ``xlogy``."""
    return arr(-ops.xlogy(const(like, 1), const(like, 0)))


def full_support(q: Any) -> bool:
    """Whether every entry of a concrete table is positive (then formulas need no masks
    for ``q = 0``: one pass over the data instead of several). False under a JAX trace.

    >>> import numpy as np
    >>> full_support(np.array([0.5, 0.5])), full_support(np.array([1.0, 0.0]))
    (True, False)
    """
    return bool(ops.is_concrete(q) and getattr(q, "size", 1) and arr(ops.amin(q, None)) > 0)


def safe_log(x: Any) -> Any:
    """``log x`` with ``log 0 = -inf`` and no warning (``xlogy(1, x)``)."""
    return ops.xlogy(ops.full_like(x, tuple(x.shape), 1), x)


def plogq(p: Any, q: Any) -> Any:
    """``p log q`` for ``q > 0`` wherever ``p > 0``; 0 where ``p = 0`` (even if ``q = 0``),
    with NaN-free gradients: ``log`` only ever sees positive numbers (where every entry
    of a concrete ``p`` is positive, so is ``q``: no mask is needed)."""
    if full_support(p):
        return arr(p * arr(ops.log(q)))
    return arr(p * arr(ops.log(ops.where(q, ops.positive(p), q, const(q, 1)))))


def tail(x: Any, n: int) -> tuple[int, ...]:
    """The axes after the first ``n`` (the outcome axes of a table with ``n`` input axes)."""
    return tuple(range(n, len(x.shape)))


def weigh(w: Any, table: Any) -> Any:
    """``w(a) · table[a, …]``: a prior over the leading axes times a kernel's table."""
    return arr(table * ops.reshape(w, tuple(w.shape) + (1,) * (len(table.shape) - len(w.shape))))


def tables(*ds: Diagram) -> list[Any]:
    """The tables of diagrams, evaluated through the compiler, on one common backend."""
    return backends.promote([evaluate(d).table for d in ds])


def is_exact(x: Any) -> bool:
    """Whether ``x`` is an exact (object) array: no rounding, so formulas are used as is."""
    return bool(ops.is_exact(x))


def log_mean_exp(w: Any, log_w: Any, x: Any, good: Any, n: int | None, near: bool) -> Any:
    """``log(Σ_good w e^x / Σ w)`` on float tables, accurate also when it is tiny.

    Sums run over the outcome axes (after ``n`` input axes; everything for ``None``);
    ``log_w`` is ``log w`` and ``x`` finite where ``good``. The log-sum-exp, shifted by the
    largest ``log w + x``, never overflows. With ``near`` (``x`` a small multiple of log
    ratios: Rényi orders near 1, where ``log(...) / (α−1)`` would amplify a rounding of
    1e-16 to 0.1), a result below ½ in size is recomputed as ``log1p(Σ w expm1(x) / Σ w)``
    (Kahan's expm1, Goldberg's log1p, written with ``exp`` and ``log`` so that every
    backend has them). Dividing by ``Σ w``, 1 up to rounding for distributions, keeps that
    rounding out as well. ``-inf`` where nothing is good. No branch overflows or divides
    by 0, so JAX gradients stay finite.
    """
    axes = None if n is None else tail(w, n)
    zero, one, half = const(w, 0), const(w, 1), const(w, 0.5)

    def per_row(r: Any) -> Any:  # a row's value against the row's entries
        return r if n is None else ops.reshape(r, tuple(w.shape[:n]) + (1,) * len(axes or ()))

    total = arr(ops.asum(w, axes))
    total = arr(ops.where(total, ops.positive(total), total, const(total, 1)))
    z = arr(ops.where(w, good, arr(log_w + x), zero))
    some = ops.positive(arr(ops.asum(ops.where(w, good, one, zero), axes)))
    top = arr(ops.amax(ops.where(w, good, z, const(w, -math.inf)), axes))
    top = arr(ops.where(top, some, top, const(top, 0)))
    e = ops.where(w, good, arr(ops.exp(ops.where(w, good, arr(z - per_row(top)), zero))), zero)
    lse = arr(arr(top + safe_log(arr(ops.asum(e, axes)))) - arr(ops.log(total)))
    if not near:
        return lse
    # near 1: Σ w (e^x − 1), with expm1(x) = (e^x − 1)·x / log e^x for |x| < ½
    x = arr(ops.where(w, good, x, zero))
    small = ops.positive(arr(half - arr(ops.absolute(x))))
    xs = arr(ops.where(w, small, x, zero))
    u = arr(ops.exp(xs))
    moved = ops.positive(arr(ops.absolute(arr(u - one))))
    log_u = arr(ops.where(u, moved, arr(ops.log(ops.where(u, moved, u, one))), one))
    expm1 = ops.where(u, moved, arr(arr(u - one) * arr(xs / log_u)), xs)
    # w e^x − w = e^(log w + x) − w; where that is used, log w + x < log(e^½ Σ w) < 1
    capped = ops.where(z, ops.positive(arr(z - one)), const(z, 1), z)
    far = arr(arr(ops.exp(capped)) - w)
    terms = ops.where(w, good, ops.where(w, small, arr(w * expm1), far), zero)
    off = ops.where(w, good, zero, w)  # mass where the ratio is undefined: e^x = 0
    t = arr(arr(arr(ops.asum(terms, axes)) - arr(ops.asum(off, axes))) / total)
    # log1p(t) = log(1 + t)·t / ((1 + t) − 1), exact where 1 + t rounds to 1
    v = arr(one + t)
    moved = ops.positive(arr(ops.absolute(arr(v - one))))
    safe_v = ops.where(v, ops.positive(v) & moved, v, one)
    log1p = ops.where(
        v, moved, arr(arr(ops.log(safe_v)) * arr(t / ops.where(v, moved, arr(v - one), one))), t
    )
    near = ops.positive(arr(half - arr(ops.absolute(lse))))
    return arr(ops.where(lse, near, log1p, lse))


def check_base(base: Any, logarithmic: bool, what: str) -> None:
    """Validate ``base=``: a real number > 0 and ≠ 1, and only for logarithmic quantities."""
    if base is None:
        return
    if not logarithmic:
        raise InformationError(
            f"{what} has no logarithm, so it takes no base=; given base={base!r}"
        )
    if (
        isinstance(base, bool)
        or not isinstance(base, numbers.Real)
        or not (float(base) > 0 and float(base) != 1 and math.isfinite(float(base)))
    ):
        raise InformationError(
            f"{what}: expected a logarithm base > 0 and ≠ 1 (e.g. 2 for bits), given {base!r}"
        )


def in_base(value: Any, base: Any) -> Any:
    """A value in nats converted to logarithm ``base`` (unchanged for ``None``)."""
    value = arr(value)
    if base is None:
        return value
    return arr(value / arr(ops.log(const(value, base))))


def finish(value: Any, base: Any) -> Any:
    """The backend scalar of a 0-d result, converted to ``base``.

    Everything finished here (a divergence, an entropy) is ``>= 0`` in nats: a float
    rounding error below 0 (``-2e-16`` for independent marginals) becomes 0.
    """
    return ops.log_scalar(in_base(ops.nonneg(arr(value)), base))


def check_limit(entries: int, what: str) -> None:
    """Fail before allocating more than ``mc.config.max_elements`` entries."""
    if entries > config.max_elements:
        raise MemoryLimitError(
            f"{what} would build a table of {entries:,} entries, over "
            f"mc.config.max_elements = {config.max_elements:,}; use a divergence with a "
            "contraction (a SumDivergence) or raise the limit"
        )


# ---- the protocol ---------------------------------------------------------------------------


def check_prior(prior: Any, dom: Any, what: str) -> None:
    """``prior`` must be a state on ``dom``."""
    if not isinstance(prior, Diagram) or prior.dom != I or prior.cod != dom:
        given = f"{prior.dom} → {prior.cod}" if isinstance(prior, Diagram) else type(prior).__name__
        raise TypeMismatchError(f"{what}: expected a prior state I → {dom}, given {given}")


__all__ = [
    "arr",
    "check_base",
    "check_limit",
    "check_prior",
    "const",
    "finish",
    "in_base",
    "infinity",
    "is_exact",
    "log_mean_exp",
    "plogq",
    "safe_log",
    "tables",
    "tail",
    "weigh",
]
