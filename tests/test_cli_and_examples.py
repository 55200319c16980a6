"""The tour, every example script and every notebook run, and the tree is ruff clean."""

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def run(*args, **kw):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=600, **kw
    )


def test_tour_runs_and_is_exact():
    r = run("-m", "markovcat", "tour")
    assert r.returncode == 0, r.stderr
    assert "P(positive) = 117/2000" in r.stdout
    assert "marginal(joint, [0]) == prior: True" in r.stdout
    assert "P(ill | positive) = 2/13" in r.stdout  # (1/100 · 9/10) / (117/2000)
    assert "test† @ id): True" in r.stdout


def test_version():
    from markovcat import __version__

    r = run("-m", "markovcat", "--version")
    assert r.returncode == 0 and r.stdout.strip() == f"markovcat {__version__}"


def test_there_are_examples_and_notebooks():
    assert EXAMPLES and NOTEBOOKS


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path):
    r = run(str(path))
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors


def test_ruff_clean():
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")
    if not pathlib.Path(ruff).exists():
        pytest.skip("ruff not installed")
    r = subprocess.run(
        [ruff, "check", "markovcat", "tests", "examples", "benchmarks"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout
