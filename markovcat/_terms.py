"""The terms of the free Markov category: immutable, hashable dataclasses built from
generators by ``>>`` and ``@``.

Generators are symbolic boxes, concrete kernels (see ``_kernel``), identities, n-ary
copies, deletes and swaps; ``Seq`` and ``Par`` are the flat composites. Terms are
type-checked when they are built and stay lazy: ``.array``, ``.matrix`` and every query
compile them once (see ``_compile``) and cache. The constructors ``identity``, ``copy``,
``delete``, ``swap`` and ``rewire`` live in ``_wiring``; the walk over terms in ``_walk``.

>>> import markovcat as mc
>>> X, Y = mc.Obj("X", 2), mc.Obj("Y", 3)
>>> f, g = mc.Box("f", X, Y), mc.Box("g", Y, X)
>>> print(f >> mc.copy(Y) >> (g @ mc.identity(Y)))
f >> copy(Y) >> (g @ id(Y))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import backends
from ._config import check_tolerance
from ._errors import InvalidObjectError, TypeMismatchError
from ._objects import I, Object, as_object, product
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
    name = getattr(d, "name", None)
    short = getattr(d, "_describe", None)
    if name:
        s = str(name)
    elif short is not None:
        s = short()
    elif isinstance(d, (Seq, Par)):  # only as much of the formula as is shown
        pieces, n = [], 0
        for t in _tokens(d, format):  # format: a kernel's name, not its table
            pieces.append(t)
            n += len(t)
            if n > limit:
                break
        s = "".join(pieces)
    else:
        s = format(d)
    return s if len(s) <= limit else s[: limit - 3] + "..."


#: Private fields that are part of a term (a kernel's table as given), not caches.
_KEPT = frozenset({"_given"})


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

    def _canonical(self) -> Diagram:
        """The term this one stands for (a traced graph stands for its layered term)."""
        return self

    def __getstate__(self) -> Any:
        """What pickling and deep copies keep: the term's own fields (slots included), not
        the caches that queries leave on it (networks, plans, hashes), which belong to one
        process."""
        kept = {k: v for k, v in self.__dict__.items() if not k.startswith("_") or k in _KEPT}
        slots = {
            name: getattr(self, name)
            for cls in type(self).__mro__
            for name in cls.__dict__.get("__slots__", ())
            if hasattr(self, name)
        }
        return (kept, slots) if slots else kept

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
        return _join(Seq, self, other)

    def __lshift__(self, other: Diagram) -> Diagram:
        if not isinstance(other, Diagram):
            raise _not_a_diagram(self, "<<", other)
        return other >> self

    def __matmul__(self, other: Diagram) -> Diagram:
        if not isinstance(other, Diagram):
            raise _not_a_diagram(self, "@", other)
        return _join(Par, self, other)

    # Python asks the right operand when the left one (an int, a list, ...) has no meaning
    # for the operator: say what was given instead of Python's bare "unsupported operand".
    # numpy arrays ask too, instead of broadcasting over a diagram as if it were a scalar.
    __array_ufunc__ = None

    def __rrshift__(self, other: Any) -> Diagram:
        raise _not_a_diagram_left(self, ">>", other)

    def __rlshift__(self, other: Any) -> Diagram:
        raise _not_a_diagram_left(self, "<<", other)

    def __rmatmul__(self, other: Any) -> Diagram:
        raise _not_a_diagram_left(self, "@", other)

    def __call__(self, *wires: Any) -> Any:
        """Apply this morphism to wires inside an ``@mc.program`` function."""
        return meaning("apply")(self, wires)

    # ---- evaluation ---------------------------------------------------------------------
    def evaluate(self, backend: str | None = None) -> Kernel:
        """Compile to one concrete kernel (cached for the default backend); the kernel
        layer gives it its meaning, through the seam (:mod:`markovcat._seam`)."""
        return meaning("evaluate")(self, backend=backend)

    def __getitem__(self, key: Any) -> Any:
        """``state[outcome]`` (its probability) or ``kernel[x]`` (the state at ``x``), looked
        up on the evaluated kernel (through the seam); see ``mc.Kernel.__getitem__``.

        >>> import markovcat as mc
        >>> (mc.state(mc.Bool, [0.25, 0.75]) >> mc.copy(mc.Bool))[(True, True)]
        0.75
        """
        return self.evaluate()[key]

    __iter__ = None  # indexed by outcome, not by position: diagrams are not sequences

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

    def _repr_html_(self) -> str | None:
        return meaning("html")(self)

    def _repr_svg_(self) -> str | None:
        return self.draw()._repr_svg_()


def _not_a_diagram(d: Diagram, op: str, other: Any) -> TypeMismatchError:
    return TypeMismatchError(
        f"{describe(d, 60)} {op} ...: expected a diagram or kernel on the right, "
        f"given {type(other).__name__} {other!r:.60}"
    )


def _not_a_diagram_left(d: Diagram, op: str, other: Any) -> TypeMismatchError:
    return TypeMismatchError(
        f"... {op} {describe(d, 60)}: expected a diagram or kernel on the left, "
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
# Composites can be nested arbitrarily deep (a long program alternates ``>>`` and ``@``),
# so nothing below recurses: types are computed when a composite is built (from its
# parts, which already know theirs), and equality, hashing, printing and :func:`thread`
# walk with an explicit stack.
def _rebuild(items: list[Any]) -> Diagram:
    """The composite that :meth:`_Composite.__reduce__` wrote as ``items``."""
    stack: list[Diagram] = []
    for item in items:
        if isinstance(item, tuple):
            cls, n = item
            parts = tuple(stack[len(stack) - n :])
            del stack[len(stack) - n :]
            stack.append(cls(parts))
        else:
            stack.append(item)
    return stack[0]


class _Composite(Diagram):
    """Shared machinery of :class:`Seq` and :class:`Par`: flat parts, immutable.

    ``Seq(parts)`` and ``Par(parts)`` check and flatten their parts. ``>>`` and ``@`` build
    through :func:`_join`, which appends to the buffer of the composite on the left when
    that composite was the last one built from it: a chain ``d = d >> k`` repeated n times
    costs O(n), not O(n²), and ``parts`` is made a tuple only when it is asked for.
    """

    _sep = ""

    def __init__(self, parts: tuple[Diagram, ...]) -> None:
        if not isinstance(parts, tuple) or not parts:
            raise TypeMismatchError(
                f"{type(self).__name__}: expected a non-empty tuple of diagrams, "
                f"given {parts!r:.80}"
            )
        if any(isinstance(p, type(self)) for p in parts):  # flat on construction
            parts = _flat(type(self), parts)
        d = self.__dict__
        d["parts"], d["_buf"], d["_n"] = parts, None, len(parts)
        self._types()

    @classmethod
    def _view(cls, buf: list[Diagram], n: int) -> Any:
        """The composite of ``buf[:n]`` (already flat and type-checked), sharing ``buf``."""
        self = cls.__new__(cls)
        self.__dict__["_buf"], self.__dict__["_n"] = buf, n
        return self

    @cached_property
    def parts(self) -> tuple[Diagram, ...]:  # only views reach here: built by _join
        d = self.__dict__
        return tuple(d["_buf"][: d["_n"]])

    def _types(self) -> None:
        raise NotImplementedError

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # flat, in postorder: pickling and deep copies of terms nested 10,000 deep do not
        # recurse (leaves are pickled as they are; a composite is (its class, its arity))
        items: list[Any] = []
        stack: list[tuple[Diagram, bool]] = [(self, False)]
        while stack:
            node, closed = stack.pop()
            if not isinstance(node, _Composite):
                items.append(node)
            elif closed:
                items.append((type(node), len(node.parts)))
            else:
                stack.append((node, True))
                stack.extend((p, False) for p in reversed(node.parts))
        return (_rebuild, (items,))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagram):
            return NotImplemented
        stack: list[tuple[Diagram, Diagram]] = [(self, other)]
        while stack:
            a, b = stack.pop()
            if a is b:
                continue
            a, b = a._canonical(), b._canonical()
            if isinstance(a, _Composite) or isinstance(b, _Composite):
                if type(a) is not type(b) or len(a.parts) != len(b.parts):  # type: ignore[attr-defined]
                    return False
                ha, hb = a.__dict__.get("_hash"), b.__dict__.get("_hash")
                if ha is not None and hb is not None and ha != hb:
                    return False
                stack.extend(zip(a.parts, b.parts, strict=True))  # type: ignore[attr-defined]
            elif not a == b:
                return False
        return True

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is not None:
            return cached
        # post-order over the composites whose hash is not yet known
        stack: list[tuple[_Composite, bool]] = [(self, False)]
        while stack:
            node, ready = stack.pop()
            if "_hash" in node.__dict__:
                continue
            if ready:
                h = hash((type(node).__name__, tuple(hash(p) for p in node.parts)))
                node.__dict__["_hash"] = h
                continue
            stack.append((node, True))
            stack.extend(
                (p, False)
                for p in node.parts
                if isinstance(p, _Composite) and "_hash" not in p.__dict__
            )
        return self.__dict__["_hash"]

    def __str__(self) -> str:
        return "".join(_tokens(self, format))  # leaves inline: kernels by name

    def __repr__(self) -> str:
        return "".join(_tokens(self, repr))


_JOIN_LOCK = threading.Lock()


def _join(cls: type[_Composite], left: Diagram, right: Diagram) -> Any:
    """``left >> right`` (``cls=Seq``) or ``left @ right`` (``cls=Par``), flat.

    When ``left`` is a composite of ``cls`` whose buffer ends with its last part (it is
    the newest composite on that buffer), ``right``'s parts are appended in place and the
    result is a longer view of the same buffer; otherwise the parts are copied once.
    """
    new = right.parts if isinstance(right, cls) else (right,)
    if isinstance(left, cls):
        d = left.__dict__
        with _JOIN_LOCK:
            buf, n = d["_buf"], d["_n"]
            if buf is None or len(buf) != n:  # built by the constructor, or not the newest
                buf = list(left.parts)
                d["_buf"] = buf  # later joins onto ``left`` append here
            buf.extend(new)
            out = cls._view(buf, len(buf))
    else:
        out = cls._view([left, *new], 1 + len(new))
    out._types()
    return out


def _tokens(d: Diagram, leaf: Callable[[Any], str]) -> Any:
    """The pieces of ``str(d)`` (``leaf=str``) or ``repr(d)`` (``leaf=repr``), in order,
    without recursion. ``str`` brackets only nested composites, ``repr`` every one."""
    stack: list[Any] = [(d, leaf is repr)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        node, bracket = item
        if not isinstance(node, _Composite):
            yield leaf(node)
            continue
        todo: list[Any] = ["("] if bracket else []
        for k, p in enumerate(node.parts):
            if k:
                todo.append(node._sep)
            todo.append((p, leaf is repr or isinstance(p, _Composite)))
        if bracket:
            todo.append(")")
        stack.extend(reversed(todo))


class Seq(_Composite):
    """Sequential composite ``parts[0] >> parts[1] >> …`` (flat; built by ``>>``)."""

    _sep = " >> "

    def _types(self) -> None:
        d = self.__dict__
        buf, n = d["_buf"], d["_n"]
        first, last = (buf[0], buf[n - 1]) if buf is not None else (d["parts"][0], d["parts"][-1])
        d["dom"], d["cod"] = first.dom, last.cod


class Par(_Composite):
    """Parallel composite ``parts[0] @ parts[1] @ …`` (flat; built by ``@``).

    Its types are the products of its parts' types, computed when first asked for (so a
    chain ``d = d @ k`` stays linear).
    """

    _sep = " @ "

    def _types(self) -> None:
        pass

    @cached_property
    def dom(self) -> Object:  # type: ignore[override]
        return product(*(p.dom for p in self.parts))

    @cached_property
    def cod(self) -> Object:  # type: ignore[override]
        return product(*(p.cod for p in self.parts))


def _register_pytrees() -> None:
    """Wiring generators and boxes hold no numbers: under JAX they are pytrees without
    leaves (static), so a diagram mixing them with kernels can be a ``jax.jit`` argument
    (the kernel layer registers kernels and composites)."""
    import jax  # optional dependency: only when the JAX backend is loaded

    for cls in (Box, Identity, Copy, Delete, Swap):
        jax.tree_util.register_pytree_node(cls, lambda t: ((), t), lambda aux, _: aux)


backends.on_load("jax", _register_pytrees)


__all__ = [
    "Box",
    "Copy",
    "Delete",
    "Diagram",
    "Identity",
    "Par",
    "Seq",
    "Swap",
    "describe",
]
