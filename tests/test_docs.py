"""The documentation: the site builds with ``mkdocs build --strict`` (broken links, missing
pages or references and failing examples fail the build), its pages render in headless
Chromium without console errors and with the string diagrams drawn, and every public name
has a docstring with an example.

The build goes to a temporary folder (or to ``$MARKOVCAT_DOCS_SITE`` when set); the browser
screenshots are kept in ``<site>/_screenshots/``. Without mkdocs or Chromium installed the
corresponding tests skip with a reason: ``pip install -e '.[test]'`` installs the first,
``apt-get install chromium`` the second (``.ci/run`` does both).
"""

import base64
import contextlib
import fcntl
import functools
import http.server
import importlib.util
import inspect
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import sys
import threading
import time

import pytest

import markovcat as mc

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS_PACKAGES = (
    "mkdocs",
    "material",
    "mkdocstrings",
    "mkdocstrings_handlers.python",
    "mkdocs_jupyter",
)


def missing_docs_packages():
    missing = []
    for name in DOCS_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


def mkdocs_build(config, out, cwd):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    missing = missing_docs_packages()
    if missing:
        pytest.skip(f"the docs packages {missing} are not installed (pip install -e '.[test]')")
    chosen = os.environ.get("MARKOVCAT_DOCS_SITE")
    out = pathlib.Path(chosen) if chosen else tmp_path_factory.mktemp("docs") / "site"
    r = mkdocs_build(ROOT / "mkdocs.yml", out, ROOT)
    assert r.returncode == 0, f"mkdocs build --strict failed:\n{r.stderr[-6000:]}"
    return out


# ---- the build ------------------------------------------------------------------------------------


def test_every_page_notebook_and_the_changelog_are_built(site):
    pages = [p.relative_to(ROOT / "docs").with_suffix("") for p in (ROOT / "docs").rglob("*.md")]
    pages = [p for p in pages if p.parts[0] != "hooks"]
    assert pathlib.Path("testing") in pages and pathlib.Path("concepts/laws") in pages
    for page in pages:
        html = site / ("index.html" if page.name == "index" else page / "index.html")
        assert html.exists(), f"docs/{page}.md was not built"
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 7
    for nb in notebooks:
        html = (site / "notebooks" / nb.stem / "index.html").read_text()
        assert "jupyter-wrapper" in html, f"{nb.name} is not rendered as a page"
        assert 'class="mc-notebook-links"' in html and f'href="{nb.name}"' in html
        assert (site / "notebooks" / nb.stem / nb.name).exists(), "the download link is broken"
    gallery = (site / "notebooks" / "index.html").read_text()
    assert all(nb.stem in gallery for nb in notebooks), "the gallery index misses a notebook"
    assert "0.1.0" in (site / "CHANGELOG" / "index.html").read_text()


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def stored_figures(nb) -> int:
    """How many figures the stored notebook shows: outputs with an image and no HTML
    (an output with both, such as a diagram with its table, is shown as the table)."""
    data = [
        o.get("data", {}) for c in json.loads(nb.read_text())["cells"] for o in c.get("outputs", [])
    ]
    return sum(1 for d in data if "text/html" not in d and any(m.startswith("image/") for m in d))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_every_gallery_page_shows_its_outputs(site, nb):
    """Notebooks are stored with their outputs (tests/test_cli_and_examples.py checks
    they are fresh), so each gallery page shows its figures and results, and no error."""
    html = (site / "notebooks" / nb.stem / "index.html").read_text()
    shown = html.count('class="jp-RenderedSVG') + html.count('class="jp-RenderedImage')
    assert shown >= stored_figures(nb), f"{nb.name}: figures are missing from its page"
    assert html.count('class="jp-OutputArea-child') >= 3, f"{nb.name}: its outputs are missing"
    assert "Traceback (most recent call last)" not in html, f"{nb.name} shows an error"


def test_the_api_reference_documents_every_public_name(site):
    html = "".join(p.read_text() for p in (site / "api").rglob("*.html"))
    anchors = set(re.findall(r'id="(markovcat\.[\w.]+)"', html))
    names = [n for n in mc.__all__ if not n.startswith("__") and n != "backends"]
    missing = [n for n in names if f"markovcat.{n}" not in anchors]
    assert not missing, (
        f"public names without an API entry: {missing}; add `::: markovcat.<name>` to a page "
        "in docs/api/"
    )
    for law in ("check_kernel_family", "check_bayes_law", "check_chain_rule", "kernels"):
        assert f"markovcat.laws.{law}" in anchors
    prompt = '<span class="gp">&gt;&gt;&gt; </span>'  # a highlighted doctest prompt
    assert html.count(prompt) > 100, "doctest examples should be highlighted code blocks"
    assert "&gt;&gt;&gt; import" not in html.replace(prompt, ""), "a doctest left as text"


