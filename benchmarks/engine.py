"""The contraction engine against its peers, measured side by side in one run.

Four tables (ratios are markovcat time / peer time, so below 1 means markovcat is faster):

* ``bn``     — all posterior marginals of the bnlearn networks pgmpy ships, for 3 evidence
  sets of 5 observed leaves (outcomes from a seeded ancestral sample), against pyAgrum's
  ``LazyPropagation`` (single thread, junction tree built once; time per evidence set).
  markovcat's first call (plan and path) is shown apart. Marginals are checked to agree.
* ``hmm``    — all hidden-state marginals and the log-likelihood of a 16-state, 8-symbol
  hidden Markov model with every step observed, against a hand-written scaled numpy
  forward–backward (plain, and "tight": emissions gathered once, the normalisation
  vectorised), a tight scaled forward pass and funsor's ``sequential_sum_product``
  (log-likelihood).
* ``onestep``— ``bayes_invert`` on 2 states, ``condition`` on a 2×2 joint and ``entropy``
  of a 2-state state, against the same formulas written in plain numpy.
* ``map``    — ``mc.most_probable`` against pgmpy's ``map_query`` on the same evidence
  (both assignments scored by markovcat's ``log_evidence``; ties allowed).
* ``jit``    — JAX compile time of ``posterior_marginals`` on andes and munin2.

Run in an environment with the peers installed (pyAgrum, pgmpy for its BIF files, funsor,
JAX); a missing peer skips its column.

    python benchmarks/engine.py [--tables bn,map,hmm,onestep,jit] [--networks asia,alarm] [--T 20,1000]
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

import markovcat as mc
from markovcat.models import hidden_markov_model

NETWORKS = [
    "asia", "cancer", "earthquake", "sachs", "survey", "alarm", "barley", "child",
    "insurance", "mildew", "water", "hailfinder", "hepar2", "win95pts", "andes",
    "diabetes", "pathfinder", "pigs", "link", "munin1", "munin2", "munin3", "munin4",
]  # fmt: skip


def median_time(fn, repeat=5, budget=20.0):
    times = []
    start = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget:
            break
    return statistics.median(times)


def have(name):
    return importlib.util.find_spec(name) is not None


# ---- Bayesian networks ------------------------------------------------------------------
def bif_path(name):
    spec = importlib.util.find_spec("pgmpy")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "utils" / "example_models" / f"{name}.bif.gz"
    return path if path.exists() else None


def leaves_and_evidence(net, rng, n_leaves=5, n_sets=3):
    """5 leaf factors (no kernel reads them) and 3 evidence sets from ancestral samples."""
    network = mc.network(net)
    read = {w for idx, k in zip(network.indices, network.n_dom) for w in idx[:k]}
    leaves = [p for p, w in enumerate(network.cod_wires) if w not in read]
    chosen = sorted(rng.choice(leaves, size=min(n_leaves, len(leaves)), replace=False).tolist())
    sets = []
    for _ in range(n_sets):
        values = {}
        for leaf, idx in zip(network.leaves, network.indices):
            k = len(leaf.dom.factors)
            row = np.asarray(leaf.table)[tuple(values[w] for w in idx[:k])].ravel()
            flat = rng.choice(row.size, p=row / row.sum())
            for w, v in zip(idx[k:], np.unravel_index(flat, leaf.cod.shape)):
                values[w] = int(v)
        sets.append({p: int(values[network.cod_wires[p]]) for p in chosen})
    return sets


def to_pyagrum(gum, net):
    """The same network in pyAgrum (``mc.to_pyagrum``: names and labels as in the BIF
    file), with its variable names in factor order."""
    del gum  # mc.to_pyagrum imports pyAgrum itself
    return mc.to_pyagrum(net), [f.name for f in net.cod.factors]


def bench_bn(names):
    import pyagrum as gum

    gum.config["core", "default_maxNumberOfThreads"] = "1"
    print("\n## bn: all posterior marginals, 5 observed leaves, per evidence set")
    print(f"{'network':12} {'vars':>5} {'mc first':>10} {'mc':>10} {'pyAgrum':>10} {'ratio':>7}")
    for name in names:
        bn_row(gum, name)


def bn_row(gum, name):
    """One network's line of the table."""
    path = bif_path(name)
    if path is None:
        print(f"{name:12} (no BIF file)")
        return
    text = gzip.open(path, "rt", encoding="latin-1").read()
    net = mc.read_bif(text)
    sets = leaves_and_evidence(net, np.random.default_rng(0))
    bn, names_ = to_pyagrum(gum, net)
    ie = gum.LazyPropagation(bn)
    ie.setNumberOfThreads(1)

    def agrum(ev):
        ie.eraseAllEvidence()
        ie.setEvidence({names_[p]: v for p, v in ev.items()})
        ie.makeInference()
        return [ie.posterior(n).toarray() for n in names_]

    def ours(ev):
        return mc.posterior_marginals(
            net, {p: net.cod.factors[p].outcomes[v] for p, v in ev.items()}
        )

    try:
        t = time.perf_counter()
        first = ours(sets[0])
        t_first = time.perf_counter() - t
    except mc.MemoryLimitError as exc:
        print(f"{name:12} {len(names_):5} refused: {str(exc)[:60]}")
        return
    got, want = first, agrum(sets[0])
    err = max(float(np.abs(np.asarray(g.array) - w.ravel()).max()) for g, w in zip(got, want))
    t_mc = statistics.median(median_time(lambda ev=ev: ours(ev), 3) for ev in sets)
    t_ag = statistics.median(median_time(lambda ev=ev: agrum(ev), 3) for ev in sets)
    flag = "" if err < 1e-6 else f"  (max difference {err:.1e})"
    print(
        f"{name:12} {len(names_):5} {t_first * 1e3:8.1f}ms {t_mc * 1e3:8.2f}ms "
        f"{t_ag * 1e3:8.2f}ms {t_mc / t_ag:7.2f}{flag}"
    )


