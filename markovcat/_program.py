"""``@mc.program``: write a model as a Python function over wires, get a string diagram.

Inside the function, calling a kernel or box on wires applies it; a wire used twice is
copied, a wire never used is deleted; returning a tuple gives a product codomain.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", X, X)
>>> @mc.program(X, X @ X)
... def twice(x):
...     return x, f(x)
>>> print(twice)
copy(X) >> (id(X) @ f)
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from . import _dispatch
from ._diagram import Diagram, Identity, Seq, _tensor, describe, rewire_term
from ._errors import ProgramError
from ._graph import Graph
from ._objects import I, Obj, Object, as_object, product
from ._seam import provide


class Wire:
    """A variable inside an ``@mc.program`` function: one atomic factor on one wire.

    >>> import markovcat as mc
    >>> @mc.program(mc.Bool, mc.Bool)
    ... def show(x):
    ...     print(type(x).__name__, x.obj)
    ...     return x
    Wire Bool
    """

    __slots__ = ("id", "obj", "trace")

    def __init__(self, trace: _Trace, id: int, obj: Obj) -> None:
        self.trace, self.id, self.obj = trace, id, obj

    def __repr__(self) -> str:
        return f"<wire {self.id}: {self.obj}>"

    def _no_python_logic(self, what: str) -> ProgramError:
        return ProgramError(
            f"wire {self.id} : {self.obj} has no value while the program is traced, so "
            f"{what} cannot be decided; branch with a kernel instead of Python if/while/for "
            "(e.g. mc.deterministic(X, Y, fn) applied to the wire)"
        )

    def __bool__(self) -> bool:
        raise self._no_python_logic("its truth value")

    def __eq__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire == {other!r:.40}")

    def __ne__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire != {other!r:.40}")

    def __lt__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire < {other!r:.40}")

    def __le__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire <= {other!r:.40}")

    def __gt__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire > {other!r:.40}")

    def __ge__(self, other: object) -> bool:
        raise self._no_python_logic(f"wire >= {other!r:.40}")

    def __hash__(self) -> int:
        raise self._no_python_logic("its hash (a wire is no dict key or set member)")

    def __len__(self) -> int:
        raise self._no_python_logic("its length")

    def __iter__(self) -> Any:
        raise self._no_python_logic("iterating over it")

    def __contains__(self, item: object) -> bool:
        raise self._no_python_logic("membership")

    def __index__(self) -> int:
        raise self._no_python_logic("its value as an int")

    __int__ = __index__

    def __float__(self) -> float:
        raise self._no_python_logic("its value as a float")


class _Trace:
    def __init__(self, name: str) -> None:
        self.name = name
        self.objs: list[Obj] = []
        self.steps: list[tuple[Diagram, list[int], list[int]]] = []

    def new(self, obj: Obj) -> Wire:
        self.objs.append(obj)
        return Wire(self, len(self.objs) - 1, obj)


_current: contextvars.ContextVar[_Trace | None] = contextvars.ContextVar("trace", default=None)


def apply(d: Diagram, args: tuple[Any, ...]) -> Any:
    """Record ``d`` applied to wires ``args`` in the current program; return its outputs."""
    trace = _current.get()
    if trace is None:
        label = describe(d)
        raise ProgramError(
            f"{label}(...) applies {label} to wires and works only inside an "
            "@mc.program function; compose diagrams with >> and @ instead"
        )
    _check_wires(
        trace, args, d.dom.factors, lambda: _takes(d), lambda: f"argument of {describe(d)}"
    )
    outs = [trace.new(f) for f in d.cod.factors]
    trace.steps.append((d, [a.id for a in args], [w.id for w in outs]))
    if len(outs) == 1:
        return outs[0]
    return tuple(outs)


provide("apply", apply)


def program(dom: Object, cod: Object) -> Callable[[Callable[..., Any]], Diagram]:
    """Decorator: trace a function over wires into a string diagram ``dom → cod``.

    The function gets one wire per atomic factor of ``dom`` and returns one wire per factor
    of ``cod`` (a tuple for several, ``None`` or ``()`` for ``mc.I``).

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.5, 0.5], name="p")
    >>> @mc.program(mc.I, mc.Bool @ mc.Bool)
    ... def pair():
    ...     b = p()
    ...     return b, b
    >>> pair.array.tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    if (r := _dispatch.other("program", dom, cod)) is not _dispatch.NOTHING:
        return r  # Gaussian objects (markovcat.gauss)
    dom = as_object(dom, "program domain")
    cod = as_object(cod, "program codomain")

    def decorate(fn: Callable[..., Any]) -> Diagram:
        if not callable(fn):
            raise ProgramError(f"@mc.program decorates a function, given {fn!r:.80}")
        name = getattr(fn, "__name__", "program")
        trace = _Trace(name)
        inputs = [trace.new(f) for f in dom.factors]
        try:
            inspect.signature(fn).bind(*inputs)
        except TypeError:
            raise ProgramError(
                f"program {name!r} must take {len(inputs)} wire(s), one per factor of {dom}"
            ) from None
        except ValueError:  # no signature to inspect (some builtins)
            pass
        token = _current.set(trace)
        # Tracing allocates many small objects and no cycles: pausing the cyclic garbage
        # collector keeps its repeated full passes from making long programs quadratic.
        paused = gc.isenabled()
        gc.disable()
        try:
            result = fn(*inputs)
            graph = Graph(
                dom,
                cod,
                tuple(trace.objs),
                tuple(w.id for w in inputs),
                tuple((d, tuple(ins), tuple(outs)) for d, ins, outs in trace.steps),
                tuple(_returned(trace, result, cod)),
                name,
                checked=True,
            )
            if len(graph.steps) * len(graph.objs) <= _EXPAND_LIMIT.get():
                return graph.expanded
            return graph
        finally:
            _current.reset(token)
            if paused:
                gc.enable()

    return decorate


