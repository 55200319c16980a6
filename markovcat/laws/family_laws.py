"""The laws :func:`~markovcat.laws.check_kernel_family` runs on a family of kernels: each a
function ``(f, companions) -> applied`` registered with :func:`law` under a name, a group
and a statement, in :data:`FAMILY_LAWS` in definition order. The companions draw the random
partners a law needs next to ``f`` (objects, kernels, priors, divergences).

>>> from markovcat.laws import family_laws
>>> sorted({law.group for law in family_laws.FAMILY_LAWS}) == sorted(family_laws.LAW_GROUPS)
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .. import gauss
from .._compile import contract
from .._diagram import Diagram, copy, delete, identity
from .._divergence import KL
from .._errors import InvalidArgumentError
from .._inference import marginal
from .._kernel import Kernel
from .._objects import I, Obj, Object
from ..backends import ops
from ..gauss import GaussianKernel
from .category import (
    check_associativity,
    check_causality,
    check_delete_naturality,
    check_determinism,
    check_deterministic_closure,
    check_interchange,
    check_positivity,
    check_swap_naturality,
    check_tensor_unit,
    check_unit,
)
from .gauss import gauss_deterministic, gauss_kernels, gauss_objects, gauss_states
from .inference import (
    check_bayes_contravariance,
    check_bayes_involution,
    check_bayes_law,
    check_bayes_state_preservation,
    check_condition_is_disintegration,
    check_disintegration,
)
from .information import (
    check_chain_rule,
    check_composition_bound,
    check_conditional_entropy,
    check_data_processing,
    check_deterministic_processing,
    check_divergence_positivity,
    check_entropy_closed_forms,
    check_entropy_of_deterministic,
    check_entropy_routes,
    check_mutual_information_data_processing,
    check_mutual_information_nonnegative,
    check_mutual_information_of_copy,
    check_tensor_bound,
    divergences,
)
from .strategies import atoms, deterministic_kernels, kernels, states


@dataclass(frozen=True)
class _Companions:
    """Draws the random partners a law needs (objects, kernels, states) next to ``f``."""

    data: Any
    backend: str
    atol: float
    outcomes: int
    unit: Any = I  # the tensor unit of the category of f

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


class _GaussCompanions(_Companions):
    """The partners of a Gaussian ``f`` (``markovcat.gauss``): Euclidean objects, Gaussian
    kernels, states (singular covariances included) and affine maps; divergences are KL,
    the one with a closed form between Gaussians."""

    def obj(self) -> Any:
        return self.data.draw(gauss_objects(max_factors=1), label="object")

    def kernel(self, dom: Any, cod: Any, label: str) -> Any:
        return self.data.draw(gauss_kernels(dom, cod, backend=self.backend), label=label)

    def state(self, cod: Any, label: str) -> Any:
        return self.data.draw(gauss_states(cod, backend=self.backend), label=label)

    def function(self, dom: Any, cod: Any, label: str) -> Any:
        return self.data.draw(gauss_deterministic(dom, cod, backend=self.backend), label=label)

    def divergence(self) -> Any:
        return KL


def companions(f: Diagram, data: Any, backend: str, atol: float, outcomes: int) -> _Companions:
    """The companions for ``f``: Gaussian partners for a Gaussian kernel, finite ones
    (atoms of up to ``outcomes`` outcomes) otherwise."""
    if isinstance(f, GaussianKernel):
        return _GaussCompanions(data, backend, atol, outcomes, gauss.I)
    return _Companions(data, backend, atol, outcomes)


def _joint(f: Diagram, prior: Diagram) -> Kernel:
    """``prior >> copy >> (id @ f)``, evaluated: the joint of input and output."""
    return (prior >> copy(f.dom) >> (identity(f.dom) @ f)).evaluate()


def _as_state(f: Diagram, c: _Companions) -> Diagram:
    """``f`` itself for a state, else the joint of ``f`` with a random prior."""
    return f if f.dom == I else _joint(f, c.state(f.dom, "prior"))


LAW_GROUPS = ("markov", "determinism", "inference", "information")


_Check = Callable[[Diagram, _Companions], bool]  # (f, companions) -> did the law apply


@dataclass(frozen=True)
class _Law:
    name: str
    group: str
    statement: str
    check: _Check
    finite_only: bool = False  # reads tables or outcomes: not a law run on Gaussian kernels


_REGISTRY: list[_Law] = []


def law(
    name: str, group: str, statement: str, finite_only: bool = False
) -> Callable[[_Check], _Check]:
    """Register the decorated ``check(f, companions) -> applied`` as the family law ``name``
    of ``group``, stated as ``statement``; :data:`FAMILY_LAWS` lists them in definition order.
    ``finite_only``: the check reads tables or outcomes, so it is not run on Gaussian
    kernels (``markovcat.gauss``).

    >>> from markovcat.laws import family_laws
    >>> [(l.name, l.group) for l in family_laws.FAMILY_LAWS][:2]
    [('delete_naturality', 'markov'), ('units', 'markov')]
    """
    if group not in LAW_GROUPS:
        raise InvalidArgumentError(
            f"law {name!r}: group must be one of {LAW_GROUPS}, given {group!r}"
        )
    if any(known.name == name for known in _REGISTRY):
        raise InvalidArgumentError(f"law {name!r} is registered twice")

    def register(check: _Check) -> _Check:
        _REGISTRY.append(_Law(name, group, statement, check, finite_only))
        return check

    return register


# Each law takes (f, companions) and returns False when it does not apply to this f.
@law("delete_naturality", "markov", "f >> delete == delete (rows sum to 1)")
def _law_delete(f: Diagram, c: _Companions) -> bool:
    check_delete_naturality(f, atol=c.atol)
    return True


@law("units", "markov", "id >> f == f == f >> id and f @ id(I) == f", finite_only=True)
def _law_units(f: Diagram, c: _Companions) -> bool:
    check_unit(f, atol=c.atol)
    check_tensor_unit(f, atol=c.atol)
    return True


@law("associativity", "markov", "(e >> f) >> g == e >> (f >> g)")
def _law_associativity(f: Diagram, c: _Companions) -> bool:
    e, g = c.kernel(c.obj(), f.dom, "e"), c.kernel(f.cod, c.obj(), "g")
    check_associativity(e, f, g, atol=c.atol)
    return True


@law("interchange", "markov", "(f @ g) >> (h @ k) == (f >> h) @ (g >> k)")
def _law_interchange(f: Diagram, c: _Companions) -> bool:
    A, B = c.obj(), c.obj()
    g, h, k = c.kernel(A, B, "g"), c.kernel(f.cod, c.obj(), "h"), c.kernel(B, c.obj(), "k")
    check_interchange(f, g, h, k, atol=c.atol)
    check_interchange(g, f, k, h, atol=c.atol)
    return True


@law("swap_naturality", "markov", "(f @ g) >> swap == swap >> (g @ f)")
def _law_swap(f: Diagram, c: _Companions) -> bool:
    g = c.kernel(c.obj(), c.obj(), "g")
    check_swap_naturality(f, g, atol=c.atol)
    check_swap_naturality(g, f, atol=c.atol)
    return True


@law(
    "positivity",
    "markov",
    "f >> g deterministic ⇒ f >> copy >> (id @ g) == copy >> (f @ (f >> g))",
)
def _law_positivity(f: Diagram, c: _Companions) -> bool:

    Y = c.obj()
    check_positivity(f, c.function(f.cod, Y, "g"), atol=c.atol)  # applies when f >> g is
    constant = delete(f.cod) >> c.function(c.unit, Y, "point")  # f >> constant always is
    check_positivity(f, constant, atol=c.atol)
    return True


@law(
    "causality",
    "markov",
    "f >> g >> copy >> (id @ h1) == … h2 ⇒ equal with f's output kept",
    finite_only=True,
)
def _law_causality(f: Diagram, c: _Companions) -> bool:

    X, Y = c.obj(), c.obj()
    g, h1, other = c.kernel(f.cod, X, "g"), c.kernel(X, Y, "h1"), c.kernel(X, Y, "h'")
    # h2: h1 wherever g's output can land, something else elsewhere (so the premise holds)
    gf = contract(f >> g)
    reach = ops.positive(ops.asum(gf, tuple(range(len(f.dom.factors)))))
    mask = ops.reshape(reach, (*X.shape, *(1,) * len(Y.factors)))
    t1, t2 = contract(h1), contract(other)
    h2 = Kernel._trusted(X, Y, ops.where(t1, mask, t1, t2), "h2")
    check_causality(f, g, h1, h2, atol=c.atol)
    return True


@law("determinism", "determinism", "f has 0/1 rows ⇔ f >> copy == copy >> (f @ f)")
def _law_determinism(f: Diagram, c: _Companions) -> bool:
    check_determinism(f, atol=c.atol)
    return True


@law(
    "deterministic_closure",
    "determinism",
    "deterministic f, g, h give deterministic f >> g and f @ h",
)
def _law_closure(f: Diagram, c: _Companions) -> bool:
    if not f.is_deterministic(c.atol):
        return False
    g, h = c.function(f.cod, c.obj(), "g"), c.function(c.obj(), c.obj(), "h")
    check_deterministic_closure(f, g, h, atol=c.atol)
    return True


@law(
    "bayes_law",
    "inference",
    "prior >> copy >> (id @ f) == (prior >> f) >> copy >> (f† @ id), f† maps prior >> f to prior",
)
def _law_bayes(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    prior = c.state(f.dom, "prior")
    check_bayes_law(f, prior, atol=c.atol)
    check_bayes_state_preservation(f, prior, atol=c.atol)
    return True


@law("bayes_involution", "inference", "(f†)† == f almost surely")
def _law_bayes_involution(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    check_bayes_involution(f, c.state(f.dom, "prior"), atol=c.atol)
    return True


@law("bayes_contravariance", "inference", "(f >> g)† == g† >> f† almost surely")
def _law_bayes_contravariance(f: Diagram, c: _Companions) -> bool:
    if f.dom == I:
        return False
    g = c.kernel(f.cod, c.obj(), "g")
    check_bayes_contravariance(f, g, c.state(f.dom, "prior"), atol=c.atol)
    return True


@law("disintegration", "inference", "joint == marginal >> copy >> (id @ conditional)")
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
    check_disintegration(f, on, atol=c.atol)
    return True


@law(
    "conditioning",
    "inference",
    "condition(joint, {i: x}) == the disintegration's row at x",
    finite_only=True,
)
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
    check_condition_is_disintegration(joint, position, outcome, atol=c.atol)
    return True


@law("divergence", "information", "D(f, g) >= 0 and D(f, f) == 0")
def _law_divergence(f: Diagram, c: _Companions) -> bool:

    check_divergence_positivity(
        f, c.kernel(f.dom, f.cod, "g"), divergence=c.divergence(), atol=c.atol
    )
    return True


@law("data_processing", "information", "D(p >> f, q >> f) <= D(p, q)")
def _law_data_processing(f: Diagram, c: _Companions) -> bool:

    if f.dom == I:
        return False
    p, q = c.state(f.dom, "p"), c.state(f.dom, "q")
    check_data_processing(p, q, f, divergence=c.divergence(), atol=c.atol)
    return True


@law("composition_bound", "information", "D(f >> g, f2 >> g2) <= D(f, f2) + D(g, g2)")
def _law_composition_bound(f: Diagram, c: _Companions) -> bool:

    B = c.obj()
    f2, g, g2 = c.kernel(f.dom, f.cod, "f2"), c.kernel(f.cod, B, "g"), c.kernel(f.cod, B, "g2")
    check_composition_bound(f, f2, g, g2, divergence=c.divergence(), atol=c.atol)
    return True


@law("tensor_bound", "information", "D(f @ h, f2 @ h2) <= D(f, f2) + D(h, h2)")
def _law_tensor_bound(f: Diagram, c: _Companions) -> bool:

    A, B = c.obj(), c.obj()
    f2, h, h2 = c.kernel(f.dom, f.cod, "f2"), c.kernel(A, B, "h"), c.kernel(A, B, "h2")
    check_tensor_bound(f, f2, h, h2, divergence=c.divergence(), atol=c.atol)
    return True


@law(
    "entropy",
    "information",
    "entropy by definition == by contraction; conditional_entropy == entropy with a prior",
    finite_only=True,
)
def _law_entropy(f: Diagram, c: _Companions) -> bool:

    prior = None if f.dom == I else c.state(f.dom, "prior")
    check_entropy_routes(f, prior, divergence=c.divergence(), atol=c.atol)
    if prior is not None:
        check_conditional_entropy(f, prior, atol=c.atol)
    return True


@law(
    "entropy_closed_forms",
    "information",
    "entropy of a state is Shannon / Rényi / Gini–Simpson; I(copy∘p) == H(p)",
    finite_only=True,
)
def _law_entropy_closed_forms(f: Diagram, c: _Companions) -> bool:

    if f.dom != I:
        return False
    alpha = c.data.draw(st.sampled_from([0, 0.5, 1, 1.5, 2]), label="alpha")
    check_entropy_closed_forms(f, alpha, atol=c.atol)
    check_mutual_information_of_copy(f, divergence=c.divergence(), atol=c.atol)
    return True


@law(
    "deterministic_entropy",
    "information",
    "entropy(f) == 0 and entropy(p >> f) <= entropy(p) for deterministic f",
    finite_only=True,
)
def _law_deterministic_entropy(f: Diagram, c: _Companions) -> bool:

    if not f.is_deterministic(c.atol):
        return False
    D = c.divergence()
    check_entropy_of_deterministic(f, divergence=D, atol=c.atol)
    if f.dom != I:
        check_deterministic_processing(c.state(f.dom, "p"), f, divergence=D, atol=c.atol)
    return True


@law("chain_rule", "information", "H(A, B) == H(A) + H(B | A) and I(A; B) >= 0", finite_only=True)
def _law_chain_rule(f: Diagram, c: _Companions) -> bool:

    joint = _as_state(f, c)
    n = len(joint.cod.factors)
    if n < 2:
        return False
    split = len(f.dom.factors) if f.dom != I else c.data.draw(st.integers(1, n - 1), label="split")
    check_chain_rule(joint, split, atol=c.atol)
    check_mutual_information_nonnegative(joint, split, atol=c.atol)
    return True


@law("mutual_information", "information", "I(A; f(X)) <= I(A; X)")
def _law_mutual_information(f: Diagram, c: _Companions) -> bool:

    if f.dom == I:
        return False
    A = c.obj()
    joint = c.state(A @ f.dom, "joint")
    check_mutual_information_data_processing(joint, identity(A), f, len(A.factors), atol=c.atol)
    return True


#: The laws :func:`~markovcat.laws.check_kernel_family` runs, by group; ``f`` is a member of the family and
#: every other letter a random companion.
FAMILY_LAWS: tuple[_Law, ...] = tuple(_REGISTRY)


__all__ = ["FAMILY_LAWS", "LAW_GROUPS", "law"]
