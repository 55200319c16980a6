"""A diagram as a tensor network: each wire an index, each concrete kernel a tensor.

Copy joins indices (the same index on several wires); delete leaves an index off the
boundary, so it is summed out; swap permutes the wire list. Leaves are listed in the order
the diagram applies them, so a kernel's inputs always come from earlier leaves (or the
domain): walking the leaves backwards finds the barren ones.

>>> import markovcat as mc
>>> net = network(mc.copy(mc.Bool))
>>> len(net.leaves), net.dom_wires, net.cod_wires
(0, (0,), (0, 0))
"""

from __future__ import annotations

from dataclasses import dataclass

from .._diagram import Box, Diagram, thread
from .._errors import TypeMismatchError, UninterpretedBoxError
from .._kernel import Kernel


@dataclass(frozen=True)
class Network:
    """Leaf tables plus table-free wiring.

    ``indices[k]`` are the wire indices of leaf ``k`` (its dom wires, then cod wires) and
    ``n_dom[k]`` how many of them are inputs; ``dom_wires`` and ``cod_wires`` are the
    indices at the boundary (a copied wire appears more than once); ``sizes[i]`` is the
    number of outcomes on wire ``i``.
    """

    leaves: tuple[Kernel, ...]
    indices: tuple[tuple[int, ...], ...]
    n_dom: tuple[int, ...]
    dom_wires: tuple[int, ...]
    cod_wires: tuple[int, ...]
    sizes: tuple[int, ...]

    @property
    def wiring(self) -> tuple:
        """Everything but the tables: equal wiring means equal plans."""
        return (self.indices, self.n_dom, self.dom_wires, self.cod_wires, self.sizes)

    @property
    def structure(self) -> tuple:
        """Alias of :attr:`wiring` (the structure plans are cached by)."""
        return self.wiring


class _Builder:
    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.leaves: list[Kernel] = []
        self.indices: list[tuple[int, ...]] = []

    def fresh(self, size: int) -> int:
        self.sizes.append(size)
        return len(self.sizes) - 1

    def wire(self, d: Diagram, wires: list[int]) -> list[int]:
        """Thread the wires ``wires`` (one index per dom factor) through ``d``."""
        return thread(d, wires, self.generator)

    def generator(self, d: Diagram, wires: list[int]) -> list[int]:
        """A kernel becomes a tensor on fresh output indices; a symbolic box is an error."""
        if isinstance(d, Kernel):
            return _leaf(self, d, wires)
        if isinstance(d, Box):
            return _box(self, d, wires)
        return _unknown(self, d, wires)


def _leaf(b: _Builder, d: Kernel, wires: list[int]) -> list[int]:
    outs = [b.fresh(n) for n in d.cod.shape]
    b.leaves.append(d)
    b.indices.append((*wires, *outs))
    return outs


def _box(b: _Builder, d: Box, wires: list[int]) -> list[int]:
    raise UninterpretedBoxError(
        f"cannot evaluate the symbolic box {d.name!r} : {d.dom} → {d.cod}; "
        f"replace it by a kernel with mc.interpret(diagram, {{{d.name!r}: kernel}})"
    )


def _unknown(b: _Builder, d: Diagram, wires: list[int]) -> list[int]:
    raise TypeMismatchError(f"cannot compile {d!r}: not a markovcat diagram")


def network(d: Diagram) -> Network:
    """The tensor network of ``d`` (cached on the diagram; the cache holds no tables of
    its own, only the leaves ``d`` already holds).

    >>> import markovcat as mc
    >>> net = mc.network(mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool))
    >>> net.indices, net.cod_wires
    (((0,),), (0, 0))
    """
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"mc.network expects a diagram, given {type(d).__name__}")
    cached = d.__dict__.get("_network")
    if cached is not None:
        return cached
    b = _Builder()
    dom_wires = [b.fresh(n) for n in d.dom.shape]
    cod_wires = b.wire(d, dom_wires)
    net = Network(
        tuple(b.leaves),
        tuple(b.indices),
        tuple(len(leaf.dom.factors) for leaf in b.leaves),
        tuple(dom_wires),
        tuple(cod_wires),
        tuple(b.sizes),
    )
    d.__dict__["_network"] = net  # one complete object: safe to publish without a lock
    return net
