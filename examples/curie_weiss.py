"""Subset selection on the Curie–Weiss chain of Lai & Choi (arXiv:2503.23340).

d = 10 spins x_i in {−1, +1}, energy H(x) = −Σ_{i,j} 2^(−|i−j|) x_i x_j − h Σ_i x_i with h = 1,
inverse temperature β = 0.1, stationary law π ∝ exp(−βH), single-spin-flip Metropolis kernel
(pick a coordinate uniformly, accept the flip with probability min(1, exp(−β ΔH))).
For each objective, greedy selection of k coordinates is compared with exhaustive search.

Notes on the published code (github.com/zheyuanlai/SubmodOptMC), checked in
tests/test_chains.py and printed below:
- its results/Curie-Weiss/results.txt (entropy rate 0.39349 of the full chain) was made with an
  earlier Hamiltonian, H = −(Σ x_i)² with h = 0; this model has entropy rate 2.29109;
- its distance to factorizability compares P with torch.kron(P^(S), P^(−S)), whose states are
  ordered (x_S, x_−S), not in the chain's own coordinate order; for S other than a prefix
  {0, …, k−1} that compares mismatched states (and a 1e-10 floor in its KL hides the zeros).

Run: python examples/curie_weiss.py
"""

import itertools
import time

import numpy as np

import markovcat as mc
from markovcat import chains

d, beta, h = 10, 0.1, 1.0
Spins = mc.product(*[mc.Obj(f"x{i}", (-1, 1)) for i in range(d)])
J = 2.0 ** -np.abs(np.subtract.outer(np.arange(d), np.arange(d)))


def energy(*x: int) -> float:
    v = np.array(x, dtype=float)
    return float(-(v @ J @ v) - h * v.sum())


start = time.perf_counter()
P = chains.metropolis(Spins, energy, beta, name="P")
pi = chains.gibbs(Spins, energy, beta)
assert mc.allclose(chains.stationary(P), pi, atol=1e-12)  # π is stationary for P
print(f"Curie–Weiss, d={d}, β={beta}, h={h}: {Spins.size} states")
print(f"entropy rate of the full chain: {chains.entropy_rate(P, pi):.6f} nats")

objectives = ("entropy_rate", "factorizability", "independence", "stationarity")
for name in objectives:
    fn, maximize = chains.OBJECTIVES[name]
    picked = chains.greedy_subset(name, P, pi, d)
    direction = "max" if maximize else "min"
    print(f"\n{name} ({direction}imised), greedy picks in order: {picked.subset}")
    for k in (1, 2, 3):
        values = {S: float(fn(P, pi, list(S))) for S in itertools.combinations(range(d), k)}
        best = (max if maximize else min)(values, key=values.get)
        greedy = picked.trace[k - 1]
        print(
            f"  k={k}: greedy {sorted(picked.subset[:k])} = {greedy:.6f};"
            f" exhaustive best {list(best)} = {values[best]:.6f}"
        )
        ok = greedy >= values[best] - 1e-9 if maximize else greedy <= values[best] + 1e-9
        print(f"        greedy is optimal at k={k}: {ok}")

# the published factorizability code, for contrast: kron(P^(S), P^(−S)) in (x_S, x_−S) order
print("\ndistance to factorizability, ours vs. the published code's kron ordering:")
M, w = np.asarray(P.matrix), np.asarray(pi.array).ravel()
for S in ([0], [4], [2, 7]):
    R = [i for i in range(d) if i not in S]
    kron = np.kron(
        np.asarray(chains.project(P, pi, S).matrix), np.asarray(chains.project(P, pi, R).matrix)
    )
    published = float(np.sum(w[:, None] * M * np.log((M + 1e-10) / (kron + 1e-10))))
    ours = chains.distance_to_factorizability(P, pi, S)
    print(f"  S={S}: ours {ours:.6f}, kron-ordered {published:.6f}")
print(f"\n(ran in {time.perf_counter() - start:.1f} s)")
