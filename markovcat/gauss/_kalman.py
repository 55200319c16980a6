"""Kalman filtering and RTS smoothing, written as Bayesian inversion in Gauss.

Filtering: predict by composition (``belief >> transition``), update by the Bayesian
inverse of the observation kernel under the predicted belief, evaluated at the reading
(``bayes_invert(observation, predicted)`` is the Kalman gain form). Smoothing
(Rauch–Tung–Striebel): the backward kernel ``bayes_invert(transition, filtered_t)`` sends
the smoothed belief at ``t + 1`` to the smoothed belief at ``t``.

>>> from markovcat import gauss
>>> X = gauss.Real("X")
>>> walk, sensor = gauss.kernel(X, X, 1, 0, 1), gauss.kernel(X, X, 1, 0, 1)
>>> beliefs, loglik = gauss.kalman_filter(gauss.state(X, 0, 1), walk, sensor, [[1.0]])
>>> beliefs[0].mean.tolist(), beliefs[0].cov.tolist()
([0.5], [[0.5]])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import backends
from .._errors import TypeMismatchError
from . import _linalg as la
from ._inference import bayes_invert
from ._morphism import GaussianKernel
from ._objects import I
from ._program import program


def at(k: GaussianKernel, y: Any) -> GaussianKernel:
    """The state ``k(y) = N(A y + b, cov)`` of a kernel at the point ``y`` (``k[y]``).

    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> gauss.kalman.at(gauss.kernel(X, X, 2, 1, 1), [3.0]).mean.tolist()
    [7.0]
    """
    return k[y]


def _loglik(pred: GaussianKernel, y: Any) -> Any:
    S, m, v = la.promote(pred.cov, pred.b, backends.asarray(y))
    d = v.reshape((-1,)) - m
    n = d.shape[0]
    quad = la.right_solve(d.reshape((1, n)), S).reshape((n,)) @ d
    return -(n * math.log(2 * math.pi) + la.logdet(S) + quad) / 2


def kalman_filter(
    prior: GaussianKernel,
    transition: GaussianKernel,
    observation: GaussianKernel,
    readings: Sequence[Any],
) -> tuple[list[GaussianKernel], Any]:
    """The filtered beliefs ``p(x_t | y_1..y_t)`` and the log-likelihood of the readings;
    ``prior`` is the belief about ``x_1`` before its reading.

    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> k = gauss.kernel(X, X, 1, 0, 1)
    >>> _, ll = gauss.kalman_filter(gauss.state(X, 0, 1), k, k, [[0.0]])
    >>> round(float(ll), 6)   # log N(0; 0, 2)
    -1.265512
    """
    if transition.dom != prior.cod or transition.cod != prior.cod:
        raise TypeMismatchError(
            f"kalman_filter: the transition must be {prior.cod} → {prior.cod}, given "
            f"{transition.dom} → {transition.cod}"
        )
    beliefs: list[GaussianKernel] = []
    total: Any = 0.0
    belief = prior
    for t, y in enumerate(readings):
        if t:
            belief = belief >> transition
        fused = _update(belief, observation, y)
        if fused is None:  # exact, JAX or a singular innovation covariance: the verbs
            total = total + _loglik(belief >> observation, y)
            belief = at(bayes_invert(observation, belief), y)
        else:
            step, belief = fused
            total = total + step
        beliefs.append(belief)
    return beliefs, total


def _update(belief: GaussianKernel, observation: GaussianKernel, y: Any) -> Any:
    """``(log p(y), at(bayes_invert(observation, belief), y))`` in one factorisation of the
    innovation covariance ``S = H P Hᵀ + R``, for plain float numpy matrices with ``S``
    safely positive definite (else ``None``). The same formulas as the two verbs: the
    gain ``K = P Hᵀ S⁻¹``, the mean ``m + K (y − H m − c)``, the covariance ``P − K H P``."""
    H, c, R, m, P = observation.A, observation.b, observation.cov, belief.b, belief.cov
    if not all(type(a) is np.ndarray and a.dtype == np.float64 for a in (H, c, R, m, P)):
        return None
    v = np.asarray(y, dtype=float).reshape(-1)
    HP = H @ P
    S = HP @ H.T + R
    if v.shape != c.shape or not S.size:
        return None
    try:
        L = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        return None
    diag = L.diagonal()
    if float(diag.min()) ** 2 <= 1e-10 * float(S.diagonal().max()):
        return None
    d = v - H @ m - c
    solved = np.linalg.solve(S, np.concatenate([HP, d[:, None]], axis=1))
    K_T, z = solved[:, :-1], solved[:, -1]
    log_p = -(d.size * math.log(2 * math.pi) + 2 * float(np.log(diag).sum()) + d @ z) / 2
    cov = P - K_T.T @ HP
    post = GaussianKernel(
        I, belief.cod, np.zeros((m.size, 0)), m + HP.T @ z, (cov + cov.T) / 2, None
    )
    return log_p, post


def rts_smoother(
    filtered: Sequence[GaussianKernel], transition: GaussianKernel
) -> list[GaussianKernel]:
    """The smoothed beliefs ``p(x_t | y_1..y_T)`` from the filtered ones (RTS).

    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> k = gauss.kernel(X, X, 1, 0, 1)
    >>> beliefs, _ = gauss.kalman_filter(gauss.state(X, 0, 1), k, k, [[0.0], [3.0]])
    >>> [round(float(p.mean[0]), 4) for p in gauss.rts_smoother(beliefs, k)]
    [0.6, 1.8]
    """
    out = [filtered[-1]]
    for belief in reversed(filtered[:-1]):
        out.append(out[-1] >> bayes_invert(transition, belief))
    out.reverse()
    return out


def linear_gaussian_ssm(
    prior: GaussianKernel, transition: GaussianKernel, observation: GaussianKernel, steps: int
) -> GaussianKernel:
    """The joint state of a linear-Gaussian state-space model on
    ``X ⊗ Y ⊗ X ⊗ Y ⊗ …`` (``x_1, y_1, …, x_T, y_T``): the diagram ``x_1 ~ prior``,
    ``x_{t+1} ~ transition(x_t)``, ``y_t ~ observation(x_t)`` traced into one Gaussian.
    Conditioning it on the readings (``mc.condition``) gives the smoothed beliefs of
    :func:`rts_smoother`; on the first ``t`` readings, the filtered belief at ``t``. Its
    covariance has ``(T·(dim X + dim Y))²`` entries: for checks and teaching, not long series.

    >>> import markovcat as mc
    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> k = gauss.kernel(X, X, 1, 0, 1)
    >>> joint = gauss.linear_gaussian_ssm(gauss.state(X, 0, 1), k, k, 2)
    >>> post = mc.condition(joint, {1: 0.0, 3: 3.0})
    >>> [round(float(post.mean[i]), 4) for i in (0, 2)]   # as rts_smoother: 0.6, 1.8
    [0.6, 1.8]
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise TypeMismatchError(f"linear_gaussian_ssm: expected steps >= 1, given {steps!r}")
    X, Y = prior.cod, observation.cod
    cod: Any = I
    for _ in range(steps):
        cod = cod @ X @ Y

    def model() -> Any:
        x, out = prior(), []
        for t in range(steps):
            if t:
                x = transition(x)
            out += [x, observation(x)]
        return tuple(out)

    return program(I, cod)(model)


__all__ = ["at", "kalman_filter", "linear_gaussian_ssm", "rts_smoother"]