#: Programs of at most this many (steps × wires) become their layered term; larger ones
#: stay a :class:`~markovcat._graph.Graph` (linear to build and to walk).
EXPAND_LIMIT = 5_000
_EXPAND_LIMIT: contextvars.ContextVar[int] = contextvars.ContextVar("expand", default=EXPAND_LIMIT)


@contextlib.contextmanager
def expand_limit(limit: int) -> Iterator[None]:
    """Inside this block, programs of more than ``limit`` (steps × wires) stay graphs
    (``expand_limit(0)``: every program; tests use it to walk both forms)."""
    token = _EXPAND_LIMIT.set(limit)
    try:
        yield
    finally:
        _EXPAND_LIMIT.reset(token)


def _takes(d: Diagram) -> str:
    return f"{describe(d)} : {describe(d.dom)} → {describe(d.cod)} takes"


def _returned(trace: _Trace, result: Any, cod: Object) -> list[int]:
    wires = () if result is None else result if isinstance(result, tuple) else (result,)
    _check_wires(trace, wires, cod.factors, lambda: "it must return", lambda: "output")
    return [w.id for w in wires]


def _check_wires(
    trace: _Trace,
    wires: tuple[Any, ...],
    factors: tuple[Obj, ...],
    count: Callable[[], str],
    what: Callable[[], str],
) -> None:
    """Each of ``wires`` is a wire of this program with the type of its factor (the
    message parts ``count`` and ``what`` are only built for an error)."""
    if len(wires) != len(factors):
        raise ProgramError(
            f"in program {trace.name!r}: {count()} {len(factors)} wire(s) of types "
            f"{[str(f) for f in factors[:20]]}, given {len(wires)}"
        )
    for k, (w, f) in enumerate(zip(wires, factors)):
        if not isinstance(w, Wire) or w.trace is not trace:
            raise ProgramError(
                f"in program {trace.name!r}: {what()} {k} must be a wire of this program, given {w!r:.80}"
            )
        if w.obj != f:
            raise ProgramError(
                f"in program {trace.name!r}: {what()} {k} must be a wire of type {f}, given a wire of type {w.obj}"
            )


def expand(graph: Graph) -> Diagram:
    """The layered term ``select >> (id @ step) >> … >> select`` of a traced graph.

    Wires that no later step needs but the result does are moved once into a "done"
    block on the left, which later layers pass through as one identity; so each layer
    only touches the few wires that are still active, and building is near-linear in
    the length of the program (a 10,000-step hidden Markov model is fine).
    """
    objs, inputs, result = graph.objs, graph.inputs, graph.outputs
    last: dict[int, int] = {}
    for k, (_, ins, _) in enumerate(graph.steps):
        for w in ins:
            last[w] = k
    in_result = set(result)
    done: list[int] = []
    done_obj: Object = I
    active = list(inputs)
    layers: list[Diagram] = []
    for k, (d, ins, outs) in enumerate(graph.steps):
        keep = [w for w in active if last.get(w, -1) > k]
        finish = [w for w in active if last.get(w, -1) <= k and w in in_result]
        layers.append(
            _tensor([Identity(done_obj), _select(objs, active, [*finish, *keep, *ins])], I)
        )
        done += finish
        done_obj = done_obj @ _obj(objs, finish)
        layers.append(_tensor([Identity(done_obj), Identity(_obj(objs, keep)), d], I))
        active = keep + list(outs)
    layers.append(_select(objs, done + active, list(result)))
    steps = [layer for layer in layers if not isinstance(layer, Identity)]
    if not steps:
        return layers[-1]
    return steps[0] if len(steps) == 1 else Seq(tuple(_flatten(steps)))


def _obj(objs: tuple[Obj, ...], wires: list[int]) -> Object:
    return product(*(objs[w] for w in wires))


def _select(objs: tuple[Obj, ...], live: list[int], targets: list[int]) -> Diagram:
    slot = {w: i for i, w in enumerate(live)}
    return rewire_term(_obj(objs, live), [slot[w] for w in targets])


def _flatten(steps: list[Diagram]) -> list[Diagram]:
    out: list[Diagram] = []
    for s in steps:
        out.extend(s.parts if isinstance(s, Seq) else (s,))
    return out


provide("expand", expand)
