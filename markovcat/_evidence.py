"""Evidence: which codomain factors are observed, and as which outcome.

Keys are factor positions (negative counts from the end) or factor names where those are
unique; values are outcomes of that factor.

>>> import markovcat as mc
>>> A, B = mc.Obj("A", ("a0", "a1")), mc.Obj("B", 3)
>>> parse_evidence(A @ B, {"B": 2, 0: "a1"})
{1: 2, 0: 1}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import UnknownOutcomeError
from ._objects import Object


def factor_position(obj: Object, key: Any) -> int:
    """The position of the factor named or numbered ``key`` in ``obj``.

    >>> import markovcat as mc
    >>> factor_position(mc.Obj("A", 2) @ mc.Bool, "Bool")
    1
    """
    factors = obj.factors
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise UnknownOutcomeError(
            f"evidence on {obj}: expected a factor position or name, given {key!r}"
        )
    if isinstance(key, int):
        if not -len(factors) <= key < len(factors):
            raise UnknownOutcomeError(
                f"evidence on {obj}: factor position {key} is out of range for "
                f"{len(factors)} factor(s)"
            )
        return key % len(factors)
    matches = [i for i, f in enumerate(factors) if f.name == key]
    if not matches:
        raise UnknownOutcomeError(
            f"evidence on {obj}: no factor named {key!r}; factors are {[f.name for f in factors]}"
        )
    if len(matches) > 1:
        raise UnknownOutcomeError(
            f"evidence on {obj}: the name {key!r} is shared by factors {matches}; use a position"
        )
    return matches[0]


def factor_positions(obj: Object, keys: Any) -> list[int]:
    """The positions of a factor selection, in the order given: one position or name, or a
    list, tuple or range of them.

    >>> import markovcat as mc
    >>> factor_positions(mc.Obj("A", 2) @ mc.Bool, ["Bool", 0]), factor_positions(mc.Bool, 0)
    ([1, 0], [0])
    """
    listed = list(keys) if isinstance(keys, (list, tuple, range)) else [keys]
    return [factor_position(obj, k) for k in listed]


def parse_evidence(obj: Object, evidence: Mapping[Any, Any]) -> dict[int, int]:
    """``{factor position: outcome index}`` for a dict of observed outcomes.

    >>> import markovcat as mc
    >>> parse_evidence(mc.Bool @ mc.Bool, {-1: True})
    {1: 1}
    """
    if not isinstance(evidence, Mapping):
        raise UnknownOutcomeError(
            f"evidence on {obj}: expected a dict {{factor: outcome}}, given {type(evidence).__name__}"
        )
    out: dict[int, int] = {}
    factors = obj.factors
    n = len(factors)
    for key, outcome in evidence.items():
        # a plain position in range is the common case of long evidence: no lookup
        pos = key if type(key) is int and 0 <= key < n else factor_position(obj, key)
        if pos in out:
            raise UnknownOutcomeError(f"evidence on {obj}: factor {key!r} is observed twice")
        out[pos] = factors[pos].position(outcome)
    return out
