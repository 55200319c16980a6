"""Sufficient, minimal, ancillary and complete statistics of a finite experiment
(Fritz 2020, §14; Cho–Jacobs §6).

An *experiment* is a kernel ``f : Θ → X`` (a distribution of data for each parameter), a
*statistic* a deterministic kernel ``s : X → T``. ``s`` is sufficient for ``f`` when the
data can be rebuilt from the statistic without knowing the parameter: there is
``α : T → X`` with

    f >> copy >> (id ⊗ s)  ==  f >> s >> copy >> (α ⊗ id)          (both Θ → X ⊗ T)

— the string-diagram definition, which :func:`is_sufficient` checks with ``α`` the
Bayesian inverse of ``s`` under the uniform mixture of ``f``'s rows (the only candidate: if
any ``α`` works, that one does). Exact tables give exact answers.

>>> import markovcat as mc
>>> Theta, Bit = mc.Obj("θ", ("fair", "biased")), mc.Obj("Bit", 2)
>>> coin = mc.kernel(Theta, Bit, [[0.5, 0.5], [0.2, 0.8]])
>>> f = mc.copy(Theta) >> (coin @ coin)                 # two independent tosses
>>> count = mc.deterministic(Bit @ Bit, mc.Obj("heads", 3), lambda a, b: a + b)
>>> mc.is_sufficient(f, count), mc.minimal_sufficient_statistic(f).cod.size
(True, 3)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from . import backends
from ._compare import allclose
from ._compile import contract
from ._config import check_tolerance
from ._diagram import Diagram, copy, describe, identity
from ._errors import InvalidArgumentError, TypeMismatchError
from ._independence import DEFAULT_ATOL
from ._inference import bayes_invert
from ._kernel import Kernel, deterministic, state
from ._objects import Obj
from .backends import ops


def _experiment(f: Any, fn: str) -> Diagram:
    if not isinstance(f, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected an experiment f : Θ → X (a kernel), given {type(f).__name__}"
        )
    return f


def _statistic(f: Diagram, s: Any, fn: str, atol: float) -> Diagram:
    if not isinstance(s, Diagram) or s.dom != f.cod:
        raise TypeMismatchError(
            f"mc.{fn}: expected a statistic s : {f.cod} → T, given "
            f"{getattr(s, 'dom', type(s).__name__)} → {getattr(s, 'cod', '?')}"
        )
    t = contract(s)
    if not ops.is_zero_one(t, atol):
        raise InvalidArgumentError(
            f"mc.{fn}: a statistic must be deterministic (every row a point mass); "
            f"{describe(s)} is not"
        )
    return s


def _tolerance(atol: float | None, fn: str) -> float:
    return DEFAULT_ATOL if atol is None else check_tolerance(atol, f"mc.{fn}")


def _uniform(f: Diagram) -> Diagram:
    """The uniform prior on Θ, on ``f``'s backend (exact when ``f`` is exact)."""
    t = contract(f)
    n = f.dom.size
    u = state(f.dom, np.full(f.dom.shape, Fraction(1, n), dtype=object), name="uniform")
    return u.to(backends.name(t))


def _recovery(f: Diagram, s: Diagram) -> Kernel:
    """``α : T → X``, the data given the statistic under the uniform mixture of f."""
    return bayes_invert(s, _uniform(f) >> f)


def is_sufficient(f: Diagram, s: Diagram, *, atol: float | None = None) -> bool:
    """Whether the deterministic statistic ``s : X → T`` is sufficient for the experiment
    ``f : Θ → X``: the string-diagram equation of the module docstring holds with
    ``α`` = the data given the statistic (exactly on exact tables, within ``atol`` on
    floats). Equivalently (Fisher–Neyman), ``f(x | θ) = g(s(x), θ) · h(x)``.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]])
    >>> merge = mc.deterministic(mc.Obj("X", 3), mc.Bool, lambda x: x > 0)
    >>> mc.is_sufficient(f, merge), mc.is_sufficient(f, mc.delete(f.cod) >> mc.state(mc.I, [1.0]))
    (True, False)
    """
    f = _experiment(f, "is_sufficient")
    tol = _tolerance(atol, "is_sufficient")
    s = _statistic(f, s, "is_sufficient", tol)
    X, T = f.cod, s.cod
    alpha = _recovery(f, s)
    lhs = f >> copy(X) >> (identity(X) @ s)
    rhs = f >> s >> copy(T) >> (alpha @ identity(T))
    return allclose(lhs, rhs, atol=tol)


