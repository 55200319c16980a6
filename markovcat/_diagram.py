"""String diagrams: immutable, hashable terms built from generators by ``>>`` and ``@``.

Generators are symbolic boxes, concrete kernels (see ``_kernel``), identities, n-ary
copies, deletes and swaps. Terms are type-checked when they are built and stay lazy:
``.array``, ``.matrix`` and every query compile them once (see ``_compile``) and cache.

>>> import markovcat as mc
>>> X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
>>> f, g = mc.Box("f", X, Y), mc.Box("g", Y, X)
>>> print(f >> mc.copy(Y) >> (g @ mc.identity(Y)))
f >> copy(Y) >> (g @ id(Y))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from ._config import check_tolerance
from ._errors import InvalidObjectError, MemoryLimitError, TypeMismatchError, UnknownOutcomeError
from ._objects import I, Obj, Object, Product, as_object, product
from ._seam import meaning
from .backends import ops

if TYPE_CHECKING:  # annotations only: no runtime import of the layer above
    from ._kernel import Kernel


def describe(d: Any, limit: int = 80) -> str:
    """A short label for error messages: the name, or the formula cut to ``limit`` chars.

    >>> import markovcat as mc
    >>> from markovcat._diagram import describe
    >>> describe(mc.Box("f", mc.Bool, mc.Bool) >> mc.copy(mc.Bool))
    'f >> copy(Bool)'
    """
    s = getattr(d, "name", None) or str(d)
    return s if len(s) <= limit else s[: limit - 3] + "..."


class Diagram:
    """Base of all morphisms: a term with a domain and a codomain.

    ``f >> g`` is "first f, then g"; ``g << f`` the same; ``f @ g`` runs them side by side.

    >>> import markovcat as mc
    >>> d = mc.copy(mc.Bool) >> (mc.identity(mc.Bool) @ mc.delete(mc.Bool))
    >>> isinstance(d, mc.Diagram), mc.allclose(d, mc.identity(mc.Bool))
    (True, True)
    """

    dom: Object
    cod: Object

    # ---- building terms --------------------------------------------------------------
    def __rshift__(self, other: Diagram) -> Diagram:
        if not isinstance(other, Diagram):
            raise _not_a_diagram(self, ">>", other)
        if self.cod != other.dom:
            raise TypeMismatchError(
                f"cannot compose {describe(self)} : {describe(self.dom)} → {describe(self.cod)} "
                f"with {describe(other)} : {describe(other.dom)} → {describe(other.cod)}: the "
                f"codomain of the first must equal the domain of the second"
            )
        return Seq(_flat(Seq, (self, other)))

    def __lshift__(self, other: Diagram) -> Diagram:
        if not isinstance(other, Diagram):
            raise _not_a_diagram(self, "<<", other)
        return other >> self

    def __matmul__(self, other: Diagram) -> Diagram:
        if not isinstance(other, Diagram):
            raise _not_a_diagram(self, "@", other)
        return Par(_flat(Par, (self, other)))

    def __call__(self, *wires: Any) -> Any:
        """Apply this morphism to wires inside an ``@mc.program`` function."""
        return meaning("apply")(self, wires)

    # ---- evaluation ---------------------------------------------------------------------
    def evaluate(self, backend: str | None = None) -> Kernel:
        """Compile to one concrete kernel (cached for the default backend); the kernel
        layer gives it its meaning, through the seam (:mod:`markovcat._seam`)."""
        return meaning("evaluate")(self, backend=backend)

    @property
    def array(self) -> Any:
        """The dense table, one axis per wire: shape ``(*dom.shape, *cod.shape)``."""
        return self.evaluate().table

    @property
    def matrix(self) -> Any:
        """The 2-D view ``(dom.size, cod.size)``, outcomes in lexicographic order."""
        return ops.reshape(self.array, (self.dom.size, self.cod.size))

    def to(self, backend: str) -> Kernel:
        """This morphism, evaluated, with its table on ``backend``."""
        return self.evaluate(backend=backend)

    def is_deterministic(self, atol: float = 1e-9) -> bool:
        """True when every row is a point mass (all entries 0 or 1)."""
        return ops.is_zero_one(self.array, check_tolerance(atol, "is_deterministic"))

    def draw(self, direction: str = "down") -> Any:
        """The string diagram as a drawing (SVG in notebooks; ``.to_tikz()`` for LaTeX)."""
        return meaning("draw")(self, direction)

    def to_tikz(self, direction: str = "down") -> str:
        """The string diagram as a TikZ picture."""
        return meaning("tikz")(self, direction)

    def _repr_html_(self) -> str:
        return meaning("html")(self)

    def _repr_svg_(self) -> str | None:
        return self.draw()._repr_svg_()


def _not_a_diagram(d: Diagram, op: str, other: Any) -> TypeMismatchError:
    return TypeMismatchError(
        f"{d!s:.60} {op} ...: expected a diagram or kernel on the right, "
        f"given {type(other).__name__} {other!r:.60}"
    )


def _flat(cls: type, parts: tuple[Diagram, ...]) -> tuple[Diagram, ...]:
    out: list[Diagram] = []
    for p in parts:
        out.extend(p.parts if isinstance(p, cls) else (p,))  # type: ignore[attr-defined]
    return tuple(out)


# ---- generators -------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Box(Diagram):
    """A symbolic generator with a name and a type, but no numbers.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Obj("X", 2), mc.Obj("Y", 2))
    >>> print(f), f.dom.name
    f
    (None, 'X')
    """

    name: str
    dom: Object
    cod: Object

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidObjectError(f"a box needs a non-empty str name, given {self.name!r}")
        as_object(self.dom, f"box {self.name!r} domain")
        as_object(self.cod, f"box {self.name!r} codomain")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Box({self.name!r}, {self.dom!r}, {self.cod!r})"


@dataclass(frozen=True, repr=False)
class Identity(Diagram):
    """The identity on an object (``mc.identity(X)``)."""

    obj: Object

    @property
    def dom(self) -> Object:  # type: ignore[override]
        return self.obj

    @property
    def cod(self) -> Object:  # type: ignore[override]
        return self.obj

    def __str__(self) -> str:
        return f"id({self.obj})"

    def __repr__(self) -> str:
        return f"identity({self.obj!r})"


@dataclass(frozen=True, repr=False)
class Copy(Diagram):
    """``X → X ⊗ … ⊗ X`` (n copies); on a product, copies are whole blocks ``X Y X Y``."""

    obj: Object
    n: int = 2

    @property
    def dom(self) -> Object:  # type: ignore[override]
        return self.obj

    @cached_property
    def cod(self) -> Object:  # type: ignore[override]
        return product(*([self.obj] * self.n))

    def __str__(self) -> str:
        return f"copy({self.obj})" if self.n == 2 else f"copy({self.obj}, {self.n})"

    def __repr__(self) -> str:
        return f"copy({self.obj!r}, n={self.n})"


@dataclass(frozen=True, repr=False)
class Delete(Diagram):
    """``X → I``: discard a wire (marginalise it out)."""

    obj: Object

    @property
    def dom(self) -> Object:  # type: ignore[override]
        return self.obj

    @property
    def cod(self) -> Object:  # type: ignore[override]
        return I

    def __str__(self) -> str:
        return f"delete({self.obj})"

    def __repr__(self) -> str:
        return f"delete({self.obj!r})"


@dataclass(frozen=True, repr=False)
class Swap(Diagram):
    """``X ⊗ Y → Y ⊗ X``."""

    left: Object
    right: Object

    @cached_property
    def dom(self) -> Object:  # type: ignore[override]
        return self.left @ self.right

    @cached_property
    def cod(self) -> Object:  # type: ignore[override]
        return self.right @ self.left

    def __str__(self) -> str:
        return f"swap({self.left}, {self.right})"

    def __repr__(self) -> str:
        return f"swap({self.left!r}, {self.right!r})"


# ---- composites -------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Seq(Diagram):
    """Sequential composite ``parts[0] >> parts[1] >> …`` (flat; built by ``>>``)."""

    parts: tuple[Diagram, ...]

    @property
    def dom(self) -> Object:  # type: ignore[override]
        return self.parts[0].dom

    @property
    def cod(self) -> Object:  # type: ignore[override]
        return self.parts[-1].cod

    def __str__(self) -> str:
        return " >> ".join(f"({p})" if isinstance(p, (Seq, Par)) else str(p) for p in self.parts)

    def __repr__(self) -> str:
        return "(" + " >> ".join(map(repr, self.parts)) + ")"


@dataclass(frozen=True, repr=False)
class Par(Diagram):
    """Parallel composite ``parts[0] @ parts[1] @ …`` (flat; built by ``@``)."""

    parts: tuple[Diagram, ...]

    @cached_property
    def dom(self) -> Object:  # type: ignore[override]
        return product(*(p.dom for p in self.parts))

    @cached_property
    def cod(self) -> Object:  # type: ignore[override]
        return product(*(p.cod for p in self.parts))

    def __str__(self) -> str:
        return " @ ".join(f"({p})" if isinstance(p, (Seq, Par)) else str(p) for p in self.parts)

    def __repr__(self) -> str:
        return "(" + " @ ".join(map(repr, self.parts)) + ")"


# ---- public constructors ------------------------------------------------------------------
def identity(obj: Object) -> Diagram:
    """The identity morphism on ``obj``.

    >>> import markovcat as mc
    >>> mc.identity(mc.Bool).matrix.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return Identity(as_object(obj, "identity"))


