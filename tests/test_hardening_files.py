"""Hardening of the file formats (issue 14): BIF as other tools write it, and safe files.

A. a conditional ``table`` lists the child's outcome slowest (JavaBayes, pgmpy, pyAgrum);
B. the looser syntax other tools write, gzip, Latin-1, partial files;
C. read_bif and write_bif stay within memory and time and every written file reads back;
D. tampered JSON is refused with PersistenceError in bounded time and memory;
E. round trips through pgmpy and pyAgrum (skipped without them) are exact.
"""

from __future__ import annotations

import gzip
import importlib.util
import itertools
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hardening_syntax import deep_chain

import markovcat as mc
from markovcat.io import dumps, loads

# ---- A. the layout of a conditional `table` ---------------------------------------------
DOG = """
// The Dog-Problem network of JavaBayes, in its own syntax: `table` lists the child's
// outcome slowest, outcome lists and parents are separated by spaces
network "Dog-Problem" { property "credal-set constant-density-bounded 1.1" ; }
variable "light-on" { type discrete[2] { "true" "false" }; property "position = (218, 195)" ; }
variable "bowel-problem" { type discrete[2] { "true" "false" }; }
variable "dog-out" { type discrete[2] { "true" "false" }; }
variable "hear-bark" { type discrete[2] { "true" "false" }; }
variable "family-out" { type discrete[2] { "true" "false" }; }
probability ( "light-on" "family-out" ) { table 0.6 0.05 0.4 0.95 ; }
probability ( "bowel-problem" ) { table 0.01 0.99 ; }
probability ( "dog-out" "bowel-problem" "family-out" ) {
    table 0.99 0.97 0.9 0.3 0.01 0.03 0.1 0.7 ; }
probability ( "hear-bark" "dog-out" ) { table 0.7 0.01 0.3 0.99 ; }
probability ( "family-out" ) { table 0.15 0.85 ; }
"""

#: P(child | parents) by hand from the text above: rows in parent order, child fastest.
DOG_EXPECTED = {
    "light-on": [[0.6, 0.4], [0.05, 0.95]],
    "bowel-problem": [[0.01, 0.99]],
    # rows (bowel, family) = (t, t), (t, f), (f, t), (f, f)
    "dog-out": [[0.99, 0.01], [0.97, 0.03], [0.9, 0.1], [0.3, 0.7]],
    "hear-bark": [[0.7, 0.3], [0.01, 0.99]],
    "family-out": [[0.15, 0.85]],
}


def test_dog_problem_table_is_read_child_slowest():
    net = mc.read_bif(DOG)
    assert [f.name for f in net.cod.factors] == [
        "light-on", "bowel-problem", "dog-out", "hear-bark", "family-out",
    ]  # fmt: skip
    cpts = mc.read_bif(DOG, partial=True)
    for name, expected in DOG_EXPECTED.items():
        np.testing.assert_allclose(cpts[name].matrix, expected, atol=1e-15)
    assert [f.name for f in cpts["dog-out"].dom.factors] == ["bowel-problem", "family-out"]
    # the joint agrees: P(dog-out = true) = Σ P(b) P(f) P(d | b, f)
    p = mc.marginal(net, ["dog-out"]).array
    by_hand = sum(
        pb * pf * DOG_EXPECTED["dog-out"][2 * i + j][0]
        for i, pb in enumerate([0.01, 0.99])
        for j, pf in enumerate([0.15, 0.85])
    )
    assert p[0] == pytest.approx(by_hand, abs=1e-15)


def _pgmpy_cpds(path):
    readwrite = pytest.importorskip("pgmpy.readwrite")
    model = readwrite.BIFReader(str(path)).get_model()
    out = {}
    for cpd in model.get_cpds():
        child, *parents = cpd.variables
        # pgmpy's values have axes (child, parents…): move the child last, as markovcat does
        out[child] = (parents, np.moveaxis(np.asarray(cpd.values, dtype=float), 0, -1))
    return out


def _kernel_tables(cpts):
    return {
        name: ([f.name for f in k.dom.factors], np.asarray(k.array, dtype=float))
        for name, k in cpts.items()
    }


def test_dog_problem_agrees_with_pgmpy(tmp_path):
    path = tmp_path / "dog.bif"
    path.write_text(DOG)
    theirs = _pgmpy_cpds(path)
    ours = _kernel_tables(mc.read_bif(path, partial=True))
    assert set(theirs) == set(ours)
    for name, (parents, table) in theirs.items():
        assert ours[name][0] == parents
        np.testing.assert_allclose(ours[name][1], table, atol=1e-15)


