"""Several offices, one plan, from the command line (issue 16).

    piaodesk pacchetto PIANO --settore S --out S.piao [--prendi-controllo]
    piaodesk unisci PIANO S.piao [--dry-run] [--conflitti piano|pacchetto] [--prendi-controllo]
    piaodesk cronologia PIANO [--obiettivo CODICE] [--limite N]

``--prendi-controllo`` takes over a lock that is stale or abandoned (its program no
longer runs, or no sign of activity for hours); a lock held by a live program is
never taken from the command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..store import pacchetti as pk
from ..store.archive import Archive
from ..store.db import PlanError
from ..store.lock import PlanInUse
from . import CliError
from .copie import prima_di_scrivere


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pacchetto", help="prepara il pacchetto di un settore da compilare altrove",
                       description="Scrive un file di piano con la parte di un settore (obiettivi, "
                                   "fasi, indicatori, valori, personale, monitoraggio, valutazioni) "
                                   "e il contesto di sola consultazione (SMVP, persone, obiettivi "
                                   "trasversali), da unire poi con «piaodesk unisci».")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--settore", required=True, help="numero, codice o nome del settore")
    p.add_argument("--out", type=Path, required=True, help="file del pacchetto da creare (.piao)")
    _opzione_prendi_controllo(p)
    p.set_defaults(func=cmd_pacchetto)

    p = sub.add_parser("unisci", help="unisce al piano un pacchetto di settore compilato",
                       description="Confronta il pacchetto con la revisione da cui è nato e con il "
                                   "piano attuale, elenca ogni modifica campo per campo e la applica "
                                   "come un unico passo annullabile. I conflitti (stesso campo "
                                   "cambiato nel piano e nel pacchetto) richiedono --conflitti.")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("pacchetto", type=Path, help="pacchetto compilato (.piao)")
    p.add_argument("--dry-run", action="store_true", help="mostra soltanto, senza scrivere")
    p.add_argument("--conflitti", choices=("piano", "pacchetto"), default=None,
                   help="in caso di conflitto tiene il valore del piano o quello del pacchetto")
    _opzione_prendi_controllo(p)
    p.set_defaults(func=cmd_unisci)

    p = sub.add_parser("cronologia", help="chi ha cambiato che cosa, quando, da quale PC o pacchetto")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--obiettivo", default=None, help="codice dell'obiettivo (predefinito: tutto)")
    p.add_argument("--limite", type=int, default=50, help="righe al massimo (predefinito 50)")
    p.set_defaults(func=cmd_cronologia)


def _opzione_prendi_controllo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prendi-controllo", action="store_true",
                   help="prende il controllo di un piano bloccato da un programma non più attivo")


def apri_per_scrivere(path: Path, prendi_controllo: bool = False) -> Archive:
    """Open a plan to write (a backup first); ``prendi_controllo`` takes over a stale lock only."""
    if not path.exists():
        raise CliError(f"Il piano «{path}» non esiste.")
    try:
        arc = Archive.open(path)
    except PlanInUse as exc:
        if not prendi_controllo:
            hint = " Usare --prendi-controllo per sbloccarlo." if exc.stale else ""
            raise CliError(f"{exc}{hint}") from exc
        if not exc.stale:
            raise CliError(f"Il piano è in uso da {exc.info.describe()} e quel programma è attivo: "
                           "non se ne prende il controllo da riga di comando.") from exc
        print(f"Preso il controllo del piano ({exc.stale}).")
        arc = Archive.open(path, takeover=True)
    if arc.readonly:
        notice = arc.readonly_notice or "il piano è in sola lettura"
        arc.close()
        raise CliError(notice)
    arc.close()
    prima_di_scrivere(path)
    return Archive.open(path)


def cmd_pacchetto(args: argparse.Namespace) -> int:
    with apri_per_scrivere(args.file, args.prendi_controllo) as arc:
        info = pk.crea_pacchetto(arc, args.settore, args.out)
        n = len(pk.Ambito(arc.db.conn, info.settore_id).obiettivi)
    print(f"Pacchetto del settore «{info.settore_nome}» scritto in «{args.out}»: {n} obiettivi "
          f"modificabili (revisione {info.revisione} del piano). Compilato, si unisce con: "
          f"piaodesk unisci {args.file} {args.out}")
    return 0


def _show(analisi: pk.AnalisiUnione) -> None:
    print(analisi.riepilogo())
    if analisi.modifiche:
        print("\nModifiche:")
        for m in analisi.modifiche:
            print(f"  {m.descrivi()}")
    if analisi.conflitti:
        print("\nConflitti (stesso campo cambiato nel piano e nel pacchetto):")
        print(f"  {'Elemento e campo':<44}  {'Partenza':<18}  {'Pacchetto':<18}  {'Piano':<18}")
        for m in analisi.conflitti:
            what = f"{m.etichetta}" + (f" «{m.campo}»" if m.campo else f" ({m.tipo})")
            print(f"  {what[:44]:<44}  {pk.mostra_valore(m.base)[:18]:<18}  "
                  f"{pk.mostra_valore(m.pacchetto)[:18]:<18}  {pk.mostra_valore(m.attuale)[:18]:<18}")
    if analisi.rifiutate:
        print(f"\nRifiutate (fuori dal settore «{analisi.info.settore_nome}», non vengono unite):")
        for m in analisi.rifiutate:
            print(f"  {m.descrivi()}")


def cmd_unisci(args: argparse.Namespace) -> int:
    if args.dry_run:
        with Archive.open(args.file, readonly=True) as arc:
            if arc.impostazione("piano_uid") is None:
                raise CliError(f"Dal piano «{args.file.name}» non è mai stato preparato un "
                               "pacchetto: non c'è nulla da unire.")
            _show(pk.analizza(arc, args.pacchetto))
        print("\n(prova: il piano non è stato modificato)")
        return 0
    with apri_per_scrivere(args.file, args.prendi_controllo) as arc:
        analisi = pk.analizza(arc, args.pacchetto)
        _show(analisi)
        scelte = {m.chiave: args.conflitti for m in analisi.conflitti} if args.conflitti else {}
        if analisi.conflitti and not args.conflitti:
            raise CliError(f"{len(analisi.conflitti)} conflitti: nulla è stato unito. Scegliere "
                           "--conflitti piano (tiene i valori del piano) o --conflitti pacchetto.")
        try:
            edit = pk.prepara_unione(arc, analisi, scelte)
        except PlanError as exc:
            raise CliError(str(exc)) from exc
        if edit is None:
            print("\nNessuna modifica da unire.")
            return 0
        arc.apply(edit)
        print(f"\nUnite {len(edit.applicate)} modifiche: il piano è alla revisione "
              f"{arc.impostazione('revisione')}. Si annulla dal programma (Modifica › Annulla) "
              f"o ripristinando la copia fatta prima («piaodesk ripristina {args.file}»).")
    return 0


def cmd_cronologia(args: argparse.Namespace) -> int:
    with Archive.open(args.file, readonly=True) as arc:
        oid = None
        if args.obiettivo:
            found = [o for o in arc.obiettivi() if o.codice == args.obiettivo]
            if not found:
                raise CliError(f"Obiettivo «{args.obiettivo}» non trovato nel piano.")
            oid = found[0].id
        rows = arc.cronologia(oid, limit=args.limite)
    if not rows:
        print("Nessuna modifica registrata.")
        return 0
    for r in rows:
        origine = f"pacchetto {r.pacchetto}" if r.pacchetto else (r.postazione or "—")
        print(f"{r.quando:%d/%m/%Y %H:%M}  {r.utente:<20}  {origine:<22}  {r.azione}")
    return 0
