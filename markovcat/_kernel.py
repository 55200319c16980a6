"""Concrete kernels: a validated table on a backend, one axis per wire.

A kernel ``f: X1⊗…⊗Xn → Y1⊗…⊗Ym`` holds ``f.table`` of shape
``(|X1|,…,|Xn|,|Y1|,…,|Ym|)`` with ``f[x…, y…] = f(y|x)``; rows sum to 1.

>>> import markovcat as mc
>>> X = mc.Obj("X", ("a", "b"))
>>> f = mc.kernel(X, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="f")
>>> f.matrix.tolist()
[[0.9, 0.1], [0.2, 0.8]]
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import backends
from ._config import config
from ._diagram import Diagram, Graph, Par, Seq
from ._errors import (
    InvalidObjectError,
    MemoryLimitError,
    NotStochasticError,
    TypeMismatchError,
    UnknownOutcomeError,
)
from ._evidence import factor_position
from ._objects import I, Object, as_object
from ._table import kernel_text, to_pandas
from .backends import ops


class Kernel(Diagram):
    """A concrete Markov kernel (a leaf of string diagrams). Build with :func:`kernel`.

    Equality and hashing are by identity; compare numbers with ``mc.allclose``.
    Under JAX this is a pytree: the table is the leaf, ``dom``/``cod``/``name`` static.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.25, 0.75], name="p")
    >>> isinstance(p, mc.Kernel), p.backend, p.table.shape
    (True, 'numpy', (2,))

    Tables are immutable: ``mc.kernel`` copies the caller's array, and ``table``, ``array``
    and ``matrix`` are read-only (numpy ``flags.writeable`` is False; JAX arrays are
    immutable anyway), so no later write can bypass validation or stale a cached result.

    >>> p.array.flags.writeable
    False
    """

    dom: Object
    cod: Object
    table: Any  # a backend array: numpy float64, JAX (or a tracer), or an exact array
    name: str | None
    _given: Any  # the table as given to mc.kernel where rows were renormalised; else None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeMismatchError("build kernels with mc.kernel, mc.state or mc.deterministic")

    @classmethod
    def _trusted(
        cls, dom: Object, cod: Object, table: Any, name: str | None, given: Any = None
    ) -> Kernel:
        """Construct without validation (tables the library computed); the table is kept
        read-only (a read-only view: the caller's own array is not changed)."""
        k = object.__new__(cls)
        object.__setattr__(k, "dom", dom)
        object.__setattr__(k, "cod", cod)
        object.__setattr__(k, "table", ops.readonly(table, False))
        object.__setattr__(k, "name", name)
        object.__setattr__(k, "_given", given)
        return k

    @classmethod
    def _trusted_states(cls, cods: Sequence[Object], tables: Sequence[Any]) -> list[Kernel]:
        """Many unvalidated states ``I → cod`` at once (a query's marginals): one backend
        lookup for all of them instead of one per state."""
        out: list[Kernel] = []
        readonly: dict[type, Any] = {}
        for cod, table in zip(cods, tables, strict=True):
            fn = readonly.get(type(table))
            if fn is None:
                fn = readonly[type(table)] = ops.readonly.dispatch(type(table), bool)
            k = object.__new__(cls)
            k.__dict__.update(dom=I, cod=cod, table=fn(table, False), name=None, _given=None)
            out.append(k)
        return out

    @property
    def given(self) -> Any:
        """The table exactly as it was given to ``mc.kernel`` / ``mc.state`` (read-only, one
        axis per wire, on the backend it was given on), before float rows that were
        accepted within ``mc.config.row_atol`` but miss 1 by more than rounding were
        divided by their sums. For every other kernel it is ``table`` itself.

        >>> import markovcat as mc
        >>> p = mc.state(mc.Bool, [0.5, 0.499999])
        >>> p.given.tolist(), float(p.table.sum())
        ([0.5, 0.499999], 1.0)
        """
        return self.table if self._given is None else self._given

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"kernels are immutable; cannot set {key!r}")

    def __getitem__(self, key: Any) -> Any:
        """``state[outcome]`` is its probability; ``kernel[x]`` is the state ``kernel(x)``.

        For a state ``I → X`` the key is an outcome (a tuple of labels for a product) and
        the answer a backend scalar (float, JAX, exact sympy); a dict ``{factor: label}``
        (factor positions or unique names) gives the marginal probability of those factors
        taking those labels. For a kernel ``A → X`` the key is an input outcome of ``A``.

        >>> import markovcat as mc
        >>> R = mc.Obj("Rain", ("no", "yes"))
        >>> p = mc.state(R @ mc.Bool, [[0.5, 0.3], [0.05, 0.15]])
        >>> p[("yes", True)], round(p[{"Rain": "yes"}], 2)
        (0.15, 0.2)
        >>> f = mc.kernel(R, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="f")
        >>> f["yes"].array.tolist()
        [0.2, 0.8]
        """
        what = _describe(self.name, self.dom, self.cod)
        if self.dom != I:
            if isinstance(key, Mapping):
                raise TypeMismatchError(
                    f"{what}: kernel[x] takes an input outcome of {self.dom}, given the dict "
                    f"{key!r} (a partial lookup is for states)"
                )
            try:
                row = self.dom.index(key)
            except UnknownOutcomeError as exc:
                raise UnknownOutcomeError(f"{what}[{key!r}]: {exc}") from None
            name = f"{self.name}({key!r})" if self.name else None
            return Kernel._trusted(I, self.cod, self.table[row], name)
        try:
            if isinstance(key, Mapping):
                index = _partial_index(self.cod, key)
            else:
                index = self.cod.index(key)
        except UnknownOutcomeError as exc:
            raise UnknownOutcomeError(f"{what}[{key!r}]: {exc}") from None
        picked = self.table[(*index, ...)]  # the trailing ... keeps a 0-d backend array
        return ops.scalar(ops.asum(picked, tuple(range(len(picked.shape)))))

    def evaluate(self, backend: str | None = None) -> Kernel:
        if backend is None:
            return self
        backends.load(backend)  # an unknown backend is a BackendError, whatever its type
        if backends.name(self.table) == backend:
            return self
        return Kernel._trusted(
            self.dom, self.cod, _convert(self.dom, self.table, backend), self.name, self._given
        )

    @property
    def backend(self) -> str:
        """``'numpy'``, ``'jax'`` or ``'sympy'``."""
        return backends.name(self.table)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:  # a kernel is equal only to itself
        return isinstance(other, Diagram) and self is other._canonical()

    def __str__(self) -> str:
        """``print(k)``: the table of numbers with outcome labels (``markovcat._table``);
        inline, in f-strings and formulas (``format(k)``), a kernel is its name.

        >>> import markovcat as mc
        >>> p = mc.state(mc.Bool, [0.25, 0.75], name="p")
        >>> print(p)
        p : I → Bool
        False  True
         0.25  0.75
        >>> f"{p}", str(p >> mc.copy(mc.Bool))
        ('p', 'p >> copy(Bool)')
        """
        return kernel_text(self)

    def __format__(self, spec: str) -> str:
        return format(self.name or f"kernel({self.dom} → {self.cod})", spec)

    def to_dataframe(self) -> Any:
        """This kernel as a ``pandas.DataFrame`` (:func:`markovcat.to_pandas`; needs pandas).

        >>> import markovcat as mc
        >>> pd = __import__("pytest").importorskip("pandas")
        >>> mc.state(mc.Bool, [0.25, 0.75]).to_dataframe().shape
        (1, 2)
        """
        return to_pandas(self)

    def __repr__(self) -> str:
        table = np.asarray(self.table).tolist() if ops.is_concrete(self.table) else "<traced>"
        name = f", name={self.name!r}" if self.name else ""
        return f"kernel({self.dom!r}, {self.cod!r}, {table}{name})"


