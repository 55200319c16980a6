"""Laws of f-divergences and of multivariate information, as plain functions.

Each ``check_*`` raises :class:`markovcat.laws.LawError` naming the law and the inputs, and
returns ``None`` when it holds; floats are compared within ``atol``, exact values exactly.
References: Csiszár (f-divergences, data processing), Pinsker, Le Cam (Hellinger and total
variation), Lin (Jensen–Shannon), Watanabe, Han and Bell (total correlation, dual total
correlation, co-information), Cover & Thomas ch. 2 (chain rules).

>>> import markovcat as mc
>>> from markovcat import laws
>>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.1, 0.9])
>>> laws.check_pinsker(p, q), laws.check_hellinger_tv(p, q)
(None, None)
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from .._diagram import Diagram, copy, identity
from .._divergence import KL, Divergence, TotalVariation
from .._errors import LawError
from .._fdivergence import ChiSquared, FDivergence, Hellinger, is_f_divergence
from .._independence import conditional_mutual_information
from .._inference import marginal
from .._information import entropy, mutual_information, shannon_entropy
from .._kernel import kernel, state
from .._multivariate import (
    coinformation,
    cross_entropy,
    dual_total_correlation,
    jensen_shannon,
    total_correlation,
    tsallis_entropy,
)
from .._numerics import const, tables
from .._objects import Obj
from ..backends import ops
from ._vocabulary import options
from .assertions import assert_at_most, assert_close


def tsallis_divergence(a: float) -> FDivergence:
    """The Tsallis relative entropy of order ``a > 0`` (``a ≠ 1``): the f-divergence of
    ``f(t) = (t^a − 1)/(a − 1)``, i.e. ``(Σ p^a q^(1−a) − 1)/(a − 1)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.25, 0.75])
    >>> round(laws.tsallis_divergence(2)(p, q), 6)     # = χ²
    0.333333
    """
    if not a > 0 or a == 1:
        raise LawError(f"tsallis_divergence: expected an order a > 0, a ≠ 1, given {a!r}")

    def f(t: Any) -> Any:  # ops.power and const keep exact tables exact
        return (ops.power(t, a) - const(t, 1)) / const(t, a - 1)

    return FDivergence(f, name=f"Tsallis({a})")


def f_divergences() -> st.SearchStrategy[Divergence]:
    """Hellinger, χ², KL, total variation and a few generic f-divergences.

    >>> from markovcat import laws
    >>> from markovcat._fdivergence import is_f_divergence
    >>> is_f_divergence(laws.f_divergences().example())
    True
    """
    generic = [tsallis_divergence(0.5), tsallis_divergence(3)]
    return st.sampled_from([Hellinger, ChiSquared, KL, TotalVariation, *generic])


# ---- f-divergences -----------------------------------------------------------------------------


@options("divergence", "atol")
def check_f_data_processing(
    p: Diagram, q: Diagram, h: Diagram, *, divergence: Divergence = Hellinger, atol: float = 1e-9
) -> None:
    """Data processing for an f-divergence: ``D(p >> h, q >> h) <= D(p, q)``; for kernels
    also with a prior on their domain (the uniform one) and in the hom-set form.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> p, q = mc.state(mc.Bool, [0.5, 0.5]), mc.state(mc.Bool, [0.1, 0.9])
    >>> laws.check_f_data_processing(p, q, mc.kernel(mc.Bool, mc.Bool, [[0.7, 0.3], [0.2, 0.8]]))
    """
    D = divergence
    if not is_f_divergence(D):
        raise LawError(f"check_f_data_processing: {D} is not an f-divergence")
    assert_at_most(D(p >> h, q >> h), D(p, q), f"data processing for {D}", atol, p=p, q=q, h=h)
    if p.dom.size > 1:
        w = state(p.dom, [1 / p.dom.size] * p.dom.size)
        lhs, rhs = D(p >> h, q >> h, prior=w), D(p, q, prior=w)
        assert_at_most(lhs, rhs, f"data processing for {D} with a prior", atol, p=p, q=q, h=h)


@options("atol")
def check_pinsker(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """Pinsker's inequality ``TV(p, q) <= √(KL(p‖q) / 2)`` (natural logarithms)."""
    tv, kl = float(TotalVariation(p, q)), float(KL(p, q))
    assert_at_most(
        tv, math.sqrt(kl / 2) if math.isfinite(kl) else math.inf, "Pinsker", atol, p=p, q=q
    )


