"""The command line and the tour, every example script and every notebook run (and each
notebook is stored with fresh outputs), and the tree is ruff clean."""

import copy
import pathlib
import re
import shutil
import subprocess
import sys
from fractions import Fraction

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


def cli(capsys, *args):
    """``python -m markovcat ARGS`` in this process: (exit status, stdout, stderr)."""
    from markovcat.__main__ import main

    try:
        rc = main(list(args))
    except SystemExit as exc:  # --help
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_help_says_what_markovcat_is(capsys):
    rc, out, _ = cli(capsys, "--help")
    assert rc == 0
    assert "probabilistic programming" in out and "Markov kernels" in out
    assert "tour" in out and "``" not in out  # commands listed, no raw markup


def test_tour_is_a_transcript_and_runs_in_parts(capsys):
    rc, out, _ = cli(capsys, "tour", "--list")
    names = [line.split()[1] for line in out.splitlines()]
    assert rc == 0 and names[:3] == ["objects", "kernels", "composition"]
    rc, out, err = cli(capsys, "tour", "bayes")
    assert rc == 0, err
    assert ">>> dagger = mc.bayes_invert(test, prior)" in out
    assert "P(ill | positive) = 2/13" in out and "P(positive)" not in out
    rc, out, _ = cli(capsys, "tour", "3", "--float")
    assert rc == 0 and "P(positive) = 0.0585" in out  # 117/2000
    rc, _, err = cli(capsys, "tour", "nope")
    assert rc == 2 and "no step 'nope'" in err


def test_the_tour_code_is_what_runs(capsys):
    """Pasting the transcript's lines into Python gives the values it shows."""
    _, out, _ = cli(capsys, "tour")
    code = [ln[4:] for ln in out.splitlines() if ln.startswith((">>> ", "... "))]
    namespace = {}
    exec("\n".join(code).replace("print(", "(lambda *a, **k: None)("), namespace)
    assert namespace["dagger"]["positive"]["ill"] == Fraction(2, 13)
    assert "2 steps, all checked" in out


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


#: Parts of outputs that differ from run to run or machine to machine.
_VOLATILE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),  # object addresses
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s)\b"), "<time>"),  # timings
    (re.compile(r"(\d\.\d{4})\d+"), r"\1"),  # float digits past the fourth decimal
    (re.compile(r"\s+"), " "),
]


def text_outputs(nb) -> list[list[str]]:
    """Per code cell: what it printed (stdout, however the kernel split it into chunks),
    then the text/plain and the kinds of each value it showed, normalised. Warnings on
    stderr are left out: they depend on the machine."""
    cells = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        printed, shown = "", []
        for o in c.get("outputs", []):
            if o.output_type == "stream":
                printed += o.text if o.name == "stdout" else ""
            elif o.output_type in ("execute_result", "display_data"):
                data = o.get("data", {})
                shown.append(data.get("text/plain", "") + "|" + ",".join(sorted(data)))
            else:
                shown.append(f"{o.output_type}: {o.get('ename', '')}")
        texts = []
        for t in [printed, *shown]:
            for pattern, repl in _VOLATILE:
                t = pattern.sub(repl, t)
            if t.strip():
                texts.append(t.strip())
        cells.append(texts)
    return cells


def test_the_freshness_check_sees_stale_outputs_only():
    nbformat = pytest.importorskip("nbformat")
    v4 = nbformat.v4
    cell = v4.new_code_cell("print(x)")
    cell.outputs = [v4.new_output("stream", name="stdout", text="p = 0.123456789\n")]
    nb = v4.new_notebook(cells=[cell])
    same = copy.deepcopy(nb)  # split into chunks, an address, fewer digits: still fresh
    same.cells[0].outputs = [
        v4.new_output("stream", name="stdout", text="p = 0.1234"),
        v4.new_output("stream", name="stdout", text="5\n"),
        v4.new_output("stream", name="stderr", text="a warning at 0x7f3a\n"),
    ]
    assert text_outputs(nb) == text_outputs(same)
    stale = copy.deepcopy(nb)
    stale.cells[0].outputs[0].text = "p = 0.2\n"
    assert text_outputs(nb) != text_outputs(stale)
    empty = copy.deepcopy(nb)
    empty.cells[0].outputs = []
    assert text_outputs(nb) != text_outputs(empty)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    """Each notebook runs without errors, and its stored outputs (which the docs site
    shows) are what running it gives now: text compared after normalising addresses,
    timings and float digits, figures by their kinds."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    stored = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(stored)
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
    fresh, kept = text_outputs(nb), text_outputs(stored)
    stale = [i for i, (a, b) in enumerate(zip(fresh, kept)) if a != b]
    assert not stale, (
        f"{path.name} is stored with stale or missing outputs (code cells {stale}, e.g. "
        f"stored {kept[stale[0]]} but ran {fresh[stale[0]]}); store fresh ones with "
        f"`python notebooks/make_notebooks.py {path.name}`"
    )


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
