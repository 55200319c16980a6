"""Bayesian networks to and from pgmpy and pyAgrum (optional: the tests that need a peer
skip without it; pgmpy ships the bnlearn BIF files).

Round trips are checked for exact equality of every table, name, state name and parent
order; posterior marginals against the peers' own inference engines (pgmpy's variable
elimination, pyAgrum's lazy propagation). Tables read by pgmpy's and pyAgrum's own BIF
parsers are compared with markovcat's ``read_bif`` (an independent parser). A few
networks run by default; ``MARKOVCAT_ALL_BNLEARN=1`` runs the round trips on every
bnlearn network pgmpy ships (about 20 s)."""

import gzip
import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

import markovcat as mc

# pgmpy's own imports warn about its coming renames (FutureWarning); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

NETWORKS = ["asia", "cancer", "sachs", "child", "alarm", "insurance"]


def bif_dir() -> Path | None:
    spec = importlib.util.find_spec("pgmpy")
    if spec is None or spec.origin is None:
        return None
    d = Path(spec.origin).parent / "utils" / "example_models"
    return d if d.exists() else None


def bif_text(name: str) -> str:
    d = bif_dir()
    if d is None or not (d / f"{name}.bif.gz").exists():
        pytest.skip(f"{name}.bif.gz is shipped with pgmpy, which is not installed")
    return gzip.open(d / f"{name}.bif.gz", "rt", encoding="latin-1").read()


def all_networks() -> list[str]:
    d = bif_dir()
    if d is None or not os.environ.get("MARKOVCAT_ALL_BNLEARN"):
        return NETWORKS
    return sorted(p.name.removesuffix(".bif.gz") for p in d.glob("*.bif.gz"))


def same_network(a, b) -> None:
    """Exactly the same variables (names, outcomes), parents in order, and tables."""
    va, pa, ka = mc.io.structure(a)
    vb, pb, kb = mc.io.structure(b)
    assert [(v.name, v.outcomes) for v in va] == [(v.name, v.outcomes) for v in vb]
    assert pa == pb
    for x, y in zip(ka, kb, strict=True):
        assert x.name == y.name
        assert np.array_equal(np.asarray(x.table), np.asarray(y.table)), x.name


@pytest.fixture(scope="module")
def pgmpy():
    return pytest.importorskip("pgmpy")


@pytest.fixture(scope="module")
def gum():
    return pytest.importorskip("pyagrum")


@pytest.mark.parametrize("name", all_networks())
def test_round_trips_through_pgmpy_and_pyagrum_are_exact(pgmpy, gum, name):
    net = mc.read_bif(bif_text(name))
    same_network(mc.from_pgmpy(mc.to_pgmpy(net)), net)
    same_network(mc.from_pyagrum(mc.to_pyagrum(net)), net)


def test_a_pgmpy_model_comes_back_bit_for_bit(pgmpy):
    from pgmpy.readwrite import BIFReader

    model = BIFReader(string=bif_text("cancer")).get_model()
    net = mc.from_pgmpy(model)
    again = mc.to_pgmpy(net)
    assert list(again.nodes()) == list(model.nodes())
    assert set(again.edges()) == set(model.edges())
    for node in model.nodes():
        c1, c2 = model.get_cpds(node), again.get_cpds(node)
        assert c1.variables == c2.variables and c1.state_names == c2.state_names
        assert np.array_equal(c1.get_values(), c2.get_values())
    # pgmpy's BIF parser and markovcat's agree on every table
    ref = mc.read_bif(bif_text("cancer"))
    for x, y in zip(mc.io.structure(net)[2], mc.io.structure(ref)[2], strict=True):
        np.testing.assert_allclose(np.asarray(x.table), np.asarray(y.table), rtol=0, atol=1e-12)


