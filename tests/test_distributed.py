"""Dask: sliced contractions and batches of queries on a LocalCluster of two worker
processes (loopback only) give the in-process answers (and brute force), also when a
worker is killed mid-query; what cannot complete is a clear DistributedError."""

import math
import os
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import positive_evidence
from test_posterior import bayes_nets, brute, build, condition_brute

import markovcat as mc
from markovcat import _engine, _executor

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # loopback, any free port
    ) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module", autouse=True)
def _close_markovcats_clients():
    """Clients markovcat made for an address are closed with the module: one left open
    would keep reconnecting (with random back-off) to a cluster that has gone."""
    yield
    _executor.close()


def _latent_model(seed=3, children=8, array=np.asarray):
    """A latent X with eight children; conditioning on three and keeping all marginals
    has an intermediate of |X|·|Y|² entries, sliced on X under a limit of |Y|². Tables
    are made by ``array`` (``jnp.asarray`` for JAX tables)."""
    rng = np.random.default_rng(seed)
    X, Y = mc.Obj("X", 5), mc.Obj("Y", 4)
    prior = mc.state(X, array(rng.dirichlet(np.ones(5))))
    emit = [mc.kernel(X, Y, array(rng.dirichlet(np.ones(4), size=5))) for _ in range(children)]

    @mc.program(mc.I, mc.product(*[Y] * children))
    def model():
        x = prior()
        return tuple(e(x) for e in emit)

    return model


def test_sliced_queries_on_dask_match_the_unsliced_plan(client):
    model = _latent_model()
    evidence = {0: 1, 3: 2, 5: 0}
    want = mc.posterior_marginals(model, evidence)
    want_z = float(mc.log_evidence(model, evidence))
    want_pair = mc.condition(model, evidence, keep=[1, 2]).array
    with mc.config.override(max_elements=16):
        q = _engine.Query(observed=(0, 3, 5), marginals=True)
        assert _engine._sliced(model, q)[2], "the limit must force slicing"
        got = mc.posterior_marginals(model, evidence, executor=client)
        got_z = float(mc.log_evidence(model, evidence, executor=client))
        got_pair = mc.condition(model, evidence, keep=[1, 2], executor=client).array
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a.array, b.array, atol=1e-13)
    assert math.isclose(got_z, want_z, rel_tol=1e-12)
    np.testing.assert_allclose(got_pair, want_pair, atol=1e-13)


@settings(max_examples=10)
@given(net=bayes_nets(max_vars=5), data=st.data())
def test_random_networks_sliced_on_dask_match_the_dense_joint(client, net, data):
    objs, parents, tables = net
    joint = brute(objs, parents, tables)
    state = build(objs, parents, tables, "numpy")
    observed = positive_evidence(data, objs, joint, len(objs) - 1)
    evidence = {i: objs[i].values[v] for i, v in observed.items()}
    post, z = condition_brute(joint, observed)
    post = np.asarray(post, dtype=float) / float(z)
    limit = data.draw(st.integers(1, 64), label="limit")
    with mc.config.override(max_elements=limit, executor=client):
        try:
            margs = mc.posterior_marginals(state, evidence)
        except mc.MemoryLimitError:  # the sliced plan still does not fit: refused, fine
            return
    for i, m in enumerate(margs):
        axes = tuple(k for k in range(len(objs)) if k != i)
        np.testing.assert_allclose(m.array, post.sum(axis=axes), atol=1e-12)


def test_map_queries_gives_the_in_process_answers_in_order(client):
    model = _latent_model(seed=5)
    patterns = [{0: a, 1: b} for a in range(4) for b in range(4)]
    want = [float(mc.log_evidence(model, ev)) for ev in patterns]
    got = mc.map_queries(lambda ev: float(mc.log_evidence(model, ev)), patterns, executor=client)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # the cluster given by its address, and as the configured executor, with small chunks
    with mc.config.override(executor=client.scheduler.address):
        again = mc.map_queries(lambda ev: float(mc.log_evidence(model, ev)), patterns, chunksize=3)
    np.testing.assert_allclose(again, want, rtol=1e-13)
    # brute force: P(Y0 = a, Y1 = b) sums to 1 over all patterns
    assert math.isclose(sum(math.exp(v) for v in got), 1.0, rel_tol=1e-12)


def test_an_error_in_a_task_is_raised_as_it_was_raised(client):
    impossible = mc.state(mc.Bool, [1.0, 0.0])
    with pytest.raises(mc.ZeroProbabilityError, match="probability 0"):
        mc.map_queries(
            lambda ev: mc.condition(impossible, ev), [{0: False}, {0: True}], executor=client
        )


def _kill_first_call(marker, module, name):
    """Run on every worker: the first call of ``module.name`` anywhere kills its worker
    process (the marker file is made by exactly one caller)."""
    import importlib

    mod = importlib.import_module(module)
    inner = getattr(mod, name)

    def dying(*args, **kwargs):
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return inner(*args, **kwargs)
        os.close(fd)
        os._exit(1)

    setattr(mod, name, dying)


def test_a_worker_killed_mid_query_still_gives_the_right_answer(client, tmp_path):
    """One worker dies inside its slice task; the nanny restarts it, Dask reruns the task,
    and the sliced query returns the unsliced answer."""
    model = _latent_model(seed=7)
    evidence = {2: 3, 4: 1, 6: 0}
    want = mc.posterior_marginals(model, evidence)
    marker = str(tmp_path / "killed")
    client.run(_kill_first_call, marker, "markovcat._engine", "_slices")
    with mc.config.override(max_elements=16):
        got = mc.posterior_marginals(model, evidence, executor=client)
    assert os.path.exists(marker), "a worker must have died"
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a.array, b.array, atol=1e-13)
    client.wait_for_workers(2, timeout=60)


