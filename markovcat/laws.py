"""Laws of Markov categories as plain functions, and hypothesis strategies to feed them.

Use them from your own tests, on any backend::

    from hypothesis import given, strategies as st
    from markovcat import laws

    @given(st.data())
    def test_my_kernel_is_natural(data):
        X = data.draw(laws.objects())
        f = data.draw(laws.kernels(X, X))
        laws.check_delete_naturality(f)

Every ``check_*`` function raises :class:`LawError` (an ``AssertionError``) naming the law,
the inputs and the size of the violation, and returns ``None`` when the law holds.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.check_copy_commutativity(mc.Bool)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ._compare import allclose, max_difference
from ._diagram import Diagram, copy, delete, identity, rewire, swap
from ._kernel import Kernel, kernel
from ._objects import I, Obj, Object, product

BACKENDS = ("numpy", "jax", "sympy")


class LawError(AssertionError):
    """A law failed: the message says which, on which inputs, by how much."""


# ---- strategies ---------------------------------------------------------------------------
def atoms(max_outcomes: int = 5, min_outcomes: int = 1) -> st.SearchStrategy[Obj]:
    """Atomic objects ``X<n>`` with outcomes ``0..n-1`` (same size, same object).

    >>> from markovcat import laws
    >>> laws.atoms(max_outcomes=3).example().size <= 3
    True
    """
    return st.integers(min_outcomes, max_outcomes).map(lambda n: Obj(f"X{n}", range(n)))


def objects(
    max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 1
) -> st.SearchStrategy[Object]:
    """Products of ``min_factors..max_factors`` random atoms (``mc.I`` when 0 factors).

    >>> from markovcat import laws
    >>> len(laws.objects(max_factors=2).example().factors) in (1, 2)
    True
    """
    return st.lists(atoms(max_outcomes), min_size=min_factors, max_size=max_factors).map(
        lambda fs: product(*fs)
    )


@st.composite
def _weights(draw: Any, rows: int, cols: int, zeros: bool) -> np.ndarray:
    """Integer weights 0..9 (1..9 without zeros); no row is all zero.

    Small tables are drawn entry by entry (so hypothesis can shrink them); large ones from
    a drawn seed, since hypothesis caps the size of one example.
    """
    lo = 0 if zeros else 1
    if rows * cols <= 256:
        flat = draw(st.lists(st.integers(lo, 9), min_size=rows * cols, max_size=rows * cols))
        w = np.array(flat, dtype=np.int64).reshape(rows, cols)
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        w = rng.integers(lo, 10, size=(rows, cols))
    empty = np.flatnonzero(w.sum(axis=1) == 0)
    if empty.size:
        w[empty, draw(st.integers(0, cols - 1))] = 1
    return w


def _rational_table(w: np.ndarray) -> np.ndarray:
    """Rows ``w / Σw`` as exact fractions; ``kernel(..., backend=…)`` converts them."""
    sums = np.broadcast_to(w.sum(axis=1, keepdims=True), w.shape)
    return np.vectorize(Fraction, otypes=[object])(w, sums)


def kernels(
    dom: Object,
    cod: Object,
    *,
    backend: str = "numpy",
    zeros: bool = True,
    name: str | None = None,
) -> st.SearchStrategy[Kernel]:
    """Random kernels ``dom → cod`` with rational entries ``w/Σw`` (w in 0..9).

    ``zeros=False`` keeps every entry positive; ``backend`` is ``'numpy'``, ``'jax'`` or
    ``'sympy'`` (exact rationals).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.kernels(mc.Bool, mc.Bool).example().dom == mc.Bool
    True
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, given {backend!r}")
    return _weights(dom.size, cod.size, zeros).map(
        lambda w: kernel(dom, cod, _rational_table(w), backend=backend, name=name)
    )


def states(cod: Object, **options: Any) -> st.SearchStrategy[Kernel]:
    """Random states ``I → cod`` (options as for :func:`kernels`).

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.states(mc.Bool).example().dom == mc.I
    True
    """
    return kernels(I, cod, **options)