def _register_pytrees() -> None:
    """Concrete kernels (table a leaf; dom, cod and name static) and composites as pytrees."""
    import jax  # optional dependency: only when the JAX backend is loaded

    jax.tree_util.register_pytree_node(
        Kernel,
        lambda k: ((k.table,), (k.dom, k.cod, k.name)),
        lambda aux, leaves: _from_leaf(aux[0], aux[1], leaves[0], aux[2]),
    )

    def parts(c: Any) -> tuple[tuple[Diagram, ...], None]:
        return c.parts, None

    def rebuild(cls: type) -> Any:
        return lambda aux, children: cls(tuple(children))

    for cls in (Seq, Par):
        jax.tree_util.register_pytree_node(cls, parts, rebuild(cls))

    def wiring(g: Graph) -> tuple[tuple[Diagram, ...], tuple]:  # aux: hashable, table-free
        steps = tuple((ins, outs) for _, ins, outs in g.steps)
        return tuple(s[0] for s in g.steps), (
            g.dom,
            g.cod,
            g.objs,
            g.inputs,
            steps,
            g.outputs,
            g.label,
        )

    def regraph(aux: tuple, children: Any) -> Graph:
        dom, cod, objs, inputs, steps, outputs, label = aux
        wired = tuple((d, ins, outs) for d, (ins, outs) in zip(children, steps, strict=True))
        return Graph(dom, cod, objs, inputs, wired, outputs, label)

    jax.tree_util.register_pytree_node(Graph, wiring, regraph)


