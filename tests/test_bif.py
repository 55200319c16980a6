"""BIF reading and writing: networks written here by hand, checked against brute-force joints;
round trips; malformed text (hand-picked and fuzzed) raising BifFormatError."""

import itertools
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc

# ---- random networks, written to BIF by the test's own writer -------------------------------


@st.composite
def networks(draw, max_vars=5, max_card=3):
    """(names, states, parents, tables, block order): tables have axes (parents..., child)."""
    n = draw(st.integers(1, max_vars))
    names = [f"V{i}_{draw(st.sampled_from(['a', 'b', 'x']))}" for i in range(n)]
    states = [[f"s{j}" for j in range(draw(st.integers(2, max_card)))] for _ in range(n)]
    parents = []
    for i in range(n):
        ps = draw(st.lists(st.integers(0, i - 1), max_size=min(i, 3), unique=True)) if i else []
        parents.append(ps)
    tables = []
    for i in range(n):
        shape = [len(states[p]) for p in parents[i]] + [len(states[i])]
        w = (
            np.array(
                draw(
                    st.lists(
                        st.integers(0, 6),
                        min_size=int(np.prod(shape)),
                        max_size=int(np.prod(shape)),
                    )
                )
            )
            .reshape(shape)
            .astype(float)
        )
        w[..., 0] += 1  # no row of zeros
        tables.append(w / w.sum(axis=-1, keepdims=True))
    order = draw(st.permutations(range(n)))  # probability blocks in any order
    return names, states, parents, tables, list(order)


def to_bif(names, states, parents, tables, order, style="rows"):
    out = ["// written by the test", "network test {", '  property "a network";', "}"]
    for name, ss in zip(names, states):
        out += [
            f"variable {name} {{",
            f"  type discrete [ {len(ss)} ] {{ {', '.join(ss)} }};",
            "  property weight = None ;",
            "}",
        ]
    for i in order:
        head = (
            names[i]
            if not parents[i]
            else f"{names[i]} | {', '.join(names[p] for p in parents[i])}"
        )
        out.append(f"probability ( {head} ) {{")
        t = tables[i]
        if not parents[i] or style == "table":
            # the child's outcome slowest (JavaBayes, pgmpy, pyAgrum)
            flat = np.moveaxis(t, -1, 0).ravel()
            out.append("  table " + ", ".join(repr(float(x)) for x in flat) + ";")
        else:
            for idx in itertools.product(*(range(len(states[p])) for p in parents[i])):
                cfg = ", ".join(states[p][j] for p, j in zip(parents[i], idx))
                out.append(f"  ({cfg}) " + " ".join(repr(float(x)) for x in t[idx]) + ";")
        out.append("}")
    return "\n".join(out) + "\n"


def brute_joint(states, parents, tables):
    """The joint by enumerating every outcome and multiplying table entries."""
    shape = [len(s) for s in states]
    joint = np.zeros(shape)
    for x in itertools.product(*(range(k) for k in shape)):
        p = 1.0
        for i, t in enumerate(tables):
            p *= t[(*(x[q] for q in parents[i]), x[i])]
        joint[x] = p
    return joint


# ---- reading ---------------------------------------------------------------------------------
@given(networks(), st.sampled_from(["rows", "table"]))
def test_read_matches_brute_force_joint(net, style):
    names, states, parents, tables, order = net
    d = mc.read_bif(to_bif(names, states, parents, tables, order, style))
    assert [f.name for f in d.cod.factors] == names
    assert [list(f.values) for f in d.cod.factors] == states
    np.testing.assert_allclose(d.array, brute_joint(states, parents, tables), atol=1e-12)


def test_read_a_file_and_a_path(tmp_path):
    text = "variable A { type discrete [ 2 ] { t, f }; }\nprobability ( A ) { table 0.25, 0.75; }\n"
    f = tmp_path / "a.bif"
    f.write_text(text)
    for src in (f, str(f), text):
        assert mc.read_bif(src).array.tolist() == [0.25, 0.75]
    with pytest.raises(mc.BifFormatError, match="neither BIF text nor a readable file"):
        mc.read_bif(str(tmp_path / "missing.bif"))


def test_comments_quotes_default_and_odd_outcome_labels():
    text = """
    /* a block
       comment */ network "x y" { }
    variable "Age group" { type discrete [ 3 ] { <5, 5-12, 12+ }; }  // trailing
    variable B { type discrete [ 2 ] { Asy/Patchy, >=7.5 }; }
    probability ( B | "Age group" ) {
      default 0.5, 0.5;
      (5-12) 0.1 0.9;
    }
    probability ( "Age group" ) { table 0.2, 0.3, 0.5; }
    """
    d = mc.read_bif(text)
    assert d.cod.factors[0] == mc.Obj("Age group", ("<5", "5-12", "12+"))
    assert d.cod.factors[1].values == ("Asy/Patchy", ">=7.5")
    expected = np.array([[0.5, 0.5], [0.1, 0.9], [0.5, 0.5]]) * np.array([0.2, 0.3, 0.5])[:, None]
    np.testing.assert_allclose(d.array, expected, atol=1e-15)


