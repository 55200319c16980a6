"""Conditional independence, synthetically and by numbers (Fritz 2020, §12; Cho–Jacobs §6).

For a joint state ``ω`` on ``… ⊗ A ⊗ … ⊗ B ⊗ … ⊗ C ⊗ …``, ``A ⊥ B | C`` says that ``ω``
marginalised to ``A ⊗ B ⊗ C`` equals its *conditional product*

    marginal on C >> copy >> (A|C ⊗ id_C ⊗ B|C)        (wires put back in ω's order)

— the string-diagram definition. In numbers it is the cross-multiplied identity
``ω(a, b, c) · ω(c) = ω(a, c) · ω(b, c)`` for every ``a, b, c``, which needs no special case
at outcomes ``c`` of probability 0; :func:`independent` decides it exactly on exact tables
and within ``atol`` on floats. For a kernel ``D → X`` the statement must hold at every
input. :func:`conditional_mutual_information` measures how far it fails: the KL
divergence of ``ω`` from its conditional product (Perrone).

>>> import markovcat as mc
>>> Rain, Sprinkler, Wet = mc.Obj("Rain", 2), mc.Obj("Sprinkler", 2), mc.Obj("Wet", 2)
>>> rain, sprinkler = mc.state(Rain, [0.8, 0.2]), mc.state(Sprinkler, [0.6, 0.4])
>>> wet = mc.kernel(Rain @ Sprinkler, Wet, [[1, 0], [0.1, 0.9], [0.2, 0.8], [0, 1]])
>>> net = mc.bayesian_network([rain, sprinkler, wet])
>>> mc.independent(net, "Rain", "Sprinkler"), mc.independent(net, "Rain", "Sprinkler", given="Wet")
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _dispatch
from ._compile import contract
from ._config import check_tolerance
from ._diagram import Diagram, describe
from ._divergence import KL
from ._errors import InvalidArgumentError, TypeMismatchError
from ._evidence import factor_positions
from ._inference import disintegrate
from ._kernel import Kernel
from ._objects import product
from ._program import program
from .backends import ops

#: Tolerance of :func:`independent` on float tables when none is given: products of
#: probabilities that agree to this are taken as equal.
DEFAULT_ATOL = 1e-10


def _joint(joint: Any, fn: str) -> Diagram:
    if not isinstance(joint, Diagram):
        raise TypeMismatchError(
            f"mc.{fn}: expected a joint state or kernel, given {type(joint).__name__}"
        )
    return joint


def factors(joint: Diagram, keys: Sequence[Any] | Any, fn: str, what: str) -> list[int]:
    """Positions of a factor selection: one position or name, or a list, tuple or set of
    them (empty for ``()``), each listed once."""
    if keys is None:
        keys = ()
    if isinstance(keys, (set, frozenset)):
        keys = list(keys)
    out = factor_positions(joint.cod, keys)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"mc.{fn}: {what} lists a factor twice: {keys!r}")
    return out


def _split(
    joint: Diagram, a: Any, b: Any, given: Any, fn: str
) -> tuple[list[int], list[int], list[int]]:
    """The three selections, checked to be disjoint."""
    A, B, C = (factors(joint, k, fn, w) for k, w in ((a, "a"), (b, "b"), (given, "given")))
    for (x, nx), (y, ny) in (
        ((A, "a"), (B, "b")),
        ((A, "a"), (C, "given")),
        ((B, "b"), (C, "given")),
    ):
        shared = sorted(set(x) & set(y))
        if shared:
            raise InvalidArgumentError(
                f"mc.{fn}: {nx} and {ny} must be disjoint factor selections of "
                f"{describe(joint.cod)}; both contain factor(s) {shared}"
            )
    return A, B, C


def _blocks(joint: Diagram, A: list[int], B: list[int], C: list[int]) -> Any:
    """``ω`` on ``A ⊗ B ⊗ C`` as an array ``(*dom, |A|, |B|, |C|)``: one contraction."""
    table = contract(joint, keep=[*A, *B, *C])
    size = [product(*(joint.cod.factors[i] for i in S)).size for S in (A, B, C)]
    return ops.reshape(table, (*joint.dom.shape, *size))


def independent(
    joint: Diagram,
    a: Sequence[Any] | Any,
    b: Sequence[Any] | Any,
    given: Sequence[Any] | Any = (),
    *,
    atol: float | None = None,
) -> bool:
    """Whether ``A ⊥ B | C`` in ``joint`` (a state, or a kernel at every input).

    ``a``, ``b`` and ``given`` are factor positions or names, one or several each, and
    disjoint; factors in none of them are marginalised out. Decided by the cross-multiplied
    identity ``ω(a,b,c)·ω(c) = ω(a,c)·ω(b,c)``: exactly on exact tables; on floats both
    sides are divided by ``ω(c)²`` (where positive) and compared within ``atol`` (default
    :data:`DEFAULT_ATOL`), i.e. ``P(a,b | c)`` against ``P(a | c) P(b | c)``. An empty
    ``a`` or ``b`` is independent of anything.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> coin = mc.state(X, [0.5, 0.5])
    >>> mc.independent(coin @ coin, 0, 1), mc.independent(coin >> mc.copy(X), 0, 1)
    (True, False)
    """
    if (
        r := _dispatch.other("independent", joint, a, b, given, atol=atol)
    ) is not _dispatch.NOTHING:
        return r  # a Gaussian kernel (markovcat.gauss)
    joint = _joint(joint, "independent")
    atol = DEFAULT_ATOL if atol is None else check_tolerance(atol, "mc.independent")
    A, B, C = _split(joint, a, b, given, "independent")
    if not A or not B:
        return True
    w = _blocks(joint, A, B, C)
    n = len(joint.dom.factors)
    w_c = ops.asum(w, (n, n + 1))
    w_ac = ops.asum(w, n + 1)
    w_bc = ops.asum(w, n)
    dom = tuple(joint.dom.shape)
    na, nb, nc = w.shape[n:]
    lhs = w * ops.reshape(w_c, (*dom, 1, 1, nc))
    rhs = ops.reshape(w_ac, (*dom, na, 1, nc)) * ops.reshape(w_bc, (*dom, 1, nb, nc))
    # both sides over ω(c)²: P(a,b | c) against P(a | c) P(b | c), so the tolerance is in
    # units of probability whatever the size of C (exact tables: an exact division)
    seen = ops.positive(w_c)
    square = ops.where(w_c, seen, w_c * w_c, ops.ones(w_c, tuple(w_c.shape)))
    square = ops.reshape(square, (*dom, 1, 1, nc))
    return bool(ops.allclose(lhs / square, rhs / square, atol))


def conditional_product(
    joint: Diagram, a: Sequence[Any] | Any, b: Sequence[Any] | Any, given: Sequence[Any] | Any = ()
) -> Kernel:
    """The state with the same ``A ⊗ C`` and ``B ⊗ C`` marginals as ``joint`` in which
    ``A ⊥ B | C``, built as the string diagram
    ``marginal on C >> copy >> (A|C ⊗ id ⊗ B|C)`` and evaluated.

    Its factors are those of ``a``, ``b`` and ``given`` in ``joint``'s order (the others
    are marginalised out). For a kernel ``D → X`` the input is copied to every part, so
    the result is a kernel ``D → A ⊗ B ⊗ C`` (in ``joint``'s order). ``joint`` equals it
    (on those factors) exactly when :func:`independent` says so.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> both = mc.state(X, [0.5, 0.5]) >> mc.copy(X)
    >>> mc.conditional_product(both, 0, 1).array.tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    """
    joint = _joint(joint, "conditional_product")
    A, B, C = _split(joint, a, b, given, "conditional_product")
    order = sorted([*A, *B, *C])
    cod = product(*(joint.cod.factors[i] for i in order))
    m_c, c_to_a = _marginal_and_conditional(joint, A, C)
    _, c_to_b = _marginal_and_conditional(joint, B, C)

    @program(joint.dom, cod)
    def conditional_product_of(*d: Any) -> Any:
        c = _wires(m_c(*d))
        xa, xb = _wires(c_to_a(*d, *c)), _wires(c_to_b(*d, *c))
        at = dict(zip([*A, *B, *C], [*xa, *xb, *c], strict=True))
        return tuple(at[i] for i in order)

    return Kernel._trusted(
        joint.dom, cod, contract(conditional_product_of), f"{describe(joint)} ⊥-product"
    )


def _wires(x: Any) -> tuple[Any, ...]:
    return x if isinstance(x, tuple) else () if x is None else (x,)


def _marginal_and_conditional(joint: Diagram, S: list[int], C: list[int]) -> tuple[Kernel, Kernel]:
    """``ω_C : D → C`` and ``S|C : D ⊗ C → S`` (rows at null ``c`` hold the marginal of S)."""
    marg = Kernel._trusted(
        joint.dom,
        product(*(joint.cod.factors[i] for i in [*C, *S])),
        contract(joint, keep=[*C, *S]),
        None,
    )
    return disintegrate(marg, list(range(len(C))))


def conditional_mutual_information(
    joint: Diagram,
    a: Sequence[Any] | Any,
    b: Sequence[Any] | Any,
    given: Sequence[Any] | Any = (),
    *,
    base: Any = None,
) -> Any:
    """``I(A; B | C)``: the KL divergence of ``joint`` (on ``A ⊗ B ⊗ C``) from its
    :func:`conditional_product` (Perrone), ``H(A,C) + H(B,C) − H(A,B,C) − H(C)``.

    Zero exactly when :func:`independent` holds. For a kernel, the largest over its
    inputs (the hom-set divergence). A backend scalar, in ``base`` (default: nats).

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> mc.conditional_mutual_information(mc.state(X, [0.5, 0.5]) >> mc.copy(X), 0, 1, base=2)
    1.0
    """
    joint = _joint(joint, "conditional_mutual_information")
    A, B, C = _split(joint, a, b, given, "conditional_mutual_information")
    order = sorted([*A, *B, *C])
    observed = Kernel._trusted(
        joint.dom,
        product(*(joint.cod.factors[i] for i in order)),
        contract(joint, keep=order),
        None,
    )
    return KL(observed, conditional_product(joint, A, B, C), base=base)


__all__ = [
    "DEFAULT_ATOL",
    "conditional_mutual_information",
    "conditional_product",
    "factors",
    "independent",
]
