"""The conditional tables of a parsed BIF network: numbers read, rows placed and checked.

A ``table`` entry of a variable with parents lists the variable's own outcome *slowest*:
first ``P(child = first outcome | each parent configuration)``, the configurations in
lexicographic order (first parent most significant), then the next outcome, and so on —
the layout of JavaBayes, pgmpy and pyAgrum (the transpose of ``f.matrix``). A root's
``table`` is just its distribution.
A row within ``mc.config.row_atol`` of summing to 1 is divided by its sum (one within
1e-12 is kept exactly as written); a row further off, a negative or non-finite number, a
missing or repeated row or an unknown outcome raises :class:`BifFormatError`; a table of
more than ``mc.config.max_elements`` entries raises :class:`MemoryLimitError` before
anything is allocated.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

import numpy as np

from .._config import config
from .._errors import BifFormatError, MemoryLimitError
from ._bif_parse import _Block, _Tokens


# ---- tables -----------------------------------------------------------------------------
def _values(t: _Tokens, nums: list[str], k: int, n: int, what: str, num: type) -> Any:
    if len(nums) != n:
        raise t.error(f"{what}: expected {n} probabilities, given {len(nums)}", k)
    try:
        vals = np.array(nums, dtype=np.float64)
    except ValueError:
        bad = next(x for x in nums if not _is_number(x))
        raise t.error(f"{what}: expected a number, given {bad!r}", k) from None
    if num is Fraction:
        return np.array([_exact(t, x, k, what) for x in nums], dtype=object)
    return vals


#: Exact (``backend="sympy"``) reading spells a decimal out as a fraction: its digits and
#: decimal exponent are bounded so that ``1e-999999999`` cannot ask for a billion digits.
MAX_EXACT_DIGITS = 1000
_DECIMAL = re.compile(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,12}))?")


def _exact(t: _Tokens, x: str, k: int, what: str) -> Fraction | float:
    """The exact value of a decimal; inf and nan stay floats (refused later)."""
    if not math.isfinite(float(x)):
        return float(x)
    m = _DECIMAL.fullmatch(x)
    ok = m is not None and len(m.group(1)) + len(m.group(2) or "") <= MAX_EXACT_DIGITS
    if not ok or m is None or abs(int(m.group(3) or 0)) > MAX_EXACT_DIGITS:
        raise t.error(
            f"{what}: {x[:40]!r} cannot be read exactly: backend='sympy' reads decimals with "
            f"at most {MAX_EXACT_DIGITS} digits and a decimal exponent within "
            f"±{MAX_EXACT_DIGITS}",
            k,
        )
    return Fraction(x)


def _is_number(x: str) -> bool:
    try:
        float(x)
    except ValueError:
        return False
    return True


def _table(
    t: _Tokens, block: _Block, cards: list[int], states: list[dict[str, int]], num: type
) -> tuple[np.ndarray, np.ndarray]:
    """The table with axes (parents…, child), and the token index of each row."""
    what = (
        f"probability ( {block.child}{' | ' + ', '.join(block.parents) if block.parents else ''} )"
    )
    shape = tuple(cards)
    n_rows = math.prod(shape[:-1])  # Python ints: no int64 overflow
    size = n_rows * shape[-1]
    if size > config.max_elements:
        raise MemoryLimitError(
            f"{t.at_line(t.line(block.tok))}{what}: the table has {size:,} entries "
            f"({' × '.join(map(str, shape))}), over mc.config.max_elements = "
            f"{config.max_elements:,}"
        )
    if block.table is not None and len(block.table[0]) != size:
        raise t.error(
            f"{what}: expected {size} probabilities, given {len(block.table[0])}",
            block.table[1],
        )
    dtype = object if num is Fraction else np.float64
    arr = np.zeros((n_rows, shape[-1]), dtype=dtype)
    where = np.full(n_rows, -1, dtype=np.int64)
    if block.table is not None:
        nums, k = block.table
        vals = _values(t, nums, k, n_rows * shape[-1], what, num)
        arr[:] = vals.reshape(shape[-1], n_rows).T  # the child's outcome is slowest
        where[:] = k
    if block.default is not None:
        nums, k = block.default
        row = _values(t, nums, k, shape[-1], f"{what} default", num)
        missing = where < 0
        arr[missing] = row
        where[missing] = k
    strides = [math.prod(shape[i + 1 : -1]) for i in range(len(shape) - 1)]
    card = shape[-1]
    rs = np.empty(len(block.rows), dtype=np.int64)
    for n, (config_, nums, k) in enumerate(block.rows):
        if len(config_) != len(block.parents) or len(nums) != card:
            raise t.error(
                f"{what}: a row names {len(config_)} parent outcome(s) and {len(nums)} "
                f"probabilities, expected {len(block.parents)} and {card}: {config_}",
                k,
            )
        r = 0
        for i, s in enumerate(config_):
            j = states[i].get(s)
            if j is None:
                raise t.error(
                    f"{what}: unknown outcome {s!r} of {block.parents[i]!r}; expected one of "
                    f"{list(states[i])}",
                    k,
                )
            r += j * strides[i]
        rs[n] = r
    if block.rows:
        first = np.unique(rs, return_index=True)[1]
        if len(first) != len(rs):
            n = int(min(set(range(len(rs))) - set(first.tolist())))
            raise t.error(
                f"{what}: the row {tuple(block.rows[n][0])} is given twice", block.rows[n][2]
            )
        flat = [x for _, nums, _ in block.rows for x in nums]
        try:
            vals = _values(t, flat, block.tok, len(flat), what, num)
        except BifFormatError:
            for _, nums, k in block.rows:  # find the row with the bad number
                _values(t, nums, k, card, what, num)
            raise
        arr[rs] = vals.reshape(len(rs), card)
        where[rs] = [k for _, _, k in block.rows]
    if (where < 0).any():
        r = int(np.argmax(where < 0))
        idx = np.unravel_index(r, shape[:-1])
        outcomes = tuple(list(states[i])[j] for i, j in enumerate(idx))
        raise t.error(f"{what}: no row for the parent outcomes {outcomes}", block.tok)
    return arr.reshape(shape), where


def _normalise(t: _Tokens, arr: np.ndarray, where: np.ndarray, what: str) -> np.ndarray:
    rows = arr.reshape(-1, arr.shape[-1])
    as_float = rows.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(as_float).all(axis=1) | (as_float < 0).any(axis=1))
    sums = rows.sum(axis=1)
    dev = np.abs(as_float.sum(axis=1) - 1.0)
    if bad.size:
        i = int(bad[0])
        raise t.error(
            f"{what}: probabilities must be finite and >= 0, given {rows[i].tolist()}",
            int(where[i]),
        )
    if dev.size and dev.max() > config.row_atol:
        i = int(np.argmax(dev > config.row_atol))
        raise t.error(
            f"{what}: the row sums to {float(sums[i]):.10g}, expected 1 within "
            f"mc.config.row_atol = {config.row_atol:g}",
            int(where[i]),
        )
    if arr.dtype == object:
        return (rows / sums[:, None]).reshape(arr.shape)
    # rows already 1 up to rounding stay as written, so that reading is idempotent
    scale = np.where(dev > 1e-12, sums, 1.0)
    return (rows / scale[:, None]).reshape(arr.shape)
