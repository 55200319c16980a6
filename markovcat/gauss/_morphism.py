"""Linear-Gaussian kernels ``x ↦ N(A x + b, cov)``: the morphisms of the Gaussian Markov
category, with the structural maps and ``>>``/``@``.

Composition (first ``(A, b, Σ)``, then ``(B, c, T)``) is ``(BA, Bb + c, BΣBᵀ + T)``; the
tensor is block-diagonal; copy is ``([I; I], 0, 0)``, delete ``R^n → R^0``, swap the
permutation matrix. A state ``I → X`` has ``A`` of shape ``(dim X, 0)``; its ``.mean`` is
``b``. Every kernel is validated on construction: shapes match the objects, ``cov`` is
symmetric positive semidefinite (exactly on sympy; on floats within ``PSD_RTOL`` relative
to the largest entry, see ``_linalg``).

>>> from markovcat import gauss
>>> X = gauss.Real("X")
>>> prior = gauss.state(X, [0.0], [[1.0]])
>>> step = gauss.kernel(X, X, [[2.0]], [1.0], [[0.5]])
>>> (prior >> step).mean.tolist(), (prior >> step).cov.tolist()
([1.0], [[4.5]])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backends
from .._diagram import Diagram
from .._errors import NotStochasticError, TypeMismatchError
from . import _linalg as la
from ._objects import I, Real, Space, as_space

#: What calling a kernel on wires means: set by ``_program`` (the tracer) on import.
_APPLY: list[Callable[[Any, tuple[Any, ...]], Any]] = []


class GaussianKernel(Diagram):
    """The kernel ``dom → cod``, ``x ↦ N(A x + b, cov)`` (build it with ``gauss.kernel``).

    A morphism like the finite ones (an ``mc.Diagram``, so the laws in ``markovcat.laws``
    take it), but evaluated as it is built: ``>>`` and ``@`` return Gaussian kernels.
    ``k[x]`` is the state ``k(x)``; finite-only views (``.array``, drawing) are not offered.

    >>> from markovcat import gauss
    >>> X = gauss.Real("X", 2)
    >>> f = gauss.deterministic(X, X, [[0, 1], [1, 0]])
    >>> (f >> f).A.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    __slots__ = ("A", "b", "cod", "cov", "dom", "name")
    dom: Any  # a gauss.Real or a product of them
    cod: Any

    def __init__(self, dom: Any, cod: Any, A: Any, b: Any, cov: Any, name: str | None) -> None:
        self.dom, self.cod, self.A, self.b, self.cov, self.name = dom, cod, A, b, cov, name

    # ---- views ---------------------------------------------------------------------------
    @property
    def mean(self) -> Any:
        """The mean vector of a state (``b``); a kernel has a mean per input: use ``.b``.

        >>> from markovcat import gauss
        >>> gauss.state(gauss.Real("X"), [3.0], [[1.0]]).mean.tolist()
        [3.0]
        """
        if self.dom.dim:
            raise TypeMismatchError(
                f"{self.label()}: .mean is for states I → X; this kernel has domain "
                f"{self.dom}, so its mean A x + b depends on x (use .A and .b)"
            )
        return self.b

    @property
    def backend(self) -> str:
        """``'numpy'``, ``'jax'`` or ``'sympy'``."""
        return backends.name(self.cov)

    def label(self) -> str:
        """The name, or ``dom → cod`` for an unnamed kernel."""
        return self.name or f"gaussian kernel {self.dom} → {self.cod}"

    def to(self, backend: str) -> GaussianKernel:  # type: ignore[override]
        """The same kernel on another backend.

        >>> from markovcat import gauss
        >>> gauss.state(gauss.Real("X"), [0.5], [[1]]).to("sympy").mean.tolist()
        [1/2]
        """
        A, b, cov = (backends.convert(x, backend) for x in (self.A, self.b, self.cov))
        return GaussianKernel(self.dom, self.cod, A, b, cov, self.name)

    def evaluate(self, backend: str | None = None) -> GaussianKernel:  # type: ignore[override]
        """Itself (Gaussian composites are evaluated as they are built), or on ``backend``.

        >>> from markovcat import gauss
        >>> gauss.identity(gauss.Real("X")).evaluate("sympy").backend
        'sympy'
        """
        return self if backend is None else self.to(backend)

    def is_deterministic(self, atol: float = 1e-9) -> bool:
        """Whether ``cov == 0`` (exactly on sympy, within ``atol`` on floats).

        >>> from markovcat import gauss
        >>> gauss.identity(gauss.Real("X")).is_deterministic()
        True
        """
        if backends.ops.is_exact(self.cov):
            return all(v == 0 for v in np.asarray(self.cov).ravel())
        return bool(np.all(np.abs(backends.ops.to_numpy(self.cov)) <= atol))

    # ---- building ------------------------------------------------------------------------
    def __rshift__(self, other: Any) -> GaussianKernel:
        if not isinstance(other, GaussianKernel):
            raise TypeMismatchError(
                f"cannot compose {self.label()} with {other!r:.80}: expected a Gaussian "
                "kernel (finite and Gaussian morphisms do not compose)"
            )
        if self.cod != other.dom:
            raise TypeMismatchError(
                f"cannot compose {self.label()} : {self.dom} → {self.cod} with "
                f"{other.label()} : {other.dom} → {other.cod}: the codomain of the first "
                "must equal the domain of the second"
            )
        A, b, S, B, c, T = la.promote(self.A, self.b, self.cov, other.A, other.b, other.cov)
        return GaussianKernel(self.dom, other.cod, B @ A, B @ b + c, B @ S @ B.T + T, None)

    def __lshift__(self, other: Any) -> GaussianKernel:
        if not isinstance(other, GaussianKernel):
            raise TypeMismatchError(f"cannot compose {self.label()} with {other!r:.80}")
        return other >> self

    def __matmul__(self, other: Any) -> GaussianKernel:
        if not isinstance(other, GaussianKernel):
            raise TypeMismatchError(
                f"cannot tensor {self.label()} with {other!r:.80}: expected a Gaussian kernel"
            )
        A, b, S, B, c, T = la.promote(self.A, self.b, self.cov, other.A, other.b, other.cov)
        return GaussianKernel(
            self.dom @ other.dom,
            self.cod @ other.cod,
            la.block_diag(S, A, B),
            la.concat(S, [b, c], 0),
            la.block_diag(S, S, T),
            None,
        )

    def __call__(self, *wires: Any) -> Any:
        """Apply this kernel to wires inside an ``@mc.program`` over Gaussian objects."""
        return _APPLY[0](self, wires)

    def __getitem__(self, x: Any) -> GaussianKernel:
        """The state ``N(A x + b, cov)`` at the input point ``x``.

        >>> from markovcat import gauss
        >>> X = gauss.Real("X")
        >>> gauss.kernel(X, X, 2, 1, 1)[3.0].mean.tolist()
        [7.0]
        """
        A, b, cov, v = la.promote(self.A, self.b, self.cov, backends.asarray(x))
        v = v.reshape((self.dom.dim,))
        return GaussianKernel(I, self.cod, la.zeros(cov, (self.cod.dim, 0)), A @ v + b, cov, None)

    @property
    def array(self) -> Any:
        raise TypeMismatchError(
            f"{self.label()} is a Gaussian kernel: it has no table; use .A, .b and .cov"
        )

    @property
    def matrix(self) -> Any:
        return self.array

    def draw(self, direction: str = "down") -> Any:
        raise TypeMismatchError(f"{self.label()}: drawing is for string diagrams of boxes")

    def to_tikz(self, direction: str = "down") -> str:
        raise TypeMismatchError(f"{self.label()}: drawing is for string diagrams of boxes")

    def _repr_html_(self) -> str:
        def show(a: Any) -> str:
            return "<br>".join(str(r) for r in np.asarray(a).tolist())

        return (
            f"<b>{self}</b> : {self.dom} → {self.cod}<br>A = {show(self.A)}<br>"
            f"b = {show(self.b)}<br>cov = {show(self.cov)}"
        )

    def _repr_svg_(self) -> str | None:
        return None

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        return f"GaussianKernel({name}{self.dom} → {self.cod}, backend={self.backend!r})"

    def __str__(self) -> str:
        return self.name or f"N({self.dom} → {self.cod})"


