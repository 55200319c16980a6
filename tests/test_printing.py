"""print(k): kernels as labelled tables; repr unchanged; pandas / xarray exports; named
most_probable. Expected texts are built here from the numbers given, not from the code."""

from fractions import Fraction

import numpy as np
import pytest

import markovcat as mc

Rain = mc.Obj("Rain", ("no", "yes"))
Wet = mc.Obj("Wet", ("dry", "damp", "soaked"))


def cells(line):
    return line.split()


def test_a_state_prints_one_row_of_labelled_probabilities():
    p = mc.state(Wet, [0.5, 0.25, 0.25], name="wet")
    lines = str(p).splitlines()
    assert lines[0] == "wet : I → Wet"
    assert cells(lines[1]) == ["dry", "damp", "soaked"]
    assert cells(lines[2]) == ["0.5", "0.25", "0.25"]
    assert len(lines) == 3


def test_a_kernel_prints_rows_for_inputs_and_columns_for_outputs():
    table = [[0.7, 0.2, 0.1], [0.125, 0.375, 0.5]]
    k = mc.kernel(Rain, Wet, table, name="ground")
    lines = str(k).splitlines()
    assert lines[0] == "ground : Rain → Wet"
    assert cells(lines[1]) == ["dry", "damp", "soaked"]
    for line, label, row in zip(lines[2:], Rain.outcomes, table, strict=True):
        assert cells(line) == [label, *(f"{v:.4g}" for v in row)]
    # columns line up: every row is as wide as the header (right-aligned numbers)
    assert len({len(line) for line in lines[1:]}) == 1


def test_products_label_outcomes_by_their_factors_joined():
    k = mc.kernel(Rain, Rain @ mc.Bool, [[0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75]])
    lines = str(k).splitlines()
    assert lines[0] == "kernel : Rain → Rain ⊗ Bool"
    header = lines[1]
    for label in ("no, False", "no, True", "yes, False", "yes, True"):
        assert label in header


def test_exact_kernels_print_fractions_and_say_so():
    p = mc.state(
        Rain @ mc.Bool, [[Fraction(1, 2), Fraction(1, 6)], [Fraction(1, 12), Fraction(1, 4)]]
    )
    lines = str(p).splitlines()
    assert lines[0].endswith("(sympy)")
    assert cells(lines[2].replace(",", "")) == ["1/2", "1/6", "1/12", "1/4"]


def test_large_kernels_are_truncated_in_the_middle():
    n = 30
    X = mc.Obj("X", tuple(range(n)))
    rng = np.random.default_rng(0)
    table = rng.dirichlet(np.ones(n), size=n)
    lines = str(mc.kernel(X, X, table, name="big")).splitlines()
    assert lines[-1] == f"[{n} rows x {n} columns]"
    body = lines[2:-1]
    assert len(body) == 11  # first 5 rows, the ellipsis row, last 5 rows
    assert [cells(r)[0] for r in body] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "…",
        "25",
        "26",
        "27",
        "28",
        "29",
    ]
    head = cells(lines[1])
    assert head == ["0", "1", "2", "3", "…", "26", "27", "28", "29"]
    last = cells(body[-1])
    assert last[1:5] == [f"{v:.4g}" for v in table[29, :4]]
    assert last[-1] == f"{table[29, 29]:.4g}"


def test_repr_stays_unambiguous_and_names_stay_inline():
    k = mc.kernel(Rain, mc.Bool, [[0.9, 0.1], [0.2, 0.8]], name="wet")
    assert repr(k) == (
        "kernel(Obj('Rain', ('no', 'yes')), Obj('Bool', (False, True)), "
        "[[0.9, 0.1], [0.2, 0.8]], name='wet')"
    )
    assert f"{k}" == "wet" and format(k) == "wet"
    prior = mc.state(Rain, [0.7, 0.3], name="prior")
    assert str(prior >> k) == "prior >> wet"
    assert str(mc.kernel(Rain, mc.Bool, [[1, 0], [0, 1]]) @ k) == "kernel(Rain → Bool) @ wet"


