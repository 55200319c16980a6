"""Bayesian networks in the BIF format: read one as a joint state, write one back.

A network becomes the string diagram ``I → X1 ⊗ … ⊗ Xn`` that samples each variable from
its conditional table (a kernel from its parents, named after the variable) and copies a
variable's wire wherever a child needs it; the factors are the variables in file order,
with their outcome labels. Nothing is evaluated: queries contract the diagram's tensor
network (``mc.posterior_marginals``), so the joint is never built.

The reader is a small hand-written tokenizer and parser: it never evaluates anything from
the file. It accepts ``//`` and ``/* */`` comments, ``property`` lines (ignored), tables
given as ``table …``, as one row per parent configuration ``(a, b) p1, p2;`` or with a
``default`` row, and names in double quotes. A ``table`` entry of a variable with parents
lists the rows in lexicographic order of the parent outcomes (first parent most
significant), the variable's own outcome fastest — the layout of ``f.matrix``.

Real files have rows that sum to 1 only within about 1e-6: a row within
``mc.config.row_atol`` (1e-5) of 1 is accepted and divided by its sum (a row within
1e-12, i.e. 1 up to rounding, is kept exactly as written); a row further off,
a negative or non-finite number, a missing row, an unknown outcome or variable, a cycle or
anything else malformed raises :class:`BifFormatError` with the line number.

>>> import markovcat as mc
>>> text = '''
... variable Rain { type discrete [ 2 ] { no, yes }; }
... variable Wet { type discrete [ 2 ] { dry, wet }; }
... probability ( Rain ) { table 0.8, 0.2; }
... probability ( Wet | Rain ) { (no) 0.9, 0.1; (yes) 0.2, 0.8; }
... '''
>>> net = mc.read_bif(text)
>>> print(net.cod)
Rain ⊗ Wet
>>> mc.marginal(net, ["Wet"]).array.round(2).tolist()
[0.76, 0.24]
"""

from __future__ import annotations

import heapq
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from . import backends
from ._compile import contraction_cost, evaluate, network
from ._config import config
from ._diagram import Diagram
from ._errors import BifFormatError, InvalidObjectError, MemoryLimitError, TypeMismatchError
from ._kernel import Kernel
from ._objects import I, Obj, product
from ._program import program

_PUNCT = frozenset("{}()[],;|")
_TOKEN = re.compile(r'[{}()\[\],;|]|"[^"\n]*"|[^\s{}()\[\],;|"]+|"')
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_BARE = re.compile(r'[^\s{}()\[\],;|"]+')


# ---- tokens -----------------------------------------------------------------------------
class _Tokens:
    """The token list of a BIF text; line numbers are computed only for error messages."""

    def __init__(self, text: str) -> None:
        text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
        start = text.find("/*")
        if start >= 0:
            raise BifFormatError(
                f"BIF line {text.count(chr(10), 0, start) + 1}: a /* comment is never closed"
            )
        self.text = text
        self.toks: list[str] = _TOKEN.findall(text)
        self.pos = 0

    def line(self, k: int) -> int:
        """The line of token ``k`` (1-based); past the end, the last line."""
        for n, m in enumerate(_TOKEN.finditer(self.text)):
            if n == k:
                return self.text.count("\n", 0, m.start()) + 1
        return self.text.count("\n") + 1

    def error(self, msg: str, k: int | None = None) -> BifFormatError:
        k = self.pos if k is None else k
        return BifFormatError(f"BIF line {self.line(k)}: {msg}")

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, what: str) -> str:
        tok = self.peek()
        if tok is None:
            raise self.error(f"expected {what}, but the file ends")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        got = self.take(repr(tok))
        if got != tok:
            raise self.error(f"expected {tok!r}, given {got!r}", self.pos - 1)

    def name(self, what: str) -> str:
        tok = self.take(what)
        if tok in _PUNCT or tok == '"':
            raise self.error(f"expected {what}, given {tok!r}", self.pos - 1)
        return tok[1:-1] if tok.startswith('"') else tok

    def names_until(self, end: str, what: str) -> list[str]:
        """Comma-separated names up to (and consuming) ``end``."""
        out: list[str] = []
        while True:
            out.append(self.name(what))
            tok = self.take(f"',' or {end!r}")
            if tok == end:
                return out
            if tok != ",":
                raise self.error(f"expected ',' or {end!r}, given {tok!r}", self.pos - 1)

    def numbers(self) -> tuple[list[str], int]:
        """The number tokens up to the next ';' (commas optional), and the first's index."""
        start = self.pos
        try:
            end = self.toks.index(";", start)
        except ValueError:
            raise self.error("expected numbers ending with ';', but the file ends") from None
        nums = [t for t in self.toks[start:end] if t != ","]
        self.pos = end + 1
        return nums, start

    def skip_statement(self) -> None:
        """Skip a ``property …;`` statement."""
        try:
            self.pos = self.toks.index(";", self.pos) + 1
        except ValueError:
            raise self.error("expected ';' after property, but the file ends") from None


