"""Law-based tests of a user's own kernels, written the way a markovcat user writes them.

The first part (between the ``--8<--`` markers) is the example on the documentation page
"Test your own kernels": docs/testing.md includes it from this file, so the example in
the docs is a test that runs. The second part checks that the one-call helper and the
pytest plugin report what they should.
"""

# --8<-- [start:user]
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import markovcat as mc
from markovcat import laws

Disease = mc.Obj("Disease", ("healthy", "ill"))
Reading = mc.Obj("Reading", ("low", "medium", "high"))


def sensor(noise: Fraction) -> mc.Kernel:
    """Reads low when healthy and high when ill, except with probability ``noise``,
    which it splits evenly between the two other readings."""
    right, wrong = 1 - noise, noise / 2
    return mc.kernel(
        Disease,
        Reading,
        {
            "healthy": {"low": right, "medium": wrong, "high": wrong},
            "ill": {"low": wrong, "medium": wrong, "high": right},
        },
        name="sensor",
    )


# The family under test: a sensor for every noise level from 0 (a perfect, deterministic
# sensor) to 1/2, as exact fractions so that the sympy backend checks the laws exactly.
noise_levels = st.fractions(0, Fraction(1, 2), max_denominator=50)
sensors = noise_levels.map(sensor)


def test_the_sensor_obeys_every_law(mc_check_family):
    # runs once per backend (numpy, jax, sympy); raises a LawError with a report of every
    # law that failed, and otherwise returns the report
    report = mc_check_family(sensors, max_examples=5)
    assert "bayes_law" in report.passed and "deterministic_closure" in report.passed


@given(noise=noise_levels, p_ill=st.fractions(0, 1, max_denominator=100))
def test_bayes_law_for_every_prior(mc_backend, mc_atol, noise, p_ill):
    f = sensor(noise).to(mc_backend)
    prior = mc.state(Disease, [1 - p_ill, p_ill], backend=mc_backend)
    laws.check_bayes_law(f, prior, atol=mc_atol)
    laws.check_bayes_state_preservation(f, prior, atol=mc_atol)


def test_a_high_reading_against_bayes_rule_on_paper(mc_backend):
    noise, p_ill = Fraction(1, 10), Fraction(1, 100)
    prior = mc.state(Disease, [1 - p_ill, p_ill], backend=mc_backend)
    inverse = mc.bayes_invert(sensor(noise).to(mc_backend), prior)  # Reading → Disease
    on_paper = p_ill * (1 - noise) / (p_ill * (1 - noise) + (1 - p_ill) * noise / 2)
    assert abs(float(inverse.matrix[2, 1]) - float(on_paper)) < 1e-12


# --8<-- [end:user]

# ---- the helper and the plugin themselves ----------------------------------------------------------
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def test_a_rounded_table_is_caught_with_the_size_of_the_error():
    thirds = [[0.333333] * 3, [0.333333] * 3]  # rows sum to 0.999999: accepted by mc.kernel
    rounded = mc.kernel(Disease, Reading, thirds, name="rounded")
    report = laws.check_kernel_family(rounded, max_examples=2, raise_on_failure=False)
    assert not report.ok and "delete_naturality" in report.failed
    (detail,) = [o.detail for o in report.outcomes if o.law == "delete_naturality"]
    assert f"{1 - 3 * 0.333333:.3g}" in detail  # by how much: 1e-06, computed here
    assert "rounded" in detail  # on which inputs
    with pytest.raises(laws.LawError, match="FAIL delete_naturality"):
        laws.check_kernel_family(rounded, max_examples=2, only="markov")


def test_laws_that_need_a_deterministic_kernel_apply_exactly_when_there_is_one():
    functions = laws.deterministic_kernels(Disease, Reading)
    noisy = laws.kernels(Disease, Reading, zeros=False)  # every entry positive: never 0/1
    need = {"deterministic_closure", "deterministic_entropy"}
    with_functions = laws.check_kernel_family(functions, max_examples=3, only=list(need))
    with_noise = laws.check_kernel_family(noisy, max_examples=3, only=list(need))
    assert set(with_functions.passed) == need
    assert set(with_noise.not_applicable) == need


def test_states_get_the_state_laws_and_kernels_the_kernel_laws():
    joint = laws.joint_states(max_factors=2, max_outcomes=2, min_factors=2)
    report = laws.check_kernel_family(joint, max_examples=3, only=["inference", "information"])
    # a state has no input to invert or process; it has closed-form entropies
    assert {"bayes_law", "data_processing", "mutual_information"} <= set(report.not_applicable)
    assert {"disintegration", "entropy_closed_forms", "chain_rule"} <= set(report.passed)


def test_only_selects_groups_and_names_and_rejects_unknown_ones():
    f = sensor(Fraction(1, 5))
    report = laws.check_kernel_family(f, max_examples=1, only=["markov", "bayes_law"])
    expected = {
        "delete_naturality",
        "units",
        "associativity",
        "interchange",
        "positivity",
        "causality",
    }
    assert {o.law for o in report.outcomes} == expected | {"swap_naturality", "bayes_law"}
    with pytest.raises(mc.InvalidArgumentError, match="no_such_law"):
        laws.check_kernel_family(f, only=["no_such_law"])
    with pytest.raises(mc.TypeMismatchError, match="factory"):
        laws.check_kernel_family(np.eye(2))


def test_a_factory_of_random_kernels_and_a_readable_report():
    def random_walk(rng):  # a lazy random walk on a cycle of 4 states
        stay = rng.uniform(0.1, 0.9)
        table = np.zeros((4, 4))
        for i in range(4):
            table[i, i] = stay
            table[i, (i + 1) % 4] = (1 - stay) / 2
            table[i, (i - 1) % 4] = (1 - stay) / 2
        return mc.kernel(mc.Obj("S", 4), mc.Obj("S", 4), table, name="walk")

    report = laws.check_kernel_family(random_walk, max_examples=3, name="random walks")
    assert report.ok and str(report).startswith("laws of random walks: ")
    assert len(report.passed) + len(report.not_applicable) == len(laws.FAMILY_LAWS)


PLUGIN_TEST = """
import markovcat as mc
from markovcat import laws

def test_backend_and_atol(mc_backend, mc_atol):
    assert mc_backend in ("numpy", "sympy") and mc_atol == 1e-7

def test_family(mc_check_family, mc_backend):
    report = mc_check_family(laws.kernels(mc.Bool, mc.Bool), max_examples=2, only="markov")
    assert report.ok
"""


def run_pytest(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_plugin_works_in_a_project_without_conftest(tmp_path):
    (tmp_path / "test_mine.py").write_text(PLUGIN_TEST)
    r = run_pytest(tmp_path, "--markovcat-backends=sympy,numpy", "--markovcat-atol=1e-7")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "markovcat: mc_backend in ['sympy', 'numpy'], mc_atol = 1e-07" in r.stdout
    for test in ("test_backend_and_atol", "test_family"):
        for backend in ("sympy", "numpy"):
            assert f"{test}[{backend}] PASSED" in r.stdout
    bad = run_pytest(tmp_path, "--markovcat-backends=tensorflow")
    assert bad.returncode == 4 and "tensorflow" in bad.stderr
