"""The structural constructors: ``identity``, ``copy``, ``delete``, ``swap`` and
``rewire``, which builds any copy–delete–permutation map from them — an odd–even
transposition sort for small permutations, a radix sort by block swaps for large ones.

>>> import markovcat as mc
>>> A, B = mc.Obj("A", 2), mc.Obj("B", 3)
>>> print(mc.rewire(A @ B, [1, 0]))
swap(A, B)
"""

from __future__ import annotations

import gc
import itertools
import operator
from typing import Any

import numpy as np

from . import _dispatch
from ._config import config
from ._errors import InvalidObjectError, MemoryLimitError, UnknownOutcomeError
from ._graph import Graph
from ._objects import I, Obj, Object, Product, as_object, product
from ._terms import Copy, Delete, Diagram, Identity, Par, Seq, Swap, describe


def identity(obj: Object) -> Diagram:
    """The identity morphism on ``obj``.

    >>> import markovcat as mc
    >>> mc.identity(mc.Bool).matrix.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if (r := _dispatch.other("identity", obj)) is not _dispatch.NOTHING:
        return r  # a Gaussian object (markovcat.gauss)
    return Identity(as_object(obj, "identity"))


#: The most copies one ``mc.copy`` makes (each is a wire of the diagram).
MAX_COPIES = 2**16


def copy(obj: Object, n: int = 2) -> Diagram:
    """The copy map ``X → X^{⊗n}`` (``n=1`` is the identity, ``n=0`` delete).

    >>> import markovcat as mc
    >>> mc.copy(mc.Bool).array[1].tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    if (r := _dispatch.other("copy", obj, n)) is not _dispatch.NOTHING:
        return r  # a Gaussian object (markovcat.gauss)
    obj = as_object(obj, "copy")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidObjectError(f"copy({obj}): expected a number of copies n >= 0, given {n!r}")
    if n > MAX_COPIES:
        raise MemoryLimitError(f"copy({obj}): {n:,} copies is over the limit of {MAX_COPIES:,}")
    if n * len(obj.factors) > config.max_elements:
        raise MemoryLimitError(
            f"copy({describe(obj)}, {n:,}): the codomain would have {n * len(obj.factors):,} "
            f"factors, over mc.config.max_elements = {config.max_elements:,}"
        )
    if n == 0:
        return Delete(obj)
    if n == 1:
        return Identity(obj)
    return Copy(obj, n)


def delete(obj: Object) -> Diagram:
    """The delete (discard) map ``X → I``.

    >>> import markovcat as mc
    >>> mc.delete(mc.Bool).array.tolist()
    [1.0, 1.0]
    """
    if (r := _dispatch.other("delete", obj)) is not _dispatch.NOTHING:
        return r  # a Gaussian object (markovcat.gauss)
    return Delete(as_object(obj, "delete"))


def swap(left: Object, right: Object) -> Diagram:
    """The symmetry ``X ⊗ Y → Y ⊗ X``.

    >>> import markovcat as mc
    >>> A = mc.Obj("A", 2)
    >>> print(mc.swap(A, mc.Bool).cod)
    Bool ⊗ A
    """
    if (r := _dispatch.other("swap", left, right)) is not _dispatch.NOTHING:
        return r  # Gaussian objects (markovcat.gauss)
    return Swap(as_object(left, "swap"), as_object(right, "swap"))


def rewire(obj: Object, positions: tuple[int, ...] | list[int]) -> Diagram:
    """The structural map ``X1⊗…⊗Xn → X_{p1}⊗…⊗X_{pk}`` built from copy, delete and swap.

    Factors listed twice are copied, factors not listed are deleted.

    >>> import markovcat as mc
    >>> A, B = mc.Obj("A", 2), mc.Obj("B", 3)
    >>> print(mc.rewire(A @ B, [1, 0, 1]).cod)
    B ⊗ A ⊗ B
    """
    if (r := _dispatch.other("rewire", obj, positions)) is not _dispatch.NOTHING:
        return r  # a Gaussian object (markovcat.gauss)
    obj = as_object(obj, "rewire")
    factors = obj.factors
    if not isinstance(positions, (list, tuple, range)):
        raise UnknownOutcomeError(
            f"rewire({obj}): expected a list of factor positions, given {positions!r:.80}"
        )
    positions = [_position(p, len(factors), obj) for p in positions]
    if len(factors) + len(positions) > REWIRE_TERM:  # the wiring itself: linear
        cod = product(*(factors[p] for p in positions))
        return Graph(obj, cod, factors, tuple(range(len(factors))), (), tuple(positions), "rewire")
    return rewire_term(obj, positions)