# ---- parsed network ---------------------------------------------------------------------
@dataclass
class _Variable:
    name: str
    states: list[str]
    tok: int


@dataclass
class _Block:
    child: str
    parents: list[str]
    tok: int
    table: tuple[list[str], int] | None = None
    default: tuple[list[str], int] | None = None
    rows: list[tuple[list[str], list[str], int]] = field(default_factory=list)


def _parse(t: _Tokens) -> tuple[list[_Variable], list[_Block]]:
    variables: list[_Variable] = []
    blocks: list[_Block] = []
    while t.peek() is not None:
        k = t.pos
        word = t.take("a block")
        if word == "network":
            if t.peek() != "{":
                t.name("a network name")
            _skip_braces(t)
        elif word == "variable":
            variables.append(_variable(t, k))
        elif word == "probability":
            blocks.append(_probability(t, k))
        else:
            raise t.error(f"expected 'network', 'variable' or 'probability', given {word!r}", k)
    return variables, blocks


def _skip_braces(t: _Tokens) -> None:
    t.expect("{")
    depth = 1
    while depth:
        tok = t.take("'}'")
        depth += (tok == "{") - (tok == "}")


def _variable(t: _Tokens, k: int) -> _Variable:
    name = t.name("a variable name")
    t.expect("{")
    states: list[str] | None = None
    while (tok := t.take("'type', 'property' or '}'")) != "}":
        if tok == "property":
            t.skip_statement()
        elif tok == "type":
            kind = t.name("'discrete'")
            if kind != "discrete":
                raise t.error(
                    f"variable {name!r}: only discrete variables are supported, given {kind!r}",
                    t.pos - 1,
                )
            t.expect("[")
            n_tok = t.pos
            count = t.name("the number of outcomes")
            t.expect("]")
            t.expect("{")
            states = t.names_until("}", f"an outcome of {name!r}")
            t.expect(";")
            if not count.isdigit() or int(count) != len(states):
                raise t.error(
                    f"variable {name!r} declares [ {count} ] outcomes but lists "
                    f"{len(states)}: {states}",
                    n_tok,
                )
        else:
            raise t.error(
                f"variable {name!r}: expected 'type' or 'property', given {tok!r}", t.pos - 1
            )
    if states is None:
        raise t.error(f"variable {name!r} has no 'type discrete [ n ] {{ … }};' line", k)
    return _Variable(name, states, k)


def _probability(t: _Tokens, k: int) -> _Block:
    t.expect("(")
    child = t.name("a variable name")
    parents: list[str] = []
    tok = t.take("'|' or ')'")
    if tok in ("|", ","):
        parents = t.names_until(")", f"a parent of {child!r}")
    elif tok != ")":
        raise t.error(f"expected '|' or ')', given {tok!r}", t.pos - 1)
    block = _Block(child, parents, k)
    t.expect("{")
    while (tok := t.take("a table row or '}'")) != "}":
        if tok == "property":
            t.skip_statement()
        elif tok == "table":
            block.table = t.numbers()
        elif tok == "default":
            block.default = t.numbers()
        elif tok == "(":
            block.rows.append(_row(t, child))
        else:
            raise t.error(
                f"probability of {child!r}: expected 'table', 'default', '(' or '}}', "
                f"given {tok!r}",
                t.pos - 1,
            )
    return block


