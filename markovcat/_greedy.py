"""Greedy maximisation of set functions: plain, batch, distorted and k-submodular.

The algorithms of Lai & Choi, *Information-theoretic coordinate subset and partition
selection of multivariate Markov chains via submodular optimization* (arXiv:2503.23340),
for objectives on small ground sets (the coordinates of a chain), each evaluated once per
distinct set (cached):

- :func:`greedy` — add the element of largest marginal gain, ``k`` times (Nemhauser,
  Wolsey & Fisher: a ``1 − 1/e`` guarantee for monotone submodular ``f``); with
  ``positive_gain=True`` only while the gain is positive (the published code's variant);
- :func:`batch_greedy` — add the ``q_i`` elements of largest gain at step ``i``;
- :func:`distorted_greedy` — Harshaw, Feldman, Ward & Karbasi (ICML 2019) for ``g − c``
  with ``g`` monotone submodular and ``c`` modular: step ``i`` of ``k`` maximises
  ``(1 − 1/k)^(k−i−1) (g(S+e) − g(S)) − c(e)`` and adds ``e`` if that is positive, so that
  ``g(S) − c(S) >= (1 − 1/e) g(OPT) − c(OPT)``;
- :func:`k_submodular_greedy` — Lai & Choi's generalised distorted greedy for
  ``g − c`` over ``k`` disjoint parts ``S_j ⊆ V_j`` with a total budget ``Σ |S_j| <= m``;
- :func:`exhaustive` — the best set of a size by brute force (for comparison);
- :func:`check_submodular`, :func:`check_supermodular`, :func:`check_monotone` — decide
  those properties on a small ground set, with a witness when they fail.

>>> from markovcat import chains
>>> cover = {0: {1, 2}, 1: {2, 3}, 2: {4}}
>>> f = lambda S: len(set().union(*(cover[e] for e in S)))
>>> chains.greedy(f, range(3), 2).subset, bool(chains.check_submodular(f, range(3)))
((0, 1), True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._errors import InformationError

Element = Hashable


class SetSelection(NamedTuple):
    """A greedy result: elements in the order added, the objective's value on them and
    its value after each step (steps that add nothing repeat the value)."""

    subset: tuple[Any, ...]
    value: float
    trace: tuple[float, ...]


class PartSelection(NamedTuple):
    """A k-submodular greedy result: the parts (elements in the order added), the
    objective's value and its value after each step."""

    parts: tuple[tuple[Any, ...], ...]
    value: float
    trace: tuple[float, ...]


class _Cached:
    """``f`` on frozensets (or tuples of them), evaluated once per distinct argument."""

    def __init__(self, f: Callable[[Any], Any], fn: str) -> None:
        if not callable(f):
            raise InformationError(f"chains.{fn}: expected a set function, given {f!r:.80}")
        self.f, self.fn = f, fn
        self.memo: dict[Any, float] = {}

    def __call__(self, S: Any) -> float:
        if S not in self.memo:
            try:
                v = self.f(S)
            except TypeError as exc:  # not a function of one set (a divergence, say)
                raise InformationError(
                    f"chains.{self.fn}: expected a set function f(S) of one frozenset, but "
                    f"calling {self.f!r:.60} on {set(S)} failed: {exc}"
                ) from exc
            try:
                value = float(v)
            except (TypeError, ValueError):
                value = math.nan
            if math.isnan(value):
                raise InformationError(
                    f"chains.{self.fn}: the objective returned {v!r:.80} on {set(S)}, not a number"
                )
            self.memo[S] = value
        return self.memo[S]


def _ground(ground: Iterable[Element], fn: str) -> list[Element]:
    try:
        items = list(ground)
        distinct = set(items)
    except TypeError:
        raise InformationError(
            f"chains.{fn}: expected a ground set of hashable elements, given {ground!r:.80}"
        ) from None
    if len(distinct) != len(items):
        raise InformationError(f"chains.{fn}: the ground set lists an element twice: {items}")
    return items


