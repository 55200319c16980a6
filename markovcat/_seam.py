"""The one seam between syntax and semantics.

Diagrams are syntax: they know how to compose, not what they mean. Their convenience
methods (``d.array``, ``d.evaluate()``, ``d.draw()``, ``d.to_tikz()``, the notebook
displays, and calling a morphism on wires inside ``@mc.program``) look up their meaning
here; the layers that give it register it when they are imported (``import markovcat``
imports them all). So the syntax modules import nothing above themselves, and a second
semantics (Gaussian kernels, say) registers its own meaning the same way.

>>> import markovcat as mc
>>> from markovcat import _seam
>>> _seam.meaning("evaluate") is mc.evaluate
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._errors import MarkovCatError

_MEANINGS: dict[str, Callable[..., Any]] = {}

#: What each name means and which module gives it.
PROVIDERS = {
    "evaluate": "markovcat._compile",
    "apply": "markovcat._program",
    "expand": "markovcat._program",
    "html": "markovcat._display",
    "draw": "markovcat.drawing",
    "tikz": "markovcat.drawing",
}


def provide(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``fn`` as the meaning of ``name`` (called once, at import of its module)."""
    if name not in PROVIDERS:  # pragma: no cover - internal wiring
        raise MarkovCatError(f"unknown seam {name!r}; expected one of {sorted(PROVIDERS)}")
    _MEANINGS[name] = fn
    return fn


def meaning(name: str) -> Callable[..., Any]:
    """The registered meaning of ``name``."""
    fn = _MEANINGS.get(name)
    if fn is None:  # pragma: no cover - only without `import markovcat`
        raise MarkovCatError(
            f"nothing gives diagrams their {name!r} yet: import markovcat (it imports "
            f"{PROVIDERS.get(name, '?')})"
        )
    return fn
