"""Equality of kernels up to a tolerance (exactly on the sympy backend).

>>> import markovcat as mc
>>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.0, 1.0]])
>>> mc.allclose(f >> mc.identity(mc.Bool), f)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dispatch
from ._compile import evaluate
from ._config import check_tolerance
from ._deprecation import keyword_only
from ._diagram import Diagram
from ._errors import MarkovCatError, TypeMismatchError
from .backends import ops


def tables(f: Diagram, g: Diagram) -> tuple[Any, Any]:
    """Both tables on one backend: exact if both are exact, else float64 numpy."""
    a, b = evaluate(f).table, evaluate(g).table
    if ops.is_exact(a) and ops.is_exact(b):
        return a, b
    return ops.to_numpy(a), ops.to_numpy(b)  # a JAX tracer raises BackendError here


@keyword_only("atol")
def allclose(f: Diagram, g: Diagram, *, atol: float = 1e-8) -> bool:
    """True when ``f`` and ``g`` have the same type and entries within ``atol``
    (exactly equal when both are exact sympy kernels).

    >>> import markovcat as mc
    >>> mc.allclose(mc.copy(mc.Bool) >> mc.swap(mc.Bool, mc.Bool), mc.copy(mc.Bool))
    True
    """
    if (r := _dispatch.other("allclose", f, g, atol=atol)) is not _dispatch.NOTHING:
        return r  # Gaussian kernels (markovcat.gauss)
    for d in (f, g):
        if not isinstance(d, Diagram):
            raise TypeMismatchError(f"mc.allclose expects diagrams, given {type(d).__name__}")
    atol = check_tolerance(atol, "mc.allclose")
    if f.dom != g.dom or f.cod != g.cod:
        return False
    a, b = tables(f, g)
    return ops.allclose(a, b, atol)


def max_difference(f: Diagram, g: Diagram) -> float:
    """The largest absolute entry difference (inf when the types differ)."""
    if f.dom != g.dom or f.cod != g.cod:
        return float("inf")
    a, b = tables(f, g)
    if not a.size:
        return 0.0
    try:
        return float(np.max(ops.to_numpy(ops.absolute(a - b))))
    except MarkovCatError:  # symbolic entries: no single number
        return float("nan")
