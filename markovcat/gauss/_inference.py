"""Inference on Gaussian kernels: marginals, point conditioning, disintegration and the
Bayesian inverse (the Kalman update), by Schur complements with the Moore–Penrose
pseudo-inverse, so singular covariances work.

For a joint ``N(μ, Σ)`` split into observed coordinates ``o`` and the rest ``r``, the
conditional of ``r`` given ``x_o`` is ``N(μ_r + K (x_o − μ_o), Σ_rr − K Σ_or)`` with the
gain ``K = Σ_ro Σ_oo⁺`` (e.g. Bishop, *PRML* §2.3.1; Rao, *Linear Statistical Inference*
§8a.2 for the pseudo-inverse form).

Null events (the Gaussian analogue of DESIGN §1): a conditional is unique only almost
surely, i.e. on the support ``μ_o + range(Σ_oo)`` of the observed marginal. Off that
affine subspace the pseudo-inverse ignores the component of ``x_o − μ_o`` in
``null(Σ_oo)``: the input is projected onto the support first, which is one version of
the conditional (every row is still a Gaussian). Conditioning a *state* on point evidence
off the support is conditioning on an impossible event and raises
:class:`ZeroProbabilityError` (on floats: a residual above ``SUPPORT_ATOL`` relative to
the scale of the evidence; exactly on sympy; not checked under a JAX trace).

>>> from markovcat import gauss
>>> import markovcat as mc
>>> X, Y = gauss.Real("X"), gauss.Real("Y")
>>> prior = gauss.state(X, [0.0], [[1.0]])
>>> sensor = gauss.kernel(X, Y, [[1.0]], [0.0], [[1.0]])
>>> post = mc.bayes_invert(sensor, prior)   # Y → X: x | y ~ N(y / 2, 1 / 2)
>>> post.A.tolist(), post.cov.tolist()
([[0.5]], [[0.5]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import backends
from .._config import check_tolerance
from .._errors import TypeMismatchError, ZeroProbabilityError
from .._evidence import factor_position, factor_positions
from . import _linalg as la
from ._morphism import GaussianKernel
from ._objects import I, space

#: Relative tolerance of the float support checks (evidence, almost-sure equality).
SUPPORT_ATOL = 1e-8

ops = backends.ops


def _kernel(d: Any, fn: str, what: str = "joint") -> GaussianKernel:
    if not isinstance(d, GaussianKernel):
        raise TypeMismatchError(
            f"mc.{fn}: expected a Gaussian kernel as {what}, given {type(d).__name__}"
        )
    return d


def _distinct(keys: Any, positions: list[int], fn: str) -> list[int]:
    if len(set(positions)) != len(positions):
        raise TypeMismatchError(f"mc.{fn}: factor positions must be distinct, given {keys!r}")
    return positions


def _index(coords: list[int]) -> Any:
    """A slice for a contiguous run of coordinates (a view, no copy), else an index array."""
    if coords and coords == list(range(coords[0], coords[-1] + 1)):
        return slice(coords[0], coords[-1] + 1)
    return np.asarray(coords, dtype=int)


def _sub(a: Any, rows: list[int], cols: list[int] | None = None) -> Any:
    r = _index(rows)
    if cols is None:
        return a[r]
    c = _index(cols)
    if isinstance(r, slice) or isinstance(c, slice):
        return a[r][:, c]
    return a[np.ix_(r, c)]


def marginal(joint: Any, keep: Sequence[Any] | Any) -> GaussianKernel:
    """Keep the codomain factors at ``keep`` (positions or names), in the order given.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X, Y = gauss.Real("X"), gauss.Real("Y", 2)
    >>> p = gauss.state(X @ Y, [1, 2, 3], [[1, 0, 0], [0, 2, 0], [0, 0, 3]])
    >>> mc.marginal(p, "Y").mean.tolist(), mc.marginal(p, "Y").cov.tolist()
    ([2.0, 3.0], [[2.0, 0.0], [0.0, 3.0]])
    """
    joint = _kernel(joint, "marginal")
    pos = factor_positions(joint.cod, keep)
    c = joint.cod.coordinates(pos)
    cod = space(*(joint.cod.factors[p] for p in pos))
    return GaussianKernel(
        joint.dom, cod, _sub(joint.A, c), _sub(joint.b, c), _sub(joint.cov, c, c), None
    )


def _gain(joint: GaussianKernel, o: list[int], r: list[int]) -> tuple[Any, Any]:
    """The gain ``K = Σ_ro Σ_oo⁺`` and the conditional covariance ``Σ_rr − K Σ_or``."""
    S = joint.cov
    K = la.right_solve(_sub(S, r, o), _sub(S, o, o))
    return K, _symmetric(_sub(S, r, r) - K @ _sub(S, o, r))


def _symmetric(a: Any) -> Any:
    if type(a) is not np.ndarray and ops.is_exact(a):
        return a
    return (a + a.T) / 2  # rounding would leave the Schur complement slightly asymmetric


def disintegrate(joint: Any, on: Sequence[Any] | Any) -> tuple[GaussianKernel, GaussianKernel]:
    """``(marginal on the factors on, conditional X_on → X_rest)``; with a domain ``D`` the
    conditional is ``D ⊗ X_on → X_rest`` (unique on the support, see the module doc).

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X, Y = gauss.Real("X"), gauss.Real("Y")
    >>> joint = gauss.state(X @ Y, [0, 0], [[1, 1], [1, 2]])
    >>> m, c = mc.disintegrate(joint, [0])     # Y | X = x ~ N(x, 1)
    >>> c.A.tolist(), c.b.tolist(), c.cov.tolist()
    ([[1.0]], [0.0], [[1.0]])
    """
    joint = _kernel(joint, "disintegrate")
    on_pos = _distinct(on, factor_positions(joint.cod, on), "disintegrate")
    return marginal(joint, on_pos), _conditional(joint, on_pos)


def _conditional(joint: GaussianKernel, on_pos: list[int]) -> GaussianKernel:
    """The kernel ``dom ⊗ X_on → X_rest`` of a disintegration (the gain form)."""
    rest_pos = [i for i in range(len(joint.cod.factors)) if i not in on_pos]
    o, r = joint.cod.coordinates(on_pos), joint.cod.coordinates(rest_pos)
    K, cov = _gain(joint, o, r)
    A_o, A_r = _sub(joint.A, o), _sub(joint.A, r)
    A = la.concat(cov, [A_r - K @ A_o, K], 1)
    b = _sub(joint.b, r) - K @ _sub(joint.b, o)
    X_on = space(*(joint.cod.factors[i] for i in on_pos))
    X_rest = space(*(joint.cod.factors[i] for i in rest_pos))
    return GaussianKernel(joint.dom @ X_on, X_rest, A, b, cov, None)


def bayes_invert(f: Any, prior: Any) -> GaussianKernel:
    """The Bayesian inverse ``f†: Y → X`` of ``f: X → Y`` under ``prior: I → X``: for
    ``f = (H, c, R)`` and ``prior = N(m, P)`` the Kalman update, ``y ↦ N(m + K (y − H m −
    c), P − K H P)`` with ``K = P Hᵀ (H P Hᵀ + R)⁺``. A prior ``D → X`` gives ``D ⊗ Y → X``.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> inv = mc.bayes_invert(gauss.kernel(X, X, 1, 0, 3), gauss.state(X, 0, 1))
    >>> inv.A.tolist(), inv.cov.tolist()   # K = 1/(1+3), P - K P = 3/4
    ([[0.25]], [[0.75]])
    """
    f = _kernel(f, "bayes_invert", "channel")
    prior = _kernel(prior, "bayes_invert", "prior")
    if prior.cod != f.dom:
        raise TypeMismatchError(
            f"mc.bayes_invert: the prior's codomain {prior.cod} must be the channel's domain "
            f"{f.dom} (channel {f.label()})"
        )
    # the disintegration of the joint prior >> copy >> (id @ f) on its Y part, in the gain
    # form and without building the joint: Σ_xx = P, Σ_yx = H P, Σ_yy = H P Hᵀ + R
    H, c, R, Ap, m, P = la.promote(f.A, f.b, f.cov, prior.A, prior.b, prior.cov)
    HP = H @ P
    K = la.right_solve(HP.T, HP @ H.T + R)
    cov = _symmetric(P - K @ HP)
    A = la.concat(cov, [Ap - K @ (H @ Ap), K], 1)
    return GaussianKernel(prior.dom @ f.cod, f.dom, A, m - K @ (H @ m + c), cov, None)


def condition(
    state: Any, evidence: Mapping[Any, Any], keep: Sequence[Any] | None = None
) -> GaussianKernel:
    """The posterior state given point evidence ``{factor position or name: value}``;
    observed factors become point masses (covariance 0) at their values, so positions
    stay stable. ``keep`` returns only those factors. Evidence off the support raises
    :class:`ZeroProbabilityError`.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X, Y = gauss.Real("X"), gauss.Real("Y")
    >>> joint = gauss.state(X @ Y, [0, 0], [[1, 1], [1, 2]])
    >>> post = mc.condition(joint, {"Y": 1.0})
    >>> post.mean.tolist(), post.cov.tolist()
    ([0.5, 1.0], [[0.5, 0.0], [0.0, 0.0]])
    """
    state = _kernel(state, "condition", "state")
    if state.dom.dim or state.dom != I:
        raise TypeMismatchError(
            f"mc.condition: expected a Gaussian state I → X, given {state.dom} → {state.cod}; "
            "use mc.disintegrate or mc.bayes_invert for kernels"
        )
    if not isinstance(evidence, Mapping):
        raise TypeMismatchError(
            "mc.condition on a Gaussian state: expected point evidence {factor: value}, "
            f"given {type(evidence).__name__} (predicates are for finite states)"
        )
    X = state.cod
    parsed: dict[int, Any] = {}
    for key, value in evidence.items():
        p = factor_position(X, key)
        n = X.factors[p].n
        v = backends.asarray(value)
        if int(np.prod(v.shape)) != n:
            raise TypeMismatchError(
                f"mc.condition: factor {X.factors[p]} has dimension {n}, given evidence of "
                f"shape {tuple(v.shape)}"
            )
        parsed[p] = v.reshape((n,))
    obs = sorted(parsed)
    rest = [i for i in range(len(X.factors)) if i not in parsed]
    o, r = X.coordinates(obs), X.coordinates(rest)
    like = state.cov
    y = la.concat(like, [parsed[p] for p in obs], 0) if obs else _sub(state.b, [])
    y, mu, S = la.promote(y, state.b, state.cov)
    K, cov_r = _gain(GaussianKernel(I, X, state.A, mu, S, None), o, r)
    resid = y - _sub(mu, o)
    _check_support(_sub(S, o, o), resid, state, evidence)
    mean = la.zeros(S, (X.dim,))
    cov = la.zeros(S, (X.dim, X.dim))
    post_r = _sub(mu, r) + K @ resid
    mean, cov = _place(mean, cov, o, y, r, post_r, cov_r)
    post = GaussianKernel(I, X, state.A, mean, cov, None)
    return post if keep is None else marginal(post, keep)


def _place(mean: Any, cov: Any, o: list[int], y: Any, r: list[int], m_r: Any, c_r: Any) -> Any:
    """Scatter the observed values and the posterior of the rest into full arrays
    (a permutation matrix, so the same code runs on JAX tracers)."""
    n = mean.shape[0]
    P = la.zeros(mean, (n, n)) + la.eye(mean, n)[:, np.asarray(o + r, dtype=int)]
    stacked = la.concat(mean, [y, m_r], 0)
    full_cov = la.block_diag(mean, la.zeros(mean, (len(o), len(o))), c_r)
    return P @ stacked, P @ full_cov @ P.T


def _check_support(S_oo: Any, resid: Any, state: GaussianKernel, evidence: Any) -> None:
    if not ops.is_concrete(resid) or not resid.shape[0]:
        return
    proj = S_oo @ la.pinv(S_oo) @ resid
    off = resid - proj
    if ops.is_exact(off):
        bad = any(v != 0 for v in np.asarray(off).ravel())
    else:
        off_np, res_np = ops.to_numpy(off), ops.to_numpy(resid)
        bad = float(np.max(np.abs(off_np))) > SUPPORT_ATOL * max(1.0, float(np.max(np.abs(res_np))))
    if bad:
        raise ZeroProbabilityError(
            f"cannot condition {state.label()} on evidence {evidence!r:.80}: the observed "
            "values lie off the support (mean + range of the covariance) of the observed "
            "factors, an event of probability 0"
        )


def _close(a: Any, b: Any, atol: float) -> bool:
    a, b = la.promote(a, b)
    if ops.is_exact(a):
        return all(v == 0 for v in np.asarray(a - b).ravel())
    return bool(np.allclose(ops.to_numpy(a), ops.to_numpy(b), rtol=0, atol=atol))


def allclose(f: Any, g: Any, *, atol: float = 1e-8) -> bool:
    """Same type and ``A``, ``b``, ``cov`` within ``atol`` (exactly equal on sympy).

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X")
    >>> mc.allclose(gauss.copy(X) >> gauss.swap(X, X), gauss.copy(X))
    True
    """
    for d in (f, g):
        _kernel(d, "allclose", "kernel")
    atol = check_tolerance(atol, "mc.allclose")
    if f.dom != g.dom or f.cod != g.cod:
        return False
    return all(_close(x, y, atol) for x, y in ((f.A, g.A), (f.b, g.b), (f.cov, g.cov)))


def almost_surely_equal(f: Any, g: Any, prior: Any, *, atol: float = 1e-8) -> bool:
    """Whether ``f`` and ``g`` agree on the support ``m + range(P)`` of ``prior = N(m, P)``:
    equal covariances, ``(A_f − A_g) P = 0`` and ``(A_f − A_g) m + b_f − b_g = 0``.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> X = gauss.Real("X", 2)
    >>> prior = gauss.state(X, [1, 0], [[1, 0], [0, 0]])     # lives on the line y = 0
    >>> f = gauss.deterministic(X, X, [[1, 0], [0, 1]])
    >>> g = gauss.deterministic(X, X, [[1, 0], [0, 5]])
    >>> mc.almost_surely_equal(f, g, prior), mc.allclose(f, g)
    (True, False)
    """
    for d, what in ((f, "f"), (g, "g"), (prior, "prior")):
        _kernel(d, "almost_surely_equal", what)
    atol = check_tolerance(atol, "mc.almost_surely_equal")
    if f.dom != g.dom or f.cod != g.cod:
        return False
    if prior.dom.dim or prior.cod != f.dom:
        raise TypeMismatchError(
            f"mc.almost_surely_equal: expected a prior I → {f.dom}, given {prior.dom} → {prior.cod}"
        )
    Af, Ag, bf, bg, m, P = la.promote(f.A, g.A, f.b, g.b, prior.b, prior.cov)
    D = Af - Ag
    zero_m = la.zeros(D, (D.shape[0],))
    zero_P = la.zeros(D, tuple(D.shape))
    return (
        _close(f.cov, g.cov, atol)
        and _close(D @ P, zero_P, atol)
        and _close(D @ m + bf - bg, zero_m, atol)
    )


__all__ = [
    "allclose",
    "almost_surely_equal",
    "bayes_invert",
    "condition",
    "disintegrate",
    "marginal",
]