backends.on_load("jax", _register_pytrees)


def _partial_index(cod: Object, key: Mapping[Any, Any]) -> tuple[Any, ...]:
    """An index into a state's table fixing the factors in ``key`` at their labels."""
    index: list[Any] = [slice(None)] * len(cod.factors)
    seen: set[int] = set()
    for factor, label in key.items():
        pos = factor_position(cod, factor)
        if pos in seen:
            raise UnknownOutcomeError(f"object {cod}: factor {factor!r} is given twice")
        seen.add(pos)
        index[pos] = cod.factors[pos].position(label)
    return tuple(index)


def _from_leaf(dom: Object, cod: Object, leaf: Any, name: str | None) -> Kernel:
    """A kernel rebuilt from a pytree leaf (``jax.tree_util.tree_unflatten``, the outputs of
    ``jax.jit``, ``tree_map``): a concrete array is validated as ``mc.kernel`` validates a
    table (exact shape, numbers, rows), so no leaf bypasses the checks; a tracer has no
    values to check, and JAX's own placeholders (``None``, ``object()``, shape structs)
    pass through untouched, as JAX needs. Not a kernel, so refused: a gradient with respect
    to a kernel (differentiate with respect to its table instead) or a batched table out of
    ``jax.vmap`` (return ``.array`` from the mapped function instead)."""
    full = dom.shape + cod.shape
    shape = getattr(leaf, "shape", None)
    if not ops.is_table(leaf) and not (isinstance(shape, tuple) and shape != full):
        return Kernel._trusted(dom, cod, leaf, name)
    what = _describe(name, dom, cod)
    if tuple(leaf.shape) != full:  # also a tracer: jax.vmap over a kernel maps its table
        raise NotStochasticError(
            f"{what}: a pytree leaf must be a table of shape {full}, given shape "
            f"{tuple(leaf.shape)} (jax.vmap over a kernel, or a batched table out of it? map "
            "over the table, an array, and build the kernel inside; return .array)"
        )
    arr = _table(dom, cod, leaf, what)
    _validate(dom, cod, arr, what, config.row_atol)
    return _stochastic(dom, cod, arr, name)


def _stochastic(dom: Object, cod: Object, arr: Any, name: str | None, given: Any = None) -> Kernel:
    """A kernel of the validated table ``arr``: float rows that miss 1 by more than rounding
    are divided by their sums (the original kept as ``given``), and the table is a private,
    read-only copy."""
    given = arr if given is None else given
    arr = ops.stochastic_rows(arr, len(dom.factors))
    kept = None if arr is given else ops.readonly(given, True)
    return Kernel._trusted(dom, cod, ops.readonly(arr, True), name, kept)


def _describe(name: str | None, dom: Object, cod: Object) -> str:
    if name is not None and not isinstance(name, str):
        raise InvalidObjectError(f"a kernel {dom} → {cod}: expected a str name, given {name!r}")
    return f"kernel {name!r} : {dom} → {cod}" if name else f"kernel {dom} → {cod}"


def _check_size(dom: Object, cod: Object, what: str) -> None:
    """Fail before building a table of more than ``mc.config.max_elements`` entries."""
    if dom.size * cod.size > config.max_elements:
        raise MemoryLimitError(
            f"{what}: a table of {dom.size * cod.size:,} entries is over "
            f"mc.config.max_elements = {config.max_elements:,}"
        )


def _from_dict(dom: Object, cod: Object, table: Mapping, what: str) -> np.ndarray:
    _check_size(dom, cod, what)
    arr = np.zeros(dom.shape + cod.shape, dtype=object)
    arr[...] = 0
    seen = set()
    for x, row in table.items():
        xi = dom.index(() if dom == I and x in ((), None) else x)
        if not isinstance(row, Mapping):
            raise NotStochasticError(
                f"{what}: expected a dict of output probabilities for input {x!r}, given {row!r}"
            )
        for y, p in row.items():
            arr[xi + cod.index(y)] = p
        seen.add(xi)
    if len(seen) != dom.size:
        missing = next(x for x in dom.outcomes if dom.index(x) not in seen)
        raise NotStochasticError(f"{what}: the dict has no row for input {missing!r}")
    return arr


