"""Channel capacity ``C(f) = max_p I(p; f)`` of a kernel ``f : A → X``, certified.

The mutual information of a prior ``p`` and the channel is that of the joint
``p >> copy >> (id ⊗ f)``. For every output law ``q = p >> f`` the divergences
``D_a = KL(f(a) ‖ q)`` bound the capacity on both sides (Arimoto 1972, Blahut 1972):

    I(p; f) = Σ_a p(a) D_a  <=  C(f)  <=  max_a D_a,

so :func:`channel_capacity` stops once the gap is below ``tol``: the value returned is
``I(p; f)`` for the prior returned, and ``C − tol <= value <= C``. The iteration is
Blahut–Arimoto's ``p(a) ∝ p(a) e^(μ D_a)`` with ``μ = 1`` (the classical step, which never
decreases ``I``) stretched to larger ``μ`` while ``I`` keeps increasing (exponentiated
gradient ascent, as in Matz & Duhamel's accelerated Blahut–Arimoto), which clears inputs
outside the optimal support much faster.

Symmetric channels in Gallager's sense (the outputs split into groups on each of which
rows are permutations of each other and columns too) have the uniform prior optimal; there
the capacity is the closed form ``I(uniform; f)`` — exact on the sympy backend. On JAX the
value is differentiable in the channel's table (Danskin: the gradient of ``I(p*; f)`` at
the optimal prior held fixed), where the capacity-achieving prior has full support.

>>> import markovcat as mc
>>> bsc = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.1, 0.9]])
>>> C, prior = mc.channel_capacity(bsc, base=2)
>>> round(C, 6), prior.array.tolist()
(0.531004, [0.5, 0.5])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._compile import evaluate
from ._config import check_tolerance
from ._diagram import Diagram
from ._errors import InformationError, TypeMismatchError
from ._kernel import Kernel, state
from ._numerics import arr, check_base, finish, is_exact, plogq, tables
from .backends import ops

#: Iterations after which :func:`channel_capacity` gives up (with the bounds it reached).
MAX_ITERATIONS = 200_000


class Capacity(tuple):
    """``(capacity, prior)``, unpacking as a pair, with the certificate as attributes:
    ``upper`` (an upper bound on the capacity, in the same base), ``gap`` (``upper −
    capacity``, below ``tol``), ``iterations`` and ``symmetric`` (closed form used).

    >>> import markovcat as mc
    >>> result = mc.channel_capacity(mc.identity(mc.Bool), base=2)
    >>> result.capacity, result.symmetric, result.gap
    (1.0, True, 0.0)
    """

    capacity: Any
    prior: Kernel
    upper: Any
    gap: float
    iterations: int
    symmetric: bool

    def __new__(
        cls, capacity: Any, prior: Kernel, upper: Any, gap: float, iterations: int, symmetric: bool
    ) -> Capacity:
        self = super().__new__(cls, (capacity, prior))
        self.capacity, self.prior, self.upper = capacity, prior, upper
        self.gap, self.iterations, self.symmetric = gap, iterations, symmetric
        return self


def _values(t: Any) -> np.ndarray:
    """Float values of a table; under ``jax.grad`` those of the primal (never the tangents)."""
    x = t
    while not ops.is_concrete(x) and hasattr(x, "primal"):
        x = x.primal  # differentiation tracers carry concrete primal values
    if not ops.is_concrete(x):
        raise InformationError(
            "mc.channel_capacity: the channel's values are traced (inside jax.jit or vmap), "
            "but the optimal prior is found numerically from concrete values; call it "
            "outside jit (jax.grad works)"
        )
    return np.asarray(ops.to_numpy(x), dtype=float)


def is_symmetric(matrix: np.ndarray) -> bool:
    """Gallager symmetry of a channel matrix (rows inputs): the outputs split into groups
    whose columns are permutations of each other, and in each group every row is a
    permutation of every other. Decided on exact equality of the entries.

    >>> import numpy as np
    >>> from markovcat._capacity import is_symmetric
    >>> e = 0.25
    >>> is_symmetric(np.array([[1 - e, e, 0], [0, e, 1 - e]])), is_symmetric(np.array([[1, 0], [0.5, 0.5]]))
    (True, False)
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for j in range(matrix.shape[1]):
        groups.setdefault(tuple(sorted(matrix[:, j].tolist())), []).append(j)
    for cols in groups.values():
        block = matrix[:, cols]
        first = sorted(block[0].tolist())
        if any(sorted(row.tolist()) != first for row in block[1:]):
            return False
    return True


def _exact_symmetric(t: Any, rows: int) -> bool:
    flat = np.asarray(t)
    try:
        return is_symmetric(flat)
    except TypeError:  # symbolic entries cannot be sorted: not decided, so not used
        return False


def _information(W: Any, r: Any, base: Any) -> Any:
    """``I(r; W) = Σ_a r(a) KL(W(a) ‖ r W)`` for ``W`` of shape ``(|A|, |X|)``."""
    n = W.shape[0]
    rW = arr(W * ops.reshape(r, (n, 1)))
    q = ops.reshape(arr(ops.asum(rW, 0)), (1, W.shape[1]))
    return finish(arr(arr(ops.asum(plogq(rW, W), None)) - arr(ops.asum(plogq(rW, q), None))), base)


