"""Second semantics behind the same verbs: a registry keyed by verb name.

The core verbs (``mc.copy``, ``mc.marginal``, ``mc.KL``, ...) are written for finite
kernels. A second Markov category (``markovcat.gauss``: linear-Gaussian kernels) registers,
for each verb, the class of its morphisms or objects and its own implementation; the first
line of each core verb asks :func:`other` whether one of its arguments belongs to such a
class and, if so, hands the call over. Nothing is registered until that semantics is
imported, so the finite path pays one dictionary lookup; this module sits in the lowest
layer and imports nothing of markovcat, so the syntax and kernel layers may use it.

>>> from markovcat import _dispatch
>>> class Meters(float): ...
>>> _dispatch.register("demo", Meters, lambda x: f"{x} m")
>>> _dispatch.other("demo", Meters(2.0)), _dispatch.other("demo", 2.0) is _dispatch.NOTHING
('2.0 m', True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _Nothing:
    """The marker that no registered semantics claimed the call."""

    def __repr__(self) -> str:
        return "NOTHING"


#: Returned by :func:`other` when no argument belongs to a registered semantics.
NOTHING: Any = _Nothing()

#: verb -> (the registered classes, as one tuple for isinstance; (class, function) pairs)
_REGISTRY: dict[str, tuple[tuple[type, ...], list[tuple[type, Callable[..., Any]]]]] = {}


def register(verb: str, cls: type, fn: Callable[..., Any]) -> None:
    """Let ``fn`` answer ``verb`` whenever a positional argument is an instance of ``cls``.

    Registering the same ``(verb, cls)`` again replaces the earlier function.

    >>> from markovcat import _dispatch
    >>> _dispatch.register("demo_twice", complex, lambda z: 2 * z)
    >>> _dispatch.other("demo_twice", 1j)
    2j
    """
    entries = [e for e in _REGISTRY.get(verb, ((), []))[1] if e[0] is not cls]
    entries.append((cls, fn))
    _REGISTRY[verb] = (tuple(c for c, _ in entries), entries)


def other(verb: str, *args: Any, **kwargs: Any) -> Any:
    """The registered implementation of ``verb`` applied to the arguments, if one of the
    positional arguments (or a value inside a positional ``dict``/``tuple``/``list``) belongs
    to a registered class; else :data:`NOTHING`.

    >>> from markovcat import _dispatch
    >>> _dispatch.other("no such verb", 1) is _dispatch.NOTHING
    True
    """
    entry = _REGISTRY.get(verb)
    if entry is None:
        return NOTHING
    classes, entries = entry
    for a in args:
        hit = a if isinstance(a, classes) else None
        t = type(a)
        if hit is None and (t is dict or t is list or t is tuple):
            hit = next(
                (v for v in (a.values() if t is dict else a) if isinstance(v, classes)), None
            )
        if hit is not None:
            fn = next(f for c, f in entries if isinstance(hit, c))
            return fn(*args, **kwargs)
    return NOTHING


__all__ = ["NOTHING", "other", "register"]
