"""The laws of a Markov category (DESIGN §3), one plain function each: ``>>`` and ``@``
with their units, swap, copy and delete, and determinism. Each returns ``None`` when the
law holds and raises :class:`LawError` otherwise.

>>> import markovcat as mc
>>> from markovcat import laws
>>> laws.check_copy_counit(mc.Bool)
"""

from __future__ import annotations

from .._compare import allclose
from .._diagram import Diagram, copy, delete, identity, swap
from .._errors import LawError
from .._kernel import Kernel
from .._objects import I, Object
from ._vocabulary import options
from .assertions import assert_equal


def _on(d: Diagram, backend: str | None) -> Diagram:
    return d.evaluate(backend) if backend is not None else d


@options("atol")
def check_associativity(f: Diagram, g: Diagram, h: Diagram, *, atol: float = 1e-9) -> None:
    """``(f >> g) >> h == f >> (g >> h)``, evaluated as separate kernels.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_associativity(f, f, f)
    """
    fg, gh = (f >> g).evaluate(), (g >> h).evaluate()
    assert_equal(fg >> h, f >> gh, "associativity of >>", atol, f=f, g=g, h=h)


@options("atol")
def check_unit(f: Diagram, *, atol: float = 1e-9) -> None:
    """``identity(dom) >> f == f == f >> identity(cod)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_unit(mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    """
    assert_equal(identity(f.dom) >> f, f, "left unit of >>", atol, f=f)
    assert_equal(f >> identity(f.cod), f, "right unit of >>", atol, f=f)


@options("atol")
def check_interchange(
    f: Diagram, g: Diagram, h: Diagram, k: Diagram, *, atol: float = 1e-9
) -> None:
    """Functoriality of ``@``: ``(f @ g) >> (h @ k) == (f >> h) @ (g >> k)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_interchange(f, f, f, f)
    """
    lhs = (f @ g).evaluate() >> (h @ k).evaluate()
    rhs = (f >> h).evaluate() @ (g >> k).evaluate()
    assert_equal(lhs, rhs, "functoriality of @", atol, f=f, g=g, h=h, k=k)


@options("atol")
def check_tensor_unit(f: Diagram, *, atol: float = 1e-9) -> None:
    """``f @ identity(I) == f == identity(I) @ f``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_tensor_unit(mc.state(mc.Bool, [0.3, 0.7]))
    """
    assert_equal(f @ identity(I), f, "right unit of @", atol, f=f)
    assert_equal(identity(I) @ f, f, "left unit of @", atol, f=f)


@options("backend")
def check_swap_involution(X: Object, Y: Object, *, backend: str | None = None) -> None:
    """``swap(X, Y) >> swap(Y, X) == identity(X @ Y)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_swap_involution(mc.Bool, mc.Obj("Y", 3), backend="sympy")
    """
    assert_equal(
        _on(swap(X, Y) >> swap(Y, X), backend), identity(X @ Y), "swap involution", 0, X=X, Y=Y
    )


@options("atol")
def check_swap_naturality(f: Diagram, g: Diagram, *, atol: float = 1e-9) -> None:
    """``(f @ g) >> swap == swap >> (g @ f)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]])
    >>> laws.check_swap_naturality(f, mc.state(mc.Bool, [0.5, 0.5]))
    """
    lhs = (f @ g) >> swap(f.cod, g.cod)
    rhs = swap(f.dom, g.dom) >> (g @ f)
    assert_equal(lhs, rhs, "naturality of swap", atol, f=f, g=g)


@options("backend")
def check_copy_coassociativity(X: Object, *, backend: str | None = None) -> None:
    """``copy >> (copy @ id) == copy >> (id @ copy)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_coassociativity(mc.Obj("X", 3))
    """
    lhs = copy(X) >> (copy(X) @ identity(X))
    rhs = copy(X) >> (identity(X) @ copy(X))
    assert_equal(_on(lhs, backend), rhs, "coassociativity of copy", 0, X=X)


@options("backend")
def check_copy_commutativity(X: Object, *, backend: str | None = None) -> None:
    """``copy >> swap == copy``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_commutativity(mc.Obj("X", 3), backend="sympy")
    """
    assert_equal(_on(copy(X) >> swap(X, X), backend), copy(X), "commutativity of copy", 0, X=X)


@options("backend")
def check_copy_counit(X: Object, *, backend: str | None = None) -> None:
    """``copy >> (delete @ id) == id == copy >> (id @ delete)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_counit(mc.Obj("X", 3))
    """
    one = identity(X)
    assert_equal(_on(copy(X) >> (delete(X) @ one), backend), one, "left counit of copy", 0, X=X)
    assert_equal(_on(copy(X) >> (one @ delete(X)), backend), one, "right counit of copy", 0, X=X)


