"""Bayesian lenses: a channel paired with its state-dependent inverse (Smithe).

A Bayesian lens ``X ⇄ Y`` is a pair ``(c, c')`` of a forward channel ``c: X → Y`` and a
backward map ``c'``, sending a prior ``π`` on ``X`` to a kernel ``c'_π: Y → X``. The lens
of a channel, ``mc.lens(c)``, has ``c'_π = bayes_invert(c, π)``. Lenses compose by the
lens rule (T. St. Clere Smithe, "Bayesian updates compose optically", 2020;
D. Braithwaite, J. Hedges and T. St. Clere Smithe, "The compositional structure of
Bayesian inference", MFCS 2023):

    (d, d') ∘ (c, c') = (c >> d,  π ↦ d'_{π >> c} >> c'_π)

so the inverse of a composite is computed piecewise — each piece only needs the prior
pushed forward to its own domain — and, because Bayesian inversion is contravariant,
``(mc.lens(c) >> mc.lens(d)).backward(π)`` equals ``bayes_invert(c >> d, π)`` almost
surely (a law). Null rows follow DESIGN §1: where ``π >> c >> d`` gives an outcome
probability 0, the row holds the prior ``π`` (each piece fills its own null rows with its
own prior, and ``c'_π`` maps ``π >> c`` back to ``π``).

``a @ b`` is the lax tensor: its backward map sees only the two *marginals* of a prior on
``X ⊗ X'``, ``(a @ b).backward(π) = a.backward(π_X) @ b.backward(π_X')``. It is the
exact inverse ``bayes_invert(a.forward @ b.forward, π)`` when ``π`` is a product state,
and differs from it when the prior correlates the two sides.

>>> import markovcat as mc
>>> X, Y, Z = mc.Obj("X", 2), mc.Obj("Y", 2), mc.Obj("Z", 2)
>>> c = mc.kernel(X, Y, [[0.9, 0.1], [0.3, 0.7]])
>>> d = mc.kernel(Y, Z, [[0.8, 0.2], [0.4, 0.6]])
>>> prior = mc.state(X, [0.5, 0.5])
>>> lhs = (mc.lens(c) >> mc.lens(d)).backward(prior)
>>> mc.allclose(lhs, mc.bayes_invert(c >> d, prior))
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._diagram import Diagram, describe, identity
from ._errors import TypeMismatchError
from ._inference import bayes_invert, marginal
from ._kernel import Kernel
from ._objects import I, Object

Backward = Callable[[Diagram], Diagram]


@dataclass(frozen=True, eq=False)
class BayesianLens:
    """A forward channel ``X → Y`` with a backward map ``prior on X ↦ kernel Y → X``.

    Build with :func:`lens`; compose with ``>>`` (lens rule) and ``@`` (lax tensor).

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="f")
    >>> L = mc.lens(f)
    >>> L.forward is f, str(L.dom), str(L.cod)
    (True, 'Bool', 'Bool')
    >>> L.backward(mc.state(mc.Bool, [0.5, 0.5])).matrix.round(3).tolist()
    [[0.818, 0.182], [0.111, 0.889]]
    """

    forward: Diagram
    _backward: Backward
    name: str | None = None
    # prior ↦ (backward kernel, the prior pushed forward): composites reuse the push
    _pass: Callable[[Diagram], tuple[Diagram, Diagram]] | None = None

    @property
    def dom(self) -> Object:
        """The forward channel's domain ``X``."""
        return self.forward.dom

    @property
    def cod(self) -> Object:
        """The forward channel's codomain ``Y``."""
        return self.forward.cod

    def backward(self, prior: Diagram) -> Kernel:
        """The backward kernel ``Y → X`` at the prior state ``prior`` on ``X``.

        >>> import markovcat as mc
        >>> L = mc.lens(mc.identity(mc.Bool))
        >>> L.backward(mc.state(mc.Bool, [0.5, 0.5])).matrix.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        if not isinstance(prior, Diagram) or prior.dom != I or prior.cod != self.dom:
            got = (
                f"{prior.dom} → {prior.cod}" if isinstance(prior, Diagram) else type(prior).__name__
            )
            raise TypeMismatchError(
                f"lens {self}: backward expects a prior state I → {self.dom}, given {got}"
            )
        return self._run(prior)[0]

    def _run(self, prior: Diagram) -> tuple[Kernel, Diagram]:
        """The backward kernel at ``prior`` and ``prior >> forward`` (computed once)."""
        if self._pass is not None:
            back, pushed = self._pass(prior)
            return back.evaluate(), pushed
        out = self._backward(prior)
        if not isinstance(out, Diagram) or out.dom != self.cod or out.cod != self.dom:
            got = f"{out.dom} → {out.cod}" if isinstance(out, Diagram) else type(out).__name__
            raise TypeMismatchError(
                f"lens {self}: the backward map must give a kernel {self.cod} → {self.dom}, "
                f"gave {got}"
            )
        return out.evaluate(), (prior >> self.forward).evaluate()

    def __rshift__(self, other: BayesianLens) -> BayesianLens:
        if not isinstance(other, BayesianLens):
            raise TypeMismatchError(
                f"lens {self} >> ...: expected a BayesianLens on the right (wrap a kernel "
                f"with mc.lens), given {type(other).__name__}"
            )
        if self.cod != other.dom:
            raise TypeMismatchError(
                f"cannot compose lens {self} : {self.dom} ⇄ {self.cod} with lens {other} : "
                f"{other.dom} ⇄ {other.cod}: the codomain of the first must equal the "
                "domain of the second"
            )
        first, second = self, other

        def run(prior: Diagram) -> tuple[Diagram, Diagram]:
            back1, pushed = first._run(prior)  # c'_π and π >> c
            back2, pushed2 = second._run(pushed)  # d'_{π >> c} and π >> c >> d
            return back2 >> back1, pushed2

        def backward(prior: Diagram) -> Diagram:
            return run(prior)[0]

        composite = first.forward >> second.forward
        return BayesianLens(composite, backward, _name(first, ">>", second), run)

    def __lshift__(self, other: BayesianLens) -> BayesianLens:
        if not isinstance(other, BayesianLens):
            raise TypeMismatchError(
                f"lens {self} << ...: expected a BayesianLens, given {type(other).__name__}"
            )
        return other >> self

    def __matmul__(self, other: BayesianLens) -> BayesianLens:
        if not isinstance(other, BayesianLens):
            raise TypeMismatchError(
                f"lens {self} @ ...: expected a BayesianLens on the right, given "
                f"{type(other).__name__}"
            )
        left, right = self, other
        n = len(left.dom.factors)
        m = len(right.dom.factors)

        def backward(prior: Diagram) -> Diagram:
            first = marginal(prior, list(range(n))) if n else identity(I)
            second = marginal(prior, list(range(n, n + m))) if m else identity(I)
            return left.backward(first) @ right.backward(second)

        return BayesianLens(left.forward @ right.forward, backward, _name(left, "@", right))

    def __str__(self) -> str:
        return self.name or f"lens({describe(self.forward)})"

    def __repr__(self) -> str:
        return f"BayesianLens({describe(self.forward)} : {self.dom} ⇄ {self.cod})"


def _name(a: BayesianLens, op: str, b: BayesianLens) -> str | None:
    return f"({a} {op} {b})" if a.name and b.name else None


def lens(f: Diagram, backward: Backward | None = None, *, name: str | None = None) -> BayesianLens:
    """The Bayesian lens of the channel ``f: X → Y``: ``.forward`` is ``f`` and
    ``.backward(prior)`` the Bayesian inverse ``bayes_invert(f, prior): Y → X``.

    ``backward`` replaces the exact inverse by a map of your own (an approximate update,
    a fixed recognition model): a function from a prior state on ``X`` to a kernel
    ``Y → X``.

    >>> import markovcat as mc
    >>> D, T = mc.Obj("D", ("healthy", "ill")), mc.Obj("T", ("neg", "pos"))
    >>> test = mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]], name="test")
    >>> inverse = mc.lens(test).backward(mc.state(D, [0.99, 0.01]))
    >>> round(float(inverse.matrix[1, 1]), 4)  # P(ill | pos)
    0.1538
    """
    if not isinstance(f, Diagram):
        raise TypeMismatchError(f"mc.lens: expected a kernel or diagram, given {type(f).__name__}")
    if backward is not None and not callable(backward):
        raise TypeMismatchError(
            f"mc.lens: backward must be a function prior ↦ kernel, given {type(backward).__name__}"
        )
    chan = f

    def invert(prior: Diagram) -> Diagram:
        return bayes_invert(chan, prior)

    return BayesianLens(f, backward or invert, name or getattr(f, "name", None))


__all__ = ["BayesianLens", "lens"]
