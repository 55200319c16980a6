"""``python -m markovcat tour``: a guided tour on a diagnostic test.

A disease with prior 1/100, a test with sensitivity 9/10 and false-positive rate 1/20.
Each step prints what it computes and the formula it is an instance of.

>>> from markovcat.tour import run
>>> "P(positive)" in run()
True
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

import markovcat as mc

Disease = mc.Obj("Disease", ("healthy", "ill"))
Test = mc.Obj("Test", ("negative", "positive"))


def model(backend: str | None = None) -> tuple[mc.Kernel, mc.Kernel]:
    """The prior state and the test channel (exact rationals on ``backend='sympy'``)."""
    prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name="prior")
    test = mc.kernel(
        Disease,
        Test,
        {
            "healthy": {"negative": Fraction(19, 20), "positive": Fraction(1, 20)},
            "ill": {"negative": Fraction(1, 10), "positive": Fraction(9, 10)},
        },
        name="test",
    )
    target = backend or "numpy"
    return prior.to(target), test.to(target)


def _fmt(x: object) -> str:
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _table(k: mc.Diagram) -> str:
    rows = []
    for x, row in zip(k.dom.outcomes, np.asarray(k.matrix).tolist()):
        label = "" if x == () else f"{x}: "
        cells = ", ".join(f"{y}={_fmt(v)}" for y, v in zip(k.cod.outcomes, row))
        rows.append(f"    {label}{cells}")
    return "\n".join(rows)


STEPS: list[Callable[[list[str], str | None], None]] = []


def step(fn: Callable[[list[str], str | None], None]) -> Callable[[list[str], str | None], None]:
    """Register a tour step (later features add theirs)."""
    STEPS.append(fn)
    return fn


@step
def _objects(out: list[str], backend: str | None) -> None:
    out.append("1. Objects are finite sets of outcomes.")
    out.append(f"    Disease = {Disease!r}\n    Test = {Test!r}")


@step
def _kernels(out: list[str], backend: str | None) -> None:
    prior, test = model(backend)
    out.append("2. A state is a kernel I → Disease; a channel is a kernel Disease → Test.")
    out.append(f"  prior : I → Disease\n{_table(prior)}")
    out.append(f"  test : Disease → Test   (rows sum to 1)\n{_table(test)}")


@step
def _composition(out: list[str], backend: str | None) -> None:
    prior, test = model(backend)
    out.append("3. Composition `prior >> test` pushes the prior through the channel.")
    evidence = mc.evaluate(prior >> test)
    out.append(f"  P(positive) = {_fmt(evidence.array.tolist()[1])}")
    out.append(f"  prior >> test:\n{_table(evidence)}")


@step
def _joint(out: list[str], backend: str | None) -> None:
    prior, test = model(backend)
    joint = prior >> mc.copy(Disease) >> (mc.identity(Disease) @ test)
    out.append("4. Copying the disease wire gives the joint state on Disease ⊗ Test:")
    out.append(f"  joint = {joint}\n{_table(mc.evaluate(joint))}")
    out.append("5. Deleting a wire marginalises it; marginals recover prior and evidence:")
    out.append(f"  marginal(joint, [0])\n{_table(mc.marginal(joint, [0]))}")
    out.append(f"  marginal(joint, [1])\n{_table(mc.marginal(joint, [1]))}")
    same = mc.allclose(mc.marginal(joint, [0]), prior)
    out.append(f"  copy >> (id @ delete) = id, so marginal(joint, [0]) == prior: {same}")


@step
def _bayes(out: list[str], backend: str | None) -> None:
    prior, test = model(backend)
    inverse = mc.bayes_invert(test, prior)
    out.append("6. Bayesian inversion turns the test around: test† : Test → Disease.")
    out.append(f"  bayes_invert(test, prior)\n{_table(inverse)}")
    out.append(f"  P(ill | positive) = {_fmt(np.asarray(inverse.matrix).tolist()[1][1])}")
    joint = prior >> mc.copy(Disease) >> (mc.identity(Disease) @ test)
    other = mc.evaluate(prior >> test) >> mc.copy(Test) >> (inverse @ mc.identity(Test))
    out.append(
        "  Bayes' law, prior >> copy >> (id @ test) == (prior >> test) >> copy >> (test† @ id): "
        f"{mc.allclose(joint, other)}"
    )
    posterior = mc.condition(joint, {"Test": "positive"}, keep=["Disease"])
    out.append(f"  the same by conditioning the joint on Test = positive:\n{_table(posterior)}")


@step
def _entropy(out: list[str], backend: str | None) -> None:
    prior, _ = model(backend)
    out.append("7. Entropy is distance from determinism: KL(copy∘prior ‖ prior ⊗ prior).")
    nats, closed = mc.entropy(prior), mc.shannon_entropy(prior)
    bits = mc.entropy(prior, base=2)
    out.append(f"  entropy(prior) = {nats} ≈ {float(nats):.6g} nats")
    out.append(f"  entropy(prior, base=2) ≈ {float(bits):.6g} bits")
    same = abs(float(nats) - float(closed)) < 1e-12
    out.append(f"  closed form −Σ p log p ≈ {float(closed):.6g} nats; the two agree: {same}")


def run(backend: str | None = "sympy") -> str:
    """The tour's text (exact by default)."""
    out = ["markovcat tour: a diagnostic test as a Markov category", ""]
    for fn in STEPS:
        fn(out, backend)
        out.append("")
    return "\n".join(out)
