"""``piaodesk rischio FILE``: the ente's corruption-risk scale (issue 18 point 4) with how many
objectives use each level; ``--scala`` sets it (lowest first), ``--descrizione`` describes a level,
``--rinomina`` carries the objectives graded with a level to its new name."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..store import rischio as store
from . import CliError, apri_piano


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rischio", help="scala del rischio corruttivo dell'ente (livelli, descrizioni, uso)")
    p.add_argument("file", type=Path)
    p.add_argument("--scala", metavar="L1,L2,…",
                   help="i livelli dell'ente dal più basso, separati da virgole (es. \"BASSO,MEDIO,ALTO,CRITICO\"); "
                        "\"predefinita\" torna a BASSA, MEDIA, ALTA")
    p.add_argument("--descrizione", nargs="*", metavar="LIVELLO=TESTO",
                   help="descrizione di un livello (vuota la toglie)")
    p.add_argument("--rinomina", nargs="*", metavar="VECCHIO=NUOVO",
                   help="gli obiettivi con il livello VECCHIO passano a NUOVO (un livello della nuova scala)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rischio)


def _coppie(items: list[str] | None, opzione: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        k, sep, v = item.partition("=")
        if not sep or not k.strip():
            raise CliError(f"{opzione}: «{item}» non è nella forma LIVELLO=TESTO.")
        out[" ".join(k.split())] = v.strip()
    return out


def cmd_rischio(args: argparse.Namespace) -> int:
    scrivere = args.scala is not None or args.descrizione is not None or args.rinomina is not None
    with apri_piano(args.file, readonly=not scrivere) as arc:
        try:
            attuale = store.scala(arc)
        except ValueError as err:
            raise CliError(str(err)) from err
        if scrivere:
            descr = _coppie(args.descrizione, "--descrizione")
            rinomina = _coppie(args.rinomina, "--rinomina")
            if args.scala is None:
                nomi = list(attuale.nomi)
            elif args.scala.strip().lower() == "predefinita":
                nomi = ["BASSA", "MEDIA", "ALTA"]
            else:
                nomi = [" ".join(x.split()) for x in args.scala.split(",") if x.strip()]
            ignoti = sorted(set(descr) - set(nomi))
            if ignoti:
                raise CliError(f"--descrizione: {', '.join(ignoti)} non è un livello della scala "
                               f"({', '.join(nomi)}).")
            righe = [(n, descr.get(n, attuale.descrizione(n))) for n in nomi]
            try:
                edit = store.imposta(arc, righe, rinomina)
            except store.LivelliInUso as err:  # it names the objectives
                raise CliError(f"Scala del rischio: {err} (opzione --rinomina VECCHIO=NUOVO).") from err
            except ValueError as err:
                raise CliError(f"Scala del rischio: {err}.") from err
            if edit is None:
                print("La scala del rischio era già questa: nulla da cambiare.")
            else:
                arc.apply(edit)
                spostati = sum(1 for e in getattr(edit, "edits", []) if getattr(e, "table", "") == "obiettivi")
                print("Scala del rischio registrata"
                      + (f"; obiettivi passati al nuovo nome: {spostati}." if spostati else "."))
        corrente = store.scala(arc)
        uso = store.in_uso(arc)
    fuori = {lv: c for lv, c in uso.items() if lv not in corrente.nomi}
    if args.json:
        print(json.dumps({"livelli": [{"nome": x.nome, "descrizione": x.descrizione, "obiettivi": uso.get(x.nome, [])}
                                      for x in corrente.livelli],
                          "fuori_scala": fuori, "predefinita": corrente.predefinita},
                         ensure_ascii=False, indent=1))
        return 0
    print("Scala del rischio " + ("(predefinita)" if corrente.predefinita else "dell'ente") + ", dal più basso:")
    larg = max(len(n) for n in corrente.nomi)
    for n, x in enumerate(corrente.livelli, start=1):
        usati = len(uso.get(x.nome, []))
        parola = "obiettivo" if usati == 1 else "obiettivi"
        print(f"{n:>2}. {x.nome:<{larg}}  {usati:>4} {parola}" + (f"  — {x.descrizione}" if x.descrizione else ""))
    for lv, codici in fuori.items():
        print(f"Fuori scala: «{lv}» su {len(codici)} obiettivi ({', '.join(codici[:8])})")
    return 0
