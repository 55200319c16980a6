"""mkdocs hooks for the markovcat site (listed under ``hooks:`` in mkdocs.yml).

* The notebook gallery: ``notebooks/README.md`` becomes the page ``notebooks/`` and every
  ``notebooks/*.ipynb`` a page of its own (rendered by mkdocs-jupyter), listed in the nav
  after the gallery index; and
  ``CHANGELOG.md`` the page ``CHANGELOG/``: those files live in one place only, outside
  ``docs/``.
* Notebook pages show the outputs stored in the notebook (``notebooks/make_notebooks.py``
  runs each one and stores them; the test suite checks that they are fresh), with a link
  to download the ``.ipynb`` and the command that opens it in Jupyter.
* Executable pages: on a page whose front matter says ``execute: true``, every
  ```` ```python ```` block runs, in order, in one namespace per page that starts with
  ``import markovcat as mc`` (in a temporary working directory). What a block prints is
  shown below it. A block opened with ```` ```python draw ```` also shows the string
  diagram its last expression evaluates to, as markovcat's own inline SVG. A block that
  raises fails the build, so every example on those pages is tested by ``mkdocs build``.
  Blocks that include a file with ``--8<--`` (pymdownx.snippets) are left alone: the
  included file is a test and runs in the test suite.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import pathlib
import re
import tempfile
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = pathlib.Path(__file__).resolve().parents[2]

FENCE = re.compile(r"^```python(?P<flags>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)


# ---- the gallery in the navigation -------------------------------------------------------------------
def on_config(config: Any) -> Any:
    """Append every notebook, in file-name order, to the nav section holding the gallery index."""
    notebooks = [f"notebooks/{p.name}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    for section in config["nav"] or []:
        for entries in section.values() if isinstance(section, dict) else []:
            if isinstance(entries, list) and "notebooks/README.md" in entries:
                entries.extend(nb for nb in notebooks if nb not in entries)
    return config


# ---- files that live outside docs/ ---------------------------------------------------------------
@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config: Any) -> Files:
    paths = [ROOT / "CHANGELOG.md", ROOT / "notebooks/README.md"]
    paths += sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        if path.exists():
            uri = path.relative_to(ROOT).as_posix()  # notebooks/README.md is notebooks/index
            files.append(File(uri, str(ROOT), config["site_dir"], config["use_directory_urls"]))
    return files


# ---- executable pages ------------------------------------------------------------------------------
def _split_last_expression(code: str) -> tuple[str, str | None]:
    """The block without its last statement, and that statement when it is an expression."""
    tree = ast.parse(code)
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body.pop()
        return ast.unparse(tree), ast.unparse(last)
    return code, None


def _svg(value: Any) -> str:
    import markovcat as mc

    drawing = value if isinstance(value, mc.Drawing) else getattr(value, "draw", lambda: None)()
    if not isinstance(drawing, mc.Drawing):
        raise TypeError(
            f"a `python draw` block must end in a diagram, given {type(value).__name__}"
        )
    svg = "\n".join(line for line in drawing.svg.splitlines() if line.strip())
    return f'<div class="mc-diagram">\n{svg}\n</div>'


def _run(code: str, flags: str, namespace: dict[str, Any], where: str) -> str:
    body, last = _split_last_expression(code)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(body, where, "exec"), namespace)
            value = eval(compile(last, where, "eval"), namespace) if last else None
    except Exception as exc:
        raise PluginError(
            f"{where}: the example raised {type(exc).__name__}: {exc}\n{code}"
        ) from exc
    parts = [f"```python\n{code}```"]
    printed = out.getvalue()
    if printed.strip():
        parts.append(f'```text title="output"\n{printed.rstrip()}\n```')
    if "draw" in flags.split():
        parts.append(_svg(value))
    return "\n\n".join(parts) + "\n"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if not page.meta.get("execute"):
        return markdown
    import markovcat as mc

    namespace: dict[str, Any] = {"mc": mc, "__name__": "__docs__"}
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if "--8<--" in match["code"]:  # a snippet included from a test file: runs there
            return match[0]
        count += 1
        where = f"docs/{page.file.src_uri}, python block {count}"
        return _run(match["code"], match["flags"], namespace, where)

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            return FENCE.sub(replace, markdown)
        finally:
            os.chdir(here)


# ---- notebook pages: a download / open link ---------------------------------------------------
def on_post_page(output: str, page: Any, config: Any) -> str:
    src = page.file.src_uri
    if not src.endswith(".ipynb"):
        return output
    name = pathlib.PurePosixPath(src).name
    links = (
        f'<p class="mc-notebook-links"><a href="{name}" download>Download {name}</a> · '
        f"open it with <code>jupyter lab {src}</code> in a clone of the repository "
        f"(<code>pip install -e '.[notebooks]'</code>)</p>\n"
    )
    marker = '<div class="jupyter-wrapper">'
    return output.replace(marker, links + marker, 1) if marker in output else output
