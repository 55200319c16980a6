"""Griffe extension for the API reference: markovcat docstrings are plain text with
doctest examples and a little reStructuredText; turn them into Markdown.

* runs of ``>>>`` / ``...`` lines and their expected output become ```` ```pycon ```` blocks;
* a paragraph ending in ``::`` ends in ``:`` and its indented block becomes a code block;
* roles like ``:func:`kernel``` and ``:class:`~mc.LawError``` become code spans.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj|ref):`~?([^`]+)`")


def to_markdown(text: str) -> str:
    """Convert one docstring (already dedented) to Markdown."""
    lines = ROLE.sub(r"`\1`", text).splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(lines[i][len(indent) :])
                i += 1
            out.extend([indent + "```pycon", *(indent + b for b in block), indent + "```"])
            continue
        if line.rstrip().endswith("::") and not stripped.startswith(("-", "*", "|")):
            out.append(line.rstrip()[:-1])
            i += 1
            while i < len(lines) and not lines[i].strip():
                out.append("")
                i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            width = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
            out.extend(["```python", *(b[width:] for b in block), "```", ""])
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DoctestsToMarkdown(griffe.Extension):
    """Rewrite every docstring once the object tree is loaded."""

    def __init__(self) -> None:
        super().__init__()
        self._done: set[int] = set()

    def on_object(self, *, obj: Any, **kwargs: Any) -> None:
        doc = obj.docstring
        if doc is not None and id(doc) not in self._done:
            self._done.add(id(doc))
            doc.value = to_markdown(doc.value)
