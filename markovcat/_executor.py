"""Where independent pieces of work run: in this process, or as tasks on a Dask cluster.

Two kinds of work are independent: the slices of a sliced contraction (the engine) and
separate queries — many evidence patterns, a parameter sweep (:func:`map_queries`). Both
are cut into chunks, a few per worker thread; each chunk runs as one task and the
engine combines the chunks' results, so the answer does not depend on where they ran.

The executor is ``mc.config.executor`` or the ``executor=`` argument of a query:

- ``"local"`` (the default): in this process, in order;
- ``"dask"``: a ``dask.distributed`` ``LocalCluster`` on this machine (loopback only, one
  worker process per core up to 4, one thread each), started on first use and closed at
  exit;
- a scheduler address such as ``"tcp://10.0.0.5:8786"``: a ``Client`` to that cluster;
- a ``distributed.Client`` the user made.

Dask is the optional extra ``markovcat[distributed]``, imported only when asked for. A
worker lost mid-query is replaced and its tasks rerun by Dask's scheduler; where they
cannot be (Dask's ``allowed_failures`` spent, the scheduler gone), the query raises
:class:`DistributedError` and returns nothing.

>>> import markovcat as mc
>>> mc.map_queries(lambda n: n * n, range(5))
[0, 1, 4, 9, 16]
"""

from __future__ import annotations

import atexit
import math
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

from ._config import check_executor, config
from ._errors import DistributedError, InvalidArgumentError

T = TypeVar("T")

#: Chunks per worker thread: enough to balance uneven tasks, few enough that each one
#: carries real work.
CHUNKS_PER_THREAD = 4

_SELECTED: ContextVar[Any] = ContextVar("markovcat_executor", default=None)
_LOCK = threading.Lock()
_CLIENTS: dict[str, Any] = {}  # "dask" (the LocalCluster's client) or an address → Client
_CLUSTER: list[Any] = []


@contextmanager
def selected(executor: Any, where: str = "executor=") -> Iterator[None]:
    """Run the block with ``executor`` (``None``: keep the current one)."""
    if executor is None:
        yield
        return
    token = _SELECTED.set(check_executor(executor, where))
    try:
        yield
    finally:
        _SELECTED.reset(token)


def current() -> Any:
    """The executor in force: the innermost ``executor=`` argument, else the config."""
    chosen = _SELECTED.get()
    return config.executor if chosen is None else chosen


def chunks(items: Sequence[T], n: int) -> list[list[T]]:
    """``items`` in at most ``n`` contiguous chunks of nearly equal length, in order.

    >>> chunks(list(range(7)), 3)
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (i < extra)
        out.append(list(items[start:stop]))
        start = stop
    return out


class Dask:
    """Tasks on a ``dask.distributed`` cluster through ``client``."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def threads(self) -> int:
        """How many tasks the cluster runs at once (at least 1)."""
        try:
            workers = self.client.scheduler_info()["workers"].values()
        except Exception as e:  # the scheduler is gone
            raise _lost(e) from e
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers))

    def map(
        self, task: Callable[..., T], items: Sequence[Any], shared: Any, size: int | None = None
    ) -> list[T]:
        """``[task(chunk, shared) for chunk in chunks(items)]``, one Dask task per chunk of
        ``size`` items (default: :data:`CHUNKS_PER_THREAD` chunks per worker thread);
        ``shared`` is sent to every worker once. Tasks are pure, so where a worker's death
        loses ``shared`` with it (Dask cancels the tasks that needed it) they are sent
        again, once; a task that kills workers past Dask's ``allowed_failures`` is not."""
        n = math.ceil(len(items) / size) if size else self.threads * CHUNKS_PER_THREAD
        parts = chunks(items, n)
        distributed = _distributed()
        for attempt in (1, 2):
            futures: list[Any] = []
            try:
                (ref,) = self.client.scatter([shared], broadcast=True, hash=False)
                futures = self.client.map(partial(_packed, task), parts, shared=ref, pure=False)
                return [pickle.loads(b) for b in self.client.gather(futures)]
            except distributed.CancelledError as e:
                if attempt == 2:
                    raise _lost(e) from e
            except (distributed.KilledWorker, OSError) as e:
                raise _lost(e) from e
            finally:
                if futures:
                    self.client.cancel(futures)
        raise AssertionError("unreachable")


def resolve(executor: Any = None) -> Dask | None:
    """The executor to use (``None``: run in this process)."""
    value = current() if executor is None else check_executor(executor, "executor=")
    if isinstance(value, str):
        if value == "local":
            return None
        return Dask(_client(value))
    return Dask(value)