def _plain_bif(text):
    """The same network in the plainer BIF syntax pyAgrum's reader takes: no properties,
    unquoted names, commas between outcomes and table entries, ``|`` before the parents;
    the order of table entries is unchanged."""
    text = re.sub(r'property "[^"]*" ;', "", text).replace('network "Dog-Problem"', "network dog")
    text = re.sub(r'"([a-z-]+)"', lambda m: m.group(1).replace("-", "_"), text)
    text = text.replace("{ true false }", "{ true, false }")

    def header(m):
        child, *parents = m.group(1).split()
        return f"probability ( {child}" + (f" | {', '.join(parents)}" if parents else "") + " )"

    text = re.sub(r"probability \( ([^)]*) \)", header, text)
    return re.sub(r"table ([^;]*);", lambda m: "table " + ", ".join(m.group(1).split()) + ";", text)


def test_dog_problem_agrees_with_pyagrum(tmp_path):
    gum = pytest.importorskip("pyagrum")
    path = tmp_path / "dog.bif"
    path.write_text(_plain_bif(DOG))
    bn = gum.loadBN(str(path))
    cpts = mc.read_bif(path, partial=True)
    for name, k in cpts.items():
        cpt = bn.cpt(name)
        parents = [f.name for f in k.dom.factors]
        for idx in itertools.product(*(range(f.size) for f in k.dom.factors)):
            inst = gum.Instantiation(cpt)
            for p, j in zip(parents, idx, strict=True):
                inst.chgVal(p, j)
            for c in range(k.cod.size):
                inst.chgVal(name, c)
                # pyAgrum keeps float32 (docs/errors.md): agree to 1e-7
                assert cpt.get(inst) == pytest.approx(float(k.array[(*idx, c)]), abs=1e-7)


@st.composite
def _conditional(draw):
    cards = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))  # parents…, child
    child = draw(st.integers(2, 3))
    rows = draw(
        st.lists(
            st.lists(st.integers(1, 9), min_size=child, max_size=child),
            min_size=int(np.prod(cards)),
            max_size=int(np.prod(cards)),
        )
    )
    w = np.array(rows, dtype=float)
    return cards, child, (w / w.sum(axis=1, keepdims=True)).reshape(*cards, child)


@settings(max_examples=40, deadline=None)
@given(_conditional())
def test_table_layout_equals_the_per_configuration_rows(case):
    cards, child, table = case
    decl = [
        f"variable P{i} {{ type discrete [ {n} ] {{ {', '.join(f's{j}' for j in range(n))} }}; }}"
        for i, n in enumerate(cards)
    ]
    decl.append(
        f"variable C {{ type discrete [ {child} ] {{ {', '.join(f'c{j}' for j in range(child))} }}; }}"
    )
    roots = [
        f"probability ( P{i} ) {{ table {', '.join(['%r' % (1 / n)] * n)}; }}"
        for i, n in enumerate(cards)
    ]
    parents = ", ".join(f"P{i}" for i in range(len(cards)))
    flat = np.moveaxis(table, -1, 0).ravel()  # the child's outcome slowest
    as_table = f"probability ( C | {parents} ) {{ table {', '.join(map(repr, flat.tolist()))}; }}"
    rows = [
        f"({', '.join(f's{j}' for j in idx)}) {', '.join(map(repr, table[idx].tolist()))};"
        for idx in itertools.product(*(range(n) for n in cards))
    ]
    as_rows = f"probability ( C | {parents} ) {{ {' '.join(rows)} }}"
    a = mc.read_bif("\n".join([*decl, *roots, as_table]), partial=True)["C"]
    b = mc.read_bif("\n".join([*decl, *roots, as_rows]), partial=True)["C"]
    np.testing.assert_array_equal(a.array, b.array)
    np.testing.assert_allclose(b.array, table, atol=1e-15)
    # and write_bif writes per-configuration rows, which read back as they were
    again = mc.read_bif(
        mc.write_bif(mc.read_bif("\n".join([*decl, *roots, as_table]))), partial=True
    )
    np.testing.assert_array_equal(again["C"].array, a.array)