def _likelihood_classes(f: Diagram, atol: float) -> list[list[int]]:
    """Outcomes of X grouped by proportional likelihood vectors ``θ ↦ f(x | θ)``, in the
    order of their first outcome; outcomes impossible under every θ form one class."""
    t = contract(f)
    m = ops.reshape(t, (f.dom.size, f.cod.size))
    total = ops.asum(m, 0)
    seen = ops.positive(total)
    safe = ops.where(total, seen, total, ops.ones(total, (f.cod.size,)))
    shape = m / ops.reshape(safe, (1, f.cod.size))
    possible = np.asarray(ops.to_numpy(seen), dtype=bool)
    classes: list[list[int]] = []
    reps: list[Any] = []
    null: list[int] = []
    for x in range(f.cod.size):
        if not possible[x]:
            null.append(x)
            continue
        column = ops.take(shape, x, 1)
        for members, rep in zip(classes, reps, strict=True):
            if ops.allclose(column, rep, atol):
                members.append(x)
                break
        else:
            classes.append([x])
            reps.append(column)
    if null:
        classes.append(null)
        classes.sort(key=lambda c: c[0])
    return classes


def minimal_sufficient_statistic(f: Diagram, *, atol: float | None = None) -> Kernel:
    """The minimal sufficient statistic of ``f : Θ → X``: the deterministic kernel
    ``X → T`` that merges outcomes whose likelihood vectors ``θ ↦ f(x | θ)`` are
    proportional (outcomes impossible under every θ share one class).

    ``T`` has one outcome per class, numbered in the order of the classes' first
    outcomes. It is sufficient, and it factors through every sufficient statistic.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]])
    >>> mc.minimal_sufficient_statistic(f).matrix.tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """
    f = _experiment(f, "minimal_sufficient_statistic")
    classes = _likelihood_classes(f, _tolerance(atol, "minimal_sufficient_statistic"))
    label = {x: k for k, members in enumerate(classes) for x in members}
    X = f.cod
    flat = {o: i for i, o in enumerate(np.ndindex(*X.shape))}
    T = Obj("T", len(classes))

    def cls(*x: Any) -> int:
        index = tuple(fac.outcomes.index(v) for fac, v in zip(X.factors, x, strict=True))
        return label[flat[index]]

    return deterministic(X, T, cls, name="minimal sufficient")


def _law_of_statistic(f: Any, s: Any, atol: float | None, fn: str) -> tuple[Any, float]:
    """The checked inputs' matrix ``θ, t ↦ P_θ(s = t)`` and the tolerance."""
    f = _experiment(f, fn)
    tol = _tolerance(atol, fn)
    s = _statistic(f, s, fn, tol)
    return ops.reshape(contract(f >> s), (f.dom.size, s.cod.size)), tol


def is_ancillary(f: Diagram, s: Diagram, *, atol: float | None = None) -> bool:
    """Whether the statistic ``s`` is ancillary for ``f``: the law of ``s(x)``,
    ``f >> s``, is the same for every parameter.

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool @ mc.Bool, [[0.25, 0.25, 0.25, 0.25], [0.4, 0.1, 0.1, 0.4]])
    >>> parity = mc.deterministic(f.cod, mc.Bool, lambda a, b: a != b)
    >>> first = mc.deterministic(f.cod, mc.Bool, lambda a, b: a)
    >>> mc.is_ancillary(f, first), mc.is_ancillary(f, parity)
    (True, False)
    """
    rows, tol = _law_of_statistic(f, s, atol, "is_ancillary")
    first = ops.take(rows, 0, 0)
    return all(bool(ops.allclose(ops.take(rows, k, 0), first, tol)) for k in range(rows.shape[0]))


def is_complete(f: Diagram, s: Diagram, *, atol: float | None = None) -> bool:
    """Whether the statistic ``s`` is complete for ``f``: the only function ``g`` of
    ``s(x)`` with ``E_θ[g(s(x))] = 0`` for every θ is 0 (almost surely for every θ).

    On a finite family this says the matrix ``θ, t ↦ P_θ(s = t)`` has linearly
    independent columns on the outcomes ``t`` some θ makes possible (its rank, exactly on
    exact tables; singular values above ``atol`` on floats).

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.2, 0.8]])
    >>> two = mc.copy(mc.Bool) >> (f @ f)                  # two tosses: 4 outcomes, 2 parameters
    >>> mc.is_complete(f, mc.identity(mc.Bool)), mc.is_complete(two, mc.identity(two.cod))
    (True, False)
    """
    rows, tol = _law_of_statistic(f, s, atol, "is_complete")
    possible = np.flatnonzero(np.asarray(ops.to_numpy(ops.positive(ops.asum(rows, 0)))))
    if not len(possible):
        return True
    used = ops.stack_like(rows, [ops.take(rows, int(k), 1) for k in possible], 1)
    return int(ops.rank(used, tol)) == len(possible)


__all__ = ["is_ancillary", "is_complete", "is_sufficient", "minimal_sufficient_statistic"]
