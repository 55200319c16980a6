"""A layout (or several side by side) as a TikZ ``tikzpicture`` (needs only TikZ)."""

from __future__ import annotations

from ._geometry import Layout, Shape, _n

_TEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"}
_TEX_SPECIAL.update(
    {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
)


def tex_escape(s: str) -> str:
    """Escape LaTeX's special characters in a name.

    >>> print(tex_escape("p_1 & q"))
    p\\_1 \\& q
    """
    return "".join(_TEX_SPECIAL.get(c, c) for c in s)


def _tikz(parts: list[tuple[Layout, float, float]], extra: list[Shape]) -> str:
    lines = [
        r"\begin{tikzpicture}[x=0.75pt, y=-0.75pt, wire/.style={line width=0.9pt},"
        r" box/.style={draw, line width=0.9pt, fill=white}]"
    ]
    for lay, dx, dy in parts:
        for w in lay.wires:
            cmds = []
            for c, a in w.path:
                a = tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(a))
                if c == "M":
                    cmds.append(f"({_n(a[0])},{_n(a[1])})")
                elif c == "L":
                    cmds.append(f"-- ({_n(a[0])},{_n(a[1])})")
                else:
                    cmds.append(
                        f".. controls ({_n(a[0])},{_n(a[1])}) and ({_n(a[2])},{_n(a[3])}) "
                        f".. ({_n(a[4])},{_n(a[5])})"
                    )
            lines.append(r"\draw[wire] " + " ".join(cmds) + ";")
        lines += [_tikz_shape(s, dx, dy) for s in lay.shapes]
    lines += [_tikz_shape(s, 0.0, 0.0) for s in extra]
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


def _tikz_shape(s: Shape, dx: float, dy: float) -> str:
    pts = [(x + dx, y + dy) for x, y in s.points]
    c = [f"({_n(x)},{_n(y)})" for x, y in pts]
    text = tex_escape(s.text)
    if s.kind in ("box", "kernel"):
        fill = "" if s.kind == "box" else ", fill=blue!6"
        return rf"\draw[box{fill}, rounded corners=2pt] {c[0]} rectangle {c[1]};"
    if s.kind in ("state", "effect"):
        return rf"\draw[box, line join=round] {' -- '.join(c)} -- cycle;"
    x, y = pts[0]
    if s.kind == "copy":
        return rf"\fill {c[0]} circle (2.4pt);"
    if s.kind == "delete":
        sign = 1 if s.text != "up" else -1
        return (
            r"\draw[wire] "
            + " ".join(
                f"({_n(x - h)},{_n(y + sign * k * 3)}) -- ({_n(x + h)},{_n(y + sign * k * 3)})"
                for k, h in enumerate((7, 4.5, 2))
            )
            + ";"
        )
    if s.kind == "label":
        return rf"\node[anchor=west, inner sep=0pt, font=\scriptsize\itshape] at {c[0]} {{{text}}};"
    if s.kind == "rule":
        return rf"\node[font=\scriptsize\itshape] at {c[0]} {{{text}}};"

    font = r"\Large" if s.kind == "equals" else r"\small"
    return rf"\node[font={font}] at {c[0]} {{{text}}};"
