"""All posterior marginals of classic Bayesian networks, side by side in one run.

For asia, child, alarm, hepar2, win95pts, pathfinder and andes (the BIF files pgmpy ships),
given 5 observed leaf variables (their values from one ancestral sample, seed 0):

* markovcat numpy — ``mc.posterior_marginals``: one forward and one reverse pass of the
  pruned tensor network (plan and path built on the first call, timed apart);
* markovcat JAX — the same pass under ``jax.jit`` (compile time shown apart);
* hand — a hand-written loop: for each variable, keep its ancestors and the evidence's,
  slice the evidence out of the tables and contract with a cached opt_einsum expression;
* pgmpy — ``VariableElimination.query`` for each variable (pgmpy's own all-at-once
  query builds the joint and runs out of memory).

Every method's marginals are checked to agree within 1e-9. Times are medians of repeated
calls; ratios are from this one run. A missing pgmpy or JAX skips that column (the BIF files
are then looked up in ``--dir``).

    python benchmarks/bn.py [--dir DIR] [--networks alarm,andes] [--parse]

``--parse`` adds a table of parsing times (markovcat vs pgmpy's BIFReader) including the
large networks barley, diabetes and munin.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import opt_einsum as oe

import markovcat as mc
from markovcat.io import structure

NETWORKS = ["asia", "child", "alarm", "hepar2", "win95pts", "pathfinder", "andes"]
BIG = ["barley", "diabetes", "munin"]

try:
    import jax

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover
    jax = None

HAVE_PGMPY = importlib.util.find_spec("pgmpy") is not None


def bif_text(name: str, directory: str | None) -> str | None:
    """The BIF text of ``name`` from ``directory`` or pgmpy's example models."""
    dirs = [Path(directory)] if directory else []
    spec = importlib.util.find_spec("pgmpy")
    if spec and spec.origin:
        dirs.append(Path(spec.origin).parent / "utils" / "example_models")
    for d in dirs:
        for f in (d / f"{name}.bif", d / f"{name}.bif.gz"):
            if f.exists():
                return gzip.open(f, "rt").read() if f.suffix == ".gz" else f.read_text()
    return None


