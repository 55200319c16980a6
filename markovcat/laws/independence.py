"""The semi-graphoid laws of conditional independence (Pearl; Fritz 2020, §12), and a
strategy of joints that satisfy their premises.

``A ⊥ B | C`` below is :func:`mc.independent` with the same tolerance. Each check returns
``None`` when its law holds — in particular when its premise fails — and raises
:class:`LawError` when the premise holds and the conclusion does not:

* symmetry: ``A ⊥ B | C ⇔ B ⊥ A | C``;
* decomposition: ``A ⊥ B D | C ⇒ A ⊥ B | C`` (and ``A ⊥ D | C``);
* weak union: ``A ⊥ B D | C ⇒ A ⊥ B | C D``;
* contraction: ``A ⊥ B | C`` and ``A ⊥ D | B C ⇒ A ⊥ B D | C``;
* intersection, for strictly positive joints only:
  ``A ⊥ B | C D`` and ``A ⊥ D | B C ⇒ A ⊥ B D | C``.

*Composition* (``A ⊥ B | C`` and ``A ⊥ D | C ⇒ A ⊥ B D | C``) is not a law, nor is
intersection without positivity; docs/independence.md shows the counterexamples.

>>> import markovcat as mc
>>> from markovcat import laws
>>> coin = mc.state(mc.Bool, [0.5, 0.5])
>>> laws.check_ci_weak_union(coin @ coin @ coin, 0, 1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from .._compile import contract
from .._diagram import Diagram
from .._errors import InvalidArgumentError, LawError
from .._independence import conditional_mutual_information, factors, independent
from .._inference import marginal
from .._information import shannon_entropy
from .._objects import Object, product
from .._program import program
from .assertions import _difference, _tolerance, assert_at_most, assert_close
from .strategies import _check_backend, atoms, kernels, states

Selection = Sequence[Any] | Any


def _ci(joint: Diagram, a: Selection, b: Selection, given: Selection, atol: float | None) -> bool:
    return independent(joint, a, b, given, atol=atol)


def _all(*selections: Selection, joint: Diagram) -> list[int]:
    out: list[int] = []
    for s in selections:
        out += factors(joint, s, "laws", "a selection")
    return out


def _fail(law: str, joint: Diagram, premise: str, conclusion: str) -> LawError:
    return LawError(
        f"law '{law}' failed for joint={joint!r:.200}: {premise} holds but {conclusion} does not"
    )


def check_ci_symmetry(
    joint: Diagram, a: Selection, b: Selection, given: Selection = (), *, atol: float | None = None
) -> None:
    """``A ⊥ B | C ⇔ B ⊥ A | C``."""
    if _ci(joint, a, b, given, atol) != _ci(joint, b, a, given, atol):
        raise _fail("symmetry", joint, "one of A ⊥ B | C and B ⊥ A | C", "the other")


def check_ci_decomposition(
    joint: Diagram,
    a: Selection,
    b: Selection,
    d: Selection,
    given: Selection = (),
    *,
    atol: float | None = None,
) -> None:
    """``A ⊥ B D | C`` gives ``A ⊥ B | C`` and ``A ⊥ D | C``."""
    if _ci(joint, a, _all(b, d, joint=joint), given, atol):
        for part, name in ((b, "B"), (d, "D")):
            if not _ci(joint, a, part, given, atol):
                raise _fail("decomposition", joint, "A ⊥ B D | C", f"A ⊥ {name} | C")


def check_ci_weak_union(
    joint: Diagram,
    a: Selection,
    b: Selection,
    d: Selection,
    given: Selection = (),
    *,
    atol: float | None = None,
) -> None:
    """``A ⊥ B D | C`` gives ``A ⊥ B | C D``."""
    if _ci(joint, a, _all(b, d, joint=joint), given, atol):
        if not _ci(joint, a, b, _all(given, d, joint=joint), atol):
            raise _fail("weak union", joint, "A ⊥ B D | C", "A ⊥ B | C D")


def check_ci_contraction(
    joint: Diagram,
    a: Selection,
    b: Selection,
    d: Selection,
    given: Selection = (),
    *,
    atol: float | None = None,
) -> None:
    """``A ⊥ B | C`` and ``A ⊥ D | B C`` give ``A ⊥ B D | C``."""
    if _ci(joint, a, b, given, atol) and _ci(joint, a, d, _all(b, given, joint=joint), atol):
        if not _ci(joint, a, _all(b, d, joint=joint), given, atol):
            raise _fail("contraction", joint, "A ⊥ B | C and A ⊥ D | B C", "A ⊥ B D | C")


def check_ci_intersection(
    joint: Diagram,
    a: Selection,
    b: Selection,
    d: Selection,
    given: Selection = (),
    *,
    atol: float | None = None,
) -> None:
    """For a strictly positive joint, ``A ⊥ B | C D`` and ``A ⊥ D | B C`` give
    ``A ⊥ B D | C`` (an :class:`InvalidArgumentError` for a joint with zeros: without
    positivity this is not a law)."""
    table = contract(joint)
    if not bool((table > 0).all()):
        raise InvalidArgumentError(
            "laws.check_ci_intersection: intersection holds for strictly positive joints "
            f"only, given one with zero entries: {joint!r:.200}"
        )
    bc, cd = _all(b, given, joint=joint), _all(given, d, joint=joint)
    if _ci(joint, a, b, cd, atol) and _ci(joint, a, d, bc, atol):
        if not _ci(joint, a, _all(b, d, joint=joint), given, atol):
            raise _fail("intersection", joint, "A ⊥ B | C D and A ⊥ D | B C", "A ⊥ B D | C")


def check_ci_information(
    joint: Diagram, a: Selection, b: Selection, given: Selection = (), *, atol: float = 1e-9
) -> None:
    """``I(A; B | C) >= 0``, equal to ``H(A,C) + H(B,C) − H(A,B,C) − H(C)``, and zero
    exactly when ``A ⊥ B | C`` (Perrone: the divergence from the conditional product).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_ci_information(mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool, 3), 0, 1, 2)
    """
    A, B, C = (
        factors(joint, s, "laws.check_ci_information", w)
        for s, w in ((a, "a"), (b, "b"), (given, "given"))
    )
    cmi = conditional_mutual_information(joint, A, B, C)

    def h(*parts: list[int]) -> Any:
        keep = sorted(i for p in parts for i in p)
        return shannon_entropy(marginal(joint, keep)) if keep else 0

    assert_at_most(0, cmi, "I(A; B | C) >= 0", atol, joint=joint)
    assert_close(
        cmi, h(A, C) + h(B, C) - h(A, B, C) - h(C), "I(A; B | C) by entropies", atol, joint=joint
    )
    zero = abs(_difference(cmi, 0)) <= _tolerance(cmi, 0, atol * 1e-3)
    if A and B and zero != independent(joint, A, B, C):
        raise LawError(
            f"law 'I(A; B | C) = 0 iff A ⊥ B | C' failed for joint={joint!r:.200}: "
            f"I = 0 is {zero}, independent is {not zero}"
        )


def _wires(x: Any) -> tuple[Any, ...]:
    return x if isinstance(x, tuple) else () if x is None else (x,)


@st.composite
def independent_joints(
    draw: Any, *, backend: str = "numpy", zeros: bool = True, contraction: bool = False
) -> tuple[Diagram, list[int], list[int], list[int], list[int]]:
    """``(joint, a, b, d, c)`` with ``A ⊥ B D | C`` by construction — the joint is
    ``P(c) P(a | c) P(b, d | c)`` with its factors in a random order — or, with
    ``contraction=True``, ``P(c) P(b | c) P(a | c) P(d | b, c)``, which satisfies the
    premises of contraction. ``C`` may be empty. Exact on ``backend="sympy"``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> joint, a, b, d, c = laws.independent_joints().example()
    >>> mc.independent(joint, a, b + d, c)
    True
    """
    _check_backend(backend)
    small = atoms(max_outcomes=3)
    objs: dict[str, Object] = {k: draw(small) for k in "abd"}
    objs["c"] = draw(st.sampled_from([product(), draw(small)]))
    A, B, C, D = objs["a"], objs["b"], objs["c"], objs["d"]
    opts: dict[str, Any] = {"backend": backend, "zeros": zeros, "max_weight": 4}
    pc, pa = draw(states(C, **opts)), draw(kernels(C, A, **opts))
    pb = draw(kernels(C, B, **opts)) if contraction else None
    pd = draw(kernels(B @ C, D, **opts)) if contraction else None
    pbd = None if contraction else draw(kernels(C, B @ D, **opts))
    order = draw(st.permutations(["a", "b", "d", "c"]))

    @program(product(), product(*(objs[k] for k in order)))
    def joint() -> Any:
        c = _wires(pc())
        at = {"c": c, "a": _wires(pa(*c))}
        if pbd is None:
            assert pb is not None and pd is not None
            at["b"] = _wires(pb(*c))
            at["d"] = _wires(pd(*at["b"], *c))
        else:
            b, d = pbd(*c)
            at["b"], at["d"] = (b,), (d,)
        return tuple(w for k in order for w in at[k])

    start, positions = 0, {}
    for k in order:
        n = len(objs[k].factors)
        positions[k] = list(range(start, start + n))
        start += n
    return joint, positions["a"], positions["b"], positions["d"], positions["c"]


__all__ = [
    "check_ci_contraction",
    "check_ci_decomposition",
    "check_ci_information",
    "check_ci_intersection",
    "check_ci_symmetry",
    "check_ci_weak_union",
    "independent_joints",
]
