"""Deterministic plans and the first query, against pyAgrum building from scratch.

Two tables:

* ``determinism`` — ``posterior_marginals`` on munin4 (and any ``--determinism`` list) in
  5 fresh Python processes: the plan's fingerprint (a hash of every contraction step), the
  answer's fingerprint, and whether any run raised ``MemoryLimitError``. All five lines
  must agree.
* ``first`` — the first ``posterior_marginals`` call per evidence pattern (5 observed
  leaves; 3 patterns, median) on every bnlearn network pgmpy ships: plan time (first call
  minus a repeat) and run time separately, against pyAgrum's fresh ``LazyPropagation``
  (junction tree built, evidence set, inference, every posterior read), single thread.

Run in the benchmark environment (pyAgrum, pgmpy for its BIF files):

    python benchmarks/planning.py [--networks asia,alarm,...] [--determinism munin4]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from engine import NETWORKS, bif_path, leaves_and_evidence, to_pyagrum

import markovcat as mc


def fingerprints(name: str) -> str:
    """Run in a fresh process: the plan and answer fingerprints of one query."""
    from markovcat._engine import _plan

    net = mc.read_bif(gzip.open(bif_path(name), "rt", encoding="latin-1").read())
    ev = leaves_and_evidence(net, np.random.default_rng(0))[0]
    evidence = {p: net.cod.factors[p].outcomes[v] for p, v in ev.items()}
    try:
        margs = mc.posterior_marginals(net, evidence)
    except mc.MemoryLimitError as exc:
        return f"MemoryLimitError: {str(exc)[:60]}"
    plans = hashlib.sha256()
    for _key, plan in sorted(_plan._CACHE.items(), key=lambda kv: repr(kv[0][1])):
        for st in plan.steps:
            plans.update(repr((st.node, st.children, st.expr.eq, st.max_axis)).encode())
    answer = hashlib.sha256(np.concatenate([np.round(m.array, 12) for m in margs]).tobytes())
    return f"plan {plans.hexdigest()[:16]}  answer {answer.hexdigest()[:16]}"


def determinism(names: list[str], runs: int = 5) -> None:
    print("\n## determinism: the same query in fresh processes")
    for name in names:
        lines = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, __file__, "--fingerprint", name],
                capture_output=True,
                text=True,
                check=True,
            )
            lines.append(out.stdout.strip().splitlines()[-1])
        verdict = "identical" if len(set(lines)) == 1 else "DIFFERENT"
        print(f"{name:10} {runs} runs: {verdict}; {lines[0]}")
        for extra in sorted(set(lines) - {lines[0]}):
            print(f"{'':10} also: {extra}")


def first_query(gum, name: str) -> None:
    from markovcat._engine import clear_cache

    path = bif_path(name)
    if path is None:
        print(f"{name:12} (no BIF file)")
        return
    net = mc.read_bif(gzip.open(path, "rt", encoding="latin-1").read())
    sets = leaves_and_evidence(net, np.random.default_rng(0))
    bn, names = to_pyagrum(gum, net)

    def agrum(ev: dict) -> list:
        ie = gum.LazyPropagation(bn)  # fresh: the junction tree is built here
        ie.setNumberOfThreads(1)
        ie.setEvidence({names[p]: v for p, v in ev.items()})
        ie.makeInference()
        return [ie.posterior(n).toarray() for n in names]

    firsts, runs, agrums = [], [], []
    for ev in sets:
        evidence = {p: net.cod.factors[p].outcomes[v] for p, v in ev.items()}
        clear_cache()
        net.__dict__.pop("_network", None)
        t = time.perf_counter()
        try:
            got = mc.posterior_marginals(net, evidence)
        except mc.MemoryLimitError as exc:
            print(f"{name:12} refused: {str(exc)[:60]}")
            return
        firsts.append(time.perf_counter() - t)
        t = time.perf_counter()
        mc.posterior_marginals(net, evidence)
        runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        want = agrum(ev)
        agrums.append(time.perf_counter() - t)
        err = max(float(np.abs(np.asarray(g.array) - w.ravel()).max()) for g, w in zip(got, want))
        if err > 1e-6:
            print(f"{name:12} answers differ from pyAgrum by {err:.1e}")
    first, run, ag = (statistics.median(x) for x in (firsts, runs, agrums))
    print(
        f"{name:12} {len(names):5} {(first - run) * 1e3:9.1f}ms {run * 1e3:9.2f}ms "
        f"{first * 1e3:9.1f}ms {ag * 1e3:9.1f}ms {first / ag:7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", default=",".join(NETWORKS))
    parser.add_argument("--determinism", default="munin4")
    parser.add_argument("--fingerprint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fingerprint:
        print(fingerprints(args.fingerprint))
        return
    if args.determinism:
        determinism(args.determinism.split(","))
    if args.networks:
        import pyagrum as gum

        gum.config["core", "default_maxNumberOfThreads"] = "1"
        print("\n## first: the first posterior_marginals per evidence pattern vs fresh pyAgrum")
        print(
            f"{'network':12} {'vars':>5} {'mc plan':>11} {'mc run':>11} {'mc first':>11} "
            f"{'pyAgrum':>11} {'ratio':>7}"
        )
        for name in args.networks.split(","):
            first_query(gum, name)


if __name__ == "__main__":
    main()