def _budget(k: Any, n: int, fn: str, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= n:
        raise InformationError(f"chains.{fn}: expected {what} in 0..{n}, given {k!r}")
    return k


def _cost(c: Any, fn: str) -> Callable[..., float]:
    if c is None:
        return lambda *e: 0.0
    if not isinstance(c, Mapping) and not callable(c):
        raise InformationError(
            f"chains.{fn}: expected costs as a mapping or function, given {c!r:.80}"
        )

    def cost(*e: Any) -> float:
        try:
            v = c[e[0] if len(e) == 1 else e] if isinstance(c, Mapping) else c(*e)
            value = float(v)
        except (KeyError, TypeError, ValueError):
            raise InformationError(
                f"chains.{fn}: expected a number as the cost of {e[-1]!r:.40}, the costs "
                f"{c!r:.60} give none"
            ) from None
        if math.isnan(value):
            raise InformationError(f"chains.{fn}: the cost of {e[-1]!r:.40} is NaN")
        return value

    return cost


def _tie_margin(v: float) -> float:
    return 1e-12 * max(1.0, abs(v))  # rounding-level ties go to the earlier element


def greedy(
    f: Callable[[frozenset[Any]], float],
    ground: Iterable[Element],
    k: int,
    *,
    positive_gain: bool = False,
    maximize: bool = True,
) -> SetSelection:
    """Add, ``k`` times, the element of largest gain ``f(S + e) − f(S)`` (smallest with
    ``maximize=False``). With ``positive_gain=True`` a step adds nothing unless its best
    gain improves ``f`` (the set may end smaller than ``k``). Ties go to the earlier element.

    >>> from markovcat import chains
    >>> chains.greedy(lambda S: min(len(S), 2) + 0.1 * (3 in S), range(5), 3).subset
    (3, 0, 1)
    """
    items, F = _ground(ground, "greedy"), _Cached(f, "greedy")
    k = _budget(k, len(items), "greedy")
    sign = 1.0 if maximize else -1.0
    S: list[Element] = []
    trace: list[float] = []
    for _ in range(k):
        base = F(frozenset(S))
        best, best_gain = None, -math.inf
        for e in items:
            if e in S:
                continue
            gain = sign * (F(frozenset([*S, e])) - base)
            if best is None or gain > best_gain + _tie_margin(gain):
                best, best_gain = e, gain
        if best is not None and (not positive_gain or best_gain > 0):
            S.append(best)
        trace.append(F(frozenset(S)))
    return SetSelection(tuple(S), F(frozenset(S)), tuple(trace))


def batch_greedy(
    f: Callable[[frozenset[Any]], float],
    ground: Iterable[Element],
    sizes: Sequence[int],
    *,
    positive_gain: bool = False,
) -> SetSelection:
    """Step ``i`` adds the ``sizes[i]`` elements of largest gain against the current set
    (Lai & Choi's batch greedy; ``sizes = [1] * k`` is :func:`greedy`). With
    ``positive_gain=True`` only elements of positive gain are added.

    >>> from markovcat import chains
    >>> chains.batch_greedy(lambda S: sum(S), range(6), [2, 1]).subset
    (5, 4, 3)
    """
    items, F = _ground(ground, "batch_greedy"), _Cached(f, "batch_greedy")
    try:
        sizes = list(sizes)
    except TypeError:
        raise InformationError(
            f"chains.batch_greedy: expected a sequence of batch sizes, given {sizes!r:.80}"
        ) from None
    if any(isinstance(q, bool) or not isinstance(q, int) or q < 0 for q in sizes) or sum(
        sizes
    ) > len(items):
        raise InformationError(
            f"chains.batch_greedy: expected batch sizes >= 0 summing to at most {len(items)}, "
            f"given {sizes}"
        )
    S: list[Element] = []
    trace: list[float] = []
    for q in sizes:
        base = F(frozenset(S))
        gains = [(F(frozenset([*S, e])) - base, -i, e) for i, e in enumerate(items) if e not in S]
        gains.sort(key=lambda t: (t[0], t[1]), reverse=True)
        S.extend(e for g, _, e in gains[:q] if not positive_gain or g > 0)
        trace.append(F(frozenset(S)))
    return SetSelection(tuple(S), F(frozenset(S)), tuple(trace))


def distorted_greedy(
    g: Callable[[frozenset[Any]], float],
    c: Mapping[Any, float] | Callable[[Any], float] | None,
    ground: Iterable[Element],
    k: int,
    *,
    positive_gain: bool = True,
) -> SetSelection:
    """Harshaw et al.'s distorted greedy for ``g − c``: ``g`` monotone submodular, ``c``
    a nonnegative modular cost given per element (a mapping or a function ``e -> cost``).

    Step ``i = 0 … k−1`` picks ``e`` maximising ``(1 − 1/k)^(k−i−1) (g(S+e) − g(S)) − c(e)``
    and adds it when that is positive (``positive_gain=False`` always adds it, as one of
    the published variants does). The value reported is ``g(S) − c(S)``.

    >>> from markovcat import chains
    >>> g = lambda S: min(len(S), 2)
    >>> chains.distorted_greedy(g, {0: 0.1, 1: 0.5, 2: 2.0}, range(3), 3).subset
    (0, 1)
    """
    items, G = _ground(ground, "distorted_greedy"), _Cached(g, "distorted_greedy")
    k = _budget(k, len(items), "distorted_greedy")
    cost = _cost(c, "distorted_greedy")
    S: list[Element] = []
    trace: list[float] = []

    def value() -> float:
        return G(frozenset(S)) - sum(cost(e) for e in S)

    for i in range(k):
        weight = (1 - 1 / k) ** (k - i - 1)
        base = G(frozenset(S))
        best, best_gain = None, -math.inf
        for e in items:
            if e in S:
                continue
            gain = weight * (G(frozenset([*S, e])) - base) - cost(e)
            if best is None or gain > best_gain + _tie_margin(gain):
                best, best_gain = e, gain
        if best is not None and (not positive_gain or best_gain > 0):
            S.append(best)
        trace.append(value())
    return SetSelection(tuple(S), value(), tuple(trace))


def k_submodular_greedy(
    g: Callable[[tuple[frozenset[Any], ...]], float],
    c: Callable[[int, Any], float] | None,
    universes: Sequence[Iterable[Element]],
    budget: int,
    *,
    positive_gain: bool = True,
) -> PartSelection:
    """Lai & Choi's generalised distorted greedy for ``g − c`` over ``k`` parts.

    ``g`` takes a tuple of ``k`` disjoint frozensets (part ``j`` drawn from
    ``universes[j]``) and is monotone k-submodular; ``c(j, e)`` is the modular cost of
    putting ``e`` into part ``j`` (``None``: no cost). Step ``i = 0 … m−1`` (``m = budget``,
    the total size ``Σ |S_j| <= m``) maximises ``(1 − 1/m)^(m−i−1) Δ_{j,e} g(S) − c(j, e)``
    over parts and elements not yet placed, and adds the best pair when that is positive
    (always with ``positive_gain=False``). The value reported is ``g(S) − c(S)``.

    >>> from markovcat import chains
    >>> g = lambda parts: sum(min(len(p), 1) for p in parts)   # one element per part counts
    >>> chains.k_submodular_greedy(g, None, [range(3), range(3)], 2).parts
    ((0,), (1,))
    """
    fn = "k_submodular_greedy"
    if isinstance(universes, (str, bytes)) or not isinstance(universes, Sequence):
        raise InformationError(
            f"chains.{fn}: expected a sequence of universes (one per part), given {universes!r:.80}"
        )
    V = [_ground(u, fn) for u in universes]
    if not V:
        raise InformationError(f"chains.{fn}: expected at least one universe, given none")
    every = {e for u in V for e in u}
    m = _budget(budget, len(every), fn, "budget")
    G = _Cached(g, fn)
    cost = _cost(c, fn)
    parts: list[list[Element]] = [[] for _ in V]

    def key(extra: tuple[int, Element] | None = None) -> tuple[frozenset[Any], ...]:
        sets = [list(p) for p in parts]
        if extra is not None:
            sets[extra[0]].append(extra[1])
        return tuple(frozenset(s) for s in sets)

    def value() -> float:
        return G(key()) - sum(cost(j, e) for j, p in enumerate(parts) for e in p)

    trace: list[float] = []
    for i in range(m):
        weight = (1 - 1 / m) ** (m - i - 1)
        base = G(key())
        placed = {e for p in parts for e in p}
        best, best_gain = None, -math.inf
        for j, u in enumerate(V):
            for e in u:
                if e in placed:
                    continue
                gain = weight * (G(key((j, e))) - base) - cost(j, e)
                if best is None or gain > best_gain + _tie_margin(gain):
                    best, best_gain = (j, e), gain
        if best is not None and (not positive_gain or best_gain > 0):
            parts[best[0]].append(best[1])
        trace.append(value())
    return PartSelection(tuple(tuple(p) for p in parts), value(), tuple(trace))


def exhaustive(
    f: Callable[[frozenset[Any]], float],
    ground: Iterable[Element],
    k: int,
    *,
    maximize: bool = True,
) -> SetSelection:
    """The best set of exactly ``k`` elements, by trying all (ties: the first in order).

    >>> from markovcat import chains
    >>> chains.exhaustive(lambda S: -abs(sum(S) - 4), range(5), 2).subset
    (0, 4)
    """
    items, F = _ground(ground, "exhaustive"), _Cached(f, "exhaustive")
    k = _budget(k, len(items), "exhaustive")
    sign = 1.0 if maximize else -1.0
    best: tuple[Any, ...] = ()
    best_value = -math.inf
    for T in itertools.combinations(items, k):
        v = sign * F(frozenset(T))
        if not best or v > best_value + _tie_margin(v):
            best, best_value = T, v
    return SetSelection(best, F(frozenset(best)), (F(frozenset(best)),))


@dataclass(frozen=True)
class SetFunctionCheck:
    """Whether a property of a set function holds on a ground set; when it fails, a
    ``witness`` ``(A, e, e2, violation)`` (sets as tuples) with the size of the failure.
    ``bool(check)`` is ``holds``."""

    holds: bool
    witness: tuple[Any, ...] | None = None

    def __bool__(self) -> bool:
        return self.holds


def _subsets(items: list[Element]) -> Iterable[tuple[Element, ...]]:
    for r in range(len(items) + 1):
        yield from itertools.combinations(items, r)


def _check_lattice(
    f: Callable[[frozenset[Any]], float],
    ground: Iterable[Element],
    sign: float,
    atol: float,
    fn: str,
) -> SetFunctionCheck:
    items, F = _ground(ground, fn), _Cached(f, fn)
    if len(items) > 16:
        raise InformationError(f"chains.{fn}: decides on at most 16 elements, given {len(items)}")
    # submodular iff f(A+e) + f(A+e') >= f(A) + f(A+e+e') for all A and e ≠ e' outside A
    for A in _subsets(items):
        a = frozenset(A)
        rest = [e for e in items if e not in a]
        for e, e2 in itertools.combinations(rest, 2):
            gap = F(a | {e}) + F(a | {e2}) - F(a) - F(a | {e, e2})
            if sign * gap < -atol:
                return SetFunctionCheck(False, (A, e, e2, abs(gap)))
    return SetFunctionCheck(True)


def check_submodular(
    f: Callable[[frozenset[Any]], float], ground: Iterable[Element], *, atol: float = 1e-9
) -> SetFunctionCheck:
    """Whether ``f(A ∪ {e}) − f(A) >= f(B ∪ {e}) − f(B)`` for all ``A ⊆ B``, ``e ∉ B``
    (decided by the equivalent local condition on pairs; at most 16 elements).

    >>> from markovcat import chains
    >>> bool(chains.check_submodular(lambda S: len(S) ** 2, range(3)))
    False
    """
    return _check_lattice(f, ground, 1.0, atol, "check_submodular")


def check_supermodular(
    f: Callable[[frozenset[Any]], float], ground: Iterable[Element], *, atol: float = 1e-9
) -> SetFunctionCheck:
    """Whether ``−f`` is submodular (at most 16 elements).

    >>> from markovcat import chains
    >>> bool(chains.check_supermodular(lambda S: len(S) ** 2, range(3)))
    True
    """
    return _check_lattice(f, ground, -1.0, atol, "check_supermodular")


def check_monotone(
    f: Callable[[frozenset[Any]], float], ground: Iterable[Element], *, atol: float = 1e-9
) -> SetFunctionCheck:
    """Whether ``f(A) <= f(A ∪ {e})`` for every ``A`` and ``e`` (at most 16 elements).

    >>> from markovcat import chains
    >>> bool(chains.check_monotone(len, range(3)))
    True
    """
    items, F = _ground(ground, "check_monotone"), _Cached(f, "check_monotone")
    if len(items) > 16:
        raise InformationError(f"chains.check_monotone: at most 16 elements, given {len(items)}")
    for A in _subsets(items):
        a = frozenset(A)
        for e in items:
            if e not in a and F(a | {e}) < F(a) - atol:
                return SetFunctionCheck(False, (A, e, None, F(a) - F(a | {e})))
    return SetFunctionCheck(True)


__all__ = [
    "PartSelection",
    "SetFunctionCheck",
    "SetSelection",
    "batch_greedy",
    "check_monotone",
    "check_submodular",
    "check_supermodular",
    "distorted_greedy",
    "exhaustive",
    "greedy",
    "k_submodular_greedy",
]
