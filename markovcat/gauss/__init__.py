"""Gaussian probability: linear-Gaussian kernels, a second Markov category behind the
same verbs.

Objects are Euclidean spaces ``gauss.Real(name, dim)``; a morphism ``X → Y`` is a kernel
``x ↦ N(A x + b, cov)`` (Fritz, *A synthetic approach to Markov kernels, conditional
independence and theorems on sufficient statistics*, 2020, §6 "Gauss"). They compose with
``>>`` and ``@`` and answer ``mc.copy``, ``mc.delete``, ``mc.swap``, ``mc.identity``,
``@mc.program``, ``mc.marginal``, ``mc.condition``, ``mc.disintegrate``,
``mc.bayes_invert`` (the Kalman update), ``f.is_deterministic()``,
``mc.almost_surely_equal``, ``mc.allclose``, ``mc.independent``, ``mc.KL``,
``mc.mutual_information``, ``mc.entropy`` and ``mc.interpret``: importing this package
registers them with the core verbs (``markovcat._dispatch``).

>>> import markovcat as mc
>>> from markovcat import gauss
>>> X = gauss.Real("X")
>>> prior = gauss.state(X, 0.0, 1.0)
>>> sensor = gauss.kernel(X, X, 1.0, 0.0, 1.0)
>>> update = mc.bayes_invert(sensor, prior)      # the Kalman update, y ↦ N(y/2, 1/2)
>>> update.A.tolist(), update.cov.tolist()
([[0.5]], [[0.5]])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _dispatch
from . import _kalman as kalman
from ._divergence import divergence, entropy, independent, kl_states, mutual_information
from ._inference import (
    allclose,
    almost_surely_equal,
    bayes_invert,
    condition,
    disintegrate,
    marginal,
)
from ._interpret import interpret
from ._kalman import kalman_filter, linear_gaussian_ssm, rts_smoother
from ._linalg import PSD_RTOL
from ._morphism import (
    GaussianKernel,
    copy,
    delete,
    deterministic,
    identity,
    kernel,
    select,
    state,
    swap,
)
from ._objects import I, Real, Space, as_space, space
from ._program import GaussWire, program

_OBJECT_VERBS: list[tuple[str, Callable[..., Any]]] = [
    ("identity", identity),
    ("copy", copy),
    ("delete", delete),
    ("swap", swap),
    ("rewire", select),
    ("program", program),
    ("interpret", interpret),
]
_KERNEL_VERBS: list[tuple[str, Callable[..., Any]]] = [
    ("marginal", marginal),
    ("condition", condition),
    ("disintegrate", disintegrate),
    ("bayes_invert", bayes_invert),
    ("almost_surely_equal", almost_surely_equal),
    ("allclose", allclose),
    ("independent", independent),
    ("mutual_information", mutual_information),
    ("entropy", entropy),
    ("divergence", divergence),
    ("interpret", interpret),
]
for _verb, _fn in _OBJECT_VERBS:
    _dispatch.register(_verb, Real, _fn)
    _dispatch.register(_verb, Space, _fn)
for _verb, _fn in _KERNEL_VERBS:
    _dispatch.register(_verb, GaussianKernel, _fn)

__all__ = [
    "GaussWire",
    "GaussianKernel",
    "I",
    "PSD_RTOL",
    "Real",
    "Space",
    "allclose",
    "almost_surely_equal",
    "as_space",
    "bayes_invert",
    "condition",
    "copy",
    "delete",
    "deterministic",
    "disintegrate",
    "divergence",
    "entropy",
    "identity",
    "independent",
    "interpret",
    "kalman",
    "kalman_filter",
    "kernel",
    "linear_gaussian_ssm",
    "kl_states",
    "marginal",
    "mutual_information",
    "program",
    "rts_smoother",
    "select",
    "space",
    "state",
    "swap",
]