# ---- B. BIF as other tools write it -----------------------------------------------------
def test_whitespace_separated_names_and_parents_without_bar():
    text = """
    variable "A b" { type discrete [ 3 ] { "x 1" "y|2" z }; }
    variable B { type discrete [ 2 ] { t | f }; }
    probability ( "A b" ) { table 0.2 0.3 0.5 ; }
    probability ( B , "A b" ) { ("x 1") 0.1 0.9; ( "y|2" ) 0.5, 0.5; (z) 1 0; }
    """
    cpts = mc.read_bif(text, partial=True)
    assert cpts["A b"].cod.outcomes == ("x 1", "y|2", "z")
    assert cpts["B"].cod.outcomes == ("t", "f")
    np.testing.assert_allclose(cpts["B"].matrix, [[0.1, 0.9], [0.5, 0.5], [1, 0]])


def test_gzip_files_are_read_by_path_and_bytes(tmp_path):
    path = tmp_path / "dog.bif.gz"
    path.write_bytes(gzip.compress(DOG.encode()))
    for source in (path, str(path), path.read_bytes()):
        assert mc.allclose(mc.read_bif(source), mc.read_bif(DOG), atol=0)
    (tmp_path / "bad.bif").write_bytes(b"\x1f\x8b" + b"not gzip at all")
    with pytest.raises(mc.BifFormatError, match="gzip"):
        mc.read_bif(tmp_path / "bad.bif")


def test_latin1_files_are_read(tmp_path):
    text = 'variable "Café" { type discrete [ 2 ] { "oui", "non" }; }\n'
    text += 'probability ( "Café" ) { table 0.5, 0.5; }\n'
    path = tmp_path / "latin.bif"
    path.write_bytes(text.encode("latin-1"))  # not valid UTF-8
    assert mc.read_bif(path).cod.name == "Café"
    (tmp_path / "utf8.bif").write_bytes(text.encode("utf-8"))
    assert mc.read_bif(tmp_path / "utf8.bif").cod.name == "Café"


def test_partial_returns_the_tables_that_are_there():
    text = """
    variable A { type discrete [ 2 ] { t, f }; }
    variable B { type discrete [ 2 ] { t, f }; }
    variable C { type discrete [ 2 ] { t, f }; }
    probability ( B | A ) { (t) 0.1, 0.9; (f) 0.6, 0.4; }
    """
    with pytest.raises(mc.BifFormatError, match="no probability block.*partial=True"):
        mc.read_bif(text)
    cpts = mc.read_bif(text, partial=True)
    assert list(cpts) == ["B"]
    assert cpts["B"].dom.name == "A" and cpts["B"].name == "B"
    np.testing.assert_allclose(cpts["B"].matrix, [[0.1, 0.9], [0.6, 0.4]])


def _bnlearn(name):
    """The path of a bnlearn network that pgmpy ships, or None (as benchmarks/engine.py)."""
    spec = importlib.util.find_spec("pgmpy")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "utils" / "example_models" / f"{name}.bif.gz"
    return path if path.exists() else None


def test_shipped_bnlearn_gzip_file_reads_by_path():
    path = _bnlearn("asia")
    if path is None:
        pytest.skip("pgmpy's example models are not installed")
    net = mc.read_bif(path)
    assert len(net.cod.factors) == 8


# ---- C. resource safety -----------------------------------------------------------------
def _wide(n_parents: int, card: int = 2) -> str:
    decl = [
        f"variable P{i} {{ type discrete [ {card} ] {{ {', '.join(f's{j}' for j in range(card))} }}; }}"
        for i in range(n_parents)
    ]
    decl.append("variable C { type discrete [ 2 ] { a, b }; }")
    ps = ", ".join(f"P{i}" for i in range(n_parents))
    return "\n".join([*decl, f"probability ( C | {ps} ) {{ default 0.5, 0.5; }}"])


@pytest.mark.parametrize("n_parents", [31, 70, 200])
def test_huge_tables_are_refused_before_allocating(n_parents):
    text = _wide(n_parents)
    assert len(text) < 12_000
    with pytest.raises(mc.MemoryLimitError, match=r"probability \( C .*max_elements"):
        mc.read_bif(text)


def test_many_tables_are_counted_together(monkeypatch):
    monkeypatch.setattr(mc.config, "max_elements", 200)
    decl = [f"variable V{i} {{ type discrete [ 2 ] {{ a, b }}; }}" for i in range(20)]
    blocks = [
        f"probability ( V{i} | V{i - 1}, V{i - 2}, V{i - 3} ) {{ default 0.5, 0.5; }}"
        for i in range(3, 20)
    ]
    roots = [f"probability ( V{i} ) {{ table 0.5, 0.5; }}" for i in range(3)]
    with pytest.raises(mc.MemoryLimitError, match="in all"):
        mc.read_bif("\n".join([*decl, *roots, *blocks]))


