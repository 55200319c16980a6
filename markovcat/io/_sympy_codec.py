"""Exact sympy entries as JSON trees, and back, with sympy's public API only.

An entry is ``"p"`` or ``"p/q"`` for an integer or a rational; a tree ``[head, arg, ...]``
with head ``Add``, ``Mul``, ``Pow``, ``exp``, ``log``, ``Abs``, ``Max``, ``Min``, ``sin``,
``cos``; ``["Symbol", name, {assumption: bool}]`` with the assumptions the symbol was made
with; ``["Float", mantissa, exponent, precision]``, exactly ``mantissa * 2**exponent`` with
an odd mantissa (or ``0, 0``) and the precision in bits; ``["pi"]`` and ``["E"]``.

Writing reads a number's exact value with ``sympy.Rational`` and a symbol's assumptions
and a Float's precision from ``sympy.srepr`` (parsed with :mod:`ast`, never evaluated).
Reading rebuilds the tree from whitelisted constructors only — never ``eval``,
``sympify`` or ``pickle`` — and refuses anything else with :class:`PersistenceError`.

>>> import sympy
>>> tree = encode_expr(sympy.Rational(1, 3) * sympy.Symbol("p", positive=True), "f")
>>> tree, decode_expr(tree, "rows[0][0]")
(['Mul', '1/3', ['Symbol', 'p', {'positive': True}]], p/3)
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
from typing import TYPE_CHECKING, Any

from .._errors import PersistenceError

if TYPE_CHECKING:
    import sympy
else:

    class _Sympy:
        """sympy, imported when the codec first needs it (``import markovcat`` stays light)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(importlib.import_module("sympy"), name)

    sympy = _Sympy()

#: The whitelisted constructors (sympy names) and constants.
_FUNCTIONS = ("Add", "Mul", "Pow", "exp", "log", "Abs", "Max", "Min", "sin", "cos")
_CONSTANTS = ("pi", "E")
_ARITY = {"Pow": (2, 2), "exp": (1, 1), "log": (1, 1), "Abs": (1, 1), "sin": (1, 1), "cos": (1, 1)}


@functools.cache
def _classes() -> tuple[dict[str, Any], dict[Any, str], dict[str, Any]]:
    """The constructors by head, the heads by class, and the constants by name."""
    functions = {head: getattr(sympy, head) for head in _FUNCTIONS}
    heads = {cls: head for head, cls in functions.items()}
    return functions, heads, {name: getattr(sympy, name) for name in _CONSTANTS}


#: The assumptions a stored symbol may carry: sympy's (1.14) list of defined assumptions.
_ASSUMPTIONS = frozenset(
    {
        "algebraic", "antihermitian", "commutative", "complex", "composite", "even",
        "extended_negative", "extended_nonnegative", "extended_nonpositive",
        "extended_nonzero", "extended_positive", "extended_real", "finite", "hermitian",
        "imaginary", "infinite", "integer", "irrational", "negative", "noninteger",
        "nonnegative", "nonpositive", "nonzero", "odd", "polar", "positive", "prime",
        "rational", "real", "transcendental", "zero",
    }
)  # fmt: skip
_NUMBER = re.compile(r"-?[0-9]{1,4000}(/[0-9]{1,4000})?")
_MAX_EXPONENT = 10**5  # Float exponents and precisions beyond this are refused
_MAX_POWER_BITS = 4096  # a numeric power whose result would need more bits is refused
#: Bounds on a stored expression, so that building and checking it stays fast: the nodes of
#: one entry's tree, the function applications (exp, log, Abs, Max, Min, sin, cos) in one
#: entry and in one row (sympy simplifies row sums), how deeply functions nest, and how many
#: arguments a Max or Min takes.
MAX_NODES = 2000
MAX_FUNCTIONS = 16
MAX_NESTING = 3
MAX_MINMAX_ARGS = 8
_APPLIED = frozenset(_FUNCTIONS) - {"Add", "Mul", "Pow"}


