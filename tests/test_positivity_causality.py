"""Positivity and causality, two axioms FinStoch satisfies (Fritz 2020, §11;
Fritz–Gonda–Perrone–Rischel 2023, §2), as property tests on every backend and as laws
that check_kernel_family runs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat.laws import category


@settings(max_examples=20)
@given(data=st.data())
def test_positivity(mc_backend, data):
    f = data.draw(laws.kernels(backend=mc_backend, max_factors=1))
    Y = data.draw(laws.atoms(3))
    g = data.draw(laws.deterministic_kernels(f.cod, Y, backend=mc_backend))
    laws.check_positivity(f, g)
    # a constant statistic makes f >> g deterministic, so the law is not vacuous
    const = mc.delete(f.cod) >> data.draw(laws.deterministic_kernels(mc.I, Y, backend=mc_backend))
    assert (f >> const).is_deterministic()
    laws.check_positivity(f, const)


@settings(max_examples=20)
@given(data=st.data())
def test_causality(mc_backend, data):
    f = data.draw(laws.kernels(backend=mc_backend, max_factors=1))
    X = data.draw(laws.atoms(3))
    Y = data.draw(laws.atoms(3))
    g = data.draw(laws.kernels(f.cod, X, backend=mc_backend))
    h1 = data.draw(laws.kernels(X, Y, backend=mc_backend))
    h2 = data.draw(laws.kernels(X, Y, backend=mc_backend))
    laws.check_causality(f, g, h1, h2)  # usually vacuous: the premise fails
    laws.check_causality(f, g, h1, h1)


def test_the_checks_compare_both_sides(monkeypatch):
    seen = []
    monkeypatch.setattr(category, "assert_equal", lambda lhs, rhs, law, *a, **k: seen.append(law))
    f = mc.kernel(mc.Bool, mc.Obj("Y", 3), [[0.5, 0.5, 0], [0, 0, 1]])
    laws.check_positivity(f, mc.deterministic(f.cod, mc.Bool, lambda y: y == 2))
    laws.check_positivity(f, mc.deterministic(f.cod, mc.Bool, lambda y: y == 1))  # vacuous
    g = mc.kernel(mc.Bool, mc.Bool, [[1, 0], [1, 0]])
    h1 = mc.kernel(mc.Bool, mc.Bool, [[0.3, 0.7], [1, 0]])
    h2 = mc.kernel(mc.Bool, mc.Bool, [[0.3, 0.7], [0, 1]])
    laws.check_causality(mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.2, 0.8]]), g, h1, h2)
    laws.check_causality(
        mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.2, 0.8]]),
        g,
        h2,
        h1 >> mc.kernel(mc.Bool, mc.Bool, [[0, 1], [1, 0]]),
    )
    assert seen == ["positivity", "causality"]


def test_a_violation_is_reported(monkeypatch):
    monkeypatch.setattr(category, "allclose", lambda *a, **k: True)  # pretend the premise holds
    f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.2, 0.8]])
    h1 = mc.kernel(mc.Bool, mc.Bool, [[1, 0], [1, 0]])
    h2 = mc.kernel(mc.Bool, mc.Bool, [[0, 1], [0, 1]])
    with pytest.raises(laws.LawError, match="causality"):
        laws.check_causality(f, mc.identity(mc.Bool), h1, h2)


def test_check_kernel_family_runs_them():
    sensor = laws.kernels(mc.Bool, mc.Obj("Reading", 3))
    report = laws.check_kernel_family(sensor, max_examples=5, only=["positivity", "causality"])
    assert report.ok and set(report.passed) == {"positivity", "causality"}