@pytest.mark.parametrize("count", ["²", "٣", "9" * 5000, "-2", "2.0", "0x2"])
def test_odd_outcome_counts_are_format_errors(count):
    text = f"variable A {{ type discrete [ {count} ] {{ t, f }}; }}"
    with pytest.raises(mc.BifFormatError, match="declares"):
        mc.read_bif(text)


@pytest.mark.parametrize(
    "number", ["1e-999999999", "1e999999999", "1" * 2000 + "e-2000", "0." + "0" * 5000 + "1"]
)
def test_exact_reading_bounds_decimal_exponents(number):
    text = f"variable A {{ type discrete [ 2 ] {{ t, f }}; }}\nprobability ( A ) {{ table {number}, 1; }}"
    start = time.perf_counter()
    with pytest.raises(mc.BifFormatError, match="exactly|finite"):
        mc.read_bif(text, backend="sympy")
    assert time.perf_counter() - start < 30  # a hang is the bug; this only stops it


def test_exact_reading_of_small_decimals():
    text = "variable A { type discrete [ 2 ] { t, f }; }\nprobability ( A ) { table 1e-300, 1; }"
    p = mc.read_bif(text, backend="sympy")
    assert p.array[0] == sympy.Rational(1, 10**300) / (1 + sympy.Rational(1, 10**300))


_NAME = st.text(
    st.characters(blacklist_characters='"\n\r', blacklist_categories=("Cs",)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NAME, min_size=1, max_size=3, unique=True), st.data())
def test_every_written_file_reads_back(names, data):
    objs = [
        mc.Obj(n, tuple(data.draw(st.lists(_NAME, min_size=1, max_size=3, unique=True))))
        for n in names
    ]
    kernels = [mc.state(objs[0], np.full(objs[0].size, 1 / objs[0].size), name=names[0])]
    for o in objs[1:]:
        kernels.append(mc.kernel(objs[0], o, np.full((objs[0].size, o.size), 1 / o.size)))
    net = mc.bayesian_network(kernels)
    back = mc.read_bif(mc.write_bif(net))
    assert [f.name for f in back.cod.factors] == names
    assert [f.outcomes for f in back.cod.factors] == [o.outcomes for o in objs]


@pytest.mark.parametrize("name", ["a/*b", "a//b", "/*", "x*/y", "// c", "a /* b */ c"])
def test_comment_openers_in_names_read_back(name):
    s = mc.state(mc.Obj(name, (name + "1", "/*" + name)), [0.25, 0.75])
    back = mc.read_bif(mc.write_bif(s))
    assert back.cod == s.cod


def test_unclosed_comment_is_still_an_error():
    with pytest.raises(mc.BifFormatError, match="never closed"):
        mc.read_bif("variable A { type discrete [ 2 ] { t, f }; }\n/* never")


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.bif"
    path.write_text("variable A { type discrete [ 3 ] { t, f }; }")
    with pytest.raises(mc.BifFormatError, match="broken.bif"):
        mc.read_bif(path)


def test_a_long_chain_is_read():
    # 20,000 variables: reading and building are linear (about 1 s here; 0.1 took 38 s)
    n = 20_000
    out = [f"variable V{i} {{ type discrete [ 2 ] {{ a, b }}; }}" for i in range(n)]
    out.append("probability ( V0 ) { table 0.5, 0.5; }")
    out += [
        f"probability ( V{i} | V{i - 1} ) {{ (a) 0.9, 0.1; (b) 0.2, 0.8; }}" for i in range(1, n)
    ]
    net = mc.read_bif("\n".join(out))
    assert len(net.cod.factors) == n
    p_a = 0.5
    for _ in range(5):
        p_a = 0.9 * p_a + 0.2 * (1 - p_a)
    np.testing.assert_allclose(mc.marginal(net, [5]).array, [p_a, 1 - p_a], atol=1e-12)


