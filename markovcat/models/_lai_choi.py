"""The chains of Lai & Choi's experiments, and the builders they are made with.

Lai & Choi, *Information-theoretic coordinate subset and partition selection of multivariate
Markov chains via submodular optimization* (arXiv:2503.23340), illustrate their algorithms on
two multivariate chains:

- :func:`bernoulli_laplace` — the Bernoulli–Laplace level model (Khare & Zhou 2009): ``d``
  colours with ``l_i`` balls each, ``N`` of the ``L = Σ l_i`` balls in urn 1; each step
  swaps ``s`` balls drawn uniformly from urn 1 with ``s`` drawn from urn 2. The state is
  the number ``x_i`` of balls of each colour in urn 1; since ``Σ x_i = N`` the last colour
  is implied, and the chain lives on the product of the first ``d − 1`` coordinates. Its
  stationary law is multivariate hypergeometric, ``π(x) = Π C(l_i, x_i) / C(L, N)``.
- :func:`curie_weiss` — spins ``x_i ∈ {−1, +1}`` with energy
  ``H(x) = −Σ_{i,j} J_ij x_i x_j − h Σ x_i``, ``J_ij = 2^(−|i−j|)``, the single-spin-flip
  Metropolis kernel of the Gibbs law ``π ∝ exp(−β H)``.

Both return a :class:`Chain` ``(P, pi)``. The generic builders :func:`metropolis` and
:func:`gibbs` (also ``markovcat.chains.metropolis`` / ``chains.gibbs``) make the second.

>>> from markovcat import models
>>> P, pi = models.curie_weiss(3, beta=0.1, h=1.0)
>>> P.dom.shape, round(float(pi.array.sum()), 12)
((2, 2, 2), 1.0)
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from .._config import config
from .._errors import InvalidArgumentError, MemoryLimitError, TypeMismatchError
from .._kernel import Kernel, _check_arity, kernel, state
from .._objects import Obj, Object, as_object, product


class Chain(NamedTuple):
    """A Markov chain ``P`` on a product object with its stationary law ``pi``."""

    P: Kernel
    pi: Kernel


def _energies(X: Object, energy: Callable[..., float], beta: Any, fn: str) -> np.ndarray:
    """The energy of every outcome of ``X``, after checking ``X``, ``energy`` and ``beta``."""
    X = as_object(X, f"chains.{fn}")
    _check_arity(energy, len(X.factors), f"chains.{fn} energy")
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not math.isfinite(beta):
        raise InvalidArgumentError(f"chains.{fn}: expected a finite real beta, given {beta!r:.80}")
    values: list[Any] = []
    for x in itertools.product(*(f.values for f in X.factors)):
        v = energy(*x)
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeMismatchError(f"chains.{fn}: energy{x} = {v!r:.80} is not a real number")
        values.append(float(v))
    H, b = np.array(values), float(beta)  # a Fraction or sympy beta: as a float
    with np.errstate(over="ignore", invalid="ignore"):
        spread = b * (H.max() - H.min()) if H.size else 0.0
        ok = np.isfinite(H).all() and np.isfinite(b * H).all() and np.isfinite(spread)
    if not ok:
        raise InvalidArgumentError(f"chains.{fn}: beta * energy is not finite for some outcome")
    return H


def gibbs(X: Object, energy: Callable[..., float], beta: float, *, name: str = "π") -> Kernel:
    """The Gibbs law ``π(x) ∝ exp(−β energy(x))`` on a product ``X`` (float64).

    ``energy`` is called with one outcome per factor.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> chains.gibbs(mc.Bool, lambda b: 0.0, 1.0).array.tolist()
    [0.5, 0.5]
    """
    H = _energies(X, energy, beta, "gibbs")
    e = -float(beta) * H
    w = np.exp(e - e.max())
    return state(X, w / w.sum(), name=name)


def metropolis(X: Object, energy: Callable[..., float], beta: float, *, name: str = "P") -> Kernel:
    """The single-site Metropolis kernel on ``X = X1⊗…⊗Xd`` for ``π ∝ exp(−β energy)``.

    Pick a coordinate uniformly, propose a different value of it uniformly, accept with
    probability ``min(1, exp(−β ΔH))``; otherwise stay. For spins this is the single-spin
    flip. It is reversible with respect to :func:`gibbs`.

    >>> import markovcat as mc
    >>> from markovcat import chains
    >>> P = chains.metropolis(mc.Bool, lambda b: -1.0 if b else 0.0, 1.0)
    >>> P.matrix.round(4).tolist()
    [[0.0, 1.0], [0.3679, 0.6321]]
    """
    H, beta = _energies(X, energy, beta, "metropolis"), float(beta)
    shape = X.shape
    H = H.reshape(shape)
    d = len(shape)
    n = X.size
    T = np.zeros((n, n))
    index = np.arange(n).reshape(shape)
    for i, size in enumerate(shape):
        for shift in range(1, size):
            target = np.roll(index, -shift, axis=i)  # the same state with x_i moved by shift
            dH = np.take(H.ravel(), target.ravel()) - H.ravel()
            rate = np.exp(np.minimum(-beta * dH, 0.0)) / (d * (size - 1))  # min(1, e^{-βΔH})
            T[np.arange(n), target.ravel()] += rate
    T[np.arange(n), np.arange(n)] += np.maximum(1.0 - T.sum(axis=1), 0.0)
    return kernel(X, X, T, name=name)


def _count(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise InvalidArgumentError(
            f"models.{what}: expected an integer >= {low}, given {value!r:.80}"
        )
    return int(value)


def _compositions(total: int, caps: Sequence[int]) -> list[tuple[int, ...]]:
    """All ``a`` with ``Σ a = total`` and ``0 <= a_i <= caps[i]``."""
    if not caps:
        return [()] if total == 0 else []
    out = []
    for first in range(min(total, caps[0]) + 1):
        out += [(first, *rest) for rest in _compositions(total - first, caps[1:])]
    return out


def bernoulli_laplace(
    l: Sequence[int], N: int, s: int = 1, *, exact: bool = False, name: str = "P"
) -> Chain:
    """The Bernoulli–Laplace level model on the first ``d − 1`` colour counts.

    ``l[i]`` balls of colour ``i`` (``d = len(l)`` colours), ``N`` balls in urn 1 (``0 < N <
    L``), ``s`` balls swapped per step (``s <= min(N, L − N)``). Factor ``i`` of the state
    object is ``x_i ∈ {0, …, min(l_i, N)}``; ``x_d = N − Σ x_i`` is implied. Outcomes of the
    product that no urn can hold (``x_d`` outside ``[0, l_d]``) have probability 0 under
    ``π`` and move in one step to ``π`` itself, so ``π`` stays the unique stationary law and
    no ``π``-weighted quantity sees them. ``exact=True`` gives rational tables (the sympy
    backend). Lai & Choi's experiment: ``l = [1] * 10 + [10]``, ``N = 10``, ``s = 1``.

    >>> from markovcat import models
    >>> P, pi = models.bernoulli_laplace([1, 1, 2], 2)
    >>> pi.array.tolist()            # x_3 = 2 − x_1 − x_2 balls of colour 3 in urn 1
    [[0.16666666666666666, 0.3333333333333333], [0.3333333333333333, 0.16666666666666666]]
    """
    try:
        sizes = [_count(v, "bernoulli_laplace", 1) for v in l]
    except TypeError:
        raise InvalidArgumentError(
            f"models.bernoulli_laplace: expected l as a sequence of counts, given {l!r:.80}"
        ) from None
    if len(sizes) < 2:
        raise InvalidArgumentError(
            f"models.bernoulli_laplace: expected at least 2 colours, given {len(sizes)}"
        )
    L = sum(sizes)
    N = _count(N, "bernoulli_laplace", 1)
    s = _count(s, "bernoulli_laplace", 1)
    if not N < L or s > min(N, L - N):
        raise InvalidArgumentError(
            f"models.bernoulli_laplace: expected 0 < N < L = {L} and 1 <= s <= min(N, L − N), "
            f"given N = {N}, s = {s}"
        )
    d = len(sizes)
    X = product(*(Obj(f"x{i + 1}", tuple(range(min(c, N) + 1))) for i, c in enumerate(sizes[:-1])))
    one: Any = Fraction(1) if exact else 1.0
    states = list(itertools.product(*(range(min(c, N) + 1) for c in sizes[:-1])))
    index = {x: k for k, x in enumerate(states)}

    def full(x: tuple[int, ...]) -> tuple[int, ...] | None:
        last = N - sum(x)
        return (*x, last) if 0 <= last <= sizes[-1] else None

    total = math.comb(L, N)
    pi = [
        one * math.prod(math.comb(c, v) for c, v in zip(sizes, f)) / total
        if (f := full(x))
        else 0 * one
        for x in states
    ]
    T: list[list[Any]] = [[0 * one] * len(states) for _ in states]
    draws1, draws2 = math.comb(N, s), math.comb(L - N, s)
    for k, x in enumerate(states):
        f = full(x)
        if f is None:
            T[k] = list(pi)
            continue
        other = [c - v for c, v in zip(sizes, f)]
        for a in _compositions(s, f):  # colours leaving urn 1
            pa = one * math.prod(math.comb(v, ai) for v, ai in zip(f, a)) / draws1
            for b in _compositions(s, other):  # colours entering from urn 2
                pb = one * math.prod(math.comb(v, bi) for v, bi in zip(other, b)) / draws2
                y = tuple(f[i] - a[i] + b[i] for i in range(d - 1))
                T[k][index[y]] += pa * pb
    return Chain(kernel(X, X, T, name=name), state(X, pi, name="π"))


def curie_weiss(
    d: int,
    *,
    beta: float = 0.1,
    h: float = 1.0,
    coupling: Callable[[int, int], float] | None = None,
    name: str = "P",
) -> Chain:
    """Lai & Choi's Curie–Weiss chain on ``d`` spins ``x_i ∈ {−1, +1}`` (factors ``x0…``).

    Energy ``H(x) = −Σ_{i,j} J(i, j) x_i x_j − h Σ x_i`` over all ordered pairs (the
    diagonal included) with ``J(i, j) = 2^(−|i−j|)`` unless ``coupling`` is given; the
    single-spin-flip Metropolis kernel at inverse temperature ``beta`` and its Gibbs law.
    The paper's experiment: ``d = 10``, ``beta = 0.1``, ``h = 1``.

    >>> from markovcat import chains, models
    >>> P, pi = models.curie_weiss(2, beta=0.5, h=0.0)
    >>> bool(abs(chains.stationary(P).array - pi.array).max() < 1e-12)
    True
    """
    d = _count(d, "curie_weiss", 1)
    if d > 64 or 4**d > config.max_elements:  # the kernel is a 2^d × 2^d table
        raise MemoryLimitError(
            f"models.curie_weiss: d = {d:,} spins give a {2 ** min(d, 64):,}-state chain whose "
            f"kernel is over mc.config.max_elements = {config.max_elements:,}"
        )
    J = coupling or (lambda i, j: 2.0 ** -abs(i - j))
    W = np.array([[float(J(i, j)) for j in range(d)] for i in range(d)])
    spins = product(*(Obj(f"x{i}", (-1, 1)) for i in range(d)))
    field = float(h)

    def energy(*x: int) -> float:
        v = np.array(x, dtype=float)
        return float(-(v @ W @ v) - field * v.sum())

    return Chain(metropolis(spins, energy, beta, name=name), gibbs(spins, energy, beta))


__all__ = ["Chain", "bernoulli_laplace", "curie_weiss", "gibbs", "metropolis"]