def test_posterior_marginals_equal_pgmpys_variable_elimination(pgmpy):
    from pgmpy.inference import VariableElimination

    net = mc.read_bif(bif_text("asia"))
    model = mc.to_pgmpy(net)
    evidence = {"xray": "yes", "smoke": "no"}
    ours = mc.posterior_marginals(net, evidence, by_name=True)
    ve = VariableElimination(model)
    for f in net.cod.factors:
        if f.name in evidence:
            continue
        q = ve.query([f.name], evidence=evidence, show_progress=False)
        theirs = [q.get_value(**{f.name: o}) for o in f.outcomes]
        mine = [float(ours[f.name][o]) for o in f.outcomes]
        name = f.name
        assert mine == pytest.approx(theirs, abs=1e-12), name


@pytest.mark.parametrize("name", ["alarm", "insurance"])
def test_posterior_marginals_equal_pyagrums_lazy_propagation(gum, name):
    net = mc.read_bif(bif_text(name))
    bn = mc.to_pyagrum(net)
    factors = net.cod.factors
    evidence = {factors[-1].name: factors[-1].outcomes[0], factors[3].name: factors[3].outcomes[1]}
    ie = gum.LazyPropagation(bn)
    ie.setEvidence({k: str(v) for k, v in evidence.items()})
    ie.makeInference()
    ours = mc.posterior_marginals(net, evidence, by_name=True)
    for f in factors:
        theirs = ie.posterior(f.name).toarray()
        np.testing.assert_allclose(np.asarray(ours[f.name].array), theirs, atol=1e-10, rtol=0)


def test_pyagrums_own_bif_reader_agrees_with_read_bif(gum, tmp_path):
    path = tmp_path / "asia.bif"
    path.write_text(bif_text("asia"))
    net = mc.from_pyagrum(gum.loadBN(str(path)))
    ref = mc.read_bif(path)
    assert [f.name for f in net.cod.factors] == [f.name for f in ref.cod.factors]
    ka, kb = mc.io.structure(net)[2], mc.io.structure(ref)[2]
    for x, y in zip(ka, kb, strict=True):
        assert x.dom == y.dom and x.cod == y.cod
        # pyAgrum's BIF parser keeps single precision (0.01 reads as 0.0099999997...)
        np.testing.assert_allclose(np.asarray(x.table), np.asarray(y.table), rtol=0, atol=1e-7)


def test_pyagrum_labels_are_strings(gum):
    # a network with boolean and integer labels comes back with str labels, same numbers
    A, B = mc.Obj("A", (0, 1, 2)), mc.Obj("B", (False, True))
    net = mc.bayesian_network(
        [mc.state(A, [0.2, 0.3, 0.5], name="A"), mc.kernel(A, B, [[1, 0], [0.5, 0.5], [0, 1]])]
    )
    back = mc.from_pyagrum(mc.to_pyagrum(net))
    assert [f.outcomes for f in back.cod.factors] == [("0", "1", "2"), ("False", "True")]
    assert np.array_equal(np.asarray(back.array), np.asarray(net.array))


def test_clear_errors_for_what_is_not_a_network():
    not_a_network = mc.state(mc.Bool, [0.5, 0.5]) >> mc.copy(mc.Bool)  # one variable, twice
    with pytest.raises(mc.TypeMismatchError, match="Bayesian network"):
        mc.to_pgmpy(not_a_network)
    with pytest.raises(mc.TypeMismatchError, match="Bayesian network"):
        mc.to_pyagrum(mc.kernel(mc.Bool, mc.Bool, [[1, 0], [0, 1]]))
    with pytest.raises(mc.TypeMismatchError, match="DiscreteBayesianNetwork"):
        mc.from_pgmpy(42)
    with pytest.raises(mc.TypeMismatchError, match="BayesNet"):
        mc.from_pyagrum("asia")


def test_missing_peers_say_what_to_install():
    if importlib.util.find_spec("pgmpy") is None:
        net = mc.bayesian_network([mc.state(mc.Bool, [0.5, 0.5], name="Bool")])
        with pytest.raises(mc.MarkovCatError, match="pip install pgmpy"):
            mc.to_pgmpy(net)
    if importlib.util.find_spec("pyagrum") is None:
        net = mc.bayesian_network([mc.state(mc.Bool, [0.5, 0.5], name="Bool")])
        with pytest.raises(mc.MarkovCatError, match="pip install pyagrum"):
            mc.to_pyagrum(net)
