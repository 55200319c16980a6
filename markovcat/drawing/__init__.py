"""Drawing string diagrams: a layout that follows the term, rendered to SVG and TikZ.

``f >> g`` stacks ``g`` below ``f`` (or above, with ``direction="up"``), ``f @ g`` places
them side by side. Boxes are rectangles, states (no inputs) triangles with the flat side
towards their outputs, effects (no outputs) the other way round, copy a dot with wires
out, delete a wire ending in a ground symbol, swaps crossings. Wires are labelled with
their object's name where they start. Every block of the layout contains its own boxes
and labels and blocks never overlap, so neither do boxes nor labels.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
>>> drawing = (p >> mc.copy(X) >> (f @ mc.identity(X))).draw()
>>> drawing.svg.startswith("<svg"), drawing.svg.count('class="wire"')
(True, 4)
"""

from __future__ import annotations

import pathlib

from .._diagram import Diagram
from .._errors import MarkovCatError
from .._seam import provide
from ._geometry import FONT, RULE_FONT, Layout, Shape, text_width
from ._layout import layout
from ._svg import _svg
from ._tikz import _tikz, tex_escape


class Drawing:
    """A drawn diagram (or equation): shows inline in Jupyter, saves as SVG or TikZ.

    >>> import markovcat as mc
    >>> d = mc.Box("f", mc.Bool, mc.Bool).draw()
    >>> d.svg.count('class="box box"'), d.to_tikz().startswith(r"\\begin{tikzpicture}")
    (1, True)
    """

    def __init__(
        self,
        parts: list[tuple[Layout, float, float]],
        width: float,
        height: float,
        extra: list[Shape] | None = None,
    ) -> None:
        self.parts, self.width, self.height = parts, width, height
        self.extra = list(extra or [])
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        """The SVG document as a string."""
        if self._svg is None:
            self._svg = _svg(self.parts, self.width, self.height, self.extra)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def to_tikz(self) -> str:
        """A ``tikzpicture`` environment with the same layout (needs only TikZ)."""
        return _tikz(self.parts, self.extra)

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write ``.svg`` or ``.tex`` (TikZ); ``.png``/``.pdf`` need ``cairosvg`` installed."""
        path = pathlib.Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".tex":
            path.write_text(self.to_tikz() + "\n", encoding="utf-8")
        elif suffix in (".png", ".pdf"):
            try:
                import cairosvg
            except ImportError:
                raise MarkovCatError(
                    f"saving {path.name}: expected the cairosvg package for {suffix} output, "
                    "which is not installed; save as .svg or .tex, or pip install cairosvg"
                ) from None
            convert = cairosvg.svg2png if suffix == ".png" else cairosvg.svg2pdf
            convert(bytestring=self.svg.encode("utf-8"), write_to=str(path), scale=2.0)
        else:
            raise MarkovCatError(
                f"saving a drawing to {path.name}: expected a .svg, .tex, .png or .pdf file"
            )
        return path


def draw(d: Diagram, direction: str = "down", style: str = "auto") -> Drawing:
    """Draw a string diagram: ``>>`` stacks downwards (``direction="up"``: upwards),
    ``@`` goes side by side. Returns a :class:`Drawing` (inline SVG in Jupyter).
    ``style`` is ``"term"``, ``"layered"`` or ``"auto"`` (see :func:`layout`).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> svg = mc.Box("p", mc.I, X).draw().svg
    >>> 'class="box state"' in svg
    True
    """
    lay = layout(d, direction, style)
    return Drawing([(lay, 0.0, 0.0)], lay.width, lay.height)


def to_tikz(d: Diagram, direction: str = "down") -> str:
    """The diagram as TikZ code for papers and slides (``\\usepackage{tikz}``).

    >>> import markovcat as mc
    >>> print(mc.copy(mc.Bool).to_tikz().splitlines()[-1])
    \\end{tikzpicture}
    """
    return draw(d, direction).to_tikz()


def side_by_side(layouts: list[Layout], between: str = "=") -> Drawing:
    """Several layouts in a row, vertically centred, with ``between`` drawn between them.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> side_by_side([layout(f), layout(f >> f)]).svg.count('class="equals"')
    1
    """
    height = max(lay.height for lay in layouts)
    sep = text_width(between, 2 * FONT) + 16.0
    parts, extra, x = [], [], 0.0
    for i, lay in enumerate(layouts):
        if i:
            extra.append(Shape("equals", [(x + sep / 2, height / 2)], between))
            x += sep
        parts.append((lay, x, (height - lay.height) / 2))
        x += lay.width
    return Drawing(parts, x, height, extra)


def chain(
    layouts: list[Layout], rules: list[str], per_row: int = 4, signs: list[str] | None = None
) -> Drawing:
    """The chain ``d0 = d1 = … = dn`` with ``rules[i]`` written under the equals sign
    between ``d_i`` and ``d_{i+1}``, at most ``per_row`` diagrams to a row (a new row
    starts with its equals sign). ``signs`` replaces the equals signs (``"≠"``, say).

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> chain([layout(f), layout(f >> f)], ["lemma"]).svg.count('class="rule"')
    1
    """
    if len(rules) != len(layouts) - 1:
        raise MarkovCatError(
            f"chain: expected one rule per equals sign ({len(layouts) - 1}), given {len(rules)}"
        )
    per_row = max(1, int(per_row))
    rule_w = max((text_width(r, RULE_FONT) for r in rules), default=0.0)
    sep = max(text_width("=", 2 * FONT) + 16.0, rule_w + 12.0)
    parts: list[tuple[Layout, float, float]] = []
    extra: list[Shape] = []
    y, width = 0.0, 0.0
    for start in range(0, len(layouts), per_row):
        row = layouts[start : start + per_row]
        height = max(lay.height for lay in row)
        below = RULE_FONT + 10.0 if rules else 0.0
        mid = height / 2
        x = 0.0
        for i, lay in enumerate(row):
            k = start + i
            if k:
                sign = signs[k - 1] if signs else "="
                extra.append(Shape("equals", [(x + sep / 2, y + mid)], sign))
                if rules[k - 1]:
                    extra.append(Shape("rule", [(x + sep / 2, y + mid + FONT + 6.0)], rules[k - 1]))
                x += sep
            parts.append((lay, x, y + (height - lay.height) / 2))
            x += lay.width
        width = max(width, x)
        y += max(height, mid + FONT + 6.0 + below / 2) + 6.0
    return Drawing(parts, width, y, extra)


provide("draw", draw)
provide("tikz", to_tikz)

__all__ = [
    "Drawing",
    "Layout",
    "chain",
    "draw",
    "layout",
    "side_by_side",
    "tex_escape",
    "text_width",
    "to_tikz",
]
