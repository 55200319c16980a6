"""Laws of divergences, entropy and mutual information (DESIGN §3) as plain functions.

Each ``check_*`` function raises :class:`markovcat.laws.LawError` naming the law, the
inputs and the size of the violation, and returns ``None`` when the law holds. They work
on every backend: floats are compared within ``atol``; exact sympy values exactly (an
equality is proved by simplification or, failing that, holds to 50 significant digits).

>>> import markovcat as mc
>>> from markovcat.laws import information as il
>>> il.check_entropy_closed_forms(mc.state(mc.Obj("X", 3), [0.5, 0.25, 0.25]), 0.5)
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from .._compare import allclose
from .._diagram import Diagram, copy, identity
from .._divergence import KL, Divergence, Renyi, TotalVariation
from .._errors import LawError
from .._inference import disintegrate, marginal
from .._information import (
    conditional_entropy,
    entropy,
    gini_simpson,
    mutual_information,
    renyi_entropy,
    shannon_entropy,
)
from .._kernel import state
from ._vocabulary import options
from .assertions import _difference, _tolerance, assert_at_most, assert_close

#: Orders used by :func:`divergences` (0, 1 and ∞ are the limits).
ORDERS = (0, 0.5, 1, 1.5, 2, 3, math.inf)


def divergences(orders: tuple[float, ...] = ORDERS) -> st.SearchStrategy[Divergence]:
    """KL, total variation and Rényi divergences of the given orders.

    >>> from markovcat.laws import information as il
    >>> isinstance(il.divergences().example(), il.Divergence)
    True
    """
    return st.sampled_from([KL, TotalVariation, *(Renyi(a) for a in orders)])


# ---- divergences ---------------------------------------------------------------------------------


@options("divergence", "atol")
def check_divergence_positivity(
    p: Diagram, q: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """``D(p, q) >= 0`` and ``D(p, p) = 0`` (states or kernels).

    >>> import markovcat as mc
    >>> from markovcat.laws import information as il
    >>> il.check_divergence_positivity(mc.state(mc.Bool, [1, 0]), mc.state(mc.Bool, [0, 1]), divergence=mc.KL)
    """
    D = divergence
    assert_at_most(0, D(p, q), f"{D}(p, q) >= 0", atol, p=p, q=q)
    assert_close(D(p, p), 0, f"{D}(p, p) = 0", atol, p=p)


@options("divergence", "atol")
def check_data_processing(
    p: Diagram, q: Diagram, h: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """Data processing: ``D(p >> h, q >> h) <= D(p, q)``."""
    D = divergence
    assert_at_most(D(p >> h, q >> h), D(p, q), f"data processing for {D}", atol, p=p, q=q, h=h)


@options("divergence", "atol")
def check_composition_bound(
    f: Diagram,
    f2: Diagram,
    g: Diagram,
    g2: Diagram,
    *,
    divergence: Divergence = KL,
    atol: float = 1e-9,
) -> None:
    """The enrichment's composition bound ``D(f >> g, f2 >> g2) <= D(f, f2) + D(g, g2)``."""
    D = divergence
    lhs = D(f >> g, f2 >> g2)
    rhs = D(f, f2) + D(g, g2)
    assert_at_most(lhs, rhs, f"composition bound for {D}", atol, f=f, f2=f2, g=g, g2=g2)


@options("divergence", "atol")
def check_tensor_bound(
    f: Diagram,
    f2: Diagram,
    h: Diagram,
    h2: Diagram,
    *,
    divergence: Divergence = KL,
    atol: float = 1e-9,
) -> None:
    """The enrichment's tensor bound ``D(f @ h, f2 @ h2) <= D(f, f2) + D(h, h2)``."""
    D = divergence
    lhs = D(f @ h, f2 @ h2)
    rhs = D(f, f2) + D(h, h2)
    assert_at_most(lhs, rhs, f"tensor bound for {D}", atol, f=f, f2=f2, h=h, h2=h2)


