"""Exact linear programming on top of HiGHS: float solves, rational answers.

``scipy.optimize.linprog(method="highs")`` solves a linear program in floats. For exact
(rational) data markovcat never trusts that float answer alone: it rebuilds a *rational*
point from it — solving the constraints the float solution makes active exactly, in
:class:`fractions.Fraction`, with the remaining freedom rounded to the float values — and
then checks feasibility (and, for optimisation, a dual certificate of the same value) in
rationals. When the rebuild does not verify, the caller gets ``None`` and decides what to
do; no answer is ever decided by a float tolerance on exact inputs.

scipy and sympy are imported inside the functions, so ``import markovcat`` stays fast.

>>> from fractions import Fraction as F
>>> solve_near([[F(1), F(1)], [F(1), F(-1)]], [F(1), F(0)], [0.5, 0.5])
[Fraction(1, 2), Fraction(1, 2)]
"""

from __future__ import annotations

import importlib
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ._errors import InvalidArgumentError, MarkovCatError

# interior point without crossover, loose tolerances: its point is only a guess that the
# exact rebuild corrects (and verifies), so speed matters more than its last digits
_INTERIOR = {
    "run_crossover": "off",
    "presolve": False,
    "ipm_optimality_tolerance": 1e-5,
    "primal_feasibility_tolerance": 1e-6,
    "dual_feasibility_tolerance": 1e-6,
}
GRID = 2**40  # float guesses are rounded to multiples of 2^-40 (small exact numbers)


def scipy(module: str) -> Any:
    """``scipy.<module>``, imported on first use: scipy is a dependency of markovcat, but
    a heavy import, so ``import markovcat`` does not pay for it.

    >>> scipy("optimize").linprog.__name__
    'linprog'
    """
    return importlib.import_module(f"scipy.{module}")


def _sympy() -> Any:
    """sympy, imported on first use (``import markovcat`` does not load it)."""
    return importlib.import_module("sympy")


def fraction(v: Any, what: str = "an entry") -> Fraction:
    """A rational number as a :class:`Fraction` (sympy Rational, int, Fraction, exact
    float); an irrational exact entry is an :class:`InvalidArgumentError`.

    >>> import sympy
    >>> fraction(sympy.Rational(2, 6))
    Fraction(1, 3)
    """
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int | np.integer):
        return Fraction(int(v))
    sympy = _sympy()  # exact entries are sympy numbers: sympy is loaded already
    if isinstance(v, sympy.Basic):
        if isinstance(v, sympy.Rational):
            return Fraction(int(v.p), int(v.q))
        raise InvalidArgumentError(
            f"{what}: exact linear programs need rational numbers, given {v} "
            "(an irrational entry; convert the kernel to floats with .to('numpy'))"
        )
    if isinstance(v, float | np.floating):
        return Fraction(float(v))
    raise InvalidArgumentError(f"{what}: expected a number, given {v!r}")