def _row(t: _Tokens, child: str) -> tuple[list[str], list[str], int]:
    """A row ``( a, b ) p1, p2, … ;`` after its '(' (a fast path for the common layout)."""
    toks, start = t.toks, t.pos
    try:
        close = toks.index(")", start)
        semi = toks.index(";", close)
    except ValueError:
        close = semi = -1
    cfg, seps = toks[start:close:2], toks[start + 1 : close : 2]
    nums, commas = toks[close + 1 : semi : 2], toks[close + 2 : semi : 2]
    if (
        close < 0
        or len(cfg) != len(seps) + 1
        or seps.count(",") != len(seps)
        or not _PUNCT.isdisjoint(cfg)
        or '"' in "".join(cfg)
        or commas.count(",") != len(commas)
        or "," in nums
    ):  # the general path, with its precise error messages
        cfg = t.names_until(")", f"an outcome of a parent of {child!r}")
        nums, _ = t.numbers()
        return cfg, nums, start - 1
    t.pos = semi + 1
    return cfg, nums, start - 1


# ---- tables -----------------------------------------------------------------------------
def _values(t: _Tokens, nums: list[str], k: int, n: int, what: str, num: type) -> Any:
    if len(nums) != n:
        raise t.error(f"{what}: expected {n} probabilities, given {len(nums)}", k)
    try:
        vals = np.array(nums, dtype=np.float64)
    except ValueError:
        bad = next(x for x in nums if not _is_number(x))
        raise t.error(f"{what}: expected a number, given {bad!r}", k) from None
    if num is Fraction:
        return np.array(
            [Fraction(x) if math.isfinite(float(x)) else float(x) for x in nums], dtype=object
        )
    return vals


def _is_number(x: str) -> bool:
    try:
        float(x)
    except ValueError:
        return False
    return True


def _table(
    t: _Tokens, block: _Block, cards: list[int], states: list[dict[str, int]], num: type
) -> tuple[np.ndarray, np.ndarray]:
    """The table with axes (parents…, child), and the token index of each row."""
    what = (
        f"probability ( {block.child}{' | ' + ', '.join(block.parents) if block.parents else ''} )"
    )
    shape = tuple(cards)
    n_rows = int(np.prod(shape[:-1], dtype=np.int64))
    dtype = object if num is Fraction else np.float64
    arr = np.zeros((n_rows, shape[-1]), dtype=dtype)
    where = np.full(n_rows, -1, dtype=np.int64)
    if block.table is not None:
        nums, k = block.table
        arr[:] = _values(t, nums, k, n_rows * shape[-1], what, num).reshape(arr.shape)
        where[:] = k
    if block.default is not None:
        nums, k = block.default
        row = _values(t, nums, k, shape[-1], f"{what} default", num)
        missing = where < 0
        arr[missing] = row
        where[missing] = k
    strides = [int(np.prod(shape[i + 1 : -1], dtype=np.int64)) for i in range(len(shape) - 1)]
    card = shape[-1]
    rs = np.empty(len(block.rows), dtype=np.int64)
    for n, (config_, nums, k) in enumerate(block.rows):
        if len(config_) != len(block.parents) or len(nums) != card:
            raise t.error(
                f"{what}: a row names {len(config_)} parent outcome(s) and {len(nums)} "
                f"probabilities, expected {len(block.parents)} and {card}: {config_}",
                k,
            )
        r = 0
        for i, s in enumerate(config_):
            j = states[i].get(s)
            if j is None:
                raise t.error(
                    f"{what}: unknown outcome {s!r} of {block.parents[i]!r}; expected one of "
                    f"{list(states[i])}",
                    k,
                )
            r += j * strides[i]
        rs[n] = r
    if block.rows:
        first = np.unique(rs, return_index=True)[1]
        if len(first) != len(rs):
            n = int(min(set(range(len(rs))) - set(first.tolist())))
            raise t.error(
                f"{what}: the row {tuple(block.rows[n][0])} is given twice", block.rows[n][2]
            )
        flat = [x for _, nums, _ in block.rows for x in nums]
        try:
            vals = _values(t, flat, block.tok, len(flat), what, num)
        except BifFormatError:
            for _, nums, k in block.rows:  # find the row with the bad number
                _values(t, nums, k, card, what, num)
            raise
        arr[rs] = vals.reshape(len(rs), card)
        where[rs] = [k for _, _, k in block.rows]
    if (where < 0).any():
        r = int(np.argmax(where < 0))
        idx = np.unravel_index(r, shape[:-1])
        outcomes = tuple(list(states[i])[j] for i, j in enumerate(idx))
        raise t.error(f"{what}: no row for the parent outcomes {outcomes}", block.tok)
    return arr.reshape(shape), where


