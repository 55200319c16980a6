"""``mc.interpret``: the functor that replaces each symbolic box by a concrete kernel.

>>> import markovcat as mc
>>> f = mc.Box("f", mc.Bool, mc.Bool)
>>> d = mc.interpret(f >> f, {"f": [[0.0, 1.0], [1.0, 0.0]]})
>>> d.matrix.tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _dispatch
from ._diagram import Box, Diagram, Graph, Par, Seq, _flat
from ._errors import TypeMismatchError, UninterpretedBoxError
from ._kernel import Kernel, kernel
from ._objects import I, Object


def interpret(
    diagram: Diagram, mapping: Mapping[str, Any], *, backend: str | None = None
) -> Diagram:
    """Replace every ``Box`` named ``n`` by ``mapping[n]`` (a diagram of the same type or a
    table), keeping the structure. With ``backend=``, all kernels move to that backend.

    >>> import markovcat as mc
    >>> g = mc.Box("g", mc.I, mc.Bool)
    >>> mc.interpret(g, {"g": [0.3, 0.7]}, backend="sympy").array.tolist()
    [3/10, 7/10]
    """
    if (
        r := _dispatch.other("interpret", diagram, mapping, backend=backend)
    ) is not _dispatch.NOTHING:
        return r  # a mapping to Gaussian kernels (markovcat.gauss)
    if not isinstance(diagram, Diagram):
        raise TypeMismatchError(f"mc.interpret expects a diagram, given {type(diagram).__name__}")
    if not isinstance(mapping, Mapping):
        raise TypeMismatchError(
            f"mc.interpret expects a dict {{box name: kernel or table}}, given "
            f"{type(mapping).__name__}"
        )
    # keyed by the box's whole type: boxes that share a name but not a type are different
    # boxes, and each must match its mapping entry (never the first one's kernel reused)
    cache: dict[tuple[str, Object, Object], Diagram] = {}

    def image(box: Box) -> Diagram:
        key = (box.name, box.dom, box.cod)
        if key in cache:
            return cache[key]
        if box.name not in mapping:
            raise UninterpretedBoxError(
                f"mc.interpret: no value for box {box.name!r} : {box.dom} → {box.cod}; "
                f"the mapping has {sorted(mapping)}"
            )
        value = mapping[box.name]
        if not isinstance(value, Diagram):
            _check_shape(box, value)
            value = kernel(box.dom, box.cod, value, name=box.name)
        if value.dom != box.dom or value.cod != box.cod:
            raise TypeMismatchError(
                f"mc.interpret: box {box.name!r} has type {box.dom} → {box.cod}, but the "
                f"mapping gives {value.dom} → {value.cod}"
            )
        cache[key] = value
        return value

    # an explicit stack, children before parents: terms nested 10,000 deep are fine
    done: dict[int, Diagram] = {}
    open_boxes: set[int] = set()
    stack: list[tuple[Diagram, bool]] = [(diagram, False)]
    while stack:
        d, ready = stack.pop()
        if id(d) in done:
            continue
        if isinstance(d, Box):
            img = image(d)
            if isinstance(img, Box):
                done[id(d)] = img
            elif ready:
                done[id(d)] = done[id(img)]
                open_boxes.discard(id(d))
            elif id(d) in open_boxes:
                raise TypeMismatchError(
                    f"mc.interpret: box {d.name!r} is mapped to a diagram that contains it"
                )
            else:
                open_boxes.add(id(d))
                stack += [(d, True), (img, False)]
        elif isinstance(d, (Seq, Par, Graph)):
            parts = d.parts if isinstance(d, (Seq, Par)) else [step[0] for step in d.steps]
            if not ready:
                stack.append((d, True))
                stack += [(p, False) for p in parts]
            elif isinstance(d, Graph):
                done[id(d)] = d.with_steps([done[id(p)] for p in parts])
            else:
                done[id(d)] = type(d)(_flat(type(d), tuple(done[id(p)] for p in parts)))
        elif backend is not None and isinstance(d, Kernel):
            done[id(d)] = d.evaluate(backend)
        else:
            done[id(d)] = d
    return done[id(diagram)]


def _check_shape(box: Box, table: Any) -> None:
    """A table whose shape fits no table of the box's type is a type mismatch."""
    if isinstance(table, Mapping):
        return  # a dict's outcomes are checked by mc.kernel
    try:
        shape = tuple(np.shape(table))
    except (ValueError, TypeError):
        return  # ragged or odd: mc.kernel says what is wrong with it
    full = box.dom.shape + box.cod.shape
    fits = {full, (box.dom.size, box.cod.size)} | ({(box.cod.size,)} if box.dom == I else set())
    if shape not in fits:
        raise TypeMismatchError(
            f"mc.interpret: box {box.name!r} has type {box.dom} → {box.cod} (a table of shape "
            f"{full}), but the mapping gives a table of shape {shape}"
        )


def _has_box(d: Diagram) -> bool:
    if isinstance(d, Box):
        return True
    if isinstance(d, Graph):
        return any(_has_box(step[0]) for step in d.steps)
    return isinstance(d, (Seq, Par)) and any(_has_box(p) for p in d.parts)