def test_table_with_parents_lists_the_child_outcome_slowest():
    text = """
    variable A { type discrete [ 2 ] { a0, a1 }; }
    variable B { type discrete [ 2 ] { b0, b1 }; }
    variable C { type discrete [ 2 ] { c0, c1 }; }
    probability ( A ) { table 0.5, 0.5; }
    probability ( B ) { table 0.5, 0.5; }
    probability ( C | A, B ) { table 0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6; }
    """
    j = mc.read_bif(text).array
    # P(c0 | a0 b0), P(c0 | a0 b1), P(c0 | a1 b0), … then P(c1 | …): C | a1, b0 is (0.3, 0.7)
    np.testing.assert_allclose(j[1, 0] / j[1, 0].sum(), [0.3, 0.7])


def test_rows_within_tolerance_are_renormalised():
    text = (
        "variable A { type discrete [ 2 ] { t, f }; }\nprobability ( A ) { table 0.3000003, 0.7; }"
    )
    t = mc.read_bif(text).array
    assert t.sum() == pytest.approx(1.0, abs=1e-15)
    assert t[0] == pytest.approx(0.3000003 / 1.0000003, abs=1e-15)


def test_exact_backend_reads_decimals_exactly():
    text = (
        "variable A { type discrete [ 3 ] { x, y, z }; }\n"
        "probability ( A ) { table 0.1, 0.2, 0.7; }"
    )
    t = mc.read_bif(text, backend="sympy").array
    assert list(t) == [sympy.Rational(1, 10), sympy.Rational(1, 5), sympy.Rational(7, 10)]


def test_bayesian_network_matches_brute_force():
    A, B, C = mc.Obj("A", 2), mc.Obj("B", 3), mc.Obj("C", 2)
    rng = np.random.default_rng(3)

    def rows(shape):
        t = rng.random(shape)
        return t / t.sum(axis=-1, keepdims=True)

    ta, tb, tc = rows((2,)), rows((2, 3)), rows((3, 2, 2))
    kernels = [
        mc.kernel(B @ A, C, tc, name="C"),
        mc.state(A, ta, name="A"),
        mc.kernel(A, B, tb, name="B"),
    ]
    d = mc.bayesian_network(kernels)
    assert [f.name for f in d.cod.factors] == ["C", "A", "B"]
    joint = np.einsum("a,ab,bac->cab", ta, tb, tc)
    np.testing.assert_allclose(d.array, joint, atol=1e-15)
    with pytest.raises(mc.TypeMismatchError, match="cycle"):
        mc.bayesian_network([mc.kernel(A, B, tb), mc.kernel(B, A, rows((3, 2)))])
    with pytest.raises(mc.TypeMismatchError, match="no kernel in the list produces"):
        mc.bayesian_network([mc.kernel(A, B, tb)])


# ---- writing ---------------------------------------------------------------------------------
@given(networks())
def test_round_trip_read_write_read(net):
    names, states, parents, tables, order = net
    d1 = mc.read_bif(to_bif(names, states, parents, tables, order))
    text = mc.write_bif(d1)
    d2 = mc.read_bif(text)
    assert d2.cod == d1.cod
    np.testing.assert_array_equal(d2.array, d1.array)
    assert mc.write_bif(d2) == text  # the structure survives, not only the joint


def test_write_to_a_path_and_of_a_plain_joint(tmp_path):
    A, B = mc.Obj("A", ("a0", "a1")), mc.Obj("B", ("b0", "b1", "b2"))
    t = np.array([[0.1, 0.2, 0.0], [0.0, 0.0, 0.7]])
    joint = mc.state(A @ B, t)
    f = tmp_path / "j.bif"
    assert mc.write_bif(joint, f) is None  # to a file: nothing back, as mc.save
    assert f.read_text() == mc.write_bif(joint)  # no path: the text, as mc.save(obj)
    back = mc.read_bif(f)
    np.testing.assert_allclose(back.array, t, atol=1e-15)
    assert "probability ( B | A )" in f.read_text()


def test_write_refuses_what_bif_cannot_spell():
    with pytest.raises(mc.BifFormatError, match="used twice"):
        mc.write_bif(mc.state(mc.Bool @ mc.Bool, [0.25] * 4))
    with pytest.raises(mc.BifFormatError, match="cannot be written"):
        mc.write_bif(mc.state(mc.Obj("A", ('say "hi"', "b")), [0.5, 0.5]))
    with pytest.raises(mc.TypeMismatchError, match="expected a state"):
        mc.write_bif(mc.identity(mc.Bool))
    quoted = mc.state(mc.Obj("my var", ("x y", "z")), [0.5, 0.5])
    assert mc.read_bif(mc.write_bif(quoted)).cod == quoted.cod


