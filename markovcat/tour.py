"""``python -m markovcat tour``: a guided tour on a diagnostic test, as a REPL transcript.

A disease with prior 1/100, a test with sensitivity 9/10 and false-positive rate 1/20.
Each step is a few lines of real code, shown as typed at a Python prompt (``>>>``) with
what they print, so every result can be reproduced by copying the lines. Exact rationals
by default (the sympy backend); ``--float`` runs the same code on numpy.

>>> from markovcat.tour import run
>>> "P(positive) = 117/2000" in run()
True
"""

from __future__ import annotations

import ast
import contextlib
import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import markovcat as mc

from ._errors import InvalidArgumentError


@dataclass(frozen=True)
class Step:
    """One step of the tour: a short name (for ``tour STEP``), a title and its code."""

    name: str
    title: str
    code: str


STEPS: list[Step] = [
    Step(
        "objects",
        "Objects are finite sets of outcomes; @ is their product.",
        """\
Disease = mc.Obj("Disease", ("healthy", "ill"))
Test = mc.Obj("Test", ("negative", "positive"))
(Disease @ Test).size
""",
    ),
    Step(
        "kernels",
        "A state is a kernel I → Disease; a channel is a kernel Disease → Test.",
        """\
prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name="prior", backend=BACKEND)
test = mc.kernel(Disease, Test, {
    "healthy": {"negative": Fraction(19, 20), "positive": Fraction(1, 20)},
    "ill": {"negative": Fraction(1, 10), "positive": Fraction(9, 10)},
}, name="test", backend=BACKEND)
test["ill"]["positive"]
""",
    ),
    Step(
        "composition",
        "Composition `prior >> test` pushes the prior through the channel.",
        """\
evidence = prior >> test
print("P(positive) =", evidence["positive"])
""",
    ),
    Step(
        "joint",
        "Copying the disease wire gives the joint; deleting a wire marginalises it.",
        """\
joint = prior >> mc.copy(Disease) >> (mc.identity(Disease) @ test)
joint[("ill", "positive")]
print("marginal(joint, [0]) == prior:", mc.allclose(mc.marginal(joint, [0]), prior))
""",
    ),
    Step(
        "bayes",
        "Bayesian inversion turns the test around: test† : Test → Disease.",
        """\
dagger = mc.bayes_invert(test, prior)
print("P(ill | positive) =", dagger["positive"]["ill"])
law = mc.Equation(joint, evidence >> mc.copy(Test) >> (dagger @ mc.identity(Test)))
print("Bayes' law, prior >> copy >> (id @ test) == (prior >> test) >> copy >> (test† @ id):",
      law.check())
mc.condition(joint, {"Test": "positive"}, keep=["Disease"])["ill"]
""",
    ),
    Step(
        "entropy",
        "Entropy is distance from determinism: KL(copy∘prior ‖ prior ⊗ prior).",
        """\
bits = mc.entropy(prior, base=2)
print(f"entropy(prior) ≈ {float(bits):.6g} bits")
print("equals the closed form −Σ p log p:", abs(float(bits - mc.shannon_entropy(prior, base=2))) < 1e-12)
""",
    ),
    Step(
        "proof",
        "A checked proof with string diagrams: the first marginal of a joint is its prior.",
        """\
p, f = mc.Box("p", mc.I, Disease), mc.Box("f", Disease, Test)
proof = (mc.Proof(p >> mc.copy(Disease) >> (mc.identity(Disease) @ (f >> mc.delete(Test))))
         .by(p >> mc.copy(Disease) >> (mc.identity(Disease) @ mc.delete(Disease)),
             "naturality of delete")
         .by(p, "counit"))
print(proof.check())
""",
    ),
]


def _show(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def transcript(code: str, namespace: dict[str, Any]) -> str:
    """Run ``code`` statement by statement in ``namespace`` and return what a Python
    prompt would show: each statement after ``>>>`` (``...`` for its further lines), then
    what it printed or the value of an expression.

    >>> transcript("x = 2\\nx + 1", {}).splitlines()
    ['>>> x = 2', '>>> x + 1', '3']
    """
    out: list[str] = []
    tree = ast.parse(code)
    lines = code.splitlines()
    for stmt in tree.body:
        source = lines[stmt.lineno - 1 : stmt.end_lineno]
        out += [(">>> " if i == 0 else "... ") + line for i, line in enumerate(source)]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), "<tour>", "eval"), namespace)
                if value is not None:
                    print(_show(value))
            else:
                exec(compile(ast.Module([stmt], []), "<tour>", "exec"), namespace)
        out += printed.getvalue().rstrip("\n").splitlines()
    return "\n".join(out)


def _select(steps: list[str] | None) -> list[tuple[int, Step]]:
    if not steps:
        return list(enumerate(STEPS, 1))
    chosen = []
    names = [s.name for s in STEPS]
    for key in steps:
        if key.isdigit() and 1 <= int(key) <= len(STEPS):
            chosen.append((int(key), STEPS[int(key) - 1]))
        elif key in names:
            chosen.append((names.index(key) + 1, STEPS[names.index(key)]))
        else:
            raise InvalidArgumentError(
                f"tour: no step {key!r}; expected a number 1-{len(STEPS)} or one of "
                f"{', '.join(names)} (python -m markovcat tour --list)"
            )
    return chosen


def listing() -> str:
    """The steps of the tour, one a line, as ``tour --list`` prints them.

    >>> listing().splitlines()[0]
    '1. objects      Objects are finite sets of outcomes; @ is their product.'
    """
    return "\n".join(f"{f'{k}.':<3}{s.name:<12} {s.title}" for k, s in enumerate(STEPS, 1))


def run(backend: str | None = "sympy", steps: list[str] | None = None) -> str:
    """The tour's text (exact by default). ``steps`` picks steps by number or name; the
    steps before them run too (quietly), since each builds on the ones before.

    >>> print(run(steps=["composition"]).splitlines()[-1])
    P(positive) = 117/2000
    """
    chosen = _select(steps)
    last = max(k for k, _ in chosen)
    wanted = {k for k, _ in chosen}
    namespace: dict[str, Any] = {"mc": mc, "Fraction": Fraction}
    out = ["markovcat tour: a diagnostic test as a Markov category", ""]
    if last == len(STEPS) and len(wanted) == len(STEPS):
        out += [">>> import markovcat as mc", ">>> from fractions import Fraction", ""]
    for k, s in enumerate(STEPS[:last], 1):
        shown = transcript(s.code.replace("BACKEND", repr(backend or "numpy")), namespace)
        if k in wanted:
            out += [f"{k}. {s.title}", shown, ""]
    return "\n".join(out)


__all__ = ["STEPS", "Step", "listing", "run", "transcript"]
