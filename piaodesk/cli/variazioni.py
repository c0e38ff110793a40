"""``piaodesk variazioni FILE [elenco|apri|chiudi|mostra|stampa]``: variations during the year."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..domain.formats import format_date, parse_date
from ..domain.variazioni import StatoVariazione, Variazione
from ..store import variazioni as var
from . import CliError, apri_piano


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("variazioni", help="variazioni del piano durante l'anno (atto, prima/dopo)",
                       description="Senza azione elenca le variazioni del piano.")
    p.add_argument("file", type=Path)
    azioni = p.add_subparsers(dest="azione", metavar="AZIONE")
    p.set_defaults(func=cmd_elenco)
    a = azioni.add_parser("elenco", help="elenca le variazioni (predefinito)")
    a.set_defaults(func=cmd_elenco)
    a = azioni.add_parser("apri", help="apre una variazione: le modifiche successive le appartengono")
    a.add_argument("--atto", required=True, help="tipo di atto, es. «Delibera di Giunta»")
    a.add_argument("--numero", default="", help="numero dell'atto")
    a.add_argument("--data", default="", help="data dell'atto (gg/mm/aaaa)")
    a.add_argument("--motivo", required=True)
    a.set_defaults(func=cmd_apri)
    a = azioni.add_parser("chiudi", help="chiude la variazione aperta, congelando l'elenco delle modifiche")
    a.set_defaults(func=cmd_chiudi)
    a = azioni.add_parser("mostra", help="le modifiche di una variazione, campo per campo (prima → dopo)")
    a.add_argument("numero", type=int, nargs="?")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_mostra)
    a = azioni.add_parser("stampa", help="PDF (con campo firma) e CSV dell'elenco delle variazioni")
    a.add_argument("numero", type=int, nargs="?")
    a.add_argument("--out", type=Path, required=True)
    a.set_defaults(func=cmd_stampa)


def cmd_elenco(args: argparse.Namespace) -> int:
    with apri_piano(args.file, readonly=True) as arc:
        tutte = var.elenco(arc)
        if not tutte:
            print("Nessuna variazione. Aprirne una con: piaodesk variazioni PIANO apri --atto "
                  "\"Delibera di Giunta\" --numero N --data GG/MM/AAAA --motivo \"…\"")
            return 0
        print(f"{'N.':>3}  {'Stato':<7}  {'Modifiche':>9}  Atto — motivo")
        for v in tutte:
            print(f"{v.id:>3}  {v.stato.value:<7}  {len(var.voci(arc, v)):>9}  {v.atto} — {v.motivo}")
    return 0


def cmd_apri(args: argparse.Namespace) -> int:
    quando = None
    if args.data:
        quando = parse_date(args.data)
        if quando is None:
            raise CliError(f"«{args.data}» non è una data: scrivere ad esempio 12/09/2026.")
    v = Variazione(atto_tipo=args.atto, atto_numero=args.numero, atto_data=quando, motivo=args.motivo)
    with apri_piano(args.file) as arc:
        try:
            arc.apply(var.ApriVariazione(v))
        except var.ErroreVariazione as err:
            raise CliError(str(err)) from err
        print(f"Aperta la variazione n. {v.id} ({v.atto}): le modifiche successive le appartengono "
              "fino a «piaodesk variazioni PIANO chiudi».")
    return 0


def cmd_chiudi(args: argparse.Namespace) -> int:
    with apri_piano(args.file) as arc:
        try:
            arc.apply(var.ChiudiVariazione())
        except var.ErroreVariazione as err:
            raise CliError(str(err)) from err
        v = var.trova(arc, None)
        print(f"Chiusa la variazione n. {v.id} ({v.atto}): {len(v.riepilogo)} modifiche.")
    return 0


def cmd_mostra(args: argparse.Namespace) -> int:
    with apri_piano(args.file, readonly=True) as arc:
        try:
            v = var.trova(arc, args.numero)
        except var.ErroreVariazione as err:
            raise CliError(str(err)) from err
        voci = var.voci(arc, v)
        if args.json:
            print(json.dumps({"numero": v.id, "atto": v.atto, "atto_tipo": v.atto_tipo,
                              "atto_numero": v.atto_numero,
                              "atto_data": format_date(v.atto_data) if v.atto_data else "",
                              "motivo": v.motivo, "stato": v.stato.value,
                              "voci": [x.as_dict() for x in voci]}, ensure_ascii=False, indent=1))
            return 0
        stato = "aperta (elenco provvisorio)" if v.stato is StatoVariazione.APERTA else "chiusa"
        print(f"Variazione n. {v.id} — {v.atto} — {stato}\nMotivo: {v.motivo}")
        if not voci:
            print("Nessuna modifica.")
        for x in voci:
            campo = f" · {x.campo}" if x.campo else ""
            print(f"- {x.oggetto}{campo}: {x.prima} → {x.dopo}")
    return 0


def cmd_stampa(args: argparse.Namespace) -> int:
    from ..reports.variazioni import scrivi_variazioni

    with apri_piano(args.file, readonly=True) as arc:
        try:
            paths = scrivi_variazioni(arc, args.out, args.numero)
        except var.ErroreVariazione as err:
            raise CliError(str(err)) from err
    for p in paths:
        print(p)
    return 0