def _client(name: str) -> Any:
    """The client for ``"dask"`` (a LocalCluster started now) or a scheduler address."""
    with _LOCK:
        client = _CLIENTS.get(name)
        if client is not None and client.status == "running":
            return client
        distributed = _distributed()
        try:
            if name == "dask":
                cluster = distributed.LocalCluster(
                    n_workers=min(4, os.cpu_count() or 1),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",  # loopback, any free port
                )
                _CLUSTER.append(cluster)
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(name)  # waits distributed.comm.timeouts.connect
        except (OSError, distributed.TimeoutError) as e:
            raise DistributedError(
                f"cannot reach a Dask scheduler at {name!r}: {type(e).__name__}: {e}; "
                "expected the address a running scheduler prints (tcp://host:8786)"
            ) from e
        _CLIENTS[name] = client
        return client


def close() -> None:
    """Close the clients and the LocalCluster markovcat started (run at exit)."""
    with _LOCK:
        for client in _CLIENTS.values():
            client.close()
        for cluster in _CLUSTER:
            cluster.close()
        _CLIENTS.clear()
        _CLUSTER.clear()


atexit.register(close)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise DistributedError(
            "running queries on Dask needs dask.distributed, which is not installed: "
            "pip install 'markovcat[distributed]'"
        ) from e
    return distributed


def _lost(e: BaseException) -> DistributedError:
    return DistributedError(
        f"the Dask cluster lost this query's tasks ({type(e).__name__}: {e}); nothing was "
        "returned. Workers that die repeatedly (out of memory?) exhaust Dask's "
        "allowed_failures; check the workers' logs, or run with executor='local'"
    )


def _packed(task: Callable[..., Any], part: Any, shared: Any) -> bytes:
    """``task(part, shared)`` pickled in one piece: a chunk's results (hundreds of small
    arrays, say) travel as one frame instead of one frame per array, several times faster
    through Dask's serialisation."""
    return pickle.dumps(task(part, shared), protocol=pickle.HIGHEST_PROTOCOL)


def _apply(part: list[Any], shared: Callable[[Any], Any]) -> list[Any]:
    """One task of :func:`map_queries`: ``shared`` on each item, nested queries in the
    worker's own process (never back onto the cluster)."""
    with selected("local"):
        return [shared(x) for x in part]


def map_queries(
    fn: Callable[[Any], T],
    items: Iterable[Any],
    *,
    executor: Any = None,
    chunksize: int | None = None,
) -> list[T]:
    """``[fn(x) for x in items]``: independent queries (evidence patterns, a parameter
    sweep) run in this process or as tasks on a Dask cluster, in order.

    ``executor`` defaults to ``mc.config.executor`` (see the module notes). On Dask the
    items go in chunks of ``chunksize`` (default: a few chunks per worker thread), one
    task each; ``fn`` (with what it refers to, such as the model) is pickled with
    cloudpickle and each worker plans a structure once for all its tasks. An exception
    in ``fn`` is raised here as it was raised there.

    >>> import markovcat as mc
    >>> D = mc.Obj("D", ("healthy", "ill"))
    >>> joint = mc.state(D, [0.99, 0.01]) >> mc.copy(D) >> (
    ...     mc.identity(D) @ mc.kernel(D, mc.Bool, [[0.95, 0.05], [0.1, 0.9]]))
    >>> ill = mc.map_queries(lambda ev: mc.posterior(joint, ev, keep=0),
    ...                      [{1: False}, {1: True}], executor="local")
    >>> [round(float(p.array[1]), 4) for p in ill]  # 0.001 / 0.9415, 0.009 / 0.0585
    [0.0011, 0.1538]
    """
    if not callable(fn):
        raise InvalidArgumentError(
            f"mc.map_queries: expected a function of one item, given {fn!r:.80}"
        )
    if chunksize is not None and (
        isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1
    ):
        raise InvalidArgumentError(
            f"mc.map_queries: expected an integer chunksize >= 1, given {chunksize!r:.80}"
        )
    try:
        todo = list(items)
    except TypeError:
        raise InvalidArgumentError(
            f"mc.map_queries: expected an iterable of items, given {items!r:.80}"
        ) from None
    runner = resolve(executor)
    if runner is None or not todo:
        return [fn(x) for x in todo]
    return [y for part in runner.map(_apply, todo, fn, chunksize) for y in part]


__all__ = ["Dask", "chunks", "close", "current", "map_queries", "resolve", "selected"]