#: The most axes a table may have (numpy's limit on array dimensions).
MAX_AXES = 64


def _table(dom: Object, cod: Object, table: Any, what: str) -> Any:
    if isinstance(table, Mapping):
        table = _from_dict(dom, cod, table, what)
    try:
        arr = backends.asarray(table)
    except NotStochasticError as exc:
        raise NotStochasticError(f"{what}: {exc}") from None
    full = dom.shape + cod.shape
    if len(full) > MAX_AXES:
        raise NotStochasticError(
            f"{what}: a table has one axis per wire, and arrays have at most {MAX_AXES} "
            f"axes; this one would need {len(full)} ({len(dom.factors)} input and "
            f"{len(cod.factors)} output wires); group wires into fewer, larger objects"
        )
    shape = tuple(arr.shape)
    if shape != full:
        flat = [(dom.size, cod.size)] + ([(cod.size,)] if dom == I else [])
        if shape not in flat:
            raise NotStochasticError(
                f"{what}: expected a table of shape {full} (one axis per wire) or "
                f"{(dom.size, cod.size)}, given shape {shape}"
            )
        arr = ops.reshape(arr, full)
    return arr


def _convert(dom: Object, arr: Any, backend: str) -> Any:
    """``arr`` on ``backend``. Floats made exact keep their short decimals (0.3 → 3/10) and
    each row is divided by its exact sum, so exact laws hold for converted kernels too.

    Only rounding is repaired: float rows were renormalised when their kernel was built,
    so the exact division moves entries by about 1e-16. A converted kernel is the kernel
    that ``mc.kernel(..., backend=backend)`` builds from the same table, on every backend."""
    n = len(dom.factors)
    if ops.is_concrete(arr):
        # a library-computed table: rows within rounding of 1 (compositions of stochastic
        # kernels), brought there as mc.kernel would before converting
        arr = ops.stochastic_rows(arr, n)
    return ops.stochastic_rows(backends.convert(arr, backend), n)


def _validate(dom: Object, cod: Object, arr: Any, what: str, atol: float) -> None:
    problem = ops.row_problem(arr, len(dom.factors), atol)
    if problem is not None:
        row, msg = problem
        x = dom.outcomes[row]
        where = f"row for input {x!r}" if dom != I else "the distribution"
        raise NotStochasticError(f"{what}: {where} {msg}")


