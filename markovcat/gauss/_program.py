"""``@mc.program`` over Gaussian objects: the function is traced into one Gaussian kernel.

While the function runs, every wire is an affine function of the program's inputs plus
jointly Gaussian noise: the trace keeps ``z = M x + m + ε``, ``ε ~ N(0, S)`` for all wires
so far. Applying a kernel ``(A, b, C)`` to wires ``z_w`` appends ``y = A z_w + b + η``
(``η ~ N(0, C)`` fresh): ``M_y = A M_w``, ``m_y = A m_w + b``, ``Cov(y, z) = A S_w·`` and
``Cov(y) = A S_ww Aᵀ + C``. The result is the marginal on the returned wires, so a wire
used twice is copied and an unused one deleted, exactly as in the finite syntax.

>>> import markovcat as mc
>>> from markovcat import gauss
>>> X = gauss.Real("X")
>>> noise = gauss.kernel(X, X, 1.0, 0.0, 1.0)
>>> @mc.program(mc.I, X @ X)
... def two_readings():
...     x = gauss.state(X, 0.0, 4.0)()
...     return noise(x), noise(x)
>>> two_readings.cov.tolist()
[[5.0, 4.0], [4.0, 5.0]]
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

import numpy as np

from .._errors import ProgramError
from . import _linalg as la
from ._morphism import _APPLY, GaussianKernel
from ._objects import Real, as_space, space


class GaussWire:
    """A variable inside an ``@mc.program`` over Gaussian objects: one factor's coordinates."""

    __slots__ = ("coords", "obj", "trace")

    def __init__(self, trace: _Trace, coords: list[int], obj: Real) -> None:
        self.trace, self.coords, self.obj = trace, coords, obj

    def __repr__(self) -> str:
        return f"<gaussian wire {self.coords}: {self.obj}>"

    def __bool__(self) -> bool:
        raise ProgramError(
            f"wire {self.obj} has no value while the program is traced: branch with kernels, "
            "not Python if/while"
        )


class _Trace:
    def __init__(self, name: str, dom: Any) -> None:
        self.name = name
        n = dom.dim
        self.M: Any = np.eye(n)
        self.m: Any = np.zeros(n)
        self.S: Any = np.zeros((n, n))
        self.wires = [GaussWire(self, c, f) for c, f in _split(dom, 0)]

    def apply(self, k: GaussianKernel, args: tuple[Any, ...]) -> list[GaussWire]:
        if len(args) != len(k.dom.factors):
            raise ProgramError(
                f"in program {self.name!r}: {k.label()} takes {len(k.dom.factors)} wire(s) "
                f"of types {[str(f) for f in k.dom.factors]}, given {len(args)}"
            )
        for i, (w, f) in enumerate(zip(args, k.dom.factors)):
            if not isinstance(w, GaussWire) or w.trace is not self:
                raise ProgramError(
                    f"in program {self.name!r}: argument {i} of {k.label()} must be a wire "
                    f"of this program, given {w!r:.80}"
                )
            if w.obj != f:
                raise ProgramError(
                    f"in program {self.name!r}: argument {i} of {k.label()} must be a wire of "
                    f"type {f}, given a wire of type {w.obj}"
                )
        w_idx = np.asarray([c for w in args for c in w.coords], dtype=int)
        M, m, S, A, b, C = la.promote(self.M, self.m, self.S, k.A, k.b, k.cov)
        Sw = S[w_idx]
        cross = A @ Sw  # Cov(y, z)
        new_S = A @ Sw[:, w_idx] @ A.T + C
        self.M = la.concat(M, [M, A @ M[w_idx]], 0)
        self.m = la.concat(m, [m, A @ m[w_idx] + b], 0)
        top = la.concat(S, [S, cross.T], 1)
        bottom = la.concat(S, [cross, new_S], 1)
        start = S.shape[0]
        self.S = la.concat(S, [top, bottom], 0)
        return [GaussWire(self, c, f) for c, f in _split(k.cod, start)]


def _split(obj: Any, start: int) -> list[tuple[list[int], Real]]:
    out, at = [], start
    for f in obj.factors:
        out.append((list(range(at, at + f.n)), f))
        at += f.n
    return out


_current: contextvars.ContextVar[_Trace | None] = contextvars.ContextVar(
    "gauss_trace", default=None
)


def apply(k: GaussianKernel, args: tuple[Any, ...]) -> Any:
    """Record ``k`` applied to wires in the current Gaussian program; its output wires."""
    trace = _current.get()
    if trace is None:
        raise ProgramError(
            f"{k.label()}(...) applies it to wires and works only inside an @mc.program "
            "function over gauss objects; compose kernels with >> and @ instead"
        )
    outs = trace.apply(k, args)
    return outs[0] if len(outs) == 1 else tuple(outs)


_APPLY.append(apply)


def program(dom: Any, cod: Any) -> Callable[[Callable[..., Any]], GaussianKernel]:
    """``@mc.program(dom, cod)`` for Gaussian objects: trace into one Gaussian kernel.

    >>> import markovcat as mc
    >>> from markovcat import gauss
    >>> X = gauss.Real("X")
    >>> @mc.program(X, X)
    ... def double(x):
    ...     return gauss.deterministic(X, X, 2.0)(x)
    >>> double.A.tolist()
    [[2.0]]
    """
    dom, cod = as_space(dom, "program domain"), as_space(cod, "program codomain")

    def decorate(fn: Callable[..., Any]) -> GaussianKernel:
        if not callable(fn):
            raise ProgramError(f"@mc.program decorates a function, given {fn!r:.80}")
        name = getattr(fn, "__name__", "program")
        trace = _Trace(name, dom)
        token = _current.set(trace)
        try:
            result = fn(*trace.wires)
        finally:
            _current.reset(token)
        wires = () if result is None else result if isinstance(result, tuple) else (result,)
        if len(wires) != len(cod.factors):
            raise ProgramError(
                f"in program {name!r}: it must return {len(cod.factors)} wire(s) of types "
                f"{[str(f) for f in cod.factors]}, given {len(wires)}"
            )
        for i, (w, f) in enumerate(zip(wires, cod.factors)):
            if not isinstance(w, GaussWire) or w.trace is not trace or w.obj != f:
                raise ProgramError(
                    f"in program {name!r}: output {i} must be a wire of type {f} of this "
                    f"program, given {w!r:.80}"
                )
        r = np.asarray([c for w in wires for c in w.coords], dtype=int)
        M, m, S = trace.M, trace.m, trace.S
        cov = S[np.ix_(r, r)]
        return GaussianKernel(dom, space(cod), M[r], m[r], cov, name)

    return decorate
