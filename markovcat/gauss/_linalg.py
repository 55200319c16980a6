"""The few linear-algebra primitives Gaussian kernels need, one dispatcher each, registered
on the array types of the three backends (numpy float64, exact sympy object arrays, JAX
arrays and tracers). Matrix products, transposes and slicing are numpy syntax, which all
three share; only what differs is dispatched here.

>>> import numpy as np
>>> from markovcat.gauss import _linalg as la
>>> la.pinv(np.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
[[0.5, 0.0], [0.0, 0.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy
from multipledispatch import Dispatcher

from .. import backends
from ..backends import ExactArray

#: Float tolerance of the symmetric-PSD check: an eigenvalue may be as low as
#: ``-PSD_RTOL * max(1, largest |eigenvalue|)`` and asymmetry as large as that.
PSD_RTOL = 1e-9

_zeros = Dispatcher("zeros")
_eye = Dispatcher("eye")
_concat = Dispatcher("concat")
_pinv = Dispatcher("pinv")
_logdet = Dispatcher("logdet")


# plain float numpy arrays (the common case) skip the dispatch
def zeros(like: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` on ``like``'s backend."""
    return np.zeros(shape) if type(like) is np.ndarray else _zeros(like, shape)


def eye(like: Any, n: int) -> Any:
    """The ``n × n`` identity on ``like``'s backend."""
    return np.eye(n) if type(like) is np.ndarray else _eye(like, n)


def concat(like: Any, parts: list[Any], axis: int) -> Any:
    """``parts`` joined along ``axis`` on ``like``'s backend."""
    if type(like) is np.ndarray and all(type(p) is np.ndarray for p in parts):
        return np.concatenate(parts, axis=axis)
    return _concat(like, parts, axis)


def pinv(a: Any) -> Any:
    """The Moore–Penrose pseudo-inverse of a symmetric matrix."""
    if type(a) is np.ndarray:
        return np.linalg.pinv(a, hermitian=True) if a.size else a.copy()
    return _pinv(a)


def logdet(a: Any) -> Any:
    """``log det a`` of a positive definite matrix (0 for an empty one)."""
    if type(a) is np.ndarray:
        return float(np.linalg.slogdet(a)[1]) if a.size else 0.0
    return _logdet(a)


psd_defect = Dispatcher("psd_defect")


# ---- numpy -----------------------------------------------------------------------------
@_zeros.register(np.ndarray, tuple)
def _zeros_np(like: Any, shape: tuple[int, ...]) -> Any:
    return np.zeros(shape)


@_eye.register(np.ndarray, int)
def _eye_np(like: Any, n: int) -> Any:
    return np.eye(n)


@_concat.register(np.ndarray, list, int)
def _concat_np(like: Any, parts: list[Any], axis: int) -> Any:
    return np.concatenate(parts, axis=axis)


_pinv.register(np.ndarray)(lambda a: np.linalg.pinv(a, hermitian=True) if a.size else a.copy())


@_logdet.register(np.ndarray)
def _logdet_np(a: Any) -> Any:
    return float(np.linalg.slogdet(a)[1]) if a.size else 0.0


@psd_defect.register(np.ndarray)
def _psd_np(a: Any) -> str | None:
    """None when ``a`` is symmetric PSD within :data:`PSD_RTOL`, else what is wrong."""
    if not a.size:
        return None
    if not np.all(np.isfinite(a)):
        return "it has a non-finite entry"
    scale = max(1.0, float(np.max(np.abs(a))))
    asym = float(np.max(np.abs(a - a.T)))
    if asym > PSD_RTOL * scale:
        return f"it is not symmetric (largest |cov - cov.T| = {asym:.3g})"
    low = float(np.min(np.linalg.eigvalsh((a + a.T) / 2)))
    if low < -PSD_RTOL * scale:
        return f"it has a negative eigenvalue {low:.6g}"
    return None


# ---- exact sympy -----------------------------------------------------------------------
def _exact(m: Any) -> Any:
    return np.array(m.tolist(), dtype=object).reshape(m.shape).view(ExactArray)


@_zeros.register(ExactArray, tuple)
def _zeros_ex(like: Any, shape: tuple[int, ...]) -> Any:
    out = np.empty(shape, dtype=object)
    out.fill(sympy.Integer(0))
    return out.view(ExactArray)


