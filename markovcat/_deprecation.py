"""Old spellings of the public API that keep working for one release, with a warning.

0.2 settled one query vocabulary (``docs/vocabulary.md``): options such as ``base``,
``prior``, ``divergence`` and ``atol`` are keyword-only, a factor selection that is kept is
``keep``, a conditioning set is ``given``. Calls written for 0.1 still run: these decorators
translate them and raise a :class:`DeprecationWarning` that says what to write instead.

>>> import warnings
>>> @keyword_only("base")
... def entropy_of(p, *, base=None):
...     return (p, base)
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     entropy_of(0.5, 2)
(0.5, 2)
>>> print(caught[0].message)
mc.entropy_of: pass base= by keyword; passing it by position is deprecated and stops working in 0.3
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

REMOVED_IN = "0.3"
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def public_name(fn: Callable[..., Any]) -> str:
    """``mc.entropy`` for a function re-exported by ``markovcat``; ``chains.kl_rate`` or
    ``laws.check_bayes_law`` for one of a public subpackage; the bare name otherwise."""
    module = getattr(fn, "__module__", "") or ""
    if not module.startswith("markovcat"):
        return fn.__name__
    parts = module.split(".")[1:]
    where = "mc" if not parts or parts[0].startswith("_") else parts[0]
    return f"{where}.{fn.__name__}"


def warn(message: str) -> None:
    """A :class:`DeprecationWarning` pointing at the first line outside markovcat (the
    user's call), however many of markovcat's own frames lie in between."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(
        f"{message} is deprecated and stops working in {REMOVED_IN}",
        DeprecationWarning,
        stacklevel=level,
    )


def keyword_only(*names: str) -> Callable[[F], F]:
    """Let the keyword-only parameters ``names`` still be passed by position (in that
    order, after the positional parameters), with a warning."""

    def decorate(fn: F) -> F:
        params = inspect.signature(fn).parameters.values()
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        n = sum(p.kind in kinds for p in params)
        where = public_name(fn)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n:
                extra = args[n:]
                if len(extra) > len(names):
                    raise TypeError(
                        f"{where}() takes at most {n + len(names)} positional arguments, "
                        f"given {len(args)}"
                    )
                moved = dict(zip(names, extra, strict=False))
                twice = sorted(set(moved) & set(kwargs))
                if twice:
                    raise TypeError(f"{where}() got multiple values for {', '.join(twice)}")
                warn(
                    f"{where}: pass {', '.join(f'{k}=' for k in moved)} by keyword; passing it by position"
                )
                kwargs.update(moved)
                args = args[:n]
            return fn(*args, **kwargs)

        return call  # type: ignore[return-value]

    return decorate


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Accept the old keyword ``old=`` for the parameter now called ``new``, with a warning."""

    def decorate(fn: F) -> F:
        where = public_name(fn)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{where}() got both {old}= and {new}=; use {new}=")
                    warn(f"{where}: {old}= is now called {new}=; the old name")
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return call  # type: ignore[return-value]

    return decorate


__all__ = ["keyword_only", "public_name", "renamed", "warn"]
