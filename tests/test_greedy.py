"""Greedy subset selection (Lai & Choi; Harshaw et al.): guarantees checked against
exhaustive search on small ground sets, the lattice-property checks against known
(sub/super)modular functions, the Bernoulli–Laplace and Curie–Weiss builders against
independent ball-by-ball and spin-by-spin constructions, and the chain objectives over a
fixed W and over partitions against numpy written here."""

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest

import markovcat as mc
from markovcat import chains, models

rng = np.random.default_rng(2019)


def coverage(sets):
    return lambda S: float(len(set().union(*(sets[e] for e in S)))) if S else 0.0


def random_cover(n, universe=8):
    return {
        e: set(rng.choice(universe, size=rng.integers(1, 4), replace=False).tolist())
        for e in range(n)
    }


def best_value(f, n, k):
    return max(f(frozenset(T)) for r in range(k + 1) for T in itertools.combinations(range(n), r))


# ---- the algorithms -------------------------------------------------------------------------


def test_greedy_guarantee_and_variants():
    for _ in range(5):
        f = coverage(random_cover(7))
        k = 3
        picked = chains.greedy(f, range(7), k)
        assert len(picked.subset) == k and picked.value == f(frozenset(picked.subset))
        assert picked.value >= (1 - 1 / math.e) * best_value(f, 7, k) - 1e-12
        assert list(picked.trace) == sorted(picked.trace)  # monotone f: never decreases
        assert chains.batch_greedy(f, range(7), [1] * k).subset == picked.subset
    # the positive-gain variant stops when nothing improves
    f = coverage({0: {1}, 1: {1}, 2: {1}})
    assert chains.greedy(f, range(3), 3).subset == (0, 1, 2)
    assert chains.greedy(f, range(3), 3, positive_gain=True).subset == (0,)
    assert chains.greedy(lambda S: -len(S), range(3), 2, maximize=False).subset == (0, 1)


def test_exhaustive():
    f = coverage(random_cover(6))
    best = chains.exhaustive(f, range(6), 2)
    assert best.value == max(f(frozenset(T)) for T in itertools.combinations(range(6), 2))


def test_distorted_greedy_guarantee():
    # Harshaw et al., Thm 3: g(S) − c(S) >= (1 − 1/e) g(OPT) − c(OPT) for every OPT, |OPT| <= k
    for _ in range(8):
        n, k = 6, 3
        g = coverage(random_cover(n))
        cost = {e: float(rng.uniform(0, 1.5)) for e in range(n)}
        picked = chains.distorted_greedy(g, cost, range(n), k)
        own = g(frozenset(picked.subset)) - sum(cost[e] for e in picked.subset)
        assert picked.value == pytest.approx(own)
        for r in range(k + 1):
            for T in itertools.combinations(range(n), r):
                bound = (1 - 1 / math.e) * g(frozenset(T)) - sum(cost[e] for e in T)
                assert own >= bound - 1e-9
    # always-add variant: exactly k elements even at a loss
    g = coverage({0: {1}, 1: {2}})
    assert (
        len(chains.distorted_greedy(g, {0: 5.0, 1: 5.0}, range(2), 2, positive_gain=False).subset)
        == 2
    )
    assert chains.distorted_greedy(g, {0: 5.0, 1: 5.0}, range(2), 2).subset == ()


def test_k_submodular_greedy():
    # k = 2 parts; g(S1, S2) = |cover(S1)| + |cover(S2)|; element e may go to either part
    cover = random_cover(5)
    part_cost = {(j, e): 0.1 * (j + 1) for j in range(2) for e in range(5)}

    def g(parts):
        return sum(len(set().union(*(cover[e] for e in p))) for p in parts if p)

    result = chains.k_submodular_greedy(g, lambda j, e: part_cost[(j, e)], [range(5), range(3)], 3)
    flat = [e for p in result.parts for e in p]
    assert len(flat) == len(set(flat)) <= 3  # disjoint parts within the budget
    assert set(result.parts[1]) <= {0, 1, 2}
    own = g(tuple(frozenset(p) for p in result.parts)) - sum(
        part_cost[(j, e)] for j, p in enumerate(result.parts) for e in p
    )
    assert result.value == pytest.approx(own)
    # brute force over all placements (each element: absent, part 0, or part 1 if allowed)
    best = -math.inf
    for labels in itertools.product(range(3), repeat=5):
        if sum(v > 0 for v in labels) > 3 or any(v == 2 and e > 2 for e, v in enumerate(labels)):
            continue
        parts = tuple(frozenset(e for e, v in enumerate(labels) if v == j + 1) for j in range(2))
        best = max(best, g(parts) - sum(part_cost[(j, e)] for j, p in enumerate(parts) for e in p))
    assert own >= 0.5 * best - 1.0  # a loose sanity bound; the exact ratio depends on c
    assert own <= best + 1e-12


