"""Equality in the free Markov category: axioms, garbage, wiring, random rewriting.

The canonical form is checked against an independent decision procedure written here: the
same term-to-hypergraph reading, garbage found by a fixpoint instead of a walk, and
equality decided by trying every label-preserving matching of boxes instead of canonical
labelling. Soundness is checked with numbers: equal diagrams give equal kernels.
"""

from __future__ import annotations

import functools
import itertools
import operator
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws
from markovcat._diagram import Copy, Delete, Identity, Par, Seq, Swap
from markovcat._free import normal_form

# ---- a small signature and random diagrams over it ----------------------------------------
A, B = mc.Obj("A", 2), mc.Obj("B", 3)
BOXES = [
    mc.Box("f", A, A),
    mc.Box("f2", A, A),
    mc.Box("g", A, B),
    mc.Box("h", A @ B, A),
    mc.Box("p", mc.I, A),
    mc.Box("q", A, A @ B),
    mc.Box("e", B, mc.I),
]


def random_kernels(seed: int = 0, backend: str | None = None) -> dict[str, mc.Kernel]:
    """One random kernel per box of the signature (rows from a Dirichlet law)."""
    rng = np.random.default_rng(seed)
    out = {}
    for b in BOXES:
        table = rng.dirichlet(np.ones(b.cod.size), size=b.dom.size)
        if backend == "sympy":  # exact rationals, rows summing to exactly 1
            w = rng.integers(1, 6, size=(b.dom.size, b.cod.size))
            table = laws.strategies._rational_table(w)
        out[b.name] = mc.kernel(b.dom, b.cod, table, name=b.name, backend=backend)
    return out


def random_recipe(rng: random.Random, dom: mc.Obj | None = None, steps: int = 4):
    """A straight-line program: boxes applied to randomly chosen (so sometimes copied,
    sometimes unused) wires, and a choice of wires returned, biased to recent ones."""
    if dom is None:
        dom = mc.product(*(rng.choice([A, B]) for _ in range(rng.randint(0, 2))))
    types = list(dom.factors)
    recipe = []
    for _ in range(steps):
        box = rng.choice(BOXES)
        choice = []
        for f in box.dom.factors:
            options = [i for i, t in enumerate(types) if t == f]
            if not options:
                break
            choice.append(rng.choice(options[-3:]) if rng.random() < 0.7 else rng.choice(options))
        else:
            recipe.append((box, choice))
            types += list(box.cod.factors)
    if not types:
        recipe.append((BOXES[4], []))
        types.append(A)
    last = len(types) - 1
    outs = [max(0, last - rng.choice([0, 0, 1, 2, 3])) for _ in range(rng.randint(1, 3))]
    return dom, recipe, outs, types


def build(dom, recipe, outs, types) -> mc.Diagram:
    @mc.program(dom, mc.product(*(types[i] for i in outs)))
    def prog(*xs):
        env = list(xs)
        for box, choice in recipe:
            res = box(*(env[i] for i in choice))
            env.extend(res if isinstance(res, tuple) else [res])
        return tuple(env[i] for i in outs)

    return prog


def mutate(rng: random.Random, dom, recipe, outs, types):
    """The same program with one wire choice changed (to one of the same type)."""
    recipe, outs = [(b, list(c)) for b, c in recipe], list(outs)
    slots = [(k, i) for k, (_, c) in enumerate(recipe) for i in range(len(c))]
    slots += [(None, i) for i in range(len(outs))]
    k, i = rng.choice(slots)
    current = outs[i] if k is None else recipe[k][1][i]
    limit = (
        len(types)
        if k is None
        else len(dom.factors) + sum(len(b.cod.factors) for b, _ in recipe[:k])
    )
    options = [w for w in range(limit) if types[w] == types[current]]
    if k is None:
        outs[i] = rng.choice(options)
    else:
        recipe[k][1][i] = rng.choice(options)
    return dom, recipe, outs, types


def random_program(rng: random.Random, dom: mc.Obj | None = None, steps: int = 4) -> mc.Diagram:
    return build(*random_recipe(rng, dom, steps))


def _rebuild(d: mc.Diagram, parts: list[mc.Diagram]) -> mc.Diagram:
    return functools.reduce(operator.rshift if isinstance(d, Seq) else operator.matmul, parts)


