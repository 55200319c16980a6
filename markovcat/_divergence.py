"""Divergences: Kullback–Leibler, Rényi of every order, total variation — and your own.

A divergence ``D`` compares two morphisms with the same domain and codomain. On states it
is the usual divergence of distributions. On kernels ``f, g : A → X`` it is the hom-set
divergence ``D(f, g) = sup_a D(f(a), g(a))``, which enriches the Markov category. With a
prior ``p : I → A``, ``D(f, g, prior=p)`` is the divergence of the joints
``(id ⊗ f)∘copy∘p`` and ``(id ⊗ g)∘copy∘p``, computed from the ``p``-weighted tables
(no larger than ``f`` itself).

Conventions: natural logarithms unless ``base=`` is given; ``0 log 0 = 0``; KL with a
support mismatch is ``+inf``; total variation carries the ½. Results are backend scalars:
a float, a JAX scalar (differentiable) or an exact sympy expression.

>>> import markovcat as mc
>>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75])
>>> round(mc.KL(p, q), 6), mc.TotalVariation(p, q)
(0.143841, 0.25)

**Your own divergence.** Subclass :class:`SumDivergence` when ``D(p, q) = total(Σ term(p, q))``
with an elementwise ``term`` (``term(0, 0) = 0``); say ``term(0, q) = off_diagonal · q``
and entropy gets its contraction for free. Squared Hellinger distance, for example:

>>> from markovcat.backends import ops
>>> class Hellinger2(mc.SumDivergence):
...     name, logarithmic, off_diagonal = "Hellinger²", False, 0.5
...     def term(self, p, q):
...         return (ops.power(p, 0.5) - ops.power(q, 0.5)) ** 2 / 2
>>> round(Hellinger2()(p, q), 6)
0.034074

Any other divergence subclasses :class:`Divergence` and implements ``rows`` only.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from . import _dispatch
from ._diagram import Diagram
from ._errors import InformationError, TypeMismatchError
from ._numerics import (
    arr,
    check_base,
    check_limit,
    check_prior,
    const,
    finish,
    infinity,
    is_exact,
    log_mean_exp,
    plogq,
    safe_log,
    tables,
    tail,
    weigh,
)
from .backends import ops


class Divergence:
    """The divergence protocol. Subclasses implement :meth:`rows`; the rest is derived.

    Tables have the input axes first (``n`` of them) and the outcome axes after.
    ``logarithmic`` says whether the divergence is measured with a logarithm (then it
    accepts ``base=``). The defaults of :meth:`copy_rows` and :meth:`copy_joint` build the
    ``X ⊗ X`` joints that entropy speaks of (guarded by ``mc.config.max_elements``);
    override them with an equal contraction where you have one.

    >>> import markovcat as mc
    >>> isinstance(mc.KL, mc.Divergence), mc.KL.logarithmic, mc.TotalVariation.logarithmic
    (True, True, False)
    """

    name: str = "divergence"
    logarithmic: bool = True

    # -- to implement ---------------------------------------------------------------------
    def rows(self, p: Any, q: Any, n: int) -> Any:
        """The divergence of each row: ``p``, ``q`` have ``n`` input axes, then outcomes."""
        raise NotImplementedError(f"{type(self).__name__} must implement rows(p, q, n)")

    # -- derived --------------------------------------------------------------------------
    def joint(self, p: Any, q: Any, w: Any) -> Any:
        """The divergence of the joints ``w(a) p(x|a)`` and ``w(a) q(x|a)`` (a 0-d array)."""
        return arr(self.rows(weigh(w, p), weigh(w, q), 0))

    def copy_rows(self, p: Any, n: int) -> Any:
        """Per row ``a``: the divergence of ``copy∘p(a)`` from ``p(a) ⊗ p(a)``."""
        diag, outer = self._copy_tables(p, n)
        return self.rows(diag, outer, n)

    def copy_joint(self, p: Any, w: Any) -> Any:
        """The divergence of the joints of ``w`` with ``copy∘p`` and with ``(p ⊗ p)∘copy``."""
        n = len(w.shape)
        diag, outer = self._copy_tables(p, n)
        return self.joint(diag, outer, w)

    def _copy_tables(self, p: Any, n: int) -> tuple[Any, Any]:
        batch = tuple(p.shape[:n])
        m = math.prod(p.shape[n:])
        check_limit(math.prod(batch) * m * m, f"{self.name} entropy by its definition")
        flat = ops.reshape(p, (*batch, m, 1))
        diag = flat * ops.reshape(ops.eye(p, m), (1,) * n + (m, m))
        outer = flat * ops.reshape(p, (*batch, 1, m))
        return diag, outer

    # -- the user-facing call --------------------------------------------------------------
    def __call__(
        self, p: Diagram, q: Diagram, *, prior: Diagram | None = None, base: Any = None
    ) -> Any:
        """``D(p, q)``; on kernels ``sup_a D(p(a), q(a))``; with ``prior=`` of the joints."""
        if (
            r := _dispatch.other("divergence", p, q, D=self, prior=prior, base=base)
        ) is not _dispatch.NOTHING:
            return r  # Gaussian kernels (markovcat.gauss)
        check_base(base, self.logarithmic, str(self))
        for d, what in ((p, "first"), (q, "second")):
            if not isinstance(d, Diagram):
                raise TypeMismatchError(
                    f"{self}: expected kernels or states, given {type(d).__name__} as the "
                    f"{what} argument"
                )
        if p.dom != q.dom or p.cod != q.cod:
            raise TypeMismatchError(
                f"{self}: both arguments must have the same type; given "
                f"{p.dom} → {p.cod} and {q.dom} → {q.cod}"
            )
        if prior is None:
            a, b = tables(p, q)
            n = len(p.dom.factors)
            r = arr(self.rows(a, b, n))
            value = arr(ops.amax(r, None)) if n else r
        else:
            check_prior(prior, p.dom, str(self))
            a, b, w = tables(p, q, prior)
            value = self.joint(a, b, w)
        return finish(value, base)

    def __str__(self) -> str:
        return self.name


class SumDivergence(Divergence):
    """A divergence ``total(Σ_x term(p(x), q(x)))`` with an elementwise ``term``.

    ``term(0, 0)`` must be 0, and ``term(0, q) = off_diagonal · q`` (0 for KL and Rényi, ½
    for total variation): then the entropy ``D(copy∘p, p⊗p)`` is computed as a contraction
    over ``x`` alone, never building the ``X ⊗ X`` joint.

    >>> import markovcat as mc
    >>> isinstance(mc.TotalVariation, mc.SumDivergence), mc.TotalVariation.off_diagonal
    (True, 0.5)
    """

    off_diagonal: float = 0

    def term(self, p: Any, q: Any) -> Any:
        """The elementwise contribution of one outcome."""
        raise NotImplementedError(f"{type(self).__name__} must implement term(p, q)")

    def total(self, s: Any) -> Any:
        """From the sum of the terms to the divergence (the identity by default)."""
        return s

    def rows(self, p: Any, q: Any, n: int) -> Any:
        return arr(self.total(arr(ops.asum(arr(self.term(p, q)), tail(p, n)))))

    def joint(self, p: Any, q: Any, w: Any) -> Any:
        wp, wq = weigh(w, p), weigh(w, q)
        return arr(self.total(arr(ops.asum(arr(self.term(wp, wq)), None))))

    def _off(self, p: Any, n: int) -> Any:
        """Per row: the off-diagonal mass ``Σ_{x≠x'} p(x)p(x') = 1 − Σ p²`` times the slope."""
        return const(p, self.off_diagonal) * (1 - arr(ops.asum(arr(p * p), tail(p, n))))

    def copy_rows(self, p: Any, n: int) -> Any:
        s = arr(ops.asum(arr(self.term(p, arr(p * p))), tail(p, n)))
        if self.off_diagonal:
            s = s + self._off(p, n)
        return arr(self.total(arr(s)))

    def copy_joint(self, p: Any, w: Any) -> Any:
        n = len(w.shape)
        wp = weigh(w, p)
        s = arr(ops.asum(arr(self.term(wp, arr(wp * p))), None))
        if self.off_diagonal:
            s = s + arr(ops.asum(arr(w * self._off(p, n)), None))
        return arr(self.total(arr(s)))


# ---- the built-in divergences ----------------------------------------------------------------


class KullbackLeibler(SumDivergence):
    """``KL(p‖q) = Σ p log(p/q)``; ``+inf`` where ``q = 0 < p``. Use the instance ``mc.KL``.

    >>> import markovcat as mc
    >>> p, q = mc.state(mc.Bool, [1.0, 0.0]), mc.state(mc.Bool, [0.0, 1.0])
    >>> mc.KL(p, q), mc.KL(q, q)
    (inf, 0.0)
    """

    name = "KL"

    def term(self, p: Any, q: Any) -> Any:
        pos = ops.positive(p)
        both = pos & ops.positive(q)
        one = const(p, 1)
        # log p − log q, not log(p / q): the ratio overflows for q below 1e-308 · p
        log_ratio = ops.log(ops.where(p, both, p, one)) - ops.log(ops.where(q, both, q, one))
        t = arr(p * arr(log_ratio))  # log 1 = 0 off the common support
        return ops.where(p, pos & ~both, infinity(p), t)  # q = 0 < p: +inf

    # KL(copy∘p ‖ p ⊗ p) = Σ p log(p / p²) = −Σ p log p: one pass instead of two
    def copy_rows(self, p: Any, n: int) -> Any:
        return arr(const(p, 0) - arr(ops.asum(plogq(p, p), tail(p, n))))

    def copy_joint(self, p: Any, w: Any) -> Any:
        return arr(const(p, 0) - arr(ops.asum(plogq(weigh(w, p), p), None)))

    def __repr__(self) -> str:
        return "KL"


class TotalVariationDistance(SumDivergence):
    """``TV(p, q) = ½ Σ |p − q|`` (no logarithm). Use the instance ``mc.TotalVariation``.

    >>> import markovcat as mc
    >>> mc.TotalVariation(mc.state(mc.Bool, [1, 0]), mc.state(mc.Bool, [0.5, 0.5]))
    0.5
    """

    name = "TotalVariation"
    logarithmic = False
    off_diagonal = 0.5

    def term(self, p: Any, q: Any) -> Any:
        return ops.absolute(arr(p - q)) * const(p, 0.5)

    def __repr__(self) -> str:
        return "TotalVariation"


def _order(value: Any, what: str) -> int | float:
    """An order in [0, ∞] as an int or float (Fractions and sympy numbers become floats)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InformationError(f"{what}: expected an order in [0, inf], given {value!r}")
    v = float(value)
    if math.isnan(v) or v < 0:
        raise InformationError(f"{what}: expected an order in [0, inf], given {value!r}")
    if math.isinf(v):
        return math.inf
    return int(v) if v.is_integer() else v


