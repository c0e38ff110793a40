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
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from ..store.archive import Archive

AREAS = ("plan", "reports", "signing", "exchange", "admin", "copie", "valutazione", "pacchetti",
         "fine_anno", "variazioni", "piao", "rischio")


class CliError(Exception):
    """A user-facing error: printed as is, exit status 2."""


def apri_piano(path: Path, readonly: bool = False) -> Archive:
    """Open a plan for a command: refused in Italian when missing; backed up before writing."""
    from ..store.archive import Archive
    from ..store.backup import prima_di_scrivere

    if not path.exists():
        raise CliError(f"Il piano «{path}» non esiste.")
    if not readonly:
        prima_di_scrivere(path)
    return Archive.open(path, readonly=readonly)


def anno(text: str) -> int:
    """``--anno``: a year in the range of every other input (domain/validazione.py)."""
    from ..domain import validazione

    try:
        return int(validazione.controlla(validazione.ANNO, text, "(opzione --anno)"))
    except validazione.ValoreNonValido as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def percentuale(text: str) -> str:
    """``--perc``: empty (removes) or a percentage 0–100, checked as in the grids."""
    from ..domain import validazione

    if text.strip():
        try:
            validazione.controlla(validazione.PERCENTUALE, text, "(opzione --perc)")
        except validazione.ValoreNonValido as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


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
    _private_temp()
    parser = build_parser()
    # `piaodesk FILE.piao` (no sub-command) opens the GUI on that file
    group = parser._subparsers
    known = set((group._group_actions[0].choices if group is not None else None) or ())
    if not args_list or (args_list[0] not in known and not args_list[0].startswith("-")):
        from .plan import open_gui

        return _run(lambda: open_gui(args_list[0] if args_list else None))
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return _run(lambda: args.func(args))


def _private_temp() -> None:
    """Temporary files (export working files hold plan data) in a private folder; the
    folders left by a crashed or killed run are removed now."""
    from ..paths import private_temp_dir

    try:
        private_temp_dir()
    except OSError:
        pass  # the system's temporary folder still works


def _run(fn) -> int:
    from ..fsio import describe_os_error
    from ..store.db import PlanError

    try:
        result = fn()
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
    except BrokenPipeError:
        _quiet_stdout()  # `piaodesk … | head`: the reader has all it wanted
        print("piaodesk: uscita interrotta: il programma che leggeva il risultato si è chiuso.",
              file=sys.stderr)
        return 141
    except (CliError, PlanError) as exc:
        print(f"piaodesk: {_with_restore_hint(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:  # full disk, permission, read-only disk, I/O error
        print(f"piaodesk: {describe_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


def _quiet_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests)


def _with_restore_hint(exc: Exception) -> str:
    """A plan that cannot be read and has backups: name the command that restores one."""
    from ..store.db import PlanUnreadable

    text = str(exc)
    path = getattr(exc, "path", None)
    if not isinstance(exc, PlanUnreadable) or path is None:
        return text
    from ..store.backup import list_backups

    try:
        n = len(list_backups(path))
    except OSError:
        n = 0
    if not n:
        return text
    text = text.replace(" Si può ripristinare una copia di sicurezza "
                        "(menu File › Ripristina da backup…).", "")
    ce = "c'è una copia di sicurezza" if n == 1 else f"ci sono {n} copie di sicurezza"
    return (f"{text} Di questo piano {ce}: «piaodesk ripristina {path}» ripristina la più recente "
            "(«--elenco» le elenca).")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