def deterministic_kernels(
    dom: Object, cod: Object, *, backend: str = "numpy", name: str | None = None
) -> st.SearchStrategy[Kernel]:
    """Random deterministic kernels (functions on outcomes) ``dom → cod``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.deterministic_kernels(mc.Bool, mc.Bool).example().is_deterministic()
    True
    """

    def build(images: list[int]) -> Kernel:
        w = np.zeros((dom.size, cod.size), dtype=np.int64)
        w[np.arange(dom.size), images] = 1
        return kernel(dom, cod, _rational_table(w), backend=backend, name=name)

    return st.lists(st.integers(0, cod.size - 1), min_size=dom.size, max_size=dom.size).map(build)


@st.composite
def joint_states(
    draw: Any, max_factors: int = 3, max_outcomes: int = 5, min_factors: int = 2, **options: Any
) -> Kernel:
    """A random object with ``min_factors..max_factors`` factors and a state on it.

    >>> from markovcat import laws
    >>> len(laws.joint_states().example().cod.factors) >= 2
    True
    """
    obj = draw(objects(max_factors, max_outcomes, min_factors))
    return draw(states(obj, **options))


# ---- law checking -------------------------------------------------------------------------
def _show(inputs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in inputs.items())


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
    """``(f >> g) >> h == f >> (g >> h)``, evaluated as separate kernels."""
    fg, gh = (f >> g).evaluate(), (g >> h).evaluate()
    assert_equal(fg >> h, f >> gh, "associativity of >>", atol, f=f, g=g, h=h)


def check_unit(f: Diagram, atol: float = 1e-9) -> None:
    """``identity(dom) >> f == f == f >> identity(cod)``."""
    assert_equal(identity(f.dom) >> f, f, "left unit of >>", atol, f=f)
    assert_equal(f >> identity(f.cod), f, "right unit of >>", atol, f=f)


def check_interchange(f: Diagram, g: Diagram, h: Diagram, k: Diagram, atol: float = 1e-9) -> None:
    """Functoriality of ``@``: ``(f @ g) >> (h @ k) == (f >> h) @ (g >> k)``."""
    lhs = (f @ g).evaluate() >> (h @ k).evaluate()
    rhs = (f >> h).evaluate() @ (g >> k).evaluate()
    assert_equal(lhs, rhs, "functoriality of @", atol, f=f, g=g, h=h, k=k)


def check_tensor_unit(f: Diagram, atol: float = 1e-9) -> None:
    """``f @ identity(I) == f == identity(I) @ f``."""
    assert_equal(f @ identity(I), f, "right unit of @", atol, f=f)
    assert_equal(identity(I) @ f, f, "left unit of @", atol, f=f)


def check_swap_involution(X: Object, Y: Object, backend: str | None = None) -> None:
    """``swap(X, Y) >> swap(Y, X) == identity(X @ Y)``."""
    assert_equal(
        _on(swap(X, Y) >> swap(Y, X), backend), identity(X @ Y), "swap involution", 0, X=X, Y=Y
    )


def check_swap_naturality(f: Diagram, g: Diagram, atol: float = 1e-9) -> None:
    """``(f @ g) >> swap == swap >> (g @ f)``."""
    lhs = (f @ g) >> swap(f.cod, g.cod)
    rhs = swap(f.dom, g.dom) >> (g @ f)
    assert_equal(lhs, rhs, "naturality of swap", atol, f=f, g=g)


def check_copy_coassociativity(X: Object, backend: str | None = None) -> None:
    """``copy >> (copy @ id) == copy >> (id @ copy)``."""
    lhs = copy(X) >> (copy(X) @ identity(X))
    rhs = copy(X) >> (identity(X) @ copy(X))
    assert_equal(_on(lhs, backend), rhs, "coassociativity of copy", 0, X=X)


def check_copy_commutativity(X: Object, backend: str | None = None) -> None:
    """``copy >> swap == copy``."""
    assert_equal(_on(copy(X) >> swap(X, X), backend), copy(X), "commutativity of copy", 0, X=X)


def check_copy_counit(X: Object, backend: str | None = None) -> None:
    """``copy >> (delete @ id) == id == copy >> (id @ delete)``."""
    one = identity(X)
    assert_equal(_on(copy(X) >> (delete(X) @ one), backend), one, "left counit of copy", 0, X=X)
    assert_equal(_on(copy(X) >> (one @ delete(X)), backend), one, "right counit of copy", 0, X=X)


