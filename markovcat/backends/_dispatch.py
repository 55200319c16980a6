"""One multipledispatch dispatcher per array primitive.

Each backend module registers its own array types (numpy arrays, JAX arrays and tracers,
exact sympy object arrays) on these dispatchers when it is imported. Nothing outside the
``backends`` package branches on the kind of array.
"""

from __future__ import annotations

from typing import Any

from multipledispatch import Dispatcher

from . import _exact_array

namespace: dict = {}


class _Primitive(Dispatcher):
    """A dispatcher that registers the exact backend (importing sympy) the first time it
    meets an exact type, so that exact arrays work without sympy loaded at import."""

    def dispatch(self, *types: type) -> Any:
        if not _exact_array.loaded() and any(_exact_array.exact_type(t) for t in types):
            _exact_array.exact_backend()  # registers on every primitive, clears caches
        return super().dispatch(*types)


def _primitive(name: str, doc: str) -> Dispatcher:
    d = _Primitive(name, doc=doc)
    namespace[name] = d
    return d


# conversion and identity
asarray = _primitive("asarray", "Convert a user table to this backend's array (float64 or exact).")
backend_name = _primitive("backend_name", "'numpy', 'jax' or 'sympy' for an array.")
is_exact = _primitive(
    "is_exact", "True for exact (sympy) arrays: no rounding, formulas used as is."
)
priority = _primitive("priority", "Promotion rank: numpy 0, exact and jax 1.")
to_numpy = _primitive("to_numpy", "A float64 numpy copy (for display and checks).")
is_concrete = _primitive("is_concrete", "False for tracers: values unknown at trace time.")
scalar = _primitive("scalar", "A 0-d result as this backend's scalar (float, jax, sympy).")
log_scalar = _primitive(
    "log_scalar",
    "A 0-d sum of logarithms as a scalar; exact: logs expanded over primes (Σ c·log p).",
)

# construction
ones = _primitive("ones", "ones(like, shape) in like's backend.")
eye = _primitive("eye", "eye(like, n) in like's backend.")
full_like = _primitive("full_like", "full_like(like, shape, value).")

# contraction and reductions
einsum_backend = _primitive("einsum_backend", "opt_einsum backend name for this array type.")
wrap = _primitive("wrap", "wrap(like, result): restore the backend's array type after einsum.")
asum = _primitive("asum", "asum(x, axis): sum over axes.")
amax = _primitive("amax", "amax(x, axis): maximum over axes.")
amin = _primitive("amin", "amin(x, axis): minimum over axes.")

rescale = _primitive(
    "rescale",
    "rescale(x) -> (x / s, log s) for a nonnegative x, with s its maximum where that is "
    "outside a safe range (floats may skip it inside: numpy does, JAX always divides); "
    "s = 1 if x == 0; exact arrays: (x, 0).",
)

# elementwise
log = _primitive("log", "Natural logarithm.")
exp = _primitive("exp", "Exponential.")
xlogy = _primitive("xlogy", "x*log(y) with 0*log(y) = 0.")
power = _primitive("power", "x**p elementwise.")
absolute = _primitive("absolute", "|x| elementwise.")
where = _primitive("where", "where(cond_like, cond, a, b): cond computed on like's type.")
positive = _primitive("positive", "x > 0 elementwise (a boolean mask).")
reshape = _primitive("reshape", "reshape(x, shape).")
transpose = _primitive("transpose", "transpose(x, axes).")
take = _primitive("take", "take(x, index, axis).")
stack = _primitive("stack_like", "stack_like(like, arrays, axis).")
rank = _primitive(
    "rank", "rank(a, atol): rank of a matrix; exact: exactly, floats: singular values > atol."
)
solve = _primitive(
    "solve", "solve(a, b): x with a @ x = b for square a; ValueError when a is singular."
)

stochastic_rows = _primitive(
    "stochastic_rows",
    "stochastic_rows(table, n_dom_axes): rows divided by their sums where those miss 1 by "
    "more than rounding: floats in floating point (rows already within rounding of 1 are "
    "kept bit for bit), exact numeric rows exactly (symbolic rows as is); tracers as is. "
    "The caller has validated the rows (within mc.config.row_atol).",
)
is_table = _primitive(
    "is_table",
    "is_table(x): True for a concrete backend array (numpy, exact, a JAX array), False "
    "for anything else (a tracer, a placeholder JAX puts into a pytree).",
)
readonly = _primitive(
    "readonly",
    "readonly(x, copy): x as a read-only array (numpy and exact: writeable=False on a "
    "view, or on a private copy when copy is True); JAX arrays and scalars are immutable "
    "already and come back as they are.",
)

# checks
allclose = _primitive("allclose", "allclose(a, b, atol): entries equal within atol (exact: ==).")
row_problem = _primitive(
    "row_problem",
    "row_problem(table, n_dom_axes, atol) -> None or (flat input index, message).",
)
is_zero_one = _primitive("is_zero_one", "is_zero_one(table, atol): every entry 0 or 1.")
nonneg = _primitive(
    "nonneg", "nonneg(x): float entries below 0 (rounding) become 0.0, NaN stays; exact: x."
)

# compilation
jit = _primitive(
    "jit", "jit(like, fn): fn compiled for like's backend (jax.jit on JAX, fn itself elsewhere)."
)

device_count = _primitive(
    "device_count",
    "device_count(like): how many devices a batch of this backend's computations can be "
    "spread over (JAX: its devices; numpy and exact: 1).",
)

rescale_axes = _primitive(
    "rescale_axes",
    "rescale_axes(x, axes): x divided by its maximum over axes (per remaining index; "
    "a zero maximum divides by 1); exact arrays unchanged.",
)

normalize = _primitive(
    "normalize",
    "normalize(x) -> (x / z, log z) with z the total of x; a zero total leaves x as it is "
    "and gives log z = -inf (never NaN).",
)

keeps_type = _primitive(
    "keeps_type",
    "keeps_type(like): True when einsum, @ and * on this backend's arrays already return "
    "its own array types (numpy, JAX), so results need no wrap; False for exact arrays.",
)
