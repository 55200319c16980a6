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
    """An object was declared with no, duplicate or unhashable outcomes.

    >>> import markovcat as mc
    >>> mc.Obj("X", ("a", "a"))
    Traceback (most recent call last):
    markovcat._errors.InvalidObjectError: object 'X': outcomes must be distinct, 'a' appears twice
    """


class TypeMismatchError(MarkovCatError, TypeError):
    """Composition or tensor of morphisms whose types do not fit.

    >>> import markovcat as mc
    >>> mc.identity(mc.Bool) >> mc.identity(mc.Obj("Y", 3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.TypeMismatchError: cannot compose id(Bool) : Bool → Bool with id(Y) ...
    """


class NotStochasticError(MarkovCatError, ValueError):
    """A table is not a Markov kernel: wrong shape, negative, NaN, or rows not summing to 1.

    >>> import markovcat as mc
    >>> mc.state(mc.Bool, [0.5, 0.6], name="p")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.NotStochasticError: kernel 'p' : I → Bool: the distribution sums to 1.1...
    """


class ZeroProbabilityError(MarkovCatError, ValueError):
    """Conditioning on evidence of probability zero.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [[0.5, 0.0], [0.0, 0.5]], name="p")
    >>> mc.condition(p, {0: False, 1: True})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.ZeroProbabilityError: cannot condition p ... it has probability 0
    """


class UnknownOutcomeError(MarkovCatError, KeyError):
    """An outcome or factor that the object does not have.

    >>> import markovcat as mc
    >>> mc.Bool.position("maybe")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.UnknownOutcomeError: object 'Bool': unknown outcome 'maybe'; ...
    """

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class ProgramError(MarkovCatError, TypeError):
    """Misuse of wires inside an ``@mc.program`` function.

    >>> import markovcat as mc
    >>> mc.identity(mc.Bool)(True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.ProgramError: id(Bool)(...) applies id(Bool) to wires and works only ...
    """


class UninterpretedBoxError(MarkovCatError, TypeError):
    """A symbolic :class:`Box` reached a numerical evaluation; use ``mc.interpret`` first.

    >>> import markovcat as mc
    >>> mc.Box("f", mc.Bool, mc.Bool).array  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.UninterpretedBoxError: cannot evaluate the symbolic box 'f' ...
    """


class BackendError(MarkovCatError, ValueError):
    """An unknown or unavailable backend, or tables of incompatible kinds.

    >>> import markovcat as mc
    >>> mc.identity(mc.Bool).to("torch")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.BackendError: unknown backend 'torch'; ...
    """


class MemoryLimitError(MarkovCatError, MemoryError):
    """A contraction would allocate more than ``mc.config.max_elements`` entries.

    >>> import markovcat as mc
    >>> big = mc.identity(mc.product(*[mc.Obj("B", 2)] * 20))
    >>> big.array  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.MemoryLimitError: evaluating ... over mc.config.max_elements ...
    """


class InformationError(MarkovCatError, ValueError):
    """An information query with an invalid argument: a divergence order out of range, a
    ``base=`` for a quantity without a logarithm, a bad split or a chain without a unique
    stationary law.

    >>> import markovcat as mc
    >>> mc.gini_simpson(mc.state(mc.Bool, [0.5, 0.5]), base=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.InformationError: ...
    """


class PersistenceError(MarkovCatError, ValueError):
    """``mc.save`` cannot store an object, or ``mc.load`` rejects a file: not JSON, another
    format or version, missing or unknown fields, wrong shapes, tables that are not
    stochastic, or symbolic entries outside the safe whitelist.

    >>> import markovcat as mc, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.json"
    >>> _ = path.write_text("not json")
    >>> mc.load(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.PersistenceError: mc.load: not a markovcat JSON file ...
    """


class BifFormatError(MarkovCatError, ValueError):
    """A BIF file that cannot be read (malformed, with its line number) or a state that
    cannot be written as BIF (names or outcomes BIF cannot spell).

    >>> import markovcat as mc
    >>> mc.read_bif("probability ( A ) { table 0.5, 0.5; }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.BifFormatError: BIF line 1: ... unknown variable 'A'
    """


class InvalidArgumentError(MarkovCatError, ValueError):
    """An argument outside its allowed range, such as a negative, NaN or non-numeric
    tolerance ``atol``.

    >>> import markovcat as mc
    >>> mc.allclose(mc.identity(mc.Bool), mc.identity(mc.Bool), atol=-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    markovcat._errors.InvalidArgumentError: ...
    """


class DistributedError(MarkovCatError, RuntimeError):
    """Work sent to a Dask cluster did not come back: the scheduler cannot be reached, the
    cluster lost the tasks (workers died more often than Dask's ``allowed_failures``), or
    dask.distributed is not installed. Nothing partial is ever returned.

    >>> import markovcat as mc
    >>> issubclass(mc.DistributedError, RuntimeError)
    True
    """


class LawError(AssertionError):
    """A law failed: the message says which, on which inputs, by how much.

    >>> from markovcat.laws import LawError
    >>> issubclass(LawError, AssertionError)
    True
    """
