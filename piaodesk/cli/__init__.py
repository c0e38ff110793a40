"""Command line: ``piaodesk [FILE]``, ``piaodesk demo``, ``piaodesk info FILE`` and more.

Each area registers its own sub-commands from a module of this package
(``plan``, ``reports``, ``signing``, ``exchange``) with ``register(subparsers)``.
Errors a person can cause print one Italian line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__

AREAS = ("plan", "reports", "signing", "exchange", "admin", "valutazione")


class CliError(Exception):
    """A user-facing error: printed as is, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="piaodesk",
        description="piaodesk — piano della performance (PIAO/PEG): editor, monitoraggio, "
                    "schede di valutazione firmate.",
    )
    parser.add_argument("--version", action="version", version=f"piaodesk {__version__}")
    sub = parser.add_subparsers(dest="comando", metavar="COMANDO")
    for area in AREAS:
        try:
            module = importlib.import_module(f"{__name__}.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{area}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # `piaodesk FILE.piao` (no sub-command) opens the GUI on that file
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if not args_list or (args_list[0] not in known and not args_list[0].startswith("-")):
        from .plan import open_gui

        return _run(lambda: open_gui(args_list[0] if args_list else None))
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return _run(lambda: args.func(args))


def _run(fn) -> int:  # type: ignore[no-untyped-def]
    from ..store.db import PlanError

    try:
        result = fn()
    except (CliError, PlanError) as exc:
        print(f"piaodesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