#: Up to this many wires in and out, ``rewire`` builds its term of copies and swaps; a
#: larger one is a :class:`~markovcat._graph.Graph` without steps (only the wiring), which
#: stands for the same term and is built and walked in linear time.
REWIRE_TERM = 512


def rewire_term(obj: Object, positions: list[int]) -> Diagram:
    """The term of copies, deletes and swaps of :func:`rewire` (positions checked)."""
    factors = obj.factors
    counts = [0] * len(factors)
    for p in positions:
        counts[p] += 1
    layer = _tensor([copy(f, c) for f, c in zip(factors, counts, strict=False)], I)
    # wires after copying, each labelled by its factor; then sort them into `positions`
    current = [i for i, c in enumerate(counts) for _ in range(c)]
    perm = _permutation([factors[i] for i in current], current, positions)
    return _strip_identities(layer >> perm)


def _position(p: Any, n: int, obj: Object) -> int:
    """A factor position (any integer type, numpy's too; never a bool), checked."""
    try:
        k = operator.index(p)
    except TypeError:
        k = None
    if k is None or isinstance(p, (bool, np.bool_)) or not -n <= k < n:
        raise UnknownOutcomeError(
            f"object {describe(obj)}: expected a factor position in range({n}), given {p!r:.40}"
        )
    return k % n


def _tensor(parts: list[Diagram], unit: Object) -> Diagram:
    """Tensor of ``parts``, merging each run of neighbouring identities into one."""
    merged: list[Diagram] = []
    run: list[Object] = []

    def flush() -> None:
        obj = product(*run)
        if obj != I:
            merged.append(Identity(obj))
        run.clear()

    for p in parts:
        if isinstance(p, Identity):
            run.append(p.obj)
        else:
            flush()
            merged.append(p)
    flush()
    if not merged:
        return Identity(unit)
    return merged[0] if len(merged) == 1 else Par(tuple(merged))


#: Up to this many wires, permutations are odd–even transposition sorts (few layers of
#: neighbour swaps: the clearest drawing); above it, block swaps (near-linear size).
SMALL_PERMUTATION = 32


def _permutation(objs: list[Obj], labels: list[int], target: list[int]) -> Diagram:
    """Swaps that bring wires labelled ``labels`` into the order ``target``."""
    queues: dict[int, list[int]] = {}
    for slot, t in enumerate(target):
        queues.setdefault(t, []).append(slot)
    heads = dict.fromkeys(queues, 0)
    key = []  # final slot of the wire in each slot
    for lab in labels:
        key.append(queues[lab][heads[lab]])
        heads[lab] += 1
    if len(key) <= SMALL_PERMUTATION:
        return _transposition_sort(list(objs), key)
    # Building allocates many small terms and no cycles: without pausing the cyclic
    # garbage collector, its repeated full passes make this quadratic in practice.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _block_sort(list(objs), key)
    finally:
        if paused:
            gc.enable()


def _transposition_sort(objs: list[Obj], key: list[int]) -> Diagram:
    """Odd–even transposition sort: at most ``len(key)`` layers of parallel swaps."""
    result: Diagram = Identity(product(*objs))
    for rnd in range(len(key) + 1):
        if all(key[j] <= key[j + 1] for j in range(len(key) - 1)):
            break
        i = rnd % 2  # pairs (i, i+1), (i+2, i+3), … : odd–even rounds alternate
        parts: list[Diagram] = [Identity(objs[0])] if i else []
        while i < len(key):
            if i + 1 < len(key) and key[i] > key[i + 1]:
                parts.append(Swap(objs[i], objs[i + 1]))
                key[i], key[i + 1] = key[i + 1], key[i]
                objs[i], objs[i + 1] = objs[i + 1], objs[i]
            else:
                parts += [Identity(o) for o in objs[i : i + 2]]
            i += 2
        result = result >> _tensor(parts, I)
    return result


def _block_sort(objs: list[Obj], key: list[int]) -> Diagram:
    """A radix sort by whole-block swaps: O(n log n) swaps in O(log² n) layers.

    ``key`` (distinct final slots) is turned into ranks; the wires are stably partitioned
    into the lower and upper half of the ranks — partition both halves of the wires, then
    one ``Swap`` of blocks puts the lower part of the right half before the upper part of
    the left half — and both halves are sorted side by side.
    """
    order = sorted(range(len(key)), key=key.__getitem__)
    rank = [0] * len(key)
    for r, i in enumerate(order):
        rank[i] = r
    steps: list[Diagram] = []
    # work list of (offset, ranks of the wires there, minus the offset); one layer each
    layer = [(0, rank)]
    items = list(range(len(key)))  # which original wire is in each slot
    while layer:
        parts: list[Diagram] = []
        nxt = []
        for off, ranks in layer:
            n = len(ranks)
            half = n // 2
            d, perm = _partition(objs, items, off, [r >= half for r in ranks])
            parts.append(d)
            moved = [ranks[p] for p in perm]
            items[off : off + n] = [items[off + p] for p in perm]
            for start, sub in ((0, moved[:half]), (half, [r - half for r in moved[half:]])):
                if len(sub) > 1 and any(sub[j] > sub[j + 1] for j in range(len(sub) - 1)):
                    nxt.append((off + start, sub))
        if any(not isinstance(p, Identity) for p in parts):
            steps.append(_spread(parts, [off for off, _ in layer], objs, items))
        layer = nxt
    if not steps:
        return Identity(product(*objs))
    return steps[0] if len(steps) == 1 else Seq(tuple(steps))