# ---- writing ----------------------------------------------------------------------------------
def encode_expr(e: Any, what: str) -> Any:
    """A sympy expression as a JSON tree of whitelisted constructors.

    >>> import sympy
    >>> encode_expr(sympy.Float(0.75) + sympy.pi, "a kernel")
    ['Add', ['Float', 3, -2, 53], ['pi']]
    """
    if isinstance(e, sympy.Integer):
        return str(int(e))
    if isinstance(e, sympy.Rational):
        return f"{e.p}/{e.q}"
    if isinstance(e, sympy.Float):
        return _float_tree(e)
    if type(e) is sympy.Symbol:
        _, assumptions = _constructor(e)
        return ["Symbol", e.name, {k: bool(v) for k, v in assumptions.items()}]
    for name, const in _classes()[2].items():
        if e is const:
            return [name]
    head = _classes()[1].get(type(e))
    if head is None:
        raise PersistenceError(
            f"mc.save: {what} has the entry {e!r} ({type(e).__name__}), which the format "
            f"cannot store; supported: integers, rationals, Float, Symbol, pi, E and "
            f"{sorted(_FUNCTIONS)}"
        )
    return [head, *(encode_expr(a, what) for a in e.args)]


def _constructor(e: Any) -> tuple[list[Any], dict[str, Any]]:
    """The arguments and keywords of ``e``'s constructor call as ``sympy.srepr`` spells it,
    e.g. ``Symbol('p', positive=True)``; parsed as literals, never evaluated."""
    call = ast.parse(sympy.srepr(e), mode="eval").body
    if not isinstance(call, ast.Call):  # pragma: no cover - srepr of a Symbol or Float
        raise PersistenceError(f"mc.save: cannot read the constructor of {e!r}")
    args = [ast.literal_eval(a) for a in call.args]
    return args, {str(k.arg): ast.literal_eval(k.value) for k in call.keywords}


def _float_tree(e: sympy.Float) -> list[Any]:
    """``["Float", mantissa, exponent, precision]``: ``e`` is exactly ``mantissa *
    2**exponent`` (odd mantissa, as mpmath keeps it; ``0, 0`` for zero)."""
    value = sympy.Rational(e)  # exact: a Float is a binary fraction
    p, q = int(value.p), int(value.q)
    if q == 1:
        shift = (p & -p).bit_length() - 1 if p else 0  # trailing zero bits
        man, exp = p >> shift, shift
    else:  # q is a power of two and p is odd
        man, exp = p, 1 - q.bit_length()
    return ["Float", man, exp, int(_constructor(e)[1]["precision"])]


# ---- reading ----------------------------------------------------------------------------------
def scan_expr(node: Any, where: str) -> int:
    """Check a stored expression's size against the bounds above before anything is built;
    return its number of function applications.

    >>> scan_expr(["exp", ["sin", ["Symbol", "p", {}]]], "rows[0][0]")
    2
    """
    nodes = functions = 0
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise PersistenceError(
                f"mc.load: {where}: the expression has more than {MAX_NODES} nodes"
            )
        if isinstance(n, list) and n and not isinstance(n[0], str):
            raise PersistenceError(
                f"mc.load: {where}: an expression's head must be a name such as 'Add', "
                f"given {n[0]!r:.60}"
            )
        if not isinstance(n, list) or not n or n[0] in ("Symbol", "Float"):
            continue  # leaves: validated when they are decoded
        head = n[0]
        if head in _APPLIED:
            functions += 1
            depth += 1
            if depth > MAX_NESTING:
                raise PersistenceError(
                    f"mc.load: {where}: functions nest more than {MAX_NESTING} deep"
                )
            if head in ("Max", "Min") and len(n) - 1 > MAX_MINMAX_ARGS:
                raise PersistenceError(
                    f"mc.load: {where}: {head} of {len(n) - 1} arguments; at most "
                    f"{MAX_MINMAX_ARGS} are read"
                )
        stack.extend((a, depth) for a in n[1:])
    if functions > MAX_FUNCTIONS:
        raise PersistenceError(
            f"mc.load: {where}: {functions} function applications; at most {MAX_FUNCTIONS} "
            "are read per entry"
        )
    return functions