def bench_map(names):
    """The most probable explanation against pgmpy's ``map_query`` (variable elimination)."""
    from pgmpy.inference import VariableElimination
    from pgmpy.readwrite import BIFReader

    print("\n## map: most probable explanation given 5 observed leaves, against pgmpy")
    print(f"{'network':12} {'mc':>10} {'pgmpy':>10} {'ratio':>7}  log P(x, e): mc, pgmpy")
    for name in names:
        text = gzip.open(bif_path(name), "rt", encoding="latin-1").read()
        net = mc.read_bif(text)
        factors = net.cod.factors
        ev = {
            factors[p].name: factors[p].outcomes[v]
            for p, v in leaves_and_evidence(net, np.random.default_rng(0))[0].items()
        }
        model = BIFReader(string=text).get_model()
        ve = VariableElimination(model)
        hidden = [f.name for f in factors if f.name not in ev]
        ours, _ = mc.most_probable(net, ev)
        t_mc = median_time(lambda net=net, ev=ev: mc.most_probable(net, ev), 3)
        try:
            theirs = ve.map_query(variables=hidden, evidence=ev, show_progress=False)
        except MemoryError as exc:  # pgmpy builds the joint of every queried variable
            print(f"{name:12} {t_mc * 1e3:8.2f}ms   pgmpy ran out of memory ({str(exc)[:50]})")
            continue
        ll_ours = mc.log_evidence(net, {f.name: o for f, o in zip(factors, ours)})
        ll_theirs = mc.log_evidence(net, {**ev, **theirs})
        t_pg = median_time(
            lambda ve=ve, hidden=hidden, ev=ev: ve.map_query(
                variables=hidden, evidence=ev, show_progress=False
            ),
            3,
        )
        flag = "" if ll_ours >= ll_theirs - 1e-9 else "  (pgmpy found a more probable one!)"
        print(
            f"{name:12} {t_mc * 1e3:8.2f}ms {t_pg * 1e3:8.2f}ms {t_mc / t_pg:7.3f}  "
            f"{ll_ours:.6f}, {ll_theirs:.6f}{flag}"
        )


# ---- hidden Markov models ---------------------------------------------------------------
def forward_backward(init, A, B, obs):
    T, n = len(obs), len(init)
    alpha, c = np.empty((T, n)), np.empty(T)
    a = init * B[:, obs[0]]
    c[0] = a.sum()
    alpha[0] = a / c[0]
    for t in range(1, T):
        a = (alpha[t - 1] @ A) * B[:, obs[t]]
        c[t] = a.sum()
        alpha[t] = a / c[t]
    beta = np.ones(n)
    post = np.empty((T, n))
    post[-1] = alpha[-1]
    for t in range(T - 2, -1, -1):
        beta = A @ (B[:, obs[t + 1]] * beta) / c[t + 1]
        p = alpha[t] * beta
        post[t] = p / p.sum()
    return post, float(np.log(c).sum())


