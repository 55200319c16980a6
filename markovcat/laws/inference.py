"""The laws of Bayesian inference (DESIGN §3), one plain function each: disintegration,
Bayes' law and the Bayesian inverse's state preservation, involution, contravariance and
almost-sure uniqueness, and conditioning as disintegration.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.check_disintegration(mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4]), [0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._diagram import Diagram, copy, identity, rewire
from .._errors import LawError
from .._inference import almost_surely_equal, bayes_invert, condition, disintegrate
from .._kernel import kernel
from .._objects import I
from ._vocabulary import options
from .assertions import _show, assert_equal


@options("atol")
def check_disintegration(joint: Diagram, on: list[int], *, atol: float = 1e-9) -> None:
    """``joint == marginal >> copy >> (id @ conditional)`` (wires in the order on, rest).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> joint = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> laws.check_disintegration(joint, [1])
    """

    m, c = disintegrate(joint, on)
    rest = [i for i in range(len(joint.cod.factors)) if i not in on]
    lhs = joint >> rewire(joint.cod, on + rest)
    rhs = m >> copy(m.cod) >> (identity(m.cod) @ c)
    assert_equal(lhs, rhs, "disintegration reconstructs the joint", atol, joint=joint, on=on)


@options("atol")
def check_bayes_law(f: Diagram, prior: Diagram, *, atol: float = 1e-9) -> None:
    """``prior >> copy >> (id @ f) == (prior >> f) >> copy >> (f† @ id)`` on X ⊗ Y.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_bayes_law(f, mc.state(mc.Bool, [0.7, 0.3]))
    """

    inv = bayes_invert(f, prior)
    X, Y = f.dom, f.cod
    lhs = prior >> copy(X) >> (identity(X) @ f)
    rhs = (prior >> f).evaluate() >> copy(Y) >> (inv @ identity(Y))
    assert_equal(lhs, rhs, "Bayes' law", atol, f=f, prior=prior)


@options("atol")
def check_bayes_state_preservation(f: Diagram, prior: Diagram, *, atol: float = 1e-9) -> None:
    """The inverse maps the evidence ``prior >> f`` back to ``prior``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_bayes_state_preservation(f, mc.state(mc.Bool, [0.7, 0.3]))
    """

    inv = bayes_invert(f, prior)
    assert_equal(
        (prior >> f).evaluate() >> inv,
        prior,
        "Bayes inverse preserves the prior",
        atol,
        f=f,
        prior=prior,
    )


def _assert_as_equal(
    lhs: Diagram, rhs: Diagram, measure: Diagram, law: str, atol: float, **inputs: Any
) -> None:

    if not almost_surely_equal(lhs, rhs, measure, atol=atol):
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides differ on the support of "
            f"{measure}\n  lhs = {lhs}\n  rhs = {rhs}"
        )


@options("atol")
def check_bayes_involution(f: Diagram, prior: Diagram, *, atol: float = 1e-9) -> None:
    """``(f†)† = f`` almost surely w.r.t. ``prior``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_bayes_involution(f, mc.state(mc.Bool, [1, 0]))
    """

    inv = bayes_invert(f, prior)
    twice = bayes_invert(inv, (prior >> f).evaluate())
    _assert_as_equal(twice, f, prior, "involution of Bayesian inversion", atol, f=f, prior=prior)


@options("atol")
def check_bayes_contravariance(
    f: Diagram, g: Diagram, prior: Diagram, *, atol: float = 1e-9
) -> None:
    """``(f >> g)† = g† >> f†`` almost surely w.r.t. ``prior >> f >> g``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_bayes_contravariance(f, f, mc.state(mc.Bool, [0.7, 0.3]))
    """

    lhs = bayes_invert(f >> g, prior)
    middle = (prior >> f).evaluate()
    rhs = bayes_invert(g, middle) >> bayes_invert(f, prior)
    _assert_as_equal(
        lhs,
        rhs,
        (middle >> g).evaluate(),
        "contravariance of Bayesian inversion",
        atol,
        f=f,
        g=g,
        prior=prior,
    )


@options("atol")
def check_inverse_uniqueness(
    f: Diagram, prior: Diagram, other: Diagram, *, atol: float = 1e-9
) -> None:
    """Any ``other`` satisfying Bayes' law equals ``bayes_invert(f, prior)`` almost surely.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> prior = mc.state(mc.Bool, [0.7, 0.3])
    >>> laws.check_inverse_uniqueness(f, prior, mc.bayes_invert(f, prior))
    """

    X, Y = f.dom, f.cod
    lhs = prior >> copy(X) >> (identity(X) @ f)
    rhs = (prior >> f).evaluate() >> copy(Y) >> (other @ identity(Y))
    assert_equal(lhs, rhs, "Bayes' law for the other inverse", atol, f=f, prior=prior, other=other)
    evidence = (prior >> f).evaluate()
    _assert_as_equal(
        other,
        bayes_invert(f, prior),
        evidence,
        "a.s. uniqueness of Bayesian inverses",
        atol,
        f=f,
        prior=prior,
    )


@options("atol")
def check_condition_is_disintegration(
    state: Diagram, position: int, outcome: Any, *, atol: float = 1e-9
) -> None:
    """Conditioning on ``{position: outcome}`` equals the disintegration's row at ``outcome``
    (on the other factors), when the outcome has positive probability.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> joint = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> laws.check_condition_is_disintegration(joint, 0, True)
    """

    n = len(state.cod.factors)
    rest = [i for i in range(n) if i != position]
    _, c = disintegrate(state, [position])
    obj = state.cod.factors[position]
    point = kernel(I, obj, np.eye(obj.size)[obj.position(outcome)])
    row = point >> c
    post = condition(state, {position: outcome}, keep=rest) if rest else None
    if post is not None:
        assert_equal(
            post,
            row,
            "conditioning = disintegration at the outcome",
            atol,
            state=state,
            position=position,
            outcome=outcome,
        )


__all__ = [
    "check_disintegration",
    "check_bayes_law",
    "check_bayes_state_preservation",
    "check_bayes_involution",
    "check_bayes_contravariance",
    "check_inverse_uniqueness",
    "check_condition_is_disintegration",
]
