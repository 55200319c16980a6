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

from ._diagram import Box, Diagram, Par, Seq, _flat
from ._errors import TypeMismatchError, UninterpretedBoxError
from ._kernel import Kernel, kernel


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
    if not isinstance(diagram, Diagram):
        raise TypeMismatchError(f"mc.interpret expects a diagram, given {type(diagram).__name__}")
    if not isinstance(mapping, Mapping):
        raise TypeMismatchError(
            f"mc.interpret expects a dict {{box name: kernel or table}}, given "
            f"{type(mapping).__name__}"
        )
    cache: dict[str, Diagram] = {}

    def image(box: Box) -> Diagram:
        if box.name in cache:
            return cache[box.name]
        if box.name not in mapping:
            raise UninterpretedBoxError(
                f"mc.interpret: no value for box {box.name!r} : {box.dom} → {box.cod}; "
                f"the mapping has {sorted(mapping)}"
            )
        value = mapping[box.name]
        if not isinstance(value, Diagram):
            value = kernel(box.dom, box.cod, value, name=box.name)
        if value.dom != box.dom or value.cod != box.cod:
            raise TypeMismatchError(
                f"mc.interpret: box {box.name!r} has type {box.dom} → {box.cod}, but the "
                f"mapping gives {value.dom} → {value.cod}"
            )
        cache[box.name] = value
        return value

    def walk(d: Diagram) -> Diagram:
        if isinstance(d, Box):
            img = image(d)
            return img if isinstance(img, Box) else walk(img)
        if isinstance(d, (Seq, Par)):
            return type(d)(_flat(type(d), tuple(walk(p) for p in d.parts)))
        if backend is not None and isinstance(d, Kernel):
            return d.evaluate(backend)
        return d

    return walk(diagram)


def _has_box(d: Diagram) -> bool:
    if isinstance(d, Box):
        return True
    return isinstance(d, (Seq, Par)) and any(_has_box(p) for p in d.parts)
