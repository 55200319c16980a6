"""Laws of the comparison of experiments (Blackwell 1953; Le Cam 1964;
Fritz–Gonda–Perrone–Rischel 2023) and of second-order dominance (Rothschild–Stiglitz).

Each ``check_*`` returns ``None`` when its law holds and raises :class:`LawError`
otherwise. Exact (sympy) inputs are compared exactly, floats within ``atol``:

* ``⪰`` (more informative) is a preorder: reflexive and transitive;
* garblings compose: ``f >> γ₁ == g`` and ``g >> γ₂ == h`` give ``f >> (γ₁ >> γ₂) == h``,
  and every answer is explained (the garbling satisfies its equation, the
  certificate's values are recomputed and ``g`` wins);
* Blackwell–Sherman–Stein: ``f ⪰ g`` iff ``V(f) ≥ V(g)`` on every decision problem;
* data processing: garbling never raises mutual information with the parameter nor any
  divergence between two rows;
* Le Cam deficiency: 0 iff ``f ⪰ g``; ``δ(f, f >> γ) = 0``; triangle inequality;
* second-order dominance iff equal means and ordered integrated distribution functions
  (computed here from the cumulative sums, not by :func:`mc.sosd`).

>>> import markovcat as mc
>>> from markovcat import laws
>>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.3, 0.7]])
>>> laws.check_comparison_preorder(f, f >> f, f >> f >> f)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .._compare import allclose
from .._comparison import DecisionProblem
from .._compile import evaluate
from .._diagram import Diagram, copy, identity
from .._divergence import KL, Divergence, TotalVariation
from .._dominance import sosd
from .._errors import LawError
from .._experiments import deficiency, more_informative
from .._information import mutual_information
from .._kernel import Kernel, state
from .._numerics import is_exact
from .._objects import Obj, Object
from .assertions import assert_at_most, assert_close
from .strategies import _rational_table, _weights


def _holds(f: Diagram, g: Diagram, prior: Diagram | None = None) -> bool:
    return more_informative(f, g, prior=prior).holds


def check_comparison_explained(f: Diagram, g: Diagram, *, atol: float = 1e-7) -> None:
    """Every answer of ``mc.more_informative(f, g)`` is explained: its garbling satisfies
    ``f >> γ == g``, or its certificate's Bayes values, recomputed, show ``V(g) > V(f)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_comparison_explained(mc.identity(mc.Bool), mc.delete(mc.Bool) >> mc.state(mc.Bool, [0.5, 0.5]))
    """
    c = more_informative(f, g)
    if c.holds:
        if c.garbling is None or not allclose(f >> c.garbling, g, atol=atol):
            raise LawError(f"law 'garbling witness' failed for f={f}, g={g}: f >> γ != g")
        return
    dp = c.certificate
    vf, vg = dp.value(f), dp.value(g)
    if not float(vg - vf) > 0 or (is_exact(np.asarray(vg)) and not vg > vf):
        raise LawError(
            f"law 'BSS certificate' failed for f={f}, g={g}: V(f)={vf} is not below V(g)={vg}"
        )
    assert_close(vf, dp.values[0], "certificate value of f", atol, f=f)
    assert_close(vg, dp.values[1], "certificate value of g", atol, g=g)


def check_comparison_preorder(f: Diagram, g: Diagram, h: Diagram) -> None:
    """``f ⪰ f``, and ``f ⪰ g``, ``g ⪰ h`` give ``f ⪰ h`` (experiments on one Θ)."""
    if not _holds(f, f):
        raise LawError(f"law 'reflexivity of ⪰' failed for f={f}")
    if _holds(f, g) and _holds(g, h) and not _holds(f, h):
        raise LawError(f"law 'transitivity of ⪰' failed for f={f}, g={g}, h={h}")


def check_garbling_composition(
    f: Diagram, g: Diagram, h: Diagram, *, prior: Diagram | None = None, atol: float = 1e-7
) -> None:
    """Garblings compose: ``γ₁`` for ``f ⪰ g`` and ``γ₂`` for ``g ⪰ h`` make ``γ₁ >> γ₂``
    a garbling for ``f ⪰ h`` (a.s. under ``prior``: compared on its support)."""
    c1, c2 = more_informative(f, g, prior=prior), more_informative(g, h, prior=prior)
    if not (c1.holds and c2.holds) or c1.garbling is None or c2.garbling is None:
        return
    lhs, rhs = f >> (c1.garbling >> c2.garbling), h
    if prior is not None:
        lhs = prior >> copy(f.dom) >> (identity(f.dom) @ lhs)
        rhs = prior >> copy(f.dom) >> (identity(f.dom) @ rhs)
    if not allclose(lhs, rhs, atol=atol):
        raise LawError(f"law 'garblings compose' failed for f={f}, g={g}, h={h}")


def check_blackwell_sherman_stein(
    f: Diagram, g: Diagram, problems: Iterable[DecisionProblem], *, atol: float = 1e-9
) -> None:
    """BSS, both directions: if ``f ⪰ g`` then ``V(f) ≥ V(g)`` on every given decision
    problem; if not, some decision problem (the certificate) has ``V(g) > V(f)``."""
    c = more_informative(f, g)
    if c.holds:
        for dp in problems:
            assert_at_most(dp.value(g), dp.value(f), "BSS: V(g) <= V(f) when f ⪰ g", atol, f=f, g=g)
    else:
        check_comparison_explained(f, g)


def _rows(f: Diagram) -> list[Diagram]:
    k = f if isinstance(f, Kernel) else evaluate(f)
    return [k[x] for x in f.dom.outcomes]


def check_garbling_data_processing(
    f: Diagram,
    gamma: Diagram,
    prior: Diagram,
    *,
    divergences: Sequence[Divergence] = (KL, TotalVariation),
    atol: float = 1e-9,
) -> None:
    """Garbling loses information: ``I(Θ; X) ≥ I(Θ; Y)`` for ``Y = γ(X)`` under ``prior``,
    and ``D(f(θ), f(θ')) ≥ D(g(θ), g(θ'))`` for every pair of rows and divergence."""
    g = f >> gamma
    j = lambda e: prior >> copy(f.dom) >> (identity(f.dom) @ e)  # noqa: E731
    assert_at_most(
        mutual_information(j(g)),
        mutual_information(j(f)),
        "data processing of mutual information under garbling",
        atol,
        f=f,
        gamma=gamma,
    )
    fr, gr = _rows(f), _rows(g)
    for i in range(len(fr)):
        for k in range(len(fr)):
            for D in divergences:
                assert_at_most(
                    D(gr[i], gr[k]),
                    D(fr[i], fr[k]),
                    f"data processing of {D} under garbling",
                    atol,
                    f=f,
                    gamma=gamma,
                )


def check_deficiency_laws(f: Diagram, g: Diagram, h: Diagram, *, atol: float = 1e-7) -> None:
    """``δ(f, g) = 0`` iff ``f ⪰ g``; triangle ``δ(f, h) ≤ δ(f, g) + δ(g, h)``; and
    ``δ(f, f) = 0``. (On floats "= 0" means at most ``atol``.)"""
    d_fg, d_gh, d_fh = deficiency(f, g), deficiency(g, h), deficiency(f, h)
    exact = is_exact(np.asarray(d_fg))
    zero = (d_fg == 0) if exact else float(d_fg) <= atol
    if zero != _holds(f, g):
        raise LawError(f"law 'deficiency 0 iff more informative' failed: δ={d_fg} for f={f}, g={g}")
    assert_at_most(d_fh, d_fg + d_gh, "triangle inequality of deficiency", atol, f=f, g=g, h=h)
    assert_close(deficiency(f, f), 0 * d_fg, "deficiency to itself", atol, f=f)


def check_deficiency_of_garbling(f: Diagram, gamma: Diagram, *, atol: float = 1e-7) -> None:
    """``δ(f, f >> γ) = 0``: a garbling of ``f`` is never more than ``f`` can give."""
    d = deficiency(f, f >> gamma)
    assert_at_most(d, 0 * d, "deficiency to a garbling of itself", atol, f=f, gamma=gamma)


def _integrated(probs: Sequence[Any], vals: Sequence[Any], t: Any) -> Any:
    """``∫_{-∞}^t F`` by summing the CDF over the sorted values below ``t`` (piecewise)."""
    order = np.argsort(np.asarray([float(v) for v in vals]), kind="stable")
    total, cdf, prev = 0 * t, 0 * t, None
    for i in order:
        v = vals[i]
        if v > t:
            break
        if prev is not None:
            total += cdf * (v - prev)
        cdf += probs[i]
        prev = v
    if prev is not None:
        total += cdf * (t - prev)
    return total


def check_sosd_criterion(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """``mc.sosd(p, q).holds`` iff the means agree and ``∫F_p ≤ ∫F_q`` at every value
    (states on numbers); its dilation, when given, maps ``p`` to ``q`` and keeps means."""
    c = sosd(p, q)
    pa, qa = list(np.asarray(p.array).ravel()), list(np.asarray(q.array).ravel())
    vp, vq = list(p.cod.outcomes), list(q.cod.outcomes)
    exact = is_exact(np.asarray(p.array)) and is_exact(np.asarray(q.array))
    tol = 0 if exact else atol
    mean = lambda w, v: sum(a * b for a, b in zip(w, v, strict=True))  # noqa: E731
    ok = abs(mean(pa, vp) - mean(qa, vq)) <= tol and all(
        _integrated(pa, vp, t) <= _integrated(qa, vq, t) + tol for t in sorted(set(vp) | set(vq))
    )
    if bool(ok) != c.holds:
        raise LawError(
            f"law 'SOSD iff integrated CDFs' failed for p={p}, q={q}: sosd says {c.holds}"
        )
    if c.holds and c.dilation is not None:
        k = c.dilation
        if not allclose(p >> k, q, atol=max(atol, 1e-9)):
            raise LawError(f"law 'dilation maps p to q' failed for p={p}, q={q}")
        m = np.asarray(k.matrix)
        for i, w in enumerate(pa):
            if w > 0 and abs(mean(m[i], vq) - vp[i]) > tol:
                raise LawError(f"law 'dilation keeps the mean' failed at {vp[i]!r} for p={p}")


@st.composite
def decision_problems(
    draw: Any, theta: Object, *, max_actions: int = 3, backend: str = "numpy"
) -> DecisionProblem:
    """Random decision problems on ``theta``: a full-support prior, 1..``max_actions``
    actions and a utility table with entries in {0, 1/9, …, 1}.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.decision_problems(mc.Bool).example().utility.shape[0]
    2
    """
    a = draw(st.integers(1, max_actions))
    prior = state(theta, _rational_table(draw(_weights(1, theta.size, False))), backend=backend)
    w = draw(_weights(theta.size, a, True))
    u = np.vectorize(lambda v: v / 9, otypes=[object])(w.astype(object))
    if backend != "sympy":
        u = u.astype(float)
    return DecisionProblem(prior, Obj("action", range(a)), u)


__all__ = [
    "check_blackwell_sherman_stein",
    "check_comparison_explained",
    "check_comparison_preorder",
    "check_deficiency_laws",
    "check_deficiency_of_garbling",
    "check_garbling_composition",
    "check_garbling_data_processing",
    "check_sosd_criterion",
    "decision_problems",
]
