"""Monitoring rounds, budget summary and next year's plan from the command line.

    piaodesk monitoraggio PIANO elenco
    piaodesk monitoraggio PIANO apri --data 30/06/2025 [--nome "Primo stato di avanzamento"]
    piaodesk monitoraggio PIANO rileva N [--aggiorna]
    piaodesk monitoraggio PIANO mostra N
    piaodesk monitoraggio PIANO valida N CODICE --perc 100 --motivo "..."
    piaodesk monitoraggio PIANO chiudi N
    piaodesk monitoraggio PIANO riapri N
    piaodesk bilancio PIANO [--anno 2025]
    piaodesk rinnova PIANO --out PROSSIMO.piao [--solo-in-corso]

``N`` is a round's number (as listed by ``elenco``) or its date.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..domain.formats import format_date, format_decimal, format_percent, parse_date
from ..store import monitoraggio as mon
from ..store import rinnovo
from ..store.db import PLAN_SUFFIX
from . import CliError, apri_piano
from . import anno as anno_arg
from . import percentuale as percentuale_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitoraggio", help="monitoraggi (stati di avanzamento): apri, chiudi, elenco",
                       description="Gestione dei monitoraggi del piano (stati di avanzamento).")
    p.add_argument("file", type=Path, help="piano .piao")
    azioni = p.add_subparsers(dest="azione", metavar="AZIONE")
    a = azioni.add_parser("elenco", help="elenca i monitoraggi del piano")
    a.set_defaults(func=cmd_elenco)
    a = azioni.add_parser("apri", help="apre un nuovo monitoraggio a una data, rilevando i valori")
    a.add_argument("--data", required=True, help="data di riferimento, es. 30/06/2025")
    a.add_argument("--nome", default=None, help="nome (predefinito: «Monitoraggio al …»)")
    a.set_defaults(func=cmd_apri)
    a = azioni.add_parser("rileva", help="rileva (o aggiorna) i valori di un monitoraggio aperto")
    a.add_argument("numero", help="numero o data del monitoraggio")
    a.add_argument("--aggiorna", action="store_true",
                   help="rilegge i valori dagli indicatori anche dove già rilevati")
    a.set_defaults(func=cmd_rileva)
    a = azioni.add_parser("mostra", help="percentuali calcolate e validate di un monitoraggio")
    a.add_argument("numero")
    a.set_defaults(func=cmd_mostra)
    a = azioni.add_parser("valida", help="registra la %% validata dal Nucleo per un obiettivo")
    a.add_argument("numero")
    a.add_argument("codice", help="codice dell'obiettivo (es. 10708)")
    a.add_argument("--perc", required=True, type=percentuale_arg,
                   help="%% validata, es. 100 (vuoto: toglie la validazione)")
    a.add_argument("--motivo", default=None, help="motivazione (obbligatoria se diversa dalla calcolata)")
    a.set_defaults(func=cmd_valida)
    a = azioni.add_parser("chiudi", help="chiude un monitoraggio: i valori restano congelati")
    a.add_argument("numero")
    a.add_argument("--data", default=None, help="data di chiusura (predefinita: oggi)")
    a.set_defaults(func=cmd_chiudi)
    a = azioni.add_parser("riapri", help="riapre un monitoraggio chiuso")
    a.add_argument("numero")
    a.set_defaults(func=cmd_riapri)
    p.set_defaults(func=cmd_elenco)

    p = sub.add_parser("bilancio", help="risorse finanziarie per settore (stato di avanzamento, assorbimento)")
    p.add_argument("file", type=Path)
    p.add_argument("--anno", type=anno_arg, default=None)
    p.set_defaults(func=cmd_bilancio)

    p = sub.add_parser("rinnova", help="crea il piano dell'anno successivo confermando questo")
    p.add_argument("file", type=Path, help="piano di partenza (non viene modificato)")
    p.add_argument("--out", type=Path, required=True, help="nuovo file .piao da creare")
    p.add_argument("--solo-in-corso", action="store_true",
                   help="non riporta gli obiettivi i cui anni non rientrano nel nuovo triennio "
                        "(predefinito: si conferma tutto il piano)")
    p.add_argument("--prova", action="store_true", help="mostra soltanto le differenze, senza scrivere")
    p.set_defaults(func=cmd_rinnova)


_open = apri_piano  # (the one opener of the commands: cli/__init__.py)


def _data(text: str) -> date:
    when = parse_date(text)
    if when is None:
        raise CliError(f"«{text}» non è una data: scrivere ad esempio 30/06/2025.")
    return when


def cmd_elenco(args: argparse.Namespace) -> int:
    with _open(args.file, readonly=True) as arc:
        rounds = arc.monitoraggi()
        if not rounds:
            print("Nessun monitoraggio. Aprirne uno con: piaodesk monitoraggio PIANO apri --data 30/06/AAAA")
            return 0
        print(f"{'N.':>3}  {'Data':<10}  {'Stato':<24}  {'Valori':>6}  Nome")
        for m in rounds:
            rnd = mon.leggi_round(arc, m.id or 0)
            stato = m.stato.label if not rnd.chiuso else f"Chiuso il {format_date(m.chiuso_il)}"
            print(f"{m.id:>3}  {format_date(m.data):<10}  {stato:<24}  {len(rnd.rilevazioni):>6}  {m.nome}")
    return 0


def cmd_apri(args: argparse.Namespace) -> int:
    when = _data(args.data)
    with _open(args.file) as arc:
        arc.apply(mon.apri(arc, when, args.nome))
        m = next(x for x in arc.monitoraggi() if x.data == when)
        rnd = mon.leggi_round(arc, m.id or 0)
        valori = sum(1 for r in rnd.rilevazioni.values() if r.valore is not None)
        print(f"Aperto il monitoraggio n. {m.id} «{m.nome}» al {format_date(m.data)}: "
              f"{len(rnd.rilevazioni)} indicatori ({valori} con un valore), "
              f"{len(rnd.stati)} obiettivi.")
    return 0


def cmd_rileva(args: argparse.Namespace) -> int:
    with _open(args.file) as arc:
        m = mon.trova(arc, args.numero)
        edit = mon.rileva(arc, m.id or 0, aggiorna=args.aggiorna)
        if edit is None:
            print(f"Monitoraggio «{m.nome}»: niente da aggiornare.")
            return 0
        ch = arc.apply(edit)
        n = len(ch.inserted.get("rilevazioni", ())) + len(ch.updated.get("rilevazioni", {}))
        print(f"Monitoraggio «{m.nome}»: {n} valori rilevati o aggiornati.")
    return 0


def cmd_mostra(args: argparse.Namespace) -> int:
    with _open(args.file, readonly=True) as arc:
        m = mon.trova(arc, args.numero)
        rnd = mon.leggi_round(arc, m.id or 0)
        stato = "chiuso" if rnd.chiuso else "aperto"
        print(f"{m.nome} — al {format_date(m.data)} ({stato})")
        print(f"{'Codice':<12} {'% calcolata':>12} {'% validata':>12}  Motivo")
        depth: dict[int, int] = {}
        for o in rnd.obiettivi:
            d = depth[o.id or 0] = depth.get(o.parent_id or -1, -1) + 1 if o.parent_id else 0
            calc, val = rnd.calcolata(o.id or 0), rnd.validata(o.id or 0)
            st = rnd.stati.get(o.id) if o.id is not None else None
            motivo = (st.motivo_override or "") if st is not None else ""
            code = ("  " * d + (o.codice or str(o.id)))[:12]
            print(f"{code:<12} {format_percent(calc):>12} {format_percent(val):>12}  {motivo[:60]}")
    return 0


def cmd_valida(args: argparse.Namespace) -> int:
    with _open(args.file) as arc:
        m = mon.trova(arc, args.numero)
        found = [o for o in arc.obiettivi() if o.codice == args.codice]
        if not found:
            raise CliError(f"Nessun obiettivo con codice «{args.codice}».")
        arc.apply(mon.imposta_validata(arc, m.id or 0, found[0].id or 0, args.perc, args.motivo))
        rnd = mon.leggi_round(arc, m.id or 0)
        oid = found[0].id or 0
        print(f"{args.codice}: calcolata {format_percent(rnd.calcolata(oid)) or '—'}, "
              f"validata {format_percent(rnd.validata(oid)) or '—'}.")
    return 0


def cmd_chiudi(args: argparse.Namespace) -> int:
    with _open(args.file) as arc:
        m = mon.trova(arc, args.numero)
        quando = _data(args.data) if args.data else None
        arc.apply(mon.chiudi(arc, m.id or 0, quando))
        m = mon.trova(arc, str(m.id))
        print(f"Monitoraggio «{m.nome}» chiuso il {format_date(m.chiuso_il)}: i valori sono congelati.")
    return 0


def cmd_riapri(args: argparse.Namespace) -> int:
    with _open(args.file) as arc:
        m = mon.trova(arc, args.numero)
        arc.apply(mon.riapri(arc, m.id or 0))
        print(f"Monitoraggio «{m.nome}» riaperto.")
    return 0


def cmd_bilancio(args: argparse.Namespace) -> int:
    from ..store.bilancio import riepiloghi_per_settore

    with _open(args.file, readonly=True) as arc:
        anno = args.anno or arc.piano().anno_inizio
        blocchi = riepiloghi_per_settore(arc, anno)
        if not blocchi:
            print(f"Nessuna risorsa finanziaria per il {anno}.")
            return 0
        for nome, rie in blocchi:
            print(f"\n{nome} — {anno}")
            print(f"  {'Codice':<14}{'Budget':>16}{'Impegnato':>16}{'Stato':>9}{'Assorb.':>10}"
                  f"{'Entrate':>16}{'Accertato':>16}{'Stato':>9}")
            for r in rie.righe:
                print(f"  {r.codice[:14]:<14}{format_decimal(r.budget):>16}{format_decimal(r.impegnato):>16}"
                      f"{format_percent(r.stato_spesa, 1):>9}{format_percent(r.assorbimento):>10}"
                      f"{format_decimal(r.entrate):>16}{format_decimal(r.accertato):>16}"
                      f"{format_percent(r.stato_entrata, 1):>9}")
            print(f"  {'Totale':<14}{format_decimal(rie.totale_budget):>16}"
                  f"{format_decimal(rie.totale_impegnato):>16}{format_percent(rie.stato_spesa, 1):>9}"
                  f"{format_percent(rie.assorbimento_totale):>10}{format_decimal(rie.totale_entrate):>16}"
                  f"{format_decimal(rie.totale_accertato):>16}{format_percent(rie.stato_entrata, 1):>9}")
    return 0


def cmd_rinnova(args: argparse.Namespace) -> int:
    out: Path = args.out if args.out.suffix else args.out.with_suffix(PLAN_SUFFIX)
    if not args.prova and out.exists():
        raise CliError(f"Il file «{out}» esiste già: scegliere un altro nome.")
    with _open(args.file, readonly=True) as arc:
        prep = rinnovo.prepara(arc, anche_conclusi=not args.solo_in_corso)
        if not args.prova:
            rinnovo.crea(prep, out)
    print(prep.rapporto.testo())
    print()
    print("Prova: nessun file scritto." if args.prova else f"Nuovo piano creato: {out}")
    return 0
