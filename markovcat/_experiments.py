"""Comparison of statistical experiments: Blackwell–Sherman–Stein, Le Cam deficiency and
standard measures (Blackwell 1953; Le Cam 1964; Fritz–Gonda–Perrone–Rischel 2023).

An *experiment* is a kernel ``f : Θ → X``. ``f`` is *more informative* than
``g : Θ → Y`` (``f ⪰ g``) when ``g`` is a *garbling* of ``f``: there is a kernel
``γ : X → Y`` with

    f >> γ  ==  g                                   (both Θ → Y)

By the Blackwell–Sherman–Stein theorem this holds iff for every decision problem (actions
``A``, utility ``u : Θ × A → ℝ``) and prior, the Bayes value of ``f`` is at least that of
``g``. :func:`more_informative` decides it by a linear program (HiGHS) and explains the
answer either way: a garbling ``γ``, or a decision problem on which ``g`` is worth
strictly more. On exact tables both are verified in rationals.

>>> import markovcat as mc
>>> from fractions import Fraction as F
>>> Theta, X = mc.Obj("θ", 2), mc.Obj("X", 2)
>>> f = mc.kernel(Theta, X, [[F(9, 10), F(1, 10)], [F(2, 10), F(8, 10)]])
>>> noise = mc.kernel(X, X, [[F(3, 4), F(1, 4)], [F(1, 4), F(3, 4)]])
>>> c = mc.more_informative(f, f >> noise)
>>> c.holds, mc.allclose(f >> c.garbling, f >> noise)
(True, True)
>>> mc.more_informative(f >> noise, f).certificate.gap > 0
True
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ._comparison import (
    Comparison,
    DecisionProblem,
    _experiment,
    _kernel_on,
    _Pair,
    _pair,
)
from ._diagram import Diagram
from ._errors import MarkovCatError
from ._kernel import Kernel, state
from ._lp import (
    GRID,
    adjugate,
    denominator,
    dot,
    exact_lp,
    fractions,
    highs,
    scaled,
    scipy,
    solve_near,
    to_sympy,
)
from ._numerics import check_prior, is_exact, tables
from ._objects import Obj, Object
from .backends import ops

VERTEX_LIMIT = 900  # largest |X|·|Y| for the exact rebuild from a simplex vertex
DEFAULT_ATOL = 1e-7  # float inputs: largest entry of |f >> γ − g| accepted as equal


# ---- the garbling LP -----------------------------------------------------------------------


def _garbling_lp(F: np.ndarray, G: np.ndarray, mode: str) -> Any:
    """HiGHS on ``F γ = G``, ``γ 1 = 1``, ``γ ≥ 0`` (γ row major: ``(x, y)`` at ``x·|Y| + y``).

    ``"interior"``: feasibility by the interior-point method without crossover (a point
    with every entry that can be positive clearly positive); ``"vertex"``: by the simplex
    method (a vertex); ``"slack"``: ``F γ + u − v = G`` with ``Σ u + v`` minimised, whose
    duals on the first equations are the decision problem of BSS."""
    sparse = scipy("sparse")

    n, m = F.shape
    k = G.shape[1]
    col = sparse.kron(sparse.csr_matrix(np.asarray(F, dtype=float)), sparse.identity(k))
    rowsum = sparse.kron(sparse.identity(m), np.ones((1, k)))
    b = np.concatenate([np.asarray(G, dtype=float).ravel(), np.ones(m)])
    if mode == "slack":
        e = sparse.identity(n * k)
        z = sparse.csr_matrix((m, n * k))
        a = sparse.vstack([sparse.hstack([col, e, -e]), sparse.hstack([rowsum, z, z])])
        c = np.concatenate([np.zeros(m * k), np.ones(2 * n * k)])
    else:
        a, c = sparse.vstack([col, rowsum]), np.zeros(m * k)
    return highs(
        c,
        a_eq=sparse.csr_matrix(a),
        b_eq=b,
        interior=mode == "interior",
        ipm=mode == "slack",
        what="the garbling linear program",
    )


def _pivots(a: np.ndarray, tol: float = 1e-10) -> list[int]:
    """Columns of a float matrix forming a well-conditioned basis of its column space."""
    qr = scipy("linalg").qr

    if a.size == 0:
        return []
    _, r, perm = qr(a, pivoting=True, mode="economic")
    d = np.abs(np.diag(r))
    rank = int((d > tol * max(1.0, float(d[0]) if d.size else 1.0)).sum())
    return sorted(int(p) for p in perm[:rank])


@dataclass
class _Scaled:
    """Integer forms: ``Fi = diag(r) F`` (each row times its own common denominator) and
    ``Gi = dG · G``, as Python ints, so that exact checks never touch a Fraction."""

    Fi: np.ndarray
    r: np.ndarray
    Gi: np.ndarray
    dG: int


def _scale(p: _Pair) -> _Scaled:
    r = np.array([denominator(row) for row in p.F], dtype=object)
    Fi = np.array([scaled(row, int(d)) for row, d in zip(p.F, r, strict=True)], dtype=object)
    dG = denominator(p.G)
    return _Scaled(Fi.reshape(p.F.shape), r, scaled(p.G, dG), dG)


def _rebuild_interior(p: _Pair, s: _Scaled, gamma: np.ndarray) -> tuple[np.ndarray, int] | None:
    """An exact garbling ``Γ / D`` (``Γ`` ints) near the float interior point ``gamma``:
    round it to multiples of 2^-40, re-solve a basis of rows of every column but one
    exactly (one exact inverse for all columns) and fill the last column from the row
    sums. Only the checks of :func:`_verified` make it a garbling."""
    m, k = gamma.shape
    Ff = np.asarray(p.F, dtype=float)
    basis = _pivots(Ff)
    rows = _pivots(Ff[:, basis].T)
    if len(rows) != len(basis):
        return None
    inv = adjugate(s.Fi[np.ix_(rows, basis)])  # (diag(r) F)_B⁻¹ = adj / det
    if inv is None:
        return None
    adj, det = inv
    last = int(np.argmax(gamma.min(axis=0)))
    others = [y for y in range(k) if y != last]
    rest = [x for x in range(m) if x not in set(basis)]
    big = np.rint(np.clip(gamma, 0.0, None) * GRID).astype(np.int64).astype(object)
    D = GRID * det * s.dG
    out = big * (det * s.dG)  # Γ = D·γ
    if others:  # on the basis: z = adj·h / D with h = GRID·dG·r·(G − F_N γ_N)
        h = s.Gi[np.ix_(rows, others)] * (s.r[rows].reshape(-1, 1) * GRID)
        if rest:
            h = h - dot(s.Fi[np.ix_(rows, rest)], big[np.ix_(rest, others)]) * s.dG
        out[np.ix_(basis, others)] = dot(adj, h)
    out[:, last] = D - out[:, others].sum(axis=1) if others else D
    return out, D


def _verified(p: _Pair, s: _Scaled, cand: tuple[np.ndarray, int] | None) -> bool:
    """``Γ / D`` is a stochastic matrix with ``F (Γ / D) == G``, checked in integers:
    ``dG · diag(r) F Γ == diag(r) · (dG G) · D``."""
    if cand is None:
        return False
    out, D = cand
    if any(v < 0 for v in out.ravel()) or any(v != D for v in out.sum(axis=1)):
        return False
    return bool((dot(s.Fi, out) * s.dG == s.Gi * (s.r.reshape(-1, 1) * D)).all())


def _certificate(
    p: _Pair, lam: np.ndarray, prior_obj: Object, g: Diagram
) -> DecisionProblem | None:
    """The decision problem ``u(θ, a) = λ[θ, a] / prior(θ)`` (actions: the outcomes of g
    that its optimal rule uses; rescaled into [0, 1]) if it shows ``V(g) > V(f)``, checked
    in integers on exact tables; else None. (Under ``u``, ``Σ_θ prior(θ) f(x|θ) u(θ, a)``
    is ``(fᵀ λ)[x, a]``: the prior cancels.)"""
    used = sorted({int(a) for a in np.argmax(np.asarray(p.G, dtype=float).T @ lam, axis=1)})
    lam = lam[:, used]
    if p.exact:
        d = math.lcm(denominator(p.F), denominator(p.G))
        Fi, Gi = scaled(p.F, d).T, scaled(p.G, d).T
        lam = lam / max(float(np.abs(lam).max()), 1e-300)  # in [-1, 1]: coarse grids first
        for grid in (12, 120, 10**4, GRID):  # the coarsest rounding that still separates
            big = np.rint(lam * grid).astype(np.int64).astype(object)
            vf = sum(max(r) for r in dot(Fi, big))  # = d·grid·V_f
            vg = sum(max(r) for r in dot(Gi, big))
            if vg > vf:
                break
        else:
            return None
        scale = Fraction(1, d * grid)
        u = np.array(
            [[Fraction(v, grid) / pi for v in row] for row, pi in zip(big, p.pi, strict=True)],
            dtype=object,
        )
        values: tuple[Any, Any] = (vf * scale, vg * scale)
    else:
        u = lam / np.asarray(p.pi, dtype=float)[:, None]
        values = (
            float((p.F.T @ lam).max(axis=1).sum()),
            float((p.G.T @ lam).max(axis=1).sum()),
        )
        if not values[1] > values[0]:
            return None
    lo, hi = u.min(), u.max()
    if hi == lo:
        return None
    u = (u - lo) / (hi - lo)  # V(π, (u − lo)/(hi − lo)) = (V(π, u) − lo)/(hi − lo)
    values = ((values[0] - lo) / (hi - lo), (values[1] - lo) / (hi - lo))
    kind: Any = object if p.exact else float
    full = np.zeros((p.n, len(used)), dtype=kind)
    prior_full = np.zeros(p.n, dtype=kind)
    if p.exact:
        full[...], prior_full[...] = Fraction(0), Fraction(0)
    full[p.rows], prior_full[p.rows] = u, p.pi
    actions = Obj("action", [g.cod.outcomes[a] for a in used])
    prior = state(prior_obj, prior_full, name="prior")
    if p.exact:
        util = np.vectorize(to_sympy, otypes=[object])(full)
        return DecisionProblem(prior, actions, util, (to_sympy(values[0]), to_sympy(values[1])))
    return DecisionProblem(prior, actions, full, values)


def more_informative(
    f: Diagram, g: Diagram, *, prior: Diagram | None = None, atol: float | None = None
) -> Comparison:
    """Whether the experiment ``f : Θ → X`` is more informative than ``g : Θ → Y``
    (Blackwell): a kernel ``γ : X → Y`` with ``f >> γ == g`` — with ``prior=``, equal
    almost surely under the prior (on the parameters it gives positive probability).

    Returns a :class:`Comparison`: ``.garbling`` when it holds; otherwise
    ``.certificate``, a :class:`DecisionProblem` (prior, actions, utility in [0, 1]) on
    which ``g`` has strictly higher Bayes value than ``f`` (Blackwell–Sherman–Stein),
    with both values. Exact tables are decided exactly: the rational garbling is checked
    to satisfy ``f >> γ == g``, or the certificate's two values are computed in rationals
    (a Farkas certificate of infeasibility). Floats are compared with ``atol``
    (default 1e-7 on the entries of ``f >> γ − g``).

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    >>> merge = mc.deterministic(f.cod, mc.Bool, lambda x: x == 2)
    >>> mc.more_informative(f, f >> merge).holds, mc.more_informative(f >> merge, f).holds
    (True, False)
    """
    p = _pair(f, g, prior, "more_informative")
    tol = DEFAULT_ATOL if atol is None else float(atol)
    timings = {"lp": 0.0, "verify": 0.0}
    m, k = p.F.shape[1], p.G.shape[1]
    if p.exact:
        s = _scale(p)
        small = m * k <= VERTEX_LIMIT  # the vertex rebuild is a dense exact elimination
        for mode in ("interior", "vertex") if small else ("interior",):
            sol = _garbling_lp(p.F, p.G, mode)
            timings["lp"] += sol.seconds
            if sol.status != 0 or sol.x is None:
                break
            start = time.perf_counter()
            gam = sol.x.reshape(m, k)
            cand = _rebuild_interior(p, s, gam) if mode == "interior" else _rebuild_vertex(p, gam)
            ok = _verified(p, s, cand)
            timings["verify"] += time.perf_counter() - start
            if ok and cand is not None:
                out, D = cand
                table = np.array([[Fraction(v, D) for v in row] for row in out], dtype=object)
                w = _kernel_on(f.cod, g.cod, table, True, p.backend)
                return Comparison("more_informative", True, w, None, True, timings)
    else:  # floats: an interior point within atol of a garbling decides it
        sol = _garbling_lp(p.F, p.G, "interior")
        timings["lp"] += sol.seconds
        if sol.status == 0 and sol.x is not None:
            gam = sol.x.reshape(m, k)
            if float(np.abs(p.F @ gam - p.G).max(initial=0.0)) <= tol:
                w = _kernel_on(f.cod, g.cod, gam, False, p.backend)
                return Comparison("more_informative", True, w, None, False, timings)
    sol = _garbling_lp(p.F, p.G, "slack")
    timings["lp"] += sol.seconds
    if sol.x is None or sol.eq is None:
        raise MarkovCatError("mc.more_informative: the slack linear program has no solution")
    gam = sol.x[: m * k].reshape(m, k)
    if not p.exact and float(np.abs(p.F @ gam - p.G).max(initial=0.0)) <= tol:
        w = _kernel_on(f.cod, g.cod, gam, False, p.backend)
        return Comparison("more_informative", True, w, None, False, timings)
    start = time.perf_counter()
    cert = _certificate(p, sol.eq[: p.G.size].reshape(p.G.shape), f.dom, g)
    timings["verify"] += time.perf_counter() - start
    if cert is not None:
        return Comparison("more_informative", False, None, cert, p.exact, timings)
    if not p.exact:  # within the LP's tolerance of a garbling, and no clear certificate
        w = _kernel_on(f.cod, g.cod, gam, False, p.backend)
        return Comparison("more_informative", True, w, None, False, timings)
    raise MarkovCatError(
        "mc.more_informative: the linear program could not be turned into an exact garbling "
        "or an exact certificate (a near-degenerate instance); compare float kernels "
        "(.to('numpy')) with atol= instead"
    )


def _rebuild_vertex(p: _Pair, gamma: np.ndarray) -> tuple[np.ndarray, int] | None:
    """An exact garbling on the support of the float vertex ``gamma``: the equations
    ``F γ = G``, ``γ 1 = 1`` restricted to its nonzero entries, solved in Fractions."""
    F, G = p.F, p.G
    n, m = F.shape
    k = G.shape[1]
    support = [(x, y) for x in range(m) for y in range(k) if gamma[x, y] > 1e-9]
    index = {xy: j for j, xy in enumerate(support)}
    zero = Fraction(0)
    system: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for i in range(n):
        for y in range(k):
            row = [zero] * len(support)
            for x in range(m):
                j = index.get((x, y))
                if j is not None:
                    row[j] = F[i, x]
            system.append(row)
            rhs.append(G[i, y])
    for x in range(m):
        row = [zero] * len(support)
        for y in range(k):
            j = index.get((x, y))
            if j is not None:
                row[j] = Fraction(1)
        system.append(row)
        rhs.append(Fraction(1))
    z = solve_near(system, rhs, [gamma[xy] for xy in support])
    if z is None:
        return None
    g = np.empty((m, k), dtype=object)
    g[...] = zero
    for (x, y), v in zip(support, z, strict=True):
        g[x, y] = v
    D = denominator(g)
    return scaled(g, D), D


def garbling(f: Diagram, g: Diagram, *, prior: Diagram | None = None) -> Kernel | None:
    """A kernel ``γ`` with ``f >> γ == g`` (a.s. under ``prior``), or None if there is none.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> mc.garbling(f, mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.5, 0.5]])) is not None
    True
    """
    return more_informative(f, g, prior=prior).garbling


def deficiency(f: Diagram, g: Diagram, *, prior: Diagram | None = None) -> Any:
    """Le Cam's deficiency of ``f`` with respect to ``g``: how far ``g`` is from a garbling
    of ``f``, ``min_γ sup_θ TV(f(θ) >> γ, g(θ))``, or with ``prior=`` the prior-weighted
    ``min_γ Σ_θ prior(θ) TV(f(θ) >> γ, g(θ))`` (Le Cam 1964; TV with the ½).

    It is 0 exactly when ``f`` is more informative than ``g``; by LP duality it is the
    largest ``V(g) − V(f)`` over decision problems with utilities in [0, 1] (and priors,
    for the sup form). An LP (HiGHS); on exact tables the value is exact: a rational
    garbling attaining it and a rational dual solution of the same value are both
    checked in rationals.

    >>> import markovcat as mc
    >>> from fractions import Fraction as F
    >>> perfect = mc.identity(mc.Bool).to("sympy")
    >>> blind = mc.kernel(mc.Bool, mc.Bool, [[F(1, 2), F(1, 2)]] * 2)
    >>> mc.deficiency(blind, perfect), mc.deficiency(perfect, blind)
    (1/2, 0)
    """
    p = _pair(f, g, prior, "deficiency")
    nr, m = p.F.shape
    k = p.G.shape[1]
    sup = prior is None
    nv = m * k + nr * k + (1 if sup else 0)
    kind: Any = object if p.exact else float
    zero, one = (Fraction(0), Fraction(1)) if p.exact else (0.0, 1.0)
    a_ub = np.full((nr * k + (nr if sup else 0), nv), zero, dtype=kind)
    b_ub = np.full(a_ub.shape[0], zero, dtype=kind)
    for i in range(nr):
        for y in range(k):
            r = i * k + y  # e[θ, y] ≥ g(y|θ) − (f >> γ)(y|θ)
            for x in range(m):
                a_ub[r, x * k + y] = -p.F[i, x]
            a_ub[r, m * k + r] = -one
            b_ub[r] = -p.G[i, y]
        if sup:  # Σ_y e[θ, y] ≤ t
            a_ub[nr * k + i, m * k + i * k : m * k + (i + 1) * k] = one
            a_ub[nr * k + i, nv - 1] = -one
    a_eq = np.full((m, nv), zero, dtype=kind)
    for x in range(m):
        a_eq[x, x * k : (x + 1) * k] = one
    b_eq = np.full(m, one, dtype=kind)
    c = np.full(nv, zero, dtype=kind)
    if sup:
        c[nv - 1] = one
    else:
        for i in range(nr):
            c[m * k + i * k : m * k + (i + 1) * k] = p.pi[i]
    if p.exact:
        sol = exact_lp(c, a_ub, b_ub, a_eq, b_eq, what="mc.deficiency")
        if sol is None:
            raise MarkovCatError(
                "mc.deficiency: the linear program's solution could not be made exact (a "
                "near-degenerate instance); use float kernels (.to('numpy')) instead"
            )
        return to_sympy(sol.value)
    res = highs(c, a_ub=a_ub, b_ub=b_ub, a_eq=a_eq, b_eq=b_eq, what="mc.deficiency")
    return max(0.0, float(res.fun if res.fun is not None else 0.0))


def standard_measure(f: Diagram, prior: Diagram) -> Kernel:
    """Blackwell's standard measure of the experiment ``f : Θ → X`` under ``prior``: the
    distribution of the posterior. It is a state on an object ``posterior`` whose outcomes
    are the distinct posteriors, each a tuple of probabilities in the order of Θ's
    outcomes (exact sympy numbers on exact tables), weighted by the probability of seeing
    data that lead to it. Outcomes of probability 0 are left out and data with equal
    posteriors are merged (exactly on exact tables, within 1e-12 on floats).

    Blackwell: with a prior of full support, ``f ⪰ g`` iff the standard measure of ``f``
    is a mean-preserving spread of that of ``g`` (convex order).

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    >>> mu = mc.standard_measure(f, mc.state(mc.Bool, [0.5, 0.5]))
    >>> mu.cod.outcomes, mu.array.tolist()
    (((1.0, 0.0), (0.5, 0.5), (0.0, 1.0)), [0.25, 0.5, 0.25])
    """
    f = _experiment(f, "standard_measure")
    check_prior(prior, f.dom, "mc.standard_measure")
    tf, tp = tables(f, prior)
    n, m = f.dom.size, f.cod.size
    exact = is_exact(tf) and is_exact(tp)
    if exact:
        joint = fractions(ops.reshape(tf, (n, m))) * fractions(ops.reshape(tp, (n, 1)))
    else:
        t = np.asarray(ops.to_numpy(tf), float).reshape(n, m)
        joint = t * np.asarray(ops.to_numpy(tp), float).reshape(n, 1)
    weights: dict[Any, Any] = {}
    for x in range(m):
        px = joint[:, x].sum()
        if not px > 0:
            continue
        post = joint[:, x] / px
        if exact:
            key: Any = tuple(to_sympy(v) for v in post)
        else:
            key = tuple(float(v) for v in post)
            key = next(
                (
                    q
                    for q in weights
                    if max(abs(a - b) for a, b in zip(q, key, strict=True)) <= 1e-12
                ),
                key,
            )
        weights[key] = weights.get(key, Fraction(0) if exact else 0.0) + px
    obj = Obj("posterior", list(weights))
    probs = np.array(list(weights.values()), dtype=object if exact else float)
    return state(obj, probs, name="standard measure")


__all__ = [
    "Comparison",
    "DecisionProblem",
    "deficiency",
    "garbling",
    "more_informative",
    "standard_measure",
]
