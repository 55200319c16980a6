"""The laws of updating and causality, one plain function each: Bayesian lenses (unit,
associativity, the composite's backward map is the Bayesian inverse), the Pearl and
Jeffrey updates (Jacobs 2019: Pearl raises validity, Jeffrey lowers divergence, both
agree on point evidence, Jeffrey on a point mass is conditioning), and interventions
(surgery on the generating model equals the back-door and front-door formulas on its
observational joint).

>>> import markovcat as mc
>>> from markovcat import laws
>>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
>>> laws.check_lens_composite_inverse(f, f, mc.state(mc.Bool, [0.3, 0.7]))
"""

from __future__ import annotations

from typing import Any

from .._causal import backdoor, do, frontdoor
from .._diagram import Diagram, copy, identity
from .._divergence import KL
from .._evidence import factor_positions
from .._inference import bayes_invert, condition, marginal
from .._kernel import Kernel, state
from .._lens import BayesianLens, lens
from .._objects import product
from .._predicate import jeffrey_update, pearl_update, predicate, predicate_transform, validity
from ._vocabulary import options
from .assertions import assert_at_most, assert_equal


def _same_lens(
    a: BayesianLens, b: BayesianLens, at: Diagram, law: str, atol: float, **inputs: Any
) -> None:
    assert_equal(a.forward, b.forward, f"{law} (forward)", atol, **inputs)
    assert_equal(a.backward(at), b.backward(at), f"{law} (backward)", atol, **inputs)


@options("atol")
def check_lens_unit(f: Diagram, prior: Diagram, *, atol: float = 1e-9) -> None:
    """``lens(id) >> lens(f)`` and ``lens(f) >> lens(id)`` are ``lens(f)``: the same forward
    channel and the same backward kernel at ``prior`` (null rows included).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_lens_unit(f, mc.state(mc.Bool, [1.0, 0.0]))
    """
    L = lens(f)
    _same_lens(lens(identity(f.dom)) >> L, L, prior, "left unit of lenses", atol, f=f, prior=prior)
    _same_lens(L >> lens(identity(f.cod)), L, prior, "right unit of lenses", atol, f=f, prior=prior)


@options("atol")
def check_lens_associativity(
    f: Diagram, g: Diagram, h: Diagram, prior: Diagram, *, atol: float = 1e-9
) -> None:
    """``(lens(f) >> lens(g)) >> lens(h) == lens(f) >> (lens(g) >> lens(h))`` at ``prior``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_lens_associativity(f, f, f, mc.state(mc.Bool, [0.5, 0.5]))
    """
    a, b, c = lens(f), lens(g), lens(h)
    _same_lens((a >> b) >> c, a >> (b >> c), prior, "associativity of lenses", atol, f=f, g=g, h=h)


@options("atol")
def check_lens_composite_inverse(
    f: Diagram, g: Diagram, prior: Diagram, *, atol: float = 1e-9
) -> None:
    """``(lens(f) >> lens(g)).backward(prior) == bayes_invert(f >> g, prior)``: almost
    surely by contravariance of Bayesian inversion, and everywhere under DESIGN §1, since
    both fill the null rows with the prior.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[1.0, 0.0], [0.2, 0.8]])
    >>> laws.check_lens_composite_inverse(f, f, mc.state(mc.Bool, [1.0, 0.0]))
    """
    lhs = (lens(f) >> lens(g)).backward(prior)
    assert_equal(
        lhs,
        bayes_invert(f >> g, prior),
        "composite lens inverts the composite",
        atol,
        f=f,
        g=g,
        prior=prior,
    )


@options("atol")
def check_pearl_validity(
    state: Diagram, channel: Diagram, predicate: Diagram, *, atol: float = 1e-9
) -> None:
    """Pearl's update raises the validity of the evidence:
    ``ω|_{c≪q} ⊨ c≪q  >=  ω ⊨ c≪q`` (Jacobs 2019).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> c = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_pearl_validity(mc.state(mc.Bool, [0.5, 0.5]), c, mc.predicate(mc.Bool, [0.3, 0.9]))
    """
    p = predicate_transform(channel, predicate)
    before = validity(state, p)
    after = validity(pearl_update(state, channel, predicate), p)
    assert_at_most(
        before, after, "Pearl's update raises validity", atol, state=state, predicate=predicate
    )


@options("atol")
def check_jeffrey_divergence(
    state: Diagram, channel: Diagram, evidence: Diagram, *, atol: float = 1e-9
) -> None:
    """Jeffrey's update brings the prediction closer to the evidence state:
    ``KL(τ ‖ ω' >> c) <= KL(τ ‖ ω >> c)`` (Jacobs 2019). The evidence must be
    absolutely continuous with respect to ``ω >> c``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> c = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_jeffrey_divergence(mc.state(mc.Bool, [0.5, 0.5]), c, mc.state(mc.Bool, [0.1, 0.9]))
    """
    updated = jeffrey_update(state, channel, evidence)
    after = KL(evidence, updated >> channel)
    before = KL(evidence, state >> channel)
    assert_at_most(
        after,
        before,
        "Jeffrey's update lowers KL(evidence ‖ prediction)",
        atol,
        state=state,
        evidence=evidence,
    )


def _outcome(obj: Any, y: Any) -> tuple[Any, ...]:
    return y if len(obj.factors) > 1 else (y,)