def check_copy_product(X: Object, Y: Object, backend: str | None = None) -> None:
    """``copy(X @ Y) == (copy X @ copy Y) >> (id @ swap @ id)``."""
    rhs = (copy(X) @ copy(Y)) >> (identity(X) @ swap(X, Y) @ identity(Y))
    assert_equal(_on(copy(X @ Y), backend), rhs, "copy on a product", 0, X=X, Y=Y)


def check_delete_naturality(f: Diagram, atol: float = 1e-9) -> None:
    """``f >> delete == delete``: every kernel is total (rows sum to 1)."""
    assert_equal(f >> delete(f.cod), delete(f.dom), "naturality of delete", atol, f=f)


def check_determinism(f: Diagram, atol: float = 1e-9) -> None:
    """``f`` has 0/1 rows exactly when ``f >> copy == copy >> (f @ f)``."""
    rows01 = f.is_deterministic(atol)
    copyable = allclose(f >> copy(f.cod), copy(f.dom) >> (f @ f), atol=atol)
    if rows01 != copyable:
        raise LawError(
            f"law 'deterministic ⇔ copyable' failed for f={f}: 0/1 rows is {rows01}, "
            f"f >> copy == copy >> (f @ f) is {copyable}"
        )


def check_deterministic_closure(f: Diagram, g: Diagram, h: Diagram, atol: float = 1e-9) -> None:
    """Deterministic kernels are closed under ``>>`` (f then g) and ``@`` (f with h)."""
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
    """``joint == marginal >> copy >> (id @ conditional)`` (wires in the order on, rest)."""
    from ._inference import disintegrate

    m, c = disintegrate(joint, on)
    rest = [i for i in range(len(joint.cod.factors)) if i not in on]
    lhs = joint >> rewire(joint.cod, on + rest)
    rhs = m >> copy(m.cod) >> (identity(m.cod) @ c)
    assert_equal(lhs, rhs, "disintegration reconstructs the joint", atol, joint=joint, on=on)


def check_bayes_law(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
    """``prior >> copy >> (id @ f) == (prior >> f) >> copy >> (f† @ id)`` on X ⊗ Y."""
    from ._inference import bayes_invert

    inv = bayes_invert(f, prior)
    X, Y = f.dom, f.cod
    lhs = prior >> copy(X) >> (identity(X) @ f)
    rhs = (prior >> f).evaluate() >> copy(Y) >> (inv @ identity(Y))
    assert_equal(lhs, rhs, "Bayes' law", atol, f=f, prior=prior)


def check_bayes_state_preservation(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
    """The inverse maps the evidence ``prior >> f`` back to ``prior``."""
    from ._inference import bayes_invert

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
    from ._inference import almost_surely_equal

    if not almost_surely_equal(lhs, rhs, measure, atol=atol):
        raise LawError(
            f"law {law!r} failed for {_show(inputs)}: the sides differ on the support of "
            f"{measure}\n  lhs = {lhs}\n  rhs = {rhs}"
        )


def check_bayes_involution(f: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
    """``(f†)† = f`` almost surely w.r.t. ``prior``."""
    from ._inference import bayes_invert

    inv = bayes_invert(f, prior)
    twice = bayes_invert(inv, (prior >> f).evaluate())
    _assert_as_equal(twice, f, prior, "involution of Bayesian inversion", atol, f=f, prior=prior)


def check_bayes_contravariance(f: Diagram, g: Diagram, prior: Diagram, atol: float = 1e-9) -> None:
    """``(f >> g)† = g† >> f†`` almost surely w.r.t. ``prior >> f >> g``."""
    from ._inference import bayes_invert

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
    """Any ``other`` satisfying Bayes' law equals ``bayes_invert(f, prior)`` almost surely."""
    from ._inference import bayes_invert

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
    (on the other factors), when the outcome has positive probability."""
    from ._inference import condition, disintegrate

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
    "BACKENDS",
    "LawError",
    "assert_equal",
    "atoms",
    "check_associativity",
    "check_copy_coassociativity",
    "check_copy_commutativity",
    "check_copy_counit",
    "check_copy_product",
    "check_delete_naturality",
    "check_determinism",
    "check_deterministic_closure",
    "check_interchange",
    "check_swap_involution",
    "check_swap_naturality",
    "check_tensor_unit",
    "check_unit",
    "deterministic_kernels",
    "joint_states",
    "kernels",
    "objects",
    "states",
]