def decode_expr(node: Any, where: str) -> sympy.Expr:
    """Rebuild a sympy expression from whitelisted constructors only; never eval or sympify.
    Its size is checked first (:func:`scan_expr`).

    >>> decode_expr(["Pow", ["Symbol", "p", {}], "2"], "rows[0][0]")
    p**2
    """
    scan_expr(node, where)
    try:
        return _decode(node, where)
    except PersistenceError:
        raise
    except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
        raise PersistenceError(
            f"mc.load: {where}: the expression cannot be built ({type(exc).__name__}: {exc!s:.100})"
        ) from None


def _decode(node: Any, where: str) -> sympy.Expr:
    if isinstance(node, str):
        if not _NUMBER.fullmatch(node):
            raise PersistenceError(
                f"mc.load: {where}: {node!r:.80} is not an integer or rational 'p/q'"
            )
        p, _, q = node.partition("/")
        if q and int(q) == 0:
            raise PersistenceError(f"mc.load: {where}: {node!r:.80} divides by zero")
        return sympy.Rational(int(p), int(q)) if q else sympy.Integer(int(p))
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise PersistenceError(f"mc.load: {where}: {node!r:.80} is not a stored expression")
    head, args = node[0], node[1:]
    if head in _CONSTANTS and not args:
        return _classes()[2][head]
    if head == "Symbol":
        return _read_symbol(args, where)
    if head == "Float":
        return _read_float(args, where)
    if head not in _FUNCTIONS:
        raise PersistenceError(
            f"mc.load: {where}: {head!r:.80} is not an allowed expression head; allowed: "
            f"{sorted([*_FUNCTIONS, *_CONSTANTS, 'Symbol', 'Float'])}"
        )
    lo, hi = _ARITY.get(head, (1, 10**9))
    if not lo <= len(args) <= hi:
        raise PersistenceError(f"mc.load: {where}: {head} takes {lo}..{hi} argument(s)")
    parts = [_decode(a, f"{where}.{head}[{k}]") for k, a in enumerate(args)]
    if head == "Pow" and parts[1].is_Number:
        b, e = parts[0], parts[1]
        # any base: sqrt(2)**(10**30) is a number too, though sqrt(2) is not a Number
        too_big = abs(e) > _MAX_POWER_BITS or (e.is_Rational and e.q > _MAX_POWER_BITS)
        if b.is_Number:
            bits = max(abs(b.p).bit_length(), b.q.bit_length()) if b.is_Rational else 64
            too_big = too_big or abs(e) * bits > _MAX_POWER_BITS
        if too_big:
            raise PersistenceError(
                f"mc.load: {where}: the power {node!r:.80} is too large: exponents are "
                f"read up to {_MAX_POWER_BITS} (and numeric results up to that many bits)"
            )
    return _classes()[0][head](*parts)


def _read_symbol(args: list[Any], where: str) -> sympy.Symbol:
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        raise PersistenceError(f"mc.load: {where}: expected ['Symbol', name, {{assumptions}}]")
    name, assumptions = args
    bad = [k for k, v in assumptions.items() if k not in _ASSUMPTIONS or type(v) is not bool]
    if not name or bad:
        raise PersistenceError(
            f"mc.load: {where}: a symbol needs a non-empty name and boolean assumptions "
            f"from sympy's list; given {name!r} with {bad}"
        )
    try:
        return sympy.Symbol(name, **assumptions)
    except Exception as exc:  # sympy: inconsistent assumptions
        raise PersistenceError(f"mc.load: {where}: symbol {name!r}: {exc}") from None


def _read_float(args: list[Any], where: str) -> sympy.Float:
    if len(args) != 3 or any(type(a) is not int for a in args):
        raise PersistenceError(
            f"mc.load: {where}: expected ['Float', mantissa, exponent, precision] with integers"
        )
    man, exp, prec = args
    if abs(exp) > _MAX_EXPONENT or not 1 <= prec <= _MAX_EXPONENT or man.bit_length() > prec:
        raise PersistenceError(f"mc.load: {where}: Float {args} is out of range")
    value = sympy.Rational(man * 2**exp) if exp >= 0 else sympy.Rational(man, 2**-exp)
    return sympy.Float(value, precision=prec)


__all__ = ["decode_expr", "encode_expr", "scan_expr"]
