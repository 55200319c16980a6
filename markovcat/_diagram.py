"""String diagrams: immutable, hashable terms built from generators by ``>>`` and ``@``.

The one place the rest of markovcat imports the syntax from; it gathers three modules
with one job each: the terms and their operators (``_terms``), the structural
constructors ``identity``, ``copy``, ``delete``, ``swap`` and ``rewire`` (``_wiring``),
and the one walk over terms, ``thread`` and ``route`` (``_walk``).

>>> import markovcat as mc
>>> X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
>>> f, g = mc.Box("f", X, Y), mc.Box("g", Y, X)
>>> print(f >> mc.copy(Y) >> (g @ mc.identity(Y)))
f >> copy(Y) >> (g @ id(Y))
"""

from __future__ import annotations

from ._graph import Graph
from ._objects import Obj, Product
from ._terms import Box, Copy, Delete, Diagram, Identity, Par, Seq, Swap
from ._terms import _flat as _flat
from ._terms import describe as describe
from ._walk import is_structural as is_structural
from ._walk import route, thread
from ._wiring import MAX_COPIES as MAX_COPIES
from ._wiring import SMALL_PERMUTATION as SMALL_PERMUTATION
from ._wiring import _tensor as _tensor
from ._wiring import copy, delete, identity, rewire, rewire_term, swap

__all__ = [
    "Box",
    "Copy",
    "Delete",
    "Diagram",
    "Graph",
    "Identity",
    "Obj",
    "Par",
    "Product",
    "Seq",
    "Swap",
    "copy",
    "delete",
    "identity",
    "rewire",
    "rewire_term",
    "route",
    "swap",
    "thread",
]
