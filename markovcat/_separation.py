"""d-separation: conditional independence read off the wiring, without the tables.

A diagram's tensor network is a directed acyclic graph: each kernel takes its input wires
and gives its output wires, copies join wires. Reading each kernel as a latent node
between its inputs and its outputs, the factorisation of the joint state along this graph
gives the global Markov property (Pearl; Fritz–Klingler for string diagrams): if ``A`` and
``B`` are d-separated by ``C`` then ``A ⊥ B | C`` for *every* choice of tables, and for
generic tables d-connection means dependence. The test is Bayes-ball (the "reachable"
algorithm of Koller–Friedman, Algorithm 3.1): linear in the size of the graph.

>>> import markovcat as mc
>>> R, S, W = mc.Obj("Rain", 2), mc.Obj("Sprinkler", 2), mc.Obj("Wet", 2)
>>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2]), mc.state(S, [0.6, 0.4]),
...     mc.kernel(R @ S, W, [[1, 0], [0.1, 0.9], [0.2, 0.8], [0, 1]])])
>>> mc.d_separated(net, "Rain", "Sprinkler"), mc.d_separated(net, "Rain", "Sprinkler", "Wet")
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import _engine
from ._diagram import Diagram
from ._errors import InvalidArgumentError, TypeMismatchError
from ._independence import factors


@dataclass(frozen=True)
class _Graph:
    """Wires ``0 … w-1`` and kernels ``w …``: edges input wire → kernel → output wire."""

    parents: tuple[tuple[int, ...], ...]
    children: tuple[tuple[int, ...], ...]
    factor_node: tuple[int, ...]  # the wire of each codomain factor


def _graph(d: Diagram) -> _Graph:
    """The graph of ``d``'s wiring (cached on the diagram, like its network)."""
    cached = d.__dict__.get("_separation_graph")
    if cached is None:
        cached = _build(d)
        d.__dict__["_separation_graph"] = cached  # one complete object: safe without a lock
    return cached


def _build(d: Diagram) -> _Graph:
    net = _engine.network(d)
    w = len(net.sizes)
    parents: list[list[int]] = [[] for _ in range(w + len(net.leaves))]
    children: list[list[int]] = [[] for _ in range(w + len(net.leaves))]
    for k, (idx, nd) in enumerate(zip(net.indices, net.n_dom, strict=True)):
        node = w + k
        for i in idx[:nd]:
            parents[node].append(i)
            children[i].append(node)
        for i in idx[nd:]:
            parents[i].append(node)
            children[node].append(i)
    return _Graph(tuple(map(tuple, parents)), tuple(map(tuple, children)), tuple(net.cod_wires))


def _reachable(g: _Graph, sources: set[int], observed: set[int]) -> set[int]:
    """Nodes with an active trail from ``sources`` given ``observed`` (Bayes-ball)."""
    ancestors = set(observed)
    stack = list(observed)
    while stack:
        for p in g.parents[stack.pop()]:
            if p not in ancestors:
                ancestors.add(p)
                stack.append(p)
    UP, DOWN = 0, 1  # arriving from a child / from a parent
    todo = [(s, UP) for s in sources]
    seen: set[tuple[int, int]] = set()
    reached: set[int] = set()
    while todo:
        node, way = todo.pop()
        if (node, way) in seen:
            continue
        seen.add((node, way))
        if node not in observed:
            reached.add(node)
        if way == UP and node not in observed:
            todo.extend((p, UP) for p in g.parents[node])
            todo.extend((c, DOWN) for c in g.children[node])
        elif way == DOWN:
            if node not in observed:
                todo.extend((c, DOWN) for c in g.children[node])
            if node in ancestors:  # a collider with an observed descendant opens
                todo.extend((p, UP) for p in g.parents[node])
    return reached


