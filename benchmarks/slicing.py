"""Sliced contraction against the unsliced plan, side by side in one run.

For each network: all posterior marginals for one evidence set of 5 observed leaves,
unsliced, then with ``mc.config.max_elements`` set to 1/8 (and 1/64) of the unsliced
plan's largest tensor, which forces slicing. Printed: the largest tensor, the wires sliced
and slices run, the time of each and the ratio sliced / unsliced, and the largest
difference between the marginals (they must agree to rounding).

With ``--dask N``, the sliced queries also run with their slices as tasks on a
LocalCluster of N worker processes (one thread each, loopback; start-up not timed).

Run in the benchmark environment (pgmpy for its BIF files, dask[distributed] for --dask):

    python benchmarks/slicing.py [--networks munin1,link,pigs] [--dask 2]
"""

from __future__ import annotations

import argparse
import gzip
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from engine import bif_path, leaves_and_evidence
from scaling import dask_client

import markovcat as mc
from markovcat import _engine
from markovcat._engine import _slice
from markovcat._inference import observe


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def row(name: str, client=None) -> None:
    path = bif_path(name)
    if path is None:
        print(f"{name:10} (no BIF file: install pgmpy)")
        return
    net = mc.read_bif(gzip.open(path, "rt", encoding="latin-1").read())
    (ev,) = leaves_and_evidence(net, np.random.default_rng(0), n_sets=1)
    evidence = {p: net.cod.factors[p].outcomes[v] for p, v in ev.items()}
    positions, _ = observe(net, evidence)
    q = _engine.Query(observed=positions, marginals=True)
    wiring = mc.network(net).wiring
    largest = _engine.plan(wiring, q).largest
    mc.posterior_marginals(net, evidence)  # plan and warm up
    want, t0 = timed(lambda: [m.array for m in mc.posterior_marginals(net, evidence)])
    for divisor in (8, 64):
        limit = max(largest // divisor, 1)
        cut = _slice.choose(wiring, q, limit)
        slices = math.prod(wiring[4][w] for w in cut)
        with mc.config.override(max_elements=limit):
            try:
                mc.posterior_marginals(net, evidence)  # plan the slice
                got, t1 = timed(lambda: [m.array for m in mc.posterior_marginals(net, evidence)])
            except mc.MemoryLimitError:
                print(f"{name:10} {largest:>12,} 1/{divisor:<3} cannot be sliced under the limit")
                continue
        diff = max(float(np.abs(a - b).max()) for a, b in zip(got, want, strict=True))
        print(
            f"{name:10} {largest:>12,} 1/{divisor:<3} {len(cut):>3} wires {slices:>6} slices "
            f"{t0 * 1e3:9.1f} ms {t1 * 1e3:10.1f} ms {t1 / t0:7.2f}   {diff:.1e}"
        )
        if client is not None:
            with mc.config.override(max_elements=limit, executor=client):
                mc.posterior_marginals(net, evidence)  # ship the tables, plan on the workers
                dask, t2 = timed(lambda: [m.array for m in mc.posterior_marginals(net, evidence)])
            diff = max(float(np.abs(a - b).max()) for a, b in zip(dask, want, strict=True))
            workers = len(client.scheduler_info()["workers"])
            print(
                f"{'':10} {'':>12} {'':5} on {workers} Dask workers: {t2 * 1e3:10.1f} ms, "
                f"{t2 / t0:.2f}× unsliced, {t2 / t1:.2f}× sliced in process   {diff:.1e}"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--networks", default="munin1,link,pigs,andes")
    ap.add_argument("--dask", type=int, default=0, help="also run on N Dask workers")
    args = ap.parse_args()
    print(f"markovcat {mc.__version__}, numpy {np.__version__}")
    print(
        f"{'network':10} {'largest':>12} {'limit':5} {'sliced':>9} {'':>13} "
        f"{'unsliced':>12} {'sliced':>13} {'ratio':>7}   max |Δ|"
    )
    if not args.dask:
        for name in args.networks.split(","):
            row(name)
        return
    with dask_client(args.dask) as client:
        for name in args.networks.split(","):
            row(name, client)


if __name__ == "__main__":
    main()
