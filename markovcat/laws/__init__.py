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

from .._errors import LawError
from .assertions import assert_at_most, assert_close, assert_equal
from .category import (
    check_associativity,
    check_causality,
    check_copy_coassociativity,
    check_copy_commutativity,
    check_copy_counit,
    check_copy_product,
    check_delete_naturality,
    check_determinism,
    check_deterministic_closure,
    check_interchange,
    check_positivity,
    check_swap_involution,
    check_swap_naturality,
    check_tensor_unit,
    check_unit,
)
from .comparison import (
    check_blackwell_sherman_stein,
    check_comparison_explained,
    check_comparison_preorder,
    check_deficiency_laws,
    check_deficiency_of_garbling,
    check_garbling_composition,
    check_garbling_data_processing,
    check_sosd_criterion,
    decision_problems,
)
from .divergences import (
    check_cross_entropy,
    check_f_data_processing,
    check_hellinger_tv,
    check_inclusion_exclusion,
    check_jensen_shannon,
    check_kl_chi_squared,
    check_mutual_information_chain_rule,
    check_pinsker,
    check_total_correlation_is_kl,
    check_tsallis_is_determinism_entropy,
    f_divergences,
    tsallis_divergence,
)
from .family import (
    FAMILY_LAWS,
    LAW_GROUPS,
    LawOutcome,
    LawReport,
    check_kernel_family,
    default_atol,
)
from .gauss import (
    GAUSS_BACKENDS,
    check_gauss_tensor_unit,
    check_kalman_gain,
    check_program_agrees,
    gauss_deterministic,
    gauss_kernels,
    gauss_objects,
    gauss_states,
)
from .independence import (
    check_ci_contraction,
    check_ci_decomposition,
    check_ci_information,
    check_ci_intersection,
    check_ci_symmetry,
    check_ci_weak_union,
    independent_joints,
)
from .inference import (
    check_bayes_contravariance,
    check_bayes_involution,
    check_bayes_law,
    check_bayes_state_preservation,
    check_condition_is_disintegration,
    check_disintegration,
    check_inverse_uniqueness,
)
from .information import (
    ORDERS,
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
from .strategies import (
    BACKENDS,
    atoms,
    deterministic_kernels,
    joint_states,
    kernels,
    objects,
    states,
)
from .updating import (
    check_backdoor_surgery,
    check_frontdoor_surgery,
    check_jeffrey_divergence,
    check_jeffrey_point_conditioning,
    check_lens_associativity,
    check_lens_composite_inverse,
    check_lens_unit,
    check_pearl_jeffrey_point,
    check_pearl_validity,
)

__all__ = [
    "BACKENDS",
    # Gaussian kernels (markovcat.gauss)
    "GAUSS_BACKENDS",
    "check_gauss_tensor_unit",
    "check_kalman_gain",
    "check_program_agrees",
    "gauss_deterministic",
    "gauss_kernels",
    "gauss_objects",
    "gauss_states",
    # the semi-graphoid laws of conditional independence
    "check_ci_contraction",
    "check_ci_decomposition",
    "check_ci_information",
    "check_ci_intersection",
    "check_ci_symmetry",
    "check_ci_weak_union",
    "independent_joints",
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
    "check_causality",
    "check_positivity",
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
    # updating, lenses and causality
    "check_lens_unit",
    "check_lens_associativity",
    "check_lens_composite_inverse",
    "check_pearl_validity",
    "check_jeffrey_divergence",
    "check_pearl_jeffrey_point",
    "check_jeffrey_point_conditioning",
    "check_backdoor_surgery",
    "check_frontdoor_surgery",
    # comparison of experiments and second-order dominance
    "decision_problems",
    "check_comparison_explained",
    "check_comparison_preorder",
    "check_garbling_composition",
    "check_blackwell_sherman_stein",
    "check_garbling_data_processing",
    "check_deficiency_laws",
    "check_deficiency_of_garbling",
    "check_sosd_criterion",
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
    # f-divergences and multivariate information
    "f_divergences",
    "tsallis_divergence",
    "check_f_data_processing",
    "check_pinsker",
    "check_hellinger_tv",
    "check_kl_chi_squared",
    "check_tsallis_is_determinism_entropy",
    "check_cross_entropy",
    "check_jensen_shannon",
    "check_total_correlation_is_kl",
    "check_mutual_information_chain_rule",
    "check_inclusion_exclusion",
]
