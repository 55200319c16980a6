"""Beyond one process: Dask workers and JAX devices, ratios measured side by side.

* ``dask``  — 1,000 evidence patterns (5 observed leaves each, ancestral samples) on
  andes: all posterior marginals per pattern, in this process, then with
  ``mc.map_queries`` on a LocalCluster of 1 and of 2 worker processes (one thread each,
  loopback). Cluster start-up is not timed; the answers are compared with the
  in-process ones.
* ``shard`` — a batched query: the log-likelihood of a 16-state HMM (T = 500) for a
  batch of 512 transition matrices, ``mc.sharded_vmap`` on 4 CPU devices against the same
  on 1 device (each in a fresh interpreter: JAX fixes its devices at import, by
  ``XLA_FLAGS=--xla_force_host_platform_device_count``). Compile time is printed apart.
* sliced against unsliced contractions (munin1, link at 1/8 of the unsliced plan):
  ``benchmarks/slicing.py``.

Run in the benchmark environment (pgmpy for andes' BIF file, dask[distributed], jax):

    python benchmarks/scaling.py [--tables dask,shard] [--patterns 1000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from engine import bif_path, leaves_and_evidence

import markovcat as mc


def marginal_arrays(net, evidence):
    """All posterior marginals as plain arrays (what a task sends back)."""
    return [np.asarray(m.array) for m in mc.posterior_marginals(net, evidence)]


@contextmanager
def dask_client(workers: int):
    """A client of a LocalCluster of ``workers`` processes, one thread each, on loopback."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def bench_dask(n_patterns: int) -> None:
    print(f"\n## dask: {n_patterns} evidence patterns on andes, all marginals each")
    path = bif_path("andes")
    if path is None:
        print("(no BIF file: install pgmpy)")
        return
    net = mc.read_bif(gzip.open(path, "rt", encoding="latin-1").read())
    rng = np.random.default_rng(0)
    patterns = []
    for _ in range(n_patterns // 10):  # 10 patterns per choice of leaves
        for ev in leaves_and_evidence(net, rng, n_sets=10):
            patterns.append({p: net.cod.factors[p].outcomes[v] for p, v in ev.items()})
    task = partial(marginal_arrays, net)
    t = time.perf_counter()
    want = [task(ev) for ev in patterns]
    local = time.perf_counter() - t
    print(f"in process: {local:.2f} s ({1e3 * local / len(patterns):.2f} ms per pattern)")
    times = {}
    for workers in (1, 2):
        with dask_client(workers) as client:
            mc.map_queries(task, patterns[: workers * 4], executor=client)  # import, warm up
            t = time.perf_counter()
            got = mc.map_queries(task, patterns, executor=client)
            times[workers] = time.perf_counter() - t
        worst = max(float(np.abs(a - b).max()) for g, w in zip(got, want) for a, b in zip(g, w))
        print(
            f"{workers} Dask worker(s): {times[workers]:.2f} s, "
            f"largest difference from in-process {worst:.1e}"
        )
    print(
        f"ratio 2 workers / 1 worker: {times[2] / times[1]:.2f}; "
        f"2 workers / in process: {times[2] / local:.2f} (this machine: {os.cpu_count()} cores)"
    )


CHILD = """
import json, sys, time
import jax, jax.numpy as jnp, numpy as np
jax.config.update("jax_enable_x64", True)
import markovcat as mc
from markovcat.models import hidden_markov_model
n, m, T, batch = 16, 8, 500, 512
rng = np.random.default_rng(1)
H, O = mc.Obj("H", n), mc.Obj("O", m)
init, B = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(m), size=n)
obs = rng.integers(0, m, size=T)
ev = {2 * t + 1: int(o) for t, o in enumerate(obs)}
As = jnp.asarray(rng.dirichlet(np.ones(n), size=(batch, n)))
def loglik(A):
    model = hidden_markov_model(mc.state(H, init), mc.kernel(H, H, A), mc.kernel(H, O, B), T)
    return mc.log_evidence(model, ev)
f = mc.sharded_vmap(loglik)
t = time.perf_counter(); out = f(As).block_until_ready(); first = time.perf_counter() - t
runs = []
for _ in range(5):
    t = time.perf_counter(); f(As).block_until_ready(); runs.append(time.perf_counter() - t)
print(json.dumps({"devices": len(jax.devices()), "on": len(out.sharding.device_set),
                  "first": first, "run": sorted(runs)[2], "out": [float(v) for v in out]}))
"""


def bench_shard() -> None:
    print("\n## shard: HMM log-likelihood (16 states, T = 500) for 512 transition matrices")
    results = {}
    for devices in (1, 4):
        env = {
            **os.environ,
            "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
            "JAX_PLATFORMS": "cpu",
        }
        out = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
        )
        results[devices] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[devices]
        print(
            f"{devices} device(s) (batch on {r['on']}): compile + first run {r['first']:.2f} s, "
            f"then {1e3 * r['run']:.1f} ms per batch"
        )
    diff = float(np.abs(np.subtract(results[1]["out"], results[4]["out"])).max())
    print(
        f"ratio 4 devices / 1 device: {results[4]['run'] / results[1]['run']:.2f} "
        f"(largest difference {diff:.1e}; this machine: {os.cpu_count()} cores)"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", default="dask,shard")
    ap.add_argument("--patterns", type=int, default=1000)
    args = ap.parse_args(argv)
    tables = args.tables.split(",")
    if "dask" in tables:
        bench_dask(args.patterns)
    if "shard" in tables:
        bench_shard()


if __name__ == "__main__":
    main()