# ---- malformed input -------------------------------------------------------------------------
GOOD = """variable A { type discrete [ 2 ] { t, f }; }
variable B { type discrete [ 2 ] { t, f }; }
probability ( A ) { table 0.5, 0.5; }
probability ( B | A ) {
  (t) 0.5, 0.5;
  (f) 0.1, 0.9;
}
"""


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        ("(f) 0.1, 0.9;", "(f) 0.1, 0.8;", 6, "sums to 0.9"),
        ("(f) 0.1, 0.9;", "(t) 0.1, 0.9;", 6, "given twice"),
        ("(f) 0.1, 0.9;", "", 4, "no row for the parent outcomes"),
        ("(f) 0.1, 0.9;", "(g) 0.1, 0.9;", 6, "unknown outcome 'g'"),
        ("(f) 0.1, 0.9;", "(f) 0.1, x;", 6, "expected a number, given 'x'"),
        ("(f) 0.1, 0.9;", "(f) -0.1, 1.1;", 6, ">= 0"),
        ("(f) 0.1, 0.9;", "(f) 0.1, 0.9, 0.0;", 6, "3 probabilities"),
        ("( B | A )", "( B | C )", 4, "unknown variable 'C'"),
        ("( A ) { table 0.5, 0.5;", "( A | B ) { table 0.5, 0.5, 0.5, 0.5;", 3, "cycle"),
        ("[ 2 ] { t, f }; }\nvariable B", "[ 3 ] { t, f }; }\nvariable B", 1, "declares"),
        ("variable B", "variable A", 2, "declared twice"),
        ("probability ( A ) { table 0.5, 0.5; }", "", 1, "no probability block"),
        ("table 0.5, 0.5;", "table 0.5, 0.5", 3, "expected 2 probabilities, given 15"),
        ("{ t, f }; }\nvariable B", "{ t, f }; }\n/* never closed\nvariable B", 2, "never closed"),
        ("variable B", "varible B", 2, "expected 'network', 'variable' or 'probability'"),
        ("type discrete", "type continuous", 1, "only discrete"),
    ],
)
def test_malformed_input_names_the_line(old, new, line, message):
    assert old in GOOD
    with pytest.raises(mc.BifFormatError, match=re.escape(message)) as info:
        mc.read_bif(GOOD.replace(old, new, 1))
    assert f"BIF line {line}:" in str(info.value)


def test_good_text_reads():
    j = mc.read_bif(GOOD).array
    np.testing.assert_allclose(j, [[0.25, 0.25], [0.05, 0.45]])


TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "|",
    "variable",
    "probability",
    "table",
    "default",
    "type",
    "discrete",
    "network",
    "property",
    "t",
    "f",
    "A",
    "B",
    "0.5",
    "2",
    '"',
    "/*",
    "//",
    "nan",
    "-1",
    "\n",
]


@given(st.data())
def test_fuzzed_bif_text_raises_only_bif_format_error(data):
    toks = re.findall(r"\S+|\n", GOOD)
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        if not toks:
            break
        i = data.draw(st.integers(0, len(toks) - 1))
        if kind == "delete":
            del toks[i]
        elif kind == "insert":
            toks.insert(i, data.draw(st.sampled_from(TOKENS)))
        elif kind == "replace":
            toks[i] = data.draw(st.sampled_from(TOKENS))
        else:
            toks = toks[:i]
    text = " ".join(toks)
    try:
        d = mc.read_bif(text if "{" in text or "\n" in text else text + "\n")
    except mc.BifFormatError as e:
        assert re.match(r"BIF line \d+: ", str(e)) or "mc.read_bif" in str(e)
    else:  # still a valid network: a joint state that sums to 1
        assert float(np.asarray(d.array).sum()) == pytest.approx(1.0)


@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_bif_format_error(text):
    try:
        mc.read_bif(text + "\n")
    except mc.BifFormatError:
        pass


def test_fractions_in_exact_tables_sum_to_one():
    text = GOOD.replace("0.1, 0.9", "0.1000001, 0.9")
    d = mc.read_bif(text, backend="sympy")
    rows = np.asarray(d.array, dtype=object)
    assert sum(rows.ravel()) == 1
    ratio = Fraction(1000001, 10000000) / Fraction(10000001, 10000000)
    assert rows[1, 0] == sympy.Rational(1, 2) * sympy.Rational(ratio.numerator, ratio.denominator)