#: The most copies one ``mc.copy`` makes (each is a wire of the diagram).
MAX_COPIES = 2**16


def copy(obj: Object, n: int = 2) -> Diagram:
    """The copy map ``X → X^{⊗n}`` (``n=1`` is the identity, ``n=0`` delete).

    >>> import markovcat as mc
    >>> mc.copy(mc.Bool).array[1].tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    obj = as_object(obj, "copy")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidObjectError(f"copy({obj}): expected a number of copies n >= 0, given {n!r}")
    if n > MAX_COPIES:
        raise MemoryLimitError(f"copy({obj}): {n:,} copies is over the limit of {MAX_COPIES:,}")
    if n == 0:
        return Delete(obj)
    if n == 1:
        return Identity(obj)
    return Copy(obj, n)


def delete(obj: Object) -> Diagram:
    """The delete (discard) map ``X → I``.

    >>> import markovcat as mc
    >>> mc.delete(mc.Bool).array.tolist()
    [1.0, 1.0]
    """
    return Delete(as_object(obj, "delete"))


def swap(left: Object, right: Object) -> Diagram:
    """The symmetry ``X ⊗ Y → Y ⊗ X``.

    >>> import markovcat as mc
    >>> A = mc.Obj("A", 2)
    >>> print(mc.swap(A, mc.Bool).cod)
    Bool ⊗ A
    """
    return Swap(as_object(left, "swap"), as_object(right, "swap"))


def rewire(obj: Object, positions: tuple[int, ...] | list[int]) -> Diagram:
    """The structural map ``X1⊗…⊗Xn → X_{p1}⊗…⊗X_{pk}`` built from copy, delete and swap.

    Factors listed twice are copied, factors not listed are deleted.

    >>> import markovcat as mc
    >>> A, B = mc.Obj("A", 2), mc.Obj("B", 3)
    >>> print(mc.rewire(A @ B, [1, 0, 1]).cod)
    B ⊗ A ⊗ B
    """
    obj = as_object(obj, "rewire")
    factors = obj.factors
    if not isinstance(positions, (list, tuple, range)):
        raise UnknownOutcomeError(
            f"rewire({obj}): expected a list of factor positions, given {positions!r:.80}"
        )
    positions = [_position(p, len(factors), obj) for p in positions]
    counts = [0] * len(factors)
    for p in positions:
        counts[p] += 1
    layer = _tensor([copy(f, c) for f, c in zip(factors, counts, strict=False)], I)
    # wires after copying, each labelled by its factor; then sort them into `positions`
    current = [i for i, c in enumerate(counts) for _ in range(c)]
    perm = _permutation([factors[i] for i in current], current, positions)
    return _strip_identities(layer >> perm)


def _position(p: Any, n: int, obj: Object) -> int:
    if not isinstance(p, int) or isinstance(p, bool) or not -n <= p < n:
        raise UnknownOutcomeError(
            f"object {obj}: expected a factor position in range({n}), given {p!r}"
        )
    return p % n


def _tensor(parts: list[Diagram], unit: Object) -> Diagram:
    """Tensor of ``parts``, merging each run of neighbouring identities into one."""
    merged: list[Diagram] = []
    run: list[Object] = []

    def flush() -> None:
        obj = product(*run)
        if obj != I:
            merged.append(Identity(obj))
        run.clear()

    for p in parts:
        if isinstance(p, Identity):
            run.append(p.obj)
        else:
            flush()
            merged.append(p)
    flush()
    if not merged:
        return Identity(unit)
    return merged[0] if len(merged) == 1 else Par(tuple(merged))


def _permutation(objs: list[Obj], labels: list[int], target: list[int]) -> Diagram:
    """Swaps that bring wires labelled ``labels`` into the order ``target``.

    Odd–even transposition sort: at most ``len(labels)`` layers of parallel swaps.
    """
    queues: dict[int, list[int]] = {}
    for slot, t in enumerate(target):
        queues.setdefault(t, []).append(slot)
    key = [queues[lab].pop(0) for lab in labels]  # final slot of the wire in each slot
    objs = list(objs)
    result: Diagram = Identity(product(*objs))
    for rnd in range(len(key) + 1):
        if all(key[j] <= key[j + 1] for j in range(len(key) - 1)):
            break
        i = rnd % 2  # pairs (i, i+1), (i+2, i+3), … : odd–even rounds alternate
        parts: list[Diagram] = [Identity(objs[0])] if i else []
        while i < len(key):
            if i + 1 < len(key) and key[i] > key[i + 1]:
                parts.append(Swap(objs[i], objs[i + 1]))
                key[i], key[i + 1] = key[i + 1], key[i]
                objs[i], objs[i + 1] = objs[i + 1], objs[i]
            else:
                parts += [Identity(o) for o in objs[i : i + 2]]
            i += 2
        result = result >> _tensor(parts, I)
    return result


def _strip_identities(d: Diagram) -> Diagram:
    """Drop identity steps from a sequential composite."""
    if not isinstance(d, Seq):
        return d
    parts = [p for p in d.parts if not isinstance(p, Identity)]
    if not parts:
        return d.parts[0]
    return parts[0] if len(parts) == 1 else Seq(tuple(parts))


W = TypeVar("W")

#: The wiring generators: terms that only move wires.
_WIRING = (Identity, Copy, Delete, Swap)


def route(d: Diagram, wires: list[W]) -> list[W]:
    """How a wiring generator moves the wires entering it: identity passes them, copy
    repeats them, delete drops them, swap puts the right-hand ones first.

    >>> import markovcat as mc
    >>> route(mc.swap(mc.Bool, mc.Bool @ mc.Bool), ["a", "b", "c"])
    ['b', 'c', 'a']
    """
    if isinstance(d, Identity):
        return wires
    if isinstance(d, Copy):
        return wires * d.n
    if isinstance(d, Delete):
        return []
    if isinstance(d, Swap):
        k = len(d.left.factors)
        return wires[k:] + wires[:k]
    raise TypeError(f"route: {type(d).__name__} is not a wiring generator")


def thread(d: Diagram, wires: list[W], generator: Callable[[Diagram, list[W]], list[W]]) -> list[W]:
    """The wires leaving ``d`` when ``wires`` (one per domain factor) enter it: the one
    walk over the terms, shared by the contraction engine, the free normal form and the
    drawing. Composites are walked in order and side by side, wiring generators
    :func:`route` the wires, every other term (a box, a kernel) is handed to
    ``generator(term, its input wires)``, which returns its output wires.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> thread(mc.copy(mc.Bool) >> (f @ mc.identity(mc.Bool)), ["x"], lambda g, w: [g.name + w[0]])
    ['fx', 'x']
    """
    if isinstance(d, Seq):
        for part in d.parts:
            wires = thread(part, wires, generator)
        return wires
    if isinstance(d, Par):
        out: list[W] = []
        i = 0
        for part in d.parts:
            k = len(part.dom.factors)
            out += thread(part, wires[i : i + k], generator)
            i += k
        return out
    if isinstance(d, _WIRING):
        return route(d, wires)
    return generator(d, wires)


def is_structural(d: Diagram) -> bool:
    """True for identities, copies, deletes, swaps and composites of them only."""
    if isinstance(d, (Seq, Par)):
        return all(is_structural(p) for p in d.parts)
    return isinstance(d, _WIRING)


__all__ = [
    "Box",
    "Copy",
    "Delete",
    "Diagram",
    "Identity",
    "Obj",
    "Par",
    "Product",
    "Seq",
    "Swap",
    "copy",
    "delete",
    "identity",
    "rewire",
    "route",
    "swap",
    "thread",
]
