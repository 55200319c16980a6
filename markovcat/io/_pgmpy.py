"""Bayesian networks to and from pgmpy (``DiscreteBayesianNetwork`` with ``TabularCPD``s).

pgmpy is optional and imported when a function here is called. A pgmpy CPD of ``X`` with
evidence ``P1, …, Pk`` holds a ``|X| × (|P1|⋯|Pk|)`` array, the evidence configurations
in row-major order; markovcat's kernel ``P1 ⊗ … ⊗ Pk → X`` holds the same numbers as a
``(|P1|, …, |Pk|, |X|)`` table, so the conversion is a transpose and a reshape, exact
both ways. Variables keep their names and state names (outcome labels), parents their
order; a kernel's table goes out as it was given (before any renormalisation of rows
within ``mc.config.row_atol``), so ``to_pgmpy(from_pgmpy(m))`` has ``m``'s numbers bit
for bit.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from .._diagram import Diagram
from .._errors import InvalidArgumentError, TypeMismatchError
from .._kernel import Kernel, kernel
from .._objects import Obj, product
from ..backends import ops
from ..models import bayesian_network
from ._bif import structure


def _pgmpy(what: str) -> Any:
    try:
        return importlib.import_module("pgmpy.models"), importlib.import_module(
            "pgmpy.factors.discrete"
        )
    except ImportError:
        raise InvalidArgumentError(
            f"mc.{what} needs pgmpy, which is not installed: pip install pgmpy"
        ) from None


def network_parts(state: Diagram, what: str) -> tuple[list[Obj], list[list[int]], list[Any]]:
    """``(variables, parents, tables)`` of a Bayesian network's joint state, tables as
    float64 numpy arrays as the kernels were given (axes: parents in order, then the
    variable); a clear error when ``state`` is not one or its variable names repeat."""
    parts = structure(state) if isinstance(state, Diagram) else None
    if parts is None:
        given = f"{state.dom} → {state.cod}" if isinstance(state, Diagram) else type(state)
        raise TypeMismatchError(
            f"mc.{what}: expected the joint state of a Bayesian network (one kernel per "
            f"codomain factor, from its parents; e.g. mc.bayesian_network or mc.read_bif), "
            f"given {given}"
        )
    variables, parents, kernels = parts
    names = [v.name for v in variables]
    shared = sorted({n for n in names if names.count(n) > 1})
    if shared:
        raise TypeMismatchError(f"mc.{what}: variable names must be unique, given {shared} twice")
    tables = []
    for k in kernels:
        t = k.given if isinstance(k, Kernel) else k.table
        if not ops.is_concrete(t):
            raise InvalidArgumentError(f"mc.{what}: the table of {k} is traced (no values)")
        tables.append(np.asarray(ops.to_numpy(t), dtype=np.float64))
    return variables, parents, tables


def to_pgmpy(state: Diagram) -> Any:
    """A Bayesian network's joint state as a pgmpy ``DiscreteBayesianNetwork``.

    ``state`` is the joint of one kernel per variable (:func:`mc.bayesian_network`,
    :func:`mc.read_bif`); nodes come in its factor order, with their outcome labels as
    state names and each kernel's parents, in order, as the CPD's evidence. Needs pgmpy.

    >>> import markovcat as mc
    >>> _ = __import__("pytest").importorskip("pgmpy")
    >>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2], name="Rain"),
    ...                            mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")])
    >>> mc.to_pgmpy(net).get_cpds("Wet").get_values().tolist()
    [[0.9, 0.2], [0.1, 0.8]]
    """
    variables, parents, tables = network_parts(state, "to_pgmpy")
    models, discrete = _pgmpy("to_pgmpy")
    model = models.DiscreteBayesianNetwork()
    model.add_nodes_from([v.name for v in variables])
    model.add_edges_from(
        [(variables[p].name, v.name) for v, ps in zip(variables, parents, strict=True) for p in ps]
    )
    cpds = []
    for v, ps, table in zip(variables, parents, tables, strict=True):
        evidence = [variables[p] for p in ps]
        cpds.append(
            discrete.TabularCPD(
                variable=v.name,
                variable_card=len(v.outcomes),
                values=table.reshape(-1, len(v.outcomes)).T,
                evidence=[e.name for e in evidence] or None,
                evidence_card=[len(e.outcomes) for e in evidence] or None,
                state_names={o.name: list(o.outcomes) for o in (v, *evidence)},
            )
        )
    model.add_cpds(*cpds)
    return model


def from_pgmpy(model: Any) -> Diagram:
    """A pgmpy ``DiscreteBayesianNetwork`` as its joint state ``I → X1 ⊗ … ⊗ Xn``.

    The factors are the model's nodes in its order, named after them, with their state
    names as outcome labels; each CPD becomes a kernel from its evidence variables (in
    the CPD's order), named after the variable (:func:`mc.bayesian_network`). Its rows
    are validated as for :func:`mc.kernel`. Needs pgmpy.

    >>> import markovcat as mc
    >>> _ = __import__("pytest").importorskip("pgmpy")
    >>> R, W = mc.Obj("Rain", ("no", "yes")), mc.Obj("Wet", ("dry", "wet"))
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2], name="Rain"),
    ...                            mc.kernel(R, W, [[0.9, 0.1], [0.2, 0.8]], name="Wet")])
    >>> mc.from_pgmpy(mc.to_pgmpy(net)).array.round(2).tolist()
    [[0.72, 0.08], [0.04, 0.16]]
    """
    if not hasattr(model, "get_cpds") or not hasattr(model, "nodes"):
        raise TypeMismatchError(
            f"mc.from_pgmpy: expected a pgmpy DiscreteBayesianNetwork, given {type(model).__name__}"
        )
    nodes = list(model.nodes())
    cpds = {}
    for node in nodes:
        cpd = model.get_cpds(node)
        if cpd is None:
            raise TypeMismatchError(f"mc.from_pgmpy: the node {node!r} has no CPD")
        cpds[node] = cpd
    objs = {}
    for node in nodes:
        names = cpds[node].state_names.get(node)
        card = int(cpds[node].cardinality[0])
        objs[node] = Obj(str(node), tuple(names) if names else card)
    kernels = []
    for node in nodes:
        cpd = cpds[node]
        evidence = list(cpd.variables[1:])
        for e in evidence:
            if cpd.state_names.get(e) and tuple(cpd.state_names[e]) != objs[e].outcomes:
                raise TypeMismatchError(
                    f"mc.from_pgmpy: the CPD of {node!r} names the states of {e!r} "
                    f"{list(cpd.state_names[e])}, but its own CPD names them "
                    f"{list(objs[e].outcomes)}"
                )
        dom = product(*(objs[e] for e in evidence))
        values = np.asarray(cpd.get_values(), dtype=np.float64)
        shape = (*(len(objs[e].outcomes) for e in evidence), len(objs[node].outcomes))
        kernels.append(kernel(dom, objs[node], values.T.reshape(shape), name=str(node)))
    return bayesian_network(kernels)


__all__ = ["from_pgmpy", "network_parts", "to_pgmpy"]
