"""Saving and loading objects, kernels and whole diagrams as versioned JSON (never pickle).

``mc.save(obj, path)`` writes one JSON document; ``mc.load(path)`` reads it back, validating
everything: an unknown format or version, a missing or unknown field, a table of the wrong
shape or one that is not stochastic, or a symbolic entry outside the whitelist below is
rejected with :class:`PersistenceError`. Loading never executes code: JSON is parsed by
:mod:`json`, and symbolic entries are rebuilt from a tree of whitelisted sympy constructors,
not by ``eval``, ``sympify`` or ``pickle``.

The format (version 1)::

    {
      "format": "markovcat", "version": 1,
      "kind": "object" | "kernel" | "diagram",
      "atoms": [{"name": "X", "outcomes": [label, ...]}, ...],
      "kernels": [{"name": str | null, "dom": [atom, ...], "cod": [atom, ...],
                   "backend": "numpy" | "jax" | "sympy", "encoding": "float64" | "exact",
                   "rows": [[entry, ...], ...]}, ...],
      "root": <object> | <diagram>
    }

- An *object* is the list of its atomic factors, as indices into ``atoms`` (``[]`` is
  ``mc.I``). A kernel used several times in a diagram is stored once and shared on loading.
- A *diagram* is a tree of nodes: ``{"type": "box", "name", "dom", "cod"}``,
  ``{"type": "kernel", "index"}``, ``{"type": "identity", "obj"}``,
  ``{"type": "copy", "obj", "n"}``, ``{"type": "delete", "obj"}``,
  ``{"type": "swap", "left", "right"}``, ``{"type": "seq" | "par", "parts": [...]}``.
- *Labels* (outcomes) are JSON strings, integers, booleans, ``null`` and finite numbers for
  ``str``, ``int``, ``bool``, ``None`` and ``float``; ``{"float": "nan" | "inf" | "-inf"}``
  for the others; ``{"tuple": [label, ...]}`` for tuples of labels. Nothing else is stored.
- *Rows*: the table as its ``(|dom|, |cod|)`` matrix, outcomes in lexicographic order.
  ``float64`` entries are JSON numbers written with Python's shortest round-trip ``repr``,
  so every float comes back bit for bit (JAX tables are stored as float64 too).
  ``exact`` entries are ``"p"`` or ``"p/q"`` strings for integers and rationals, or trees
  ``[head, arg, ...]`` with head ``Add``, ``Mul``, ``Pow``, ``exp``, ``log``, ``Abs``,
  ``Max``, ``Min``, ``sin``, ``cos``; ``["Symbol", name, {assumption: bool}]``;
  ``["Float", mantissa, exponent, precision]`` (exactly ``mantissa * 2**exponent``);
  ``["pi"]`` and ``["E"]``.

>>> import markovcat as mc
>>> from markovcat.io import dumps, loads
>>> X = mc.Obj("X", ("a", "b"))
>>> f = mc.kernel(X, mc.Bool, [[0.1, 0.9], [1.0, 0.0]], name="f")
>>> g = loads(dumps(f >> mc.copy(mc.Bool)))
>>> str(g), g.parts[0].matrix.tolist()
('f >> copy(Bool)', [[0.1, 0.9], [1.0, 0.0]])
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .. import backends
from .._diagram import Diagram
from .._errors import PersistenceError
from .._kernel import Kernel
from .._objects import Obj, Object, Product
from ._json_read import _fields, _Reader
from ._json_write import _Writer, flat_if_deep

FORMAT = "markovcat"
VERSION = 1


# ---- saving -----------------------------------------------------------------------------------
def dumps(obj: Object | Diagram) -> str:
    """The JSON text that :func:`save` writes.

    >>> import markovcat as mc
    >>> from markovcat.io import dumps
    >>> dumps(mc.Bool)
    '{"format": "markovcat", "version": 1, "kind": "object", "atoms": [{"name": "Bool", "outcomes": [false, true]}], "kernels": [], "root": [0]}'
    """
    w = _Writer()
    root: Any
    if isinstance(obj, (Obj, Product)):
        kind, root = "object", w.obj(obj)
    elif isinstance(obj, Diagram):
        kind = "kernel" if isinstance(obj, Kernel) else "diagram"
        root = w.diagram(flat_if_deep(obj))
    else:
        raise PersistenceError(
            f"mc.save: expected an object (mc.Obj or a product), a kernel or a diagram, "
            f"given {type(obj).__name__}"
        )
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "atoms": w.atoms,
        "kernels": w.kernels,
        "root": root,
    }
    try:
        return json.dumps(doc, allow_nan=False)
    except ValueError as exc:  # e.g. an integer outcome beyond Python's str conversion limit
        raise PersistenceError(f"mc.save: cannot write {obj} as JSON ({exc})") from None


def save(obj: Object | Diagram, path: str | os.PathLike[str] | None = None) -> str | None:
    """Write an object, kernel or diagram to ``path`` as versioned JSON (see the module
    doc); without a path, return the text (:func:`dumps`), as :func:`mc.write_bif` does.

    >>> import markovcat as mc, tempfile, os
    >>> p = mc.state(mc.Bool, [0.25, 0.75], name="p")
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> mc.save(p, path)
    >>> mc.load(path).array.tolist()
    [0.25, 0.75]
    """
    text = dumps(obj)
    if path is None:
        return text
    Path(_path(path, "save")).write_text(text, encoding="utf-8")
    return None


def _path(path: Any, fn: str) -> str | os.PathLike[str]:
    if not isinstance(path, (str, os.PathLike)):
        raise PersistenceError(
            f"mc.{fn}: expected a file path (str or os.PathLike), given {path!r}"
        )
    if "\x00" in os.fsdecode(path):  # the OS would refuse it with a ValueError
        raise PersistenceError(f"mc.{fn}: the file path {path!r:.80} contains a null byte")
    return path


# ---- loading ----------------------------------------------------------------------------------
def _reject_constant(token: str) -> None:
    raise PersistenceError(f"mc.load: {token} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise PersistenceError(f"mc.load: the key {k!r} appears twice in one JSON object")
        out[k] = v
    return out


def loads(text: str | bytes, *, backend: str | None = None) -> Object | Diagram:
    """Read the JSON text that :func:`dumps` writes (see :func:`load`).

    >>> import markovcat as mc
    >>> from markovcat.io import dumps, loads
    >>> loads(dumps(mc.Bool @ mc.Obj("Y", 3))).shape
    (2, 3)
    """
    if backend is not None:
        backends.load(backend)
    try:
        doc = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except PersistenceError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8
        raise PersistenceError(f"mc.load: not a markovcat JSON file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise PersistenceError(f"mc.load: expected format {FORMAT!r}, given {found!r:.80}")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise PersistenceError(
            f"mc.load: this markovcat reads format version {VERSION}, given {version!r:.80}; "
            "a newer file needs a newer markovcat"
        )
    doc = _fields(doc, "the document", ("format", "version", "kind", "atoms", "kernels", "root"))
    kind = doc["kind"]
    if kind not in ("object", "kernel", "diagram"):
        raise PersistenceError(
            f"mc.load: kind: expected 'object', 'kernel' or 'diagram', given {kind!r:.80}"
        )
    try:
        reader = _Reader(doc, backend)
        if kind == "object":
            return reader.obj(doc["root"], "root")
        result = reader.diagram(doc["root"], "root")
    except RecursionError:
        raise PersistenceError("mc.load: the file nests too deeply") from None
    if (kind == "kernel") != isinstance(result, Kernel):
        raise PersistenceError(f"mc.load: kind {kind!r} does not match the root node")
    return result


def load(path: str | os.PathLike[str], *, backend: str | None = None) -> Object | Diagram:
    """Read an object, kernel or diagram written by :func:`save`, validating everything.

    Float tables (numpy and JAX ones alike) load as numpy float64, exact tables as sympy;
    ``backend=`` moves every kernel to that backend instead. Malformed or tampered files
    raise :class:`PersistenceError`; nothing in the file is ever executed.

    >>> import markovcat as mc, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> from pathlib import Path
    >>> _ = Path(path).write_text('{"format": "markovcat", "version": 99}')
    >>> try:
    ...     mc.load(path)
    ... except mc.PersistenceError as e:
    ...     print(type(e).__name__)
    PersistenceError
    """
    data = Path(_path(path, "load")).read_bytes()
    return loads(data, backend=backend)


__all__ = ["FORMAT", "VERSION", "dumps", "load", "loads", "save"]
