"""One query vocabulary: the 0.2 spellings, and the 0.1 spellings that still work for one
release with a DeprecationWarning giving the same answer (docs/vocabulary.md)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import markovcat as mc
from markovcat import chains, laws

B = mc.Bool
D = mc.Obj("D", ("healthy", "ill"))
T = mc.Obj("T", ("neg", "pos"))
JOINT = (
    mc.state(D, [0.99, 0.01])
    >> mc.copy(D)
    >> (mc.identity(D) @ mc.kernel(D, T, [[0.95, 0.05], [0.1, 0.9]]))
)
P = mc.state(B, [0.25, 0.75])
F = mc.kernel(B, B, [[0.9, 0.1], [0.2, 0.8]])
CHAIN = F @ F
PI = chains.stationary(CHAIN)


def same(a, b):
    if a is None or b is None:  # law checks return None when the law holds
        return a is b
    if isinstance(a, mc.Diagram):
        return mc.allclose(a, b, atol=1e-12)
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)


# (old call, new call, text the warning must contain)
CASES = {
    "posterior order": (
        lambda: mc.posterior(JOINT, "D", {"T": "pos"}),
        lambda: mc.posterior(JOINT, {"T": "pos"}, keep="D"),
        "(state, evidence, keep=...)",
    ),
    "posterior query=": (
        lambda: mc.posterior(JOINT, {"T": "pos"}, query="D"),
        lambda: mc.posterior(JOINT, {"T": "pos"}, keep="D"),
        "query= is now called keep=",
    ),
    "entropy divergence": (
        lambda: mc.entropy(P, mc.TotalVariation),
        lambda: mc.entropy(P, divergence=mc.TotalVariation),
        "pass divergence= by keyword",
    ),
    "entropy prior and base": (
        lambda: mc.entropy(F, mc.KL, P, 2),
        lambda: mc.entropy(F, prior=P, base=2),
        "pass divergence=, prior=, base= by keyword",
    ),
    "shannon base": (
        lambda: mc.shannon_entropy(P, 2),
        lambda: mc.shannon_entropy(P, base=2),
        "mc.shannon_entropy: pass base=",
    ),
    "renyi base": (
        lambda: mc.renyi_entropy(P, 2, 2),
        lambda: mc.renyi_entropy(P, 2, base=2),
        "pass base=",
    ),
    "mutual information divergence": (
        lambda: mc.mutual_information(JOINT, 1, mc.TotalVariation),
        lambda: mc.mutual_information(JOINT, 1, divergence=mc.TotalVariation),
        "pass divergence=",
    ),
    "conditional entropy base": (
        lambda: mc.conditional_entropy(F, P, 2),
        lambda: mc.conditional_entropy(F, P, base=2),
        "pass base=",
    ),
    "allclose atol": (
        lambda: mc.allclose(F, F, 1e-3),
        lambda: mc.allclose(F, F, atol=1e-3),
        "mc.allclose: pass atol=",
    ),
    "almost surely atol": (
        lambda: mc.almost_surely_equal(F, F, P, 1e-3),
        lambda: mc.almost_surely_equal(F, F, P, atol=1e-3),
        "pass atol=",
    ),
    "entropy rate base": (
        lambda: chains.entropy_rate(CHAIN, PI, 2),
        lambda: chains.entropy_rate(CHAIN, PI, base=2),
        "chains.entropy_rate: pass base=",
    ),
    "kl rate base": (
        lambda: chains.kl_rate(CHAIN, CHAIN, PI, 2),
        lambda: chains.kl_rate(CHAIN, CHAIN, PI, base=2),
        "pass base=",
    ),
    "chains S=": (
        lambda: chains.distance_to_stationarity(CHAIN, PI, S=[0]),
        lambda: chains.distance_to_stationarity(CHAIN, PI, keep=[0]),
        "S= is now called keep=",
    ),
    "chains base": (
        lambda: chains.projected_entropy_rate(CHAIN, PI, [1], 2),
        lambda: chains.projected_entropy_rate(CHAIN, PI, [1], base=2),
        "pass base=",
    ),
    "law divergence first": (
        lambda: laws.check_data_processing(mc.KL, P, P, F),
        lambda: laws.check_data_processing(P, P, F, divergence=mc.KL),
        "pass the divergence as divergence=",
    ),
    "law D=": (
        lambda: laws.check_entropy_routes(F, P, D=mc.TotalVariation),
        lambda: laws.check_entropy_routes(F, P, divergence=mc.TotalVariation),
        "D= is now called divergence=",
    ),
    "law divergence in the middle": (
        lambda: laws.check_mutual_information_nonnegative(JOINT, 1, mc.KL),
        lambda: laws.check_mutual_information_nonnegative(JOINT, 1, divergence=mc.KL),
        "laws.check_mutual_information_nonnegative: pass the divergence",
    ),
    "law atol": (
        lambda: laws.check_bayes_law(F, P, 1e-6),
        lambda: laws.check_bayes_law(F, P, atol=1e-6),
        "laws.check_bayes_law: pass atol=",
    ),
    "law backend": (
        lambda: laws.check_copy_counit(B, "numpy"),
        lambda: laws.check_copy_counit(B, backend="numpy"),
        "pass backend=",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_old_spelling_warns_and_agrees(case):
    old, new, text = CASES[case]
    with pytest.warns(DeprecationWarning, match="stops working in 0.3") as caught:
        got = old()
    assert any(text in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert all(w.filename == __file__ for w in caught)  # it points at the caller's line
    assert same(got, new())


def test_new_spellings_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _, new, _ in CASES.values():
            new()


def test_options_are_keyword_only_in_the_signatures():
    keyword = inspect.Parameter.KEYWORD_ONLY
    for fn, names in [
        (mc.entropy, ["divergence", "prior", "base"]),
        (mc.shannon_entropy, ["base"]),
        (mc.renyi_entropy, ["base"]),
        (mc.gini_simpson, ["base"]),
        (mc.mutual_information, ["divergence", "base"]),
        (mc.conditional_entropy, ["base"]),
        (mc.allclose, ["atol"]),
        (mc.almost_surely_equal, ["atol"]),
        (chains.entropy_rate, ["base"]),
        (chains.distance_to_independence, ["base"]),
    ]:
        params = inspect.signature(fn).parameters
        assert [n for n in names if params[n].kind is not keyword] == [], fn.__name__


def test_misuse_is_still_a_type_error():
    with pytest.raises(TypeError, match="at most"):
        mc.shannon_entropy(P, 2, 3)
    with pytest.raises(TypeError, match="multiple values"):
        mc.shannon_entropy(P, 2, base=2)
    with pytest.raises(TypeError, match="both query= and keep="):
        mc.posterior(JOINT, {}, query="D", keep="D")


def test_posterior_is_condition_with_optional_evidence():
    ev = {"T": "pos"}
    assert mc.allclose(mc.posterior(JOINT, ev), mc.condition(JOINT, ev), atol=0)
    assert mc.allclose(mc.posterior(JOINT, ev, keep=["D"]), mc.condition(JOINT, ev, keep=["D"]))
    prior = mc.posterior(JOINT, keep="D")
    np.testing.assert_allclose(prior.array, [0.99, 0.01])
    # a factor listed twice comes out copied, in condition as in posterior
    twice = mc.condition(JOINT, ev, keep=["D", "D"])
    np.testing.assert_allclose(np.diag(twice.array), [0.0495 / 0.0585, 0.009 / 0.0585])