def _spread(parts: list[Diagram], offsets: list[int], objs: list[Obj], items: list[int]) -> Diagram:
    """``parts`` (each on the wires from its offset) side by side, identities between."""
    pieces: list[Diagram] = []
    at = 0
    for off, d in zip(offsets, parts, strict=True):
        if off > at:
            pieces.append(Identity(product(*(objs[items[j]] for j in range(at, off)))))
        pieces.append(d)
        at = off + len(d.dom.factors)
    if at < len(items):
        pieces.append(Identity(product(*(objs[items[j]] for j in range(at, len(items))))))
    return _tensor(pieces, I)


def _partition(
    objs: list[Obj], items: list[int], off: int, high: list[bool]
) -> tuple[Diagram, list[int]]:
    """Block swaps that stably move the wires with ``high`` false before the others.

    Returns the diagram (on the wires ``items[off:off+len(high)]``) and the new order, as
    positions into ``high``. Built bottom-up: each layer merges neighbouring segments
    (each already lows-then-highs) with at most one block swap per pair.
    """
    n = len(high)
    # segments: (order of positions, number of lows, factors of lows, factors of highs)
    segs: list[tuple[list[int], int, tuple[Obj, ...], tuple[Obj, ...]]] = []
    for j in range(n):
        o = (objs[items[off + j]],)
        segs.append(([j], 0, (), o) if high[j] else ([j], 1, o, ()))
    steps: list[Diagram] = []
    while len(segs) > 1:
        merged = []
        parts: list[Diagram] = []
        run: list[tuple[Obj, ...]] = []  # blocks passed through since the last swap

        def flush(run: list[tuple[Obj, ...]] = run, parts: list[Diagram] = parts) -> None:
            factors = tuple(itertools.chain.from_iterable(run))
            if factors:
                parts.append(Identity(_from_factors(factors)))
            run.clear()

        for k in range(0, len(segs) - 1, 2):
            (o1, a1, lo1, hi1), (o2, a2, lo2, hi2) = segs[k], segs[k + 1]
            if a1 < len(o1) and a2:  # highs on the left, lows on the right: swap them
                run.append(lo1)
                flush()
                parts.append(_block_swap(hi1, lo2))
                run.append(hi2)
                order = o1[:a1] + o2[:a2] + o1[a1:] + o2[a2:]
            else:
                run += (lo1, hi1, lo2, hi2)
                order = o1 + o2
            merged.append((order, a1 + a2, lo1 + lo2, hi1 + hi2))
        if len(segs) % 2:
            last = segs[-1]
            run += (last[2], last[3])
            merged.append(last)
        if parts:
            flush()
            steps.append(_tensor(parts, I))
        segs = merged
    final, _, lo, hi = segs[0]
    if not steps:
        return Identity(_from_factors(lo + hi)), final
    return (steps[0] if len(steps) == 1 else Seq(tuple(steps))), final


def _from_factors(factors: tuple[Obj, ...]) -> Object:
    return factors[0] if len(factors) == 1 else Product(factors)


def _block_swap(left: tuple[Obj, ...], right: tuple[Obj, ...]) -> Swap:
    """``Swap`` of two blocks given by their factors, its types filled in directly."""
    s = Swap(_from_factors(left), _from_factors(right))
    s.__dict__["dom"] = _from_factors(left + right)
    s.__dict__["cod"] = _from_factors(right + left)
    return s


def _strip_identities(d: Diagram) -> Diagram:
    """Drop identity steps from a sequential composite."""
    if not isinstance(d, Seq):
        return d
    parts = [p for p in d.parts if not isinstance(p, Identity)]
    if not parts:
        return d.parts[0]
    return parts[0] if len(parts) == 1 else Seq(tuple(parts))


__all__ = [
    "MAX_COPIES",
    "SMALL_PERMUTATION",
    "copy",
    "delete",
    "identity",
    "rewire",
    "swap",
]
