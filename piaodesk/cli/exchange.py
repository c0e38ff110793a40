"""Excel exchange sub-commands: export, template, import (with --dry-run)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..exchange.common import ExchangeError, righe_mancanti
from ..store.archive import Archive
from . import CliError
from . import anno as anno_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="esporta il piano (o un settore) in una cartella Excel")
    p.add_argument("piano", type=Path, help="file .piao")
    p.add_argument("uscita", type=Path, help="file .xlsx da scrivere")
    p.add_argument("--settore", help="solo gli obiettivi di un settore (nome, codice o numero)")
    p.add_argument("--formato", choices=("piaodesk", "portale"), default="piaodesk",
                   help="piaodesk = cartella reimportabile; portale = tabella del Portale PIAO")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", help="scrive un modello Excel vuoto da compilare")
    p.add_argument("uscita", type=Path, help="file .xlsx da scrivere")
    p.add_argument("--anno", type=anno_arg, default=None, help="primo anno del triennio")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("import", help="importa una cartella Excel o una tabella CSV/testo nel piano")
    p.add_argument("file", type=Path, help="file .xlsx, .csv o .txt")
    p.add_argument("--into", type=Path, required=True, metavar="PIANO", help="file .piao")
    p.add_argument("--dry-run", action="store_true",
                   help="mostra differenze e problemi senza modificare il piano")
    p.add_argument("--mapping", help="mappatura delle colonne in JSON, es. "
                                     "'{\"indicatore\": 13, \"baseline\": 18}' (o un file .json)")
    p.add_argument("--foglio", help="foglio da leggere (tabelle piatte in .xlsx)")
    p.add_argument("--forza", action="store_true",
                   help="importa anche se ci sono righe con [errore] (quelle righe sono ignorate)")
    p.add_argument("--rimuovi-mancanti", type=int, metavar="N", dest="rimuovi_mancanti",
                   help="rimuove dal piano le righe che mancano nel file: N deve essere il loro "
                        "numero, come indicato dalla prova (--dry-run)")
    p.set_defaults(func=cmd_import)


def _check_out(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise CliError(f"Il file di uscita «{path.name}» deve avere l'estensione .xlsx.")
    if not path.parent.exists():
        raise CliError(f"La cartella «{path.parent}» non esiste.")


def cmd_export(args: argparse.Namespace) -> int:
    from ..exchange.portale import write_portale
    from ..exchange.workbook import write_workbook

    _check_out(args.uscita)
    with Archive.open(args.piano, readonly=True) as arc:
        try:
            if args.formato == "portale":
                n = write_portale(arc, args.uscita, settore=args.settore)
                print(f"Tabella per il Portale PIAO scritta: {args.uscita} ({n} righe)")
            else:
                counts = write_workbook(arc, args.uscita, settore=args.settore)
                print(f"Cartella Excel scritta: {args.uscita}")
                for name, n in counts.items():
                    print(f"  {name}: {n} righe")
        except ExchangeError as exc:
            raise CliError(str(exc)) from exc
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from ..exchange.workbook import write_template

    _check_out(args.uscita)
    anni = [args.anno, args.anno + 1, args.anno + 2] if args.anno else None
    try:
        write_template(args.uscita, anni)
    except ExchangeError as exc:
        raise CliError(str(exc)) from exc
    print(f"Modello Excel vuoto scritto: {args.uscita}")
    return 0


def _mapping(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    src = text
    if not text.lstrip().startswith("{") and Path(text).exists():
        src = Path(text).read_text(encoding="utf-8")
    try:
        data = json.loads(src)
    except json.JSONDecodeError as exc:
        raise CliError(f"--mapping non è un JSON valido: {exc.msg} (colonna {exc.colno}).") from exc
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise CliError("--mapping deve essere un oggetto JSON campo → numero di colonna (da 0).")
    return data


def cmd_import(args: argparse.Namespace) -> int:
    from ..exchange import prepare_import
    from ..store.backup import make_backup

    mapping = _mapping(args.mapping)
    with Archive.open(args.into, readonly=args.dry_run) as arc:
        try:
            plan = prepare_import(arc, args.file, mapping=mapping, foglio=args.foglio)
            if args.rimuovi_mancanti is not None:
                plan.conferma_rimozioni(args.rimuovi_mancanti)
        except ExchangeError as exc:
            raise CliError(str(exc)) from exc
        print(plan.report())
        pending = plan.mancanti if plan.rimozioni else 0
        if pending:
            print(f"{righe_mancanti(pending).capitalize()}: la rimozione richiede una conferma. "
                  f"Per rimuovere ripetere l'importazione con --rimuovi-mancanti {pending}.")
        if args.dry_run:
            print("Prova (--dry-run): il piano non è stato modificato.")
            return 0
        errori = sum(1 for p in plan.problemi if p.gravita == "errore")
        if errori and not args.forza:
            raise CliError(
                f"Importazione rifiutata: {errori} {'errore' if errori == 1 else 'errori'} nel file "
                f"(le righe [errore] sopra). "
                f"Il piano non è stato modificato. Correggere il file, oppure ripetere con --forza "
                f"per importare tutto il resto (le righe con errori sono ignorate).")
        if not plan.edits:
            print("Nessuna modifica da applicare.")
            return 0
        copia = make_backup(args.into, "importazione")
        plan.apply(arc)
        print(f"Importazione applicata al piano «{args.into.name}» ({len(plan.edits)} modifiche "
              f"in un'unica operazione).")
        print(f"Copia del piano prima dell'importazione: {copia}")
        print(f"Per tornare allo stato precedente: piaodesk ripristina \"{args.into}\"")
    return 0