@options("backend")
def check_copy_product(X: Object, Y: Object, *, backend: str | None = None) -> None:
    """``copy(X @ Y) == (copy X @ copy Y) >> (id @ swap @ id)``.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_copy_product(mc.Bool, mc.Obj("Y", 3))
    """
    rhs = (copy(X) @ copy(Y)) >> (identity(X) @ swap(X, Y) @ identity(Y))
    assert_equal(_on(copy(X @ Y), backend), rhs, "copy on a product", 0, X=X, Y=Y)


@options("atol")
def check_delete_naturality(f: Diagram, *, atol: float = 1e-9) -> None:
    """``f >> delete == delete``: every kernel is total (rows sum to 1).

    A table whose rows sum to 1 only within ``mc.config.row_atol`` is accepted by
    ``mc.kernel``, which divides those rows by their sums; the law checks the table *as
    given* too (``f.given``), so a table rounded to six digits fails here at a tighter
    ``atol``, with the size of the error.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> laws.check_delete_naturality(mc.kernel(mc.Bool, mc.Bool, [[0.9, 0.1], [0.2, 0.8]]))
    """
    assert_equal(f >> delete(f.cod), delete(f.dom), "naturality of delete", atol, f=f)
    if isinstance(f, Kernel) and f.given is not f.table:
        as_given = Kernel._trusted(f.dom, f.cod, f.given, f.name)
        assert_equal(as_given >> delete(f.cod), delete(f.dom), "naturality of delete", atol, f=f)


@options("atol")
def check_determinism(f: Diagram, *, atol: float = 1e-9) -> None:
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


@options("atol")
def check_deterministic_closure(f: Diagram, g: Diagram, h: Diagram, *, atol: float = 1e-9) -> None:
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


@options("atol")
def check_positivity(f: Diagram, g: Diagram, *, atol: float = 1e-9) -> None:
    """Positivity (Fritz–Gonda–Perrone–Rischel 2023, §2): if ``f >> g`` is deterministic
    then ``f >> copy >> (id @ g) == copy >> (f @ (f >> g))`` — what ``g`` makes of ``f``'s
    output is already fixed by ``f``'s input. Vacuous when ``f >> g`` is not deterministic.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Obj("Y", 3), [[0.5, 0.5, 0], [0, 0, 1]])
    >>> laws.check_positivity(f, mc.deterministic(f.cod, mc.Bool, lambda y: y == 2))
    """
    fg = f >> g
    if not fg.is_deterministic(atol):
        return
    lhs = f >> copy(f.cod) >> (identity(f.cod) @ g)
    rhs = copy(f.dom) >> (f @ fg)
    assert_equal(lhs, rhs, "positivity", atol, f=f, g=g)


@options("atol")
def check_causality(
    f: Diagram, g: Diagram, h1: Diagram, h2: Diagram, *, atol: float = 1e-9
) -> None:
    """Causality (Fritz 2020, §11): if ``f >> g >> copy >> (id @ h1)`` equals the same
    with ``h2``, then it still does with ``f``'s output kept:
    ``f >> copy >> (id @ (g >> copy >> (id @ h_i)))`` agree — choices made after ``g``
    cannot be detected before it. Vacuous when the premise fails.

    >>> import markovcat as mc
    >>> from markovcat import laws
    >>> f = mc.kernel(mc.Bool, mc.Bool, [[0.5, 0.5], [0.2, 0.8]])
    >>> g = mc.kernel(mc.Bool, mc.Bool, [[1, 0], [1, 0]])             # never outputs True
    >>> h1 = mc.kernel(mc.Bool, mc.Bool, [[0.3, 0.7], [1, 0]])
    >>> h2 = mc.kernel(mc.Bool, mc.Bool, [[0.3, 0.7], [0, 1]])        # differs only at True
    >>> laws.check_causality(f, g, h1, h2)
    """
    W, X = f.cod, g.cod

    def after(h: Diagram) -> Diagram:
        return g >> copy(X) >> (identity(X) @ h)

    if not allclose(f >> after(h1), f >> after(h2), atol=atol):
        return
    lhs = f >> copy(W) >> (identity(W) @ after(h1))
    rhs = f >> copy(W) >> (identity(W) @ after(h2))
    assert_equal(lhs, rhs, "causality", atol, f=f, g=g, h1=h1, h2=h2)


__all__ = [
    "check_causality",
    "check_positivity",
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
]
