"""Sufficient, minimal sufficient, ancillary and complete statistics, cross-checked against
the Fisher–Neyman factorisation (brute force on likelihood ratios), constructed
experiments, and the theorems of Basu and Bahadur on finite examples."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc


def statistic(X, labels, name="s"):
    """The deterministic kernel ``x ↦ labels[x]`` (X atomic, outcomes 0..n-1)."""
    T = mc.Obj("T", max(labels) + 1)
    return mc.deterministic(X, T, lambda x: labels[X.outcomes.index(x)], name=name)


def fisher_neyman(m, labels):
    """Likelihood ratios constant on the fibres: m[θ,x] m[θ',x'] = m[θ',x] m[θ,x'] for all
    x, x' with the same label (the factorisation criterion, written independently)."""
    for x, y in itertools.combinations(range(m.shape[1]), 2):
        if labels[x] != labels[y]:
            continue
        if not np.allclose(np.outer(m[:, x], m[:, y]), np.outer(m[:, y], m[:, x]), atol=1e-12):
            return False
    return True


@st.composite
def experiments(draw, sufficient=None):
    n_theta = draw(st.integers(1, 4))
    n_x = draw(st.integers(1, 6))
    labels = draw(st.lists(st.integers(0, n_x - 1), min_size=n_x, max_size=n_x))
    used = sorted(set(labels))
    labels = [used.index(v) for v in labels]
    seed = draw(st.integers(0, 2**32 - 1))
    make_sufficient = draw(st.booleans()) if sufficient is None else sufficient
    rng = np.random.default_rng(seed)
    if make_sufficient:  # f(x | θ) = g(s(x) | θ) h(x | s(x))
        g = rng.dirichlet(np.ones(len(used)), size=n_theta)
        h = np.zeros(n_x)
        for t in range(len(used)):
            fibre = [x for x in range(n_x) if labels[x] == t]
            h[fibre] = rng.dirichlet(np.ones(len(fibre)))
        m = g[:, labels] * h[None, :]
    else:
        m = rng.dirichlet(np.ones(n_x), size=n_theta)
    if draw(st.booleans()):  # an outcome impossible under every θ
        m[:, 0] = 0
        m = m / m.sum(1, keepdims=True) if n_x > 1 else np.ones((n_theta, 1))
    Theta, X = mc.Obj("Θ", n_theta), mc.Obj("X", n_x)
    return mc.kernel(Theta, X, m), m, labels


@settings(max_examples=80)
@given(experiments())
def test_is_sufficient_is_the_factorisation_criterion(case):
    f, m, labels = case
    s = statistic(f.cod, labels)
    assert mc.is_sufficient(f, s) == fisher_neyman(m, labels)


@settings(max_examples=60)
@given(experiments(sufficient=True))
def test_the_minimal_statistic_is_sufficient_and_factors_through_every_sufficient_one(case):
    f, m, labels = case
    assert mc.is_sufficient(f, statistic(f.cod, labels))
    minimal = mc.minimal_sufficient_statistic(f)
    assert mc.is_sufficient(f, minimal)
    cls = np.asarray(minimal.matrix).argmax(1)
    possible = m.sum(0) > 0
    for x, y in itertools.combinations(range(m.shape[1]), 2):
        if possible[x] and possible[y] and labels[x] == labels[y]:
            assert cls[x] == cls[y]  # a function of every sufficient statistic
    # and no coarser: merging any two of its classes is no longer sufficient
    k = minimal.cod.size
    for a, b in itertools.combinations(range(k), 2):
        members = [x for x in range(m.shape[1]) if cls[x] in (a, b)]
        if all(possible[x] for x in members):
            merged = [a if c == b else c for c in cls]
            relabel = sorted(set(merged))
            assert not mc.is_sufficient(f, statistic(f.cod, [relabel.index(c) for c in merged]))


def bits(n, thetas):
    """n independent tosses of a coin with heads-probability θ, exact."""
    Theta = mc.Obj("θ", tuple(str(t) for t in thetas))
    Bit = mc.Obj("Bit", (0, 1))
    X = mc.product(*[Bit] * n)
    table = [
        [np.prod([t if b else 1 - t for b in x]) for x in itertools.product((0, 1), repeat=n)]
        for t in thetas
    ]
    return mc.kernel(Theta, X, np.array(table, dtype=object).reshape(len(thetas), *(2,) * n))


