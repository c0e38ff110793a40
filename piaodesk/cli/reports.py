"""``piaodesk print``: the valuation sheets as PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..fsio import describe_os_error
from ..store.archive import Archive
from . import CliError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("print", help="stampa le schede (PDF) in una cartella",
                       description="Stampa in PDF la scheda obiettivi di un settore (o di tutti), "
                                   "la scheda di un obiettivo o le schede di valutazione individuali.")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--scheda", required=True, choices=("obiettivi", "obiettivo", "individuale"),
                   help="obiettivi = scheda obiettivi del settore; obiettivo = scheda di un obiettivo; "
                        "individuale = scheda di valutazione individuale")
    p.add_argument("--settore", help="nome o codice del settore (predefinito: tutti i settori)")
    p.add_argument("--obiettivo", help="codice dell'obiettivo (per --scheda obiettivo)")
    p.add_argument("--persona", help="nome della persona (predefinito: tutte le persone)")
    p.add_argument("--anno", type=int, help="anno di valutazione (predefinito: primo anno del piano)")
    p.add_argument("--out", type=Path, required=True, help="cartella in cui scrivere i PDF")
    p.set_defaults(func=cmd_print)


def cmd_print(args: argparse.Namespace) -> int:
    from ..reports import data, sheets

    if not args.file.exists():
        raise CliError(f"Il piano «{args.file}» non esiste.")
    with Archive.open(args.file, readonly=True) as arc:
        anno = args.anno or arc.piano().anno_inizio
        piano = arc.piano()
        if not piano.anno_inizio <= anno <= piano.anno_fine:
            raise CliError(f"L'anno {anno} è fuori dal triennio del piano ({piano.triennio}).")
        snaps: list[object] = []
        if args.scheda == "obiettivi":
            if args.settore:
                u = data.trova_unita(arc, args.settore)
                if u is None:
                    nomi = ", ".join(x.codice or x.nome for x in arc.unita())
                    raise CliError(f"Settore «{args.settore}» non trovato (o ambiguo). Settori: {nomi}.")
                units = [u]
            else:
                units = [u for u in arc.unita() if u.id is not None and arc.obiettivi_di_unita(u.id)]
            snaps = [data.snapshot_scheda_obiettivi(arc, u.id or 0, anno) for u in units]
        elif args.scheda == "obiettivo":
            if not args.obiettivo:
                raise CliError("Indicare il codice dell'obiettivo con --obiettivo (es. --obiettivo OE0527).")
            o = data.trova_obiettivo(arc, args.obiettivo)
            if o is None:
                raise CliError(f"Obiettivo «{args.obiettivo}» non trovato.")
            snaps = [data.snapshot_scheda_obiettivo(arc, o.id or 0, anno)]
        else:
            if args.persona:
                p = arc.trova_persona(args.persona)
                if p is None:
                    raise CliError(f"Persona «{args.persona}» non trovata.")
                ids = [p.id or 0]
            else:
                ids = [p.id for p in arc.persone() if p.id is not None]
            snaps = list(data.ContestoSchede(arc, anno).schede_individuali(ids))  # read once
    try:
        files = sheets.render_batch(snaps, args.out)  # type: ignore[arg-type]
    except OSError as exc:
        raise CliError(f"Stampa non riuscita: {describe_os_error(exc, args.out)}") from exc
    for f in files:
        print(f)
    print(f"{len(files)} {'scheda stampata' if len(files) == 1 else 'schede stampate'} in {args.out}")
    return 0