def kernel(
    dom: Object,
    cod: Object,
    table: Any,
    *,
    backend: str | None = None,
    name: str | None = None,
) -> Kernel:
    """A concrete Markov kernel ``dom → cod``, validated.

    ``table`` is an array of shape ``(*dom.shape, *cod.shape)``, a 2-D ``(|dom|, |cod|)``
    matrix, or a dict ``{input outcome: {output outcome: p}}`` (missing outputs are 0).
    Float rows must sum to 1 within ``mc.config.row_atol`` (1e-5); exact rows exactly.
    An accepted float row that misses 1 by more than rounding is divided by its sum, so
    compositions of valid kernels stay stochastic to rounding (no drift); the table as
    given stays available as ``f.given``. The table is copied: later writes to the
    caller's array change nothing, and ``f.table`` / ``f.array`` are read-only.
    With ``backend="sympy"`` a float table becomes exact: each entry the rational of its
    shortest decimal (0.3 → 3/10), each row divided by its exact sum (a rounding-level
    change only, after the renormalisation above).

    >>> import markovcat as mc
    >>> f = mc.kernel(mc.Bool, mc.Bool, {False: {False: 1}, True: {False: 0.5, True: 0.5}})
    >>> f.array.tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    dom = as_object(dom, "kernel domain")
    cod = as_object(cod, "kernel codomain")
    what = _describe(name, dom, cod)
    if backend is not None:
        backends.load(backend)  # an unknown backend fails before any work
    arr = _table(dom, cod, table, what)
    _validate(dom, cod, arr, what, config.row_atol)  # floats within row_atol, exact exactly
    if backend is None:
        return _stochastic(dom, cod, arr, name)
    given = arr
    arr = ops.stochastic_rows(arr, len(dom.factors))
    changed = arr is not given
    arr = _convert(dom, arr, backend)
    return _stochastic(dom, cod, arr, name, given if changed else arr)


def state(
    cod: Object, probs: Any, *, backend: str | None = None, name: str | None = None
) -> Kernel:
    """A state (distribution) ``I → cod``: one axis per factor, a flat vector, or a dict.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool, [0.25, 0.75], name="p")
    >>> p.dom == mc.I, p.array.tolist()
    (True, [0.25, 0.75])
    """
    if isinstance(probs, Mapping):
        probs = {(): probs}
    return kernel(I, cod, probs, backend=backend, name=name)


def deterministic(
    dom: Object, cod: Object, fn: Callable[..., Any], *, name: str | None = None
) -> Kernel:
    """The kernel of a function on outcomes (called with one argument per domain factor).

    >>> import markovcat as mc
    >>> neg = mc.deterministic(mc.Bool, mc.Bool, lambda b: not b, name="not")
    >>> neg.matrix.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    dom = as_object(dom, "deterministic domain")
    cod = as_object(cod, "deterministic codomain")
    what = _describe(name or getattr(fn, "__name__", None), dom, cod)
    _check_arity(fn, len(dom.factors), what)
    _check_size(dom, cod, what)
    table = np.zeros(dom.shape + cod.shape)
    for xs in itertools.product(*(f.values for f in dom.factors)):
        y = fn(*xs)
        try:
            yi = cod.index(y)
        except UnknownOutcomeError as exc:
            raise UnknownOutcomeError(f"{what}: at input {xs!r} the function gave {exc}") from None
        table[tuple(f.position(v) for f, v in zip(dom.factors, xs, strict=False)) + yi] = 1.0
    return Kernel._trusted(dom, cod, table, name)


def _check_arity(fn: Any, n: int, what: str) -> None:
    """``fn`` must be callable with ``n`` positional arguments (one per domain factor)."""
    if not callable(fn):
        raise TypeMismatchError(f"{what}: expected a function of the outcomes, given {fn!r}")
    try:
        inspect.signature(fn).bind(*range(n))
    except ValueError:  # no signature to inspect (some builtins): just call it
        return
    except TypeError:
        raise TypeMismatchError(
            f"{what}: the function must take {n} argument(s), one per domain factor"
        ) from None


def _check_logits(arr: Any, dom: Object, what: str) -> None:
    """Logits are finite or -inf (probability 0); NaN, +inf and all -inf rows are errors."""
    if not ops.is_concrete(arr):
        return  # a tracer: values unknown
    try:
        rows = ops.to_numpy(arr).reshape(dom.size, -1)
    except NotStochasticError:
        return  # symbolic logits: nothing numeric to check
    bad = np.isnan(rows) | np.isposinf(rows) | np.isneginf(rows).all(axis=1, keepdims=True)
    if bad.any():
        i = int(np.argmax(bad.any(axis=1)))
        where = f"row for input {dom.outcomes[i]!r}" if dom != I else "the logits"
        raise NotStochasticError(
            f"{what}: {where} has logits {rows[i].tolist()}; expected finite numbers or -inf, "
            "with at least one finite entry per row"
        )


def kernel_from_logits(dom: Object, cod: Object, logits: Any, *, name: str | None = None) -> Kernel:
    """A kernel whose rows are the softmax of ``logits`` over the codomain axes.

    Differentiable under JAX; shapes as for :func:`kernel`.

    >>> import markovcat as mc
    >>> mc.kernel_from_logits(mc.I, mc.Bool, [0.0, 0.0]).array.tolist()
    [0.5, 0.5]
    """
    dom = as_object(dom, "kernel domain")
    cod = as_object(cod, "kernel codomain")
    what = _describe(name, dom, cod)
    arr = _table(dom, cod, logits, what)
    _check_logits(arr, dom, what)
    axes = tuple(range(len(dom.factors), len(dom.factors) + len(cod.factors)))
    # (backends.asarray: numpy turns 0-d results into scalars, for I → I)
    shifted = backends.asarray(
        arr - ops.amax(arr, axes).reshape(dom.shape + (1,) * len(cod.factors))
    )
    e = backends.asarray(ops.exp(shifted))
    table = backends.asarray(e / ops.asum(e, axes).reshape(dom.shape + (1,) * len(cod.factors)))
    return Kernel._trusted(dom, cod, table, name)