def _subterms(d: mc.Diagram, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(d, (Seq, Par)):
        for i, p in enumerate(d.parts):
            out += _subterms(p, (*path, i))
    return out


def _replace(d: mc.Diagram, path: tuple, fn) -> mc.Diagram:
    if not path:
        return fn(d)
    parts = list(d.parts)
    parts[path[0]] = _replace(parts[path[0]], path[1:], fn)
    return _rebuild(d, parts)


def _axiom_step(t: mc.Diagram, rng: random.Random) -> mc.Diagram:
    """``t`` rewritten by one axiom of Markov categories (an equal diagram)."""
    X, Y = t.dom, t.cod
    idX = mc.identity(X)
    garbage = BOXES[4] >> BOXES[2] >> mc.delete(B)  # I → I, deleted: it vanishes
    moves = [
        lambda: idX >> t,
        lambda: t >> mc.identity(Y),
        lambda: mc.copy(X) >> (t @ mc.delete(X)),  # counit
        lambda: mc.copy(X) >> (mc.delete(X) @ t),
        lambda: mc.copy(X) >> mc.swap(X, X) >> (t @ mc.delete(X)),  # cocommutativity
        lambda: t @ garbage,  # naturality of delete
        lambda: (
            mc.copy(X) >> (t @ (mc.copy(X) >> (BOXES[0] @ mc.identity(X)) >> mc.delete(X @ X)))
            if X == A
            else t
        ),
        lambda: mc.swap(X, mc.I) >> t if X.factors else t,
    ]
    if isinstance(t, Par) and len(t.parts) >= 2:
        a, b = t.parts[0], functools.reduce(operator.matmul, t.parts[1:])
        moves += [
            lambda: (a @ mc.identity(b.dom)) >> (mc.identity(a.cod) @ b),  # interchange
            lambda: (mc.identity(a.dom) @ b) >> (a @ mc.identity(b.cod)),
            lambda: mc.swap(a.dom, b.dom) >> (b @ a) >> mc.swap(b.cod, a.cod),  # naturality
        ]
    if isinstance(t, Copy) and t.n == 2:
        Z = t.obj
        moves += [
            lambda: t >> mc.swap(Z, Z),
            lambda: (
                t
                >> (mc.copy(Z) @ mc.identity(Z))
                >> (mc.identity(Z) @ mc.delete(Z) @ mc.identity(Z))
            ),
        ]
        if len(Z.factors) >= 2:
            P, Q = Z.factors[0], mc.product(*Z.factors[1:])
            moves.append(
                lambda: (
                    (mc.copy(P) @ mc.copy(Q)) >> (mc.identity(P) @ mc.swap(P, Q) @ mc.identity(Q))
                )
            )
    if isinstance(t, Swap):
        moves.append(lambda: t >> mc.swap(t.right, t.left) >> t)
    if isinstance(t, Delete) and len(t.obj.factors) >= 2:
        moves.append(
            lambda: functools.reduce(operator.matmul, [mc.delete(f) for f in t.obj.factors])
        )
    return rng.choice(moves)()


def rewrite(d: mc.Diagram, rng: random.Random, steps: int = 3) -> mc.Diagram:
    """Apply ``steps`` random axioms at random places of the term."""
    for _ in range(steps):
        path = rng.choice(_subterms(d))
        d = _replace(d, path, lambda t: _axiom_step(t, rng))
    return d


# ---- an independent decision procedure -------------------------------------------------------
def _reference_graph(d: mc.Diagram):
    counter = itertools.count()
    boxes = []

    def go(t, ws):
        if isinstance(t, Seq):
            for p in t.parts:
                ws = go(p, ws)
            return ws
        if isinstance(t, Par):
            out, i = [], 0
            for p in t.parts:
                n = len(p.dom.factors)
                out += go(p, ws[i : i + n])
                i += n
            return out
        if isinstance(t, Identity):
            return ws
        if isinstance(t, Copy):
            return ws * t.n
        if isinstance(t, Delete):
            return []
        if isinstance(t, Swap):
            k = len(t.left.factors)
            return ws[k:] + ws[:k]
        outs = [next(counter) for _ in t.cod.factors]
        boxes.append((t, list(ws), outs))
        return outs

    dom = [next(counter) for _ in d.dom.factors]
    cod = go(d, dom)
    alive: set[int] = set()
    changed = True
    while changed:  # fixpoint: a box lives if an output is returned or feeds a live box
        changed = False
        needed = set(cod) | {w for k in alive for w in boxes[k][1]}
        for k, (_, _, outs) in enumerate(boxes):
            if k not in alive and needed & set(outs):
                alive.add(k)
                changed = True
    return dom, [boxes[k] for k in sorted(alive)], cod


def reference_equal(d1: mc.Diagram, d2: mc.Diagram) -> bool:
    if d1.dom != d2.dom or d1.cod != d2.cod:
        return False
    dom1, boxes1, cod1 = _reference_graph(d1)
    dom2, boxes2, cod2 = _reference_graph(d2)
    if len(boxes1) != len(boxes2):
        return False
    for perm in itertools.permutations(range(len(boxes2))):
        if any(boxes1[i][0] != boxes2[j][0] for i, j in enumerate(perm)):
            continue
        wire = dict(zip(dom1, dom2))
        for i, j in enumerate(perm):
            wire.update(zip(boxes1[i][2], boxes2[j][2]))
        if (
            all([wire[w] for w in boxes1[i][1]] == boxes2[j][1] for i, j in enumerate(perm))
            and [wire[w] for w in cod1] == cod2
        ):
            return True
    return False


def semantically_equal(d1: mc.Diagram, d2: mc.Diagram, seed: int = 0) -> bool:
    ks = random_kernels(seed)
    return mc.allclose(mc.interpret(d1, ks), mc.interpret(d2, ks), atol=1e-10)


# ---- the axioms hold for arbitrary boxes -------------------------------------------------------
@st.composite
def boxes(draw, dom=None, cod=None):
    dom = draw(laws.objects(max_factors=2, max_outcomes=3, min_factors=0)) if dom is None else dom
    cod = draw(laws.objects(max_factors=2, max_outcomes=3, min_factors=0)) if cod is None else cod
    name = draw(st.sampled_from(["f", "g", "h", "k"]))
    return mc.Box(name, dom, cod)


objs = laws.objects(max_factors=3, max_outcomes=3, min_factors=0)


@given(st.data())
def test_category_and_monoidal_axioms(data):
    f = data.draw(boxes())
    g = data.draw(boxes(dom=f.cod))
    h = data.draw(boxes(dom=g.cod))
    k = data.draw(boxes())
    assert mc.free_equal((f >> g) >> h, f >> (g >> h))
    assert mc.free_equal(mc.identity(f.dom) >> f, f)
    assert mc.free_equal(f >> mc.identity(f.cod), f)
    assert mc.free_equal((f @ k) >> (g @ mc.identity(k.cod)), (f >> g) @ k)
    assert mc.free_equal(f @ mc.identity(mc.I), f)
    assert mc.free_equal((f @ k) >> mc.swap(f.cod, k.cod), mc.swap(f.dom, k.dom) >> (k @ f))
    assert mc.free_equal(mc.swap(f.dom, k.dom) >> mc.swap(k.dom, f.dom), mc.identity(f.dom @ k.dom))


@given(objs, objs)
def test_comonoid_axioms(X, Y):
    c, i, dl = mc.copy(X), mc.identity(X), mc.delete(X)
    assert mc.free_equal(c >> (c @ i), c >> (i @ c))
    assert mc.free_equal(c >> (c @ i), mc.copy(X, 3))
    assert mc.free_equal(c >> mc.swap(X, X), c)
    assert mc.free_equal(c >> (dl @ i), i)
    assert mc.free_equal(c >> (i @ dl), i)
    assert mc.free_equal(
        mc.copy(X @ Y),
        (mc.copy(X) @ mc.copy(Y)) >> (i @ mc.swap(X, Y) @ mc.identity(Y)),
    )
    assert mc.free_equal(mc.delete(X @ Y), mc.delete(X) @ mc.delete(Y))


@given(st.data())
def test_delete_naturality_for_any_box(data):
    f = data.draw(boxes())
    assert mc.free_equal(f >> mc.delete(f.cod), mc.delete(f.dom))


def test_copy_naturality_fails_for_a_box_but_holds_for_its_copies():
    f = mc.Box("f", A, B)
    assert not mc.free_equal(f >> mc.copy(B), mc.copy(A) >> (f @ f))
    p = mc.Box("p", mc.I, A)
    assert not mc.free_equal(p >> mc.copy(A), p @ p)
    # two uses of one output are one sample; two applications are two samples
    assert mc.free_equal(f >> mc.copy(B), f >> mc.copy(B) >> mc.swap(B, B))
    # and the numbers agree: for a non-deterministic kernel the two sides differ
    k = mc.kernel(A, B, [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], name="f")
    assert not mc.allclose(k >> mc.copy(B), mc.copy(A) >> (k @ k))


def test_two_samples_are_not_merged_but_exchangeable():
    f = mc.Box("f", A, B)
    two = mc.copy(A) >> (f @ f)
    assert not mc.free_equal(two, f >> mc.copy(B))
    assert mc.free_equal(two >> mc.swap(B, B), two)  # independent samples commute
    assert mc.free_equal(two >> (mc.identity(B) @ mc.delete(B)), f)
    nf = normal_form(two)
    assert len(nf.boxes) == 2 and nf.outputs[0] != nf.outputs[1]


def test_garbage_is_collected_recursively():
    f, g, h, q = (mc.Box(n, A, A) for n in "fghq")
    two = mc.Box("two", A, A @ B)
    garbage = mc.copy(A) >> (mc.identity(A) @ (g >> h >> q >> mc.delete(A)))
    assert mc.free_equal(f >> garbage, f)
    assert mc.free_equal(garbage >> f, f)
    # a box with two outputs stays when one of them is used, even if the other is not
    kept = two >> (mc.identity(A) @ mc.delete(B))
    assert not mc.free_equal(kept, mc.identity(A))
    used_twice = (
        two >> mc.copy(A @ B) >> (mc.identity(A) @ mc.delete(B @ A) @ (mc.Box("e", B, mc.I)))
    )
    assert mc.free_equal(used_twice, kept)
    # effects (cod I) always vanish: every morphism X → I is delete
    assert mc.free_equal(mc.Box("e", A, mc.I), mc.delete(A))
    assert len(normal_form(f >> garbage).boxes) == 1


def test_wrong_wiring_is_different():
    h = mc.Box("h", A @ A, A)
    f = mc.Box("f", A, A)
    assert not mc.free_equal(mc.swap(A, A) >> h, h)
    assert not mc.free_equal((f @ mc.identity(A)) >> h, (mc.identity(A) @ f) >> h)
    assert not mc.free_equal(mc.copy(A) >> h, (mc.delete(A) @ mc.identity(A)) >> mc.copy(A) >> h)
    assert not mc.free_equal(f >> f, f)
    assert not mc.free_equal(mc.Box("f", A, A), mc.Box("f2", A, A))
    assert not mc.free_equal(mc.Box("f", A, A), mc.Box("f", B, B))  # different types
    assert not mc.free_equal(mc.identity(A @ A), mc.swap(A, A))


def test_kernels_are_boxes_compared_by_identity():
    table = [[0.5, 0.5], [0.1, 0.9]]
    k1, k2 = mc.kernel(A, A, table, name="k"), mc.kernel(A, A, table, name="k")
    assert mc.free_equal(k1 >> mc.copy(A) >> (mc.identity(A) @ mc.delete(A)), k1)
    assert not mc.free_equal(k1, k2)  # equal numbers, different generators
    assert mc.free_equal(k1 >> mc.delete(A), mc.delete(A))


def test_not_a_diagram():
    with pytest.raises(mc.TypeMismatchError):
        mc.free_equal(mc.identity(A), "id")


def test_long_coassociativity_is_decided():
    X = A
    left = right = mc.copy(X)
    for n in range(3, 201):
        left = left >> (mc.copy(X) @ mc.identity(mc.product(*[X] * (n - 2))))
        right = right >> (mc.identity(mc.product(*[X] * (n - 2))) @ mc.copy(X))
    f = mc.Box("f", X, X)
    fs = functools.reduce(operator.matmul, [f] * 200)
    assert mc.free_equal(left >> fs, right >> fs)
    assert mc.free_equal(left, mc.copy(X, 200))
    assert not mc.free_equal(left >> fs, f >> mc.copy(X, 200))  # one sample, not 200
    chain = functools.reduce(operator.rshift, [f] * 2000)  # deep terms: no recursion limit
    assert mc.free_equal(chain >> mc.copy(X) >> (mc.identity(X) @ mc.delete(X)), chain)


# ---- random diagrams, random rewriting, and the reference ----------------------------------
seeds = st.integers(0, 2**32 - 1)


@given(seeds)
def test_random_rewrites_stay_equal(seed):
    rng = random.Random(seed)
    d = random_program(rng)
    e = rewrite(d, rng, steps=4)
    assert mc.free_equal(d, e)
    assert mc.free_equal(e, d)
    assert reference_equal(d, e)
    assert semantically_equal(d, e, seed % 1000)


@given(seeds)
def test_agrees_with_the_reference_on_random_pairs(seed):
    rng = random.Random(seed)
    X = rng.choice([A, A @ B, mc.I])
    recipe = random_recipe(rng, X, steps=rng.randint(3, 7))
    d1 = rewrite(build(*recipe), rng, steps=2)
    # near misses: the same program with one wire changed, then rewritten
    d2 = rewrite(build(*mutate(rng, *recipe)), rng, steps=2)
    expected = reference_equal(d1, d2)
    assert mc.free_equal(d1, d2) == expected
    if expected:  # soundness: equal in the free category ⇒ equal for any kernels
        assert semantically_equal(d1, d2, seed % 1000)


@given(seeds)
def test_unequal_semantics_implies_unequal_syntax(seed):
    rng = random.Random(seed)
    d1, d2 = random_program(rng, A, steps=3), random_program(rng, A, steps=3)
    if d1.cod == d2.cod and not semantically_equal(d1, d2, seed % 1000):
        assert not mc.free_equal(d1, d2)


def test_normal_form_is_readable():
    p, f = mc.Box("p", mc.I, A), mc.Box("f", A, B)
    nf = normal_form(p >> mc.copy(A) >> (mc.identity(A) @ f))
    assert str(nf) == "b0 = p()\nb1 = f(b0.0)\nreturn b0.0, b1.0"
