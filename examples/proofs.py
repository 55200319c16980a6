"""Textbook results of categorical probability as checked string-diagram proofs.

Each function returns an ``mc.Proof``; run this file to check them all, print them, and
write their drawings (SVG and TikZ) to a folder (default: ``markovcat_proofs`` in the
temporary directory). The last proof contains a wrong step on purpose: ``check()`` says
which step fails and why.

    python examples/proofs.py [FOLDER]
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

import markovcat as mc

X, Y, Z = mc.Obj("X", 2), mc.Obj("Y", 3), mc.Obj("Z", 2)
idX, idY = mc.identity(X), mc.identity(Y)
p = mc.Box("p", mc.I, X)  # a prior
f = mc.Box("f", X, Y)  # a channel
h = mc.Box("h", Y, Z)  # post-processing
g = mc.Box("f†", Y, X)  # the Bayesian inverse of f with respect to p


def bayes_law() -> mc.Proof:
    """Bayes' law from disintegration (Cho–Jacobs 2019, §3.2; Fritz 2020, Def. 11.5).

    Hypothesis: ``f†`` disintegrates the joint ``ω = p >> copy >> (id @ f)`` over its Y
    marginal: ``ω == ω_Y >> copy >> (f† @ id)``, where ``ω_Y = ω >> (delete @ id)``.
    Then ``ω == (p >> f) >> copy >> (f† @ id)``: the marginal is ``p >> f``.
    """
    joint = p >> mc.copy(X) >> (idX @ f)
    marginal_y = joint >> (mc.delete(X) @ idY)
    disintegration = mc.Equation(
        joint, marginal_y >> mc.copy(Y) >> (g @ idY), name="disintegration over Y"
    )
    return (
        mc.Proof(joint, name="Bayes' law")
        .by(marginal_y >> mc.copy(Y) >> (g @ idY), disintegration)
        .by(p >> mc.copy(X) >> (mc.delete(X) @ f) >> mc.copy(Y) >> (g @ idY), "interchange")
        .by((p >> f) >> mc.copy(Y) >> (g @ idY), "counit")
    )


def deterministic_maps_compose() -> mc.Proof:
    """Deterministic maps are copyable, and so is their composite (Fritz 2020, Lemma 10.12):
    ``(k >> l) >> copy == copy >> ((k >> l) @ (k >> l))`` for deterministic ``k``, ``l``."""
    k, l_ = mc.Box("k", X, Y), mc.Box("l", Y, Z)
    kl = k >> l_
    return (
        mc.Proof(kl >> mc.copy(Z), name="deterministic maps compose")
        .by(k >> mc.copy(Y) >> (l_ @ l_), mc.Proof.deterministic(l_))
        .by(mc.copy(X) >> (k @ k) >> (l_ @ l_), mc.Proof.deterministic(k))
        .by(mc.copy(X) >> (kl @ kl), "interchange")
    )


def data_processing_step() -> mc.Proof:
    """The diagrammatic step of the data-processing inequality for mutual information
    (Cover–Thomas Thm 2.8.1; Fritz 2020 §12): along ``X → Y → Z`` the joint of X and Z
    is the joint of X and Y post-processed on its Y wire. The product of its marginals is
    processed the same way (:func:`data_processing_marginals`), so
    ``I(X;Z) = D(ω_XZ ‖ ω_X ⊗ ω_Z) <= D(ω_XY ‖ ω_X ⊗ ω_Y) = I(X;Y)`` by the data
    processing inequality for the divergence ``D``."""
    return mc.Proof(p >> mc.copy(X) >> (idX @ (f >> h)), name="data processing: the joint").by(
        (p >> mc.copy(X) >> (idX @ f)) >> (idX @ h), "interchange"
    )


def data_processing_marginals() -> mc.Proof:
    """The second half of :func:`data_processing_step`: ``ω_X ⊗ ω_Z`` is ``ω_X ⊗ ω_Y``
    post-processed by ``id @ h``."""
    return mc.Proof(p @ (p >> f >> h), name="data processing: the marginals").by(
        (p @ (p >> f)) >> (idX @ h), "interchange"
    )


def chain_rule_marginal() -> mc.Proof:
    """The diagrammatic half of the chain rule ``H(X,Y) = H(X) + H(Y|X)``: the joint
    ``p >> copy >> (id @ f)`` has X marginal ``p``, so its first term is ``H(p)`` and the
    second ``Σ_x p(x) H(f(x))`` (Cover–Thomas Thm 2.2.1)."""
    joint = p >> mc.copy(X) >> (idX @ f)
    return (
        mc.Proof(joint >> (idX @ mc.delete(Y)), name="the X marginal of the joint")
        .by(p >> mc.copy(X) >> (idX @ mc.delete(X)), "naturality of delete")
        .by(p, "counit")
    )


def a_wrong_step() -> mc.Proof:
    """Copy is not natural: ``f >> copy == copy >> (f @ f)`` is no axiom (it says that
    ``f`` is deterministic). Step 2 claims it anyway and fails the check."""
    return (
        mc.Proof(p >> f >> mc.copy(Y), name="a proof with a wrong step")
        .by((p >> f) >> mc.copy(Y), "associativity")
        .by(p >> mc.copy(X) >> (f @ f), "cocommutativity")  # wrong: not an axiom
    )


PROOFS = [
    bayes_law,
    deterministic_maps_compose,
    data_processing_step,
    data_processing_marginals,
    chain_rule_marginal,
]


def main(out: pathlib.Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for make in [*PROOFS, a_wrong_step]:
        proof = make()
        report = proof.check()
        print(f"{proof.name}\n{proof}\n{report}\n")
        proof.draw().save(out / f"{make.__name__}.svg")
        proof.draw().save(out / f"{make.__name__}.tex")
        failed += not report and make is not a_wrong_step
    print(f"drawings written to {out}")
    return failed


if __name__ == "__main__":
    default = pathlib.Path(tempfile.gettempdir()) / "markovcat_proofs"
    sys.exit(main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default))