def fractions(table: Any, what: str = "a table") -> np.ndarray:
    """An exact table as an object array of :class:`Fraction` (same shape).

    >>> import sympy
    >>> fractions(np.array([sympy.Rational(1, 2), 1], dtype=object)).tolist()
    [Fraction(1, 2), Fraction(1, 1)]
    """
    a = np.asarray(table, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for i, v in np.ndenumerate(a):
        out[i] = fraction(v, what)
    return out


def rational(x: float, grid: int = GRID) -> Fraction:
    """The multiple of ``1/grid`` nearest to the float ``x``.

    >>> rational(0.333333333333, 3 * 2**10)
    Fraction(1, 3)
    """
    return Fraction(round(float(x) * grid), grid)


def to_sympy(v: Fraction) -> Any:
    """A :class:`Fraction` as a sympy Rational (markovcat's exact scalar).

    >>> to_sympy(Fraction(1, 3))
    1/3
    """
    return _sympy().Rational(v.numerator, v.denominator)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The exact matrix product of two object arrays of Fractions.

    >>> dot(np.array([[Fraction(1, 2)]], dtype=object), np.array([[Fraction(2)]], dtype=object))
    array([[Fraction(1, 1)]], dtype=object)
    """
    out = a.dot(b)
    return np.asarray(out, dtype=object)


def solve_near(
    a: Sequence[Sequence[Fraction]] | np.ndarray, b: Sequence[Fraction], guess: Sequence[float]
) -> list[Fraction] | None:
    """An exact solution of ``a z = b`` (rationals) close to the float ``guess``, or
    ``None`` when the system is inconsistent.

    Gaussian elimination in Fractions; pivot columns are taken in decreasing order of
    ``guess`` (the variables a float solution keeps large are solved for), and every free
    variable is fixed at its guess rounded to a multiple of 2^-40.

    >>> solve_near([[Fraction(1), Fraction(1)]], [Fraction(1)], [0.75, 0.25])
    [Fraction(3, 4), Fraction(1, 4)]
    """
    rows = [list(r) for r in a]
    n = len(guess)
    rhs = list(b)
    order = sorted(range(n), key=lambda j: -abs(float(guess[j])))
    pivots: list[tuple[int, int]] = []  # (row, column)
    used = [False] * len(rows)
    for j in order:
        r = next((i for i in range(len(rows)) if not used[i] and rows[i][j] != 0), None)
        if r is None:
            continue
        used[r] = True
        piv = rows[r][j]
        if piv != 1:
            rows[r] = [v / piv for v in rows[r]]
            rhs[r] = rhs[r] / piv
        pr, pb = rows[r], rhs[r]
        nz = [k for k in range(n) if pr[k] != 0]
        for i in range(len(rows)):
            if i != r and rows[i][j] != 0:
                m = rows[i][j]
                ri = rows[i]
                for k in nz:
                    ri[k] -= m * pr[k]
                rhs[i] -= m * pb
        pivots.append((r, j))
    if any(not used[i] and rhs[i] != 0 for i in range(len(rows))):
        return None
    pivot_cols = {j for _, j in pivots}
    z = [Fraction(0) if j in pivot_cols else rational(guess[j]) for j in range(n)]
    for r, j in pivots:
        z[j] = rhs[r] - sum(
            (
                rows[r][k] * z[k]
                for k in range(n)
                if k != j and rows[r][k] != 0 and k not in pivot_cols
            ),
            Fraction(0),
        )
    return z


def denominator(a: np.ndarray) -> int:
    """The least common denominator of an array of Fractions.

    >>> denominator(np.array([Fraction(1, 4), Fraction(1, 6)], dtype=object))
    12
    """
    return math.lcm(*(v.denominator for v in a.ravel())) if a.size else 1


def scaled(a: np.ndarray, d: int) -> np.ndarray:
    """``d · a`` as an object array of Python ints (``d`` a common denominator of ``a``).

    >>> scaled(np.array([Fraction(1, 4), Fraction(1, 6)], dtype=object), 12).tolist()
    [3, 2]
    """
    out = np.empty(a.shape, dtype=object)
    for i, v in np.ndenumerate(a):
        out[i] = v.numerator * (d // v.denominator)
    return out


def inverse(a: np.ndarray) -> np.ndarray | None:
    """The exact inverse of a square object array of Fractions (None if it is singular),
    by one Gauss–Jordan elimination.

    >>> inverse(np.array([[Fraction(2), Fraction(0)], [Fraction(0), Fraction(4)]], dtype=object)).tolist()
    [[Fraction(1, 2), Fraction(0, 1)], [Fraction(0, 1), Fraction(1, 4)]]
    """
    r = a.shape[0]
    rows = [
        [Fraction(v) for v in a[i]] + [Fraction(int(i == j)) for j in range(r)] for i in range(r)
    ]
    for j in range(r):
        p = next((i for i in range(j, r) if rows[i][j] != 0), None)
        if p is None:
            return None
        rows[j], rows[p] = rows[p], rows[j]
        piv = rows[j][j]
        rows[j] = [v / piv for v in rows[j]]
        pr = rows[j]
        for i in range(r):
            if i != j and rows[i][j] != 0:
                m = rows[i][j]
                rows[i] = [v - m * w for v, w in zip(rows[i], pr, strict=True)]
    return np.array([row[r:] for row in rows], dtype=object)


def adjugate(a: np.ndarray) -> tuple[np.ndarray, int] | None:
    """``(adj, det)`` with ``a⁻¹ = adj / det`` and ``det > 0`` for a square matrix of Python
    ints, by fraction-free Gauss–Jordan elimination (Bareiss: every division is exact, so
    the numbers stay minors of ``a``); None if ``a`` is singular.

    >>> adj, det = adjugate(np.array([[2, 1], [1, 1]], dtype=object))
    >>> adj.tolist(), det
    ([[1, -1], [-1, 2]], 1)
    """
    r = a.shape[0]
    rows = [[int(v) for v in a[i]] + [int(i == j) for j in range(r)] for i in range(r)]
    prev = 1
    for j in range(r):
        p = next((i for i in range(j, r) if rows[i][j] != 0), None)
        if p is None:
            return None
        rows[j], rows[p] = rows[p], rows[j]
        pr, piv = rows[j], rows[j][j]
        for i in range(r):
            if i != j:
                ri, m = rows[i], rows[i][j]
                rows[i] = [(piv * v - m * w) // prev for v, w in zip(ri, pr, strict=True)]
        prev = piv
    det = rows[0][0]
    sign = 1 if det > 0 else -1
    adj = np.array([[sign * v for v in row[r:]] for row in rows], dtype=object)
    return adj, sign * det


@dataclass
class FloatSolution:
    """A HiGHS solution: ``x``, objective ``fun``, duals ``ineq`` / ``eq`` (scipy's signs:
    ``≤ 0`` for ``≤`` rows of a minimisation), ``status`` (0 optimal, 2 infeasible) and
    the seconds it took."""

    x: np.ndarray | None
    fun: float | None
    ineq: np.ndarray | None
    eq: np.ndarray | None
    status: int
    seconds: float


def highs(
    c: Any,
    *,
    a_ub: Any = None,
    b_ub: Any = None,
    a_eq: Any = None,
    b_eq: Any = None,
    bounds: Any = (0, None),
    what: str = "a linear program",
    interior: bool = False,
    ipm: bool = False,
) -> FloatSolution:
    """Solve ``min c·x`` s.t. ``a_ub x ≤ b_ub``, ``a_eq x = b_eq``, ``bounds`` with HiGHS:
    dual simplex (a vertex, with duals); with ``ipm`` the interior-point method with
    crossover (a vertex too, often faster on large programs); with ``interior`` the
    interior-point method without crossover (for ``c = 0`` a point deep inside the
    feasible set).

    >>> s = highs([1.0, 1.0], a_eq=[[1.0, 2.0]], b_eq=[2.0])
    >>> s.status, round(s.fun, 9)
    (0, 1.0)
    """
    linprog = scipy("optimize").linprog
    start = time.perf_counter()
    tries = [("highs-ipm", _INTERIOR if interior else None)] if interior or ipm else []
    for method, options in [*tries, ("highs", None)]:  # the interior point can stall: simplex
        with warnings.catch_warnings():  # run_crossover goes to HiGHS verbatim, with a warning
            warnings.simplefilter("ignore")
            res = linprog(
                np.asarray(c, dtype=float),
                A_ub=a_ub,
                b_ub=None if b_ub is None else np.asarray(b_ub, dtype=float),
                A_eq=a_eq,
                b_eq=None if b_eq is None else np.asarray(b_eq, dtype=float),
                bounds=bounds,
                method=method,
                options=options,
            )
        if res.status in (0, 2):
            break
    seconds = time.perf_counter() - start
    if res.status not in (0, 2):
        raise MarkovCatError(f"{what}: HiGHS stopped without an answer ({res.message})")
    if res.status == 2:
        return FloatSolution(None, None, None, None, 2, seconds)
    ineq = None if a_ub is None else np.asarray(res.ineqlin.marginals)
    eq = None if a_eq is None else np.asarray(res.eqlin.marginals)
    return FloatSolution(np.asarray(res.x), float(res.fun), ineq, eq, 0, seconds)


@dataclass
class ExactSolution:
    """An optimal solution proven in rationals: primal ``x``, duals ``y_ub`` (≤ 0) and
    ``y_eq``, and the common objective ``value`` of both."""

    x: list[Fraction]
    y_ub: list[Fraction]
    y_eq: list[Fraction]
    value: Fraction


def _rows(m: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros((0, n), dtype=object) if m is None else m


def exact_lp(
    c: np.ndarray,
    a_ub: np.ndarray | None,
    b_ub: np.ndarray | None,
    a_eq: np.ndarray | None,
    b_eq: np.ndarray | None,
    *,
    tol: float = 1e-9,
    what: str = "a linear program",
) -> ExactSolution | None:
    """``min c·x`` s.t. ``a_ub x ≤ b_ub``, ``a_eq x = b_eq``, ``x ≥ 0`` on rational data
    (object arrays of Fractions), solved by HiGHS and proven optimal in rationals: the
    primal point is rebuilt from the active constraints, the dual from complementary
    slackness, and both are checked exactly (feasible, equal objectives). ``None`` when
    the program is infeasible or the rebuild does not verify.

    >>> F = Fraction
    >>> c = np.array([F(1), F(1)], dtype=object)
    >>> s = exact_lp(c, None, None, np.array([[F(1), F(3)]], dtype=object), np.array([F(1)], dtype=object))
    >>> s.value, s.x
    (Fraction(1, 3), [Fraction(0, 1), Fraction(1, 3)])
    """
    n = len(c)
    aub, aeq = _rows(a_ub, n), _rows(a_eq, n)
    bub = np.zeros(0, dtype=object) if b_ub is None else b_ub
    beq = np.zeros(0, dtype=object) if b_eq is None else b_eq
    fl = lambda m: np.asarray(m, dtype=float)  # noqa: E731
    sol = highs(
        fl(c),
        a_ub=fl(aub) if len(aub) else None,
        b_ub=fl(bub) if len(aub) else None,
        a_eq=fl(aeq) if len(aeq) else None,
        b_eq=fl(beq) if len(aeq) else None,
        what=what,
    )
    if sol.status != 0 or sol.x is None:
        return None
    x_f = sol.x
    # primal: zero variables fixed, tight inequalities made equalities
    slack = fl(bub) - fl(aub) @ x_f if len(aub) else np.zeros(0)
    tight = [i for i in range(len(aub)) if abs(slack[i]) <= tol]
    zero = [j for j in range(n) if abs(x_f[j]) <= tol]
    system = [list(r) for r in aeq] + [list(aub[i]) for i in tight]
    rhs = list(beq) + [bub[i] for i in tight]
    for j in zero:
        e = [Fraction(0)] * n
        e[j] = Fraction(1)
        system.append(e)
        rhs.append(Fraction(0))
    x = solve_near(system, rhs, list(x_f))
    if x is None or any(v < 0 for v in x):
        return None
    if len(aub) and any(v > bub[i] for i, v in enumerate(dot(aub, np.array(x, dtype=object)))):
        return None
    if len(aeq) and any(v != beq[i] for i, v in enumerate(dot(aeq, np.array(x, dtype=object)))):
        return None
    value = sum((c[j] * x[j] for j in range(n)), Fraction(0))
    # dual: y_ub ≤ 0 on tight rows only, y_eq free; A_ubᵀ y + A_eqᵀ w = c where x_j > 0
    y_f = np.zeros(len(aub)) if sol.ineq is None else sol.ineq
    w_f = np.zeros(len(aeq)) if sol.eq is None else sol.eq
    active = [i for i in tight if abs(y_f[i]) > tol]
    unknowns = [("u", i) for i in active] + [("e", i) for i in range(len(aeq))]
    guess = [y_f[i] for i in active] + list(w_f)
    basic = [j for j in range(n) if j not in set(zero)]
    dual_system = [
        [aub[i][j] for i in active] + [aeq[i][j] for i in range(len(aeq))] for j in basic
    ]
    z = solve_near(dual_system, [c[j] for j in basic], guess)
    if z is None:
        return None
    y_ub = [Fraction(0)] * len(aub)
    for (_, i), v in zip(unknowns[: len(active)], z[: len(active)], strict=True):
        y_ub[i] = v
    y_eq = z[len(active) :]
    if any(v > 0 for v in y_ub):
        return None
    reduced = np.array(c, dtype=object)
    if len(aub):
        reduced = reduced - dot(np.array(y_ub, dtype=object), aub)
    if len(aeq):
        reduced = reduced - dot(np.array(y_eq, dtype=object), aeq)
    if any(v < 0 for v in reduced):
        return None
    dual_value = sum((y_ub[i] * bub[i] for i in range(len(aub))), Fraction(0)) + sum(
        (y_eq[i] * beq[i] for i in range(len(aeq))), Fraction(0)
    )
    if dual_value != value:
        return None
    return ExactSolution(x, y_ub, list(y_eq), value)


__all__ = [
    "ExactSolution",
    "FloatSolution",
    "dot",
    "exact_lp",
    "fraction",
    "fractions",
    "adjugate",
    "denominator",
    "highs",
    "inverse",
    "rational",
    "scaled",
    "scipy",
    "solve_near",
    "to_sympy",
]
