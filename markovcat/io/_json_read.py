"""Reading the JSON format: every field, label, table and node validated before it is built.

The reader checks each JSON object for missing and unknown fields, indices and counts for
their ranges, and tables for their shape; kernels are rebuilt with ``mc.kernel`` (so a
table that is not stochastic is refused) and exact entries through ``_sympy_codec``.
Everything malformed raises :class:`PersistenceError`; nothing is ever executed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backends
from .._diagram import Box, Copy, Delete, Diagram, Graph, Identity, Par, Seq, Swap
from .._errors import MarkovCatError, PersistenceError
from .._kernel import Kernel, kernel
from .._objects import Obj, Object, product
from ._sympy_codec import MAX_FUNCTIONS, decode_expr, scan_expr

_MAX_COPIES = 2**16
_MAX_WIRES = 2**20  # the wires of one structural node (copy, identity, swap, delete)


# ---- loading ----------------------------------------------------------------------------------
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
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # e.g. an exp tower that overflows while the rows are checked
            raise PersistenceError(
                f"mc.load: {label}: the table cannot be checked ({type(exc).__name__}: "
                f"{exc!s:.100})"
            ) from None

    def diagram(self, node: Any, where: str) -> Diagram:
        kind = node.get("type") if isinstance(node, dict) else None
        if not isinstance(kind, str) or kind not in _NODE_READERS:
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
    for i, r in enumerate(rows):  # a row's function count is bounded: its sum is simplified
        if sum(scan_expr(v, f"{where}[{i}][{j}]") for j, v in enumerate(r)) > MAX_FUNCTIONS:
            raise PersistenceError(
                f"mc.load: {where}[{i}]: more than {MAX_FUNCTIONS} function applications in one row"
            )
        for j, v in enumerate(r):
            out[i, j] = decode_expr(v, f"{where}[{i}][{j}]")
    return out, "sympy"


_TABLE_READERS = {"float64": _float_rows, "exact": _exact_rows}


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
    obj = r.obj(node["obj"], where)
    n = _int(node["n"], f"{where}.n", 2, _MAX_COPIES)
    if len(obj.factors) * n > _MAX_WIRES:  # its codomain would be a tuple of that many atoms
        raise PersistenceError(
            f"mc.load: {where}: copy of {len(obj.factors):,} factors {n:,} times has "
            f"{len(obj.factors) * n:,} output wires; at most {_MAX_WIRES:,} are read"
        )
    return Copy(obj, n)


def _read_graph(r: _Reader, node: dict[str, Any], where: str) -> Diagram:
    label = node["label"]
    if not isinstance(label, str):
        raise PersistenceError(f"mc.load: {where}.label: expected a str, given {label!r:.80}")
    if len(_list(node["wires"], f"{where}.wires")) > _MAX_WIRES:
        raise PersistenceError(f"mc.load: {where}: more than {_MAX_WIRES:,} wires")
    objs = r.obj(node["wires"], f"{where}.wires").factors
    top = len(objs) - 1

    def wires(x: Any, at: str) -> tuple[int, ...]:
        return tuple(_int(w, f"{at}[{k}]", 0, top) for k, w in enumerate(_list(x, at)))

    steps = []
    for k, step in enumerate(_list(node["steps"], f"{where}.steps")):
        at = f"{where}.steps[{k}]"
        if not isinstance(step, list) or len(step) != 3:
            raise PersistenceError(f"mc.load: {at}: expected [diagram, inputs, outputs]")
        steps.append(
            (r.diagram(step[0], at), wires(step[1], f"{at}[1]"), wires(step[2], f"{at}[2]"))
        )
    dom, cod = r.obj(node["dom"], f"{where}.dom"), r.obj(node["cod"], f"{where}.cod")
    inputs, outputs = (
        wires(node["inputs"], f"{where}.inputs"),
        wires(node["outputs"], f"{where}.outputs"),
    )
    try:
        return Graph(dom, cod, objs, inputs, tuple(steps), outputs, label)
    except MarkovCatError as exc:
        raise PersistenceError(f"mc.load: {where}: {exc}") from exc


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
    "graph": (("label", "dom", "cod", "wires", "inputs", "steps", "outputs"), _read_graph),
}