def test_print_works_on_every_backend(backend):
    k = mc.kernel(Rain, mc.Bool, [[0.5, 0.5], [0.25, 0.75]], name="f").to(backend)
    lines = str(k).splitlines()
    assert lines[0].startswith("f : Rain → Bool")
    expected = {"numpy": ["0.25", "0.75"], "jax": ["0.25", "0.75"], "sympy": ["1/4", "3/4"]}
    assert cells(lines[3]) == ["yes", *expected[backend]]


def test_to_pandas_labels_rows_and_columns():
    pd = pytest.importorskip("pandas")
    table = [[0.7, 0.2, 0.1], [0.125, 0.375, 0.5]]
    df = mc.to_pandas(mc.kernel(Rain, Wet, table, name="ground"))
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == ["no", "yes"] and list(df.columns) == ["dry", "damp", "soaked"]
    assert df.index.name == "Rain" and df.columns.name == "Wet"
    assert df.loc["yes", "soaked"] == 0.5
    joint = mc.state(Rain @ mc.Bool, [[0.5, 0.25], [0.125, 0.125]], name="j")
    jf = joint.to_dataframe()
    assert list(jf.columns.names) == ["Rain", "Bool"]
    assert jf.loc["j", ("yes", False)] == 0.125


def test_to_xarray_names_one_dimension_per_factor():
    pytest.importorskip("xarray")
    table = np.arange(12, dtype=float).reshape(2, 2, 3)
    table /= table.sum(axis=-1, keepdims=True)
    k = mc.kernel(Rain @ mc.Bool, Wet, table, name="g")
    a = mc.to_xarray(k)
    assert a.dims == ("Rain", "Bool", "Wet") and a.name == "g"
    assert float(a.sel(Rain="yes", Bool=False, Wet="soaked")) == pytest.approx(table[1, 0, 2])
    twice = mc.to_xarray(mc.kernel(Rain, Rain, [[1, 0], [0, 1]]))
    assert twice.dims == ("Rain", "Rain'")


def test_to_pandas_without_pandas_says_what_to_install(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    monkeypatch.delitem(__import__("sys").modules, "pandas", raising=False)
    with pytest.raises(mc.MarkovCatError, match="pip install pandas"):
        mc.to_pandas(mc.state(Rain, [0.5, 0.5]))


def test_most_probable_by_name_matches_brute_force():
    rng = np.random.default_rng(3)
    A, B, C = mc.Obj("A", 3), mc.Obj("B", 2), mc.Obj("C", 3)
    a = mc.state(A, rng.dirichlet(np.ones(3)), name="A")
    b = mc.kernel(A, B, rng.dirichlet(np.ones(2), size=3), name="B")
    c = mc.kernel(B, C, rng.dirichlet(np.ones(3), size=2), name="C")
    net = mc.bayesian_network([a, b, c])
    # brute force: the joint by hand, conditioned on C = 2
    joint = np.einsum("a,ab,bc->abc", a.array, b.matrix, c.matrix)
    post = joint[:, :, 2] / joint[:, :, 2].sum()
    i, j = np.unravel_index(np.argmax(post), post.shape)
    named, p = mc.most_probable(net, {"C": 2}, by_name=True)
    assert named == {"A": A.outcomes[i], "B": B.outcomes[j], "C": 2}
    assert float(p) == pytest.approx(post[i, j])
    keep_b, pb = mc.most_probable(net, {"C": 2}, keep=["B"], by_name=True)
    assert keep_b == {"B": B.outcomes[int(np.argmax(post.sum(axis=0)))]}
    assert float(pb) == pytest.approx(post.sum(axis=0).max())


def test_most_probable_by_name_needs_unique_names():
    twice = mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool)
    with pytest.raises(mc.TypeMismatchError, match="unique"):
        mc.most_probable(twice, by_name=True)