def test_the_test_your_own_kernels_page_shows_the_test_file(site):
    html = (site / "testing" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    source = (ROOT / "tests" / "test_user_laws.py").read_text()
    user = source.split("# --8<-- [start:user]\n")[1].split("# --8<-- [end:user]")[0]
    for line in user.splitlines():
        if line.strip().startswith(("def ", "@given", "report = ")):
            assert line.strip() in text.replace("&gt;", ">").replace("&quot;", '"')
    assert "FAIL delete_naturality" in text  # the failure example ran during the build


def test_executed_pages_show_diagrams_and_output(site):
    html = (site / "concepts" / "laws" / "index.html").read_text()
    assert html.count('<div class="mc-diagram">') >= 4
    assert html.count('class="box') >= 2 and 'class="wire"' in html
    assert "True" in html and "False" in html  # holds() and check() outputs were printed


def test_strict_builds_fail_on_broken_links_and_references(tmp_path):
    missing = missing_docs_packages()
    if missing:
        pytest.skip(f"the docs packages {missing} are not installed")
    config = (ROOT / "mkdocs.yml").read_text()
    validation = re.search(r"^validation:\n(?:[ \t].*\n)+", config, re.M)[0]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "# Broken\n\n[a page](no-such-page.md) and [a name][markovcat.no_such_name]\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: broken\nplugins:\n  - autorefs\n{validation}nav:\n  - index.md\n"
    )
    r = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site", tmp_path)
    assert r.returncode != 0
    assert "no-such-page.md" in r.stderr and "markovcat.no_such_name" in r.stderr


# ---- docstrings -----------------------------------------------------------------------------------

#: Public names that still lack a runnable example in their docstring (tell their owners);
#: every other public name must have one, and no new name may join this list.
WITHOUT_EXAMPLE: set[str] = set()


def test_public_names_have_docstrings_with_examples():
    no_doc, no_example = [], []
    for name in mc.__all__:
        obj = getattr(mc, name)
        if isinstance(obj, str):  # __version__
            continue
        own = inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismodule(obj)
        doc = (obj.__doc__ if own else type(obj).__doc__) or ""
        if not doc.strip():
            no_doc.append(name)
        elif ">>>" not in doc:
            no_example.append(name)
    assert not no_doc, f"public names without a docstring: {no_doc}"
    assert set(no_example) <= WITHOUT_EXAMPLE, (
        f"public names without an example: {sorted(set(no_example) - WITHOUT_EXAMPLE)}"
    )


# ---- the browser ----------------------------------------------------------------------------------


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, executable, profile, log):
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()
        # the child's ends go above fd 10 first, so that the shell can put them on 3 and 4
        a = fcntl.fcntl(commands_r, fcntl.F_DUPFD, 10)
        b = fcntl.fcntl(replies_w, fcntl.F_DUPFD, 10)
        os.close(commands_r)
        os.close(replies_w)
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--window-size=1280,900",
            "about:blank",
        ]
        script = f'exec "$0" "$@" 3<&{a} 4>&{b} {a}<&- {b}>&-'  # bash: fds above 9
        self.proc = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", script, executable, *flags],
            pass_fds=(a, b),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        os.close(a)
        os.close(b)
        self._buffer = b""
        self._id = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply is None:
                raise TimeoutError(f"no reply to {method} in {timeout} s")
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def pump(self, seconds, until=None):
        """Collect events for ``seconds``, or until one with method ``until`` arrives."""
        if until and any(e.get("method") == until for e in self.events):
            return True
        deadline = time.monotonic() + seconds
        while (event := self._read(deadline)) is not None:
            self.events.append(event)
            if until and event.get("method") == until:
                return True
        return False

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._commands)
        os.close(self._replies)


def console_errors(events, session):
    errors = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
    return errors


DIAGRAMS_JS = """
(() => {
  const figures = [...document.querySelectorAll('.mc-diagram svg')];
  return figures.map(svg => {
    svg.scrollIntoView({block: 'center'});
    const r = svg.getBoundingClientRect();
    const box = svg.querySelector('[class~="box"]');
    let hit = false;
    if (box) {
      const b = box.getBoundingClientRect();
      hit = svg.contains(document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2));
    }
    const g = svg.querySelector('g.diagram');
    const bbox = g ? g.getBBox() : {width: 0, height: 0};
    return {width: r.width, height: r.height, wires: svg.querySelectorAll('path.wire').length,
            boxes: svg.querySelectorAll('[class~="box"]').length, hit: hit,
            drawn: bbox.width * bbox.height};
  });
})()
"""


