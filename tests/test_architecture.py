"""The architecture as checked contracts: layers one way down (import-linter), no
function-level imports of markovcat's own modules, and a clean type check (mypy)."""

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "markovcat"

#: Imports allowed inside functions: optional dependencies, loaded only when used.
OPTIONAL = {"jax", "cotengra", "cairosvg", "dask", "distributed", "pandas", "xarray"}
#: The pytest plugin loads the laws (hypothesis strategies) only when a fixture asks.
LAZY = {
    ("pytest_plugin.py", "markovcat.laws"),
    ("__init__.py", "markovcat.backends._jax"),  # the JAX backend needs JAX: on demand
}


def tool(name):
    found = shutil.which(name) or str(pathlib.Path(sys.executable).parent / name)
    if not pathlib.Path(found).exists():
        pytest.skip(f"{name} is not installed (it comes with the test extra)")
    return found


def test_the_layers_contract_holds():
    r = subprocess.run(
        [tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_the_layers_contract_can_fail(tmp_path):
    """A copy of the package with one upward import breaks the contract."""
    copy = tmp_path / "markovcat"
    shutil.copytree(PACKAGE, copy)
    (copy / "_objects.py").write_text(
        (copy / "_objects.py").read_text() + "\nfrom ._engine import plan  # upward\n"
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    r = subprocess.run(
        [tool("lint-imports"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode != 0 and "markovcat._objects" in r.stdout


def _function_imports(path):
    """Absolute names of the modules imported inside functions of ``path``."""
    package = list(path.relative_to(ROOT).parts[:-1])  # the package the file belongs to
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                yield from (a.name for a in inner.names)
            elif isinstance(inner, ast.ImportFrom):
                if not inner.level:
                    yield inner.module or ""
                    continue
                base = package[: len(package) - inner.level + 1]
                if inner.module:
                    yield ".".join([*base, inner.module])
                else:
                    yield from (".".join([*base, a.name]) for a in inner.names)


def test_no_function_level_imports_but_optional_dependencies():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _function_imports(path):
            top = name.split(".")[0]
            if top in OPTIONAL or (path.name, name) in LAZY:
                continue
            found.append(f"{path.relative_to(ROOT)}: {name}")
    assert not found, found


def test_mypy_finds_no_errors():
    r = subprocess.run(
        [tool("mypy"), "--no-incremental", "--config-file", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and "Success" in r.stdout, r.stdout[-3000:] + r.stderr[-2000:]


def test_every_seam_has_its_meaning_after_import():
    import markovcat as mc
    from markovcat import _seam

    for name in _seam.PROVIDERS:
        assert callable(_seam.meaning(name)), name
    table = mc.state(mc.Bool, [0.5, 0.5])._repr_html_()
    assert "<table" in table and "0.5" in table
