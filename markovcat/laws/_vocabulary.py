"""One argument order for every law: the kernels under test, then their companions, then
keyword options (``divergence=``, ``backend=``, ``atol=``).

0.1's spellings keep working for one release with a :class:`DeprecationWarning`: a
divergence passed first (``check_data_processing(D, p, q, h)``) or anywhere by position,
``D=`` for ``divergence=``, and options by position.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .._config import check_tolerance
from .._deprecation import keyword_only, public_name, warn
from .._diagram import Diagram
from .._divergence import Divergence
from .._errors import TypeMismatchError

F = TypeVar("F", bound=Callable[..., Any])


def options(*names: str) -> Callable[[F], F]:
    """Make the law's options ``names`` keyword-only, translating 0.1's spellings."""

    def decorate(fn: F) -> F:
        inner = keyword_only(*(n for n in names if n != "divergence"))(fn)
        where = public_name(fn)
        takes_divergence = "divergence" in names
        sig = inspect.signature(fn)
        diagrams = [n for n, p in sig.parameters.items() if p.annotation in ("Diagram", Diagram)]

        def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            """Arguments of the wrong kind are misuse, not a failing law: say so."""
            try:
                bound = sig.bind_partial(*args, **kwargs)
            except TypeError:  # 0.1's positional options: the wrapped law sorts them out
                return
            for n in diagrams:
                v = bound.arguments.get(n)
                if n in bound.arguments and not isinstance(v, Diagram):
                    raise TypeMismatchError(
                        f"{where}: expected a diagram or kernel for {n}, "
                        f"given {type(v).__name__} {v!r:.60}"
                    )
            if "atol" in bound.arguments:
                check_tolerance(bound.arguments["atol"], where)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if takes_divergence and "D" in kwargs:
                warn(f"{where}: D= is now called divergence=; the old name")
                kwargs["divergence"] = kwargs.pop("D")
            at = next((i for i, a in enumerate(args) if isinstance(a, Divergence)), None)
            if takes_divergence and at is not None and "divergence" not in kwargs:
                warn(f"{where}: pass the divergence as divergence=, after the kernels; by position")
                kwargs["divergence"] = args[at]
                args = args[:at] + args[at + 1 :]
            check(args, kwargs)
            return inner(*args, **kwargs)

        return call  # type: ignore[return-value]

    return decorate


__all__ = ["options"]
