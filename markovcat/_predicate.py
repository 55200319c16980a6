"""Fuzzy predicates, validity, and the Pearl and Jeffrey updates (Jacobs).

A predicate on ``X`` is a kernel ``X → mc.Bool``; its ``True`` column is the fuzzy truth
value ``p(x) ∈ [0, 1]``. Predicates form an effect algebra: ``p & q`` is the pointwise
product, ``~p`` the orthosupplement ``1 − p``, ``p | q = ~(~p & ~q)`` (De Morgan), and
``r * p`` scales by ``r ∈ [0, 1]``. The validity ``ω ⊨ p = Σ_x ω(x) p(x)`` is the
probability that ``p`` is observed as ``True`` after ``ω``; transforming a predicate ``q``
on ``Y`` along a channel ``c: X → Y`` gives ``c ≪ q = c >> q``, the predicate on ``X``
with ``(c ≪ q)(x) = Σ_y c(y|x) q(y)``.

Two updates follow B. Jacobs, "The mathematics of changing one's mind, via Jeffrey's or
via Pearl's update rule" (JAIR 65, 2019):

* **Pearl**: ``ω|_{c ≪ q}`` — condition the prior on the transformed predicate; the
  validity of the evidence goes up.
* **Jeffrey**: ``τ >> c†_ω`` — push the evidence *state* ``τ`` on ``Y`` back along the
  Bayesian inverse; the divergence ``KL(τ ‖ ω' >> c)`` goes down.

>>> import markovcat as mc
>>> X = mc.Obj("X", ("a", "b"))
>>> p = mc.predicate(X, [0.2, 0.5])
>>> [float(v) for v in (~p).values], [float(v) for v in (p | p).values]
([0.8, 0.5], [0.36, 0.75])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import backends
from ._diagram import Diagram, describe, identity
from ._errors import InvalidArgumentError, TypeMismatchError, ZeroProbabilityError
from ._inference import bayes_invert, condition
from ._kernel import Kernel, _from_leaf, kernel
from ._objects import Bool, I, Object, as_object
from .backends import ops


class Predicate(Kernel):
    """A fuzzy predicate ``X → mc.Bool``: a kernel whose ``True`` column is the truth value.

    Build with :func:`predicate`; combine with ``&`` (product), ``|`` (De Morgan sum),
    ``~`` (orthosupplement) and ``r * p`` (scaling by ``r`` in [0, 1]). A plain kernel
    ``X → mc.Bool`` on the other side of ``&`` or ``|`` is read as a predicate.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 3)
    >>> p, q = mc.predicate(X, [1, 0.5, 0]), mc.predicate(X, [0.5, 0.5, 0.5])
    >>> [float(v) for v in (p & q).values], [float(v) for v in (0.5 * p).values]
    ([0.5, 0.25, 0.0], [0.5, 0.25, 0.0])
    """

    @property
    def values(self) -> Any:
        """The truth values ``p(x)``: the ``True`` column, one axis per factor of ``X``."""
        return ops.take(self.table, 1, len(self.dom.factors))

    def _with(self, values: Any, name: str | None) -> Predicate:
        return _from_values(self.dom, values, name)

    def __and__(self, other: Any) -> Predicate:
        q = _as_predicate(other, self.dom, "&")
        a, b = _common(self, q)
        return self._with(a * b, _join(self, "&", q))

    __rand__ = __and__

    def __or__(self, other: Any) -> Predicate:
        q = _as_predicate(other, self.dom, "|")
        a, b = _common(self, q)
        return self._with(a + b - a * b, _join(self, "|", q))

    __ror__ = __or__

    def __invert__(self) -> Predicate:
        return self._with(1 - self.values, f"~{self.name}" if self.name else None)

    def __mul__(self, r: Any) -> Predicate:
        if isinstance(r, Diagram) or not _is_scalar(r):
            raise TypeMismatchError(
                f"predicate {describe(self)} : {self.dom} → Bool: scaling takes a number in "
                f"[0, 1], given {type(r).__name__} {r!r:.60}; combine predicates with & or |"
            )
        if not 0 <= _float(r) <= 1:
            raise InvalidArgumentError(
                f"predicate {describe(self)}: a scalar must lie in [0, 1], given {r!r}"
            )
        return self._with(self.values * r, f"{r}·{self.name}" if self.name else None)

    __rmul__ = __mul__


def _common(p: Predicate, q: Predicate) -> tuple[Any, Any]:
    """The truth values of both on one backend: a numpy predicate meeting an exact or JAX
    one is converted to that backend (as ``f.to(backend)`` converts)."""
    if p.backend == q.backend:
        return p.values, q.values
    if ops.priority(p.table) >= ops.priority(q.table):
        return p.values, _as_predicate(q.to(p.backend), q.dom, "&").values
    return _as_predicate(p.to(q.backend), p.dom, "&").values, q.values


def _is_scalar(r: Any) -> bool:
    return isinstance(r, numbers.Number) or (hasattr(r, "shape") and tuple(r.shape) == ())


def _float(r: Any) -> float:
    try:
        return float(r)
    except (TypeError, ValueError):  # a symbolic scalar or a tracer: nothing to check
        return 0.5


def _join(p: Kernel, op: str, q: Kernel) -> str | None:
    return f"({p.name} {op} {q.name})" if p.name and q.name else None


def _as_predicate(d: Any, X: Object, where: str) -> Predicate:
    if not isinstance(d, Diagram) or d.dom != X or d.cod != Bool:
        got = f"{d.dom} → {d.cod}" if isinstance(d, Diagram) else type(d).__name__
        raise TypeMismatchError(f"predicate {where}: expected a predicate {X} → Bool, given {got}")
    if isinstance(d, Predicate):
        return d
    k = d.evaluate()
    return Predicate._trusted(k.dom, k.cod, k.table, k.name)  # type: ignore[return-value]


def _from_values(X: Object, values: Any, name: str | None) -> Predicate:
    """The predicate with truth values ``values`` (a backend array of shape ``X.shape``)."""
    table = ops.stack_like(values, [1 - values, values], len(X.factors))
    return Predicate._trusted(X, Bool, table, name)  # type: ignore[return-value]


def _value_array(X: Object, values: Any) -> Any:
    if isinstance(values, Mapping):
        arr = np.zeros(X.shape, dtype=object)
        arr[...] = 0
        for outcome, v in values.items():
            arr[X.index(outcome)] = v
        return _plain(arr)
    if callable(values):
        arr = np.zeros(X.size, dtype=object)
        for i, x in enumerate(X.outcomes):
            arr[i] = values(*(x if len(X.factors) > 1 else (x,)))
        return _plain(arr.reshape(X.shape))
    arr = np.asarray(values, dtype=object if _is_exact_input(values) else None)
    if arr.shape == ():
        return np.full(X.shape, values, dtype=arr.dtype)
    return arr.reshape(X.shape) if arr.size == X.size else arr


def _plain(arr: np.ndarray) -> np.ndarray:
    """Floats where every entry is a plain int or float (exact entries stay exact)."""
    return arr if _is_exact_input(arr) else arr.astype(float)


def _is_exact_input(values: Any) -> bool:
    flat = np.asarray(values, dtype=object).ravel()
    return any(not isinstance(v, (float, int, np.floating, np.integer)) for v in flat)


def predicate(
    X: Object, values: Any, *, backend: str | None = None, name: str | None = None
) -> Predicate:
    """The fuzzy predicate ``X → mc.Bool`` with truth values ``values`` in [0, 1].

    ``values``: an array of shape ``X.shape`` or the flat vector (lexicographic order), one
    number for every outcome, a dict ``{outcome: value}`` (missing outcomes are 0; so
    ``{x: 1}`` is the point predicate of ``x``), or a function of the outcome. Fractions
    and sympy numbers, or ``backend="sympy"``, give an exact predicate.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", ("a", "b", "c"))
    >>> mc.predicate(X, {"b": 1}).matrix.tolist()
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """
    X = as_object(X, "predicate domain")
    if isinstance(values, Diagram):
        return _as_predicate(values, X, "mc.predicate")
    if hasattr(values, "shape") and not isinstance(values, np.ndarray) and backend is None:
        return _from_backend_array(X, values, name)  # JAX arrays and tracers: differentiable
    arr = _value_array(X, values)
    if tuple(arr.shape) != X.shape:
        raise InvalidArgumentError(
            f"mc.predicate on {X}: expected {X.size} truth values (shape {X.shape}), given "
            f"shape {tuple(arr.shape)}"
        )
    numeric = np.asarray(arr, dtype=object).ravel()
    for x, v in zip(X.outcomes, numeric, strict=True):
        try:
            fv = float(v)
        except TypeError:
            continue  # symbolic: the kernel's validation decides
        if math.isnan(fv) or not 0 <= fv <= 1:
            raise InvalidArgumentError(
                f"mc.predicate on {X}: a truth value must lie in [0, 1], given {v!r} at {x!r}"
            )
    table = np.stack([1 - arr, arr], axis=-1)
    k = kernel(X, Bool, table, backend=backend, name=name)
    return Predicate._trusted(k.dom, k.cod, k.table, name, k._given)  # type: ignore[return-value]


def _from_backend_array(X: Object, values: Any, name: str | None) -> Predicate:
    """A predicate from a backend array kept on its backend (so ``jax.grad`` flows through
    it); concrete values are checked to lie in [0, 1], traced ones cannot be."""
    arr = backends.asarray(values)
    if int(np.prod(tuple(arr.shape))) != X.size:
        raise InvalidArgumentError(
            f"mc.predicate on {X}: expected {X.size} truth values (shape {X.shape}), given "
            f"shape {tuple(arr.shape)}"
        )
    arr = ops.reshape(arr, X.shape)
    if ops.is_concrete(arr):
        v = np.asarray(ops.to_numpy(arr), dtype=float)
        if np.isnan(v).any() or (v < 0).any() or (v > 1).any():
            raise InvalidArgumentError(
                f"mc.predicate on {X}: truth values must lie in [0, 1], given {v.tolist()}"
            )
    return _from_values(X, arr, name)


def _register_pytrees() -> None:
    import jax  # optional dependency: only when the JAX backend is loaded

    def rebuild(aux: tuple, leaves: Any) -> Predicate:
        k = _from_leaf(aux[0], aux[1], leaves[0], aux[2])
        return Predicate._trusted(k.dom, k.cod, k.table, k.name)  # type: ignore[return-value]

    jax.tree_util.register_pytree_node(
        Predicate, lambda k: ((k.table,), (k.dom, k.cod, k.name)), rebuild
    )


backends.on_load("jax", _register_pytrees)


def _check_state(state: Any, fn: str) -> Diagram:
    if not isinstance(state, Diagram) or state.dom != I:
        got = f"{state.dom} → {state.cod}" if isinstance(state, Diagram) else type(state).__name__
        raise TypeMismatchError(f"mc.{fn}: expected a state I → X, given {got}")
    return state


def _check_channel(state: Diagram, channel: Any, fn: str) -> Diagram:
    if channel is None:
        return identity(state.cod)
    if not isinstance(channel, Diagram) or channel.dom != state.cod:
        got = (
            f"{channel.dom} → {channel.cod}"
            if isinstance(channel, Diagram)
            else type(channel).__name__
        )
        raise TypeMismatchError(
            f"mc.{fn}: expected a channel {state.cod} → Y out of the state's object, given {got}"
        )
    return channel


def validity(state: Diagram, predicate: Diagram) -> Any:
    """The validity ``ω ⊨ p = Σ_x ω(x) p(x)``: the probability that ``p`` comes out ``True``.

    A backend scalar (float, JAX scalar, or exact sympy number).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> mc.validity(mc.state(X, [0.25, 0.75]), mc.predicate(X, [1.0, 0.5]))
    0.625
    """
    state = _check_state(state, "validity")
    p = _as_predicate(predicate, state.cod, "mc.validity")
    return (state >> p)[True]


def predicate_transform(channel: Diagram, predicate: Diagram) -> Predicate:
    """Transform the predicate ``q`` on ``Y`` along ``c: X → Y``: the predicate ``c ≪ q``
    on ``X`` with ``(c ≪ q)(x) = Σ_y c(y|x) q(y)`` — the diagram ``c >> q``, evaluated.
    It satisfies ``ω ⊨ c ≪ q  ==  (ω >> c) ⊨ q``.

    >>> import markovcat as mc
    >>> X, Y = mc.Obj("X", 2), mc.Obj("Y", 2)
    >>> c = mc.kernel(X, Y, [[0.9, 0.1], [0.2, 0.8]])
    >>> mc.predicate_transform(c, mc.predicate(Y, [0.0, 1.0])).values.tolist()
    [0.1, 0.8]
    """
    if not isinstance(channel, Diagram):
        raise TypeMismatchError(
            f"mc.predicate_transform: expected a channel, given {type(channel).__name__}"
        )
    q = _as_predicate(predicate, channel.cod, "mc.predicate_transform")
    k = (channel >> q).evaluate()
    return Predicate._trusted(k.dom, Bool, k.table, None)  # type: ignore[return-value]


def pearl_update(state: Diagram, channel: Diagram | None, predicate: Diagram) -> Kernel:
    """Pearl's update: the state ``ω|_{c ≪ q}`` — ``ω`` conditioned on the predicate ``q``
    on ``Y`` transformed back along the channel ``c: X → Y`` (``channel=None``: ``q`` is a
    predicate on ``X`` itself). Validity 0 raises :class:`ZeroProbabilityError`.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> prior = mc.state(D, [0.99, 0.01])
    >>> test = mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]])
    >>> round(float(mc.pearl_update(prior, test, mc.predicate(T, {"pos": 1})).array[1]), 4)
    0.1538
    """
    state = _check_state(state, "pearl_update")
    c = _check_channel(state, channel, "pearl_update")
    return condition(state, predicate_transform(c, predicate))


def jeffrey_update(state: Diagram, channel: Diagram, evidence_state: Diagram) -> Kernel:
    """Jeffrey's update: ``τ >> c†_ω``, the evidence state ``τ`` on ``Y`` pushed back along
    the Bayesian inverse of ``c: X → Y`` at the prior ``ω`` (``channel=None``: ``τ`` is a
    state on ``X``, the answer ``τ`` itself). Evidence putting mass on an outcome the
    prediction ``ω >> c`` gives probability 0 raises :class:`ZeroProbabilityError`.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> prior = mc.state(D, [0.99, 0.01])
    >>> test = mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]])
    >>> post = mc.jeffrey_update(prior, test, mc.state(T, [0.5, 0.5]))  # unsure reading
    >>> round(float(post.array[1]), 4)
    0.0775
    """
    state = _check_state(state, "jeffrey_update")
    c = _check_channel(state, channel, "jeffrey_update")
    tau = _check_state(evidence_state, "jeffrey_update")
    if tau.cod != c.cod:
        raise TypeMismatchError(
            f"mc.jeffrey_update: the evidence state must be on the channel's codomain "
            f"{c.cod}, given a state on {tau.cod}"
        )
    t, predicted = tau.evaluate().table, (state >> c).evaluate().table
    if ops.is_concrete(t) and ops.is_concrete(predicted):
        bad = np.asarray(ops.positive(t)) & ~np.asarray(ops.positive(predicted))
        if bad.any():
            y = c.cod.outcomes[int(np.argmax(bad.ravel()))]
            raise ZeroProbabilityError(
                f"mc.jeffrey_update: the evidence state puts mass on {y!r}, which the "
                f"prediction {describe(state)} >> {describe(c)} gives probability 0"
            )
    return (tau >> bayes_invert(c, state)).evaluate()


__all__ = [
    "Predicate",
    "jeffrey_update",
    "pearl_update",
    "predicate",
    "predicate_transform",
    "validity",
]