_eye.register(ExactArray, int)(lambda like, n: _exact(sympy.eye(n)))


@_concat.register(ExactArray, list, int)
def _concat_ex(like: Any, parts: list[Any], axis: int) -> Any:
    return np.concatenate([np.asarray(p, dtype=object) for p in parts], axis=axis).view(ExactArray)


def _matrix(a: Any) -> sympy.Matrix:
    return sympy.Matrix(a.shape[0], a.shape[1], list(np.asarray(a).ravel()))


@_pinv.register(ExactArray)
def _pinv_ex(a: Any) -> Any:
    if not a.size:
        return a.copy()
    return _exact(sympy.simplify(_matrix(a).pinv()))


@_logdet.register(ExactArray)
def _logdet_ex(a: Any) -> Any:
    return sympy.log(_matrix(a).det()) if a.size else sympy.Integer(0)


@psd_defect.register(ExactArray)
def _psd_ex(a: Any) -> str | None:
    if not a.size:
        return None
    m = _matrix(a)
    if not (m - m.T).is_zero_matrix:
        return "it is not symmetric"
    if m.is_positive_semidefinite is False:
        return "it is not positive semidefinite (checked exactly)"
    return None


# ---- JAX (registered when the jax backend loads) ---------------------------------------
def _register_jax() -> None:
    import jax
    import jax.numpy as jnp
    from jax.core import Tracer

    A = (jax.Array, Tracer)
    _zeros.register(A, tuple)(lambda like, shape: jnp.zeros(shape, dtype=like.dtype))
    _eye.register(A, int)(lambda like, n: jnp.eye(n, dtype=like.dtype))
    _concat.register(A, list, int)(lambda like, parts, axis: jnp.concatenate(parts, axis=axis))
    _pinv.register(A)(lambda a: jnp.linalg.pinv(a, hermitian=True) if a.size else a)
    _logdet.register(A)(lambda a: jnp.linalg.slogdet(a)[1] if a.size else jnp.zeros(()))

    @psd_defect.register(A)
    def _psd_jax(a: Any) -> str | None:
        if isinstance(a, Tracer) or not a.size:
            return None  # values unknown under a trace: checked when concrete
        return _psd_np(np.asarray(a, dtype=np.float64))


backends.on_load("jax", _register_jax)


def promote(*arrays: Any) -> list[Any]:
    """Bring arrays to one backend (numpy joins JAX or sympy), as ``backends.promote``;
    plain float numpy arrays (the common case) pass straight through.

    >>> import numpy as np
    >>> from markovcat.gauss import _linalg as la
    >>> [type(a).__name__ for a in la.promote(np.zeros(1), np.ones(1))]
    ['ndarray', 'ndarray']
    """
    if all(type(a) is np.ndarray for a in arrays):
        return list(arrays)
    return backends.promote(arrays)


def right_solve(B: Any, S: Any) -> Any:
    """``B S⁺`` for a symmetric PSD ``S``: by a Cholesky solve where ``S`` is safely
    positive definite, else by the Moore–Penrose pseudo-inverse (so singular ``S`` works).

    >>> import numpy as np
    >>> from markovcat.gauss import _linalg as la
    >>> la.right_solve(np.array([[1.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0]]
    """
    if type(S) is np.ndarray and type(B) is np.ndarray and S.size:
        try:
            L = np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            L = None
        if L is not None and L.diagonal().min() ** 2 > 1e-10 * S.diagonal().max():
            return np.linalg.solve(S, B.T).T
    return B @ pinv(S)


def block_diag(like: Any, a: Any, b: Any) -> Any:
    """The block-diagonal matrix ``[[a, 0], [0, b]]``.

    >>> import numpy as np
    >>> from markovcat.gauss import _linalg as la
    >>> la.block_diag(np.zeros(1), np.ones((1, 1)), 2 * np.ones((1, 1))).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    (m, n), (p, q) = a.shape, b.shape
    top = concat(like, [a, zeros(like, (m, q))], 1)
    bottom = concat(like, [zeros(like, (p, n)), b], 1)
    return concat(like, [top, bottom], 0)
