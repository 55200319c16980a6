"""Kernels as tables of numbers: the text ``print(k)`` shows, and pandas / xarray exports.

Rows are the input outcomes (one row for a state), columns the output outcomes, each
labelled; a product's outcome is its labels joined by commas. Large tables show their
first and last rows and columns with ``…`` between, as pandas does. Floats are printed
with 4 significant digits, exact entries as sympy prints them (``1/3``).

pandas and xarray are optional: :func:`to_pandas` and :func:`to_xarray` import them when
called.

>>> import markovcat as mc
>>> print(mc.state(mc.Bool, [0.25, 0.75], name="p"))
p : I → Bool
False  True
 0.25  0.75
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ._errors import InvalidArgumentError
from ._objects import I, Object
from .backends import ops

#: tables with more rows (columns) than this show their first and last ``SHOWN_ROWS // 2``
#: rows (``MAX_COLS // 2`` columns) with ``…`` between, as pandas does
MAX_ROWS = 20
SHOWN_ROWS = 10
MAX_COLS = 8
ELLIPSIS = "…"


def label(outcome: object) -> str:
    """An outcome as a table label: a product's labels joined by commas.

    >>> label(("yes", True)), label("no"), label(())
    ('yes, True', 'no', '·')
    """
    if isinstance(outcome, tuple):
        return ", ".join(map(str, outcome)) if outcome else "·"
    return str(outcome)


def entry(v: object) -> str:
    """One table entry: floats to 4 significant digits, exact numbers as sympy prints them.

    >>> from fractions import Fraction
    >>> entry(0.123456), entry(1.0), entry(Fraction(1, 3))
    ('0.1235', '1', '1/3')
    """
    if isinstance(v, float | np.floating):
        return f"{float(v):.4g}"
    return str(v)


def _picked(n: int, most: int, shown: int) -> list[int | None]:
    """Which indices to show of ``n``: all up to ``most``, else the first and last
    ``shown // 2`` with ``None`` (the ellipsis) between."""
    if n <= most:
        return list(range(n))
    head = (shown + 1) // 2
    return [*range(head), None, *range(n - (shown - head), n)]


def _values(k: Any) -> np.ndarray | None:
    """The kernel's matrix as an object array of Python numbers or sympy entries; None for
    a JAX tracer (no values to show)."""
    m = k.matrix
    if not ops.is_concrete(m):
        return None
    if ops.is_exact(m):
        return np.asarray(m, dtype=object)
    return np.asarray(np.asarray(m, dtype=np.float64).tolist(), dtype=object).reshape(np.shape(m))


def header(k: Any) -> str:
    """The first line: name (or ``kernel``), type, and the backend when it is not numpy.

    >>> import markovcat as mc
    >>> header(mc.state(mc.Bool, [0.5, 0.5]).to("sympy"))
    'state : I → Bool (sympy)'
    """
    kind = "state" if k.dom == I else "kernel"
    backend = "" if k.backend == "numpy" else f" ({k.backend})"
    return f"{k.name or kind} : {k.dom} → {k.cod}{backend}"


def kernel_text(k: Any, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> str:
    """The text of ``print(k)``: a header line, then the table.

    >>> import markovcat as mc
    >>> R = mc.Obj("Rain", ("no", "yes"))
    >>> print(mc.kernel(R, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="wet"))
    wet : Rain → Bool
         False  True
    no     0.9   0.1
    yes    0.2   0.8
    """
    vals = _values(k)
    if vals is None:
        return f"{header(k)}: traced (no values)"
    rows = _picked(len(k.dom.outcomes), max_rows, SHOWN_ROWS) if k.dom != I else [0]
    cols = _picked(len(k.cod.outcomes), max_cols, max_cols)
    grid: list[list[str]] = []
    labelled = k.dom != I
    top = [label(k.cod.outcomes[j]) if j is not None else ELLIPSIS for j in cols]
    grid.append(([""] if labelled else []) + top)
    for i in rows:
        if i is None:
            grid.append(([ELLIPSIS] if labelled else []) + [ELLIPSIS] * len(cols))
            continue
        cells = [entry(vals[i, j]) if j is not None else ELLIPSIS for j in cols]
        grid.append(([label(k.dom.outcomes[i])] if labelled else []) + cells)
    widths = [max(len(r[c]) for r in grid) for c in range(len(grid[0]))]
    lines = []
    for r in grid:
        cells = [
            r[c].ljust(widths[c]) if labelled and c == 0 else r[c].rjust(widths[c])
            for c in range(len(r))
        ]
        lines.append("  ".join(cells).rstrip())
    shape = ""
    if None in rows or None in cols:
        shape = f"\n[{len(k.dom.outcomes)} rows x {len(k.cod.outcomes)} columns]"
    return "\n".join([header(k), *lines]) + shape


def _optional(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InvalidArgumentError(
            f"{what} needs {module}, which is not installed: pip install {module}"
        ) from None


def _index(pd: Any, obj: Object) -> Any:
    """A pandas index of an object's outcomes: a MultiIndex named by factor for a product."""
    names = [str(f) for f in obj.factors]
    if len(obj.factors) == 1:
        return pd.Index(list(obj.outcomes), name=names[0])
    return pd.MultiIndex.from_tuples(list(obj.outcomes), names=names)


def _floats_or_exact(k: Any) -> np.ndarray:
    vals = _values(k)
    if vals is None:
        raise InvalidArgumentError(f"{header(k)}: a traced kernel has no values to export")
    return vals if ops.is_exact(k.matrix) else vals.astype(np.float64)


def to_pandas(k: Any) -> Any:
    """A kernel as a ``pandas.DataFrame``: rows the input outcomes (one row, labelled by
    the name, for a state), columns the output outcomes, a MultiIndex by factor for
    products. Exact kernels keep their sympy entries (object columns). Needs pandas.

    >>> import markovcat as mc
    >>> pd = __import__("pytest").importorskip("pandas")
    >>> mc.to_pandas(mc.state(mc.Bool, [0.25, 0.75], name="p")).loc["p", True]
    np.float64(0.75)
    """
    pd = _optional("pandas", "mc.to_pandas")
    vals = _floats_or_exact(k)
    rows = pd.Index([k.name or "p"]) if k.dom == I else _index(pd, k.dom)
    return pd.DataFrame(vals, index=rows, columns=_index(pd, k.cod))


def to_xarray(k: Any) -> Any:
    """A kernel as an ``xarray.DataArray`` with one named dimension per factor (inputs
    first) and the outcomes as coordinates. A factor appearing twice gets ``'`` suffixes.
    Needs xarray.

    >>> import markovcat as mc
    >>> xr = __import__("pytest").importorskip("xarray")
    >>> R = mc.Obj("Rain", ("no", "yes"))
    >>> a = mc.to_xarray(mc.kernel(R, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    >>> a.dims, float(a.sel(Rain="yes", Bool=True))
    (('Rain', 'Bool'), 0.8)
    """
    xr = _optional("xarray", "mc.to_xarray")
    factors = [*k.dom.factors, *k.cod.factors] if k.dom != I else list(k.cod.factors)
    dims: list[str] = []
    for f in factors:
        name = str(f)
        while name in dims:
            name += "'"
        dims.append(name)
    shape = tuple(len(f.outcomes) for f in factors)
    vals = _floats_or_exact(k).reshape(shape)
    coords = {d: list(f.outcomes) for d, f in zip(dims, factors, strict=True)}
    return xr.DataArray(vals, dims=dims, coords=coords, name=k.name)


__all__ = ["entry", "header", "kernel_text", "label", "to_pandas", "to_xarray"]
