"""The BIF tokenizer and parser: text to variables and probability blocks, nothing evaluated.

A small hand-written tokenizer and recursive-descent parser; it never evaluates anything
from the file. It accepts ``//`` and ``/* */`` comments, ``property`` lines (ignored),
tables given as ``table …`` (the child's outcome slowest, see ``_bif_tables``), as one row
per parent configuration ``(a, b) p1, p2;`` or with a ``default`` row, and names in double
quotes (which may hold ``//`` and ``/*``). Separators ``,`` and ``|`` between names may be
left out: ``{ "true" "false" }`` and ``probability ( "light-on" "family-out" )`` are read. Numbers stay strings here; tables are built
and checked in ``_bif_tables``. Errors are :class:`BifFormatError` with the line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .._errors import BifFormatError

_PUNCT = frozenset("{}()[],;|")
#: One scan finds comments, quoted names, punctuation and bare words together, so that a
#: ``//`` or ``/*`` inside a quoted name is part of the name, not a comment. A bare word
#: may contain ``/`` but not a comment opener.
_TOKEN = re.compile(
    r'//[^\n]*|/\*.*?\*/|/\*|"[^"\n]*"|[{}()\[\],;|]|(?:[^\s{}()\[\],;|"/]|/(?![/*]))+|"',
    re.S,
)
_IGNORABLE = frozenset(",|")  # separators that may be left out between names


# ---- tokens -----------------------------------------------------------------------------
class _Tokens:
    """The token list of a BIF text; line numbers are computed only for error messages."""

    def __init__(self, text: str, source: str | None = None) -> None:
        self.text = text
        self.source = source  # the file, named in errors
        toks = _TOKEN.findall(text)
        if "/*" in toks:
            start = next(m.start() for m in _TOKEN.finditer(text) if m.group() == "/*")
            raise BifFormatError(
                f"{self.at_line(text.count(chr(10), 0, start) + 1)}a /* comment is never closed"
            )
        self.toks: list[str] = [x for x in toks if not x.startswith(("//", "/*"))]
        self.pos = 0

    def line(self, k: int) -> int:
        """The line of token ``k`` (1-based); past the end, the last line."""
        n = 0
        for m in _TOKEN.finditer(self.text):
            if m.group().startswith(("//", "/*")):
                continue
            if n == k:
                return self.text.count("\n", 0, m.start()) + 1
            n += 1
        return self.text.count("\n") + 1

    def error(self, msg: str, k: int | None = None) -> BifFormatError:
        k = self.pos if k is None else k
        return BifFormatError(f"{self.at_line(self.line(k))}{msg}")

    def at_line(self, n: int) -> str:
        """The prefix of an error message: ``BIF line n: `` (and the file, if any)."""
        return f"BIF line {n}{f' of {self.source!r}' if self.source else ''}: "

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, what: str) -> str:
        tok = self.peek()
        if tok is None:
            raise self.error(f"expected {what}, but the file ends")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        got = self.take(repr(tok))
        if got != tok:
            raise self.error(f"expected {tok!r}, given {got!r}", self.pos - 1)

    def name(self, what: str) -> str:
        tok = self.take(what)
        if tok in _PUNCT or tok == '"':
            raise self.error(f"expected {what}, given {tok!r}", self.pos - 1)
        return tok[1:-1] if tok.startswith('"') else tok

    def names_until(self, end: str, what: str) -> list[str]:
        """Names up to (and consuming) ``end``, separated by ``,``, ``|`` or whitespace."""
        out: list[str] = []
        while True:
            tok = self.peek()
            if tok in _IGNORABLE:
                self.pos += 1
            elif tok == end and out:
                self.pos += 1
                return out
            else:
                out.append(self.name(what))

    def numbers(self) -> tuple[list[str], int]:
        """The number tokens up to the next ';' (commas optional), and the first's index."""
        start = self.pos
        try:
            end = self.toks.index(";", start)
        except ValueError:
            raise self.error("expected numbers ending with ';', but the file ends") from None
        nums = [t for t in self.toks[start:end] if t != ","]
        self.pos = end + 1
        return nums, start

    def skip_statement(self) -> None:
        """Skip a ``property …;`` statement."""
        try:
            self.pos = self.toks.index(";", self.pos) + 1
        except ValueError:
            raise self.error("expected ';' after property, but the file ends") from None


# ---- parsed network ---------------------------------------------------------------------
@dataclass
class _Variable:
    name: str
    states: list[str]
    tok: int