def test_lattice_checks():
    t = rng.dirichlet(np.ones(16)).reshape(2, 2, 2, 2)

    def H(S):  # Shannon entropy of a marginal: submodular and monotone
        keep = sorted(S)
        m = t.sum(axis=tuple(i for i in range(4) if i not in keep)) if keep else np.ones(1)
        m = m[m > 0]
        return float(-(m * np.log(m)).sum())

    assert chains.check_submodular(H, range(4)) and chains.check_monotone(H, range(4))
    assert not chains.check_supermodular(H, range(4))
    square = chains.check_submodular(lambda S: len(S) ** 2, range(3))
    assert not square and square.witness[3] == pytest.approx(2.0)
    assert chains.check_supermodular(lambda S: len(S) ** 2, range(3))
    assert not chains.check_monotone(lambda S: -len(S), range(2))


def test_errors():
    with pytest.raises(mc.InformationError, match="k in 0..3"):
        chains.greedy(len, range(3), 4)
    with pytest.raises(mc.InformationError, match="twice"):
        chains.greedy(len, [0, 0], 1)
    with pytest.raises(mc.InformationError, match="not a number"):
        chains.greedy(lambda S: "x", range(2), 1)
    with pytest.raises(mc.InformationError, match="batch sizes"):
        chains.batch_greedy(len, range(2), [2, 1])


# ---- the models -------------------------------------------------------------------------------


def bernoulli_laplace_by_balls(l, N):
    """Label every ball; urn 1 holds a set of N labels; swap one uniform ball of each urn."""
    colour = [c for c, n in enumerate(l) for _ in range(n)]
    L = len(colour)
    counts = {}
    for urn in itertools.combinations(range(L), N):
        x = tuple(sum(colour[b] == c for b in urn) for c in range(len(l)))
        row = counts.setdefault(x, {})
        outside = [b for b in range(L) if b not in urn]
        for a in urn:
            for b in outside:
                y = list(x)
                y[colour[a]] -= 1
                y[colour[b]] += 1
                row[tuple(y)] = row.get(tuple(y), 0) + F(1, N * (L - N) * math.comb(L, N))
    return counts  # joint law of (x, y) in one stationary step (uniform urn contents)


def test_bernoulli_laplace_against_ball_by_ball():
    l, N = [1, 2, 2], 2
    P, pi = models.bernoulli_laplace(l, N, exact=True)
    joint = bernoulli_laplace_by_balls(l, N)
    states = list(itertools.product(*(range(min(c, N) + 1) for c in l[:-1])))
    for i, x in enumerate(states):
        full = (*x, N - sum(x))
        mass = sum(joint.get(full, {}).values())
        assert pi.array.ravel()[i] == mass  # π is the law of the urn's colour counts
        if mass:
            for j, y in enumerate(states):
                expected = joint[full].get((*y, N - sum(y)), 0) / mass
                assert P.matrix[i, j] == expected
    assert mc.allclose(chains.stationary(P), pi)


def test_bernoulli_laplace_product_form_of_the_paper():
    P, pi = models.bernoulli_laplace([1] * 4 + [4], 4)
    flow = np.asarray(pi.array).ravel()[:, None] * np.asarray(P.matrix)
    np.testing.assert_allclose(flow, flow.T, atol=1e-15)  # reversible
    assert P.dom.shape == (2, 2, 2, 2)
    with pytest.raises(mc.InvalidArgumentError):
        models.bernoulli_laplace([1, 1], 2)


