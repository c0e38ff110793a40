"""``piaodesk print``: the valuation sheets as PDF files.

Before printing, the «Verifica del piano» problems that concern the chosen
sheets are listed on stderr; with an *errore* among them nothing is printed
unless ``--forza`` is given (a sheet with a wrong or missing number is never
printed silently).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsio import describe_os_error
from ..store.archive import Archive
from . import CliError
from . import anno as anno_arg

if TYPE_CHECKING:
    from ..reports.sheets import Snapshot

SCHEDE = ("obiettivi", "obiettivo", "individuale", "assegnazione", "colloquio", "riesame", "organizzativa")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="stampa le schede (PDF) in una cartella",
                       description="Stampa in PDF la scheda obiettivi di un settore (o di tutti, con «TUTTI I "
                                   "SETTORI»), la scheda di un obiettivo, le schede di valutazione "
                                   "individuali, le schede del ciclo di valutazione (assegnazione, colloquio, "
                                   "riesame) o la performance organizzativa. Prima di stampare elenca i "
                                   "problemi della verifica del piano che riguardano le schede scelte.")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--scheda", required=True, choices=SCHEDE,
                   help="obiettivi = scheda obiettivi del settore (TUTTI = obiettivi trasversali); "
                        "obiettivo = scheda di un obiettivo; individuale = scheda di valutazione individuale; "
                        "assegnazione = scheda di assegnazione degli obiettivi; colloquio = verifica "
                        "intermedia; riesame = richiesta ed esito del riesame; organizzativa = performance "
                        "organizzativa (tabelle 1 e 2)")
    p.add_argument("--settore", help="nome o codice del settore, o TUTTI per gli obiettivi trasversali "
                                     "(predefinito: tutti i settori)")
    p.add_argument("--obiettivo", help="codice dell'obiettivo (per --scheda obiettivo)")
    p.add_argument("--persona", help="nome della persona (predefinito: tutte le persone; per il riesame: "
                                     "chi lo ha chiesto)")
    p.add_argument("--anno", type=anno_arg, help="anno di valutazione (predefinito: primo anno del piano)")
    p.add_argument("--out", type=Path, required=True, help="cartella in cui scrivere i PDF")
    p.add_argument("--forza", action="store_true",
                   help="stampa anche se la verifica del piano trova errori che riguardano le schede")
    p.set_defaults(func=cmd_print)


def _persone(arc: Archive, args: argparse.Namespace) -> list[int] | None:
    """The persons named by --persona / --settore; None: everyone."""
    from ..reports import data

    if args.persona:
        p = arc.trova_persona(args.persona)
        if p is None:
            raise CliError(f"Persona «{args.persona}» non trovata.")
        return [p.id or 0]
    if args.settore:
        u = _settore(arc, args.settore)
        if u == data.TUTTI:
            raise CliError("--settore TUTTI vale solo per --scheda obiettivi.")
        return [p.id for p in arc.persone() if p.id is not None and p.unita_id == u]
    return None


def _settore(arc: Archive, testo: str) -> int:
    from ..reports import data

    if testo.strip().upper() in ("TUTTI", "TUTTI I SETTORI"):
        return data.TUTTI
    u = data.trova_unita(arc, testo)
    if u is None:
        nomi = ", ".join(x.codice or x.nome for x in arc.unita())
        raise CliError(f"Settore «{testo}» non trovato (o ambiguo). Settori: TUTTI, {nomi}.")
    return u.id or 0


def cmd_print(args: argparse.Namespace) -> int:
    from ..reports import data, sheets

    if not args.file.exists():
        raise CliError(f"Il piano «{args.file}» non esiste.")
    with Archive.open(args.file, readonly=True) as arc:
        anno = args.anno or arc.piano().anno_inizio
        piano = arc.piano()
        if not piano.anno_inizio <= anno <= piano.anno_fine:
            raise CliError(f"L'anno {anno} è fuori dal triennio del piano ({piano.triennio}).")
        q = data.quadro(arc, anno)
        snaps: list[Snapshot] = []
        if args.scheda == "obiettivi":
            units = [_settore(arc, args.settore)] if args.settore else data.schede_obiettivi_da_stampare(q)
            snaps = [data.snapshot_scheda_obiettivi(arc, u, quadro=q) for u in units]
            problemi = data.problemi_stampa(q, unita=units)
        elif args.scheda == "obiettivo":
            if not args.obiettivo:
                raise CliError("Indicare il codice dell'obiettivo con --obiettivo (es. --obiettivo OE0527).")
            o = data.trova_obiettivo(arc, args.obiettivo)
            if o is None:
                raise CliError(f"Obiettivo «{args.obiettivo}» non trovato.")
            snaps = [data.snapshot_scheda_obiettivo(arc, o.id or 0, anno)]
            problemi = data.problemi_stampa(q, obiettivi=[o.id or 0])
        elif args.scheda == "organizzativa":
            snaps = [data.snapshot_organizzativa(arc, anno, quadro=q)]
            problemi = data.problemi_stampa(q, tutto=True)
        else:
            ids = _persone(arc, args)
            ctx = data.ContestoSchede(arc, anno, quadro=q)  # read once
            schede: list[data.SchedaIndividualeSnap | data.SchedaCicloSnap]
            if args.scheda == "individuale":
                schede = list(ctx.schede_individuali(ids))
            else:
                schede = list(ctx.schede_ciclo(args.scheda, ids, solo_richieste=not args.persona))
            snaps = list(schede)
            problemi = data.problemi_stampa(q, persone=[s.persona_id for s in schede])
        if not snaps:
            raise CliError("Nessuna scheda da stampare per la scelta fatta"
                           + (" (nessuno ha chiesto il riesame)." if args.scheda == "riesame" else "."))
    gravi = data.errori(problemi)
    if problemi:
        print(f"Verifica del piano: {len(problemi)} "
              f"{'problema riguarda' if len(problemi) == 1 else 'problemi riguardano'} le schede scelte:",
              file=sys.stderr)
        for pr in problemi:
            print(f"  {pr}", file=sys.stderr)
    if gravi and not args.forza:
        raise CliError(f"Stampa non eseguita: {len(gravi)} "
                       f"{'errore' if len(gravi) == 1 else 'errori'} nella verifica del piano (vedi sopra). "
                       "Correggerli, o ripetere con --forza per stampare comunque.")
    try:
        files = sheets.render_batch(snaps, args.out)
    except OSError as exc:
        raise CliError(f"Stampa non riuscita: {describe_os_error(exc, args.out)}") from exc
    for f in files:
        print(f)
    print(f"{len(files)} {'scheda stampata' if len(files) == 1 else 'schede stampate'} in {args.out}"
          + (f" nonostante {len(gravi)} {'errore' if len(gravi) == 1 else 'errori'} (--forza)" if gravi else ""))
    return 0
