"""Finite objects: atoms ``Obj(name, outcomes)``, their flat products, and the unit ``I``.

Products are flat and strict: ``(A @ B) @ C`` has the three atomic factors ``A, B, C``,
``X @ I == X`` and a one-factor product is the atom itself.

>>> import markovcat as mc
>>> X, Y = mc.Obj("X", ("a", "b")), mc.Obj("Y", (0, 1, 2))
>>> (X @ Y).shape, (X @ Y).size, (X @ mc.I) == X
((2, 3), 6, True)
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Union

from ._config import config
from ._errors import InvalidObjectError, MemoryLimitError, UnknownOutcomeError


class _ObjectOps:
    """Operations shared by atoms and products (both expose ``factors``)."""

    factors: tuple[Obj, ...]

    def __matmul__(self, other: Object) -> Object:
        if not isinstance(other, (Obj, Product)):
            raise InvalidObjectError(
                f"{self} @ ...: expected a markovcat object on the right, given {other!r:.80}"
            )
        factors = self.factors + other.factors  # one C-level concatenation
        return factors[0] if len(factors) == 1 else Product(factors)

    @property
    def shape(self) -> tuple[int, ...]:
        """One axis length per atomic factor."""
        return tuple(len(f.values) for f in self.factors)

    @property
    def size(self) -> int:
        """Number of joint outcomes (1 for the unit)."""
        n = 1
        for f in self.factors:
            n *= len(f.values)
        return n

    @property
    def outcomes(self) -> tuple[Any, ...]:
        """Joint outcomes in lexicographic order (tuples for products, bare for atoms)."""
        return tuple(itertools.product(*(f.values for f in self.factors)))

    def index(self, outcome: Any) -> tuple[int, ...]:
        """Per-factor indices of a joint outcome (a tuple for a product).

        >>> import markovcat as mc
        >>> (mc.Bool @ mc.Obj("Y", "abc")).index((True, "c"))
        (1, 2)
        """
        vals = (outcome,) if isinstance(self, Obj) else outcome
        if not isinstance(vals, tuple) or len(vals) != len(self.factors):
            raise UnknownOutcomeError(
                f"object {self}: expected an outcome with {len(self.factors)} components, "
                f"given {outcome!r}"
            )
        return tuple(f.position(v) for f, v in zip(self.factors, vals, strict=False))


#: An outcome costs about this many float64 table entries of memory (its Python object,
#: its tuple slot and its lookup entry), so an atom may have at most
#: ``mc.config.max_elements // OUTCOME_COST`` outcomes.
OUTCOME_COST = 16


@dataclass(frozen=True, eq=True)
class Obj(_ObjectOps):
    """An atomic finite object: a name and a tuple of distinct hashable outcomes.

    >>> import markovcat as mc
    >>> coin = mc.Obj("Coin", ("H", "T"))
    >>> coin.size, coin.outcomes
    (2, ('H', 'T'))
    """

    name: str
    values: tuple[Hashable, ...]

    def __init__(self, name: str, outcomes: Any) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidObjectError(f"an object's name must be a non-empty str, given {name!r}")
        if isinstance(outcomes, int) and not isinstance(outcomes, bool):
            outcomes = range(max(outcomes, 0))
        limit = config.max_elements // OUTCOME_COST
        try:
            n: int | str = len(outcomes)
        except OverflowError:  # a range too long for a machine int
            n = "more than 2**63"
        except TypeError:  # an iterator: counted as it is read
            n = 0
        if isinstance(n, str) or n > limit:
            raise MemoryLimitError(
                f"object {name!r}: {n if isinstance(n, str) else format(n, ',')} outcomes is "
                f"over the limit of {limit:,} "
                f"(mc.config.max_elements // {OUTCOME_COST}: each outcome is a Python "
                "object and a lookup entry, about as large as that many table entries)"
            )
        try:
            values = tuple(outcomes)
        except TypeError:
            raise InvalidObjectError(
                f"object {name!r}: expected an iterable of outcomes, given {outcomes!r}"
            ) from None
        if not values:
            raise InvalidObjectError(f"object {name!r}: expected at least one outcome, given none")
        try:
            lookup = {v: i for i, v in enumerate(values)}
        except TypeError as exc:
            raise InvalidObjectError(
                f"object {name!r}: outcomes must be hashable ({exc})"
            ) from None
        if len(lookup) != len(values):
            dup = next(v for i, v in enumerate(values) if lookup[v] != i)
            raise InvalidObjectError(
                f"object {name!r}: outcomes must be distinct, {dup!r} appears twice"
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def factors(self) -> tuple[Obj, ...]:  # type: ignore[override]
        return (self,)

    @property
    def outcomes(self) -> tuple[Hashable, ...]:
        return self.values

    def position(self, outcome: Any) -> int:
        """Index of ``outcome`` among this object's outcomes.

        >>> import markovcat as mc
        >>> mc.Bool.position(True)
        1
        """
        try:
            return self._lookup[outcome]  # type: ignore[attr-defined]
        except (KeyError, TypeError):
            raise UnknownOutcomeError(
                f"object {self.name!r}: unknown outcome {outcome!r}; "
                f"expected one of {list(self.values)}"
            ) from None

    def __hash__(self) -> int:
        return hash((self.name, self.values))

    def __iter__(self) -> Iterator[Obj]:
        return iter(self.factors)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Obj({self.name!r}, {self.values!r})"


@dataclass(frozen=True)
class Product(_ObjectOps):
    """A product of zero or at least two atoms; build it with ``@``, not directly.

    >>> import markovcat as mc
    >>> A = mc.Obj("A", 2)
    >>> A @ A @ A
    Obj('A', (0, 1)) @ Obj('A', (0, 1)) @ Obj('A', (0, 1))
    """

    factors: tuple[Obj, ...]

    def __iter__(self) -> Iterator[Obj]:
        return iter(self.factors)

    def __str__(self) -> str:
        return " ⊗ ".join(f.name for f in self.factors) if self.factors else "I"

    def __repr__(self) -> str:
        return " @ ".join(map(repr, self.factors)) if self.factors else "I"


Object = Union[Obj, Product]

#: The unit object: no factors, exactly one outcome ``()``.
I = Product(())

#: The object of truth values, outcomes ``(False, True)`` in that order.
Bool = Obj("Bool", (False, True))


def product(*objects: Object) -> Object:
    """The flat product of objects; ``product()`` is ``I`` and one atom is itself.

    >>> import markovcat as mc
    >>> mc.product(mc.Bool) == mc.Bool, mc.product() == mc.I
    (True, True)
    """
    for o in objects:
        if not isinstance(o, (Obj, Product)):
            raise InvalidObjectError(f"expected markovcat objects, given {o!r}")
    if len(objects) <= 8:  # few (possibly long) products: C-level tuple concatenation
        factors: tuple[Obj, ...] = ()
        for o in objects:
            factors += o.factors
    else:
        factors = tuple(itertools.chain.from_iterable(o.factors for o in objects))
    return factors[0] if len(factors) == 1 else Product(factors)


def as_object(x: Any, what: str = "object") -> Object:
    """Check that ``x`` is a markovcat object, naming ``what`` in the error."""
    if isinstance(x, (Obj, Product)):
        return x
    raise InvalidObjectError(f"{what}: expected an mc.Obj or a product of them, given {x!r}")