@options("atol")
def check_pearl_jeffrey_point(
    state: Diagram, channel: Diagram, outcome: Any, *, atol: float = 1e-9
) -> None:
    """On point evidence ``y`` the two updates agree: Pearl with the point predicate
    ``1_y`` equals Jeffrey with the point state ``δ_y`` (``y`` of positive probability).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> c = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_pearl_jeffrey_point(mc.state(mc.Bool, [0.5, 0.5]), c, True)
    """
    Y = channel.cod
    pearl = pearl_update(state, channel, predicate(Y, {outcome: 1}))
    jeffrey = jeffrey_update(state, channel, _point(Y, outcome))
    assert_equal(
        pearl,
        jeffrey,
        "Pearl and Jeffrey agree on point evidence",
        atol,
        state=state,
        outcome=outcome,
    )


def _point(Y: Any, outcome: Any) -> Kernel:
    return state(Y, {outcome: 1.0})


@options("atol")
def check_jeffrey_point_conditioning(
    state: Diagram, channel: Diagram, outcome: Any, *, atol: float = 1e-9
) -> None:
    """Jeffrey's update on a point mass ``δ_y`` is conditioning: the ``X`` marginal of the
    joint ``ω >> copy >> (id @ c)`` conditioned on ``Y = y``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> c = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_jeffrey_point_conditioning(mc.state(mc.Bool, [0.5, 0.5]), c, False)
    """
    X, Y = channel.dom, channel.cod
    nx = len(X.factors)
    joint = state >> copy(X) >> (identity(X) @ channel)
    y = _outcome(Y, outcome)
    conditioned = condition(joint, {nx + i: v for i, v in enumerate(y)}, keep=list(range(nx)))
    jeffrey = jeffrey_update(state, channel, _point(Y, outcome))
    assert_equal(
        jeffrey,
        conditioned,
        "Jeffrey on a point mass is conditioning",
        atol,
        state=state,
        outcome=outcome,
    )


def _each_treatment(network: Diagram, treatment: Any) -> Any:
    t = factor_positions(network.cod, treatment)
    T = product(*(network.cod.factors[i] for i in t))
    for x in T.outcomes:
        yield x, dict(zip(t, _outcome(T, x), strict=True))


@options("atol")
def check_backdoor_surgery(
    network: Diagram, treatment: Any, outcome: Any, adjust: Any, *, atol: float = 1e-9
) -> None:
    """Surgery on the generating ``network`` equals back-door adjustment on its joint: for
    every treatment value ``x``, the outcome marginal of ``do(network, {treatment: x})`` is
    row ``x`` of ``backdoor(network, treatment, outcome, adjust)``. Holds when ``adjust``
    satisfies the back-door criterion and ``P(x, z) > 0`` (positivity).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> Z, X, Y = mc.Obj("Z", 2), mc.Obj("X", 2), mc.Obj("Y", 2)
    >>> net = mc.bayesian_network([mc.state(Z, [0.4, 0.6]),
    ...     mc.kernel(Z, X, [[0.7, 0.3], [0.2, 0.8]]),
    ...     mc.kernel(X @ Z, Y, [[0.9, 0.1], [0.5, 0.5], [0.6, 0.4], [0.2, 0.8]])])
    >>> laws.check_backdoor_surgery(net, "X", "Y", "Z")
    """
    channel = backdoor(network, treatment, outcome, adjust)
    for x, target in _each_treatment(network, treatment):
        surgery = marginal(do(network, target), outcome)
        assert_equal(
            surgery, channel[x], "surgery is back-door adjustment", atol, network=network, x=x
        )


@options("atol")
def check_frontdoor_surgery(
    network: Diagram, treatment: Any, mediator: Any, outcome: Any, *, atol: float = 1e-9
) -> None:
    """Surgery on the generating ``network`` (which may hold a confounder that the
    observational joint does not show) equals the front-door formula on the observational
    joint of treatment, mediator and outcome alone. Holds when ``mediator`` satisfies the
    front-door criterion and ``P(x, m) > 0``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> U, X, M, Y = (mc.Obj(n, 2) for n in "UXMY")
    >>> net = mc.bayesian_network([mc.state(U, [0.3, 0.7]),
    ...     mc.kernel(U, X, [[0.8, 0.2], [0.3, 0.7]]), mc.kernel(X, M, [[0.9, 0.1], [0.2, 0.8]]),
    ...     mc.kernel(M @ U, Y, [[0.9, 0.1], [0.6, 0.4], [0.5, 0.5], [0.1, 0.9]])])
    >>> laws.check_frontdoor_surgery(net, "X", "M", "Y")
    """
    t, m, y = (factor_positions(network.cod, k) for k in (treatment, mediator, outcome))
    observed = marginal(network, t + m + y)
    n, k = len(t), len(m)
    channel = frontdoor(
        observed, list(range(n)), list(range(n, n + k)), list(range(n + k, n + k + len(y)))
    )
    for x, target in _each_treatment(network, treatment):
        surgery = marginal(do(network, target), outcome)
        assert_equal(
            surgery, channel[x], "surgery is front-door adjustment", atol, network=network, x=x
        )


__all__ = [
    "check_backdoor_surgery",
    "check_frontdoor_surgery",
    "check_jeffrey_divergence",
    "check_jeffrey_point_conditioning",
    "check_lens_associativity",
    "check_lens_composite_inverse",
    "check_lens_unit",
    "check_pearl_jeffrey_point",
    "check_pearl_validity",
]
