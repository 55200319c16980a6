"""Objects of the Gaussian Markov category: Euclidean spaces ``R^n`` and their products.

An atom ``Real(name, dim)`` is ``R^dim``; ``X @ Y`` is the flat product (dimensions add);
the unit ``gauss.I`` is ``R^0``. Factor positions (in ``keep``, evidence) count atoms,
exactly like finite objects; an atom of dimension ``d`` is one factor holding ``d``
coordinates.

>>> from markovcat import gauss
>>> X, Y = gauss.Real("X", 2), gauss.Real("Y")
>>> (X @ Y).dim, (X @ Y).dims, (X @ gauss.I) == X
(3, (2, 1), True)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Union

from .._errors import InvalidObjectError
from .._objects import I as _finite_unit


class _SpaceOps:
    factors: tuple[Real, ...]

    def __matmul__(self, other: Any) -> Space:
        if other == _finite_unit:
            other = I
        if not isinstance(other, (Real, Space)):
            raise InvalidObjectError(
                f"{self} @ ...: expected a gauss.Real object on the right, given {other!r:.80}"
            )
        return _make(self.factors + other.factors)

    def __rmatmul__(self, other: Any) -> Space:
        if other == _finite_unit:
            return _make(self.factors)
        raise InvalidObjectError(
            f"... @ {self}: expected a gauss.Real object on the left, given {other!r:.80}"
        )

    @property
    def dim(self) -> int:
        """The total dimension (0 for the unit)."""
        return sum(f.n for f in self.factors)

    @property
    def dims(self) -> tuple[int, ...]:
        """One dimension per atomic factor."""
        return tuple(f.n for f in self.factors)

    def offsets(self) -> list[int]:
        """Where each factor's coordinates start (and, last, the total dimension).

        >>> from markovcat import gauss
        >>> (gauss.Real("X", 2) @ gauss.Real("Y", 3)).offsets()
        [0, 2, 5]
        """
        out = [0]
        for f in self.factors:
            out.append(out[-1] + f.n)
        return out

    def coordinates(self, positions: list[int]) -> list[int]:
        """The coordinate indices of the factors at ``positions``, in that order.

        >>> from markovcat import gauss
        >>> (gauss.Real("X", 2) @ gauss.Real("Y", 3)).coordinates([1, 0])
        [2, 3, 4, 0, 1]
        """
        off = self.offsets()
        return [i for p in positions for i in range(off[p], off[p + 1])]


@dataclass(frozen=True)
class Real(_SpaceOps):
    """The atomic object ``R^dim`` named ``name``.

    >>> from markovcat import gauss
    >>> gauss.Real("position", 2)
    Real('position', 2)
    """

    name: str
    n: int

    def __init__(self, name: str, dim: int = 1) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidObjectError(f"a gauss.Real's name must be a non-empty str, given {name!r}")
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise InvalidObjectError(
                f"gauss.Real({name!r}, dim): expected a dimension dim >= 1, given {dim!r}"
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "n", dim)

    @property
    def factors(self) -> tuple[Real, ...]:  # type: ignore[override]
        return (self,)

    def __iter__(self) -> Iterator[Real]:
        return iter(self.factors)

    def __str__(self) -> str:
        return self.name if self.n == 1 else f"{self.name}[{self.n}]"

    def __repr__(self) -> str:
        return f"Real({self.name!r}, {self.n})"


@dataclass(frozen=True)
class Space(_SpaceOps):
    """A product of zero or at least two ``Real`` atoms; build it with ``@``.

    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> print(X @ X), print(gauss.I)
    X ⊗ X
    I
    (None, None)
    """

    factors: tuple[Real, ...]

    def __iter__(self) -> Iterator[Real]:
        return iter(self.factors)

    def __str__(self) -> str:
        return " ⊗ ".join(map(str, self.factors)) if self.factors else "I"

    def __repr__(self) -> str:
        return " @ ".join(map(repr, self.factors)) if self.factors else "gauss.I"


GaussObject = Union[Real, Space]

#: The unit ``R^0``: the domain of states. ``mc.I`` is accepted wherever it is meant.
I = Space(())


def _make(factors: tuple[Real, ...]) -> Any:
    return factors[0] if len(factors) == 1 else Space(factors)


def space(*objects: Any) -> Any:
    """The flat product of Gaussian objects (``space()`` is ``gauss.I``).

    >>> from markovcat import gauss
    >>> gauss.space(gauss.Real("X"), gauss.Real("Y", 2)).dim
    3
    """
    factors: tuple[Real, ...] = ()
    for o in objects:
        factors += as_space(o, "gauss.space").factors
    return _make(factors)


def as_space(x: Any, what: str = "object") -> Any:
    """``x`` as a Gaussian object (``mc.I`` becomes ``gauss.I``), or an error naming ``what``.

    >>> from markovcat import gauss
    >>> import markovcat as mc
    >>> gauss.as_space(mc.I, "dom") == gauss.I
    True
    """
    if isinstance(x, (Real, Space)):
        return x
    if x == _finite_unit:
        return I
    raise InvalidObjectError(f"{what}: expected a gauss.Real or a product of them, given {x!r:.80}")
