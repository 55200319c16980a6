"""The markovcat command line (``python -m markovcat``)."""

from __future__ import annotations

import argparse
import sys

from ._errors import MarkovCatError
from ._version import __version__
from .tour import listing, run

DESCRIPTION = """\
markovcat: category-theoretic probabilistic programming for finite probability.
Objects are finite sets, morphisms are Markov kernels; kernels compose in sequence (>>)
and in parallel (@) with copy, delete and swap, and every string diagram compiles to a
tensor on numpy, JAX or exact sympy (rationals), so that the theorems of categorical
probability become executable, checkable laws."""

EPILOG = """\
examples:
  python -m markovcat tour            the whole tour, exact
  python -m markovcat tour --list     its steps
  python -m markovcat tour bayes      one step (and, quietly, the steps it builds on)
  python -m markovcat tour --float    the same code on numpy floats

In Python: import markovcat as mc. Documentation: docs/ (mkdocs serve), notebooks in
notebooks/, runnable examples in examples/."""


def parser() -> argparse.ArgumentParser:
    """The argument parser: the ``tour`` command and ``--version``.

    >>> "tour" in parser().format_help()
    True
    """
    p = argparse.ArgumentParser(
        prog="python -m markovcat",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    tour = sub.add_parser(
        "tour",
        help="a guided tour on a diagnostic test: the code behind each result, as at a prompt",
        description="A guided tour on a diagnostic test, printed as a REPL transcript: "
        "each step shows the lines of code it runs and what they print.",
    )
    tour.add_argument(
        "steps", nargs="*", metavar="STEP", help="steps to show, by number or name (default: all)"
    )
    tour.add_argument("--list", action="store_true", help="list the steps and exit")
    tour.add_argument(
        "--float", action="store_true", help="numpy floats instead of exact rationals"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["--version"])  # doctest: +ELLIPSIS
    markovcat ...
    0
    """
    p = parser()
    args = p.parse_args(argv)
    if args.version:
        print(f"markovcat {__version__}")
        return 0
    if args.command == "tour":
        if args.list:
            print(listing())
            return 0
        try:
            print(run(None if args.float else "sympy", args.steps))
        except MarkovCatError as exc:
            print(f"python -m markovcat tour: {exc}", file=sys.stderr)
            return 2
        return 0
    p.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
