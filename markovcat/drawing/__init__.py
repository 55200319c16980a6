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
from ._geometry import FONT, Layout, Shape, text_width
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


def draw(d: Diagram, direction: str = "down") -> Drawing:
    """Draw a string diagram: ``>>`` stacks downwards (``direction="up"``: upwards),
    ``@`` goes side by side. Returns a :class:`Drawing` (inline SVG in Jupyter).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> svg = mc.Box("p", mc.I, X).draw().svg
    >>> 'class="box state"' in svg
    True
    """
    lay = layout(d, direction)
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


provide("draw", draw)
provide("tikz", to_tikz)

__all__ = [
    "Drawing",
    "Layout",
    "draw",
    "layout",
    "side_by_side",
    "tex_escape",
    "text_width",
    "to_tikz",
]
