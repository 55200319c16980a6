"""HTML tables of kernels for Jupyter, with outcome labels."""

from __future__ import annotations

import html

import numpy as np

from ._diagram import Box
from ._interpret import _has_box
from ._kernel import Kernel
from ._seam import provide
from .backends import ops


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def _label(outcome: object) -> str:
    if isinstance(outcome, tuple):
        return ", ".join(map(str, outcome)) if outcome else "·"
    return str(outcome)


def kernel_html(d, max_rows: int = 64, max_cols: int = 32) -> str | None:
    """A kernel as an HTML table: rows are inputs, columns outputs (``None`` for other
    diagrams, so that Jupyter shows their drawing instead).

    >>> import markovcat as mc
    >>> "<table" in mc.state(mc.Bool, [0.5, 0.5])._repr_html_()
    True
    """
    if not isinstance(d, Kernel):  # a composite shows its drawing (``_repr_svg_``)
        return None
    if isinstance(d, Box) or _has_box(d):
        return f"<code>{html.escape(str(d))} : {html.escape(str(d.dom))} → {html.escape(str(d.cod))}</code>"
    m = d.matrix
    if not ops.is_concrete(m):  # a JAX tracer: no values to show
        return f"<code>{html.escape(str(d))} : {html.escape(str(d.dom))} → {html.escape(str(d.cod))} (traced)</code>"
    vals = np.asarray(m, dtype=object) if ops.is_exact(m) else np.asarray(m).tolist()
    vals = np.asarray(vals, dtype=object)
    rows, cols = d.dom.outcomes, d.cod.outcomes
    title = html.escape(f"{getattr(d, 'name', None) or d} : {d.dom} → {d.cod}")
    out = [f"<table><caption>{title}</caption><tr><th></th>"]
    out += [f"<th>{html.escape(_label(c))}</th>" for c in cols[:max_cols]]
    out.append("<th>…</th></tr>" if len(cols) > max_cols else "</tr>")
    for i, r in enumerate(rows[:max_rows]):
        out.append(f"<tr><th>{html.escape(_label(r))}</th>")
        out += [f"<td>{_fmt(v)}</td>" for v in vals[i][:max_cols]]
        out.append("</tr>")
    if len(rows) > max_rows:
        out.append(
            f"<tr><td colspan='{min(len(cols), max_cols) + 1}'>… {len(rows) - max_rows} more rows</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


provide("html", kernel_html)