def _normalise(t: _Tokens, arr: np.ndarray, where: np.ndarray, what: str) -> np.ndarray:
    rows = arr.reshape(-1, arr.shape[-1])
    as_float = rows.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(as_float).all(axis=1) | (as_float < 0).any(axis=1))
    sums = rows.sum(axis=1)
    dev = np.abs(as_float.sum(axis=1) - 1.0)
    if bad.size:
        i = int(bad[0])
        raise t.error(
            f"{what}: probabilities must be finite and >= 0, given {rows[i].tolist()}",
            int(where[i]),
        )
    if dev.size and dev.max() > config.row_atol:
        i = int(np.argmax(dev > config.row_atol))
        raise t.error(
            f"{what}: the row sums to {float(sums[i]):.10g}, expected 1 within "
            f"mc.config.row_atol = {config.row_atol:g}",
            int(where[i]),
        )
    if arr.dtype == object:
        return (rows / sums[:, None]).reshape(arr.shape)
    # rows already 1 up to rounding stay as written, so that reading is idempotent
    scale = np.where(dev > 1e-12, sums, 1.0)
    return (rows / scale[:, None]).reshape(arr.shape)


# ---- the diagram ------------------------------------------------------------------------
def bayesian_network(kernels: Sequence[Kernel]) -> Diagram:
    """The joint state of a Bayesian network given by one kernel per variable.

    Each kernel maps the product of its parents (``mc.I`` for a root) to one variable; a
    parent is the codomain of another kernel in the list. The result is the diagram
    ``I → X1 ⊗ … ⊗ Xn`` (variables in the order of ``kernels``) that samples each variable
    from its kernel and copies it to its children; it is never evaluated to the joint.

    >>> import markovcat as mc
    >>> R, W = mc.Obj("Rain", 2), mc.Obj("Wet", 2)
    >>> rain = mc.state(R, [0.8, 0.2], name="Rain")
    >>> wet = mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")
    >>> net = mc.bayesian_network([wet, rain])  # factors in list order: Wet ⊗ Rain
    >>> net.array.round(2).tolist()
    [[0.72, 0.04], [0.08, 0.16]]
    """
    try:
        kernels = list(kernels)
    except TypeError:
        raise TypeMismatchError(
            f"mc.bayesian_network: expected a list of kernels, given {type(kernels).__name__}"
        ) from None
    where: dict[Obj, int] = {}
    for i, k in enumerate(kernels):
        if not isinstance(k, Diagram) or len(k.cod.factors) != 1:
            raise TypeMismatchError(
                f"mc.bayesian_network: kernel {i} must map its parents to one variable, "
                f"given {getattr(k, 'dom', type(k).__name__)} → {getattr(k, 'cod', '?')}"
            )
        if k.cod in where:
            raise TypeMismatchError(
                f"mc.bayesian_network: the variable {k.cod} is the codomain of kernels "
                f"{where[k.cod]} and {i}"
            )
        where[k.cod] = i  # type: ignore[index]
    parents = []
    for i, k in enumerate(kernels):
        missing = [f.name for f in k.dom.factors if f not in where]
        if missing:
            raise TypeMismatchError(
                f"mc.bayesian_network: kernel {i} ({k.cod}) has parents {missing} that no "
                "kernel in the list produces"
            )
        parents.append([where[f] for f in k.dom.factors])
    return _joint(kernels, parents)