def test_the_count_is_sufficient_for_coin_tosses_and_minimal():
    f = bits(4, [Fraction(1, 5), Fraction(1, 2), Fraction(7, 10)])
    count = mc.deterministic(f.cod, mc.Obj("heads", 5), lambda *x: sum(x))
    first = mc.deterministic(f.cod, mc.Obj("first", (0, 1)), lambda *x: x[0])
    assert mc.is_sufficient(f, count) and not mc.is_sufficient(f, first)
    minimal = mc.minimal_sufficient_statistic(f)
    assert minimal.cod.size == 5
    heads = [sum(x) for x in itertools.product((0, 1), repeat=4)]
    cls = np.asarray(minimal.to("numpy").array).reshape(16, 5).argmax(1)
    assert all((cls[i] == cls[j]) == (heads[i] == heads[j]) for i in range(16) for j in range(16))
    assert mc.is_complete(f, count) is False  # 5 counts, 3 parameters
    three = bits(4, [Fraction(k, 6) for k in range(1, 6)])
    assert mc.is_complete(three, mc.deterministic(three.cod, mc.Obj("heads", 5), lambda *x: sum(x)))


def test_exact_means_exact():
    # sufficient exactly; a perturbation of 1e-30 breaks it exactly but not in floats
    f = mc.kernel(
        mc.Bool,
        mc.Obj("X", 3),
        [
            [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
            [Fraction(1, 5), Fraction(2, 5), Fraction(2, 5)],
        ],
    )
    merge = mc.deterministic(f.cod, mc.Bool, lambda x: x > 0)
    assert mc.is_sufficient(f, merge)
    eps = Fraction(1, 10**30)
    g = mc.kernel(
        mc.Bool,
        f.cod,
        [
            [Fraction(1, 2), Fraction(1, 4) + eps, Fraction(1, 4) - eps],
            [Fraction(1, 5), Fraction(2, 5), Fraction(2, 5)],
        ],
    )
    assert not mc.is_sufficient(g, merge)
    assert mc.is_sufficient(g.to("numpy"), merge.to("numpy"))
    assert mc.minimal_sufficient_statistic(g).cod.size == 3


def test_basu_and_bahadur():
    # X = (t, v): t's law depends on θ, v's does not and is drawn independently
    rng = np.random.default_rng(2)
    Theta, T, V = mc.Obj("Θ", 3), mc.Obj("T", 3), mc.Obj("V", 2)
    g = mc.kernel(Theta, T, rng.dirichlet(np.ones(3), size=3))
    q = mc.state(V, [0.3, 0.7])
    f = g @ q  # Θ ⊗ I → T ⊗ V
    s = mc.deterministic(f.cod, T, lambda t, v: t)
    v = mc.deterministic(f.cod, V, lambda t, v: v)
    assert mc.is_sufficient(f, s) and mc.is_complete(f, s) and mc.is_ancillary(f, v)
    assert not mc.is_ancillary(f, s)
    # Basu: a complete sufficient statistic is independent of every ancillary one, at every θ
    both = f >> mc.copy(f.cod) >> (s @ v)
    assert mc.independent(both, 0, 1)
    # other ancillary statistics of the same experiment: every function of v
    for labels in ([0, 0], [0, 1], [1, 0]):
        w = mc.deterministic(f.cod, mc.Bool, lambda t, x, labels=labels: bool(labels[x]))
        assert mc.is_ancillary(f, w)
        assert mc.independent(f >> mc.copy(f.cod) >> (s @ w), 0, 1)
    # Bahadur: a complete sufficient statistic is minimal (the same partition)
    minimal = mc.minimal_sufficient_statistic(f)
    cls = np.asarray(minimal.array).reshape(6, -1).argmax(1)
    ts = [t for t in range(3) for _ in range(2)]
    assert all((cls[i] == cls[j]) == (ts[i] == ts[j]) for i in range(6) for j in range(6))


@pytest.mark.parametrize("backend", ["numpy", "jax", "sympy"])
def test_every_backend(backend):
    if backend == "jax":
        pytest.importorskip("jax")
    f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]]).to(backend)
    merge = mc.deterministic(mc.Obj("X", 3), mc.Bool, lambda x: x > 0).to(backend)
    assert mc.is_sufficient(f, merge)
    assert mc.minimal_sufficient_statistic(f).cod.size == 2
    assert mc.is_complete(f, merge) and not mc.is_ancillary(f, merge)


def test_errors():
    f = mc.kernel(mc.Bool, mc.Obj("X", 3), [[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]])
    noisy = mc.kernel(f.cod, mc.Bool, [[0.5, 0.5], [1, 0], [0, 1]])
    with pytest.raises(mc.InvalidArgumentError, match="deterministic"):
        mc.is_sufficient(f, noisy)
    with pytest.raises(mc.TypeMismatchError, match="statistic"):
        mc.is_sufficient(f, mc.identity(mc.Bool))
    with pytest.raises(mc.TypeMismatchError, match="experiment"):
        mc.is_ancillary("f", noisy)
    with pytest.raises(mc.InvalidArgumentError, match="tolerance"):
        mc.is_complete(f, mc.identity(f.cod), atol=float("nan"))
