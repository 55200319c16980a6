"""Array backends: numpy (default), JAX (optional) and exact sympy.

Every primitive is a multipledispatch dispatcher (``markovcat.backends.ops``); each backend
registers its array types. This package is the only place that knows which is which.

>>> from markovcat import backends
>>> backends.name(backends.asarray([[0.5, 0.5]]))
'numpy'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from .._errors import BackendError
from . import _dispatch, _exact_array, _numpy  # noqa: F401  (registration on import)

ops = SimpleNamespace(**_dispatch.namespace)
ExactArray = _exact_array.ExactArray
is_exact_scalar = _exact_array.is_exact_scalar  # a Fraction or a sympy object

NAMES = ("numpy", "jax", "sympy")
_JAX_LOADED = False
_ON_LOAD: dict[str, list[Callable[[], None]]] = {name: [] for name in NAMES}


def on_load(name: str, fn: Callable[[], None]) -> None:
    """Run ``fn`` when backend ``name`` is loaded (at once if it already is): the layers
    above register what they need (kernels as JAX pytrees) without this package
    importing them.

    >>> from markovcat import backends
    >>> backends.on_load("numpy", lambda: None)
    """
    _ON_LOAD[name].append(fn)
    if name != "jax" or _JAX_LOADED:
        fn()


def load(name: str) -> None:
    """Make backend ``name`` available (imports JAX for ``"jax"``, sympy for ``"sympy"``;
    the exact backend also loads itself when an exact value is first met).

    >>> from markovcat import backends
    >>> backends.load("numpy")
    """
    global _JAX_LOADED
    if not isinstance(name, str) or name not in NAMES:
        raise BackendError(f"unknown backend {name!r}; expected one of {NAMES}")
    if name == "sympy":
        _exact_array.exact_backend()
    if name == "jax" and not _JAX_LOADED:
        try:
            mod = importlib.import_module("markovcat.backends._jax")
        except ImportError as exc:
            raise BackendError(
                "the jax backend needs JAX, which is not installed: "
                "pip install 'markovcat[jax]' (or pip install jax)"
            ) from exc
        del mod  # registered its array types on import
        _JAX_LOADED = True
        for fn in _ON_LOAD["jax"]:
            fn()


def sharded_vmap(
    fn: Callable[..., Any],
    in_axes: int | Sequence[int | None] | None = 0,
    devices: Sequence[Any] | None = None,
) -> Callable[..., Any]:
    """``jax.vmap(fn, in_axes)``, compiled once, with the batch (axis 0 of every mapped
    argument) split across JAX's devices (``jax.sharding.NamedSharding`` on a one-axis
    mesh): batched queries over tables or evidence run on all devices at once. On CPU,
    ``XLA_FLAGS=--xla_force_host_platform_device_count=4`` (set before JAX is imported)
    gives four devices.

    >>> import markovcat as mc, jax.numpy as jnp
    >>> ev = lambda p: mc.log_evidence(mc.state(mc.Bool, p) >> mc.copy(mc.Bool), {0: True})
    >>> logs = mc.sharded_vmap(ev)(jnp.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]]))
    >>> [round(float(v), 4) for v in jnp.exp(logs)]
    [0.5, 0.8, 0.1]
    """
    load("jax")
    sharding = importlib.import_module("markovcat.backends._sharding")  # needs JAX
    return sharding.sharded_vmap(fn, in_axes, devices)


def _maybe_load_jax(x: Any) -> None:
    if not _JAX_LOADED and type(x).__module__.split(".")[0] in ("jax", "jaxlib"):
        load("jax")


def asarray(x: Any) -> Any:
    """A user table as a backend array: float64 numpy, exact, or JAX (by the input's type)."""
    _maybe_load_jax(x)
    return _dispatch.asarray(x)


def name(x: Any) -> str:
    """The backend of an array: ``'numpy'``, ``'jax'`` or ``'sympy'``."""
    return _dispatch.backend_name(x)


def convert(x: Any, target: str) -> Any:
    """Move an array to backend ``target``.

    >>> import numpy as np
    >>> from markovcat import backends
    >>> backends.name(backends.convert(np.array([0.5, 0.5]), "sympy"))
    'sympy'
    """
    load(target)
    src = name(x)
    if src == target:
        return x
    if target == "numpy":
        return _dispatch.to_numpy(x)
    if target == "sympy":
        if src == "jax":
            x = _dispatch.to_numpy(x)  # a tracer raises BackendError
        return _exact_array.exact_backend().to_exact(x)
    from . import _jax

    return _jax.from_numpy(_dispatch.to_numpy(x))


def common(arrays: Sequence[Any]) -> str | None:
    """The one backend ``arrays`` meet on (``None`` for no arrays): numpy joins JAX or
    sympy; JAX and sympy do not mix."""
    kinds = {name(a) for a in arrays}
    if len(kinds) <= 1:
        return kinds.pop() if kinds else None
    if kinds == {"jax", "sympy"} or len(kinds) == 3:
        raise BackendError(
            "cannot combine JAX and exact sympy tables in one diagram; "
            "convert one side with .to('jax') or .to('sympy')"
        )
    return (kinds - {"numpy"}).pop()


def promote(arrays: Sequence[Any]) -> list[Any]:
    """Bring arrays to one backend: numpy joins JAX or sympy; JAX and sympy do not mix."""
    arrays = list(arrays)
    target = common(arrays)
    if target is None:
        return arrays
    return [convert(a, target) for a in arrays]