# ---- D. tampered JSON -------------------------------------------------------------------
def _doc(rows=None, root=None, atoms=None):
    import json

    kernels = []
    if rows is not None:
        kernels = [
            {"name": "k", "dom": [], "cod": [0], "backend": "sympy", "encoding": "exact",
             "rows": rows}
        ]  # fmt: skip
    return json.dumps(
        {
            "format": "markovcat",
            "version": 1,
            "kind": "kernel" if root is None else "diagram",
            "atoms": atoms or [{"name": "B", "outcomes": [False, True]}],
            "kernels": kernels,
            "root": root or {"type": "kernel", "index": 0},
        }
    )


def _sym(i):
    return ["Symbol", f"s{i}", {"positive": True}]


def _trig_sum(n, fn):
    return [
        "Add",
        *[["Mul", f"1/{n}", ["Pow", [fn, ["Mul", str(i), _sym(0)]], "2"]] for i in range(1, n + 1)],
    ]


TAMPERED = {
    "power of an irrational": _doc([[["Pow", ["Pow", "2", "1/2"], str(10**30)], "0"]]),
    "power with a huge denominator": _doc([[["Pow", _sym(0), f"1/{10**30}"], "0"]]),
    "copy of 50,000 factors 65,536 times": _doc(
        root={"type": "copy", "obj": list(range(50_000)), "n": 65_536},
        atoms=[{"name": f"X{i}", "outcomes": [0]} for i in range(50_000)],
    ),
    "Max of hundreds of symbols": _doc([[["Max", *map(_sym, range(300))], "0"]]),
    "Min of hundreds of symbols": _doc([[["Min", *map(_sym, range(300))], "0"]]),
    "long trig sums": _doc([[_trig_sum(60, "sin"), _trig_sum(60, "cos")]]),
    "trig sums spread over a row": _doc([[_trig_sum(9, "sin"), _trig_sum(9, "cos")]]),
    "exp tower": _doc([[["exp", ["exp", ["exp", ["exp", "100"]]]], "0"]]),
    "short exp tower that overflows": _doc([[["exp", ["exp", ["exp", "1000"]]], "0"]]),
    "huge tree": _doc([[["Add", *(["1/3"] * 5000)], "0"]]),
    "list-valued node type": _doc(root={"type": ["kernel"], "index": 0}),
    "dict-valued node type": _doc(root={"type": {"a": 1}, "index": 0}),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_tampered_json_is_refused_quickly(name):
    start = time.perf_counter()
    with pytest.raises(mc.PersistenceError, match="mc.load: "):
        loads(TAMPERED[name])
    assert time.perf_counter() - start < 60  # a hang is the bug; this only stops it


@given(
    st.recursive(
        st.sampled_from(["0", "1", "1/2", "2", "-1", "10", ["pi"], ["E"], _sym(0)]),
        lambda kids: st.builds(
            lambda head, args: [head, *args],
            st.sampled_from(["Add", "Mul", "Max", "Min", "Pow", "exp", "log", "sin", "cos", "Abs"]),
            st.lists(kids, min_size=1, max_size=3),
        ),
        max_leaves=12,
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_expression_trees_load_or_are_refused(tree):
    try:
        loads(_doc([[tree, "0"]]))
    except mc.PersistenceError:
        pass


@pytest.mark.parametrize("backend", [None, "sympy"])
def test_sympy_floats_save_and_load(backend):
    k = mc.kernel(
        mc.I, mc.Bool, [sympy.Float(0.25), sympy.Float("0.75", 30)], backend=backend, name="f"
    )
    text = mc.save(k)
    again = loads(text)
    assert [float(x) for x in np.asarray(again.array).ravel()] == [0.25, 0.75]


def test_files_written_today_still_read():
    p = sympy.Symbol("p", positive=True)
    k = mc.kernel(
        mc.Bool,
        mc.Bool,
        [[p / (1 + p), 1 / (1 + p)], [sympy.sin(p) ** 2, sympy.cos(p) ** 2]],
        backend="sympy",
        name="k",
    )
    again = loads(dumps(k >> mc.copy(mc.Bool, 3)))
    assert str(again.parts[0].array[1, 0]) == "sin(p)**2"


# ---- E. round trips through pgmpy and pyAgrum -------------------------------------------
BNLEARN = [
    "asia", "cancer", "earthquake", "sachs", "survey", "alarm", "barley", "child",
    "insurance", "mildew", "water", "hailfinder", "hepar2", "win95pts", "andes", "diabetes",
    "pathfinder", "pigs", "link", "munin1", "munin2", "munin3", "munin4", "munin",
]  # fmt: skip
#: Networks whose round trip through a peer takes minutes (pgmpy's and pyAgrum's own
#: writers and readers on tens of thousands of rows): left out to keep the suite bounded.
#: pyAgrum's BIF grammar cannot spell some labels: ones starting with a digit (mildew,
#: water) and 'Asy/Patch' (child), neither bare nor quoted.
# pyAgrum's BIF reader refuses outcome labels that start with a digit (as in '2_5ABOVE')
PYAGRUM_REFUSES = {"mildew", "water", "child", "diabetes", "link", "munin1", "munin2"}
PYAGRUM_REFUSES |= {"munin3", "munin4"}
TOO_SLOW: set[str] = set()  # pgmpy's round trip of the largest (diabetes) takes about 15 s


def _tables(cpts):
    return {
        n: ([f.name for f in k.dom.factors], k.cod.outcomes, np.asarray(k.array, dtype=float))
        for n, k in cpts.items()
    }


def _assert_same(a, b, atol=0.0):
    """The same tables (exactly, by default); a peer may order variables and parents its
    own way."""
    assert sorted(a) == sorted(b)
    for name in a:
        (pa, oa, ta), (pb, ob, tb) = a[name], b[name]
        assert sorted(pa) == sorted(pb) and oa == ob, name
        tb = np.moveaxis(tb, [pb.index(p) for p in pa], list(range(len(pa))))
        np.testing.assert_allclose(ta, tb, rtol=0, atol=atol, err_msg=name)


@pytest.mark.parametrize("peer", ["pgmpy", "pyagrum"])
@pytest.mark.parametrize("name", BNLEARN)
def test_round_trip_through_peers_is_exact(name, peer, tmp_path):
    if peer == "pgmpy":
        readwrite = pytest.importorskip("pgmpy.readwrite")
    else:
        gum = pytest.importorskip("pyagrum")
    if name in TOO_SLOW:
        pytest.skip(f"{name}: the peers' round trip takes minutes")
    if peer == "pyagrum" and name in PYAGRUM_REFUSES:
        pytest.skip(f"{name}: pyAgrum's BIF reader refuses some of its outcome labels")
    path = _bnlearn(name)
    if path is None:
        pytest.skip(f"pgmpy does not ship {name}.bif.gz")
    ours = tmp_path / "ours.bif"
    theirs = tmp_path / "theirs.bif"
    mc.write_bif(mc.read_bif(path), ours)
    if peer == "pgmpy":
        model = readwrite.BIFReader(str(ours)).get_model()
        writer = readwrite.BIFWriter(model)
        (writer.write if hasattr(writer, "write") else writer.write_bif)(str(theirs))
    else:
        gum.saveBN(gum.loadBN(str(ours)), str(theirs))
    # pyAgrum's BIF reader keeps probabilities as float32: its files agree to that precision
    atol = 0.0 if peer == "pgmpy" else 1e-7
    original = _tables(mc.read_bif(path, partial=True))
    _assert_same(_tables(mc.read_bif(theirs, partial=True)), original, atol)
    # and markovcat's own round trip of the peer's file is exact
    again = mc.read_bif(mc.write_bif(mc.read_bif(theirs)), partial=True)
    _assert_same(_tables(again), _tables(mc.read_bif(theirs, partial=True)))


@pytest.mark.parametrize("head", [["Add"], {"a": 1}, 3])
def test_an_expression_head_that_is_not_a_name_is_refused(head):
    p = sympy.Symbol("p")
    doc = json.loads(mc.dumps(mc.state(mc.Bool, [p, 1 - p])))
    doc["kernels"][0]["rows"][0][1] = [head, "1/2"]
    with pytest.raises(mc.PersistenceError, match="head must be a name"):
        mc.loads(json.dumps(doc))


def test_diagrams_ten_thousand_deep_save_and_load():
    """A term nested 10,000 deep is saved as the flat graph of its generators and loads as
    an equal morphism of the free Markov category, with no recursion either way."""
    X = mc.Obj("X", 2)
    f, g = mc.Box("f", X, X), mc.Box("g", X, X @ X)
    d = deep_chain(f, g)
    text = mc.dumps(d)
    assert max(_json_depth(json.loads(text))) < 20
    back = mc.loads(text)
    assert mc.free_equal(back, d)
    assert mc.free_equal(mc.loads(mc.dumps(back)), d)


def _json_depth(doc):
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        yield depth
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((c, depth + 1) for c in children)