@pytest.fixture(scope="module")
def browser(site, tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with open(profile.parent / "chromium.log", "wb") as log:
        chrome = Chromium(executable, profile, log)
        try:
            yield chrome
        finally:
            chrome.close()


@contextlib.contextmanager
def serving(directory):
    """A local HTTP server for ``directory`` (pages over http://, as a deployed site)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(site):
    with serving(site) as url:
        yield url


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def open_page(chrome, url, screenshot):
    target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    for domain in ("Page", "Runtime", "Log"):
        chrome.send(f"{domain}.enable", session=session)
    chrome.send("Page.navigate", {"url": url}, session=session)
    assert chrome.pump(30, until="Page.loadEventFired"), f"{url} did not load"
    chrome.pump(1.0)  # late errors: scripts run after load
    diagrams = chrome.send(
        "Runtime.evaluate", {"expression": DIAGRAMS_JS, "returnByValue": True}, session=session
    )["result"]["value"]
    chrome.pump(0.3)
    if diagrams:
        chrome.send(
            "Runtime.evaluate",
            {
                "expression": "document.querySelector('.mc-diagram').scrollIntoView({block: 'center'})"
            },
            session=session,
        )
    png = chrome.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.write_bytes(base64.b64decode(png))
    errors = console_errors(chrome.events, session)
    chrome.send("Target.closeTarget", {"targetId": target})
    return diagrams, errors


@pytest.mark.parametrize(
    "page, expected_diagrams",
    [
        ("", 1),
        ("concepts/laws/", 4),
        ("testing/", 0),
        ("api/laws/", 0),
        ("string-diagrams/", 8),
    ],
    ids=["start page", "laws page", "testing page", "api page", "string diagrams page"],
)
def test_pages_render_in_chromium(site, server, browser, page, expected_diagrams):
    name = page.strip("/").replace("/", "-") or "index"
    screenshot = site / "_screenshots" / f"{name}.png"
    diagrams, errors = open_page(browser, f"{server}/{page}", screenshot)
    assert not errors, f"console errors on /{page}: {errors}"
    assert len(diagrams) >= expected_diagrams
    for d in diagrams:
        assert d["width"] > 20 and d["height"] > 20, d
        assert d["drawn"] > 0 and d["wires"] >= 1, d
        if d["boxes"]:
            assert d["hit"], f"a box of a diagram on /{page} is not on screen where drawn: {d}"
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000, "the screenshot is empty"


NOTEBOOK_JS = """
(() => {
  const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
  const figures = outputs.filter(o => o.querySelector('svg, img'));
  const drawn = figures.filter(o => {
    const r = o.querySelector('svg, img').getBoundingClientRect();
    return r.width > 20 && r.height > 20;
  });
  const errors = outputs.filter(o => /Traceback \\(most recent call last\\)/.test(o.textContent));
  return {outputs: outputs.length, figures: figures.length, drawn: drawn.length,
          errors: errors.length};
})()
"""


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_gallery_pages_render_their_figures_in_chromium(site, server, browser, nb):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    browser.send("Page.enable", session=session)
    browser.events.clear()  # wait for this page's load event, not an earlier page's
    browser.send("Page.navigate", {"url": f"{server}/notebooks/{nb.stem}/"}, session=session)
    assert browser.pump(30, until="Page.loadEventFired"), f"{nb.name} did not load"
    found = browser.send(
        "Runtime.evaluate", {"expression": NOTEBOOK_JS, "returnByValue": True}, session=session
    )["result"]["value"]
    browser.send("Target.closeTarget", {"targetId": target})
    assert found["figures"] >= stored_figures(nb) and found["drawn"] == found["figures"], found
    assert found["errors"] == 0, found


def test_the_browser_check_sees_console_errors_and_undrawn_diagrams(browser, tmp_path):
    (tmp_path / "index.html").write_text(
        "<html><body><p>broken</p><img src='missing.png'>"
        "<div class='mc-diagram'><svg width='0' height='0'><g class='diagram'></g></svg></div>"
        "<script>console.error('boom'); undefined_function();</script></body></html>"
    )
    with serving(tmp_path) as url:
        diagrams, errors = open_page(browser, f"{url}/", tmp_path / "shot.png")
    text = " ".join(errors)
    assert "boom" in text and "undefined_function" in text and "404" in text, errors
    assert diagrams == [{"width": 0, "height": 0, "wires": 0, "boxes": 0, "hit": False, "drawn": 0}]
