"""``mc.interpret`` into Gauss: the same ``mc.Box`` diagram that can be interpreted by
stochastic matrices, interpreted by linear-Gaussian kernels.

A diagram's boxes have finite objects as types. The functor into Gauss sends each finite
object to a ``gauss.Real`` and each box to a Gaussian kernel. The object map is read off
the mapping: a box ``f : X ⊗ Y → Z`` mapped to a kernel ``R^2 ⊗ R^1 → R^3`` sends ``X``
to that kernel's first domain factor, and so on; entries ``{mc.Obj: gauss.Real}`` in the
mapping fix it explicitly (needed for objects that only structural maps touch). Copy,
delete, swap and identity go to their Gaussian versions; ``>>`` and ``@`` to Gaussian
composition and tensor, which evaluate as they go, so the image is one Gaussian kernel.

>>> import markovcat as mc
>>> from markovcat import gauss
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", mc.I, X)
>>> d = f >> mc.copy(X)
>>> R = gauss.Real("X")
>>> g = mc.interpret(d, {"f": gauss.state(R, 1.0, 2.0)})
>>> g.cov.tolist()
[[2.0, 2.0], [2.0, 2.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._diagram import Box, Copy, Delete, Diagram, Identity, Par, Seq, Swap
from .._errors import TypeMismatchError, UninterpretedBoxError
from .._objects import Obj
from . import _morphism as m
from ._objects import I, Real, space


def interpret(diagram: Any, mapping: Mapping[Any, Any], *, backend: str | None = None) -> Any:
    """The image of ``diagram`` under the functor given by ``mapping`` (box name →
    Gaussian kernel, optionally ``mc.Obj`` → ``gauss.Real``): one Gaussian kernel.

    >>> import markovcat as mc
    >>> from markovcat import gauss
    >>> X = mc.Obj("X", 2)
    >>> f = mc.Box("f", X, X)
    >>> R = gauss.Real("R")
    >>> mc.interpret(f >> f, {"f": gauss.kernel(R, R, 2.0, 1.0, 0.0)}).b.tolist()
    [3.0]
    """
    if not isinstance(diagram, Diagram):
        raise TypeMismatchError(f"mc.interpret expects a diagram, given {type(diagram).__name__}")
    objects: dict[Obj, Any] = {k: v for k, v in mapping.items() if isinstance(k, Obj)}
    for k, v in objects.items():
        if not isinstance(v, Real):
            raise TypeMismatchError(
                f"mc.interpret into Gauss: object {k} must map to a gauss.Real, given {v!r:.80}"
            )
    boxes: dict[str, m.GaussianKernel] = {}
    _collect(diagram, mapping, objects, boxes)

    def obj(o: Any) -> Any:
        out = []
        for f in o.factors:
            if f not in objects:
                raise TypeMismatchError(
                    f"mc.interpret into Gauss: no gauss.Real for object {f}; no box of the "
                    f"diagram fixes it, so add {{mc.Obj {f.name!r}: gauss.Real(...)}} to the mapping"
                )
            out.append(objects[f])
        return space(*out) if out else I

    def walk(d: Diagram) -> m.GaussianKernel:
        if hasattr(d, "expanded"):  # a long traced program kept as a graph
            return walk(d.expanded)
        if isinstance(d, Box):
            return boxes[d.name]
        if isinstance(d, Seq):
            out = walk(d.parts[0])
            for p in d.parts[1:]:
                out = out >> walk(p)
            return out
        if isinstance(d, Par):
            out = walk(d.parts[0])
            for p in d.parts[1:]:
                out = out @ walk(p)
            return out
        if isinstance(d, Identity):
            return m.identity(obj(d.obj))
        if isinstance(d, Copy):
            return m.copy(obj(d.obj), d.n)
        if isinstance(d, Delete):
            return m.delete(obj(d.obj))
        if isinstance(d, Swap):
            return m.swap(obj(d.left), obj(d.right))
        raise TypeMismatchError(
            f"mc.interpret into Gauss: {type(d).__name__} {d} is a finite kernel, not a box; "
            "only symbolic boxes and structural maps can be sent to Gaussian kernels"
        )

    out = walk(diagram)
    return out if backend is None else out.to(backend)


def _collect(
    d: Any, mapping: Mapping[Any, Any], objects: dict[Obj, Any], boxes: dict[str, Any]
) -> None:
    """Every box's kernel, checked against the box's type, and the object map it fixes."""
    if hasattr(d, "expanded"):
        d = d.expanded
    if isinstance(d, (Seq, Par)):
        for p in d.parts:
            _collect(p, mapping, objects, boxes)
        return
    if not isinstance(d, Box):
        return
    if d.name not in mapping:
        raise UninterpretedBoxError(
            f"mc.interpret: no value for box {d.name!r} : {d.dom} → {d.cod}; "
            f"the mapping has {sorted(k for k in mapping if isinstance(k, str))}"
        )
    k = mapping[d.name]
    if not isinstance(k, m.GaussianKernel):
        raise TypeMismatchError(
            f"mc.interpret into Gauss: box {d.name!r} must map to a Gaussian kernel, given "
            f"{type(k).__name__} (finite and Gaussian kernels do not mix in one image)"
        )
    for side, fin, gau in (("domain", d.dom, k.dom), ("codomain", d.cod, k.cod)):
        if len(fin.factors) != len(gau.factors):
            raise TypeMismatchError(
                f"mc.interpret: box {d.name!r} has {side} {fin} ({len(fin.factors)} factors), "
                f"but the mapping gives a Gaussian kernel with {side} {gau}"
            )
        for x, r in zip(fin.factors, gau.factors):
            if objects.setdefault(x, r) != r:
                raise TypeMismatchError(
                    f"mc.interpret: object {x} is sent to {objects[x]!r} by one box and to "
                    f"{r!r} by box {d.name!r}; an object has one image"
                )
    boxes[d.name] = k
