"""Test your own kernels against the laws of a Markov category.

This module is for people who write kernels of their own (a sensor model, a language-model
head, a Markov chain) and want property tests saying that those kernels behave. It has
three layers, from most to least work for you:

1. **One call.** :func:`check_kernel_family` takes your family of kernels (a hypothesis
   strategy, a factory ``rng -> kernel``, or one kernel) and runs every law of DESIGN §3
   that applies to it, each on many random companions (priors, other kernels,
   divergences). It returns a :class:`LawReport` saying which laws passed, which failed
   (with the smallest failing inputs hypothesis found) and which did not apply, and raises
   :class:`LawError` when one failed.
2. **One law.** Every law is a plain function ``check_<law>(...)`` that returns ``None``
   when the law holds and otherwise raises :class:`LawError` (an ``AssertionError``)
   naming the law, the inputs and by how much the two sides differ. Use them inside your
   own ``@given`` tests.
3. **Random inputs.** Hypothesis strategies for objects, kernels, states, deterministic
   kernels and joint states, on any backend, with or without zero entries.

The pytest plugin :mod:`markovcat.pytest_plugin` (installed with markovcat, active in every
pytest run) adds the fixtures ``mc_backend`` (each installed backend in turn),
``mc_atol`` and ``mc_check_family``.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.check_copy_commutativity(mc.Bool)
>>> rounded = mc.kernel(mc.Bool, mc.Bool, [[0.333333, 0.666666], [0.5, 0.5]], name="rounded")
>>> laws.check_delete_naturality(rounded)
Traceback (most recent call last):
...
markovcat._errors.LawError: law 'naturality of delete' failed for f=kernel(...): the sides differ by up to 1e-06 (tolerance 1e-09)...

A whole family at once, without raising (``raise_on_failure=False``):

>>> sensor = laws.kernels(mc.Bool, mc.Obj("Reading", 3), zeros=False)
>>> report = laws.check_kernel_family(sensor, max_examples=3, only=["markov"])
>>> report.ok, len(report.passed) >= 5
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import backends
from ._compare import allclose, max_difference
from ._diagram import Diagram, copy, delete, identity, rewire, swap
from ._errors import BackendError, InvalidArgumentError, LawError, TypeMismatchError
from ._inference import almost_surely_equal, bayes_invert, condition, disintegrate, marginal
from ._information_laws import (
    ORDERS,
    assert_at_most,
    assert_close,
    check_chain_rule,
    check_composition_bound,
    check_conditional_entropy,
    check_data_processing,
    check_deterministic_processing,
    check_divergence_positivity,
    check_entropy_additivity,
    check_entropy_closed_forms,
    check_entropy_of_deterministic,
    check_entropy_routes,
    check_gini_simpson_product,
    check_hom_set_sup,
    check_mutual_information_data_processing,
    check_mutual_information_nonnegative,
    check_mutual_information_of_copy,
    check_mutual_information_of_product,
    check_mutual_information_zero_iff_independent,
    check_prior_is_joint,
    check_renyi_monotone,
    check_tensor_bound,
    divergences,
)
from ._kernel import Kernel, kernel
from ._objects import I, Obj, Object, product
from .backends import ops

BACKENDS = backends.NAMES  # the one list of backend names


# ---- strategies ---------------------------------------------------------------------------
def atoms(max_outcomes: int = 5, min_outcomes: int = 1) -> st.SearchStrategy[Obj]:
    """Atomic objects ``X<n>`` with outcomes ``0..n-1`` (same size, same object).

    >>> from markovcat import laws
    >>> laws.atoms(max_outcomes=3).example().size <= 3
    True
    """
    return st.integers(min_outcomes, max_outcomes).map(lambda n: Obj(f"X{n}", range(n)))


def objects(
    max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 1, min_outcomes: int = 1
) -> st.SearchStrategy[Object]:
    """Products of ``min_factors..max_factors`` random atoms of ``min_outcomes..max_outcomes``
    outcomes each (``mc.I`` when there are 0 factors).

    >>> from markovcat import laws
    >>> len(laws.objects(max_factors=2).example().factors) in (1, 2)
    True
    """
    return st.lists(
        atoms(max_outcomes, min_outcomes), min_size=min_factors, max_size=max_factors
    ).map(lambda fs: product(*fs))


@st.composite
def _weights(draw: Any, rows: int, cols: int, zeros: bool, max_weight: int = 9) -> np.ndarray:
    """Integer weights 0..max_weight (1..max_weight without zeros); no row is all zero.

    Small tables are drawn entry by entry (so hypothesis can shrink them); large ones from
    a drawn seed, since hypothesis caps the size of one example.
    """
    lo = 0 if zeros else 1
    if rows * cols <= 256:
        flat = draw(
            st.lists(st.integers(lo, max_weight), min_size=rows * cols, max_size=rows * cols)
        )
        w = np.array(flat, dtype=np.int64).reshape(rows, cols)
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        w = rng.integers(lo, max_weight + 1, size=(rows, cols))
    empty = np.flatnonzero(w.sum(axis=1) == 0)
    if empty.size:
        w[empty, draw(st.integers(0, cols - 1))] = 1
    return w


def _rational_table(w: np.ndarray) -> np.ndarray:
    """Rows ``w / Σw`` as exact fractions; ``kernel(..., backend=…)`` converts them."""
    sums = np.broadcast_to(w.sum(axis=1, keepdims=True), w.shape)
    return np.vectorize(Fraction, otypes=[object])(w, sums)


def _check_backend(backend: str) -> None:

    if backend not in BACKENDS:
        raise BackendError(f"laws: backend must be one of {BACKENDS}, given {backend!r}")


def _typed(
    dom: Object | None, cod: Object | None, max_factors: int, max_outcomes: int
) -> st.SearchStrategy[tuple[Object, Object]]:
    """``(dom, cod)``, drawing whichever is ``None`` from :func:`objects`."""
    pick = objects(max_factors, max_outcomes)
    return st.tuples(
        st.just(dom) if dom is not None else pick, st.just(cod) if cod is not None else pick
    )


def kernels(
    dom: Object | None = None,
    cod: Object | None = None,
    *,
    backend: str = "numpy",
    zeros: bool = True,
    max_weight: int = 9,
    max_factors: int = 2,
    max_outcomes: int = 3,
    name: str | None = None,
) -> st.SearchStrategy[Kernel]:
    """Random kernels ``dom → cod`` with rational entries ``w/Σw`` (``w`` in ``0..max_weight``).

    * ``backend``: ``'numpy'`` (float64), ``'jax'`` or ``'sympy'`` (exact rationals).
    * ``zeros=False`` keeps every entry positive (full support: no null events, finite KL).
    * ``max_weight`` sets the resolution: 1 gives uniform rows over random supports.
    * ``dom`` or ``cod`` left out (``None``) is drawn too, with up to ``max_factors``
      factors of up to ``max_outcomes`` outcomes each.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.kernels(mc.Bool, mc.Bool).example().dom == mc.Bool
    True
    >>> f = laws.kernels(mc.Bool, mc.Obj("Y", 3), zeros=False, backend="sympy").example()
    >>> f.backend, bool((f.matrix > 0).all())
    ('sympy', True)
    """
    _check_backend(backend)
    if max_weight < 1:
        raise ValueError(f"max_weight must be at least 1, given {max_weight!r}")

    def build(types: tuple[Object, Object]) -> st.SearchStrategy[Kernel]:
        d, c = types
        return _weights(d.size, c.size, zeros, max_weight).map(
            lambda w: kernel(d, c, _rational_table(w), backend=backend, name=name)
        )

    return _typed(dom, cod, max_factors, max_outcomes).flatmap(build)


def states(cod: Object | None = None, **options: Any) -> st.SearchStrategy[Kernel]:
    """Random states ``I → cod`` (options as for :func:`kernels`).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.states(mc.Bool).example().dom == mc.I
    True
    """
    return kernels(I, cod, **options)


def deterministic_kernels(
    dom: Object | None = None,
    cod: Object | None = None,
    *,
    backend: str = "numpy",
    max_factors: int = 2,
    max_outcomes: int = 3,
    name: str | None = None,
) -> st.SearchStrategy[Kernel]:
    """Random deterministic kernels (functions on outcomes) ``dom → cod``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.deterministic_kernels(mc.Bool, mc.Bool).example().is_deterministic()
    True
    """
    _check_backend(backend)

    def build(types: tuple[Object, Object]) -> st.SearchStrategy[Kernel]:
        d, c = types

        def table(images: list[int]) -> Kernel:
            w = np.zeros((d.size, c.size), dtype=np.int64)
            w[np.arange(d.size), images] = 1
            return kernel(d, c, _rational_table(w), backend=backend, name=name)

        return st.lists(st.integers(0, c.size - 1), min_size=d.size, max_size=d.size).map(table)

    return _typed(dom, cod, max_factors, max_outcomes).flatmap(build)


@st.composite
def joint_states(
    draw: Any, max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 2, **options: Any
) -> Kernel:
    """A random object with ``min_factors..max_factors`` factors and a state on it (options
    as for :func:`kernels`: ``backend``, ``zeros``, ``max_weight``).

    >>> from markovcat import laws
    >>> len(laws.joint_states().example().cod.factors) >= 2
    True
    """
    obj = draw(objects(max_factors, max_outcomes, min_factors))
    return draw(states(obj, **options))


# ---- law checking -------------------------------------------------------------------------
def _describe(v: Any, limit: int = 400) -> str:
    """A concrete kernel by its ``repr`` (its numbers: paste it to reproduce), others by ``str``."""
    text = repr(v) if isinstance(v, Kernel) else str(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(inputs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_describe(v)}" for k, v in inputs.items()) or "these inputs"


def assert_equal(lhs: Diagram, rhs: Diagram, law: str, atol: float = 1e-9, **inputs: Any) -> None:
    """Raise :class:`LawError` unless ``lhs`` and ``rhs`` are equal kernels.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.assert_equal(mc.identity(mc.Bool), mc.identity(mc.Bool), "trivial")
    """
    if lhs.dom != rhs.dom or lhs.cod != rhs.cod:
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides have different types, "
            f"{lhs.dom} → {lhs.cod} and {rhs.dom} → {rhs.cod}"
        )
    if not allclose(lhs, rhs, atol=atol):
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides differ by up to "
            f"{max_difference(lhs, rhs):.3g} (tolerance {atol:g})\n  lhs = {lhs}\n  rhs = {rhs}"
        )


def _on(d: Diagram, backend: str | None) -> Diagram:
    return d.evaluate(backend) if backend is not None else d


def check_associativity(f: Diagram, g: Diagram, h: Diagram, atol: float = 1e-9) -> None:
    """``(f >> g) >> h == f >> (g >> h)``, evaluated as separate kernels.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_associativity(f, f, f)
    """
    fg, gh = (f >> g).evaluate(), (g >> h).evaluate()
    assert_equal(fg >> h, f >> gh, "associativity of >>", atol, f=f, g=g, h=h)


def check_unit(f: Diagram, atol: float = 1e-9) -> None:
    """``identity(dom) >> f == f == f >> identity(cod)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_unit(mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    """
    assert_equal(identity(f.dom) >> f, f, "left unit of >>", atol, f=f)
    assert_equal(f >> identity(f.cod), f, "right unit of >>", atol, f=f)


def check_interchange(f: Diagram, g: Diagram, h: Diagram, k: Diagram, atol: float = 1e-9) -> None:
    """Functoriality of ``@``: ``(f @ g) >> (h @ k) == (f >> h) @ (g >> k)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_interchange(f, f, f, f)
    """
    lhs = (f @ g).evaluate() >> (h @ k).evaluate()
    rhs = (f >> h).evaluate() @ (g >> k).evaluate()
    assert_equal(lhs, rhs, "functoriality of @", atol, f=f, g=g, h=h, k=k)


def check_tensor_unit(f: Diagram, atol: float = 1e-9) -> None:
    """``f @ identity(I) == f == identity(I) @ f``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_tensor_unit(mc.state(mc.Bool, [0.3, 0.7]))
    """
    assert_equal(f @ identity(I), f, "right unit of @", atol, f=f)
    assert_equal(identity(I) @ f, f, "left unit of @", atol, f=f)


def check_swap_involution(X: Object, Y: Object, backend: str | None = None) -> None:
    """``swap(X, Y) >> swap(Y, X) == identity(X @ Y)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_swap_involution(mc.Bool, mc.Obj("Y", 3), backend="sympy")
    """
    assert_equal(
        _on(swap(X, Y) >> swap(Y, X), backend), identity(X @ Y), "swap involution", 0, X=X, Y=Y
    )


def check_swap_naturality(f: Diagram, g: Diagram, atol: float = 1e-9) -> None:
    """``(f @ g) >> swap == swap >> (g @ f)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_swap_naturality(f, mc.state(mc.Bool, [0.5, 0.5]))
    """
    lhs = (f @ g) >> swap(f.cod, g.cod)
    rhs = swap(f.dom, g.dom) >> (g @ f)
    assert_equal(lhs, rhs, "naturality of swap", atol, f=f, g=g)


def check_copy_coassociativity(X: Object, backend: str | None = None) -> None:
    """``copy >> (copy @ id) == copy >> (id @ copy)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_coassociativity(mc.Obj("X", 3))
    """
    lhs = copy(X) >> (copy(X) @ identity(X))
    rhs = copy(X) >> (identity(X) @ copy(X))
    assert_equal(_on(lhs, backend), rhs, "coassociativity of copy", 0, X=X)


def check_copy_commutativity(X: Object, backend: str | None = None) -> None:
    """``copy >> swap == copy``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_commutativity(mc.Obj("X", 3), backend="sympy")
    """
    assert_equal(_on(copy(X) >> swap(X, X), backend), copy(X), "commutativity of copy", 0, X=X)


def check_copy_counit(X: Object, backend: str | None = None) -> None:
    """``copy >> (delete @ id) == id == copy >> (id @ delete)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_counit(mc.Obj("X", 3))
    """
    one = identity(X)
    assert_equal(_on(copy(X) >> (delete(X) @ one), backend), one, "left counit of copy", 0, X=X)
    assert_equal(_on(copy(X) >> (one @ delete(X)), backend), one, "right counit of copy", 0, X=X)


def check_copy_product(X: Object, Y: Object, backend: str | None = None) -> None:
    """``copy(X @ Y) == (copy X @ copy Y) >> (id @ swap @ id)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_product(mc.Bool, mc.Obj("Y", 3))
    """
    rhs = (copy(X) @ copy(Y)) >> (identity(X) @ swap(X, Y) @ identity(Y))
    assert_equal(_on(copy(X @ Y), backend), rhs, "copy on a product", 0, X=X, Y=Y)


def check_delete_naturality(f: Diagram, atol: float = 1e-9) -> None:
    """``f >> delete == delete``: every kernel is total (rows sum to 1).

    A table whose rows sum to 1 only within ``mc.config.row_atol`` is accepted by
    ``mc.kernel`` but fails here at a tighter ``atol``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_delete_naturality(mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    """
    assert_equal(f >> delete(f.cod), delete(f.dom), "naturality of delete", atol, f=f)


def check_determinism(f: Diagram, atol: float = 1e-9) -> None:
    """``f`` has 0/1 rows exactly when ``f >> copy == copy >> (f @ f)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_determinism(mc.deterministic(mc.Bool, mc.Bool, lambda b: not b))
    >>> laws.check_determinism(mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    """
    rows01 = f.is_deterministic(atol)
    copyable = allclose(f >> copy(f.cod), copy(f.dom) >> (f @ f), atol=atol)
    if rows01 != copyable:
        raise LawError(
            f"law 'deterministic ⇔ copyable' failed for f={f}: 0/1 rows is {rows01}, "
            f"f >> copy == copy >> (f @ f) is {copyable}"
        )


def check_deterministic_closure(f: Diagram, g: Diagram, h: Diagram, atol: float = 1e-9) -> None:
    """Deterministic kernels are closed under ``>>`` (f then g) and ``@`` (f with h).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> neg = mc.deterministic(mc.Bool, mc.Bool, lambda b: not b)
    >>> laws.check_deterministic_closure(neg, neg, neg)
    """
    for name, d in (("f", f), ("g", g), ("h", h)):
        if not d.is_deterministic(atol):
            raise LawError(
                f"check_deterministic_closure needs deterministic inputs; {name}={d} is not"
            )
    for law, d in (("closure of determinism under >>", f >> g), ("under @", f @ h)):
        if not d.is_deterministic(atol):
            raise LawError(f"law {law!r} failed for f={f}, g={g}, h={h}")


# ---- inference laws ---------------------------------------------------------------------------
def check_disintegration(joint: Diagram, on: list[int], atol: float = 1e-9) -> None:
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


def check_bayes_law(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
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


def check_bayes_state_preservation(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
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


def check_bayes_involution(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
    """``(f†)† = f`` almost surely w.r.t. ``prior``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_bayes_involution(f, mc.state(mc.Bool, [1, 0]))
    """

    inv = bayes_invert(f, prior)
    twice = bayes_invert(inv, (prior >> f).evaluate())
    _assert_as_equal(twice, f, prior, "involution of Bayesian inversion", atol, f=f, prior=prior)


def check_bayes_contravariance(f: Diagram, g: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
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


def check_inverse_uniqueness(
    f: Diagram, prior: Diagram, other: Diagram, atol: float = 1e-9
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


def check_condition_is_disintegration(
    state: Diagram, position: int, outcome: Any, atol: float = 1e-9
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


# ---- one call: every applicable law on a family of kernels ----------------------------------------
Family = st.SearchStrategy[Diagram] | Diagram | Callable[[np.random.Generator], Diagram]


@dataclass(frozen=True)
class LawOutcome:
    """How one law fared on a family: ``status`` is ``'passed'``, ``'failed'`` or
    ``'not applicable'``; ``detail`` holds the failure message (with the smallest failing
    inputs found) or why the law did not apply.

    >>> from markovcat import laws
    >>> laws.LawOutcome("units", "markov", "id >> f == f", "passed").status
    'passed'
    """

    law: str
    group: str
    statement: str
    status: str
    detail: str = ""


@dataclass
class LawReport:
    """The outcome of :func:`check_kernel_family`: one :class:`LawOutcome` per law.

    ``ok`` is true when no law failed; ``passed``, ``failed`` and ``not_applicable`` list law
    names; ``str(report)`` is a readable table; :meth:`raise_if_failed` raises
    :class:`LawError` with that table.

    >>> from markovcat import laws
    >>> r = laws.LawReport("f", [laws.LawOutcome("units", "markov", "id >> f == f", "passed")])
    >>> r.ok, r.passed, r.failed
    (True, ['units'], [])
    """

    family: str
    outcomes: list[LawOutcome] = field(default_factory=list)

    def _names(self, status: str) -> list[str]:
        return [o.law for o in self.outcomes if o.status == status]

    @property
    def passed(self) -> list[str]:
        """Names of the laws that held on every example."""
        return self._names("passed")

    @property
    def failed(self) -> list[str]:
        """Names of the laws that failed."""
        return self._names("failed")

    @property
    def not_applicable(self) -> list[str]:
        """Names of the laws that applied to no member of the family (e.g. determinism
        laws on a family with no deterministic kernel)."""
        return self._names("not applicable")

    @property
    def ok(self) -> bool:
        """True when no law failed."""
        return not self.failed

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = (
            f"laws of {self.family}: {len(self.passed)} passed, {len(self.failed)} failed, "
            f"{len(self.not_applicable)} not applicable"
        )
        mark = {"passed": "ok  ", "failed": "FAIL", "not applicable": "n/a "}
        lines = [head]
        for o in self.outcomes:
            lines.append(f"  {mark[o.status]} {o.law}: {o.statement}")
            if o.status == "failed":
                lines.extend("         " + line for line in o.detail.splitlines())
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`LawError` (with the whole report) when a law failed.

        >>> from markovcat import laws
        >>> laws.LawReport("f", []).raise_if_failed()
        """
        if self.failed:
            raise LawError(str(self))


@dataclass(frozen=True)
class _Companions:
    """Draws the random partners a law needs (objects, kernels, states) next to ``f``."""

    data: Any
    backend: str
    atol: float
    outcomes: int

    def obj(self) -> Obj:
        return self.data.draw(atoms(self.outcomes), label="object")

    def kernel(self, dom: Object, cod: Object, label: str) -> Kernel:
        return self.data.draw(kernels(dom, cod, backend=self.backend), label=label)

    def state(self, cod: Object, label: str) -> Kernel:
        return self.data.draw(states(cod, backend=self.backend), label=label)

    def function(self, dom: Object, cod: Object, label: str) -> Kernel:
        return self.data.draw(deterministic_kernels(dom, cod, backend=self.backend), label=label)

    def divergence(self) -> Any:

        return self.data.draw(divergences(), label="D")


def _joint(f: Diagram, prior: Diagram) -> Kernel:
    """``prior >> copy >> (id @ f)``, evaluated: the joint of input and output."""
    return (prior >> copy(f.dom) >> (identity(f.dom) @ f)).evaluate()


def _as_state(f: Diagram, c: _Companions) -> Diagram:
    """``f`` itself for a state, else the joint of ``f`` with a random prior."""
    return f if f.dom == I else _joint(f, c.state(f.dom, "prior"))


# Each law takes (f, companions) and returns False when it does not apply to this f.
def _law_delete(f: Diagram, c: _Companions) -> bool:
    check_delete_naturality(f, c.atol)
    return True


def _law_units(f: Diagram, c: _Companions) -> bool:
    check_unit(f, c.atol)
    check_tensor_unit(f, c.atol)
    return True


def _law_associativity(f: Diagram, c: _Companions) -> bool:
    e, g = c.kernel(c.obj(), f.dom, "e"), c.kernel(f.cod, c.obj(), "g")
    check_associativity(e, f, g, c.atol)
    return True


def _law_interchange(f: Diagram, c: _Companions) -> bool:
    A, B = c.obj(), c.obj()
    g, h, k = c.kernel(A, B, "g"), c.kernel(f.cod, c.obj(), "h"), c.kernel(B, c.obj(), "k")
    check_interchange(f, g, h, k, c.atol)
    check_interchange(g, f, k, h, c.atol)
    return True


def _law_swap(f: Diagram, c: _Companions) -> bool:
    g = c.kernel(c.obj(), c.obj(), "g")
    check_swap_naturality(f, g, c.atol)
    check_swap_naturality(g, f, c.atol)
    return True


def _law_determinism(f: Diagram, c: _Companions) -> bool:
    check_determinism(f, c.atol)
    return True


def _law_closure(f: Diagram, c: _Companions) -> bool:
    if not f.is_deterministic(c.atol):
        return False
    g, h = c.function(f.cod, c.obj(), "g"), c.function(c.obj(), c.obj(), "h")
    check_deterministic_closure(f, g, h, c.atol)
    return True


def _law_bayes(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    prior = c.state(f.dom, "prior")
    check_bayes_law(f, prior, c.atol)
    check_bayes_state_preservation(f, prior, c.atol)
    return True


def _law_bayes_involution(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    check_bayes_involution(f, c.state(f.dom, "prior"), c.atol)
    return True


def _law_bayes_contravariance(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    g = c.kernel(f.cod, c.obj(), "g")
    check_bayes_contravariance(f, g, c.state(f.dom, "prior"), c.atol)
    return True


def _law_disintegration(f: Diagram, c: _Companions) -> bool:
    if f.dom != I:
        check_disintegration(_joint(f, c.state(f.dom, "prior")), list(range(len(f.dom.factors))))
        return True
    n = len(f.cod.factors)
    if n < 2:
        return False
    on = c.data.draw(
        st.lists(st.integers(0, n - 1), min_size=1, max_size=n - 1, unique=True), label="on"
    )
    check_disintegration(f, on, c.atol)
    return True


def _law_conditioning(f: Diagram, c: _Companions) -> bool:
    joint = _as_state(f, c)
    n = len(joint.cod.factors)
    if n < 2:
        return False
    position = c.data.draw(st.integers(0, n - 1), label="position")
    weights = np.asarray(ops.to_numpy(marginal(joint, [position]).array), dtype=float)
    obj = joint.cod.factors[position]
    seen = [obj.outcomes[i] for i in np.flatnonzero(weights > 0)]
    outcome = c.data.draw(st.sampled_from(seen), label="outcome")
    check_condition_is_disintegration(joint, position, outcome, c.atol)
    return True


def _law_divergence(f: Diagram, c: _Companions) -> bool:

    check_divergence_positivity(c.divergence(), f, c.kernel(f.dom, f.cod, "g"), c.atol)
    return True


def _law_data_processing(f: Diagram, c: _Companions) -> bool:

    if f.dom == I:
        return False
    p, q = c.state(f.dom, "p"), c.state(f.dom, "q")
    check_data_processing(c.divergence(), p, q, f, c.atol)
    return True


def _law_composition_bound(f: Diagram, c: _Companions) -> bool:

    B = c.obj()
    f2, g, g2 = c.kernel(f.dom, f.cod, "f2"), c.kernel(f.cod, B, "g"), c.kernel(f.cod, B, "g2")
    check_composition_bound(c.divergence(), f, f2, g, g2, c.atol)
    return True


def _law_tensor_bound(f: Diagram, c: _Companions) -> bool:

    A, B = c.obj(), c.obj()
    f2, h, h2 = c.kernel(f.dom, f.cod, "f2"), c.kernel(A, B, "h"), c.kernel(A, B, "h2")
    check_tensor_bound(c.divergence(), f, f2, h, h2, c.atol)
    return True


def _law_entropy(f: Diagram, c: _Companions) -> bool:

    prior = None if f.dom == I else c.state(f.dom, "prior")
    check_entropy_routes(f, c.divergence(), prior, c.atol)
    if prior is not None:
        check_conditional_entropy(f, prior, c.atol)
    return True


def _law_entropy_closed_forms(f: Diagram, c: _Companions) -> bool:

    if f.dom != I:
        return False
    alpha = c.data.draw(st.sampled_from([0, 0.5, 1, 1.5, 2]), label="alpha")
    check_entropy_closed_forms(f, alpha, c.atol)
    check_mutual_information_of_copy(f, c.divergence(), c.atol)
    return True


def _law_deterministic_entropy(f: Diagram, c: _Companions) -> bool:

    if not f.is_deterministic(c.atol):
        return False
    D = c.divergence()
    check_entropy_of_deterministic(f, D, c.atol)
    if f.dom != I:
        check_deterministic_processing(c.state(f.dom, "p"), f, D, c.atol)
    return True


def _law_chain_rule(f: Diagram, c: _Companions) -> bool:

    joint = _as_state(f, c)
    n = len(joint.cod.factors)
    if n < 2:
        return False
    split = len(f.dom.factors) if f.dom != I else c.data.draw(st.integers(1, n - 1), label="split")
    check_chain_rule(joint, split, c.atol)
    check_mutual_information_nonnegative(joint, split, atol=c.atol)
    return True


def _law_mutual_information(f: Diagram, c: _Companions) -> bool:

    if f.dom == I:
        return False
    A = c.obj()
    joint = c.state(A @ f.dom, "joint")
    check_mutual_information_data_processing(joint, identity(A), f, len(A.factors), c.atol)
    return True


@dataclass(frozen=True)
class _Law:
    name: str
    group: str
    statement: str
    check: Callable[[Diagram, _Companions], bool]


#: The laws :func:`check_kernel_family` runs, by group; ``f`` is a member of the family and
#: every other letter a random companion.
FAMILY_LAWS: tuple[_Law, ...] = (
    _Law("delete_naturality", "markov", "f >> delete == delete (rows sum to 1)", _law_delete),
    _Law("units", "markov", "id >> f == f == f >> id and f @ id(I) == f", _law_units),
    _Law("associativity", "markov", "(e >> f) >> g == e >> (f >> g)", _law_associativity),
    _Law("interchange", "markov", "(f @ g) >> (h @ k) == (f >> h) @ (g >> k)", _law_interchange),
    _Law("swap_naturality", "markov", "(f @ g) >> swap == swap >> (g @ f)", _law_swap),
    _Law(
        "determinism",
        "determinism",
        "f has 0/1 rows ⇔ f >> copy == copy >> (f @ f)",
        _law_determinism,
    ),
    _Law(
        "deterministic_closure",
        "determinism",
        "deterministic f, g, h give deterministic f >> g and f @ h",
        _law_closure,
    ),
    _Law(
        "bayes_law",
        "inference",
        "prior >> copy >> (id @ f) == (prior >> f) >> copy >> (f† @ id), f† maps prior >> f to prior",
        _law_bayes,
    ),
    _Law("bayes_involution", "inference", "(f†)† == f almost surely", _law_bayes_involution),
    _Law(
        "bayes_contravariance",
        "inference",
        "(f >> g)† == g† >> f† almost surely",
        _law_bayes_contravariance,
    ),
    _Law(
        "disintegration",
        "inference",
        "joint == marginal >> copy >> (id @ conditional)",
        _law_disintegration,
    ),
    _Law(
        "conditioning",
        "inference",
        "condition(joint, {i: x}) == the disintegration's row at x",
        _law_conditioning,
    ),
    _Law("divergence", "information", "D(f, g) >= 0 and D(f, f) == 0", _law_divergence),
    _Law("data_processing", "information", "D(p >> f, q >> f) <= D(p, q)", _law_data_processing),
    _Law(
        "composition_bound",
        "information",
        "D(f >> g, f2 >> g2) <= D(f, f2) + D(g, g2)",
        _law_composition_bound,
    ),
    _Law(
        "tensor_bound",
        "information",
        "D(f @ h, f2 @ h2) <= D(f, f2) + D(h, h2)",
        _law_tensor_bound,
    ),
    _Law(
        "entropy",
        "information",
        "entropy by definition == by contraction; conditional_entropy == entropy with a prior",
        _law_entropy,
    ),
    _Law(
        "entropy_closed_forms",
        "information",
        "entropy of a state is Shannon / Rényi / Gini–Simpson; I(copy∘p) == H(p)",
        _law_entropy_closed_forms,
    ),
    _Law(
        "deterministic_entropy",
        "information",
        "entropy(f) == 0 and entropy(p >> f) <= entropy(p) for deterministic f",
        _law_deterministic_entropy,
    ),
    _Law(
        "chain_rule",
        "information",
        "H(A, B) == H(A) + H(B | A) and I(A; B) >= 0",
        _law_chain_rule,
    ),
    _Law(
        "mutual_information",
        "information",
        "I(A; f(X)) <= I(A; X)",
        _law_mutual_information,
    ),
)

LAW_GROUPS = ("markov", "determinism", "inference", "information")


def _family_strategy(family: Family) -> st.SearchStrategy[Diagram]:

    if isinstance(family, st.SearchStrategy):
        return family
    if isinstance(family, Diagram):
        return st.just(family)
    if callable(family):
        return st.integers(0, 2**32 - 1).map(lambda seed: family(np.random.default_rng(seed)))
    raise TypeMismatchError(
        "check_kernel_family: expected a hypothesis strategy of kernels, a kernel, or a "
        f"factory rng -> kernel, given {type(family).__name__}"
    )


def _selected(only: Iterable[str] | None) -> list[_Law]:

    if only is None:
        return list(FAMILY_LAWS)
    wanted = [only] if isinstance(only, str) else list(only)
    names = {law.name for law in FAMILY_LAWS}
    unknown = [w for w in wanted if w not in names and w not in LAW_GROUPS]
    if unknown:
        raise InvalidArgumentError(
            f"check_kernel_family: unknown law or group {unknown}; expected names from "
            f"{LAW_GROUPS} or {sorted(names)}"
        )
    return [law for law in FAMILY_LAWS if law.name in wanted or law.group in wanted]


def default_atol(f: Diagram) -> float:
    """The tolerance the law checks use for ``f``: ``1e-9``, or 100 machine epsilons of
    its float type when that is coarser (``1.2e-5`` for JAX without x64).

    >>> import numpy as np, markovcat as mc
    >>> from markovcat import laws
    >>> laws.default_atol(mc.state(mc.Bool, [0.5, 0.5]))
    1e-09
    """
    dtype = getattr(f.array, "dtype", None)
    if dtype is not None and np.issubdtype(dtype, np.floating):
        return max(1e-9, 100 * float(np.finfo(dtype).eps))
    return 1e-9


def _describe_family(family: Family) -> str:
    if isinstance(family, Diagram):
        return str(family)
    text = getattr(family, "__name__", None) or repr(family)
    return text if len(text) <= 120 else text[:119] + "…"


def check_kernel_family(
    family: Family,
    *,
    backend: str | None = None,
    atol: float | None = None,
    max_examples: int = 10,
    only: Sequence[str] | str | None = None,
    outcomes: int = 3,
    derandomize: bool = True,
    raise_on_failure: bool = True,
    name: str | None = None,
) -> LawReport:
    """Run every law that applies to a family of kernels; report which held and which failed.

    ``family`` is what you want tested:

    * a hypothesis strategy drawing your kernels (``st.builds(make_sensor, noise=...)``,
      ``laws.kernels(X, Y)``, ...),
    * a factory ``rng -> kernel`` (called with a seeded ``numpy.random.Generator``), or
    * one kernel or diagram.

    For each law of :data:`FAMILY_LAWS` (Markov category, determinism, Bayesian inference,
    divergences, entropy and mutual information), hypothesis draws up to ``max_examples``
    members ``f`` with random companions: other kernels around ``f`` (atoms of up to
    ``outcomes`` outcomes), priors on its domain, divergences (KL, total variation, Rényi of
    several orders). A law that needs something ``f`` is not (deterministic, a state, a
    kernel with inputs) and never got it is "not applicable".

    * ``backend``: evaluate each member on ``'numpy'``, ``'jax'`` or ``'sympy'`` first
      (``None``: as given); companions are drawn on the member's backend.
    * ``atol``: tolerance for float comparisons (default :func:`default_atol`).
    * ``only``: law names or groups (``'markov'``, ``'determinism'``, ``'inference'``,
      ``'information'``) to run.
    * ``derandomize``: the same examples on every run (reproducible CI).
    * ``raise_on_failure``: raise :class:`LawError` with the report when a law failed;
      otherwise just return the report.
    * ``name``: what the report calls the family (default: the factory's or kernel's name).

    On the exact ``'sympy'`` backend laws hold exactly or fail: build exact tables
    (``Fraction``, ``sympy.Rational``) for it. A float table converted to sympy keeps its
    binary values, whose rows may sum to 1 only up to about 1e-16.

    Call it from a plain test function, not from inside a ``@given`` test.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> def sensor(rng):  # a noisy reading of a Bool, 3 levels
    ...     noise = rng.uniform(0.01, 0.3)
    ...     table = [[1 - noise, noise / 2, noise / 2], [noise / 2, noise / 2, 1 - noise]]
    ...     return mc.kernel(mc.Bool, mc.Obj("Reading", 3), table, name="sensor")
    >>> report = laws.check_kernel_family(sensor, max_examples=3, only=["markov", "inference"])
    >>> report.ok
    True
    """

    if backend is not None:
        _check_backend(backend)
    if max_examples < 1:
        raise InvalidArgumentError(
            f"check_kernel_family: max_examples must be >= 1, given {max_examples!r}"
        )
    members = _family_strategy(family)
    report = LawReport(name or _describe_family(family))
    for law in _selected(only):
        report.outcomes.append(
            _run_law(law, members, backend, atol, max_examples, outcomes, derandomize)
        )
    if raise_on_failure:
        report.raise_if_failed()
    return report


def _run_law(
    law: _Law,
    members: st.SearchStrategy[Diagram],
    backend: str | None,
    atol: float | None,
    max_examples: int,
    outcomes: int,
    derandomize: bool,
) -> LawOutcome:
    applied: list[bool] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        f = data.draw(members, label="f")
        if not isinstance(f, Diagram):
            raise TypeMismatchError(
                f"the family drew {type(f).__name__} {f!r}, expected a kernel (a markovcat diagram)"
            )
        if backend is not None:
            f = f.to(backend)
        concrete = f.evaluate()
        tol = default_atol(f) if atol is None else atol
        if law.check(f, _Companions(data, concrete.backend, tol, outcomes)):
            applied.append(True)

    def outcome(status: str, detail: str = "") -> LawOutcome:
        return LawOutcome(law.name, law.group, law.statement, status, detail)

    try:
        run()
    except LawError as exc:
        return outcome("failed", str(exc))
    except Exception as exc:  # a member or companion the library rejects is a failure too
        return outcome("failed", f"{type(exc).__name__}: {exc}")
    if not applied:
        return outcome("not applicable", "no member of the family needed by this law was drawn")
    return outcome("passed")


__all__ = [
    "BACKENDS",
    "FAMILY_LAWS",
    "LAW_GROUPS",
    "LawError",
    "LawOutcome",
    "LawReport",
    # strategies
    "atoms",
    "objects",
    "kernels",
    "states",
    "deterministic_kernels",
    "joint_states",
    "divergences",
    # one call
    "check_kernel_family",
    "default_atol",
    # comparing
    "assert_equal",
    "assert_close",
    "assert_at_most",
    # Markov category and determinism
    "check_associativity",
    "check_unit",
    "check_interchange",
    "check_tensor_unit",
    "check_swap_involution",
    "check_swap_naturality",
    "check_copy_coassociativity",
    "check_copy_commutativity",
    "check_copy_counit",
    "check_copy_product",
    "check_delete_naturality",
    "check_determinism",
    "check_deterministic_closure",
    # inference
    "check_disintegration",
    "check_bayes_law",
    "check_bayes_state_preservation",
    "check_bayes_involution",
    "check_bayes_contravariance",
    "check_inverse_uniqueness",
    "check_condition_is_disintegration",
    # information
    "ORDERS",
    "check_divergence_positivity",
    "check_data_processing",
    "check_composition_bound",
    "check_tensor_bound",
    "check_hom_set_sup",
    "check_prior_is_joint",
    "check_renyi_monotone",
    "check_entropy_of_deterministic",
    "check_deterministic_processing",
    "check_entropy_closed_forms",
    "check_entropy_routes",
    "check_entropy_additivity",
    "check_gini_simpson_product",
    "check_chain_rule",
    "check_conditional_entropy",
    "check_mutual_information_nonnegative",
    "check_mutual_information_of_product",
    "check_mutual_information_zero_iff_independent",
    "check_mutual_information_data_processing",
    "check_mutual_information_of_copy",
]