def _array(x: Any, shape: tuple[int, ...], what: str, where: str) -> Any:
    arr = backends.asarray(x)
    if tuple(arr.shape) != shape:
        if int(np.prod(arr.shape)) != int(np.prod(shape)):
            raise TypeMismatchError(
                f"{where}: {what} must have shape {shape}, given an array of shape "
                f"{tuple(arr.shape)}"
            )
        arr = arr.reshape(shape)
    return arr


def _build(
    dom: Any, cod: Any, A: Any, b: Any, cov: Any, backend: str | None, name: str | None
) -> GaussianKernel:
    dom, cod = as_space(dom, "gauss.kernel domain"), as_space(cod, "gauss.kernel codomain")
    where = f"gauss kernel {name + ' : ' if name else ''}{dom} → {cod}"
    m, n = cod.dim, dom.dim
    A = _array(np.zeros((m, n)) if A is None else A, (m, n), "A", where)
    b = _array(np.zeros(m) if b is None else b, (m,), "b", where)
    cov = _array(np.zeros((m, m)) if cov is None else cov, (m, m), "cov", where)
    parts = [backends.asarray(x) for x in (A, b, cov)]
    if backend is not None:
        parts = [backends.convert(x, backend) for x in parts]
    A, b, cov = la.promote(*parts)
    if backends.ops.is_concrete(A) and backends.ops.is_concrete(b):
        for arr, what in ((A, "A"), (b, "b")):
            if not backends.ops.is_exact(arr) and not np.all(
                np.isfinite(backends.ops.to_numpy(arr))
            ):
                raise NotStochasticError(f"{where}: {what} has a non-finite entry")
    defect = la.psd_defect(cov)
    if defect is not None:
        raise NotStochasticError(
            f"{where}: expected a symmetric positive semidefinite covariance, but {defect}"
        )
    return GaussianKernel(dom, cod, A, b, cov, name)


