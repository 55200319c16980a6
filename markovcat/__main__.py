"""Command line: ``python -m markovcat tour`` and ``python -m markovcat --version``."""

from __future__ import annotations

import argparse
import sys

from ._version import __version__
from .tour import run


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    >>> main(["--version"])  # doctest: +ELLIPSIS
    markovcat ...
    0
    """
    parser = argparse.ArgumentParser(prog="markovcat", description=__doc__)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    tour = sub.add_parser("tour", help="a guided tour on a diagnostic test")
    tour.add_argument(
        "--float", action="store_true", help="numpy floats instead of exact rationals"
    )
    args = parser.parse_args(argv)
    if args.version:
        print(f"markovcat {__version__}")
        return 0
    if args.command == "tour":
        print(run(None if args.float else "sympy"))
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
