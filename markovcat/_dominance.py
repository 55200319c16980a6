"""Second-order stochastic dominance as a comparison of states (Rothschild–Stiglitz 1970;
Fritz–Gonda–Perrone–Rischel 2023, §5).

For states ``p`` and ``q`` on numbers, ``p`` dominates ``q`` in the second order — ``q``
is a *mean-preserving spread* of ``p`` — iff there is a *dilation* ``k`` (a kernel that
keeps the mean of every outcome it starts from) with ``p >> k == q``; equivalently
``E_p u ≥ E_q u`` for every concave ``u``; equivalently the means agree and the
integrated distribution functions are ordered, ``∫_{-∞}^t F_p ≤ ∫_{-∞}^t F_q`` for all
``t``. :func:`sosd` decides the last criterion (exactly on exact states), finds the
dilation by a linear program (HiGHS, verified in rationals) and, when dominance fails,
returns a concave test function that ``q`` wins.

>>> import markovcat as mc
>>> W = mc.Obj("wealth", (0, 1, 2))
>>> safe = mc.state(W, [0, 1, 0])
>>> risky = mc.state(W, [0.5, 0, 0.5])
>>> mc.sosd(safe, risky).holds, mc.sosd(risky, safe).holds
(True, False)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from . import backends
from ._comparison import Comparison, ConcaveTest
from ._diagram import Diagram
from ._errors import InvalidArgumentError, MarkovCatError, TypeMismatchError
from ._kernel import Kernel, kernel
from ._lp import exact_lp, fraction, fractions, highs, to_sympy
from ._numerics import is_exact, tables
from ._objects import I, Object
from .backends import ops

DEFAULT_ATOL = 1e-9  # float states: slack allowed in the mean and integrated-CDF checks


def _state(p: Any, what: str) -> Diagram:
    if not isinstance(p, Diagram) or p.dom != I:
        given = f"{p.dom} → {p.cod}" if isinstance(p, Diagram) else type(p).__name__
        raise TypeMismatchError(f"mc.sosd: expected a state I → X for {what}, given {given}")
    return p


def _number(v: Any, exact: bool, where: str) -> Any:
    if isinstance(v, bool) or not isinstance(v, numbers.Real | Fraction):
        if backends.is_exact_scalar(v) and getattr(v, "is_real", False):
            return fraction(v, where) if exact else float(v)
        raise InvalidArgumentError(
            f"mc.sosd: {where} must be a number (or pass values= mapping outcomes to "
            f"numbers), given {v!r}"
        )
    if exact:
        return Fraction(repr(v)) if isinstance(v, float) else fraction(v, where)
    return float(v)


def _values(cod: Object, values: Any, exact: bool, what: str) -> list[Any]:
    outs = cod.outcomes
    if values is None:
        raw = list(outs)
    elif callable(values):
        fn: Callable[[Any], Any] = values
        raw = [fn(o) for o in outs]
    elif isinstance(values, Mapping):
        missing = [o for o in outs if o not in values]
        if missing:
            raise InvalidArgumentError(
                f"mc.sosd: values= has no number for {what}'s {missing[0]!r}"
            )
        raw = [values[o] for o in outs]
    else:
        raw = list(np.asarray(values, dtype=object).ravel())
        if len(raw) != len(outs):
            raise InvalidArgumentError(
                f"mc.sosd: values= has {len(raw)} numbers, {what} has {len(outs)} outcomes"
            )
    return [
        _number(v, exact, f"the value of {what}'s outcome {o!r}")
        for v, o in zip(raw, outs, strict=True)
    ]


def _put(probs: list[Any], vals: list[Any], t: Any) -> Any:
    """``E (t − V)⁺ = ∫_{-∞}^t F(s) ds``, the integrated distribution function at ``t``."""
    return sum((w * max(t - v, 0) for w, v in zip(probs, vals, strict=True)), 0 * t)


def _criterion(
    pp: list[Any], vp: list[Any], pq: list[Any], vq: list[Any], tol: float
) -> ConcaveTest | None:
    """None when means agree and ``∫F_p ≤ ∫F_q`` at every breakpoint; else a concave test
    that ``q`` wins (the integrated CDFs are piecewise linear with kinks at the values)."""
    mp = sum((w * v for w, v in zip(pp, vp, strict=True)), 0 * vp[0])
    mq = sum((w * v for w, v in zip(pq, vq, strict=True)), 0 * vq[0])
    if abs(mp - mq) > tol:
        sign = 1 if mq > mp else -1
        return ConcaveTest("linear", None, sign, (sign * mp, sign * mq))
    worst, where = None, None
    for t in sorted(set(vp) | set(vq)):
        gap = _put(pp, vp, t) - _put(pq, vq, t)
        if gap > tol and (worst is None or gap > worst):
            worst, where = gap, t
    if where is None:
        return None
    return ConcaveTest("put", where, 1, (-_put(pp, vp, where), -_put(pq, vq, where)))


def sosd(p: Diagram, q: Diagram, *, values: Any = None, atol: float | None = None) -> Comparison:
    """Whether ``p`` second-order stochastically dominates ``q``: ``q`` is a
    mean-preserving spread of ``p`` (every risk averter prefers ``p``).

    ``p : I → X`` and ``q : I → Y`` are states whose outcomes are numbers, or ``values=``
    maps outcomes to numbers (a function or dict applied to the outcomes of both, or an
    array of one number per outcome when ``X == Y``). Returns a :class:`Comparison`:
    ``.dilation`` is a kernel ``k : X → Y`` with ``p >> k == q`` whose rows on the support
    of ``p`` have mean equal to their starting value (rows off that support are ``q``);
    otherwise ``.certificate`` is a :class:`ConcaveTest` with ``E_q u > E_p u``. The
    answer is the criterion "equal means and ordered integrated CDFs" (exact on exact
    states, within ``atol`` = 1e-9 on floats); the dilation LP is checked against it.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", (1, 2, 3))
    >>> c = mc.sosd(mc.state(X, [0, 1, 0]), mc.state(X, [0.25, 0.5, 0.25]))
    >>> c.holds, c.dilation.matrix[1].tolist()
    (True, [0.25, 0.5, 0.25])
    """
    p, q = _state(p, "p"), _state(q, "q")
    tp, tq = tables(p, q)
    exact = is_exact(tp) and is_exact(tq)
    tol = 0.0 if exact else (DEFAULT_ATOL if atol is None else float(atol))
    if values is not None and not callable(values) and not isinstance(values, Mapping):
        if p.cod != q.cod:
            raise InvalidArgumentError(
                "mc.sosd: an array of values= needs p and q on one object; given "
                f"{p.cod} and {q.cod} (pass a function or dict instead)"
            )
    vp = _values(p.cod, values, exact, "p")
    vq = _values(q.cod, values, exact, "q")
    conv: Any = (
        (lambda t: list(fractions(ops.reshape(t, (-1,)))))
        if exact
        else (lambda t: [float(v) for v in np.asarray(ops.to_numpy(t), float).ravel()])
    )
    pp, pq = conv(tp), conv(tq)
    test = _criterion(pp, vp, pq, vq, tol)
    if exact and test is not None:
        test = ConcaveTest(
            test.kind,
            None if test.threshold is None else to_sympy(test.threshold),
            test.sign,
            (to_sympy(test.expectations[0]), to_sympy(test.expectations[1])),
        )
    dil = _dilation(p, q, pp, vp, pq, vq, exact) if test is None else None
    if dil is not None and not exact:
        dil = dil.to(backends.name(tp))
    if test is None and dil is None:
        if exact:
            raise MarkovCatError("mc.sosd: the criterion holds but no exact dilation was found")
        return Comparison("sosd", True, None, None, exact)
    if test is not None:
        return Comparison("sosd", False, None, test, exact)
    return Comparison("sosd", True, dil, None, exact)


def _dilation(
    p: Diagram, q: Diagram, pp: list[Any], vp: list[Any], pq: list[Any], vq: list[Any], exact: bool
) -> Kernel | None:
    """The LP ``Σ_x p(x) k(y|x) = q(y)``, ``Σ_y k(y|x) v(y) = v(x)``, ``Σ_y k(y|x) = 1``
    over the rows ``x`` in the support of ``p``; None if infeasible."""
    rows = [i for i, w in enumerate(pp) if w > 0]
    m, k = len(rows), len(pq)
    kind: Any = object if exact else float
    zero, one = (Fraction(0), Fraction(1)) if exact else (0.0, 1.0)
    a = np.full((k + 2 * m, m * k), zero, dtype=kind)
    b = np.full(k + 2 * m, zero, dtype=kind)
    for y in range(k):
        for j, i in enumerate(rows):
            a[y, j * k + y] = pp[i]
        b[y] = pq[y]
    for j, i in enumerate(rows):
        a[k + j, j * k : (j + 1) * k] = vq
        b[k + j] = vp[i]
        a[k + m + j, j * k : (j + 1) * k] = one
        b[k + m + j] = one
    c = np.full(m * k, zero, dtype=kind)
    if exact:
        sol = exact_lp(c, None, None, a, b, what="mc.sosd")
        if sol is None:
            return None
        x: Any = np.array(sol.x, dtype=object).reshape(m, k)
    else:
        res = highs(c, a_eq=a, b_eq=b, what="mc.sosd")
        if res.x is None:
            return None
        x = np.clip(res.x.reshape(m, k), 0.0, None)
        x = x / x.sum(axis=1, keepdims=True)
    table = np.empty((len(pp), k), dtype=kind)
    for i in range(len(pp)):
        table[i] = pq  # rows off the support of p: q itself
    for j, i in enumerate(rows):
        table[i] = x[j]
    return kernel(p.cod, q.cod, table, name="dilation")


__all__ = ["sosd"]
