"""The individual valuation from the command line.

    piaodesk valutazione PIANO elenco [--anno N] [--stato completa|incompleta] [--passo PASSO]
    piaodesk valutazione PIANO mostra --persona NOME [--anno N] [--json]
    piaodesk valutazione PIANO imposta --persona NOME [--anno N]
        [--comportamento "NOME=PUNTEGGIO" ...] [--valutatore NOME | --valutatore-ruolo TESTO]
        [--categoria NOME] [--note TESTO] [--individuali PERC]
        [--passo PASSO --data GG/MM/AAAA [--testo TESTO] [--esito ESITO]] [--togli-passo PASSO]
    piaodesk valutazione PIANO verifica [--anno N] [--json]

Every number comes from ``store.valutazioni.QuadroValutazioni``, the same source as the
printed sheets and the GUI. ``imposta`` writes one change to the plan (one audit row), after
a backup copy of the plan; a refused value writes nothing.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.enums import PassoCiclo
from ..domain.formats import format_date, format_decimal, format_percent, parse_date, parse_decimal
from ..domain.model import Persona
from ..store import valutazioni as val
from ..store.archive import Archive
from . import CliError
from . import anno as anno_arg
from .copie import prima_di_scrivere

PASSI = ", ".join(p.value for p in PassoCiclo)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("valutazione", help="valutazione individuale: elenco, mostra, imposta, verifica",
                       description="Valutazione individuale del personale (componenti, comportamenti, "
                                   "ciclo di valutazione) e verifica del piano.")
    p.add_argument("file", type=Path, help="piano .piao")
    azioni = p.add_subparsers(dest="azione", metavar="AZIONE")

    a = azioni.add_parser("elenco", help="una riga per persona: valutatore, finale, fascia, stato, passo")
    a.add_argument("--anno", type=anno_arg, default=None)
    a.add_argument("--stato", choices=("completa", "incompleta"), default=None)
    a.add_argument("--passo", default=None, help=f"solo chi è a questo passo ({PASSI}, nessuno)")
    a.set_defaults(func=cmd_elenco)

    a = azioni.add_parser("mostra", help="la valutazione di una persona")
    a.add_argument("--persona", required=True, help="cognome e nome (o id)")
    a.add_argument("--anno", type=anno_arg, default=None)
    a.add_argument("--json", action="store_true", help="stampa in formato JSON")
    a.set_defaults(func=cmd_mostra)

    a = azioni.add_parser("imposta", help="registra punteggi, valutatore, note e passi del ciclo")
    a.add_argument("--persona", required=True, help="cognome e nome (o id)")
    a.add_argument("--anno", type=anno_arg, default=None)
    a.add_argument("--comportamento", action="append", default=[], metavar="NOME=PUNTEGGIO",
                   help="punteggio di un comportamento (ripetibile; vuoto dopo = toglie il punteggio)")
    a.add_argument("--valutatore", default=None, help="persona che valuta (cognome e nome)")
    a.add_argument("--valutatore-ruolo", default=None, help="organo che valuta, es. «Nucleo di Valutazione»")
    a.add_argument("--categoria", default=None, help="categoria del sistema di valutazione")
    a.add_argument("--note", default=None)
    a.add_argument("--individuali", default=None, help="%% degli obiettivi individuali validata (vuoto: calcolata)")
    a.add_argument("--passo", default=None, help=f"passo del ciclo da registrare ({PASSI})")
    a.add_argument("--data", default=None, help="data del passo, es. 31/01/2025")
    a.add_argument("--testo", default=None, help="testo del passo (colloquio, osservazioni, riesame)")
    a.add_argument("--esito", default=None, help="esito del riesame (es. confermata, modificata)")
    a.add_argument("--togli-passo", default=None, help="annulla un passo registrato")
    a.set_defaults(func=cmd_imposta)

    a = azioni.add_parser("verifica", help="verifica del piano: pesi, indicatori, regole del sistema")
    a.add_argument("--anno", type=anno_arg, default=None)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_verifica)
    p.set_defaults(func=cmd_elenco, anno=None, stato=None, passo=None)


def _open(path: Path, readonly: bool = False) -> Archive:
    if not path.exists():
        raise CliError(f"Il piano «{path}» non esiste.")
    return Archive.open(path, readonly=readonly)


def _persona(arc: Archive, testo: str) -> int:
    t = testo.strip()
    if t.isdigit() and arc.get(Persona, int(t)) is not None:
        return int(t)
    p = arc.trova_persona(t)
    if p is None:
        raise CliError(f"Nessuna persona «{testo}» nel piano (scrivere cognome e nome, "
                       "come in «piaodesk valutazione PIANO elenco»).")
    return p.id or 0


def _pct(x: Decimal | None) -> str:
    return format_percent(x) if x is not None else "—"


def cmd_elenco(args: argparse.Namespace) -> int:
    with _open(args.file, readonly=True) as arc:
        q = val.QuadroValutazioni(arc, args.anno)
        righe = q.tutte()
        if args.stato:
            righe = [v for v in righe if v.esito.stato == args.stato]
        if args.passo:
            want = None if args.passo == "nessuno" else args.passo
            if want is not None and want not in {p.value for p in PassoCiclo}:
                raise CliError(f"Passo «{args.passo}» sconosciuto: {PASSI}, nessuno.")
            righe = [v for v in righe if v.passo == want]
        print(f"Valutazioni individuali {q.anno}: {len(righe)} persone")
        print(f"{'Valutato':<28} {'Valutatore':<34} {'Finale':>9} {'Punti':>6} {'Fascia':<6} "
              f"{'Stato':<10} Passo")
        for v in righe:
            e = v.esito
            print(f"{v.persona.nominativo[:28]:<28} {v.valutatore_nome[:34]:<34} {_pct(e.finale):>9} "
                  f"{format_decimal(e.punti) if e.punti is not None else '—':>6} "
                  f"{e.fascia.lettera if e.fascia else '—':<6} {e.stato:<10} {v.passo_label}")
    return 0


def cmd_mostra(args: argparse.Namespace) -> int:
    with _open(args.file, readonly=True) as arc:
        q = val.QuadroValutazioni(arc, args.anno)
        v = q.persona(_persona(arc, args.persona))
        if args.json:
            print(json.dumps({"anno": q.anno, **v.come_dict()}, ensure_ascii=False, indent=1))
            return 0
        e = v.esito
        print(f"Valutazione {q.anno} di {v.persona.nominativo}")
        print(f"  Struttura:   {v.unita.nome if v.unita else '—'}")
        print(f"  Categoria:   {e.categoria}")
        print(f"  Valutatore:  {v.valutatore_nome}")
        print("  Componenti:")
        for c in e.componenti:
            print(f"    {c.nome:<46} peso {format_decimal(c.peso, 2, strip_zeros=True):>5} %  "
                  f"valore {_pct(c.valore):>9}  ponderato {_pct(c.ponderato):>9}")
        if e.comportamenti:
            print("  Comportamenti:")
            for nome, peso, punti in e.comportamenti:
                score = format_decimal(punti, 2, strip_zeros=True) if punti is not None else "—"
                print(f"    {nome:<52} peso {format_decimal(peso, 2, strip_zeros=True):>5} %  "
                      f"punteggio {score}")
        if e.completa:
            print(f"  Valutazione finale: {_pct(e.finale)} = {format_decimal(e.punti)} punti su "
                  f"{format_decimal(q.sistema.scala_max, 0)}, fascia {e.fascia.lettera if e.fascia else '—'}")
        else:
            print(f"  {e.messaggio_incompleta}")
        for n in v.note:
            print(f"  Nota: {n}")
        print(f"  Ciclo: {v.passo_label}")
        for p in v.passi:
            label = PassoCiclo(p.passo).label
            extra = f" — {p.testo}" if p.testo else ""
            esito = f" (esito: {p.esito})" if p.esito else ""
            print(f"    {format_date(p.data) or '—':<10} {label}{esito}{extra}")
    return 0


def _comportamento(catalogo: list[str], testo: str) -> str:
    key = testo.strip().lower()
    exact = [c for c in catalogo if c.lower() == key]
    found = exact or [c for c in catalogo if key and key in c.lower()]
    if len(found) != 1:
        raise CliError(f"Comportamento «{testo}» {'ambiguo' if found else 'sconosciuto'}; "
                       f"previsti: {'; '.join(catalogo)}.")
    return found[0]


def cmd_imposta(args: argparse.Namespace) -> int:
    with _open(args.file) as arc:
        pid = _persona(arc, args.persona)
        q = val.QuadroValutazioni(arc, args.anno)
        anno = q.anno
        persona = q.persone[pid]
        cat = q.categoria(persona)
        if args.categoria:
            try:
                cat = q.sistema.categoria(None, False, args.categoria)
            except ValueError as exc:
                raise CliError(f"{exc}.") from exc
        catalogo = [c.nome for c in q.sistema.comportamenti_di(cat)]
        comportamenti: dict[str, Decimal | None] = {}
        for item in args.comportamento:
            if "=" not in item:
                raise CliError(f"«{item}»: scrivere NOME=PUNTEGGIO, es. \"Collaborazione=26\".")
            nome, _, testo = item.rpartition("=")
            valore = parse_decimal(testo) if testo.strip() else None
            if testo.strip() and valore is None:
                raise CliError(f"«{testo}» non è un numero (comportamento «{nome.strip()}»).")
            comportamenti[_comportamento(catalogo, nome)] = valore
        campi: dict[str, Any] = {}
        if args.valutatore is not None:
            campi["valutatore_id"] = _persona(arc, args.valutatore) if args.valutatore.strip() else None
            campi["valutatore_ruolo"] = "Valutatore" if args.valutatore.strip() else None
        if args.valutatore_ruolo is not None:
            campi["valutatore_ruolo"] = args.valutatore_ruolo.strip() or None
            campi.setdefault("valutatore_id", None)
        if args.categoria is not None:
            campi["categoria"] = args.categoria.strip() or None
        if args.note is not None:
            campi["note"] = args.note
        if args.individuali is not None:
            perc = parse_decimal(args.individuali) if args.individuali.strip() else None
            if args.individuali.strip() and perc is None:
                raise CliError(f"«{args.individuali}» non è una percentuale.")
            campi["punteggio_individuali"] = perc
        passi: dict[str, tuple[object, str | None, str | None] | None] = {}
        if args.passo:
            when = parse_date(args.data) if args.data else None
            if when is None:
                raise CliError("Il passo richiede --data, es. --data 31/01/2025.")
            passi[args.passo] = (when, args.testo, args.esito)
        elif args.data or args.testo or args.esito:
            raise CliError("--data, --testo ed --esito vanno con --passo.")
        if args.togli_passo:
            passi[args.togli_passo] = None
        try:
            edit = val.modifica_valutazione(arc, pid, anno, comportamenti=comportamenti, passi=passi, **campi)
        except val.ErroreValutazione as exc:
            raise CliError(str(exc)) from exc
        if not edit.edits:  # type: ignore[attr-defined]
            print(f"Nessuna modifica per {persona.nominativo}.")
            return 0
        prima_di_scrivere(args.file, "comando")  # refuses (and nothing is written) if no copy can be made
        arc.apply(edit)
        v = val.QuadroValutazioni(arc, anno).persona(pid)
        e = v.esito
        print(f"Valutazione {anno} di {persona.nominativo} aggiornata: "
              + (f"finale {_pct(e.finale)}, fascia {e.fascia.lettera if e.fascia else '—'}."
                 if e.completa else e.messaggio_incompleta))
        print(f"Per tornare allo stato precedente: piaodesk ripristina \"{args.file}\"")
    return 0


def cmd_verifica(args: argparse.Namespace) -> int:
    with _open(args.file, readonly=True) as arc:
        q = val.QuadroValutazioni(arc, args.anno)
        problemi = val.verifica(q)
        if args.json:
            print(json.dumps([{"gravita": p.gravita, "dove": p.dove, "messaggio": p.messaggio}
                              for p in problemi], ensure_ascii=False, indent=1))
        elif not problemi:
            print(f"Verifica del piano {q.anno}: nessun problema.")
        else:
            errori = sum(p.gravita == "errore" for p in problemi)
            print(f"Verifica del piano {q.anno}: {errori} errori, {len(problemi) - errori} avvisi")
            for p in problemi:
                print(f"  {p}")
    return 1 if any(p.gravita == "errore" for p in problemi) else 0