def test_a_query_whose_tasks_keep_dying_is_a_distributed_error():
    """Every worker, restarted or not, dies in its first slice task (a worker plugin runs
    on each new worker): Dask gives up and the query raises, returning nothing."""
    import dask

    def die(*args, **kwargs):
        os._exit(1)

    class Dying(distributed.WorkerPlugin):  # local: pickled by value for the workers
        def setup(self, worker):
            import markovcat._engine

            markovcat._engine._slices = die

    model = _latent_model()
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with (
            distributed.LocalCluster(
                n_workers=1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # loopback, any free port
            ) as cluster,
            distributed.Client(cluster) as c,
        ):
            c.register_plugin(Dying())
            with (
                mc.config.override(max_elements=16),
                pytest.raises(
                    mc.DistributedError, match="lost this query's tasks.*nothing was returned"
                ),
            ):
                mc.posterior_marginals(model, {0: 1, 3: 2, 5: 0}, executor=c)


def test_the_default_local_cluster_starts_on_first_use_and_closes():
    try:
        got = mc.map_queries(math.sqrt, [1.0, 4.0, 9.0], executor="dask")
        assert got == [1.0, 2.0, 3.0]
        client = _executor._CLIENTS["dask"]
        addresses = [w["host"] for w in client.scheduler_info()["workers"].values()]
        assert addresses and set(addresses) == {"127.0.0.1"}  # loopback only
    finally:
        _executor.close()
    assert not _executor._CLIENTS


def test_executor_settings_are_checked():
    with pytest.raises(mc.InvalidArgumentError, match="expected an executor.*given 3"):
        mc.config.executor = 3
    with pytest.raises(mc.InvalidArgumentError, match="executor"):
        mc.posterior_marginals(mc.state(mc.Bool, [0.5, 0.5]), executor="threads")
    with pytest.raises(mc.InvalidArgumentError, match="chunksize"):
        mc.map_queries(abs, [1], chunksize=0)
    assert mc.map_queries(abs, [-1, -2, 3], executor=_Fake(), chunksize=2) == [1, 2, 3]
    assert mc.config.executor == "local"


class _Fake:
    """Acts like a Client with one thread, running tasks in this process."""

    def map(self, fn, parts, shared, pure):
        return [fn(p, shared=shared) for p in parts]

    def gather(self, futures):
        return futures

    def scatter(self, data, broadcast, hash):
        return data

    def cancel(self, futures):
        pass

    def scheduler_info(self):
        return {"workers": {"w": {"nthreads": 1}}}


def test_an_unreachable_scheduler_is_a_distributed_error():
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(mc.DistributedError, match="cannot reach a Dask scheduler"):
            mc.map_queries(abs, [1, 2], executor="tcp://127.0.0.1:9")


def test_without_dask_the_error_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(mc.DistributedError, match=r"markovcat\[distributed\]"):
        mc.map_queries(abs, [1, 2], executor="tcp://127.0.0.1:9")


def test_the_scaling_page_example(cluster):
    """The example of docs/scaling.md (between the markers), on this module's cluster."""
    address = cluster.scheduler_address
    # --8<-- [start:dask]
    import markovcat as mc
    from markovcat.models import hidden_markov_model

    H, O = mc.Obj("H", ("rain", "sun")), mc.Obj("O", ("umbrella", "none"))
    hmm = hidden_markov_model(
        mc.state(H, [0.5, 0.5]),
        mc.kernel(H, H, [[0.7, 0.3], [0.3, 0.7]]),
        mc.kernel(H, O, [[0.9, 0.1], [0.2, 0.8]]),
        length=3,
    )
    days = [{1: u, 3: v} for u in O.outcomes for v in O.outcomes]  # 4 evidence patterns

    # the Dask cluster at `address` (a Client, or "dask" for a LocalCluster on this machine)
    rain_on_day_2 = mc.map_queries(
        lambda ev: float(mc.posterior(hmm, ev, keep=4).array[0]), days, executor=address
    )
    # a contraction over the memory limit is sliced, and the slices run on the cluster
    with mc.config.override(max_elements=2, executor=address):
        sliced = mc.posterior_marginals(hmm, {1: "umbrella", 3: "umbrella"})
    # --8<-- [end:dask]
    # brute force: P(H2 = rain | O0 = u, O1 = v) from the joint of the hidden days
    A, B = np.array([[0.7, 0.3], [0.3, 0.7]]), np.array([[0.9, 0.1], [0.2, 0.8]])
    want = []
    for ev in days:
        u, v = O.outcomes.index(ev[1]), O.outcomes.index(ev[3])
        joint = np.einsum("a,a,ab,b,bc->abc", [0.5, 0.5], B[:, u], A, B[:, v], A)
        want.append(joint.sum(axis=(0, 1))[0] / joint.sum())
    np.testing.assert_allclose(rain_on_day_2, want, rtol=1e-12)
    local = mc.posterior_marginals(hmm, {1: "umbrella", 3: "umbrella"})
    for a, b in zip(sliced, local, strict=True):
        np.testing.assert_allclose(a.array, b.array, atol=1e-13)
