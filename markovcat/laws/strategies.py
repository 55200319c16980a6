"""Hypothesis strategies for law tests: objects, kernels, states, deterministic kernels
and joint states, on any backend, with or without zero entries.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.kernels(mc.Bool, mc.Obj("Y", 3)).example().cod.size
3
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .. import backends
from .._errors import BackendError
from .._kernel import Kernel, kernel
from .._objects import I, Obj, Object, product

BACKENDS = backends.NAMES  # the one list of backend names


def atoms(max_outcomes: int = 5, min_outcomes: int = 1) -> st.SearchStrategy[Obj]:
    """Atomic objects ``X<n>`` with outcomes ``0..n-1`` (same size, same object).

    >>> from markovcat import laws
    >>> laws.atoms(max_outcomes=3).example().size <= 3
    True
    """
    return st.integers(min_outcomes, max_outcomes).map(lambda n: Obj(f"X{n}", range(n)))


def objects(
    max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 1, min_outcomes: int = 1
) -> st.SearchStrategy[Object]:
    """Products of ``min_factors..max_factors`` random atoms of ``min_outcomes..max_outcomes``
    outcomes each (``mc.I`` when there are 0 factors).

    >>> from markovcat import laws
    >>> len(laws.objects(max_factors=2).example().factors) in (1, 2)
    True
    """
    return st.lists(
        atoms(max_outcomes, min_outcomes), min_size=min_factors, max_size=max_factors
    ).map(lambda fs: product(*fs))


@st.composite
def _weights(draw: Any, rows: int, cols: int, zeros: bool, max_weight: int = 9) -> np.ndarray:
    """Integer weights 0..max_weight (1..max_weight without zeros); no row is all zero.

    Small tables are drawn entry by entry (so hypothesis can shrink them); large ones from
    a drawn seed, since hypothesis caps the size of one example.
    """
    lo = 0 if zeros else 1
    if rows * cols <= 256:
        flat = draw(
            st.lists(st.integers(lo, max_weight), min_size=rows * cols, max_size=rows * cols)
        )
        w = np.array(flat, dtype=np.int64).reshape(rows, cols)
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        w = rng.integers(lo, max_weight + 1, size=(rows, cols))
    empty = np.flatnonzero(w.sum(axis=1) == 0)
    if empty.size:
        w[empty, draw(st.integers(0, cols - 1))] = 1
    return w


def _rational_table(w: np.ndarray) -> np.ndarray:
    """Rows ``w / Σw`` as exact fractions; ``kernel(..., backend=…)`` converts them."""
    sums = np.broadcast_to(w.sum(axis=1, keepdims=True), w.shape)
    return np.vectorize(Fraction, otypes=[object])(w, sums)


def _check_backend(backend: str) -> None:

    if backend not in BACKENDS:
        raise BackendError(f"laws: backend must be one of {BACKENDS}, given {backend!r}")


def _typed(
    dom: Object | None, cod: Object | None, max_factors: int, max_outcomes: int
) -> st.SearchStrategy[tuple[Object, Object]]:
    """``(dom, cod)``, drawing whichever is ``None`` from :func:`objects`."""
    pick = objects(max_factors, max_outcomes)
    return st.tuples(
        st.just(dom) if dom is not None else pick, st.just(cod) if cod is not None else pick
    )


def kernels(
    dom: Object | None = None,
    cod: Object | None = None,
    *,
    backend: str = "numpy",
    zeros: bool = True,
    max_weight: int = 9,
    max_factors: int = 2,
    max_outcomes: int = 3,
    name: str | None = None,
) -> st.SearchStrategy[Kernel]:
    """Random kernels ``dom → cod`` with rational entries ``w/Σw`` (``w`` in ``0..max_weight``).

    * ``backend``: ``'numpy'`` (float64), ``'jax'`` or ``'sympy'`` (exact rationals).
    * ``zeros=False`` keeps every entry positive (full support: no null events, finite KL).
    * ``max_weight`` sets the resolution: 1 gives uniform rows over random supports.
    * ``dom`` or ``cod`` left out (``None``) is drawn too, with up to ``max_factors``
      factors of up to ``max_outcomes`` outcomes each.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.kernels(mc.Bool, mc.Bool).example().dom == mc.Bool
    True
    >>> f = laws.kernels(mc.Bool, mc.Obj("Y", 3), zeros=False, backend="sympy").example()
    >>> f.backend, bool((f.matrix > 0).all())
    ('sympy', True)
    """
    _check_backend(backend)
    if max_weight < 1:
        raise ValueError(f"max_weight must be at least 1, given {max_weight!r}")

    def build(types: tuple[Object, Object]) -> st.SearchStrategy[Kernel]:
        d, c = types
        return _weights(d.size, c.size, zeros, max_weight).map(
            lambda w: kernel(d, c, _rational_table(w), backend=backend, name=name)
        )

    return _typed(dom, cod, max_factors, max_outcomes).flatmap(build)


def states(cod: Object | None = None, **options: Any) -> st.SearchStrategy[Kernel]:
    """Random states ``I → cod`` (options as for :func:`kernels`).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.states(mc.Bool).example().dom == mc.I
    True
    """
    return kernels(I, cod, **options)


def deterministic_kernels(
    dom: Object | None = None,
    cod: Object | None = None,
    *,
    backend: str = "numpy",
    max_factors: int = 2,
    max_outcomes: int = 3,
    name: str | None = None,
) -> st.SearchStrategy[Kernel]:
    """Random deterministic kernels (functions on outcomes) ``dom → cod``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.deterministic_kernels(mc.Bool, mc.Bool).example().is_deterministic()
    True
    """
    _check_backend(backend)

    def build(types: tuple[Object, Object]) -> st.SearchStrategy[Kernel]:
        d, c = types

        def table(images: list[int]) -> Kernel:
            w = np.zeros((d.size, c.size), dtype=np.int64)
            w[np.arange(d.size), images] = 1
            return kernel(d, c, _rational_table(w), backend=backend, name=name)

        return st.lists(st.integers(0, c.size - 1), min_size=d.size, max_size=d.size).map(table)

    return _typed(dom, cod, max_factors, max_outcomes).flatmap(build)


@st.composite
def joint_states(
    draw: Any, max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 2, **options: Any
) -> Kernel:
    """A random object with ``min_factors..max_factors`` factors and a state on it (options
    as for :func:`kernels`: ``backend``, ``zeros``, ``max_weight``).

    >>> from markovcat import laws
    >>> len(laws.joint_states().example().cod.factors) >= 2
    True
    """
    obj = draw(objects(max_factors, max_outcomes, min_factors))
    return draw(states(obj, **options))


__all__ = [
    "BACKENDS",
    "atoms",
    "objects",
    "kernels",
    "states",
    "deterministic_kernels",
    "joint_states",
]
