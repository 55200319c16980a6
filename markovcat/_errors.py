"""The error hierarchy: every failure a user can cause is a :class:`MarkovCatError`.

Each message says what was expected, what was given, and names the object.

>>> import markovcat as mc
>>> issubclass(mc.NotStochasticError, mc.MarkovCatError)
True
"""

from __future__ import annotations


class MarkovCatError(Exception):
    """Base class of all markovcat errors.

    >>> import markovcat as mc
    >>> try:
    ...     mc.Obj("X", ())
    ... except mc.MarkovCatError as e:
    ...     print(type(e).__name__)
    InvalidObjectError
    """


class InvalidObjectError(MarkovCatError, ValueError):
    """An object was declared with no, duplicate or unhashable outcomes."""


class TypeMismatchError(MarkovCatError, TypeError):
    """Composition or tensor of morphisms whose types do not fit."""


class NotStochasticError(MarkovCatError, ValueError):
    """A table is not a Markov kernel: wrong shape, negative, NaN, or rows not summing to 1."""


class ZeroProbabilityError(MarkovCatError, ValueError):
    """Conditioning on evidence of probability zero."""


class UnknownOutcomeError(MarkovCatError, KeyError):
    """An outcome or factor that the object does not have."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class ProgramError(MarkovCatError, TypeError):
    """Misuse of wires inside an ``@mc.program`` function."""


class UninterpretedBoxError(MarkovCatError, TypeError):
    """A symbolic :class:`Box` reached a numerical evaluation; use ``mc.interpret`` first."""


class BackendError(MarkovCatError, ValueError):
    """An unknown or unavailable backend, or tables of incompatible kinds."""


class MemoryLimitError(MarkovCatError, MemoryError):
    """A contraction would allocate more than ``mc.config.max_elements`` entries."""


class InformationError(MarkovCatError, ValueError):
    """An information query with an invalid argument: a divergence order out of range, a
    ``base=`` for a quantity without a logarithm, a bad split or a chain without a unique
    stationary law."""


class PersistenceError(MarkovCatError, ValueError):
    """``mc.save`` cannot store an object, or ``mc.load`` rejects a file: not JSON, another
    format or version, missing or unknown fields, wrong shapes, tables that are not
    stochastic, or symbolic entries outside the safe whitelist."""


class BifFormatError(MarkovCatError, ValueError):
    """A BIF file that cannot be read (malformed, with its line number) or a state that
    cannot be written as BIF (names or outcomes BIF cannot spell)."""


class InvalidArgumentError(MarkovCatError, ValueError):
    """An argument outside its allowed range, such as a negative, NaN or non-numeric
    tolerance ``atol``."""


class LawError(AssertionError):
    """A law failed: the message says which, on which inputs, by how much.

    >>> from markovcat.laws import LawError
    >>> issubclass(LawError, AssertionError)
    True
    """
