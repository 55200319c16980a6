"""The records a drawing is made of: wires, shapes and the layout holding them, in local
coordinates (y grows downwards), with the sizes and fonts every renderer shares.

>>> w = Wire("X", "dom 0", [("M", (0.0, 0.0))])
>>> w.to(0.0, 10.0); w.to(0.0, 20.0); w.path
[('M', (0.0, 0.0)), ('L', (0.0, 20.0))]
"""

from __future__ import annotations

from dataclasses import dataclass, field

FONT = 12.0  # box names, px
LABEL_FONT = 10.5  # wire labels, px
RULE_FONT = 11.0  # the rule under an equals sign in a proof, px
PAD = 8.0  # left margin before the first port of a block
GAP = 14.0  # between blocks side by side
MARGIN = 10.0  # around the whole picture
BOX_H = 28.0
STATE_H = 30.0


def text_width(s: str, size: float = FONT) -> float:
    """A generous estimate of the width of ``s`` in a sans-serif font of ``size`` px.

    >>> text_width("ab") < text_width("abc")
    True
    """
    wide = sum(1 for c in s if c.isupper() or c in "mwMW@%")
    return size * (0.62 * len(s) + 0.18 * wide) + 2.0


@dataclass
class Wire:
    """One wire: a path from where it starts to where it ends, and what it carries."""

    obj: str
    start: str
    path: list[tuple[str, tuple[float, ...]]] = field(default_factory=list)
    end: str = ""

    @property
    def point(self) -> tuple[float, float]:
        args = self.path[-1][1]
        return args[-2], args[-1]

    def to(self, x: float, y: float) -> None:
        """Straight on to ``(x, y)``, merging with a previous collinear straight piece."""
        x0, y0 = self.point
        if abs(x - x0) < 1e-9 and abs(y - y0) < 1e-9:
            return
        if (
            len(self.path) > 1
            and self.path[-1][0] == "L"
            and abs(x - x0) < 1e-9
            and abs(self.path[-2][1][-2] - x) < 1e-9
        ):
            self.path[-1] = ("L", (x, y))
        else:
            self.path.append(("L", (x, y)))

    def curve(self, x: float, y: float) -> None:
        """An S-curve with vertical tangents at both ends (straight if vertical)."""
        x0, y0 = self.point
        if abs(x - x0) < 1e-9:
            self.to(x, y)
        else:
            m = (y - y0) / 2
            self.path.append(("C", (x0, y0 + m, x, y - m, x, y)))


@dataclass
class Shape:
    """A box, state, effect, copy dot, delete symbol or piece of text."""

    kind: str  # box | kernel | state | effect | copy | delete | name | label | equals
    points: list[tuple[float, float]]
    text: str = ""
    ident: int = -1
    ports_in: list[tuple[float, float]] = field(default_factory=list)
    ports_out: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Layout:
    """Where everything goes: wires, shapes, and the size of the picture."""

    width: float
    height: float
    wires: list[Wire]
    shapes: list[Shape]
    top: float  # y of the domain boundary
    bottom: float  # y of the codomain boundary
    style: str = "term"  # "term": follows the term; "layered": the wiring graph in layers


def _flip(lay: Layout) -> Layout:
    """Mirror top and bottom (for diagrams read upwards)."""
    h = lay.height

    def f(args: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(v if i % 2 == 0 else h - v for i, v in enumerate(args))

    for w in lay.wires:
        w.path = [(c, f(a)) for c, a in w.path]
    for s in lay.shapes:
        s.points = [f(p) for p in s.points]  # type: ignore[misc]
        s.ports_in = [f(p) for p in s.ports_in]  # type: ignore[misc]
        s.ports_out = [f(p) for p in s.ports_out]  # type: ignore[misc]
        if s.kind == "delete":
            s.text = "up"
    lay.top, lay.bottom = h - lay.top, h - lay.bottom
    return lay


# ---- numbers as the renderers write them ---------------------------------------------
def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pt(p: tuple[float, ...]) -> str:
    return " ".join(_n(v) for v in p)
