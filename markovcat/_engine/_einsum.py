"""Einsum steps as backend callables: small ones through the backend's einsum, large
pairwise ones as one batched matrix product (:class:`Pair`), any array type.

>>> import numpy as np
>>> step = expression("ab,bc->ac", [(2, 2), (2, 2)]).prepare("numpy")
>>> step(np.eye(2), np.ones((2, 2))).tolist()
[[1.0, 1.0], [1.0, 1.0]]
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import partial
from typing import Any

import opt_einsum as oe
from opt_einsum.backends.dispatch import get_func

#: Pairwise contractions above this many multiply-adds run as one batched matrix product
#: (:class:`Pair`); smaller ones call the backend's einsum directly (less overhead).
BLAS_FLOPS = 2**9

#: A large step with several batches whose products each have fewer multiply-adds than
#: this calls einsum instead of a batched matrix product (a tuning knob; by default every
#: large pairwise step is one batched product, which measured fastest on the bnlearn nets).
MATMUL_SIZE = 0

#: Steps with more operands than this (variable elimination's buckets can have hundreds;
#: numpy's einsum takes at most 32) are contracted pairwise.
MANY = 8


@dataclass(frozen=True)
class Einsum:
    """One small einsum of the plan, turned into a backend callable on first use."""

    eq: str
    shapes: tuple[tuple[int, ...], ...]

    def prepare(self, backend: str) -> Any:
        terms, out = self.eq.split("->")
        if len(set(terms.replace(",", ""))) > len(_LETTERS) and len(self.shapes) != 2:
            # a backend's einsum spells indices with ASCII letters only: more than 52 run
            # as pairwise batched matrix products, which name no indices at all
            return Pairwise(self.eq, self.shapes)
        if len(self.shapes) > MANY:  # a large bucket: pairwise, in opt_einsum's greedy order
            expr = oe.contract_expression(self.eq, *self.shapes, optimize="greedy")
            return partial(expr, backend=backend)
        if len(self.shapes) == 2:
            a, b = terms.split(",")
            direct = _direct(a, b, out)
            if direct is not None:
                return direct
        sizes: dict[str, int] = {}
        for term, shape in zip(self.eq.split("->")[0].split(","), self.shapes, strict=True):
            sizes.update(zip(term, shape, strict=True))
        small = math.prod(sizes.values()) <= BLAS_FLOPS or len(self.shapes) == 1
        if small and len(sizes) <= len(_LETTERS):
            return partial(get_func("einsum", backend), self.eq)
        if len(self.shapes) == 2:
            pair = Pair(self.eq, sizes)
            batch, m, k, n = pair.shape_a + pair.shape_b[2:]
            if k == 1 or batch == 1 or m * k * n >= MATMUL_SIZE or len(sizes) > len(_LETTERS):
                return pair
        if len(sizes) <= len(_LETTERS):  # many small matrix products: einsum's loops win
            return partial(get_func("einsum", backend), self.eq)
        expr = oe.contract_expression(
            self.eq, *self.shapes, optimize=[tuple(range(len(self.shapes)))]
        )
        return partial(expr, backend=backend)


def _direct(a: str, b: str, out: str) -> Any:
    """A two-operand einsum that is one ``@`` or ``*`` of the arrays as they are (the
    steps of chains and trees mostly are): no index string to parse, no copies."""
    if a == b == out or (out == a and a.endswith(b)):
        return operator.mul
    if out == b and b.endswith(a):
        return _rmul
    if _matmul(a, b, out):
        return operator.matmul
    if _matmul(b, a, out):
        return _rmatmul
    return None


def _matmul(x: str, y: str, out: str) -> bool:
    """Whether ``x @ y`` of 1-D or 2-D arrays with these indices gives ``out``."""
    if len(x) == 1 and len(y) == 1:
        return x == y and out == ""
    if len(x) == 1 and len(y) == 2:
        return y[0] == x and out == y[1] and x != y[1]
    if len(x) == 2 and len(y) == 1:
        return x[1] == y and out == x[0] and y != x[0]
    if len(x) == 2 and len(y) == 2:
        return x[1] == y[0] and out == x[0] + y[1] and len(set(x + y)) == 3
    return False


def _rmul(x: Any, y: Any) -> Any:
    return y * x


def _rmatmul(x: Any, y: Any) -> Any:
    return y @ x


class Pair:
    """A large pairwise einsum as one batched matrix product (``@``), for any array type.

    Indices in both inputs and the output are the batch, in both inputs only are summed
    by the product, in one input only are kept (or summed out first if not in the output).
    Unlike ``tensordot`` this handles batch indices, which tables sharing a parent have.
    """

    def __init__(self, eq: str, sizes: dict[str, int]) -> None:
        (a, b), out = eq.split("->")[0].split(","), eq.split("->")[1]
        batch = [i for i in out if i in a and i in b]
        inner = [i for i in a if i in b and i not in out]
        left = [i for i in out if i in a and i not in b]
        right = [i for i in out if i in b and i not in a]
        self.sum_a = tuple(k for k, i in enumerate(a) if i not in b and i not in out)
        self.sum_b = tuple(k for k, i in enumerate(b) if i not in a and i not in out)
        a2 = [i for i in a if i in b or i in out]
        b2 = [i for i in b if i in a or i in out]
        self.perm_a = tuple(a2.index(i) for i in batch + left + inner)
        self.perm_b = tuple(b2.index(i) for i in batch + inner + right)
        n = [math.prod(sizes[i] for i in g) for g in (batch, left, inner, right)]
        self.shape_a, self.shape_b = (n[0], n[1], n[2]), (n[0], n[2], n[3])
        self.shape_r = tuple(sizes[i] for i in batch + left + right)
        order = batch + left + right
        self.perm_r = tuple(order.index(i) for i in out)

    def __call__(self, x: Any, y: Any) -> Any:
        if self.sum_a:
            x = x.sum(axis=self.sum_a)
        if self.sum_b:
            y = y.sum(axis=self.sum_b)
        x = x.transpose(self.perm_a).reshape(self.shape_a)
        y = y.transpose(self.perm_b).reshape(self.shape_b)
        if self.shape_a[2] == 1:  # nothing summed: a broadcast product, no matmul needed
            r = (
                x.reshape(self.shape_a[:2])[:, :, None]
                * y.reshape((self.shape_b[0], self.shape_b[2]))[:, None, :]
            )
        else:
            r = x @ y
        return r.reshape(self.shape_r).transpose(self.perm_r)


class Unary:
    """One operand: sum out the indices not in the output, then order the rest."""

    def __init__(self, term: str, out: str) -> None:
        self.sum = tuple(k for k, i in enumerate(term) if i not in out)
        kept = [i for i in term if i in out]
        self.perm = tuple(kept.index(i) for i in out)

    def __call__(self, x: Any) -> Any:
        if self.sum:
            x = x.sum(axis=self.sum)
        return x.transpose(self.perm)


class Pairwise:
    """An einsum with any number of operands and indices as a chain of :class:`Pair`
    products in opt_einsum's greedy order (no index letters reach a backend)."""

    def __init__(self, eq: str, shapes: tuple[tuple[int, ...], ...]) -> None:
        lhs, out = eq.split("->")
        terms = lhs.split(",")
        sizes: dict[str, int] = {}
        for term, shape in zip(terms, shapes, strict=True):
            sizes.update(zip(term, shape, strict=True))
        path = oe.contract_path(eq, *shapes, optimize="greedy", shapes=True)[0]
        live = list(terms)
        self.steps: list[tuple[tuple[int, ...], Any]] = []
        for k, pos in enumerate(path):
            picked = [live[p] for p in pos]
            for p in sorted(pos, reverse=True):
                del live[p]
            needed = set(out).union(*live)
            if k == len(path) - 1:
                result = out
            else:
                result = "".join(dict.fromkeys(i for t in picked for i in t if i in needed))
            fn: Any
            if len(picked) == 1:
                fn = Unary(picked[0], result)
            else:  # fold operands pairwise (greedy paths give pairs)
                acc = picked[0]
                parts = []
                for j, t in enumerate(picked[1:], start=1):
                    rest = set(result).union(*picked[j + 1 :])
                    mid = (
                        result
                        if j == len(picked) - 1
                        else "".join(dict.fromkeys(i for i in acc + t if i in rest))
                    )
                    parts.append(Pair(f"{acc},{t}->{mid}", sizes))
                    acc = mid
                fn = parts[0] if len(parts) == 1 else _fold(parts)
            self.steps.append((tuple(pos), fn))
            live.append(result)
        if not path:  # a single operand
            self.steps.append(((0,), Unary(terms[0], out)))

    def __call__(self, *arrays: Any) -> Any:
        live = list(arrays)
        for pos, fn in self.steps:
            picked = [live[p] for p in pos]
            for p in sorted(pos, reverse=True):
                del live[p]
            live.append(fn(*picked))
        return live[-1]


def _fold(parts: list[Pair]) -> Any:
    def run(*xs: Any) -> Any:
        acc = parts[0](xs[0], xs[1])
        for pair, x in zip(parts[1:], xs[2:], strict=True):
            acc = pair(acc, x)
        return acc

    return run


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def expression(eq: str, shapes: list[tuple[int, ...]]) -> Einsum:
    """An einsum, its indices renamed to ASCII letters where it has few enough."""
    used = dict.fromkeys(ch for ch in eq if ch not in ",->")
    if len(used) <= len(_LETTERS):
        eq = eq.translate({ord(ch): _LETTERS[i] for i, ch in enumerate(used)})
    return Einsum(eq, tuple(shapes))
