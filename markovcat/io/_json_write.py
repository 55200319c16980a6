"""Writing the JSON format: objects, kernels and diagrams as the tree that ``dumps`` stores.

Atoms and kernels are collected once each (a kernel used several times is stored once);
outcome labels, float64 tables and exact tables (through ``_sympy_codec``) become JSON
values. Anything the format cannot store raises :class:`PersistenceError`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backends
from .._diagram import Box, Copy, Delete, Diagram, Graph, Identity, Par, Seq, Swap
from .._errors import PersistenceError
from .._kernel import Kernel
from .._objects import Obj, Object, product
from .._walk import thread
from ..backends import ops
from ..drawing._layout import nesting_depth
from ._sympy_codec import encode_expr


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
                "kernels, identities, copies, deletes, swaps, their >> / @ composites and programs"
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
        out[idx] = encode_expr(v, what)
    return out


_TABLE_WRITERS: dict[str, tuple[str, Callable[[Any, str], np.ndarray]]] = {
    "numpy": ("float64", _float_table),
    "jax": ("float64", _float_table),
    "sympy": ("exact", _exact_table),
}


def _box(w: _Writer, d: Box) -> dict[str, Any]:
    if not isinstance(d.name, str):
        raise PersistenceError(f"mc.save: box {d.name!r} has a name that is not a str")
    return {"type": "box", "name": d.name, "dom": w.obj(d.dom), "cod": w.obj(d.cod)}


#: A term whose ``>>`` / ``@`` nesting is deeper than this is saved as the graph of its
#: generators (``{"type": "graph"}``: flat JSON, read back without recursion); it loads
#: as an equal morphism (``mc.free_equal``), bracketed as its layered term.
DEEP = 64


def flat_if_deep(d: Diagram) -> Diagram:
    """``d``, or its wiring graph where ``d`` nests deeper than :data:`DEEP` (iterative:
    depth 10,000 is fine)."""
    if nesting_depth(d) <= DEEP:
        return d
    objs = list(d.dom.factors)
    steps: list[tuple[Diagram, tuple[int, ...], tuple[int, ...]]] = []

    def apply(g: Diagram, wires: list[int]) -> list[int]:
        outs = list(range(len(objs), len(objs) + len(g.cod.factors)))
        objs.extend(g.cod.factors)
        steps.append((g, tuple(wires), tuple(outs)))
        return outs

    inputs = list(range(len(objs)))
    outputs = thread(d, inputs, apply)
    return Graph(d.dom, d.cod, tuple(objs), tuple(inputs), tuple(steps), tuple(outputs), "saved")


_NODE_WRITERS: dict[type, Callable[[_Writer, Any], dict[str, Any]]] = {
    Box: _box,
    Kernel: lambda w, d: w.kernel(d),
    Identity: lambda w, d: {"type": "identity", "obj": w.obj(d.obj)},
    Copy: lambda w, d: {"type": "copy", "obj": w.obj(d.obj), "n": d.n},
    Delete: lambda w, d: {"type": "delete", "obj": w.obj(d.obj)},
    Swap: lambda w, d: {"type": "swap", "left": w.obj(d.left), "right": w.obj(d.right)},
    Seq: lambda w, d: {"type": "seq", "parts": [w.diagram(p) for p in d.parts]},
    Par: lambda w, d: {"type": "par", "parts": [w.diagram(p) for p in d.parts]},
    Graph: lambda w, d: {
        "type": "graph",
        "label": d.label,
        "dom": w.obj(d.dom),
        "cod": w.obj(d.cod),
        "wires": w.obj(product(*d.objs)),
        "inputs": list(d.inputs),
        "steps": [[w.diagram(s), list(ins), list(outs)] for s, ins, outs in d.steps],
        "outputs": list(d.outputs),
    },
}