def kernel(
    dom: Any,
    cod: Any,
    A: Any,
    b: Any = None,
    cov: Any = None,
    *,
    backend: str | None = None,
    name: str | None = None,
) -> GaussianKernel:
    """The kernel ``x ↦ N(A x + b, cov)`` from ``dom`` to ``cod`` (``b``, ``cov`` default 0).

    ``A`` has shape ``(dim cod, dim dom)``; arrays of the right size are reshaped, so
    scalars do for one-dimensional objects. Fractions or sympy numbers give an exact kernel.

    >>> from markovcat import gauss
    >>> X, Y = gauss.Real("X"), gauss.Real("Y")
    >>> gauss.kernel(X, Y, 2.0, 1.0, 0.25, name="sensor")
    GaussianKernel('sensor', X → Y, backend='numpy')
    """
    return _build(dom, cod, A, b, cov, backend, name)


def state(
    cod: Any, mean: Any, cov: Any = None, *, backend: str | None = None, name: str | None = None
) -> GaussianKernel:
    """The Gaussian state ``N(mean, cov)`` on ``cod`` (``cov`` may be singular or 0).

    >>> from markovcat import gauss
    >>> p = gauss.state(gauss.Real("X", 2), [0, 1], [[1, 0], [0, 2]])
    >>> p.mean.tolist(), p.dom
    ([0.0, 1.0], gauss.I)
    """
    cod = as_space(cod, "gauss.state codomain")
    return _build(I, cod, np.zeros((cod.dim, 0)), mean, cov, backend, name)


