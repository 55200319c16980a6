"""A traced program kept as its wiring graph: generators applied to numbered wires.

``@mc.program`` records which morphism is applied to which wires. For a small program it
assembles the record into the layered term ``select >> (id @ step) >> … >> select``; a
large one (a hidden Markov model of 100,000 steps, a Bayesian network of a thousand
nodes) stays a :class:`Graph`, because every layer of the layered term carries the whole
frontier of live wires and building it is quadratic. A graph is walked directly by
:func:`markovcat._walk.thread` (so the contraction engine, sampling and the free normal
form see it in linear time) and behaves as its layered term everywhere else: equality,
hashing, printing and drawing use :attr:`Graph.expanded`, built on first use.

>>> import markovcat as mc
>>> from markovcat import _program
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", X, X)
>>> with _program.expand_limit(0):  # keep every program a graph
...     @mc.program(X, X @ X)
...     def twice(x):
...         return x, f(x)
>>> type(twice).__name__, str(twice)
('Graph', 'copy(X) >> (id(X) @ f)')
"""

from __future__ import annotations

from typing import Any

from ._errors import TypeMismatchError
from ._objects import Obj, Object
from ._seam import meaning
from ._terms import Diagram

#: One recorded application: the morphism, the wires it takes, the wires it makes.
Step = tuple[Diagram, tuple[int, ...], tuple[int, ...]]


class Graph(Diagram):
    """``dom → cod`` as wires ``0 … len(objs)-1`` and the steps applied to them.

    ``inputs`` are the wires of the domain factors, ``steps`` the morphisms applied in
    order (each takes existing wires and makes new ones), ``outputs`` the wires of the
    codomain factors (a wire listed twice is copied, one never used is deleted).
    """

    objs: tuple[Obj, ...]
    inputs: tuple[int, ...]
    steps: tuple[Step, ...]
    outputs: tuple[int, ...]
    label: str

    def __init__(
        self,
        dom: Object,
        cod: Object,
        objs: tuple[Obj, ...],
        inputs: tuple[int, ...],
        steps: tuple[Step, ...],
        outputs: tuple[int, ...],
        label: str = "program",
        *,
        checked: bool = False,
    ) -> None:
        d = self.__dict__
        d["dom"], d["cod"], d["objs"], d["label"] = dom, cod, objs, label
        d["inputs"], d["steps"], d["outputs"] = inputs, steps, outputs
        if not checked:  # a trace checked every wire as it was recorded
            _check(self)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Graph is immutable: cannot set {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Graph,
            (self.dom, self.cod, self.objs, self.inputs, self.steps, self.outputs, self.label),
        )

    @property
    def expanded(self) -> Diagram:
        """The layered term of this graph (built once, on first use)."""
        term = self.__dict__.get("_expanded")
        if term is None:
            term = meaning("expand")(self)
            self.__dict__["_expanded"] = term
        return term

    def _canonical(self) -> Diagram:
        return self.expanded

    def with_steps(self, diagrams: list[Diagram]) -> Graph:
        """The same wiring with each step's morphism replaced (types must match)."""
        steps = tuple(
            (new, ins, outs) for new, (_, ins, outs) in zip(diagrams, self.steps, strict=True)
        )
        return Graph(self.dom, self.cod, self.objs, self.inputs, steps, self.outputs, self.label)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagram):
            return NotImplemented
        if isinstance(other, Graph) and (
            self.inputs == other.inputs
            and self.outputs == other.outputs
            and self.objs == other.objs
            and len(self.steps) == len(other.steps)
            and all(
                a[1] == b[1] and a[2] == b[2] and a[0] == b[0]
                for a, b in zip(self.steps, other.steps)
            )
        ):
            return True
        return self.expanded == other._canonical()

    def __hash__(self) -> int:
        return hash(self.expanded)

    def __str__(self) -> str:
        return str(self.expanded)

    def __repr__(self) -> str:
        return repr(self.expanded)

    def _describe(self) -> str:
        return f"{self.label} ({len(self.steps):,} steps)"


def _check(g: Graph) -> None:
    """Every step takes wires that exist and have its domain's types, in order."""
    objs, n = g.objs, len(g.objs)
    where = f"graph {g.label!r}"

    def wires(ws: tuple[int, ...], factors: tuple[Obj, ...], what: str) -> None:
        if len(ws) != len(factors) or any(
            not 0 <= w < n or objs[w] != f for w, f in zip(ws, factors)
        ):
            raise TypeMismatchError(
                f"{where}: {what} must be {len(factors)} wire(s) of types "
                f"{[str(f) for f in factors[:10]]}, given wires {list(ws[:10])}"
            )

    made = bytearray(n)  # wires made so far: each is made once, and used only after

    def make(ws: tuple[int, ...], what: str) -> None:
        for w in ws:
            if made[w]:
                raise TypeMismatchError(f"{where}: {what} makes wire {w} a second time")
            made[w] = 1

    def used(ws: tuple[int, ...], what: str) -> None:
        if not all(made[w] for w in ws):
            raise TypeMismatchError(
                f"{where}: {what} uses a wire before it is made: {list(ws[:10])}"
            )

    wires(g.inputs, g.dom.factors, "the inputs")
    make(g.inputs, "the domain")
    for k, (d, ins, outs) in enumerate(g.steps):
        if not isinstance(d, Diagram):
            raise TypeMismatchError(f"{where}: step {k} is not a diagram, given {d!r:.60}")
        wires(ins, d.dom.factors, f"the inputs of step {k}")
        used(ins, f"step {k}")
        wires(outs, d.cod.factors, f"the outputs of step {k}")
        make(outs, f"step {k}")
    wires(g.outputs, g.cod.factors, "the outputs")
    used(g.outputs, "the codomain")


__all__ = ["Graph", "Step"]
