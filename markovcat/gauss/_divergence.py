"""Information on Gaussian states: KL in closed form, mutual information, the
determinism-based entropy, and conditional independence.

``KL(N(μ0, Σ0) ‖ N(μ1, Σ1)) = ½ [tr(Σ1⁻¹Σ0) + δᵀΣ1⁻¹δ − k + ln det Σ1 − ln det Σ0]``,
``δ = μ1 − μ0`` (Kullback, *Information Theory and Statistics*, 1959, ch. 9). With
singular covariances the first state is absolutely continuous w.r.t. the second only if
both live on the same affine subspace (``range Σ0 = range Σ1`` and ``δ ∈ range Σ1``; a
lower-dimensional support has measure 0): then the formula holds on that subspace, with
``k`` its dimension and pseudo-determinants; otherwise KL is ``+inf`` (DESIGN §1).

Entropy (``mc.entropy``) is the divergence ``D(copy∘p, p ⊗ p)``. ``copy∘p`` lives on the
diagonal ``{(x, x)}``, a set of ``p ⊗ p``-measure 0 unless ``p`` is a point mass, so the
two are mutually singular for every non-deterministic ``p``: KL- and Rényi-entropy are
``+inf`` and TV-entropy is 1 (the largest TV), and all are 0 exactly for point masses.
Determinism-based entropy therefore only tells deterministic from random in Gauss; the
differential entropy is not a divergence of this form.

>>> from markovcat import gauss
>>> import markovcat as mc
>>> X = gauss.Real("X")
>>> round(float(mc.KL(gauss.state(X, 0, 1), gauss.state(X, 1, 1))), 6)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from .. import backends
from .._config import check_tolerance
from .._divergence import KullbackLeibler, Renyi, TotalVariationDistance
from .._errors import InformationError, TypeMismatchError
from .._evidence import factor_positions
from . import _linalg as la
from ._inference import _distinct, _kernel, _sub, marginal
from ._morphism import GaussianKernel, copy, identity
from ._objects import I

ops = backends.ops

#: Relative eigenvalue tolerance for ranks and supports on floats.
RANK_RTOL = 1e-9


def _basis(S: Any) -> Any | None:
    """An ``n × r`` matrix whose columns span ``range(S)`` (None under a JAX trace: there
    the covariance is taken as nonsingular)."""
    if not ops.is_concrete(S):
        return None
    if ops.is_exact(S):
        m = sympy.Matrix(S.shape[0], S.shape[1], list(np.asarray(S).ravel()))
        cols = m.columnspace()
        if not cols:
            return la.zeros(S, (S.shape[0], 0))
        return la.concat(S, [la._exact(c) for c in cols], 1)
    s = ops.to_numpy(S)
    if not s.size:
        return np.zeros((0, 0))
    ev, vec = np.linalg.eigh((s + s.T) / 2)
    keep = ev > RANK_RTOL * max(1.0, float(np.max(np.abs(ev))))
    return vec[:, keep]


def _same_range(B0: Any, B1: Any, S0: Any, S1: Any) -> bool:
    if B0.shape[1] != B1.shape[1]:
        return False
    return _in_range(S1, B0)


def _in_range(S: Any, V: Any) -> bool:
    """Whether every column of ``V`` lies in ``range(S)``."""
    if not V.size:
        return True
    off = V - S @ la.pinv(S) @ V
    if ops.is_exact(off):
        return all(sympy.simplify(v) == 0 for v in np.asarray(off).ravel())
    scale = max(1.0, float(np.max(np.abs(ops.to_numpy(V)))))
    return float(np.max(np.abs(ops.to_numpy(off)))) <= 1e-7 * scale


def kl_states(p: GaussianKernel, q: GaussianKernel) -> Any:
    """``KL(p ‖ q)`` of two Gaussian states on one object (nats; ``+inf`` off support).

    >>> from markovcat import gauss
    >>> from markovcat.gauss._divergence import kl_states
    >>> X = gauss.Real("X")
    >>> kl_states(gauss.state(X, 0, 1, backend="sympy"), gauss.state(X, 0, 4, backend="sympy"))
    -3/8 + log(2)
    """
    m0, S0, m1, S1 = la.promote(p.b, p.cov, q.b, q.cov)
    d = m1 - m0
    B1 = _basis(S1)
    if B1 is not None:  # concrete: decide the supports, then work on range(S1)
        B0 = _basis(S0)
        assert B0 is not None
        if not _same_range(B0, B1, S0, S1) or not _in_range(S1, d.reshape((-1, 1))):
            return _inf(S1)
        B1 = la.promote(B1, S1)[0]
        S0, S1, d = B1.T @ S0 @ B1, B1.T @ S1 @ B1, B1.T @ d
    k = S1.shape[0]
    if not k:
        return _zero(S1)
    inv = la.pinv(S1)
    quad = d @ inv @ d
    value = (np.trace(inv @ S0) + quad - k + la.logdet(S1) - la.logdet(S0)) / 2
    return sympy.simplify(value) if ops.is_exact(S1) else value


def _inf(like: Any) -> Any:
    return sympy.oo if ops.is_exact(like) else math.inf


def _zero(like: Any) -> Any:
    return sympy.Integer(0) if ops.is_exact(like) else 0.0


def _finish(value: Any, base: Any) -> Any:
    if base is None:
        return value
    if isinstance(base, bool) or not isinstance(base, (int, float)) or base <= 0 or base == 1:
        raise InformationError(f"expected a logarithm base > 0 other than 1, given {base!r}")
    if isinstance(value, sympy.Basic):
        return sympy.simplify(value / sympy.log(sympy.Integer(base) if base == int(base) else base))
    return value / math.log(base)


def _joint(prior: GaussianKernel, f: GaussianKernel) -> GaussianKernel:
    X = f.dom
    return prior >> copy(X) >> (identity(X) @ f)


def divergence(p: Any, q: Any, *, D: Any, prior: Any = None, base: Any = None) -> Any:
    """``D(p, q)`` for Gaussian kernels: KL only (closed form). On kernels the hom-set KL
    ``sup_x KL(p(x), q(x))`` (``+inf`` unless ``p.A == q.A``); with ``prior=`` the KL of
    the joints with the prior.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> f, g = gauss.kernel(X, X, 1, 0, 1), gauss.kernel(X, X, 2, 0, 1)
    >>> mc.KL(f, g), round(float(mc.KL(f, g, prior=gauss.state(X, 0, 1))), 6)
    (inf, 0.5)
    """
    if not isinstance(D, KullbackLeibler):
        raise InformationError(
            f"{D}: only mc.KL has a closed form on Gaussian states; given {D} on "
            f"{type(p).__name__} and {type(q).__name__}"
        )
    for d, what in ((p, "first"), (q, "second")):
        _kernel(d, "KL", what)
    if p.dom != q.dom or p.cod != q.cod:
        raise TypeMismatchError(
            f"{D}: both arguments must have the same type; given "
            f"{p.dom} → {p.cod} and {q.dom} → {q.cod}"
        )
    if prior is not None:
        prior = _kernel(prior, "KL", "prior")
        return _finish(kl_states(_joint(prior, p), _joint(prior, q)), base)
    if p.dom.dim:
        A, B = la.promote(p.A, q.A)
        same = (
            all(v == 0 for v in np.asarray(A - B).ravel())
            if ops.is_exact(A)
            else bool(np.allclose(ops.to_numpy(A), ops.to_numpy(B), rtol=0, atol=1e-12))
        )
        if not same:  # the mean difference (A − B) x is unbounded in x
            return _inf(p.cov)
    states = [GaussianKernel(I, k.cod, _no_input(k), k.b, k.cov, None) for k in (p, q)]
    return _finish(kl_states(*states), base)


def _no_input(k: GaussianKernel) -> Any:
    return la.zeros(k.cov, (k.cod.dim, 0))


def mutual_information(
    joint: Any, split: int = 1, *, divergence: Any = None, base: Any = None
) -> Any:
    """``KL(joint ‖ marginal_A ⊗ marginal_B)``, the first ``split`` factors forming A;
    for a nondegenerate joint ``½ ln(det Σ_A det Σ_B / det Σ)``.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> joint = gauss.state(X @ X, [0, 0], [[1, 0.5], [0.5, 1]])
    >>> round(float(mc.mutual_information(joint)), 6)   # -½ ln(1 - ρ²), ρ = ½
    0.143841
    """
    joint = _kernel(joint, "mutual_information")
    n = len(joint.cod.factors)
    if joint.dom.dim:
        raise TypeMismatchError("mc.mutual_information: expected a Gaussian state I → X")
    if isinstance(split, bool) or not isinstance(split, int) or not 1 <= split < n:
        raise InformationError(
            f"mc.mutual_information: expected split in 1..{n - 1} for a joint on {joint.cod} "
            f"({n} factors), given {split!r}"
        )
    left = marginal(joint, list(range(split)))
    right = marginal(joint, list(range(split, n)))
    return _finish(kl_states(joint, left @ right), base)


def entropy(
    f: Any, *, divergence: Any = None, prior: Any = None, base: Any = None, route: str = "auto"
) -> Any:
    """Determinism-based entropy ``D(copy∘p, p ⊗ p)`` of a Gaussian state: 0 for a point
    mass; else ``+inf`` for KL and Rényi and 1 for TV (mutually singular, module doc).
    The KL value is the closed-form KL of the two diagrams' states.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> mc.entropy(gauss.state(X, 0, 1)), mc.entropy(gauss.state(X, 3, 0))
    (inf, 0.0)
    >>> mc.entropy(gauss.state(X, 0, 1), divergence=mc.TotalVariation)
    1
    """
    p = _kernel(f, "entropy", "state")
    if p.dom.dim or prior is not None:
        raise InformationError("mc.entropy on Gaussian kernels: only states, without prior=")
    X = p.cod
    kl = kl_states(p >> copy(X), p @ p)
    if divergence is None or isinstance(divergence, KullbackLeibler):
        return _finish(kl, base)
    singular = kl == _inf(p.cov)
    if isinstance(divergence, TotalVariationDistance):
        if base is not None:
            raise InformationError("total variation has no logarithm: do not pass base=")
        return 1 if singular else 0
    if isinstance(divergence, Renyi):
        return _finish(_inf(p.cov) if singular else _zero(p.cov), base)
    raise InformationError(f"mc.entropy: no Gaussian closed form for divergence {divergence}")


def independent(
    joint: Any,
    a: Sequence[Any] | Any,
    b: Sequence[Any] | Any,
    given: Sequence[Any] | Any = (),
    *,
    atol: float | None = None,
) -> bool:
    """``A ⊥ B | C``: the conditional cross-covariance ``Σ_ab − Σ_ac Σ_cc⁺ Σ_cb`` is 0
    (for a kernel, the covariance does not depend on the input, so once for all inputs).

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> chain = gauss.state(X, 0, 1) >> gauss.copy(X) >> (gauss.identity(X) @ gauss.kernel(X, X, 1, 0, 1))
    >>> chain = chain >> (gauss.identity(X) @ gauss.copy(X)) >> (gauss.identity(X @ X) @ gauss.kernel(X, X, 1, 0, 1))
    >>> mc.independent(chain, 0, 2), mc.independent(chain, 0, 2, given=1)
    (False, True)
    """
    joint = _kernel(joint, "independent")
    atol = 1e-9 if atol is None else check_tolerance(atol, "mc.independent")
    A, B, C = (_distinct(s, factor_positions(joint.cod, s), "independent") for s in (a, b, given))
    if set(A) & set(B) or set(A) & set(C) or set(B) & set(C):
        raise TypeMismatchError(
            f"mc.independent: a, b and given must be disjoint, given {a!r}, {b!r}, {given!r}"
        )
    if not A or not B:
        return True
    ca, cb, cc = (joint.cod.coordinates(s) for s in (A, B, C))
    S = joint.cov
    cross = _sub(S, ca, cb)
    if cc:
        cross = cross - _sub(S, ca, cc) @ la.pinv(_sub(S, cc, cc)) @ _sub(S, cc, cb)
    if ops.is_exact(cross):
        return all(sympy.simplify(v) == 0 for v in np.asarray(cross).ravel())
    return bool(np.all(np.abs(ops.to_numpy(cross)) <= atol))


__all__ = ["divergence", "entropy", "independent", "kl_states", "mutual_information"]