def _divergences(W: np.ndarray, WlogW: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, float]:
    """``D_a = KL(W(a) ‖ r W)`` for every input and ``I = Σ r D``."""
    q = r @ W
    D = WlogW - W @ np.log(np.where(q > 0, q, 1.0))
    return D, float(r @ D)


def blahut_arimoto(
    W: np.ndarray, tol: float, max_iterations: int = MAX_ITERATIONS
) -> tuple[np.ndarray, float, float, int]:
    """The prior, ``I``, the upper bound ``max D`` (nats) and the iterations for a float
    channel matrix, stopping when ``max D − I < tol``.

    >>> import numpy as np
    >>> from markovcat._capacity import blahut_arimoto
    >>> r, low, up, _ = blahut_arimoto(np.array([[1.0, 0.0], [0.5, 0.5]]), 1e-12)
    >>> round(float(low / np.log(2)), 6), round(float(r[0]), 4)
    (0.321928, 0.6)
    """
    n = W.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        WlogW = np.where(W > 0, W * np.log(np.where(W > 0, W, 1.0)), 0.0).sum(axis=1)
    r = np.full(n, 1.0 / n)
    D, info = _divergences(W, WlogW, r)
    mu = 1.0
    for it in range(1, max_iterations + 1):
        upper = float(D.max())
        if upper - info < tol:
            return r, info, upper, it
        while True:  # the step μ: 1 is Blahut–Arimoto (monotone), larger while I increases
            c = np.exp(mu * (D - upper))
            new = r * c
            new /= new.sum()
            D2, info2 = _divergences(W, WlogW, new)
            if info2 >= info or mu <= 1.0:
                break
            mu = max(1.0, mu / 2)
        r, D, info = new, D2, info2
        mu *= 1.3
    raise InformationError(
        f"mc.channel_capacity: no certificate within {max_iterations} iterations: the "
        f"capacity lies in [{info}, {float(D.max())}] nats (raise tol)"
    )


def channel_capacity(
    f: Diagram, *, base: Any = None, tol: float = 1e-9, max_iterations: int = MAX_ITERATIONS
) -> Capacity:
    """The capacity ``max_p I(p; f)`` of a kernel ``f : A → X`` and a prior achieving it.

    Returns a :class:`Capacity`, which unpacks as ``(capacity, prior)``: ``capacity`` is
    the mutual information of ``prior`` and ``f``, within ``tol`` (in nats) of the true
    capacity by the Arimoto bounds; ``prior`` a state on ``A``. Symmetric channels give
    the closed form with the uniform prior (exact on sympy); other exact channels are
    solved in floats (a float result). On JAX the capacity is differentiable in ``f``.

    >>> import markovcat as mc
    >>> z = mc.kernel(mc.Bool, mc.Bool, [[1.0, 0.0], [0.5, 0.5]])     # the Z channel
    >>> round(mc.channel_capacity(z, base=2).capacity, 6)            # log2(5/4)
    0.321928
    """
    if not isinstance(f, Diagram):
        raise TypeMismatchError(
            f"mc.channel_capacity: expected a kernel A → X, given {type(f).__name__}"
        )
    check_base(base, True, "mc.channel_capacity")
    tol = check_tolerance(tol, "mc.channel_capacity")
    if not tol > 0:
        raise InformationError(f"mc.channel_capacity: expected tol > 0, given {tol!r}")
    A, X = f.dom, f.cod
    if A.size == 0 or X.size == 0:
        raise InformationError(f"mc.channel_capacity: the channel {A} → {X} has no inputs")
    (t,) = tables(f)
    W = ops.reshape(t, (A.size, X.size))
    if ops.is_concrete(W) and _exact_symmetric(W, A.size):
        prior = _uniform(A, W)
        (w,) = tables(prior)
        value = _information(W, ops.reshape(w, (A.size,)), base)
        return Capacity(value, prior, value, 0.0, 0, True)
    if is_exact(W):  # not symmetric: solved in floats
        W = ops.reshape(tables(evaluate(f).to("numpy"))[0], (A.size, X.size))
    r, _, upper, iterations = blahut_arimoto(_values(W), tol, max_iterations)
    r = np.where(r > 0, r, 0.0)
    prior = state(A, np.reshape(r / r.sum(), A.shape), name="capacity-achieving prior")
    (w,) = tables(prior)
    value = _information(W, ops.reshape(w, (A.size,)), base)
    bound = upper if base is None else upper / math.log(float(base))
    gap = max(0.0, bound - float(_values(arr(value))))
    return Capacity(value, prior, bound, gap, iterations, False)


def _uniform(A: Any, like: Any) -> Kernel:
    """The uniform state on ``A`` on ``like``'s backend (exact ``1/n`` on sympy)."""
    values = ops.full_like(like, (A.size,), 1) / ops.full_like(like, (), A.size)
    return state(A, ops.reshape(values, A.shape), name="uniform prior")


__all__ = ["MAX_ITERATIONS", "Capacity", "blahut_arimoto", "channel_capacity", "is_symmetric"]