@options("divergence", "atol")
def check_hom_set_sup(
    f: Diagram, g: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """On kernels ``D(f, g)`` is the largest divergence of the rows ``D(δ_a >> f, δ_a >> g)``."""
    D = divergence
    A = f.dom
    rows = []
    for i in range(A.size):
        point = [0] * A.size
        point[i] = 1
        delta = state(A, point).to(f.evaluate().backend)
        rows.append(D(delta >> f, delta >> g))
    best = rows[0]
    for r in rows[1:]:
        best = r if _difference(r, best) > 0 else best
    assert_close(D(f, g), best, f"{D} on kernels is the sup over inputs", atol, f=f, g=g)


@options("divergence", "atol")
def check_prior_is_joint(
    f: Diagram, g: Diagram, prior: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """``D(f, g, prior=p)`` is the divergence of the joints ``p >> copy >> (id @ f)`` and
    ``p >> copy >> (id @ g)``, and at most the hom-set divergence ``D(f, g)``."""
    D = divergence
    A = f.dom
    jf = prior >> copy(A) >> (identity(A) @ f)
    jg = prior >> copy(A) >> (identity(A) @ g)
    weighted = D(f, g, prior=prior)
    assert_close(weighted, D(jf, jg), f"{D} with a prior is of the joints", atol, f=f, g=g)
    assert_at_most(weighted, D(f, g), f"{D} with a prior <= sup", atol, f=f, g=g)


@options("atol")
def check_renyi_monotone(p: Diagram, q: Diagram, a: float, b: float, *, atol: float = 1e-9) -> None:
    """Rényi divergence is non-decreasing in its order: ``a <= b ⇒ D_a <= D_b``."""
    a, b = min(a, b), max(a, b)
    assert_at_most(
        Renyi(a)(p, q), Renyi(b)(p, q), "Rényi non-decreasing in α", atol, p=p, q=q, a=a, b=b
    )


# ---- entropy ---------------------------------------------------------------------------------------


@options("divergence", "atol")
def check_entropy_of_deterministic(
    f: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """A deterministic kernel (or point mass) has entropy 0 for every divergence."""
    D = divergence
    if not f.is_deterministic():
        raise LawError(f"check_entropy_of_deterministic needs a deterministic input, given {f}")
    assert_close(entropy(f, divergence=D), 0, f"entropy({D}) of deterministic = 0", atol, f=f)


@options("divergence", "atol")
def check_deterministic_processing(
    p: Diagram, h: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """Deterministic processing never raises entropy: ``entropy(p >> h) <= entropy(p)``."""
    D = divergence
    if not h.is_deterministic():
        raise LawError(f"check_deterministic_processing needs a deterministic h, given {h}")
    assert_at_most(
        entropy(p >> h, divergence=D),
        entropy(p, divergence=D),
        f"deterministic processing ({D})",
        atol,
        p=p,
        h=h,
    )


@options("atol")
def check_entropy_closed_forms(p: Diagram, alpha: float = 0.5, *, atol: float = 1e-9) -> None:
    """KL entropy is Shannon's, ``Renyi(α)`` entropy is Rényi's of order ``2 − α`` (for α in
    [0, 2]), total-variation entropy is the Gini–Simpson index."""
    assert_close(entropy(p, divergence=KL), shannon_entropy(p), "KL entropy = Shannon", atol, p=p)
    assert_close(
        entropy(p, divergence=Renyi(alpha)),
        renyi_entropy(p, 2 - alpha),
        f"Renyi({alpha}) entropy = Rényi entropy of order {2 - alpha}",
        atol,
        p=p,
    )
    assert_close(
        entropy(p, divergence=TotalVariation),
        gini_simpson(p),
        "TV entropy = Gini–Simpson",
        atol,
        p=p,
    )


@options("divergence", "atol")
def check_entropy_routes(
    f: Diagram, prior: Diagram | None = None, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """The definition ``D(copy∘f, (f⊗f)∘copy)`` and the contraction give the same entropy."""
    D = divergence
    by_definition = entropy(f, divergence=D, prior=prior, route="definition")
    by_contraction = entropy(f, divergence=D, prior=prior, route="contraction")
    assert_close(by_definition, by_contraction, f"entropy({D}) routes agree", atol, f=f)


@options("atol")
def check_entropy_additivity(
    p: Diagram, q: Diagram, order: float = 2, *, atol: float = 1e-9
) -> None:
    """Shannon and Rényi entropy add up on products: ``H(p @ q) = H(p) + H(q)``."""
    assert_close(
        shannon_entropy(p @ q),
        shannon_entropy(p) + shannon_entropy(q),
        "Shannon additivity",
        atol,
        p=p,
        q=q,
    )
    assert_close(
        renyi_entropy(p @ q, order),
        renyi_entropy(p, order) + renyi_entropy(q, order),
        f"Rényi({order}) additivity",
        atol,
        p=p,
        q=q,
    )


@options("atol")
def check_gini_simpson_product(p: Diagram, q: Diagram, *, atol: float = 1e-9) -> None:
    """The product rule ``1 − G(p @ q) = (1 − G(p)) (1 − G(q))`` of Gini–Simpson."""
    lhs = 1 - gini_simpson(p @ q)
    rhs = (1 - gini_simpson(p)) * (1 - gini_simpson(q))
    assert_close(lhs, rhs, "Gini–Simpson product rule", atol, p=p, q=q)


@options("atol")
def check_chain_rule(joint: Diagram, split: int = 1, *, atol: float = 1e-9) -> None:
    """``H(A, B) = H(A) + H(B | A)``, the first ``split`` factors forming ``A``."""
    first, conditional = disintegrate(joint, list(range(split)))
    rhs = shannon_entropy(first) + conditional_entropy(conditional, first)
    assert_close(shannon_entropy(joint), rhs, "chain rule", atol, joint=joint, split=split)


@options("atol")
def check_conditional_entropy(f: Diagram, prior: Diagram, *, atol: float = 1e-9) -> None:
    """``conditional_entropy(f, prior) == entropy(f, prior=prior)`` (both routes)."""
    h = conditional_entropy(f, prior)
    for route in ("definition", "contraction"):
        assert_close(
            h, entropy(f, prior=prior, route=route), f"conditional entropy ({route})", atol, f=f
        )


# ---- mutual information ----------------------------------------------------------------------------


@options("divergence", "atol")
def check_mutual_information_nonnegative(
    joint: Diagram, split: int = 1, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """``mutual_information(joint) >= 0``."""
    D = divergence
    mi = mutual_information(joint, split, divergence=D)
    assert_at_most(0, mi, f"mutual information ({D}) >= 0", atol, joint=joint)


@options("divergence", "atol")
def check_mutual_information_of_product(
    p: Diagram, q: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """Mutual information is 0 on a product state ``p @ q`` (exactly on sympy)."""
    D = divergence
    mi = mutual_information(p @ q, len(p.cod.factors), divergence=D)
    assert_close(mi, 0, f"mutual information ({D}) of a product = 0", atol, p=p, q=q)


@options("atol")
def check_mutual_information_zero_iff_independent(
    joint: Diagram, split: int = 1, *, atol: float = 1e-9
) -> None:
    """``mutual_information(joint) = 0`` exactly when the joint is the product of its marginals."""
    n = len(joint.cod.factors)
    product = marginal(joint, list(range(split))) @ marginal(joint, list(range(split, n)))
    independent = allclose(joint, product, atol=atol)
    mi = mutual_information(joint, split)
    # mutual information is quadratic in the distance from independence: a tighter tolerance
    zero = abs(_difference(mi, 0)) <= _tolerance(mi, 0, atol * 1e-3)
    if independent != zero:
        raise LawError(
            f"law 'mutual information = 0 iff independent' failed for joint={joint}: "
            f"independent is {independent}, mutual information = 0 is {zero}"
        )


@options("atol")
def check_mutual_information_data_processing(
    joint: Diagram, f: Diagram, g: Diagram, split: int = 1, *, atol: float = 1e-9
) -> None:
    """Processing each side never adds information: ``I(f(A); g(B)) <= I(A; B)``."""
    after = mutual_information(joint >> (f @ g), len(f.cod.factors))
    assert_at_most(
        after,
        mutual_information(joint, split),
        "data processing for mutual information",
        atol,
        joint=joint,
        f=f,
        g=g,
    )


@options("divergence", "atol")
def check_mutual_information_of_copy(
    p: Diagram, *, divergence: Divergence = KL, atol: float = 1e-9
) -> None:
    """``mutual_information(copy∘p) = entropy(p)``: a variable shares all of itself."""
    D = divergence
    mi = mutual_information(p >> copy(p.cod), len(p.cod.factors), divergence=D)
    assert_close(
        mi, entropy(p, divergence=D), f"mutual information of copy = entropy ({D})", atol, p=p
    )


__all__ = [
    "ORDERS",
    "check_chain_rule",
    "check_composition_bound",
    "check_conditional_entropy",
    "check_data_processing",
    "check_deterministic_processing",
    "check_divergence_positivity",
    "check_entropy_additivity",
    "check_entropy_closed_forms",
    "check_entropy_of_deterministic",
    "check_entropy_routes",
    "check_gini_simpson_product",
    "check_hom_set_sup",
    "check_mutual_information_data_processing",
    "check_mutual_information_nonnegative",
    "check_mutual_information_of_copy",
    "check_mutual_information_of_product",
    "check_mutual_information_zero_iff_independent",
    "check_prior_is_joint",
    "check_renyi_monotone",
    "divergences",
]
