"""Entropy as distance from determinism, its closed forms, and mutual information.

After Perrone, *Markov categories and entropy*: a kernel ``f : A → X`` is deterministic
exactly when ``copy∘f == (f ⊗ f)∘copy``, so the divergence between the two sides,

    entropy(f) = D(copy∘f, (f ⊗ f)∘copy),

measures how far ``f`` is from deterministic. With ``D = KL`` this is Shannon entropy, with
``Renyi(a)`` the Rényi entropy of order ``2 − a``, with ``TotalVariation`` the Gini–Simpson
index. :func:`entropy` evaluates that definition through the compiler; where the ``X ⊗ X``
joints would be large it uses the divergence's equal contraction over ``X`` alone.

>>> import markovcat as mc
>>> p = mc.state(mc.Obj("X", 4), [0.25] * 4)
>>> mc.entropy(p, base=2), mc.gini_simpson(p), round(mc.entropy(p, divergence=mc.Renyi(0)), 6)
(2.0, 0.75, 1.386294)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dispatch
from ._deprecation import keyword_only
from ._diagram import Diagram, copy
from ._divergence import KL, Divergence
from ._divergence import _order as order_in_range
from ._errors import InformationError, MarkovCatError, TypeMismatchError
from ._inference import marginal
from ._numerics import (
    arr,
    check_base,
    check_prior,
    const,
    finish,
    is_exact,
    log_mean_exp,
    plogq,
    safe_log,
    tables,
    weigh,
)
from ._objects import I
from .backends import ops

#: ``entropy(route="auto")`` evaluates the definition when ``|A|·|X|²`` is at most this.
DEFINITION_LIMIT = 4096

ROUTES = ("auto", "definition", "contraction")


def _diagram(d: Any, fn: str, what: str) -> Diagram:
    if not isinstance(d, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected a kernel or state as {what}, given {type(d).__name__}"
        )
    return d


def _state(p: Any, fn: str) -> Diagram:
    p = _diagram(p, fn, "the distribution")
    if p.dom != I:
        raise TypeMismatchError(
            f"mc.{fn}: expected a state I → X, given a kernel {p.dom} → {p.cod}; "
            "use mc.entropy for kernels"
        )
    return p


def _divergence(d: Any, fn: str) -> Divergence:
    if not isinstance(d, Divergence):
        raise InformationError(
            f"mc.{fn}: expected a divergence (mc.KL, mc.Renyi(a), mc.TotalVariation or an "
            f"mc.Divergence subclass instance), given {d!r}"
        )
    return d


@keyword_only("divergence", "prior", "base")
def entropy(
    f: Diagram,
    *,
    divergence: Divergence = KL,
    prior: Diagram | None = None,
    base: Any = None,
    route: str = "auto",
) -> Any:
    """How far ``f`` is from deterministic: ``D(copy∘f, (f ⊗ f)∘copy)``.

    For a state ``p`` this is ``D(copy∘p, p ⊗ p)``; for a kernel the hom-set divergence
    (the sup over inputs); with ``prior=`` the divergence of the joints with the prior
    (for KL: the conditional entropy). ``route="definition"`` builds both diagrams and
    compares them; ``"contraction"`` uses the divergence's equal contraction that never
    builds the ``X ⊗ X`` joints; ``"auto"`` picks the definition for small ``|A|·|X|²``.

    >>> import markovcat as mc
    >>> coin = mc.state(mc.Bool, [0.5, 0.5])
    >>> mc.entropy(coin, base=2), mc.entropy(coin, divergence=mc.TotalVariation)
    (1.0, 0.5)
    """
    if (
        r := _dispatch.other("entropy", f, divergence=divergence, prior=prior, base=base)
    ) is not _dispatch.NOTHING:
        return r  # a Gaussian state (markovcat.gauss)
    f = _diagram(f, "entropy", "f")
    divergence = _divergence(divergence, "entropy")
    check_base(base, divergence.logarithmic, f"entropy with {divergence}")
    if not isinstance(route, str) or route not in ROUTES:
        raise InformationError(f"mc.entropy: expected route in {ROUTES}, given {route!r}")
    A, X = f.dom, f.cod
    auto = route == "auto"
    if auto:  # a divergence's own equal contraction, else the definition where it is small
        own = _has_contraction(divergence, prior is not None)
        small = A.size * X.size * X.size <= DEFINITION_LIMIT
        route = "definition" if small and not own else "contraction"
    if route == "definition":
        value = divergence(f >> copy(X), copy(A) >> (f @ f), prior=prior, base=base)
        if not (auto and _underflowed(value)):
            return value
        # p ⊗ p underflowed (squares of probabilities below 1e-154): entropy is never
        # infinite, so "auto" falls back to the equal contraction, which has no squares
    if prior is None:
        (t,) = tables(f)
        n = len(A.factors)
        r = arr(divergence.copy_rows(t, n))
        value = arr(ops.amax(r, None)) if n else r
    else:
        check_prior(prior, A, f"mc.entropy with {divergence}")
        t, w = tables(f, prior)
        value = divergence.copy_joint(t, w)
    return finish(value, base)


def _has_contraction(divergence: Divergence, joint: bool) -> bool:
    """Whether the divergence overrides the copy contraction the query needs (the defaults
    build the ``X ⊗ X`` joints, as the definition does)."""
    name = "copy_joint" if joint else "copy_rows"
    return getattr(type(divergence), name) is not getattr(Divergence, name)


def _underflowed(value: Any) -> bool:
    """A concrete float result that is not finite (exact arithmetic never underflows)."""
    v = arr(value)
    if not ops.is_concrete(v):
        return False
    try:
        return not bool(np.isfinite(ops.to_numpy(v)).all())
    except MarkovCatError:  # symbolic entries have no float value
        return False


@keyword_only("base")
def shannon_entropy(p: Diagram, *, base: Any = None) -> Any:
    """The closed form ``−Σ p log p`` (with ``0 log 0 = 0``).

    >>> import markovcat as mc
    >>> mc.shannon_entropy(mc.state(mc.Bool, [0.5, 0.5]), base=2)
    1.0
    """
    check_base(base, True, "mc.shannon_entropy")
    (t,) = tables(_state(p, "shannon_entropy"))
    return finish(const(t, 0) - arr(ops.asum(plogq(t, t), None)), base)


@keyword_only("base")
def renyi_entropy(p: Diagram, order: Any, *, base: Any = None) -> Any:
    """The closed form of Rényi entropy ``log(Σ p^β) / (1 − β)`` of order ``β`` in [0, ∞].

    ``β = 0`` is the log of the support size, ``β = 1`` Shannon entropy and ``β = inf`` the
    min-entropy ``−log max p``.

    >>> import math, markovcat as mc
    >>> p = mc.state(mc.Obj("X", 3), [0.5, 0.5, 0.0])
    >>> [mc.renyi_entropy(p, b, base=2) for b in (0, 1, 2, math.inf)]
    [1.0, 1.0, 1.0, 1.0]
    """
    beta = order_in_range(order, "mc.renyi_entropy")
    check_base(base, True, "mc.renyi_entropy")
    (t,) = tables(_state(p, "renyi_entropy"))
    pos = ops.positive(t)
    if beta == 1:
        return shannon_entropy(p, base=base)
    if beta == math.inf:
        return finish(-safe_log(arr(ops.amax(t, None))), base)
    if beta == 0:
        support = arr(ops.asum(ops.where(t, pos, const(t, 1), const(t, 0)), None))
        return finish(safe_log(support), base)
    safe = ops.where(t, pos, t, const(t, 1))
    total = arr(ops.asum(ops.where(t, pos, ops.power(safe, beta), const(t, 0)), None))  # Σ p^β
    one = const(total, 1)
    direct = arr(safe_log(total) * arr(one / arr(one - const(total, beta))))
    if is_exact(t):
        return finish(arr(direct + const(total, 0)), base)  # + 0: no −0.0
    # floats: Σ p^β = Σ p e^((β−1) log p) in log space, which neither cancels near β = 1
    # nor underflows for large β; far from 1, Σ p^β as it is where it is a normal float
    near = abs(beta - 1) < 0.5
    log_p = arr(ops.log(safe))
    s = log_mean_exp(t, log_p, arr(log_p * const(t, beta - 1)), pos, None, near)
    value = arr(s / const(s, 1 - beta))
    if not near:  # 0.5^2000 underflows to 0: there the log form
        normal = ops.positive(arr(total - const(total, 1e-290)))
        value = arr(ops.where(value, normal, direct, value))
    return finish(arr(value + const(value, 0)), base)  # + 0: no −0.0


@keyword_only("base")
def gini_simpson(p: Diagram, *, base: Any = None) -> Any:
    """The Gini–Simpson index ``1 − Σ p²`` (no logarithm: ``base=`` is an error).

    >>> import markovcat as mc
    >>> mc.gini_simpson(mc.state(mc.Obj("X", 4), [0.25] * 4))
    0.75
    """
    check_base(base, False, "mc.gini_simpson")
    (t,) = tables(_state(p, "gini_simpson"))
    return finish(arr(1 - arr(ops.asum(arr(t * t), None))), None)


@keyword_only("divergence", "base")
def mutual_information(
    joint: Diagram, split: int = 1, *, divergence: Divergence = KL, base: Any = None
) -> Any:
    """``D(joint, marginal_A ⊗ marginal_B)`` where the first ``split`` factors form ``A``.

    >>> import markovcat as mc
    >>> same = mc.state(mc.Bool @ mc.Bool, [[0.5, 0.0], [0.0, 0.5]])
    >>> mc.mutual_information(same, base=2)
    1.0
    """
    if (
        r := _dispatch.other("mutual_information", joint, split, base=base)
    ) is not _dispatch.NOTHING:
        return r  # a Gaussian state (markovcat.gauss)
    joint = _state(joint, "mutual_information")
    divergence = _divergence(divergence, "mutual_information")
    n = len(joint.cod.factors)
    if isinstance(split, bool) or not isinstance(split, int) or not 1 <= split < n:
        raise InformationError(
            f"mc.mutual_information: expected split in 1..{n - 1} for a joint on {joint.cod} "
            f"({n} factors), given {split!r}"
        )
    left = marginal(joint, list(range(split)))
    right = marginal(joint, list(range(split, n)))
    value = divergence(joint, left @ right, base=base)
    if divergence is not KL or not _underflowed(value):
        return value
    # the product of the marginals underflowed (probabilities below 1e-154), though the
    # joint is always continuous w.r.t. it: the same sum Σ p (log p − log p_A − log p_B)
    t, a, b = tables(joint, left, right)
    k = len(t.shape) - len(a.shape)
    a = ops.reshape(a, tuple(a.shape) + (1,) * k)
    b = ops.reshape(b, (1,) * (len(t.shape) - k) + tuple(b.shape))
    s = [arr(ops.asum(plogq(t, q), None)) for q in (t, a, b)]
    return finish(arr(s[0] - s[1] - s[2]), base)


@keyword_only("base")
def conditional_entropy(f: Diagram, prior: Diagram, *, base: Any = None) -> Any:
    """``H(X | A) = Σ_a prior(a) H(f(a))`` for ``f : A → X``, as one contraction.

    It equals ``entropy(f, prior=prior)``, without building the ``A ⊗ X ⊗ X`` joints.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[1.0, 0.0], [0.5, 0.5]])
    >>> mc.conditional_entropy(f, mc.state(mc.Bool, [0.5, 0.5]), base=2)
    0.5
    """
    f = _diagram(f, "conditional_entropy", "f")
    check_base(base, True, "mc.conditional_entropy")
    check_prior(prior, f.dom, "mc.conditional_entropy")
    t, w = tables(f, prior)
    return finish(const(t, 0) - arr(ops.asum(plogq(weigh(w, t), t), None)), base)


__all__ = [
    "DEFINITION_LIMIT",
    "conditional_entropy",
    "entropy",
    "gini_simpson",
    "mutual_information",
    "renyi_entropy",
    "shannon_entropy",
]
