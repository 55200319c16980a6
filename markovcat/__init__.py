"""markovcat: finite probability as a Markov category.

Objects are finite sets, morphisms are Markov kernels; they compose with ``>>`` (first,
then) and ``@`` (side by side) together with copy, delete and swap, and every diagram
compiles to one tensor contraction on numpy, JAX or exact sympy.

>>> import markovcat as mc
>>> Disease = mc.Obj("Disease", ("no", "yes"))
>>> prior = mc.state(Disease, [0.99, 0.01], name="prior")
>>> test = mc.kernel(Disease, mc.Bool, [[0.95, 0.05], [0.1, 0.9]], name="test")
>>> float((prior >> test).array[1])
0.0585
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys

from . import _display, backends  # noqa: F401  (_display gives diagrams their HTML)
from ._capacity import channel_capacity
from ._causal import backdoor, do, frontdoor
from ._compare import allclose
from ._comparison import Comparison, ConcaveTest, DecisionProblem
from ._compile import contraction_cost, evaluate, network
from ._config import config
from ._diagram import Box, Diagram, copy, delete, identity, rewire, swap
from ._divergence import KL, Divergence, Renyi, SumDivergence, TotalVariation
from ._dominance import sosd
from ._equation import Equation
from ._errors import (
    BackendError,
    DistributedError,
    InformationError,
    InvalidArgumentError,
    InvalidObjectError,
    MarkovCatError,
    MemoryLimitError,
    NotStochasticError,
    ProgramError,
    TypeMismatchError,
    UninterpretedBoxError,
    UnknownOutcomeError,
    ZeroProbabilityError,
)
from ._executor import map_queries
from ._expectation import covariance, expectation, variance
from ._experiments import (
    deficiency,
    garbling,
    more_informative,
    standard_measure,
)
from ._fdivergence import ChiSquared, FDivergence, Hellinger
from ._free import free_equal
from ._independence import conditional_mutual_information, conditional_product, independent
from ._inference import almost_surely_equal, bayes_invert, condition, disintegrate, marginal
from ._information import (
    conditional_entropy,
    entropy,
    gini_simpson,
    mutual_information,
    renyi_entropy,
    shannon_entropy,
)
from ._interpret import interpret
from ._kernel import Kernel, deterministic, kernel, kernel_from_logits, state
from ._lens import BayesianLens, lens
from ._multivariate import (
    coinformation,
    cross_entropy,
    dual_total_correlation,
    jensen_shannon,
    total_correlation,
    tsallis_entropy,
)
from ._objects import Bool, I, Obj, Product, product
from ._posterior import (
    contraction_plan,
    likelihood,
    log_evidence,
    most_probable,
    posterior,
    posterior_marginals,
)
from ._predicate import (
    Predicate,
    jeffrey_update,
    pearl_update,
    predicate,
    predicate_transform,
    validity,
)
from ._program import Wire, program
from ._proof import Proof
from ._rewrite import rewrite
from ._sampling import sample
from ._separation import d_separated, independencies
from ._sufficiency import (
    is_ancillary,
    is_complete,
    is_sufficient,
    minimal_sufficient_statistic,
)
from ._table import to_pandas, to_xarray
from ._version import __version__
from .backends import sharded_vmap
from .drawing import Drawing  # also gives every diagram .draw() and .to_tikz()
from .io import (
    BifFormatError,
    PersistenceError,
    dumps,
    from_pgmpy,
    from_pyagrum,
    load,
    loads,
    read_bif,
    save,
    to_pgmpy,
    to_pyagrum,
    write_bif,
)
from .models import bayesian_network

__all__ = [
    "__version__",
    # objects
    "Obj",
    "Product",
    "I",
    "Bool",
    "product",
    # morphisms
    "Diagram",
    "Kernel",
    "Box",
    "kernel",
    "state",
    "deterministic",
    "kernel_from_logits",
    "identity",
    "copy",
    "delete",
    "swap",
    "rewire",
    "program",
    "Wire",
    "interpret",
    "evaluate",
    "network",
    "contraction_cost",
    "contraction_plan",
    "allclose",
    # string diagrams
    "free_equal",
    "Equation",
    "Proof",
    "rewrite",
    "Drawing",
    # inference
    "marginal",
    "condition",
    "disintegrate",
    "bayes_invert",
    "almost_surely_equal",
    "sample",
    "expectation",
    "variance",
    "covariance",
    # independence and sufficiency (Fritz; Cho–Jacobs)
    "independent",
    "conditional_product",
    "conditional_mutual_information",
    "d_separated",
    "independencies",
    "is_sufficient",
    "minimal_sufficient_statistic",
    "is_ancillary",
    "is_complete",
    # comparison of experiments (Blackwell; Le Cam; Fritz–Gonda–Perrone–Rischel)
    "more_informative",
    "garbling",
    "deficiency",
    "standard_measure",
    "sosd",
    "Comparison",
    "DecisionProblem",
    "ConcaveTest",
    # information
    "Divergence",
    "SumDivergence",
    "KL",
    "Renyi",
    "TotalVariation",
    "entropy",
    "shannon_entropy",
    "renyi_entropy",
    "gini_simpson",
    "mutual_information",
    "conditional_entropy",
    "FDivergence",
    "Hellinger",
    "ChiSquared",
    "jensen_shannon",
    "tsallis_entropy",
    "cross_entropy",
    "total_correlation",
    "dual_total_correlation",
    "coinformation",
    "channel_capacity",
    # updating, lenses and causality
    "BayesianLens",
    "lens",
    "Predicate",
    "predicate",
    "predicate_transform",
    "validity",
    "pearl_update",
    "jeffrey_update",
    "do",
    "backdoor",
    "frontdoor",
    # settings, backends and where work runs
    "config",
    "map_queries",
    "sharded_vmap",
    "backends",
    # errors
    "MarkovCatError",
    "TypeMismatchError",
    "NotStochasticError",
    "ZeroProbabilityError",
    "InformationError",
    "UnknownOutcomeError",
    "InvalidObjectError",
    "ProgramError",
    "UninterpretedBoxError",
    "BackendError",
    "MemoryLimitError",
    "DistributedError",
    "PersistenceError",
    "InvalidArgumentError",
    # persistence
    "save",
    "load",
    "dumps",
    "loads",
    # Bayesian networks
    "read_bif",
    "write_bif",
    "from_pgmpy",
    "to_pgmpy",
    "from_pyagrum",
    "to_pyagrum",
    "to_pandas",
    "to_xarray",
    "bayesian_network",
    "posterior_marginals",
    "posterior",
    "log_evidence",
    "likelihood",
    "most_probable",
    "BifFormatError",
    # Gaussian probability: a second Markov category behind the same verbs
    "gauss",
]


def __getattr__(name: str) -> object:
    """``mc.gauss`` imports the Gaussian subpackage on first use (keeps ``import markovcat``
    fast; ``from markovcat import gauss`` works as usual)."""
    if name == "gauss":
        return _importlib.import_module(".gauss", __name__)
    raise AttributeError(f"module 'markovcat' has no attribute {name!r}")


if _sys.modules.get("jax") is not None:  # JAX already imported: register pytrees now
    backends.load("jax")
