"""f-divergences (Csiszár, Ali–Silvey): ``D_f(p‖q) = Σ_x q(x) f(p(x) / q(x))``.

For a convex ``f`` with ``f(1) = 0`` this is a divergence on every hom-set of the Markov
category: ``D_f(p, p) = 0``, ``D_f >= 0`` and data processing ``D_f(p>>h, q>>h) <= D_f(p, q)``
(laws in :mod:`markovcat.laws.divergences`). Conventions: ``0 f(0/0) = 0`` and, where
``q = 0 < p``, ``q f(p/q) = p · f'(∞)`` with the slope ``f'(∞) = lim f(t)/t`` (``+inf`` for
``χ²`` and KL). Like every :class:`~markovcat.SumDivergence`, an f-divergence has the
hom-set form ``D(f, g) = sup_a D(f(a), g(a))``, the ``prior=`` form on joints, and an
entropy ``D(copy∘p, p⊗p)`` computed as a contraction over ``X`` alone (the off-diagonal
terms are ``f(0)·q``).

>>> import markovcat as mc
>>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75])
>>> round(mc.Hellinger(p, q), 6), round(mc.ChiSquared(p, q), 6)
(0.034074, 0.333333)
>>> pearson = mc.FDivergence(lambda t: (t - 1) ** 2, name="Pearson")
>>> round(pearson(p, q), 6)
0.333333
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._divergence import KL, Divergence, SumDivergence, TotalVariation
from ._errors import InformationError
from ._numerics import arr, const, full_support, infinity, tail
from .backends import ops


def _estimate_slope(f: Callable[[Any], Any]) -> float:
    """``lim f(t)/t`` from two large ``t``: ``+inf`` when it still grows."""
    with np.errstate(all="ignore"):
        a = float(np.asarray(f(np.array([1e8])))[0]) / 1e8
        b = float(np.asarray(f(np.array([1e16])))[0]) / 1e16
    if not math.isfinite(b) or b > 1e6 or b > a + 1e-6 * max(1.0, abs(a)):
        return math.inf
    return b


def _check_generator(f: Callable[[Any], Any], name: str) -> tuple[float, float]:
    """``f(1) = 0`` and convexity on a grid of (0, ∞); returns ``f(0)`` as a float and ``f`` at
    the grid (for the message)."""
    grid = np.concatenate([np.geomspace(1e-6, 1e6, 121), [1.0]])
    grid.sort()
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(f(grid), dtype=float)
            at_zero = float(np.asarray(f(np.array([0.0])), dtype=float)[0])
    except Exception as e:
        raise InformationError(
            f"mc.FDivergence({name}): expected f to act elementwise on numpy arrays of "
            f"ratios, but f(array) raised {type(e).__name__}: {e}"
        ) from None
    if values.shape != grid.shape:
        raise InformationError(
            f"mc.FDivergence({name}): expected f to act elementwise, given one that maps "
            f"an array of shape {grid.shape} to shape {values.shape}"
        )
    one = float(values[np.searchsorted(grid, 1.0)])
    if not abs(one) <= 1e-12:
        raise InformationError(
            f"mc.FDivergence({name}): expected f(1) = 0 (so that D(p, p) = 0), given f(1) = {one}"
        )
    # convex: every chord lies above the graph (midpoints of neighbouring grid points)
    mid = (grid[:-1] + grid[1:]) / 2
    with np.errstate(all="ignore"):
        at_mid = np.asarray(f(mid), dtype=float)
    chords = (values[:-1] + values[1:]) / 2
    scale = np.maximum(1.0, np.abs(chords))
    bad = np.flatnonzero(at_mid > chords + 1e-9 * scale)
    if bad.size:
        t = float(mid[bad[0]])
        raise InformationError(
            f"mc.FDivergence({name}): expected a convex f, but f({t:.4g}) = {at_mid[bad[0]]:.6g} "
            f"lies above the chord {chords[bad[0]]:.6g} of its neighbours"
        )
    return at_zero, one


class FDivergence(SumDivergence):
    """The f-divergence ``Σ q f(p/q)`` of a convex ``f`` with ``f(1) = 0``.

    ``f`` acts elementwise on backend arrays of ratios: arithmetic (``+ − * / **``) works on
    every backend; for other functions use :mod:`markovcat.backends.ops` (``ops.log``,
    ``ops.xlogy``, ``ops.power``). It is checked on floats to satisfy ``f(1) = 0`` and to be
    convex. ``slope`` is ``f'(∞) = lim f(t)/t``, the cost of mass where ``q = 0 < p``
    (estimated from ``f`` when not given; ``math.inf`` for an unbounded slope).
    ``logarithmic=True`` lets the divergence take ``base=`` (for generators made of logs).

    >>> import markovcat as mc
    >>> from markovcat.backends import ops
    >>> kl = mc.FDivergence(lambda t: ops.xlogy(t, t), name="KL", logarithmic=True)
    >>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75])
    >>> round(kl(p, q), 6) == round(mc.KL(p, q), 6)
    True
    """

    def __init__(
        self,
        f: Callable[[Any], Any],
        *,
        name: str | None = None,
        slope: float | None = None,
        logarithmic: bool = False,
    ) -> None:
        if not callable(f):
            raise InformationError(f"mc.FDivergence: expected a callable f(t), given {f!r:.80}")
        label = str(name or getattr(f, "__name__", "f"))
        self.f = f
        self.name = f"FDivergence({label})" if name is None else name
        self.logarithmic = bool(logarithmic)
        at_zero, _ = _check_generator(f, label)
        if not math.isfinite(at_zero):
            raise InformationError(
                f"mc.FDivergence({label}): expected a finite f(0), given f(0) = {at_zero}; "
                "for such generators swap the arguments (f*(t) = t f(1/t) has f*(0) = f'(∞))"
            )
        self.off_diagonal = at_zero
        self.slope = _estimate_slope(f) if slope is None else float(slope)

    def generator(self, t: Any) -> Any:
        """``f`` at the array of ratios ``t``."""
        return self.f(t)

    def _off(self, p: Any, n: int) -> Any:
        """Per row: ``f(0)`` (on the table's backend: exact on sympy) times ``1 − Σ p²``."""
        at_zero = arr(self.generator(ops.full_like(p, (), 0)))
        return at_zero * (1 - arr(ops.asum(arr(p * p), tail(p, n))))

    def term(self, p: Any, q: Any) -> Any:
        if full_support(q):  # no q = 0 to treat apart
            return arr(q * arr(self.generator(arr(p / q))))
        pos_p, pos_q = ops.positive(p), ops.positive(q)
        one = const(p, 1)
        ratio = arr(ops.where(p, pos_q, p, one) / ops.where(q, pos_q, q, one))
        inside = arr(q * arr(self.generator(ratio)))
        t = ops.where(p, pos_q, inside, const(p, 0))
        if math.isinf(self.slope):
            edge = infinity(p)
        else:
            edge = arr(p * const(p, self.slope))
        return ops.where(p, pos_p & ~pos_q, edge, t)

    def __repr__(self) -> str:
        return f"FDivergence({self.name})"


class HellingerDistance(FDivergence):
    """Squared Hellinger distance with the ½: ``H²(p, q) = ½ Σ (√p − √q)² = 1 − Σ √(pq)``,
    the f-divergence of ``f(t) = ½ (√t − 1)²``. Use the instance ``mc.Hellinger``.

    ``H² <= TV <= √2 · H`` (a law). No logarithm: ``base=`` is an error.

    >>> import markovcat as mc
    >>> mc.Hellinger(mc.state(mc.Bool, [1, 0]), mc.state(mc.Bool, [0, 1]))
    1.0
    """

    def __init__(self) -> None:
        self.f = self.generator
        self.name = "Hellinger"
        self.logarithmic = False
        self.off_diagonal = 0.5
        self.slope = 0.5

    def generator(self, t: Any) -> Any:
        return arr(arr(ops.power(t, 0.5) - 1) ** 2 * const(t, 0.5))

    def term(self, p: Any, q: Any) -> Any:  # ½ (√p − √q)², exact for sympy and at 0
        d = arr(ops.power(p, 0.5) - ops.power(q, 0.5))
        return arr(d * d * const(p, 0.5))

    def __repr__(self) -> str:
        return "Hellinger"


class ChiSquaredDivergence(FDivergence):
    """Pearson's ``χ²(p‖q) = Σ (p − q)² / q``, the f-divergence of ``f(t) = (t − 1)²``;
    ``+inf`` where ``q = 0 < p``. Use the instance ``mc.ChiSquared``.

    ``KL <= log(1 + χ²)`` (a law). No logarithm: ``base=`` is an error.

    >>> import markovcat as mc
    >>> mc.ChiSquared(mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75]))
    0.3333333333333333
    """

    def __init__(self) -> None:
        self.f = self.generator
        self.name = "ChiSquared"
        self.logarithmic = False
        self.off_diagonal = 1.0
        self.slope = math.inf

    def generator(self, t: Any) -> Any:
        d = arr(t - 1)
        return arr(d * d)

    def term(self, p: Any, q: Any) -> Any:
        if full_support(q):  # no q = 0 to treat apart
            d = arr(p - q)
            return arr(d * d / q)
        pos_p, pos_q = ops.positive(p), ops.positive(q)
        safe = ops.where(q, pos_q, q, const(q, 1))
        d = arr(p - q)
        t = ops.where(p, pos_q, arr(d * d / safe), const(p, 0))
        return ops.where(p, pos_p & ~pos_q, infinity(p), t)

    def __repr__(self) -> str:
        return "ChiSquared"


def is_f_divergence(d: Divergence) -> bool:
    """Whether ``d`` is an f-divergence (and so satisfies data processing and joint convexity):
    every :class:`FDivergence`, KL and total variation.

    >>> import markovcat as mc
    >>> from markovcat._fdivergence import is_f_divergence
    >>> is_f_divergence(mc.Hellinger), is_f_divergence(mc.KL), is_f_divergence(mc.Renyi(2))
    (True, True, False)
    """
    return isinstance(d, FDivergence) or d is KL or d is TotalVariation


#: Squared Hellinger distance, with the ½.
Hellinger = HellingerDistance()
#: Pearson's χ² divergence.
ChiSquared = ChiSquaredDivergence()

__all__ = ["ChiSquared", "FDivergence", "Hellinger", "is_f_divergence"]
