"""Backups from the command line: ``piaodesk ripristina FILE [--elenco] [--copia N]``, and
:func:`prima_di_scrivere`, the copy every command makes before it writes to a plan.

Without options the newest copy is restored. Restoring is atomic (the copy is
written beside the plan and renamed into place) and keeps the current file
first: a readable plan among its copies («prima del ripristino»), a damaged one
beside it (``<nome>.danneggiato-<data>.piao``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..store import backup as backups
from . import CliError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ripristina", help="elenca o ripristina le copie di sicurezza di un piano",
                       description="Ripristina una copia di sicurezza automatica di un piano (la più "
                                   "recente, o la N-esima di --elenco). Il file attuale viene "
                                   "conservato prima: tra le copie se leggibile, accanto al piano "
                                   "se danneggiato.")
    p.add_argument("file", type=Path, help="piano .piao (anche se danneggiato o cancellato)")
    p.add_argument("--elenco", action="store_true", help="elenca le copie, dalla più recente")
    p.add_argument("--copia", type=int, metavar="N", default=None,
                   help="numero della copia da ripristinare (da --elenco; predefinito: 1, la più recente)")
    p.set_defaults(func=cmd_ripristina)


_size = backups.formato_dimensione


def prima_di_scrivere(path: Path, motivo: str = "comando") -> None:
    """A backup before a command writes to the plan ``path`` (``motivo``: a key of
    :data:`piaodesk.store.backup.MOTIVI`, e.g. ``"importazione"``). If the copy cannot be
    made nothing must be written: the error is raised (a plan that cannot be read is told
    as such, with the restore hint)."""
    from ..store.archive import Archive
    from ..store.db import PlanError

    try:
        backups.prima_di_scrivere(path, motivo)
    except PlanError:
        Archive.open(path, readonly=True).close()  # an unreadable plan: this says why
        raise


def cmd_ripristina(args: argparse.Namespace) -> int:
    plan: Path = args.file
    copies = backups.list_backups(plan)
    if not copies:
        raise CliError(f"Non ci sono copie di sicurezza del piano «{plan}» "
                       f"(cartella {backups.backup_dir(plan, create=False)}).")
    if args.elenco:
        print(f"Copie di sicurezza di «{plan.name}», dalla più recente:")
        print(f"{'N.':>3}  {'Data e ora':<19}  {'Tipo':<26}  {'Dimensione':>10}")
        for n, b in enumerate(copies, 1):
            print(f"{n:>3}  {b.quando:%d/%m/%Y %H:%M:%S}  {b.descrizione:<26}  {_size(b.dimensione):>10}")
        print(f"Per ripristinarne una: piaodesk ripristina {plan} --copia N")
        return 0
    n = args.copia or 1
    if not 1 <= n <= len(copies):
        raise CliError(f"Copia n. {n} inesistente: le copie sono {len(copies)} "
                       f"(elenco: piaodesk ripristina {plan} --elenco).")
    chosen = copies[n - 1]
    kept = backups.restore_file(chosen.path, plan)
    print(f"Ripristinata in «{plan}» la copia del {chosen.quando:%d/%m/%Y} alle "
          f"{chosen.quando:%H:%M:%S} ({chosen.descrizione}).")
    if kept is not None:
        print(f"Il file illeggibile è stato conservato come «{kept.name}».")
    else:
        print("Lo stato precedente è tra le copie di sicurezza («prima del ripristino»): "
              f"piaodesk ripristina {plan} --elenco")
    return 0
