"""Checked equational proofs between string diagrams: ``lhs = d1 = … = rhs``, each step
justified by a rule that markovcat checks.

A rule is one of

* an **axiom of the free Markov category**, by name (:data:`AXIOMS`): the step must hold
  in the free Markov category (:func:`markovcat.free_equal`), and the named axiom must be
  of the right kind — the structural axioms (associativity, interchange, the comonoid
  laws, …) move wires but keep every box of the term, naturality of delete removes (or
  adds) boxes whose outputs are all deleted;
* an **equation** (``mc.Equation``, such as a hypothesis ``f is deterministic`` or a
  disintegration) applied once, at one occurrence, in either direction, up to the axioms
  (:func:`markovcat.rewrite`); or
* ``"semantic"``: the two sides are equal kernels once the boxes are given numbers
  (``mapping=``), checked numerically or exactly on ``backend="sympy"``.

``proof.check()`` checks every step and says which one fails and why; ``proof.draw()``
shows the chain with each rule under its equals sign, ``proof.to_tikz()`` the same for
slides.

>>> import markovcat as mc
>>> X = mc.Obj("X", 2)
>>> f = mc.Box("f", X, X)
>>> c, i = mc.copy(X), mc.identity(X)
>>> proof = (mc.Proof(f >> c >> (c @ i))
...          .by(f >> c >> (i @ c), "coassociativity")
...          .by(mc.copy(X) >> (f @ f) >> (i @ c), mc.Proof.deterministic(f)))
>>> print(proof.check())
proof of f >> copy(X) >> (copy(X) @ id(X)) = copy(X) >> (f @ f) >> (id(X) @ copy(X)): 2 steps, all checked
  1. = by coassociativity: ok
  2. = by f is deterministic: ok
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._diagram import Copy, Delete, Diagram, Identity, Par, Seq, Swap, copy
from ._equation import Equation
from ._errors import InvalidArgumentError, LawError, MarkovCatError, TypeMismatchError
from ._free import free_equal, normal_form
from ._rewrite import rewrite, rewrites
from .drawing import Drawing, chain, layout

#: The axioms a step may name: each maps to its kind, ``"structural"`` (wires move, the
#: boxes of the term stay) or ``"delete"`` (boxes whose outputs are deleted vanish).
AXIOMS: dict[str, str] = {
    "associativity": "structural",
    "unit": "structural",
    "interchange": "structural",
    "symmetry": "structural",
    "naturality of swap": "structural",
    "coassociativity": "structural",
    "cocommutativity": "structural",
    "counit": "structural",
    "copy of products": "structural",
    "delete of products": "structural",
    "naturality of delete": "delete",
    "markov": "any",  # any combination of the axioms of a Markov category
}
_ALIASES = {
    "delete naturality": "naturality of delete",
    "discard": "naturality of delete",
    "causality": "naturality of delete",
    "comonoid": "coassociativity",
    "commutativity": "cocommutativity",
    "axioms": "markov",
    "free": "markov",
    "swap naturality": "naturality of swap",
    "functoriality": "interchange",
}

SEMANTIC = "semantic"

#: Which counts of structural generators (copies, deletes, swaps) a structural axiom may
#: change: ``"="`` unchanged, ``"≠"`` changed, ``"*"`` either; ``"copy=delete"`` asks for
#: equal nonzero changes (counit: a copy and a delete go together).
_CHANGES: dict[str, dict[str, str]] = {
    "associativity": {"copy": "=", "delete": "=", "swap": "="},
    "unit": {"copy": "=", "delete": "=", "swap": "="},
    "interchange": {"copy": "=", "delete": "=", "swap": "="},
    "coassociativity": {"copy": "=", "delete": "=", "swap": "="},
    "symmetry": {"copy": "=", "delete": "=", "swap": "*"},
    "naturality of swap": {"copy": "=", "delete": "=", "swap": "*"},
    "cocommutativity": {"copy": "=", "delete": "=", "swap": "≠"},
    "counit": {"copy": "copy=delete", "delete": "*", "swap": "*"},
    "copy of products": {"copy": "≠", "delete": "=", "swap": "*"},
    "delete of products": {"copy": "=", "delete": "≠", "swap": "="},
}
_KIND = {Copy: "copy", Delete: "delete", Swap: "swap"}


def _generators(d: Diagram) -> tuple[Counter[Any], Counter[str]]:
    """The boxes of the term, and how many copies, deletes and swaps it has."""
    boxes: Counter[Any] = Counter()
    wiring: Counter[str] = Counter()
    stack = [d]
    while stack:
        t = stack.pop()
        if isinstance(t, (Seq, Par)):
            stack.extend(t.parts)
        elif type(t) in _KIND:
            wiring[_KIND[type(t)]] += 1
        elif not isinstance(t, (Identity, Copy, Delete, Swap)):
            boxes[t] += 1
    return boxes, wiring


def _wrong_axiom(rule: str, before: Counter[str], after: Counter[str]) -> str | None:
    """Why a structural step is not an instance of ``rule`` by its copies, deletes and
    swaps (a coassociativity step credited to cocommutativity, say), or None."""
    delta = {k: after[k] - before[k] for k in ("copy", "delete", "swap")}
    for kind, want in _CHANGES.get(rule, {}).items():
        d = delta[kind]
        ok = {
            "=": d == 0,
            "≠": d != 0,
            "*": True,
            "copy=delete": d != 0 and d == delta["delete"],
        }[want]
        if not ok:
            said = {k: f"{v:+d}" for k, v in delta.items()}
            return (
                f"the step holds in the free Markov category, but not by {rule}: it changes "
                f"copies {said['copy']}, deletes {said['delete']}, swaps {said['swap']}, "
                f"which {rule} does not; name the axiom it uses (or 'markov' for any)"
            )
    return None


@dataclass(frozen=True)
class Step:
    """One step ``… = rhs`` of a proof and the rule that justifies it."""

    rhs: Diagram
    rule: Any
    mapping: Mapping[str, Any] | None = None
    backend: str | None = None
    atol: float = 1e-8

    @property
    def label(self) -> str:
        """The rule as written under the equals sign."""
        if isinstance(self.rule, Equation):
            return self.rule.name or "equation"
        if self.rule == SEMANTIC:
            return "by numbers"
        return str(self.rule)


@dataclass(frozen=True)
class StepCheck:
    """The verdict on one step: ``ok`` and, when it fails, ``reason``."""

    index: int
    label: str
    ok: bool
    reason: str = ""


class ProofCheck:
    """The result of :meth:`Proof.check`: true when every step checks; ``str`` lists
    each step with its verdict, ``failures`` the steps that do not check.

    >>> import markovcat as mc
    >>> f = mc.Box("f", mc.Bool, mc.Bool)
    >>> bool(mc.Proof(f).by(f >> mc.identity(mc.Bool), "unit").check())
    True
    """

    def __init__(self, proof: Proof, steps: list[StepCheck]) -> None:
        self.proof, self.steps = proof, steps

    @property
    def failures(self) -> list[StepCheck]:
        """The steps that do not check."""
        return [s for s in self.steps if not s.ok]

    def __bool__(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        p = self.proof
        n = len(self.steps)
        head = f"proof of {p.lhs} = {p.rhs}: {n} step{'s' if n != 1 else ''}, "
        bad = self.failures
        head += "all checked" if not bad else f"step {bad[0].index} fails"
        lines = [head]
        for s in self.steps:
            verdict = "ok" if s.ok else f"FAILS: {s.reason}"
            lines.append(f"  {s.index}. = by {s.label}: {verdict}")
        return "\n".join(lines)

    __repr__ = __str__


class Proof:
    """A chain of equalities ``lhs = d1 = … = dn``, each justified by a rule.

    ``.by(rhs, rule)`` adds a step (and returns the proof, so steps chain); with an
    equation as the rule and no ``rhs``, the step's result is computed by rewriting
    (``at=`` picks the occurrence). ``.check()`` checks every step; ``.draw()`` shows
    the chain with the rules under the equals signs; ``.to_tikz()`` for slides.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> p, f = mc.Box("p", mc.I, X), mc.Box("f", X, X)
    >>> marginal = (mc.Proof(p >> mc.copy(X) >> (mc.identity(X) @ (f >> mc.delete(X))))
    ...             .by(p >> mc.copy(X) >> (mc.identity(X) @ mc.delete(X)), "naturality of delete")
    ...             .by(p, "counit"))
    >>> bool(marginal.check()), len(marginal.steps)
    (True, 2)
    """

    def __init__(self, lhs: Diagram, name: str | None = None) -> None:
        if not isinstance(lhs, Diagram):
            raise TypeMismatchError(
                f"mc.Proof: expected a diagram to start from, given {type(lhs).__name__} {lhs!r:.60}"
            )
        self.lhs, self.name = lhs, name
        self.steps: list[Step] = []

    @property
    def rhs(self) -> Diagram:
        """The diagram the proof has reached (``lhs`` before any step)."""
        return self.steps[-1].rhs if self.steps else self.lhs

    @property
    def diagrams(self) -> list[Diagram]:
        """``[lhs, d1, …, rhs]``."""
        return [self.lhs, *(s.rhs for s in self.steps)]

    def by(
        self,
        rhs: Diagram | None = None,
        rule: Any = "markov",
        *,
        at: int = 0,
        reverse: bool = False,
        mapping: Mapping[str, Any] | None = None,
        backend: str | None = None,
        atol: float = 1e-8,
    ) -> Proof:
        """Add the step ``… = rhs`` justified by ``rule`` (an axiom name, an
        ``mc.Equation``, or ``"semantic"`` with ``mapping=``); returns the proof.

        >>> import markovcat as mc
        >>> X = mc.Obj("X", 2)
        >>> f, g = mc.Box("f", X, X), mc.Box("g", X, X)
        >>> proof = mc.Proof(f >> f).by(rule=mc.Equation(f >> f, g, name="f² = g"))
        >>> print(proof.rhs)
        g
        """
        rule = _normalise(rule)
        if rhs is None:
            if not isinstance(rule, Equation):
                raise InvalidArgumentError(
                    f"Proof.by: without a right-hand side the rule must be an mc.Equation to "
                    f"rewrite with, given {rule!r}"
                )
            rhs = rewrite(self.rhs, rule, at=at, reverse=reverse)
        if not isinstance(rhs, Diagram):
            raise TypeMismatchError(
                f"Proof.by: expected a diagram as the step's right-hand side, given "
                f"{type(rhs).__name__} {rhs!r:.60}"
            )
        if rhs.dom != self.lhs.dom or rhs.cod != self.lhs.cod:
            raise TypeMismatchError(
                f"Proof.by: step {len(self.steps) + 1} must keep the type {self.lhs.dom} → "
                f"{self.lhs.cod}; given {rhs} : {rhs.dom} → {rhs.cod}"
            )
        self.steps.append(Step(rhs, rule, mapping, backend, atol))
        return self

    def check(self, strict: bool = False) -> ProofCheck:
        """Check every step; the result is true when all check and lists why a step fails.
        With ``strict=True`` a failing step raises ``LawError`` instead.

        >>> import markovcat as mc
        >>> X = mc.Obj("X", 2)
        >>> f = mc.Box("f", X, X)
        >>> wrong = mc.Proof(f >> mc.copy(X)).by(mc.copy(X) >> (f @ f), "cocommutativity")
        >>> print(wrong.check().failures[0].reason)  # doctest: +ELLIPSIS
        the two sides are not equal in the free Markov category: ...
        """
        results = []
        prev = self.lhs
        for k, s in enumerate(self.steps, 1):
            reason = _check_step(prev, s)
            results.append(StepCheck(k, s.label, reason is None, reason or ""))
            prev = s.rhs
        report = ProofCheck(self, results)
        if strict and not report:
            raise LawError(str(report))
        return report

    def draw(self, direction: str = "down", per_row: int = 4) -> Drawing:
        """The chain ``lhs = d1 = … = rhs`` with each rule under its equals sign (at most
        ``per_row`` diagrams a row; a step that does not check gets ``≠`` and "(fails)");
        an inline SVG in Jupyter.

        >>> import markovcat as mc
        >>> f = mc.Box("f", mc.Bool, mc.Bool)
        >>> mc.Proof(f).by(f >> mc.identity(mc.Bool), "unit").draw().svg.count('class="rule"')
        1
        """
        layouts = [layout(d, direction) for d in self.diagrams]
        verdicts = self.check().steps
        labels = [s.label if v.ok else f"{s.label} (fails)" for s, v in zip(self.steps, verdicts)]
        signs = ["=" if v.ok else "≠" for v in verdicts]
        return chain(layouts, labels, per_row=per_row, signs=signs)

    def to_tikz(self, direction: str = "down", per_row: int = 4) -> str:
        """The drawing as a TikZ picture, for papers and slides.

        >>> import markovcat as mc
        >>> f = mc.Box("f", mc.Bool, mc.Bool)
        >>> "unit" in mc.Proof(f).by(f >> mc.identity(mc.Bool), "unit").to_tikz()
        True
        """
        return self.draw(direction, per_row).to_tikz()

    def _repr_svg_(self) -> str:
        return self.draw().svg

    def __str__(self) -> str:
        lines = [f"  {self.lhs}"] + [f"= {s.rhs}    [{s.label}]" for s in self.steps]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Proof({self.lhs!r}, steps={len(self.steps)})"

    @staticmethod
    def deterministic(f: Diagram) -> Equation:
        """The hypothesis that ``f`` is deterministic, as an equation to rewrite with:
        ``f >> copy == copy >> (f @ f)``.

        >>> import markovcat as mc
        >>> print(mc.Proof.deterministic(mc.Box("f", mc.Bool, mc.Bool)).name)
        f is deterministic
        """
        name = getattr(f, "name", None) or format(f)
        return Equation(f >> copy(f.cod), copy(f.dom) >> (f @ f), name=f"{name} is deterministic")


def _normalise(rule: Any) -> Any:
    if isinstance(rule, Equation):
        return rule
    if isinstance(rule, str):
        key = " ".join(rule.lower().replace("-", " ").replace("_", " ").split())
        if key == SEMANTIC:
            return SEMANTIC
        key = _ALIASES.get(key, key)
        if key in AXIOMS:
            return key
        raise InvalidArgumentError(
            f"Proof.by: unknown rule {rule!r}; expected an axiom ({', '.join(sorted(AXIOMS))}), "
            "an mc.Equation, or 'semantic'"
        )
    raise InvalidArgumentError(
        f"Proof.by: a rule is an axiom name, an mc.Equation or 'semantic', given "
        f"{type(rule).__name__} {rule!r:.60}"
    )


def _check_step(prev: Diagram, s: Step) -> str | None:
    """None when the step checks, else why not."""
    if s.rule == SEMANTIC:
        try:
            same = Equation(prev, s.rhs).check(s.mapping, backend=s.backend, atol=s.atol)
        except MarkovCatError as exc:
            return f"could not evaluate the two sides: {exc}"
        return None if same else "the two sides are different kernels for the numbers given"
    if isinstance(s.rule, Equation):
        return _check_equation(prev, s.rhs, s.rule)
    if not free_equal(prev, s.rhs):
        n1, n2 = len(normal_form(prev).boxes), len(normal_form(s.rhs).boxes)
        detail = (
            f"{n1} and {n2} boxes remain after deleting unused ones"
            if n1 != n2
            else "their boxes are wired differently"
        )
        return f"the two sides are not equal in the free Markov category: {detail}"
    kind = AXIOMS[s.rule]
    (before, wires_before), (after, wires_after) = _generators(prev), _generators(s.rhs)
    if kind == "structural" and before != after:
        gone = sorted(format(g) for g in (before - after) + (after - before))
        return (
            f"{s.rule} only moves wires, but the boxes differ ({', '.join(gone)}); "
            "removing a box whose outputs are deleted is naturality of delete"
        )
    if kind == "delete" and before == after:
        return (
            "naturality of delete removes a box whose outputs are deleted, but no box was removed"
        )
    if kind == "structural":
        return _wrong_axiom(s.rule, wires_before, wires_after)
    return None


def _check_equation(prev: Diagram, rhs: Diagram, eq: Equation) -> str | None:
    if free_equal(prev, rhs):
        return None  # applying the equation nowhere: the axioms alone suffice
    candidates = rewrites(prev, eq) + rewrites(prev, eq, reverse=True)
    if any(free_equal(c, rhs) for c in candidates):
        return None
    name = eq.name or str(eq)
    if not candidates:
        return f"neither side of {name} occurs in {prev}"
    return (
        f"applying {name} once to {prev} gives {len(candidates)} diagram(s), none equal to "
        f"{rhs} in the free Markov category"
    )


__all__ = ["AXIOMS", "Proof", "ProofCheck", "Step", "StepCheck"]
