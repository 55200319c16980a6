"""Expectations, variances and covariances of observables under a state.

An observable on ``X = X1 ⊗ … ⊗ Xn`` is a function of the outcomes (called with one
argument per codomain factor, as the function of ``mc.deterministic``) or an array of
values of shape ``X.shape`` (one axis per factor; a flat vector of length ``|X|`` is
accepted too). Each query is one contraction of the state's table with the value table:
exact on sympy, differentiable under JAX (with respect to the tables and to array values).

For a kernel ``A → X`` the answer is the table of conditional expectations, one per input:
an array of shape ``A.shape`` (``E[f | A = a]`` at index ``a``).

>>> import markovcat as mc
>>> die = mc.state(mc.Obj("Die", range(1, 7)), [1 / 6] * 6)
>>> round(mc.expectation(die, lambda x: x), 6), round(mc.variance(die, lambda x: x), 6)
(3.5, 2.916667)
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import backends
from ._compile import evaluate
from ._diagram import Diagram, describe
from ._errors import NotStochasticError, TypeMismatchError
from ._kernel import Kernel
from ._objects import I
from .backends import ops


def _kernel(d: Any, fn: str) -> Kernel:
    if not isinstance(d, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected a state I → X or a kernel A → X, given {type(d).__name__}"
        )
    return evaluate(d)


def _values(k: Kernel, observable: Any, fn: str) -> Any:
    """The observable as a table of shape ``k.cod.shape`` on ``k``'s backend."""
    cod = k.cod
    what = f"mc.{fn} on {describe(k)} : {k.dom} → {cod}"
    if callable(observable):
        outcomes = list(itertools.product(*(f.values for f in cod.factors)))
        try:
            vals = [observable(*xs) for xs in outcomes]
        except TypeError as exc:
            raise TypeMismatchError(
                f"{what}: the observable must take {len(cod.factors)} argument(s), one per "
                f"codomain factor ({exc})"
            ) from None
        try:
            table = backends.asarray(np.array(vals, dtype=object))
        except NotStochasticError as exc:
            raise TypeMismatchError(f"{what}: the observable must give numbers; {exc}") from None
        table = ops.reshape(table, cod.shape)
    else:
        try:
            table = backends.asarray(observable)
        except NotStochasticError as exc:
            raise TypeMismatchError(
                f"{what}: expected a function of the outcomes or an array of values; {exc}"
            ) from None
        shape = tuple(table.shape)
        if shape == (cod.size,) and shape != cod.shape:
            table = ops.reshape(table, cod.shape)
        elif shape != cod.shape:
            raise TypeMismatchError(
                f"{what}: expected values of shape {cod.shape} (one axis per codomain factor) "
                f"or ({cod.size},), given shape {shape}"
            )
    return table


def _centred(k: Kernel, observable: Any, fn: str) -> tuple[Any, Any]:
    """The state's table and ``f − E[f | input]``, on a common backend."""
    table, vals = backends.promote([k.table, _values(k, observable, fn)])
    mean = _mean(k, table, vals)
    cod_axes = (1,) * len(k.cod.factors)
    return table, vals - ops.reshape(mean, k.dom.shape + cod_axes)


def _mean(k: Kernel, table: Any, vals: Any) -> Any:
    n = len(k.dom.factors)
    return ops.asum(table * vals, tuple(range(n, n + len(k.cod.factors))))


def _finish(k: Kernel, result: Any) -> Any:
    return ops.scalar(result) if k.dom == I else result


def expectation(state: Diagram, observable: Any) -> Any:
    """``E[f] = Σ_x p(x) f(x)`` for an observable ``f`` on the codomain of ``state``.

    A backend scalar for a state; for a kernel ``A → X`` the array of conditional
    expectations ``E[f | A = a]``, of shape ``A.shape``.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [[0.1, 0.2], [0.3, 0.4]])
    >>> round(mc.expectation(p, lambda a, b: a + b), 6)  # P(a) + P(b) = 0.7 + 0.6
    1.3
    """
    k = _kernel(state, "expectation")
    table, vals = backends.promote([k.table, _values(k, observable, "expectation")])
    return _finish(k, _mean(k, table, vals))


def variance(state: Diagram, observable: Any) -> Any:
    """``Var[f] = E[(f − E[f])²]`` (computed centred, so no cancellation; exact on sympy).

    A backend scalar for a state; for a kernel ``A → X`` the array of conditional variances
    ``Var[f | A = a]``, of shape ``A.shape``.

    >>> import markovcat as mc
    >>> mc.variance(mc.state(mc.Bool, [0.25, 0.75]), [0.0, 1.0])  # p(1 - p)
    0.1875
    """
    k = _kernel(state, "variance")
    table, centred = _centred(k, observable, "variance")
    return _finish(k, _mean(k, table, centred * centred))


def covariance(joint: Diagram, f: Any, g: Any) -> Any:
    """``Cov[f, g] = E[(f − E[f])(g − E[g])]`` for two observables on the codomain of
    ``joint``; ``covariance(p, f, f) == variance(p, f)``. Per input for a kernel.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [[0.4, 0.1], [0.1, 0.4]])
    >>> round(mc.covariance(p, lambda a, b: a, lambda a, b: b), 6)  # 0.4 - 0.5 * 0.5
    0.15
    """
    k = _kernel(joint, "covariance")
    table, cf = _centred(k, f, "covariance")
    table, cg = _centred(k, g, "covariance")
    cf, cg = backends.promote([cf, cg])
    return _finish(k, _mean(k, table, cf * cg))


__all__ = ["covariance", "expectation", "variance"]
