"""Comparing the two sides of a law: kernels with :func:`assert_equal`, scalars (floats or
exact sympy values) with :func:`assert_close` and :func:`assert_at_most`. Each raises
:class:`LawError` naming the law, the inputs and by how much the sides differ.

>>> from markovcat import laws
>>> laws.assert_at_most(0.5, 1.0, "a half is at most one")
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from .._compare import allclose, max_difference
from .._diagram import Diagram
from .._errors import LawError
from .._kernel import Kernel


# ---- kernels ------------------------------------------------------------------------------
def _describe(v: Any, limit: int = 400) -> str:
    """A concrete kernel by its ``repr`` (its numbers: paste it to reproduce), others by ``str``."""
    text = repr(v) if isinstance(v, Kernel) else str(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(inputs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_describe(v)}" for k, v in inputs.items()) or "these inputs"


def assert_equal(lhs: Diagram, rhs: Diagram, law: str, atol: float = 1e-9, **inputs: Any) -> None:
    """Raise :class:`LawError` unless ``lhs`` and ``rhs`` are equal kernels.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.assert_equal(mc.identity(mc.Bool), mc.identity(mc.Bool), "trivial")
    """
    if lhs.dom != rhs.dom or lhs.cod != rhs.cod:
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides have different types, "
            f"{lhs.dom} → {lhs.cod} and {rhs.dom} → {rhs.cod}"
        )
    if not allclose(lhs, rhs, atol=atol):
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides differ by up to "
            f"{max_difference(lhs, rhs):.3g} (tolerance {atol:g})\n  lhs = {lhs}\n  rhs = {rhs}"
        )


# ---- comparing backend scalars ----------------------------------------------------------------
def _float(v: Any) -> float:
    return float(sympy.N(v, 30)) if isinstance(v, sympy.Basic) else float(v)


def _exact(*vs: Any) -> bool:
    return all(isinstance(v, sympy.Basic) for v in vs)


def _difference(a: Any, b: Any) -> float:
    """``a − b`` as a float (50 digits for exact values; 0 for two equal infinities)."""
    fa, fb = _float(a), _float(b)
    if math.isinf(fa) or math.isinf(fb):
        return 0.0 if fa == fb else fa - fb
    if _exact(a, b):
        d = a - b
        if d == 0 or sympy.expand(sympy.expand_log(d, force=True, factor=True)) == 0:
            return 0.0
        return float(sympy.N(d, 50))
    return fa - fb


def _tolerance(a: Any, b: Any, atol: float) -> float:
    return 1e-40 if _exact(a, b) else atol


def assert_close(lhs: Any, rhs: Any, law: str, atol: float = 1e-9, **inputs: Any) -> None:
    """Raise :class:`LawError` unless the scalars ``lhs`` and ``rhs`` are equal (within ``atol``).

    >>> import sympy
    >>> from markovcat import laws
    >>> laws.assert_close(sympy.log(4) / 2, sympy.log(2), "halving")
    """
    d = _difference(lhs, rhs)
    if math.isnan(d) or abs(d) > _tolerance(lhs, rhs, atol):
        raise LawError(f"law {law!r} failed for {_show_plain(inputs)}: {lhs} != {rhs} (by {d:.3g})")


def assert_at_most(lhs: Any, rhs: Any, law: str, atol: float = 1e-9, **inputs: Any) -> None:
    """Raise :class:`LawError` unless ``lhs <= rhs`` (within ``atol``).

    >>> from markovcat import laws
    >>> laws.assert_at_most(1.0, float("inf"), "finite below infinite")
    """
    d = _difference(lhs, rhs)
    if math.isnan(d) or d > _tolerance(lhs, rhs, atol):
        raise LawError(f"law {law!r} failed for {_show_plain(inputs)}: {lhs} > {rhs} (by {d:.3g})")


def _show_plain(inputs: dict[str, Any]) -> str:
    """The inputs by ``str`` (the scalar laws' messages)."""
    return ", ".join(f"{k}={v}" for k, v in inputs.items()) or "these inputs"


__all__ = ["assert_equal", "assert_close", "assert_at_most"]
