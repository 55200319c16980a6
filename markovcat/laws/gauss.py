"""Laws and hypothesis strategies for Gaussian kernels (``markovcat.gauss``).

The Markov-category, determinism, disintegration and Bayes laws of DESIGN §3 are the same
functions as for finite kernels (``laws.check_associativity``, ``laws.check_bayes_law``,
…): they are written with the verbs, which accept Gaussian kernels. This module adds the
strategies that draw Gaussian objects, kernels and states (covariances of every rank,
singular ones included; integer-valued entries so the exact backend stays fast) and the
laws that only make sense in Gauss: the tensor unit ``gauss.I``, the Kalman gain form of
the Bayesian inverse, conditioning by the joint precision, and ``@mc.program`` tracing
agreeing with ``>>``/``@``.

>>> from markovcat import gauss, laws
>>> X = gauss.Real("X")
>>> laws.check_kalman_gain(gauss.kernel(X, X, 2, 0, 1), gauss.state(X, 1, 3))
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .. import gauss
from .._errors import LawError
from .._program import program
from ._vocabulary import options

#: Backends the Gaussian strategies can draw for.
GAUSS_BACKENDS = ("numpy", "jax", "sympy")


@st.composite
def gauss_objects(draw: Any, max_factors: int = 2, max_dim: int = 2, min_factors: int = 1) -> Any:
    """A product of ``min_factors..max_factors`` atoms ``Real("X<i>", 1..max_dim)``.

    >>> from markovcat import laws
    >>> laws.gauss_objects().example().dim >= 1
    True
    """
    k = draw(st.integers(min_factors, max_factors))
    dims = [draw(st.integers(1, max_dim)) for _ in range(k)]
    return gauss.space(*(gauss.Real(f"X{i}", d) for i, d in enumerate(dims)))


def _matrix(draw: Any, rows: int, cols: int, lo: int = -2, hi: int = 2) -> list[list[int]]:
    return [[draw(st.integers(lo, hi)) for _ in range(cols)] for _ in range(rows)]


@st.composite
def gauss_kernels(
    draw: Any, dom: Any, cod: Any, backend: str = "numpy", singular: bool = True
) -> Any:
    """A kernel ``dom → cod`` with small-integer ``A`` and ``b`` and ``cov = L Lᵀ`` for an
    integer ``L`` of a drawn rank (0 up to ``dim cod``: singular covariances included
    unless ``singular=False``, which draws ``L`` lower-triangular with a nonzero diagonal).

    >>> from markovcat import gauss, laws
    >>> X = gauss.Real("X", 2)
    >>> laws.gauss_kernels(X, X).example().cov.shape
    (2, 2)
    """
    m, n = cod.dim, dom.dim
    A = _matrix(draw, m, n)
    b = _matrix(draw, 1, m)[0] if m else []
    if singular:
        r = draw(st.integers(0, m))
        L = np.array(_matrix(draw, m, r), dtype=object).reshape(m, r)
    else:
        L = np.zeros((m, m), dtype=object)
        for i in range(m):
            L[i, i] = draw(st.integers(1, 2))
            for j in range(i):
                L[i, j] = draw(st.integers(-1, 1))
    cov = (L @ L.T) if m else np.zeros((0, 0), dtype=object)
    cast = Fraction if backend == "sympy" else float
    conv = np.vectorize(cast, otypes=[object]) if m else (lambda a: np.zeros((0, 0)))
    k = gauss.kernel(
        dom,
        cod,
        np.array([[cast(v) for v in row] for row in A], dtype=object).reshape(m, n),
        np.array([cast(v) for v in b], dtype=object).reshape(m),
        conv(np.asarray(cov, dtype=object).reshape(m, m)),
        name="k",
    )
    return k if backend in ("numpy", "sympy") else k.to(backend)


def gauss_states(cod: Any, backend: str = "numpy", singular: bool = True) -> Any:
    """A Gaussian state on ``cod`` (a strategy); see :func:`gauss_kernels`.

    >>> from markovcat import gauss, laws
    >>> laws.gauss_states(gauss.Real("X")).example().dom == gauss.I
    True
    """
    return gauss_kernels(gauss.I, cod, backend, singular)


def gauss_deterministic(dom: Any, cod: Any, backend: str = "numpy") -> Any:
    """A deterministic affine kernel ``dom → cod`` (a strategy).

    >>> from markovcat import gauss, laws
    >>> laws.gauss_deterministic(gauss.Real("X"), gauss.Real("Y")).example().is_deterministic()
    True
    """
    return gauss_kernels(dom, cod, backend).map(
        lambda k: gauss.deterministic(k.dom, k.cod, k.A, k.b)
    )


def _wires(out: Any) -> tuple[Any, ...]:
    return out if isinstance(out, tuple) else (out,)


def _equal(lhs: Any, rhs: Any, law: str, atol: float, **inputs: Any) -> None:
    if lhs.dom != rhs.dom or lhs.cod != rhs.cod or not gauss.allclose(lhs, rhs, atol=atol):
        shown = ", ".join(f"{k}={v!r}" for k, v in inputs.items())
        raise LawError(
            f"law {law!r} failed for {shown}:\n  lhs = (A={lhs.A.tolist()}, b={lhs.b.tolist()}, "
            f"cov={lhs.cov.tolist()})\n  rhs = (A={rhs.A.tolist()}, b={rhs.b.tolist()}, "
            f"cov={rhs.cov.tolist()})"
        )


@options("atol")
def check_gauss_tensor_unit(f: Any, *, atol: float = 1e-9) -> None:
    """``f @ id(gauss.I) == f == id(gauss.I) @ f``.

    >>> from markovcat import gauss, laws
    >>> laws.check_gauss_tensor_unit(gauss.state(gauss.Real("X"), 1, 2))
    """
    one = gauss.identity(gauss.I)
    _equal(f @ one, f, "right unit of @", atol, f=f)
    _equal(one @ f, f, "left unit of @", atol, f=f)


@options("atol")
def check_kalman_gain(f: Any, prior: Any, *, atol: float = 1e-8) -> None:
    """``bayes_invert(f, prior)`` is the Kalman update in gain form: for ``f = (H, c, R)``
    and ``prior = N(m, P)``, ``y ↦ N(m + K (y − H m − c), (I − K H) P)``,
    ``K = P Hᵀ (H P Hᵀ + R)⁺`` (computed here in numpy, independently of the library).

    >>> from markovcat import gauss, laws
    >>> X = gauss.Real("X", 2)
    >>> laws.check_kalman_gain(gauss.kernel(X, X, [[1, 0], [0, 0]]), gauss.state(X, [0, 0], [[2, 1], [1, 2]]))
    """
    H, c, R = (np.asarray(x, dtype=float) for x in (f.A, f.b, f.cov))
    m, P = (np.asarray(x, dtype=float) for x in (prior.b, prior.cov))
    K = P @ H.T @ np.linalg.pinv(H @ P @ H.T + R)
    n = m.shape[0]
    expected = gauss.kernel(f.cod, f.dom, K, m - K @ (H @ m + c), (np.eye(n) - K @ H) @ P)
    got = gauss.bayes_invert(f, prior).to("numpy")
    got = gauss.GaussianKernel(got.dom, got.cod, got.A, got.b, got.cov, None)
    _equal(got, expected, "Bayesian inverse = Kalman gain form", atol, f=f, prior=prior)


@options("atol")
def check_program_agrees(prior: Any, f: Any, g: Any, *, atol: float = 1e-8) -> None:
    """Tracing ``x ~ prior; y ~ f(x); z ~ g(y); return (x, z)`` with ``@mc.program`` gives
    the kernel ``prior >> copy >> (id @ (f >> g))`` built with ``>>`` and ``@``.

    >>> from markovcat import gauss, laws
    >>> X = gauss.Real("X")
    >>> k = gauss.kernel(X, X, 2, 1, 1)
    >>> laws.check_program_agrees(gauss.state(X, 0, 1), k, k)
    """
    X, Z = prior.cod, g.cod
    trace: Any = program

    @trace(gauss.I, X @ Z)
    def traced() -> Any:
        x = _wires(prior())
        return (*x, *_wires(g(*_wires(f(*x)))))

    built = prior >> gauss.copy(X) >> (gauss.identity(X) @ (f >> g))
    _equal(traced, built, "@mc.program = >> and @", atol, prior=prior, f=f, g=g)


__all__ = [
    "GAUSS_BACKENDS",
    "check_gauss_tensor_unit",
    "check_kalman_gain",
    "check_program_agrees",
    "gauss_deterministic",
    "gauss_kernels",
    "gauss_objects",
    "gauss_states",
]
