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

import gzip
import io
import math
import os
import re
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from .. import backends
from .._compile import contraction_cost, evaluate, network
from .._config import config
from .._diagram import Diagram
from .._errors import BifFormatError, InvalidObjectError, MemoryLimitError, TypeMismatchError
from .._kernel import Kernel
from .._objects import I, Obj, product
from ..models._bayesian_network import _joint, _topological
from ._bif_parse import _parse, _Tokens
from ._bif_tables import _normalise, _table

_SAFE = re.compile(r"[A-Za-z0-9_.+-]+")  # names written without quotes


# ---- reading ----------------------------------------------------------------------------
#: The most text a gzip-compressed BIF file may unpack to (a guard against gzip bombs).
MAX_GZIP_TEXT = 2**28


def _decode(data: bytes, source: str) -> str:
    """The text of a BIF file's bytes: gunzipped if it starts with gzip's magic bytes,
    UTF-8 (with or without a byte-order mark) where it is valid, else Latin-1."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                data = f.read(MAX_GZIP_TEXT + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise BifFormatError(
                f"mc.read_bif: {source} starts like a gzip file but cannot be unpacked ({exc})"
            ) from None
        if len(data) > MAX_GZIP_TEXT:
            raise MemoryLimitError(
                f"mc.read_bif: {source} unpacks to more than {MAX_GZIP_TEXT:,} bytes, "
                "expected a BIF text of at most that size"
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte is a Latin-1 character


def _text(path_or_text: str | bytes | os.PathLike) -> tuple[str, str | None]:
    """The BIF text, and the file it came from (None for text given directly)."""
    if isinstance(path_or_text, bytes):
        return _decode(path_or_text, "the given bytes"), None
    if isinstance(path_or_text, os.PathLike):
        path: str | os.PathLike = path_or_text
    elif not isinstance(path_or_text, str):
        raise BifFormatError(
            f"mc.read_bif: expected a path, the BIF text or its bytes, given "
            f"{type(path_or_text).__name__}"
        )
    elif "{" in path_or_text or "\n" in path_or_text:
        return path_or_text, None
    else:
        path = path_or_text
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a path with a null byte
        raise BifFormatError(
            f"mc.read_bif: {os.fsdecode(path)!r:.200} is neither BIF text nor a readable "
            f"file ({exc})"
        ) from None
    return _decode(data, repr(os.fsdecode(path))), os.fsdecode(path)


@overload
def read_bif(
    path_or_text: str | bytes | os.PathLike,
    *,
    backend: str | None = None,
    partial: Literal[False] = False,
) -> Diagram: ...
@overload
def read_bif(
    path_or_text: str | bytes | os.PathLike, *, backend: str | None = None, partial: Literal[True]
) -> dict[str, Kernel]: ...
def read_bif(
    path_or_text: str | bytes | os.PathLike, *, backend: str | None = None, partial: bool = False
) -> Diagram | dict[str, Kernel]:
    """A Bayesian network in BIF format as its joint state ``I → X1 ⊗ … ⊗ Xn``.

    ``path_or_text`` is a path, the BIF text itself (a string with a ``{`` or a newline),
    or the file's bytes. Files compressed with gzip (``.bif.gz``, as pgmpy ships them) are
    unpacked, recognised by their magic bytes; text that is not UTF-8 is read as Latin-1.
    The factors are the variables in file order, named after them, with their outcome
    labels (strings); each conditional table becomes a kernel from the variable's parents,
    named after the variable, and the diagram copies wires to children — it is never
    evaluated to the joint. Rows within ``mc.config.row_atol`` of summing to 1 are divided
    by their sum. ``backend="jax"`` puts the tables on JAX; ``backend="sympy"`` reads each
    probability as the exact decimal it spells (at most ``MAX_EXACT_DIGITS`` = 1000 digits
    and a decimal exponent within ±1000) and renormalises exactly.

    ``partial=True`` returns the conditional tables that the file gives, as a dict from
    variable name to kernel (parents → variable, in file order), without requiring every
    variable to have one or the parents to be acyclic; it never builds the network.

    Malformed input raises :class:`BifFormatError` with the line number (and the file);
    tables of more than ``mc.config.max_elements`` entries in all raise
    :class:`MemoryLimitError` before they are allocated.

    >>> import markovcat as mc
    >>> net = mc.read_bif("variable A { type discrete [ 2 ] { t, f }; }"
    ...                   "probability ( A ) { table 0.3, 0.7; }")
    >>> net.cod.outcomes, net.array.tolist()
    (('t', 'f'), [0.3, 0.7])
    >>> cpts = mc.read_bif("variable A { type discrete [ 2 ] { t f }; }"
    ...                    "variable B { type discrete [ 2 ] { t f }; }"
    ...                    "probability ( B A ) { table 0.1 0.6 0.9 0.4; }", partial=True)
    >>> {name: k.matrix.tolist() for name, k in cpts.items()}
    {'B': [[0.1, 0.9], [0.6, 0.4]]}
    """
    text, source = _text(path_or_text)
    t = _Tokens(text, source)
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
    total = 0
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
        size = math.prod(cards)
        total += size
        if total > config.max_elements >= size:  # a single table too large: _table says so
            raise MemoryLimitError(
                f"{t.at_line(t.line(b.tok))}probability ( {b.child} … ): with this table the "
                f"network has {total:,} entries in all, over mc.config.max_elements = "
                f"{config.max_elements:,}"
            )
        arr, where = _table(t, b, cards, [lookup[p] for p in ps] + [lookup[v]], num)
        tables[v] = _normalise(t, arr, where, f"probability ( {b.child} … )")
        parents[v] = ps
    if not partial:
        for v, tab in enumerate(tables):
            if tab is None:
                raise t.error(
                    f"the variable {objs[v].name!r} has no probability block (read the "
                    "tables that are there with partial=True)",
                    variables[v].tok,
                )
        order = _topological(parents)
        if order and order[0] == -1:
            names = [objs[v].name for v in order[1:]]
            first = min(b.tok for b in blocks if index[b.child] in order[1:])
            raise t.error(f"the parents form a cycle among {names}", first)
    kernels = {}
    for v, tab in enumerate(tables):
        if tab is None:
            continue
        arr = backends.asarray(tab)
        if backend is not None:
            arr = backends.convert(arr, backend)
        dom = product(*(objs[p] for p in parents[v]))
        kernels[v] = Kernel._trusted(dom, objs[v], arr, objs[v].name)
    if partial:
        return {objs[v].name: k for v, k in kernels.items()}
    return _joint([kernels[v] for v in range(len(objs))], parents)


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
    if _SAFE.fullmatch(s):  # other readers (pyAgrum) refuse '/' and more in bare names
        return s
    if '"' in s or "\n" in s or not s:  # BIF has no escapes: such a name cannot be quoted
        raise BifFormatError(
            f"mc.write_bif: {what} {s!r:.80} cannot be written in BIF: expected a non-empty "
            "name without double quotes or newlines"
        )
    return f'"{s}"'  # a quoted name may hold spaces, punctuation, // and /*


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


def write_bif(state: Diagram, path: str | os.PathLike | None = None) -> str | None:
    """Write a joint state as a BIF network to ``path``; without a path, return the text
    (as :func:`mc.save` does for JSON).

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
        if not isinstance(path, (str, os.PathLike)) or "\x00" in os.fsdecode(path):
            raise TypeMismatchError(f"mc.write_bif: expected a file path, given {path!r:.80}")
        Path(path).write_text(text)
        return None
    return text


__all__ = ["read_bif", "structure", "write_bif"]
