"""Equations between string diagrams, checked two ways.

``Equation(lhs, rhs).holds()`` asks whether the axioms of a Markov category alone make
the two sides equal, whatever the boxes mean (:func:`markovcat.free_equal`);
``.check(mapping)`` asks whether they are equal for particular kernels, numerically or
exactly. An equation that holds is always checked true; the converse fails, and the
difference is the point of many exercises.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", X, X)
>>> eq = mc.Equation(f >> mc.copy(X), mc.copy(X) >> (f @ f))
>>> eq.holds()
False
>>> eq.check({"f": [[0, 1], [1, 0]]})   # ... but it is true for a deterministic f
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._compare import allclose
from ._compile import evaluate
from ._diagram import Diagram
from ._errors import TypeMismatchError
from ._free import free_equal, normal_form
from ._interpret import interpret
from .drawing import layout, side_by_side


class Equation:
    """A claimed equality ``lhs == rhs`` of two diagrams of the same type.

    ``holds()`` decides it in the free Markov category (up to the Markov-category axioms);
    ``check(mapping, backend=, atol=)`` tests it for concrete kernels; ``draw()`` shows
    both sides with an equals sign.

    >>> import markovcat as mc
    >>> c = mc.copy(mc.Bool)
    >>> mc.Equation(c >> mc.swap(mc.Bool, mc.Bool), c).holds()
    True
    """

    __slots__ = ("lhs", "name", "rhs")

    def __init__(self, lhs: Diagram, rhs: Diagram, name: str | None = None) -> None:
        for side, d in (("left", lhs), ("right", rhs)):
            if not isinstance(d, Diagram):
                raise TypeMismatchError(
                    f"mc.Equation: the {side} side must be a diagram, given {type(d).__name__}"
                )
        if lhs.dom != rhs.dom or lhs.cod != rhs.cod:
            raise TypeMismatchError(
                f"mc.Equation{f' {name!r}' if name else ''}: both sides must have the same "
                f"type; the left side is {lhs.dom} → {lhs.cod}, the right side "
                f"{rhs.dom} → {rhs.cod}"
            )
        self.lhs, self.rhs, self.name = lhs, rhs, name

    def holds(self) -> bool:
        """True when the axioms of a Markov category prove ``lhs == rhs``: symmetric
        monoidal structure, copy/delete a commutative comonoid (compatible with products)
        and naturality of delete. Symbolic boxes stand for arbitrary kernels.

        >>> import markovcat as mc
        >>> f = mc.Box("f", mc.Bool, mc.Bool)
        >>> mc.Equation(f >> mc.delete(mc.Bool), mc.delete(mc.Bool)).holds()
        True
        """
        return free_equal(self.lhs, self.rhs)

    def check(
        self,
        mapping: Mapping[str, Any] | None = None,
        backend: str | None = None,
        atol: float = 1e-8,
    ) -> bool:
        """True when both sides are equal kernels once each box named ``n`` is replaced
        by ``mapping[n]`` (a kernel or a table); exact on the ``"sympy"`` backend.

        >>> import markovcat as mc
        >>> p = mc.Box("p", mc.I, mc.Bool)
        >>> mc.Equation(p >> mc.copy(mc.Bool), p @ p).check({"p": [1, 0]})
        True
        """
        sides = []
        for d in (self.lhs, self.rhs):
            if mapping is not None:
                d = interpret(d, mapping, backend=backend)
            sides.append(evaluate(d, backend=backend))
        return allclose(sides[0], sides[1], atol=atol)

    def normal_forms(self) -> tuple[str, str]:
        """Both sides in the canonical form that :meth:`holds` compares.

        >>> import markovcat as mc
        >>> f = mc.Box("f", mc.Bool, mc.Bool)
        >>> print(mc.Equation(f, f >> mc.identity(mc.Bool)).normal_forms()[0])
        b0 = f(x0)
        return b0.0
        """
        return str(normal_form(self.lhs)), str(normal_form(self.rhs))

    def draw(self, direction: str = "down") -> Any:
        """Both sides side by side with an equals sign; an inline SVG in Jupyter.

        >>> import markovcat as mc
        >>> c = mc.copy(mc.Bool)
        >>> 'class="equals"' in mc.Equation(c, c).draw().svg
        True
        """
        return side_by_side([layout(self.lhs, direction), layout(self.rhs, direction)])

    def to_tikz(self, direction: str = "down") -> str:
        """The drawing as TikZ code."""
        return self.draw(direction).to_tikz()

    def _repr_svg_(self) -> str:
        return self.draw()._repr_svg_()

    def __bool__(self) -> bool:
        raise TypeMismatchError(
            "an mc.Equation has no truth value: ask eq.holds() (by the axioms) or "
            "eq.check(mapping) (for particular kernels)"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Equation):
            return NotImplemented
        return (self.lhs, self.rhs) == (other.lhs, other.rhs)

    def __hash__(self) -> int:
        return hash((self.lhs, self.rhs))

    def __str__(self) -> str:
        return f"{self.lhs} == {self.rhs}"

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        return f"Equation({self.lhs!r}, {self.rhs!r}{name})"


__all__ = ["Equation"]
