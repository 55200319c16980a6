"""A layout (or several side by side) as an SVG document."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ._geometry import FONT, LABEL_FONT, RULE_FONT, Layout, Shape, _n, _pt


# xml.sax.saxutils imports urllib.request (and http, ssl, email): loaded on the first drawing
def escape(s: str) -> str:
    return str(importlib.import_module("xml.sax.saxutils").escape(s))


def quoteattr(s: str) -> str:
    return str(importlib.import_module("xml.sax.saxutils").quoteattr(s))


def _svg_body(lay: Layout, dx: float = 0.0, dy: float = 0.0) -> list[str]:
    def t(p: tuple[float, float]) -> tuple[float, float]:
        return p[0] + dx, p[1] + dy

    out = ['<g class="wires" fill="none" stroke="#222" stroke-width="1.4">']
    for w in lay.wires:
        d = " ".join(
            c + " " + _pt(tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(a)))
            for c, a in w.path
        )
        out.append(
            f'<path class="wire" d="{d}" data-obj={quoteattr(w.obj)} '
            f'data-start="{w.start}" data-end="{w.end}"/>'
        )
    out.append("</g>")
    for s in lay.shapes:
        out.append(_svg_shape(s, t))
    return out


def _svg_shape(s: Shape, t: Callable[[tuple[float, float]], tuple[float, float]]) -> str:
    pts = [t(p) for p in s.points]
    ports = ""
    if s.kind in ("box", "kernel", "state", "effect"):
        ins = ",".join(_pt(t(p)) for p in s.ports_in)
        outs = ",".join(_pt(t(p)) for p in s.ports_out)
        ports = (
            f' data-id="{s.ident}" data-name={quoteattr(s.text)} data-in="{ins}" data-out="{outs}"'
        )
    if s.kind in ("box", "kernel"):
        (x1, y1), (x2, y2) = pts
        fill = "#fff" if s.kind == "box" else "#eaf2fb"
        return (
            f'<rect class="box {s.kind}" x="{_n(min(x1, x2))}" y="{_n(min(y1, y2))}" '
            f'width="{_n(abs(x2 - x1))}" height="{_n(abs(y2 - y1))}" rx="3" '
            f'fill="{fill}" stroke="#222" stroke-width="1.4"{ports}/>'
        )
    if s.kind in ("state", "effect"):
        poly = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        return (
            f'<polygon class="box {s.kind}" points="{poly}" fill="#fff" stroke="#222" '
            f'stroke-width="1.4" stroke-linejoin="round"{ports}/>'
        )
    (x, y) = pts[0]
    if s.kind == "copy":
        return f'<circle class="copy" data-id="{s.ident}" cx="{_n(x)}" cy="{_n(y)}" r="3.2" fill="#222"/>'
    if s.kind == "delete":
        sign = 1 if s.text != "up" else -1
        d = " ".join(
            f"M {_n(x - h)} {_n(y + sign * k * 3)} h {_n(2 * h)}" for k, h in enumerate((7, 4.5, 2))
        )
        return (
            f'<path class="delete" data-id="{s.ident}" data-at="{_n(x)} {_n(y)}" d="{d}" '
            f'stroke="#222" stroke-width="1.4" fill="none"/>'
        )
    if s.kind == "label":
        return (
            f'<text class="label" x="{_n(x)}" y="{_n(y)}" dy=".35em" font-size="{LABEL_FONT}" '
            f'font-style="italic" fill="#444">{escape(s.text)}</text>'
        )
    if s.kind == "rule":
        return (
            f'<text class="rule" x="{_n(x)}" y="{_n(y)}" dy=".35em" text-anchor="middle" '
            f'font-size="{RULE_FONT}" font-style="italic" fill="#335">{escape(s.text)}</text>'
        )
    size = FONT * 2 if s.kind == "equals" else FONT
    return (
        f'<text class="{s.kind}" x="{_n(x)}" y="{_n(y)}" dy=".35em" text-anchor="middle" '
        f'font-size="{_n(size)}">{escape(s.text)}</text>'
    )


def _svg(
    parts: list[tuple[Layout, float, float]], width: float, height: float, extra: list[Shape]
) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" '
        'font-family="Helvetica, Arial, DejaVu Sans, sans-serif">'
    )
    body = [head, f'<rect width="{_n(width)}" height="{_n(height)}" fill="white"/>']
    for lay, dx, dy in parts:
        body.append(
            f'<g class="diagram" data-layout="{lay.style}" data-top="{_n(lay.top + dy)}" '
            f'data-bottom="{_n(lay.bottom + dy)}">'
        )
        body += _svg_body(lay, dx, dy)
        body.append("</g>")
    body += [_svg_shape(s, lambda p: p) for s in extra]
    body.append("</svg>")
    return "\n".join(body)
