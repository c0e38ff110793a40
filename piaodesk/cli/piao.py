"""``piaodesk calendario FILE`` (the legal calendar with the days left) and ``piaodesk catalogo FILE``
(missioni/programmi written as free text, matched to the harmonised catalogue for review)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from ..domain.catalogo import FONTE, Certezza, riconosci
from ..domain.formats import format_date, parse_date
from ..domain.model import Obiettivo
from ..store import calendario as cal
from ..store.edits import Batch, SetFields
from . import CliError, apri_piano


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("calendario", help="scadenze di legge del ciclo (PIAO, monitoraggio, Relazione…)")
    p.add_argument("file", type=Path)
    p.add_argument("--anno", type=int)
    p.add_argument("--oggi", help="data di riferimento per i giorni mancanti (gg/mm/aaaa)")
    p.add_argument("--imposta", nargs="*", metavar="VOCE=GG/MM",
                   help="sposta una scadenza per l'ente (VOCE=off la disattiva): piao, monitoraggio, "
                        "variazioni, variazioni_peg, relazione, validazione")
    p.add_argument("--bilancio", help="data di approvazione del bilancio (sposta il termine del PIAO)")
    p.add_argument("--evento", metavar="NOME=GG/MM/AAAA",
                   help="data di un evento (es. approvazione=15/03/2026): le fasi con una scadenza relativa "
                        "(«entro 30 giorni dall'approvazione») ricevono la loro data")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calendario)
    p = sub.add_parser("catalogo", help="missioni e programmi scritti a testo: proposta dal catalogo da rivedere")
    p.add_argument("file", type=Path)
    p.add_argument("--applica", action="store_true",
                   help="registra le proposte sicure (codici e nomi concordi); le altre restano da rivedere")
    p.set_defaults(func=cmd_catalogo)


def cmd_calendario(args: argparse.Namespace) -> int:
    oggi = date.today()
    if args.oggi:
        oggi = parse_date(args.oggi) or oggi
        if parse_date(args.oggi) is None:
            raise CliError(f"«{args.oggi}» non è una data: scrivere ad esempio 30/06/2026.")
    scrivere = args.imposta is not None or args.bilancio is not None or args.evento is not None
    with apri_piano(args.file, readonly=not scrivere) as arc:
        if scrivere:
            regole: dict[str, str | None] = {}
            for item in args.imposta or []:
                voce, _, valore = item.partition("=")
                regole[voce.strip()] = None if valore.strip().lower() in ("off", "no", "") else valore.strip()
            bil: date | str | None = ""
            if args.bilancio is not None:
                bil = parse_date(args.bilancio)
                if bil is None:
                    raise CliError(f"«{args.bilancio}» non è una data: scrivere ad esempio 10/03/2026.")
            try:
                if args.imposta is not None or args.bilancio is not None:
                    arc.apply(cal.imposta(arc, regole, bil))
                if args.evento is not None:
                    nome, _, testo = args.evento.partition("=")
                    quando = parse_date(testo)
                    if quando is None:
                        raise CliError(f"«{testo}» non è una data: scrivere ad esempio approvazione=15/03/2026.")
                    edit, risolte = cal.risolvi(arc, nome, quando)
                    arc.apply(edit)
                    for f, d in risolte:
                        print(f"Fase «{f.descrizione}»: {f.scadenza_relativa} → {format_date(d)}")
                    print(f"Evento «{nome.strip()}» del {format_date(quando)}: {len(risolte)} scadenze calcolate.")
            except ValueError as err:
                raise CliError(str(err)) from err
        voci = cal.scadenze(arc, args.anno)
        attesa = cal.in_attesa(arc)
    if args.json:
        print(json.dumps([{"voce": s.chiave, "nome": s.nome, "data": format_date(s.data),
                           "giorni": s.giorni_mancanti(oggi), "stato": s.stato(oggi), "fonte": s.fonte}
                          for s in voci], ensure_ascii=False, indent=1))
        return 0
    for s in voci:
        print(f"{format_date(s.data)}  {s.stato(oggi):<22} {s.nome}  ({s.fonte})")
    for f, evento in attesa:
        print(f"in attesa   fase «{f.descrizione}»: {f.scadenza_relativa} (manca la data di «{evento}»)")
    return 0


def cmd_catalogo(args: argparse.Namespace) -> int:
    with apri_piano(args.file, readonly=not args.applica) as arc:
        sicure: list[SetFields] = []
        da_rivedere = 0
        for o in arc.obiettivi():
            testo = " – ".join(x for x in (o.missione, o.programma) if x)
            if not testo or o.programma_cod:
                continue
            r = riconosci(testo if "PROGRAMMA" in testo.upper() or "MISSIONE" in testo.upper()
                          else o.programma or testo)
            print(f"{o.codice:<12} {testo[:70]}\n             → {r.nota}")
            if r.programma is not None and r.certezza in (Certezza.ESATTA, Certezza.SOLO_CODICE) and o.id:
                sicure.append(SetFields(Obiettivo, o.id, {"programma_cod": r.programma.chiave}))
            else:
                da_rivedere += 1
        print(f"Catalogo: {FONTE}.")
        if args.applica and sicure:
            arc.apply(Batch(sicure, "Programmi dal catalogo"))  # type: ignore[arg-type]
            print(f"Registrati {len(sicure)} programmi; {da_rivedere} da scegliere a mano.")
        elif not sicure and not da_rivedere:
            print("Nessun obiettivo con missione o programma scritti a testo senza codice.")
        else:
            print(f"{len(sicure)} proposte sicure, {da_rivedere} da rivedere"
                  + ("" if args.applica else " (--applica registra quelle sicure)."))
    return 0
