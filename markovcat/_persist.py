"""Saving and loading objects, kernels and whole diagrams as versioned JSON (never pickle).

``mc.save(obj, path)`` writes one JSON document; ``mc.load(path)`` reads it back, validating
everything: an unknown format or version, a missing or unknown field, a table of the wrong
shape or one that is not stochastic, or a symbolic entry outside the whitelist below is
rejected with :class:`PersistenceError`. Loading never executes code: JSON is parsed by
:mod:`json`, and symbolic entries are rebuilt from a tree of whitelisted sympy constructors,
not by ``eval``, ``sympify`` or ``pickle``.

The format (version 1)::

    {
      "format": "markovcat", "version": 1,
      "kind": "object" | "kernel" | "diagram",
      "atoms": [{"name": "X", "outcomes": [label, ...]}, ...],
      "kernels": [{"name": str | null, "dom": [atom, ...], "cod": [atom, ...],
                   "backend": "numpy" | "jax" | "sympy", "encoding": "float64" | "exact",
                   "rows": [[entry, ...], ...]}, ...],
      "root": <object> | <diagram>
    }

- An *object* is the list of its atomic factors, as indices into ``atoms`` (``[]`` is
  ``mc.I``). A kernel used several times in a diagram is stored once and shared on loading.
- A *diagram* is a tree of nodes: ``{"type": "box", "name", "dom", "cod"}``,
  ``{"type": "kernel", "index"}``, ``{"type": "identity", "obj"}``,
  ``{"type": "copy", "obj", "n"}``, ``{"type": "delete", "obj"}``,
  ``{"type": "swap", "left", "right"}``, ``{"type": "seq" | "par", "parts": [...]}``.
- *Labels* (outcomes) are JSON strings, integers, booleans, ``null`` and finite numbers for
  ``str``, ``int``, ``bool``, ``None`` and ``float``; ``{"float": "nan" | "inf" | "-inf"}``
  for the others; ``{"tuple": [label, ...]}`` for tuples of labels. Nothing else is stored.
- *Rows*: the table as its ``(|dom|, |cod|)`` matrix, outcomes in lexicographic order.
  ``float64`` entries are JSON numbers written with Python's shortest round-trip ``repr``,
  so every float comes back bit for bit (JAX tables are stored as float64 too).
  ``exact`` entries are ``"p"`` or ``"p/q"`` strings for integers and rationals, or trees
  ``[head, arg, ...]`` with head ``Add``, ``Mul``, ``Pow``, ``exp``, ``log``, ``Abs``,
  ``Max``, ``Min``, ``sin``, ``cos``; ``["Symbol", name, {assumption: bool}]``;
  ``["Float", mantissa, exponent, precision]`` (exactly ``mantissa * 2**exponent``);
  ``["pi"]`` and ``["E"]``.

>>> import markovcat as mc
>>> from markovcat._persist import dumps, loads
>>> X = mc.Obj("X", ("a", "b"))
>>> f = mc.kernel(X, mc.Bool, [[0.1, 0.9], [1.0, 0.0]], name="f")
>>> g = loads(dumps(f >> mc.copy(mc.Bool)))
>>> str(g), g.parts[0].matrix.tolist()
('f >> copy(Bool)', [[0.1, 0.9], [1.0, 0.0]])
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from sympy.core.assumptions import _assume_defined

from . import backends
from ._diagram import Box, Copy, Delete, Diagram, Identity, Par, Seq, Swap
from ._errors import MarkovCatError, PersistenceError
from ._kernel import Kernel, kernel
from ._objects import Obj, Object, Product, product
from .backends import ops

FORMAT = "markovcat"
VERSION = 1

_FUNCTIONS: dict[str, Any] = {
    "Add": sympy.Add,
    "Mul": sympy.Mul,
    "Pow": sympy.Pow,
    "exp": sympy.exp,
    "log": sympy.log,
    "Abs": sympy.Abs,
    "Max": sympy.Max,
    "Min": sympy.Min,
    "sin": sympy.sin,
    "cos": sympy.cos,
}
_ARITY = {"Pow": (2, 2), "exp": (1, 1), "log": (1, 1), "Abs": (1, 1), "sin": (1, 1), "cos": (1, 1)}
_HEADS = {cls: head for head, cls in _FUNCTIONS.items()}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
_ASSUMPTIONS = frozenset(_assume_defined)
_NUMBER = re.compile(r"-?[0-9]{1,4000}(/[0-9]{1,4000})?")
_MAX_COPIES = 2**16
_MAX_EXPONENT = 10**5  # Float exponents and precisions beyond this are refused
_MAX_POWER_BITS = 4096  # a numeric power whose result would need more bits is refused


# ---- saving -----------------------------------------------------------------------------------
class _Writer:
    """Collects atoms and kernels (each stored once) while encoding the root."""

    def __init__(self) -> None:
        self.atoms: list[dict[str, Any]] = []
        self.atom_index: dict[str, int] = {}
        self.kernels: list[dict[str, Any]] = []
        self.kernel_index: dict[int, int] = {}
        self.keep_alive: list[Kernel] = []

    def obj(self, o: Object) -> list[int]:
        out = []
        for atom in o.factors:
            entry = {"name": atom.name, "outcomes": [_label(v, atom) for v in atom.values]}
            key = json.dumps(entry, sort_keys=True)
            if key not in self.atom_index:
                self.atom_index[key] = len(self.atoms)
                self.atoms.append(entry)
            out.append(self.atom_index[key])
        return out

    def diagram(self, d: Diagram) -> dict[str, Any]:
        encode = _NODE_WRITERS.get(type(d))
        if encode is None:
            raise PersistenceError(
                f"mc.save: cannot store {d!r} of type {type(d).__name__}; expected boxes, "
                "kernels, identities, copies, deletes, swaps and their >> / @ composites"
            )
        return encode(self, d)

    def kernel(self, k: Kernel) -> dict[str, Any]:
        if id(k) not in self.kernel_index:
            self.kernel_index[id(k)] = len(self.kernels)
            self.keep_alive.append(k)
            self.kernels.append(_kernel_entry(self, k))
        return {"type": "kernel", "index": self.kernel_index[id(k)]}


def _label(v: Any, atom: Obj) -> Any:
    t = type(v)
    if v is None or t in (str, bool, int):
        return v
    if t is float:
        return v if math.isfinite(v) else {"float": repr(v)}
    if t is tuple:
        return {"tuple": [_label(u, atom) for u in v]}
    raise PersistenceError(
        f"mc.save: object {atom.name!r} has the outcome {v!r} of type {t.__name__}; "
        "only str, int, float, bool, None and tuples of these can be stored"
    )


def _kernel_entry(w: _Writer, k: Kernel) -> dict[str, Any]:
    name = k.name
    what = f"kernel {name!r}" if name else f"a kernel {k.dom} → {k.cod}"
    if name is not None and not isinstance(name, str):
        raise PersistenceError(f"mc.save: {what} has a name that is not a str")
    if not ops.is_concrete(k.table):
        raise PersistenceError(
            f"mc.save: {what} holds a JAX tracer; save concrete kernels outside jit/grad/vmap"
        )
    backend = backends.name(k.table)
    encoding, encode = _TABLE_WRITERS[backend]
    rows = encode(k.table, what).reshape(k.dom.size, k.cod.size).tolist()
    return {
        "name": name,
        "dom": w.obj(k.dom),
        "cod": w.obj(k.cod),
        "backend": backend,
        "encoding": encoding,
        "rows": rows,
    }


def _float_table(table: Any, what: str) -> np.ndarray:
    arr = ops.to_numpy(table)
    if not np.isfinite(arr).all():
        raise PersistenceError(f"mc.save: {what} has non-finite entries")
    return arr


def _exact_table(table: Any, what: str) -> np.ndarray:
    arr = np.asarray(table, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = _expr(v, what)
    return out


_TABLE_WRITERS: dict[str, tuple[str, Callable[[Any, str], np.ndarray]]] = {
    "numpy": ("float64", _float_table),
    "jax": ("float64", _float_table),
    "sympy": ("exact", _exact_table),
}


def _expr(e: Any, what: str) -> Any:
    """A sympy expression as a JSON tree of whitelisted constructors."""
    if isinstance(e, sympy.Integer):
        return str(int(e))
    if isinstance(e, sympy.Rational):
        return f"{e.p}/{e.q}"
    if isinstance(e, sympy.Float):
        sign, man, exp, _ = e._mpf_
        return ["Float", -man if sign else man, exp, e._prec]
    if type(e) is sympy.Symbol:
        assumptions = getattr(e, "_assumptions_orig", None)
        if assumptions is None:  # pragma: no cover - sympy < 1.12
            assumptions = e.assumptions0
        return ["Symbol", e.name, {k: bool(v) for k, v in assumptions.items()}]
    for name, const in _CONSTANTS.items():
        if e is const:
            return [name]
    head = _HEADS.get(type(e))
    if head is None:
        raise PersistenceError(
            f"mc.save: {what} has the entry {e!r} ({type(e).__name__}), which the format "
            f"cannot store; supported: integers, rationals, Float, Symbol, pi, E and "
            f"{sorted(_FUNCTIONS)}"
        )
    return [head, *(_expr(a, what) for a in e.args)]


def _box(w: _Writer, d: Box) -> dict[str, Any]:
    if not isinstance(d.name, str):
        raise PersistenceError(f"mc.save: box {d.name!r} has a name that is not a str")
    return {"type": "box", "name": d.name, "dom": w.obj(d.dom), "cod": w.obj(d.cod)}


_NODE_WRITERS: dict[type, Callable[[_Writer, Any], dict[str, Any]]] = {
    Box: _box,
    Kernel: lambda w, d: w.kernel(d),
    Identity: lambda w, d: {"type": "identity", "obj": w.obj(d.obj)},
    Copy: lambda w, d: {"type": "copy", "obj": w.obj(d.obj), "n": d.n},
    Delete: lambda w, d: {"type": "delete", "obj": w.obj(d.obj)},
    Swap: lambda w, d: {"type": "swap", "left": w.obj(d.left), "right": w.obj(d.right)},
    Seq: lambda w, d: {"type": "seq", "parts": [w.diagram(p) for p in d.parts]},
    Par: lambda w, d: {"type": "par", "parts": [w.diagram(p) for p in d.parts]},
}


def dumps(obj: Object | Diagram) -> str:
    """The JSON text that :func:`save` writes.

    >>> import markovcat as mc
    >>> from markovcat._persist import dumps
    >>> dumps(mc.Bool)
    '{"format": "markovcat", "version": 1, "kind": "object", "atoms": [{"name": "Bool", "outcomes": [false, true]}], "kernels": [], "root": [0]}'
    """
    w = _Writer()
    root: Any
    if isinstance(obj, (Obj, Product)):
        kind, root = "object", w.obj(obj)
    elif isinstance(obj, Diagram):
        kind = "kernel" if isinstance(obj, Kernel) else "diagram"
        root = w.diagram(obj)
    else:
        raise PersistenceError(
            f"mc.save: expected an object (mc.Obj or a product), a kernel or a diagram, "
            f"given {type(obj).__name__}"
        )
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "atoms": w.atoms,
        "kernels": w.kernels,
        "root": root,
    }
    try:
        return json.dumps(doc, allow_nan=False)
    except ValueError as exc:  # e.g. an integer outcome beyond Python's str conversion limit
        raise PersistenceError(f"mc.save: cannot write {obj} as JSON ({exc})") from None


def save(obj: Object | Diagram, path: str | os.PathLike[str]) -> None:
    """Write an object, kernel or diagram to ``path`` as versioned JSON (see the module doc).

    >>> import markovcat as mc, tempfile, os
    >>> p = mc.state(mc.Bool, [0.25, 0.75], name="p")
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> mc.save(p, path)
    >>> mc.load(path).array.tolist()
    [0.25, 0.75]
    """
    text = dumps(obj)
    Path(_path(path, "save")).write_text(text, encoding="utf-8")


def _path(path: Any, fn: str) -> str | os.PathLike[str]:
    if not isinstance(path, (str, os.PathLike)):
        raise PersistenceError(
            f"mc.{fn}: expected a file path (str or os.PathLike), given {path!r}"
        )
    return path


# ---- loading ----------------------------------------------------------------------------------
def _reject_constant(token: str) -> None:
    raise PersistenceError(f"mc.load: {token} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise PersistenceError(f"mc.load: the key {k!r} appears twice in one JSON object")
        out[k] = v
    return out


def _fields(node: Any, where: str, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise PersistenceError(f"mc.load: {where}: expected a JSON object, given {node!r:.80}")
    missing = [k for k in required if k not in node]
    if missing:
        raise PersistenceError(f"mc.load: {where}: missing field(s) {missing}")
    extra = sorted(set(node) - set(required))
    if extra:
        raise PersistenceError(f"mc.load: {where}: unknown field(s) {extra}")
    return node


def _list(node: Any, where: str) -> list[Any]:
    if not isinstance(node, list):
        raise PersistenceError(f"mc.load: {where}: expected a JSON list, given {node!r:.80}")
    return node


def _int(node: Any, where: str, lo: int, hi: int) -> int:
    if type(node) is not int or not lo <= node <= hi:
        raise PersistenceError(
            f"mc.load: {where}: expected an integer in [{lo}, {hi}], given {node!r:.80}"
        )
    return node


class _Reader:
    def __init__(self, doc: dict[str, Any], backend: str | None) -> None:
        self.backend = backend
        self.atoms = [self._atom(a, i) for i, a in enumerate(_list(doc["atoms"], "atoms"))]
        self.kernels = [self._kernel(k, i) for i, k in enumerate(_list(doc["kernels"], "kernels"))]

    def _atom(self, node: Any, i: int) -> Obj:
        where = f"atoms[{i}]"
        node = _fields(node, where, ("name", "outcomes"))
        labels = _list(node["outcomes"], f"{where}.outcomes")
        values = tuple(_read_label(v, f"{where}.outcomes") for v in labels)
        try:
            return Obj(node["name"], values)
        except MarkovCatError as exc:
            raise PersistenceError(f"mc.load: {where}: {exc}") from exc

    def obj(self, node: Any, where: str) -> Object:
        idx = _list(node, where)
        return product(*(self.atoms[_int(i, where, 0, len(self.atoms) - 1)] for i in idx))

    def _kernel(self, node: Any, i: int) -> Kernel:
        where = f"kernels[{i}]"
        keys = ("name", "dom", "cod", "backend", "encoding", "rows")
        node = _fields(node, where, keys)
        name = node["name"]
        if name is not None and not isinstance(name, str):
            raise PersistenceError(f"mc.load: {where}.name: expected a str or null, given {name!r}")
        dom, cod = self.obj(node["dom"], f"{where}.dom"), self.obj(node["cod"], f"{where}.cod")
        if node["backend"] not in backends.NAMES:
            raise PersistenceError(
                f"mc.load: {where}.backend: expected one of {backends.NAMES}, "
                f"given {node['backend']!r}"
            )
        reader = _TABLE_READERS.get(node["encoding"]) if isinstance(node["encoding"], str) else None
        if reader is None:
            raise PersistenceError(
                f"mc.load: {where}.encoding: expected one of {sorted(_TABLE_READERS)}, "
                f"given {node['encoding']!r}"
            )
        rows = _list(node["rows"], f"{where}.rows")
        label = f"{where} ({name!r} : {dom} → {cod})" if name else f"{where} ({dom} → {cod})"
        if len(rows) != dom.size or any(
            not isinstance(r, list) or len(r) != cod.size for r in rows
        ):
            raise PersistenceError(
                f"mc.load: {label}: expected {dom.size} row(s) of {cod.size} entries"
            )
        table, default = reader(rows, f"{where}.rows")
        try:
            return kernel(dom, cod, table, backend=self.backend or default, name=name)
        except MarkovCatError as exc:  # the message names the kernel, its type and the row
            raise PersistenceError(f"mc.load: {where}: {exc}") from exc

    def diagram(self, node: Any, where: str) -> Diagram:
        if not isinstance(node, dict) or node.get("type") not in _NODE_READERS:
            raise PersistenceError(
                f"mc.load: {where}: expected a diagram node with a type in "
                f"{sorted(_NODE_READERS)}, given {node!r:.80}"
            )
        fields, build = _NODE_READERS[node["type"]]
        return build(self, _fields(node, where, ("type", *fields)), where)


def _read_label(v: Any, where: str) -> Any:
    if v is None or type(v) in (str, bool, int, float):
        return v
    if isinstance(v, dict) and set(v) == {"float"} and v["float"] in ("nan", "inf", "-inf"):
        return float(v["float"])
    if isinstance(v, dict) and set(v) == {"tuple"} and isinstance(v["tuple"], list):
        return tuple(_read_label(u, where) for u in v["tuple"])
    raise PersistenceError(f"mc.load: {where}: {v!r:.80} is not a stored outcome label")


def _float_rows(rows: list[list[Any]], where: str) -> tuple[np.ndarray, str]:
    for r in rows:
        for v in r:
            if type(v) not in (int, float):
                raise PersistenceError(
                    f"mc.load: {where}: expected JSON numbers in a float64 table, given {v!r:.80}"
                )
    try:
        return np.array(rows, dtype=np.float64).reshape(len(rows), -1), "numpy"
    except OverflowError:
        raise PersistenceError(f"mc.load: {where}: an entry is out of the float64 range") from None


def _exact_rows(rows: list[list[Any]], where: str) -> tuple[np.ndarray, str]:
    out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            out[i, j] = _read_expr(v, f"{where}[{i}][{j}]")
    return out, "sympy"


_TABLE_READERS = {"float64": _float_rows, "exact": _exact_rows}


def _read_expr(node: Any, where: str) -> sympy.Expr:
    """Rebuild a sympy expression from whitelisted constructors only; never eval or sympify."""
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
        return _CONSTANTS[head]
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
    parts = [_read_expr(a, f"{where}.{head}[{k}]") for k, a in enumerate(args)]
    if head == "Pow" and parts[0].is_Number and parts[1].is_Number:
        b = parts[0]
        bits = max(abs(b.p).bit_length(), b.q.bit_length()) if b.is_Rational else 64
        if abs(parts[1]) * bits > _MAX_POWER_BITS:
            raise PersistenceError(f"mc.load: {where}: the numeric power {node!r:.80} is too large")
    return _FUNCTIONS[head](*parts)


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


def _read_seq(r: _Reader, node: dict[str, Any], where: str) -> Diagram:
    parts = _parts(r, node, where, 1)
    for k in range(len(parts) - 1):
        if parts[k].cod != parts[k + 1].dom:
            raise PersistenceError(
                f"mc.load: {where}: part {k} ends in {parts[k].cod} but part {k + 1} "
                f"starts from {parts[k + 1].dom}"
            )
    return Seq(tuple(parts))


def _parts(r: _Reader, node: dict[str, Any], where: str, least: int) -> list[Diagram]:
    parts = _list(node["parts"], f"{where}.parts")
    if len(parts) < least:
        raise PersistenceError(f"mc.load: {where}: expected at least {least} part(s)")
    return [r.diagram(p, f"{where}.parts[{k}]") for k, p in enumerate(parts)]


def _read_box(r: _Reader, node: dict[str, Any], where: str) -> Diagram:
    try:
        return Box(node["name"], r.obj(node["dom"], where), r.obj(node["cod"], where))
    except MarkovCatError as exc:
        if isinstance(exc, PersistenceError):
            raise
        raise PersistenceError(f"mc.load: {where}: {exc}") from exc


def _read_copy(r: _Reader, node: dict[str, Any], where: str) -> Diagram:
    return Copy(r.obj(node["obj"], where), _int(node["n"], f"{where}.n", 2, _MAX_COPIES))


def _read_kernel(r: _Reader, node: dict[str, Any], where: str) -> Diagram:
    return r.kernels[_int(node["index"], f"{where}.index", 0, len(r.kernels) - 1)]


_NODE_READERS: dict[str, tuple[tuple[str, ...], Callable[[_Reader, Any, str], Diagram]]] = {
    "box": (("name", "dom", "cod"), _read_box),
    "kernel": (("index",), _read_kernel),
    "identity": (("obj",), lambda r, n, w: Identity(r.obj(n["obj"], w))),
    "copy": (("obj", "n"), _read_copy),
    "delete": (("obj",), lambda r, n, w: Delete(r.obj(n["obj"], w))),
    "swap": (("left", "right"), lambda r, n, w: Swap(r.obj(n["left"], w), r.obj(n["right"], w))),
    "seq": (("parts",), _read_seq),
    "par": (("parts",), lambda r, n, w: Par(tuple(_parts(r, n, w, 0)))),
}


def loads(text: str | bytes, *, backend: str | None = None) -> Object | Diagram:
    """Read the JSON text that :func:`dumps` writes (see :func:`load`).

    >>> import markovcat as mc
    >>> from markovcat._persist import dumps, loads
    >>> loads(dumps(mc.Bool @ mc.Obj("Y", 3))).shape
    (2, 3)
    """
    if backend is not None:
        backends.load(backend)
    try:
        doc = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except PersistenceError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8
        raise PersistenceError(f"mc.load: not a markovcat JSON file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise PersistenceError(f"mc.load: expected format {FORMAT!r}, given {found!r:.80}")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise PersistenceError(
            f"mc.load: this markovcat reads format version {VERSION}, given {version!r:.80}; "
            "a newer file needs a newer markovcat"
        )
    doc = _fields(doc, "the document", ("format", "version", "kind", "atoms", "kernels", "root"))
    kind = doc["kind"]
    if kind not in ("object", "kernel", "diagram"):
        raise PersistenceError(
            f"mc.load: kind: expected 'object', 'kernel' or 'diagram', given {kind!r:.80}"
        )
    try:
        reader = _Reader(doc, backend)
        if kind == "object":
            return reader.obj(doc["root"], "root")
        result = reader.diagram(doc["root"], "root")
    except RecursionError:
        raise PersistenceError("mc.load: the file nests too deeply") from None
    if (kind == "kernel") != isinstance(result, Kernel):
        raise PersistenceError(f"mc.load: kind {kind!r} does not match the root node")
    return result


def load(path: str | os.PathLike[str], *, backend: str | None = None) -> Object | Diagram:
    """Read an object, kernel or diagram written by :func:`save`, validating everything.

    Float tables (numpy and JAX ones alike) load as numpy float64, exact tables as sympy;
    ``backend=`` moves every kernel to that backend instead. Malformed or tampered files
    raise :class:`PersistenceError`; nothing in the file is ever executed.

    >>> import markovcat as mc, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> from pathlib import Path
    >>> _ = Path(path).write_text('{"format": "markovcat", "version": 99}')
    >>> try:
    ...     mc.load(path)
    ... except mc.PersistenceError as e:
    ...     print(type(e).__name__)
    PersistenceError
    """
    data = Path(_path(path, "load")).read_bytes()
    return loads(data, backend=backend)


__all__ = ["FORMAT", "VERSION", "dumps", "load", "loads", "save"]