@dataclass
class _Block:
    child: str
    parents: list[str]
    tok: int
    table: tuple[list[str], int] | None = None
    default: tuple[list[str], int] | None = None
    rows: list[tuple[list[str], list[str], int]] = field(default_factory=list)


def _parse(t: _Tokens) -> tuple[list[_Variable], list[_Block]]:
    variables: list[_Variable] = []
    blocks: list[_Block] = []
    while t.peek() is not None:
        k = t.pos
        word = t.take("a block")
        if word == "network":
            if t.peek() != "{":
                t.name("a network name")
            _skip_braces(t)
        elif word == "variable":
            variables.append(_variable(t, k))
        elif word == "probability":
            blocks.append(_probability(t, k))
        else:
            raise t.error(f"expected 'network', 'variable' or 'probability', given {word!r}", k)
    return variables, blocks


def _skip_braces(t: _Tokens) -> None:
    t.expect("{")
    depth = 1
    while depth:
        tok = t.take("'}'")
        depth += (tok == "{") - (tok == "}")


def _variable(t: _Tokens, k: int) -> _Variable:
    name = t.name("a variable name")
    t.expect("{")
    states: list[str] | None = None
    while (tok := t.take("'type', 'property' or '}'")) != "}":
        if tok == "property":
            t.skip_statement()
        elif tok == "type":
            kind = t.name("'discrete'")
            if kind != "discrete":
                raise t.error(
                    f"variable {name!r}: only discrete variables are supported, given {kind!r}",
                    t.pos - 1,
                )
            t.expect("[")
            n_tok = t.pos
            count = t.name("the number of outcomes")
            t.expect("]")
            t.expect("{")
            states = t.names_until("}", f"an outcome of {name!r}")
            t.expect(";")
            # ASCII digits only ('²'.isdigit() is true) and short: int() of 5,000 digits fails
            if not (count.isascii() and count.isdigit() and len(count) <= 18) or int(count) != len(
                states
            ):
                raise t.error(
                    f"variable {name!r} declares [ {count:.40} ] outcomes but lists "
                    f"{len(states)}: {states[:20]}{' …' if len(states) > 20 else ''}",
                    n_tok,
                )
        else:
            raise t.error(
                f"variable {name!r}: expected 'type' or 'property', given {tok!r}", t.pos - 1
            )
    if states is None:
        raise t.error(f"variable {name!r} has no 'type discrete [ n ] {{ … }};' line", k)
    return _Variable(name, states, k)


def _probability(t: _Tokens, k: int) -> _Block:
    t.expect("(")
    child = t.name("a variable name")
    parents: list[str] = []
    if t.peek() != ")":  # '|' and ',' are optional: probability ( "a" "b" ) is legal
        parents = t.names_until(")", f"a parent of {child!r}")
    else:
        t.pos += 1
    block = _Block(child, parents, k)
    t.expect("{")
    while (tok := t.take("a table row or '}'")) != "}":
        if tok == "property":
            t.skip_statement()
        elif tok == "table":
            block.table = t.numbers()
        elif tok == "default":
            block.default = t.numbers()
        elif tok == "(":
            block.rows.append(_row(t, child))
        else:
            raise t.error(
                f"probability of {child!r}: expected 'table', 'default', '(' or '}}', "
                f"given {tok!r}",
                t.pos - 1,
            )
    return block


def _row(t: _Tokens, child: str) -> tuple[list[str], list[str], int]:
    """A row ``( a, b ) p1, p2, … ;`` after its '(' (a fast path for the common layout)."""
    toks, start = t.toks, t.pos
    try:
        close = toks.index(")", start)
        semi = toks.index(";", close)
    except ValueError:
        close = semi = -1
    cfg, seps = toks[start:close:2], toks[start + 1 : close : 2]
    nums, commas = toks[close + 1 : semi : 2], toks[close + 2 : semi : 2]
    if (
        close < 0
        or len(cfg) != len(seps) + 1
        or seps.count(",") != len(seps)
        or not _PUNCT.isdisjoint(cfg)
        or '"' in "".join(cfg)
        or commas.count(",") != len(commas)
        or "," in nums
    ):  # the general path, with its precise error messages
        cfg = t.names_until(")", f"an outcome of a parent of {child!r}")
        nums, _ = t.numbers()
        return cfg, nums, start - 1
    t.pos = semi + 1
    return cfg, nums, start - 1