def _topological(parents: list[list[int]]) -> list[int]:
    """File order where possible (Kahn's algorithm, smallest index first); a cycle gives
    the variables left over, negated by convention as ``[-1, *left]``."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    waiting = [len(set(ps)) for ps in parents]
    for v, ps in enumerate(parents):
        for p in set(ps):
            children[p].append(v)
    ready = [v for v in range(n) if waiting[v] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        v = heapq.heappop(ready)
        order.append(v)
        for c in children[v]:
            waiting[c] -= 1
            if waiting[c] == 0:
                heapq.heappush(ready, c)
    if len(order) < n:
        return [-1, *sorted(set(range(n)) - set(order))]
    return order


def _joint(kernels: list[Kernel], parents: list[list[int]]) -> Diagram:
    """The joint state: each kernel applied, in a topological order, to its parents' wires
    (``@mc.program`` copies a wire read twice), factors in list order."""
    order = _topological(parents)
    if order and order[0] == -1:
        names = [str(kernels[v].cod) for v in order[1:]]
        raise TypeMismatchError(f"mc.bayesian_network: the parents form a cycle among {names}")

    @program(I, product(*(k.cod for k in kernels)))
    def network() -> tuple:  # traced: wires, not values
        wire: dict[int, Any] = {}
        for v in order:
            wire[v] = kernels[v](*(wire[p] for p in parents[v]))
        return tuple(wire[v] for v in range(len(kernels)))

    return network


# ---- reading ----------------------------------------------------------------------------
def _text(path_or_text: str | os.PathLike) -> str:
    if isinstance(path_or_text, os.PathLike):
        return Path(path_or_text).read_text()
    if not isinstance(path_or_text, str):
        raise BifFormatError(
            f"mc.read_bif: expected a path or the BIF text, given {type(path_or_text).__name__}"
        )
    if "{" in path_or_text or "\n" in path_or_text:
        return path_or_text
    try:
        return Path(path_or_text).read_text()
    except OSError as exc:
        raise BifFormatError(
            f"mc.read_bif: {path_or_text!r} is neither BIF text nor a readable file ({exc})"
        ) from None


def read_bif(path_or_text: str | os.PathLike, *, backend: str | None = None) -> Diagram:
    """A Bayesian network in BIF format as its joint state ``I → X1 ⊗ … ⊗ Xn``.

    ``path_or_text`` is a path or the BIF text itself (a string with a ``{`` or a newline).
    The factors are the variables in file order, named after them, with their outcome
    labels (strings); each conditional table becomes a kernel from the variable's parents,
    named after the variable, and the diagram copies wires to children — it is never
    evaluated to the joint. Rows within ``mc.config.row_atol`` of summing to 1 are divided
    by their sum. ``backend="jax"`` puts the tables on JAX; ``backend="sympy"`` reads each
    probability as the exact decimal it spells and renormalises exactly.
    Malformed input raises :class:`BifFormatError` with the line number.

    >>> import markovcat as mc
    >>> net = mc.read_bif("variable A { type discrete [ 2 ] { t, f }; }"
    ...                   "probability ( A ) { table 0.3, 0.7; }")
    >>> net.cod.outcomes, net.array.tolist()
    (('t', 'f'), [0.3, 0.7])
    """
    t = _Tokens(_text(path_or_text))
    variables, blocks = _parse(t)
    num = _NUMBER_TYPE.get(backend or "numpy", float)
    objs: list[Obj] = []
    index: dict[str, int] = {}
    for var in variables:
        if var.name in index:
            raise t.error(f"the variable {var.name!r} is declared twice", var.tok)
        try:
            objs.append(Obj(var.name, tuple(var.states)))
        except InvalidObjectError as exc:
            raise t.error(str(exc), var.tok) from None
        index[var.name] = len(objs) - 1
    lookup = [{s: i for i, s in enumerate(var.states)} for var in variables]
    tables: list[Any] = [None] * len(objs)
    parents: list[list[int]] = [[] for _ in objs]
    for b in blocks:
        for name in (b.child, *b.parents):
            if name not in index:
                raise t.error(f"probability ( {b.child} … ): unknown variable {name!r}", b.tok)
        v = index[b.child]
        if tables[v] is not None:
            raise t.error(f"the table of {b.child!r} is given twice", b.tok)
        ps = [index[p] for p in b.parents]
        if len(set(ps)) != len(ps) or v in ps:
            raise t.error(
                f"probability ( {b.child} | … ): a parent is repeated or the variable itself", b.tok
            )
        cards = [len(variables[p].states) for p in ps] + [len(variables[v].states)]
        arr, where = _table(t, b, cards, [lookup[p] for p in ps] + [lookup[v]], num)
        tables[v] = _normalise(t, arr, where, f"probability ( {b.child} … )")
        parents[v] = ps
    for v, tab in enumerate(tables):
        if tab is None:
            raise t.error(
                f"the variable {objs[v].name!r} has no probability block", variables[v].tok
            )
    order = _topological(parents)
    if order and order[0] == -1:
        names = [objs[v].name for v in order[1:]]
        first = min(b.tok for b in blocks if index[b.child] in order[1:])
        raise t.error(f"the parents form a cycle among {names}", first)
    kernels = []
    for v, tab in enumerate(tables):
        arr = backends.asarray(tab)
        if backend is not None:
            arr = backends.convert(arr, backend)
        dom = product(*(objs[p] for p in parents[v]))
        kernels.append(Kernel._trusted(dom, objs[v], arr, objs[v].name))
    return _joint(kernels, parents)


#: How each backend reads a probability: exact decimals for sympy, floats otherwise.
_NUMBER_TYPE: dict[str, type] = {"sympy": Fraction}


# ---- writing ----------------------------------------------------------------------------
def structure(state: Diagram) -> tuple[list[Obj], list[list[int]], list[Kernel]] | None:
    """``(variables, parents, kernels)`` when ``state``'s tensor network is a Bayesian
    network over its codomain factors (one kernel per factor, no hidden wires), else None.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.5, 0.5])
    >>> [v.name for v in structure(p >> mc.copy(mc.Bool) >> (mc.identity(mc.Bool) @ mc.kernel(mc.Bool, mc.Obj("Y", 2), [[1, 0], [0, 1]])))[0]]
    ['Bool', 'Y']
    """
    net = network(state)
    if state.dom != I or len(set(net.cod_wires)) != len(net.cod_wires):
        return None
    var_of = {w: i for i, w in enumerate(net.cod_wires)}
    producer: dict[int, int] = {}
    parents: list[list[int]] = [[] for _ in net.cod_wires]
    kernels: list[Any] = [None] * len(net.cod_wires)
    for leaf, idx in zip(net.leaves, net.indices, strict=True):
        if len(leaf.cod.factors) != 1 or idx[-1] not in var_of:
            return None
        v = var_of[idx[-1]]
        ps = [var_of.get(w, -1) for w in idx[:-1]]
        if -1 in ps or len(set(ps)) != len(ps):
            return None
        producer[idx[-1]] = v
        parents[v] = ps
        kernels[v] = leaf
    if len(producer) != len(net.cod_wires):
        return None
    return list(state.cod.factors), parents, kernels


def _label(s: Any, what: str) -> str:
    s = str(s)
    if _BARE.fullmatch(s):
        return s
    if '"' in s or "\n" in s or "//" in s or "/*" in s or not s:
        raise BifFormatError(f"mc.write_bif: {what} {s!r} cannot be written in BIF")
    return f'"{s}"'


def _chain(state: Diagram) -> tuple[list[Obj], list[list[int]], list[np.ndarray]]:
    """The chain factorisation X1, X2 | X1, … of a plain joint state (built densely)."""
    if contraction_cost(state)["largest"] > config.max_elements:
        raise MemoryLimitError(
            f"mc.write_bif: {state.cod} is not given as a Bayesian network, and its chain "
            f"factorisation needs the joint of {state.cod.size:,} entries, over "
            f"mc.config.max_elements = {config.max_elements:,}"
        )
    joint = backends.convert(evaluate(state).table, "numpy")
    factors = list(state.cod.factors)
    n = len(factors)
    tables = []
    for k in range(n):
        head = joint.sum(axis=tuple(range(k + 1, n))) if k + 1 < n else joint
        parent = head.sum(axis=-1, keepdims=True)
        own = joint.sum(axis=tuple(i for i in range(n) if i != k))
        with np.errstate(divide="ignore", invalid="ignore"):
            cond = np.where(parent > 0, head / np.where(parent > 0, parent, 1.0), own)
        tables.append(cond)
    return factors, [list(range(k)) for k in range(n)], tables


def write_bif(state: Diagram, path: str | os.PathLike | None = None) -> str:
    """Write a joint state as a BIF network; returns the text (also written to ``path``).

    A state whose diagram is a Bayesian network over its factors — anything from
    :func:`read_bif` or :func:`bayesian_network` — is written with its own parents and
    tables. Any other state ``I → X1 ⊗ … ⊗ Xn`` is written as the chain factorisation
    ``X1, X2 | X1, …, Xn | X1 … Xn-1`` computed from its joint (which must fit in
    ``mc.config.max_elements``); rows of probability 0 hold the variable's marginal.
    Outcomes are written with ``str``, so they read back as strings; probabilities are
    written with ``repr`` and read back exactly.

    >>> import markovcat as mc
    >>> print(mc.write_bif(mc.state(mc.Obj("A", ("t", "f")), [0.25, 0.75])))
    network unknown {
    }
    variable A {
      type discrete [ 2 ] { t, f };
    }
    probability ( A ) {
      table 0.25, 0.75;
    }
    <BLANKLINE>
    """
    if not isinstance(state, Diagram) or state.dom != I:
        raise TypeMismatchError(
            f"mc.write_bif: expected a state I → X1 ⊗ … ⊗ Xn, given "
            f"{getattr(state, 'dom', type(state).__name__)} → {getattr(state, 'cod', '?')}"
        )
    found = structure(state)
    if found is not None:
        factors, parents, kernels = found
        tables = [backends.convert(k.table, "numpy") for k in kernels]
    else:
        factors, parents, tables = _chain(state)
    names = [_label(f.name, "the variable name") for f in factors]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise BifFormatError(
            f"mc.write_bif: the variable name {dup!r} is used twice; BIF needs unique names"
        )
    labels = []
    for f in factors:
        ls = [_label(v, f"an outcome of {f.name!r}") for v in f.values]
        if len(set(ls)) != len(ls):
            raise BifFormatError(
                f"mc.write_bif: the outcomes of {f.name!r} are not distinct as text: {ls}"
            )
        labels.append(ls)
    out = ["network unknown {", "}"]
    for name, ls in zip(names, labels, strict=True):
        out += [f"variable {name} {{", f"  type discrete [ {len(ls)} ] {{ {', '.join(ls)} }};", "}"]
    for v, name in enumerate(names):
        ps = parents[v]
        table = np.asarray(tables[v], dtype=np.float64)
        if not ps:
            out += [
                f"probability ( {name} ) {{",
                f"  table {', '.join(map(repr, table.tolist()))};",
                "}",
            ]
            continue
        out.append(f"probability ( {name} | {', '.join(names[p] for p in ps)} ) {{")
        rows = table.reshape(-1, table.shape[-1]).tolist()
        for r, idx in enumerate(np.ndindex(*table.shape[:-1])):
            cfg = ", ".join(labels[p][j] for p, j in zip(ps, idx, strict=True))
            out.append(f"  ({cfg}) {', '.join(map(repr, rows[r]))};")
        out.append("}")
    text = "\n".join(out) + "\n"
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeMismatchError(f"mc.write_bif: expected a file path, given {path!r:.80}")
        Path(path).write_text(text)
    return text


__all__ = ["bayesian_network", "read_bif", "structure", "write_bif"]