def forward_backward_tight(init, A, B, obs):
    """The same, as tight as numpy allows: the emission rows gathered once, the final
    normalisation vectorised over all steps."""
    T, n = len(obs), len(init)
    E = B[:, obs].T
    alpha, c = np.empty((T, n)), np.empty(T)
    a = init * E[0]
    c[0] = a.sum()
    alpha[0] = a / c[0]
    for t in range(1, T):
        a = (alpha[t - 1] @ A) * E[t]
        c[t] = a.sum()
        alpha[t] = a / c[t]
    beta = np.ones((T, n))
    for t in range(T - 2, -1, -1):
        beta[t] = A @ (E[t + 1] * beta[t + 1]) / c[t + 1]
    post = alpha * beta
    return post / post.sum(axis=1, keepdims=True), float(np.log(c).sum())


def forward(init, A, B, obs):
    """log P(obs) by a tight scaled forward pass (what log_evidence is measured against)."""
    E = B[:, obs].T
    a = init * E[0]
    c = a.sum()
    a = a / c
    ll = np.log(c)
    for t in range(1, len(obs)):
        a = (a @ A) * E[t]
        c = a.sum()
        a = a / c
        ll += np.log(c)
    return float(ll)


def funsor_loglik(init, A, B, obs):
    import funsor
    from funsor.sum_product import sequential_sum_product

    funsor.set_backend("numpy")
    T = len(obs)
    n = len(init)
    f = funsor.Tensor
    trans = np.log(A)[None] + np.log(B[:, obs[1:]]).T[:, None, :]  # (time, prev, curr)
    step = f(trans, {"time": funsor.Bint[T - 1], "prev": funsor.Bint[n], "curr": funsor.Bint[n]})
    chain = sequential_sum_product(
        funsor.ops.logaddexp,
        funsor.ops.add,
        step,
        funsor.Variable("time", funsor.Bint[T - 1]),
        {"prev": "curr"},
    )
    first = f(np.log(init) + np.log(B[:, obs[0]]), {"prev": funsor.Bint[n]})
    total = (first + chain).reduce(funsor.ops.logaddexp)
    return float(total.data)


def bench_hmm(Ts):
    print("\n## hmm: 16 hidden states, 8 symbols, every step observed")
    print(f"{'T':>7} {'build':>8} {'mc marg':>9} {'hand FB':>9} {'ratio':>6} {'tight FB':>9} "
          f"{'ratio':>6} {'mc loglik':>10} {'hand fwd':>9} {'ratio':>6} {'funsor':>9} {'ratio':>6}")  # fmt: skip
    for T in Ts:
        hmm_row(T)


def hmm_row(T):
    """One length's line of the table."""
    rng = np.random.default_rng(T)
    n, m = 16, 8
    init = rng.dirichlet(np.ones(n))
    A, B = rng.dirichlet(np.ones(n), size=n), rng.dirichlet(np.ones(m), size=n)
    obs = rng.integers(0, m, size=T)
    H, O = mc.Obj("H", n), mc.Obj("O", m)
    t = time.perf_counter()
    model = hidden_markov_model(mc.state(H, init), mc.kernel(H, H, A), mc.kernel(H, O, B), T)
    build = time.perf_counter() - t
    ev = {2 * t + 1: int(o) for t, o in enumerate(obs)}
    got = mc.posterior_marginals(model, ev)  # plan built here
    post, ll = forward_backward(init, A, B, obs)
    assert np.allclose([got[2 * t].array for t in range(T)], post, atol=1e-9)
    assert np.isclose(mc.log_evidence(model, ev), ll, rtol=1e-10)
    assert np.allclose(forward_backward_tight(init, A, B, obs)[0], post)
    assert np.isclose(forward(init, A, B, obs), ll)
    t_mc = median_time(lambda: mc.posterior_marginals(model, ev))
    t_fb = median_time(lambda: forward_backward(init, A, B, obs))
    t_ft = median_time(lambda: forward_backward_tight(init, A, B, obs))
    t_ll = median_time(lambda: mc.log_evidence(model, ev))
    t_fw = median_time(lambda: forward(init, A, B, obs))
    if have("funsor"):
        assert np.isclose(funsor_loglik(init, A, B, obs), ll, rtol=1e-9)
        t_fu = median_time(lambda: funsor_loglik(init, A, B, obs))
        fu = f"{t_fu * 1e3:7.2f}ms {t_ll / t_fu:6.2f}"
    else:
        fu = "     (no funsor)"
    print(
        f"{T:7} {build:7.2f}s {t_mc * 1e3:7.2f}ms {t_fb * 1e3:7.2f}ms {t_mc / t_fb:6.2f} "
        f"{t_ft * 1e3:7.2f}ms {t_mc / t_ft:6.2f} {t_ll * 1e3:8.2f}ms {t_fw * 1e3:7.2f}ms "
        f"{t_ll / t_fw:6.2f} {fu}"
    )


