"""Bayesian networks to and from pyAgrum (``pyagrum.BayesNet``).

pyAgrum is optional and imported when a function here is called. A pyAgrum CPT lists its
variables as ``names`` = (the variable, its parents…) and ``toarray()`` gives the array
with those axes reversed; markovcat's kernel ``P1 ⊗ … ⊗ Pk → X`` has the axes
``(P1, …, Pk, X)``, so the conversion is a transpose, exact both ways. pyAgrum labels are
strings: outcome labels go out as ``str(label)`` and come back as strings.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from .._diagram import Diagram
from .._errors import InvalidArgumentError, TypeMismatchError
from .._kernel import kernel
from .._objects import Obj, product
from ..models import bayesian_network
from ._pgmpy import network_parts


def _gum(what: str) -> Any:
    try:
        return importlib.import_module("pyagrum")
    except ImportError:
        raise InvalidArgumentError(
            f"mc.{what} needs pyAgrum, which is not installed: pip install pyagrum"
        ) from None


def to_pyagrum(state: Diagram) -> Any:
    """A Bayesian network's joint state as a ``pyagrum.BayesNet``.

    Variables are added in the state's factor order (so their pyAgrum ids are 0, 1, …),
    as ``LabelizedVariable``s with ``str`` of each outcome label, arcs from each kernel's
    parents in order. Needs pyAgrum.

    >>> import markovcat as mc
    >>> _ = __import__("pytest").importorskip("pyagrum")
    >>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2], name="Rain"),
    ...                            mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")])
    >>> bn = mc.to_pyagrum(net)
    >>> bn.cpt("Wet").toarray().tolist()
    [[0.9, 0.1], [0.2, 0.8]]
    """
    variables, parents, tables = network_parts(state, "to_pyagrum")
    gum = _gum("to_pyagrum")
    bn = gum.BayesNet()
    ids = [
        bn.add(gum.LabelizedVariable(v.name, v.name, [str(o) for o in v.outcomes]))
        for v in variables
    ]
    for i, ps in enumerate(parents):
        for p in ps:
            bn.addArc(ids[p], ids[i])
    for i, (ps, table) in enumerate(zip(parents, tables, strict=True)):
        cpt = bn.cpt(ids[i])
        axis = {variables[p].name: a for a, p in enumerate(ps)} | {variables[i].name: len(ps)}
        # toarray's axes are cpt.names reversed; fillWith reads that array in C order
        arr = np.transpose(table, [axis[n] for n in reversed(cpt.names)])
        cpt.fillWith(arr.ravel().tolist())
    return bn


def from_pyagrum(bn: Any) -> Diagram:
    """A ``pyagrum.BayesNet`` as its joint state ``I → X1 ⊗ … ⊗ Xn``.

    The factors are the variables in order of their ids, named after them, with their
    labels (strings) as outcomes; each CPT becomes a kernel from the variable's parents in
    the CPT's order, named after the variable (:func:`mc.bayesian_network`). Needs pyAgrum.

    >>> import markovcat as mc
    >>> _ = __import__("pytest").importorskip("pyagrum")
    >>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2], name="Rain"),
    ...                            mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")])
    >>> mc.from_pyagrum(mc.to_pyagrum(net)).array.round(2).tolist()
    [[0.72, 0.08], [0.04, 0.16]]
    """
    if not all(hasattr(bn, a) for a in ("cpt", "nodes", "variable")):
        raise TypeMismatchError(
            f"mc.from_pyagrum: expected a pyagrum.BayesNet, given {type(bn).__name__}"
        )
    ids = sorted(bn.nodes())
    objs = {}
    for i in ids:
        var = bn.variable(i)
        objs[var.name()] = Obj(var.name(), tuple(var.labels()))
    kernels = []
    for i in ids:
        cpt = bn.cpt(i)
        names = list(cpt.names)  # the variable, then its parents
        child, evidence = names[0], names[1:]
        arr = np.asarray(cpt.toarray(), dtype=np.float64)  # axes: names reversed
        order = [*evidence, child]
        rev = list(reversed(names))
        table = np.transpose(arr, [rev.index(n) for n in order])
        dom = product(*(objs[e] for e in evidence))
        kernels.append(kernel(dom, objs[child], table, name=child))
    return bayesian_network(kernels)


__all__ = ["from_pyagrum", "to_pyagrum"]
