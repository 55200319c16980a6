"""Library-wide settings: the row-sum tolerance and the memory guard.

>>> import markovcat as mc
>>> mc.config.row_atol, mc.config.max_elements
(1e-05, 134217728)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from ._errors import InvalidArgumentError


@dataclass
class Config:
    """Mutable settings; change them with ``mc.config.max_elements = ...``.

    ``row_atol``: a row of a float table is accepted when its sum is within this of 1
    (real data is off by up to about 1e-6; 1e-3 is an error). An accepted row that misses
    1 by more than rounding is divided by its sum, so compositions do not drift; the table
    as given stays available as ``k.given``. Exact tables must sum to exactly 1.

    ``max_elements``: a contraction whose largest intermediate or output would have more
    entries than this fails *before* allocating, with :class:`MemoryLimitError`.
    (2**27 float64 entries is 1 GiB.)

    ``path_trials``: how many trials the seeded random-greedy order search makes where
    the best order found is expensive (over 1e7 multiply-adds, networks of at most 400
    tensors); raise it for a longer search, 0 turns it off. Plans are cached per value,
    and the same value gives the same plan in every process.

    ``executor``: where independent work (the slices of a sliced contraction,
    ``mc.map_queries``) runs: ``"local"`` (this process), ``"dask"`` (a Dask LocalCluster
    started on first use), a scheduler address ``"tcp://host:port"`` or a
    ``distributed.Client``; the query functions' ``executor=`` overrides it per call.

    >>> import markovcat as mc
    >>> old, mc.config.row_atol = mc.config.row_atol, 1e-3
    >>> p = mc.state(mc.Bool, [0.5, 0.5004])
    >>> p.given.tolist(), [round(v, 6) for v in p.array.tolist()]
    ([0.5, 0.5004], [0.4998, 0.5002])
    >>> mc.config.row_atol = old
    """

    row_atol: float = 1e-5
    max_elements: int = 2**27
    path_trials: int = 64
    executor: Any = "local"

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "row_atol":
            value = check_tolerance(value, "mc.config.row_atol")
        elif key in ("max_elements", "path_trials"):
            low = 1 if key == "max_elements" else 0
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
                raise InvalidArgumentError(
                    f"mc.config.{key}: expected an integer >= {low}, given {value!r:.80}"
                )
            value = int(value)
        elif key == "executor":
            value = check_executor(value, "mc.config.executor")
        elif key not in {f.name for f in fields(self)}:
            raise InvalidArgumentError(
                f"mc.config has no setting {key!r}; settings are {[f.name for f in fields(self)]}"
            )
        object.__setattr__(self, key, value)

    @contextmanager
    def override(self, **settings: Any) -> Iterator[Config]:
        """Change settings inside a ``with`` block only (global: every thread sees them).

        >>> import markovcat as mc
        >>> with mc.config.override(max_elements=1000):
        ...     mc.config.max_elements
        1000
        >>> mc.config.max_elements
        134217728
        """
        unknown = sorted(set(settings) - {f.name for f in fields(self)})
        if unknown:
            raise InvalidArgumentError(
                f"mc.config.override: unknown setting(s) {unknown}; expected some of "
                f"{[f.name for f in fields(self)]}"
            )
        old = {k: getattr(self, k) for k in settings}
        try:
            for k, v in settings.items():
                setattr(self, k, v)
            yield self
        finally:
            for k, v in old.items():
                setattr(self, k, v)


def check_tolerance(atol: Any, where: str) -> float:
    """``atol`` as a float, or :class:`InvalidArgumentError` unless it is finite and >= 0.

    >>> check_tolerance(1e-9, "mc.allclose")
    1e-09
    """
    try:
        value = float(atol) if isinstance(atol, numbers.Real) else math.nan
    except OverflowError:  # a Python int beyond float64
        value = math.inf
    if isinstance(atol, bool) or not isinstance(atol, numbers.Real) or not 0 <= value < math.inf:
        raise InvalidArgumentError(
            f"{where}: expected a finite tolerance atol >= 0, given {atol!r:.80}"
        )
    return float(atol)


def check_executor(value: Any, where: str) -> Any:
    """``value`` if it names an executor (see ``Config``), else :class:`InvalidArgumentError`.

    >>> check_executor("tcp://127.0.0.1:8786", "mc.config.executor")
    'tcp://127.0.0.1:8786'
    """
    if isinstance(value, str) and (value in ("local", "dask") or "://" in value):
        return value
    if all(hasattr(value, a) for a in ("map", "gather", "scatter", "scheduler_info")):
        return value  # a distributed.Client, or anything that acts like one
    raise InvalidArgumentError(
        f"{where}: expected an executor — 'local', 'dask', a scheduler address such as "
        f"'tcp://host:8786', or a distributed.Client — given {value!r:.80}"
    )


config = Config()