@dataclass(frozen=True, init=False)
class Renyi(SumDivergence):
    """The Rényi divergence of order ``alpha`` in [0, ∞]:
    ``D_α(p‖q) = log(Σ p^α q^(1−α)) / (α − 1)``, with the limits
    ``D_0 = −log q(supp p)``, ``D_1 = KL`` and ``D_∞ = log max p/q``.

    An order that is not an integer is used as a float (on the exact backend, as the exact
    value of that float: 0.5 is 1/2). Float tables are computed in log space (see
    :func:`log_mean_exp`): orders next to 1 agree with KL, and ``q`` below 1e-308 gives a
    finite value, not an overflow.

    >>> import math, markovcat as mc
    >>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75])
    >>> [round(mc.Renyi(a)(p, q), 4) for a in (0, 0.5, 1, 2, math.inf)]
    [0.0, 0.0693, 0.1438, 0.2877, 0.6931]
    >>> round(mc.Renyi(1 - 1e-15)(p, q), 12) == round(mc.KL(p, q), 12)
    True
    >>> round(mc.Renyi(2)(p, mc.state(mc.Bool, [1.0, 1e-310])), 3)
    712.415
    """

    alpha: float

    def __init__(self, alpha: Any) -> None:
        object.__setattr__(self, "alpha", _order(alpha, "mc.Renyi"))

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"Renyi({self.alpha})"

    def __repr__(self) -> str:
        return f"Renyi({self.alpha!r})"

    def term(self, p: Any, q: Any) -> Any:
        a = self.alpha
        if a == 1:
            return KL.term(p, q)
        pos_p = ops.positive(p)
        if a == 0:
            return ops.where(p, pos_p, q, const(p, 0))
        if a == math.inf:
            raise NotImplementedError("Renyi(inf) is a maximum, not a sum")
        both = pos_p & ops.positive(q)
        ps = ops.where(p, both, p, const(p, 1))
        qs = ops.where(q, both, q, const(q, 1))
        t = ops.where(p, both, ops.power(ps, a) * ops.power(qs, 1 - a), const(p, 0))
        if a > 1:  # p > 0 = q: the term is infinite
            t = ops.where(p, pos_p & ~both, infinity(p), t)
        return t

    def total(self, s: Any) -> Any:
        a = self.alpha
        if a == 1:
            return s
        if a == 0:
            return arr(const(s, 0) - safe_log(s))  # 0 − log s: no −0.0
        one = const(s, 1)
        # (+ 0 turns a −0.0 into 0.0)
        return arr(arr(safe_log(s) * arr(one / arr(const(s, a) - one))) + const(s, 0))

    # Exact tables use the formulas as they are (term/total below 1, the ratio form above).
    # Float tables work in log space with the log ratios L = log p − log q, which neither
    # overflow (q below 1e-308) nor cancel near α = 1: see log_mean_exp.
    def _logs(self, p: Any) -> bool:
        return self.alpha not in (0, 1) and not is_exact(p)

    def rows(self, p: Any, q: Any, n: int) -> Any:
        if self._logs(p):
            return self._log_form(p, p, q, n, q)
        return super().rows(p, q, n) if self.alpha <= 1 else self._ratio_form(p, p, q, n)

    def joint(self, p: Any, q: Any, w: Any) -> Any:
        if self._logs(p):
            return self._log_form(weigh(w, p), p, q, None, weigh(w, q))
        if self.alpha <= 1:
            return super().joint(p, q, w)
        return self._ratio_form(weigh(w, p), p, q, None)

    def copy_rows(self, p: Any, n: int) -> Any:
        if self.alpha == 1:  # −Σ p log p, without the squares that underflow
            return KL.copy_rows(p, n)
        if self._logs(p):  # weights p, ratios p / p² = 1/p
            return self._log_form(p, const(p, 1), p, n)
        if self.alpha <= 1:
            return super().copy_rows(p, n)
        return self._ratio_form(p, const(p, 1), p, n)

    def copy_joint(self, p: Any, w: Any) -> Any:
        if self.alpha == 1:
            return KL.copy_joint(p, w)
        if self._logs(p):
            return self._log_form(weigh(w, p), const(p, 1), p, None)
        if self.alpha <= 1:
            return super().copy_joint(p, w)
        return self._ratio_form(weigh(w, p), const(p, 1), p, None)

    def _log_form(self, wt: Any, num: Any, den: Any, n: int | None, q: Any = None) -> Any:
        """Float tables: ``log(Σ wt e^((α−1)L)) / (α − 1)`` with ``L = log num − log den``
        where ``wt > 0`` (per row for ``n`` input axes, in total for ``None``), computed by
        :func:`log_mean_exp`; ``D_∞ = max L``; ``+inf`` above order 1 where ``den = 0``.
        Below order ½, given the weights ``q`` of the second argument, the same sum is
        ``Σ q e^(αL)``: a small multiple of ``L`` again, so tiny values near order 0 keep
        their relative accuracy too."""
        a = self.alpha
        axes = None if n is None else tail(wt, n)
        zero, one = const(wt, 0), const(wt, 1)
        mask = ops.positive(wt)
        good = mask & ops.positive(num) & ops.positive(den)
        num, den = ops.where(wt, good, num, one), ops.where(wt, good, den, one)
        L = arr(ops.where(wt, good, arr(ops.log(num)) - arr(ops.log(den)), zero))
        off = arr(ops.amax(ops.where(wt, mask & ~good, one, zero), axes))  # 1: some den = 0
        if a == math.inf:
            top = arr(ops.amax(ops.where(wt, good, L, const(wt, -math.inf)), axes))
            return ops.where(off, ops.positive(off), infinity(off), top)
        w, c = (q, a) if q is not None and a < 0.5 else (wt, a - 1)
        good = good & ops.positive(w)
        log_w = arr(ops.log(ops.where(w, good, w, one)))
        s = log_mean_exp(w, log_w, arr(L * const(L, c)), good, n, near=abs(c) < 0.5)
        value = arr(s / const(s, a - 1))
        if a > 1:  # p > 0 = q: the divergence is infinite
            value = ops.where(off, ops.positive(off), infinity(off), value)
        return arr(value)

    def _ratio_form(self, wt: Any, num: Any, den: Any, n: int | None) -> Any:
        """Exact tables: ``log M + log(Σ wt (r/M)^(α−1)) / (α − 1)`` with ``r = num/den``
        where ``wt > 0`` and ``M`` the largest ratio (per row for ``n`` input axes, in total
        for ``None``); ``D_∞ = log M``; ``+inf`` where ``den = 0``."""
        axes = None if n is None else tail(wt, n)
        zero, one = const(wt, 0), const(wt, 1)
        mask = ops.positive(wt)
        good = mask & ops.positive(den)
        r = arr(ops.where(wt, good, num, one) / ops.where(wt, good, den, one))
        M = arr(ops.amax(ops.where(wt, good, r, zero), axes))
        M = ops.where(M, ops.positive(M), M, const(M, 1))  # no finite ratio: the inf below
        value = safe_log(M) + arr(ops.amax(ops.where(wt, mask & ~good, infinity(wt), zero), axes))
        if self.alpha == math.inf:
            return arr(value)
        scale = M if n is None else ops.reshape(M, tuple(wt.shape[:n]) + (1,) * len(tail(wt, n)))
        terms = ops.where(wt, good, wt * ops.power(arr(r / scale), self.alpha - 1), zero)
        s = arr(ops.asum(terms, axes))
        s = ops.where(s, ops.positive(s), s, const(s, 1))
        coefficient = arr(const(s, 1) / arr(const(s, self.alpha) - const(s, 1)))
        return arr(value + safe_log(s) * coefficient)


#: Kullback–Leibler divergence (relative entropy).
KL = KullbackLeibler()
#: Total variation distance, with the ½.
TotalVariation = TotalVariationDistance()

__all__ = ["KL", "Divergence", "Renyi", "SumDivergence", "TotalVariation"]