def timeit(fn, min_time: float = 1.0, max_calls: int = 200) -> float:
    """Median seconds of repeated calls (at least 3, about ``min_time`` in all)."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < min_time and len(times) < max_calls):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def evidence_for(net) -> tuple[dict, list, list, list]:
    """Five leaf variables observed at the values of one ancestral sample (seed 0)."""
    variables, parents, kernels = structure(net)
    tables = [np.asarray(k.table) for k in kernels]
    rng = np.random.default_rng(0)
    value: list[int | None] = [None] * len(variables)
    order = []
    done = set()

    def visit(v: int) -> None:
        stack = [v]
        while stack:
            u = stack[-1]
            todo = [p for p in parents[u] if p not in done]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            if u not in done:
                done.add(u)
                order.append(u)

    for v in range(len(variables)):
        visit(v)
    for v in order:
        row = tables[v][tuple(value[p] for p in parents[v])]
        value[v] = int(rng.choice(len(row), p=row / row.sum()))
    has_child = {p for ps in parents for p in ps}
    leaves = [v for v in range(len(variables)) if v not in has_child][:5]
    evidence = {variables[v].name: variables[v].values[value[v]] for v in leaves}
    return evidence, variables, parents, tables


class Hand:
    """The hand-written pipeline: per variable, prune to ancestors, slice, cached path."""

    def __init__(self, variables, parents, tables, evidence):
        names = [v.name for v in variables]
        self.ev = {
            names.index(k): variables[names.index(k)].values.index(x) for k, x in evidence.items()
        }
        self.tables = tables
        self.plans = []
        for q in range(len(variables)):
            if q in self.ev:
                continue
            keep, todo = set(), [q, *self.ev]
            while todo:
                v = todo.pop()
                if v not in keep:
                    keep.add(v)
                    todo.extend(parents[v])
            keep = sorted(keep)
            terms, shapes, slicers = [], [], []
            for v in keep:
                fam = [*parents[v], v]
                slicers.append((v, tuple(self.ev.get(u, slice(None)) for u in fam)))
                free = [u for u in fam if u not in self.ev]
                terms.append("".join(oe.get_symbol(u) for u in free))
                shapes.append(tuple(len(variables[u].values) for u in free))
            eq = ",".join(terms) + "->" + oe.get_symbol(q)
            self.plans.append((q, oe.contract_expression(eq, *shapes), slicers))

    def __call__(self) -> dict[int, np.ndarray]:
        out = {}
        for q, expr, slicers in self.plans:
            r = expr(*[self.tables[v][s] for v, s in slicers])
            out[q] = r / r.sum()
        return out


def pgmpy_run(text: str, evidence: dict, free: list[str], variables, parents, tables):
    from pgmpy.inference import VariableElimination
    from pgmpy.readwrite import BIFReader

    t = time.perf_counter()
    model = BIFReader(string=text).get_model()
    parse = time.perf_counter() - t
    # the same (renormalised) numbers as markovcat, so that answers can agree to 1e-9
    names = [v.name for v in variables]
    for cpd in model.get_cpds():
        v = names.index(cpd.variable)
        axes = [names.index(u) for u in cpd.variables]  # child first, then its parents
        mine = [*parents[v], v]
        for u in cpd.variables:
            if list(cpd.state_names[u]) != list(variables[names.index(u)].values):
                raise SystemExit(f"pgmpy orders the outcomes of {u} differently")
        cpd.values = np.transpose(tables[v], [mine.index(a) for a in axes])
    ve = VariableElimination(model)
    t = time.perf_counter()
    result = {}
    for q in free:
        f = ve.query(variables=[q], evidence=evidence, show_progress=False)
        result[q] = dict(zip(f.state_names[q], f.values, strict=True))
    return parse, time.perf_counter() - t, result


def run_network(name: str, directory: str | None) -> dict | None:
    text = bif_text(name, directory)
    if text is None:
        print(f"# {name}: BIF file not found (install pgmpy or pass --dir); skipped")
        return None
    t = time.perf_counter()
    net = mc.read_bif(text)
    parse = time.perf_counter() - t
    evidence, variables, parents, tables = evidence_for(net)
    free = [v.name for v in variables if v.name not in evidence]
    row: dict = {"name": name, "vars": len(variables), "parse": parse}

    t = time.perf_counter()
    ours = mc.posterior_marginals(net, evidence)
    row["plan"] = time.perf_counter() - t
    row["numpy"] = timeit(lambda: mc.posterior_marginals(net, evidence))
    ref = {v.name: np.asarray(m.array) for v, m in zip(variables, ours, strict=True)}
    err = 0.0

    if jax is not None:
        jnet = mc.read_bif(text, backend="jax")
        t = time.perf_counter()
        jax.block_until_ready([m.table for m in mc.posterior_marginals(jnet, evidence)])
        row["compile"] = time.perf_counter() - t
        row["jax"] = timeit(
            lambda: jax.block_until_ready([m.table for m in mc.posterior_marginals(jnet, evidence)])
        )
        jm = mc.posterior_marginals(jnet, evidence)
        err = max(
            err,
            max(
                float(np.abs(np.asarray(m.array) - ref[v.name]).max())
                for v, m in zip(variables, jm, strict=True)
            ),
        )

    hand = Hand(variables, parents, tables, evidence)
    row["hand"] = timeit(hand)
    for q, m in hand().items():
        err = max(err, float(np.abs(m - ref[variables[q].name]).max()))

    if HAVE_PGMPY:
        row["pg_parse"], row["pgmpy"], res = pgmpy_run(
            text, evidence, free, variables, parents, tables
        )
        for q, probs in res.items():
            v = variables[[x.name for x in variables].index(q)]
            vec = np.array([probs[s] for s in v.values])
            err = max(err, float(np.abs(vec - ref[q]).max()))
    row["err"] = err
    if err > 1e-9:
        raise SystemExit(f"{name}: answers disagree by {err:.2e} > 1e-9")
    return row


def ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1e3:9.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", help="folder with NAME.bif or NAME.bif.gz files")
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument(
        "--parse", action="store_true", help="also time parsing barley, diabetes, munin"
    )
    args = ap.parse_args()
    if not HAVE_PGMPY:
        print("# pgmpy is not installed: the pgmpy column is skipped")
    if jax is None:
        print("# JAX is not installed: the JAX column is skipped")
    rows = [r for n in args.networks.split(",") if (r := run_network(n, args.dir))]
    print()
    print("All posterior marginals given 5 observed leaves; milliseconds per call (median)")
    head = (
        f"{'network':<11}{'vars':>5}{'mc numpy':>10}{'mc jax':>10}{'jit (s)':>9}{'hand':>10}"
        f"{'pgmpy':>11}{'pgmpy/np':>10}{'np/hand':>9}{'jax/hand':>9}{'max err':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        pg = r.get("pgmpy")
        print(
            f"{r['name']:<11}{r['vars']:>5}{ms(r['numpy']):>10}{ms(r.get('jax')):>10}"
            f"{r.get('compile', float('nan')):>9.2f}{ms(r['hand']):>10}{ms(pg):>11}"
            f"{(pg / r['numpy'] if pg else float('nan')):>10.1f}"
            f"{r['numpy'] / r['hand']:>9.2f}"
            f"{(r['jax'] / r['hand'] if 'jax' in r else float('nan')):>9.2f}{r['err']:>10.1e}"
        )
    print()
    print("Parsing, seconds: markovcat read_bif vs pgmpy BIFReader")
    for r in rows:
        pg = r.get("pg_parse")
        print(f"{r['name']:<11}{r['parse']:>9.3f}{(pg if pg else float('nan')):>9.3f}")
    if args.parse:
        for name in BIG:
            text = bif_text(name, args.dir)
            if text is None:
                continue
            t = time.perf_counter()
            mc.read_bif(text)
            ours = time.perf_counter() - t
            theirs = float("nan")
            if HAVE_PGMPY:
                from pgmpy.readwrite import BIFReader

                t = time.perf_counter()
                BIFReader(string=text).get_model()
                theirs = time.perf_counter() - t
            print(f"{name:<11}{ours:>9.3f}{theirs:>9.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