# ---- one-step queries -------------------------------------------------------------------
def bench_onestep():
    print("\n## onestep: small queries against plain numpy")
    X, Y = mc.Obj("X", 2), mc.Obj("Y", 2)
    p_np = np.array([0.3, 0.7])
    f_np = np.array([[0.9, 0.1], [0.2, 0.8]])
    p, f = mc.state(X, p_np), mc.kernel(X, Y, f_np)
    joint_np = np.array([[0.1, 0.2], [0.3, 0.4]])
    joint = mc.state(X @ Y, joint_np)

    def np_invert():
        j = p_np[:, None] * f_np
        return (j / j.sum(axis=0)).T

    def np_condition():
        t = joint_np[:, 1]
        return t / t.sum()

    def np_entropy():
        q = p_np[p_np > 0]
        return float(-(q * np.log(q)).sum())

    cases = [
        ("bayes_invert", lambda: mc.bayes_invert(f, p), np_invert),
        ("condition", lambda: mc.condition(joint, {1: 1}, keep=[0]), np_condition),
        ("entropy", lambda: mc.entropy(p), np_entropy),
    ]
    print(f"{'query':14} {'markovcat':>10} {'numpy':>9} {'ratio':>6}")
    for name, ours, theirs in cases:
        ours(), theirs()
        t_mc = median_time(lambda ours=ours: [ours() for _ in range(200)]) / 200
        t_np = median_time(lambda theirs=theirs: [theirs() for _ in range(200)]) / 200
        print(f"{name:14} {t_mc * 1e6:8.1f}µs {t_np * 1e6:7.1f}µs {t_mc / t_np:6.1f}")


# ---- JAX compile time -------------------------------------------------------------------
def bench_jit(names):
    import jax

    jax.config.update("jax_enable_x64", True)
    print("\n## jit: compile time of posterior_marginals under jax.jit")
    for name in names:
        path = bif_path(name)
        if path is None:
            continue
        text = gzip.open(path, "rt", encoding="latin-1").read()
        net = mc.read_bif(text, backend="jax")
        sets = leaves_and_evidence(mc.read_bif(text), np.random.default_rng(0))
        ev = {p: net.cod.factors[p].outcomes[v] for p, v in sets[0].items()}
        t = time.perf_counter()
        jax.block_until_ready([m.array for m in mc.posterior_marginals(net, ev)])
        first = time.perf_counter() - t
        t = time.perf_counter()
        jax.block_until_ready([m.array for m in mc.posterior_marginals(net, ev)])
        again = time.perf_counter() - t
        print(
            f"{name:10} first call (plan + compile) {first:6.2f}s, compiled call {again * 1e3:7.2f}ms"
        )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", default="bn,map,hmm,onestep,jit")
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument("--T", default="20,1000,10000")
    ap.add_argument("--jit-networks", default="andes,munin2")
    ap.add_argument("--map-networks", default="asia,cancer,sachs,child,alarm,insurance")
    args = ap.parse_args(argv)
    tables = args.tables.split(",")
    print(f"markovcat {mc.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    if "bn" in tables:
        if have("pyagrum") and have("pgmpy"):
            bench_bn(args.networks.split(","))
        else:
            print("\n## bn: skipped (needs pyagrum and pgmpy)")
    if "map" in tables:
        if have("pgmpy"):
            bench_map(args.map_networks.split(","))
        else:
            print("\n## map: skipped (needs pgmpy)")
    if "hmm" in tables:
        bench_hmm([int(t) for t in args.T.split(",")])
    if "onestep" in tables:
        bench_onestep()
    if "jit" in tables:
        if have("jax"):
            bench_jit(args.jit_networks.split(","))
        else:
            print("\n## jit: skipped (needs jax)")


if __name__ == "__main__":
    main()
