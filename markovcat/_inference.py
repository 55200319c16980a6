"""Inference queries in the categorical vocabulary: marginals (more in later modules).

>>> import markovcat as mc
>>> A, B = mc.Obj("A", 2), mc.Obj("B", 3)
>>> joint = mc.state(A @ B, [[0.1, 0.2, 0.1], [0.3, 0.2, 0.1]])
>>> mc.marginal(joint, [1]).array.round(3).tolist()
[0.4, 0.4, 0.2]
"""

from __future__ import annotations

from collections.abc import Sequence

from ._compile import evaluate
from ._diagram import Diagram, rewire
from ._errors import TypeMismatchError
from ._kernel import Kernel


def _diagram(d: object, fn: str) -> Diagram:
    if not isinstance(d, Diagram):
        raise TypeMismatchError(f"mc.{fn} expects a kernel or diagram, given {type(d).__name__}")
    return d


def marginal(joint: Diagram, keep: Sequence[int] | int) -> Kernel:
    """Keep the codomain factors at positions ``keep``, in the order given.

    Works on states and on kernels; computed as one contraction of
    ``joint >> rewire`` (deleting the other factors), never building the joint.

    >>> import markovcat as mc
    >>> p = mc.state(mc.Bool @ mc.Bool, [0.1, 0.2, 0.3, 0.4])
    >>> mc.marginal(p, [0]).array.round(3).tolist()
    [0.3, 0.7]
    """
    joint = _diagram(joint, "marginal")
    keep = [keep] if isinstance(keep, int) else list(keep)
    return evaluate(joint >> rewire(joint.cod, keep))
