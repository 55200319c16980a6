"""The exact array type, without sympy: ``import markovcat`` stays light.

The exact backend (``_exact``, which imports sympy) registers its primitives the first
time an exact value is met: an ``ExactArray``, a ``Fraction`` or a sympy object reaching
a dispatcher (``exact_type``), an exact entry in a table (``is_exact_scalar``), or
``backends.load("sympy")``. No sympy object can exist before sympy is imported, so the
tests below never import it themselves.
"""

from __future__ import annotations

import importlib
import sys
from fractions import Fraction
from types import ModuleType

import numpy as np


class ExactArray(np.ndarray):
    """A numpy object array whose entries are sympy expressions."""


def _sympy_basic() -> type | None:
    sympy = sys.modules.get("sympy")
    return getattr(sympy, "Basic", None) if sympy is not None else None


def is_exact_scalar(v: object) -> bool:
    """True for a ``Fraction`` or a sympy number or expression (never imports sympy)."""
    if isinstance(v, Fraction):
        return True
    basic = _sympy_basic()
    return basic is not None and isinstance(v, basic)


def exact_type(t: type) -> bool:
    """True for the types only the exact backend handles: ``ExactArray``, ``Fraction``
    and sympy's classes."""
    if issubclass(t, (ExactArray, Fraction)):
        return True
    basic = _sympy_basic()
    return basic is not None and issubclass(t, basic)


def exact_backend() -> ModuleType:
    """The exact backend module, imported (and so registered) on first use."""
    return importlib.import_module("markovcat.backends._exact")


def loaded() -> bool:
    """Whether the exact backend has registered its primitives."""
    return "markovcat.backends._exact" in sys.modules