def test_curie_weiss_against_spin_by_spin():
    d, beta, h = 4, 0.3, 0.5
    P, pi = models.curie_weiss(d, beta=beta, h=h)
    S = np.array(list(itertools.product([-1, 1], repeat=d)))
    J = 2.0 ** -np.abs(np.subtract.outer(range(d), range(d)))
    E = np.array([-(s @ J @ s) - h * s.sum() for s in S])
    M = np.zeros((len(S), len(S)))
    for i, s in enumerate(S):
        for k in range(d):
            y = s.copy()
            y[k] = -y[k]
            j = int(np.flatnonzero((S == y).all(1))[0])
            M[i, j] = min(1.0, math.exp(-beta * (E[j] - E[i]))) / d
        M[i, i] = 1 - M[i].sum()
    w = np.exp(-beta * (E - E.min()))
    np.testing.assert_allclose(np.asarray(P.matrix), M, atol=1e-14)
    np.testing.assert_allclose(np.asarray(pi.array).ravel(), w / w.sum(), atol=1e-14)


# ---- chain objectives ---------------------------------------------------------------------------


def projected(M, w, shape, S):
    """P^(S) and π_S by summing the joint w(x) M(x, y) (numpy)."""
    d = len(shape)
    J = (w[:, None] * M).reshape(shape + shape)
    drop = tuple(i for i in range(d) if i not in S) + tuple(d + i for i in range(d) if i not in S)
    m = J.sum(axis=drop).reshape(int(np.prod([shape[i] for i in S])), -1)
    return m / m.sum(1, keepdims=True), m.sum(1)


def kl_rate(w, A, B):
    mask = A > 0
    return float(
        (
            w[:, None] * np.where(mask, A * np.log(np.where(mask, A, 1) / np.where(mask, B, 1)), 0)
        ).sum()
    )


@pytest.fixture(scope="module")
def cw():
    P, pi = models.curie_weiss(5, beta=0.4, h=0.5)
    return P, pi, np.asarray(P.matrix), np.asarray(pi.array).ravel(), P.dom.shape


def test_distance_to_factorizability_over_fixed_W(cw):
    P, pi, M, w, shape = cw
    for W, S in (([0, 1], [3]), ([3], [0, 2]), ([1, 4], [2])):
        U = sorted(W + S)
        PU, piU = projected(M, w, shape, U)
        PW, _ = projected(M, w, shape, W)
        PS, _ = projected(M, w, shape, S)
        # the product in U's order: axes (x_W, x_S) → sorted coordinates
        kron = np.kron(PW, PS).reshape(tuple(2 for _ in W + S) * 2)
        perm = [(W + S).index(i) for i in U]
        Q = kron.transpose(perm + [len(U) + p for p in perm]).reshape(PU.shape)
        assert chains.distance_to_factorizability_over(P, pi, W, S) == pytest.approx(
            kl_rate(piU, PU, Q), abs=1e-12
        )
    # the published code's kron order differs once S precedes W
    U = [0, 2, 3]
    PU, piU = projected(M, w, shape, U)
    published = kl_rate(
        piU, PU, np.kron(projected(M, w, shape, [3])[0], projected(M, w, shape, [0, 2])[0])
    )
    assert abs(published - chains.distance_to_factorizability_over(P, pi, [3], [0, 2])) > 1e-6


def test_distance_to_partition_and_partition_selection(cw):
    P, pi, *_ = cw
    parts = [[0, 3], [1], [2, 4]]
    H = sum(float(chains.projected_entropy_rate(P, pi, p)) for p in parts)
    assert chains.distance_to_partition(P, pi, parts) == pytest.approx(
        H - float(chains.entropy_rate(P, pi)), abs=1e-12
    )
    result = chains.partition_selection(P, pi, [[0, 1, 2], [3, 4]], 3)
    assert sum(map(len, result.parts)) <= 3
    with pytest.raises(mc.InformationError, match="partition"):
        chains.distance_to_partition(P, pi, [[0, 1], [1, 2, 3, 4]])


def test_entropy_rate_is_submodular_and_greedy_near_exhaustive(cw):
    P, pi, *_ = cw

    def f(S):
        return float(chains.projected_entropy_rate(P, pi, sorted(S))) if S else 0.0

    assert chains.check_submodular(f, range(5))
    for k in (1, 2, 3):
        assert (
            chains.greedy(f, range(5), k).value
            >= (1 - 1 / math.e) * chains.exhaustive(f, range(5), k).value
        )