@options("atol")
def check_hellinger_tv(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """Le Cam's inequalities for ``H²`` with the ½: ``H² <= TV <= √(H² (2 − H²)) <= √2 · H``."""
    h2, tv = float(Hellinger(p, q)), float(TotalVariation(p, q))
    assert_at_most(h2, tv, "H² <= TV", atol, p=p, q=q)
    assert_at_most(tv, math.sqrt(max(0.0, h2 * (2 - h2))), "TV <= √(H²(2 − H²))", atol, p=p, q=q)


@options("atol")
def check_kl_chi_squared(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """``KL(p‖q) <= log(1 + χ²(p‖q))`` (Jensen) and ``2 H² <= KL``."""
    kl, chi = float(KL(p, q)), float(ChiSquared(p, q))
    assert_at_most(kl, math.log1p(chi), "KL <= log(1 + χ²)", atol, p=p, q=q)
    assert_at_most(2 * float(Hellinger(p, q)), kl, "2 H² <= KL", atol, p=p, q=q)


# ---- entropies ---------------------------------------------------------------------------------


@options("atol")
def check_tsallis_is_determinism_entropy(p: Diagram, q: float, *, atol: float = 1e-9) -> None:
    """``tsallis_entropy(p, q) = D(copy∘p, p ⊗ p)`` for the Tsallis divergence of order
    ``2 − q`` (``q < 2``, ``q ≠ 1``), by its definition and by its contraction."""
    D = tsallis_divergence(2 - q)
    value = tsallis_entropy(p, q)
    for route in ("definition", "contraction"):
        law = f"Tsallis({q}) as a determinism entropy ({route})"
        assert_close(entropy(p, divergence=D, route=route), value, law, atol, p=p)


@options("atol")
def check_cross_entropy(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """``H(p, q) = H(p) + KL(p‖q)`` and ``H(p, p) = H(p)``."""
    assert_close(
        cross_entropy(p, q), shannon_entropy(p) + KL(p, q), "H(p,q) = H(p) + KL", atol, p=p, q=q
    )
    assert_close(cross_entropy(p, p), shannon_entropy(p), "H(p,p) = H(p)", atol, p=p)


@options("atol")
def check_jensen_shannon(ps: list[Diagram], weights: Any = None, *, atol: float = 1e-9) -> None:
    """``JS_w(p_1, …, p_n)`` is the mutual information of the mixture joint
    ``w >> copy >> (id ⊗ f)`` (``f`` the kernel with rows ``p_i``), lies in ``[0, H(w)]``,
    and is symmetric in its arguments for uniform weights."""
    n = len(ps)
    Z = Obj("component", n)
    w = state(Z, [1 / n] * n if weights is None else list(weights))
    rows = [[float(v) for v in _flat(p)] for p in ps]
    f = kernel(Z, ps[0].cod, rows)
    joint = w >> copy(Z) >> (identity(Z) @ f)
    js = jensen_shannon(*ps, weights=weights)
    assert_close(js, mutual_information(joint), "JS = I(Z; X) of the mixture", atol, ps=ps)
    assert_at_most(js, shannon_entropy(w), "JS <= H(w)", atol, ps=ps)
    if weights is None:
        assert_close(js, jensen_shannon(*reversed(ps)), "JS is symmetric", atol, ps=ps)


def _flat(p: Diagram) -> list[Any]:
    (t,) = tables(p)
    return list(ops.to_numpy(ops.reshape(t, (p.cod.size,))))


# ---- multivariate: chain rules and inclusion–exclusion ----------------------------------------


@options("atol")
def check_total_correlation_is_kl(joint: Diagram, *, atol: float = 1e-9) -> None:
    """``TC(ω) = KL(ω ‖ ⊗_i ω_i)``, the divergence of the joint from its marginals' product."""
    n = len(joint.cod.factors)
    product: Diagram = marginal(joint, [0])
    for i in range(1, n):
        product = product @ marginal(joint, [i])
    assert_close(
        total_correlation(joint), KL(joint, product), "TC = KL(ω ‖ ⊗ ω_i)", atol, joint=joint
    )


@options("atol")
def check_mutual_information_chain_rule(joint: Diagram, *, atol: float = 1e-9) -> None:
    """On ``X ⊗ Y ⊗ Z``: ``I(X; Y,Z) = I(X; Y) + I(X; Z | Y)``."""
    lhs = mutual_information(joint, 1)
    rhs = mutual_information(marginal(joint, [0, 1])) + conditional_mutual_information(
        joint, 0, 2, 1
    )
    assert_close(lhs, rhs, "I(X;YZ) = I(X;Y) + I(X;Z|Y)", atol, joint=joint)


@options("atol")
def check_inclusion_exclusion(joint: Diagram, *, atol: float = 1e-9) -> None:
    """On ``X ⊗ Y ⊗ Z``: ``coI(X;Y;Z) = I(X;Y) − I(X;Y|Z) = TC − DTC``; for two factors
    ``coI = TC = DTC = I``; and ``0 <= DTC <= 2 TC``."""
    n = len(joint.cod.factors)
    if n == 2:
        mi = mutual_information(joint)
        for name, v in (("coI", coinformation(joint)), ("TC", total_correlation(joint))):
            assert_close(v, mi, f"{name} = I for two factors", atol, joint=joint)
        assert_close(
            dual_total_correlation(joint), mi, "DTC = I for two factors", atol, joint=joint
        )
        return
    if n != 3:
        raise LawError(f"check_inclusion_exclusion: expected 2 or 3 factors, given {n}")
    co = coinformation(joint)
    mi = mutual_information(marginal(joint, [0, 1]))
    cmi = conditional_mutual_information(joint, 0, 1, 2)
    assert_close(co, mi - cmi, "coI = I(X;Y) − I(X;Y|Z)", atol, joint=joint)
    tc, dtc = total_correlation(joint), dual_total_correlation(joint)
    assert_close(co, tc - dtc, "coI = TC − DTC", atol, joint=joint)
    assert_at_most(0, dtc, "DTC >= 0", atol, joint=joint)
    assert_at_most(dtc, 2 * tc, "DTC <= (n − 1) TC", atol, joint=joint)


__all__ = [
    "check_cross_entropy",
    "check_f_data_processing",
    "check_hellinger_tv",
    "check_inclusion_exclusion",
    "check_jensen_shannon",
    "check_kl_chi_squared",
    "check_mutual_information_chain_rule",
    "check_pinsker",
    "check_total_correlation_is_kl",
    "check_tsallis_is_determinism_entropy",
    "f_divergences",
    "tsallis_divergence",
]