def d_separated(
    network: Diagram,
    a: Sequence[Any] | Any,
    b: Sequence[Any] | Any,
    given: Sequence[Any] | Any = (),
) -> bool:
    """Whether the factors ``a`` and ``b`` are d-separated by ``given`` in the wiring of
    ``network`` (a Bayesian network from :func:`mc.bayesian_network` or
    :func:`mc.read_bif`, or any state diagram).

    Factor positions or names, one or several each. d-separation implies
    ``mc.independent(network, a, b, given)`` whatever the tables; it looks at the wiring
    only, so it is instant on networks of thousands of nodes. Two copies of one wire are
    never separated unless that wire is given.

    >>> import markovcat as mc
    >>> X = mc.Obj("X", 2)
    >>> chain = mc.state(X, [0.5, 0.5]) >> mc.copy(X) >> (mc.identity(X) @ (
    ...     mc.kernel(X, X, [[0.9, 0.1], [0.2, 0.8]]) >> mc.copy(X)
    ... )) >> (mc.identity(X) @ mc.identity(X) @ mc.kernel(X, X, [[0.7, 0.3], [0.4, 0.6]]))
    >>> mc.d_separated(chain, 0, 2), mc.d_separated(chain, 0, 2, given=1)
    (False, True)
    """
    if not isinstance(network, Diagram):
        raise TypeMismatchError(
            f"mc.d_separated: expected a Bayesian network (a state diagram), given "
            f"{type(network).__name__}"
        )
    A, B, C = (
        factors(network, k, "d_separated", w) for k, w in ((a, "a"), (b, "b"), (given, "given"))
    )
    for x, y in ((A, B), (A, C), (B, C)):
        if set(x) & set(y):
            raise InvalidArgumentError(
                f"mc.d_separated: a, b and given must be disjoint factor selections, given "
                f"a={a!r}, b={b!r}, given={given!r}"
            )
    g = _graph(network)
    observed = {g.factor_node[i] for i in C}
    sources = {g.factor_node[i] for i in A} - observed
    targets = {g.factor_node[i] for i in B} - observed
    if not sources or not targets:
        return True
    if sources & targets:
        return False
    return not (_reachable(g, sources, observed) & targets)


Statement = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def independencies(network: Diagram) -> list[Statement]:
    """The local Markov statements of a Bayesian network: each variable is independent of
    its non-descendants given its parents, as ``(variable, non-descendants, parents)``
    name tuples (statements with no non-descendants left out).

    Every statement holds for any tables (each is a d-separation); together they imply
    all the others by the semi-graphoid laws.

    >>> import markovcat as mc
    >>> R, S, W = mc.Obj("Rain", 2), mc.Obj("Sprinkler", 2), mc.Obj("Wet", 2)
    >>> net = mc.bayesian_network([mc.state(R, [0.8, 0.2]), mc.state(S, [0.6, 0.4]),
    ...     mc.kernel(R @ S, W, [[1, 0], [0.1, 0.9], [0.2, 0.8], [0, 1]])])
    >>> mc.independencies(net)
    [(('Rain',), ('Sprinkler',), ()), (('Sprinkler',), ('Rain',), ())]
    """
    if not isinstance(network, Diagram) or network.dom.factors:
        raise TypeMismatchError("mc.independencies: expected a Bayesian network (a state)")
    g = _graph(network)
    names = [f.name for f in network.cod.factors]
    node_of = {n: i for i, n in enumerate(g.factor_node)}
    if len(node_of) != len(names):
        raise InvalidArgumentError(
            "mc.independencies: expected one factor per variable (no copied factors)"
        )
    parents: list[list[int]] = []
    for i, node in enumerate(g.factor_node):
        (kernel,) = g.parents[node] or (None,)
        inputs = [] if kernel is None else list(g.parents[kernel])
        if any(p not in node_of for p in inputs):
            raise InvalidArgumentError(
                f"mc.independencies: the kernel giving {names[i]!r} has an input that is no "
                "factor of the network (a latent wire); d_separated still works"
            )
        parents.append([node_of[p] for p in inputs])
    children: list[list[int]] = [[] for _ in names]
    for i, ps in enumerate(parents):
        for p in ps:
            children[p].append(i)
    out: list[Statement] = []
    for i in range(len(names)):
        below, stack = {i}, [i]
        while stack:
            for c in children[stack.pop()]:
                if c not in below:
                    below.add(c)
                    stack.append(c)
        rest = [j for j in range(len(names)) if j not in below and j not in parents[i]]
        if rest:
            out.append(
                (
                    (names[i],),
                    tuple(names[j] for j in rest),
                    tuple(names[p] for p in sorted(parents[i])),
                )
            )
    return out


__all__ = ["d_separated", "independencies"]