def deterministic(
    dom: Any,
    cod: Any,
    A: Any,
    b: Any = None,
    *,
    backend: str | None = None,
    name: str | None = None,
) -> GaussianKernel:
    """The deterministic affine map ``x ↦ A x + b`` (covariance 0).

    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> gauss.deterministic(X, X, 3.0, 1.0).is_deterministic()
    True
    """
    return _build(dom, cod, A, b, None, backend, name)


def _structural(dom: Any, cod: Any, A: np.ndarray, name: str) -> GaussianKernel:
    m = A.shape[0]
    return GaussianKernel(dom, cod, A.astype(float), np.zeros(m), np.zeros((m, m)), name)


def identity(obj: Any) -> GaussianKernel:
    """The identity ``X → X``: ``(I, 0, 0)``.

    >>> from markovcat import gauss
    >>> gauss.identity(gauss.Real("X", 2)).A.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    obj = as_space(obj, "identity")
    return _structural(obj, obj, np.eye(obj.dim), f"id({obj})")


def copy(obj: Any, n: int = 2) -> GaussianKernel:
    """The copy map ``X → X^{⊗n}``: ``([I; …; I], 0, 0)``.

    >>> from markovcat import gauss
    >>> gauss.copy(gauss.Real("X")).A.tolist()
    [[1.0], [1.0]]
    """
    obj = as_space(obj, "copy")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise TypeMismatchError(f"copy({obj}): expected a number of copies n >= 0, given {n!r}")
    cod: Any = I
    for _ in range(n):
        cod = cod @ obj
    return _structural(obj, cod, np.tile(np.eye(obj.dim), (n, 1)), f"copy({obj})")


def delete(obj: Any) -> GaussianKernel:
    """The delete map ``X → I``.

    >>> from markovcat import gauss
    >>> gauss.delete(gauss.Real("X", 3)).A.shape
    (0, 3)
    """
    obj = as_space(obj, "delete")
    return _structural(obj, I, np.zeros((0, obj.dim)), f"delete({obj})")


def swap(left: Any, right: Any) -> GaussianKernel:
    """The symmetry ``X ⊗ Y → Y ⊗ X``.

    >>> from markovcat import gauss
    >>> gauss.swap(gauss.Real("X"), gauss.Real("Y", 2)).A.tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    left, right = as_space(left, "swap"), as_space(right, "swap")
    n, m = left.dim, right.dim
    perm = np.zeros((n + m, n + m))
    perm[:m, n:] = np.eye(m)
    perm[m:, :n] = np.eye(n)
    return _structural(left @ right, right @ left, perm, f"swap({left}, {right})")


def select(obj: Any, positions: list[int]) -> GaussianKernel:
    """The deterministic map ``X → X_{positions}`` picking (and copying) factors.

    >>> from markovcat import gauss
    >>> X = gauss.Real("X") @ gauss.Real("Y")
    >>> gauss.select(X, [1, 1, 0]).A.tolist()
    [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    """
    obj = as_space(obj, "select")
    coords = obj.coordinates(positions)
    A = np.eye(obj.dim)[coords] if coords else np.zeros((0, obj.dim))
    cod: Any = I
    for p in positions:
        cod = cod @ obj.factors[p]
    return _structural(obj, cod, A, "select")


def _register_pytree() -> None:
    import jax

    jax.tree_util.register_pytree_node(
        GaussianKernel,
        lambda k: ((k.A, k.b, k.cov), (k.dom, k.cod, k.name)),
        lambda aux, leaves: GaussianKernel(aux[0], aux[1], *leaves, aux[2]),
    )


backends.on_load("jax", _register_pytree)

__all__ = [
    "GaussianKernel",
    "Real",
    "Space",
    "copy",
    "delete",
    "deterministic",
    "identity",
    "kernel",
    "select",
    "state",
    "swap",
]
