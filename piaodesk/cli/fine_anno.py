"""Year-end commands: ``piaodesk premi``, ``relazione``, ``trasparenza``, ``allegato``."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from ..domain.formats import format_date, format_decimal, format_int, parse_decimal
from ..fsio import describe_os_error
from ..store.archive import Archive
from . import CliError
from . import anno as anno_arg


def _fondo(text: str) -> Decimal:
    v = parse_decimal(text)
    if v is None or v < 0:
        raise argparse.ArgumentTypeError(f"«{text}» non è un importo: scrivere ad esempio 50000 o 50.000,00")
    if v != v.quantize(Decimal("0.01")):
        raise argparse.ArgumentTypeError(f"«{text}»: l'importo va indicato al centesimo")
    return v


def _comune(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--anno", type=anno_arg, help="anno (predefinito: primo anno del piano)")
    p.add_argument("--out", type=Path, required=True, help="cartella in cui scrivere i file")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("premi", help="premi di performance: tabella xlsx e PDF, graduatoria, differenziazione",
                       description="Ripartisce il fondo per la performance secondo le regole del SMVP "
                                   "(impostazioni «premi» del piano) sulle valutazioni dell'anno.")
    _comune(p)
    p.add_argument("--fondo", type=_fondo, help="importo del fondo (sostituisce quello salvato nel piano)")
    p.add_argument("--fondo-per", nargs=2, action="append", metavar=("CATEGORIA_O_UNITA", "IMPORTO"),
                   help="un fondo per categoria SMVP o per unità (con --ripartizione), ripetibile")
    p.add_argument("--ripartizione", choices=("categoria", "unita"),
                   help="i fondi di --fondo-per sono per categoria o per unità")
    p.set_defaults(func=cmd_premi)
    p = sub.add_parser("relazione", help="Relazione sulla Performance (PDF e .docx modificabile)",
                       description="Scrive la Relazione sulla Performance dell'anno: PDF con i campi di "
                                   "firma per la validazione del Nucleo e .docx modificabile.")
    _comune(p)
    p.set_defaults(func=cmd_relazione)
    p = sub.add_parser("trasparenza", help="dati da pubblicare (art. 20 D.Lgs. 33/2013): PDF e CSV",
                       description="Ammontare dei premi stanziati e distribuiti, premio medio per categoria, "
                                   "grado di differenziazione e obiettivi del piano, in forma aggregata.")
    _comune(p)
    p.add_argument("--fondo", type=_fondo, help="importo del fondo (sostituisce quello salvato nel piano)")
    p.set_defaults(func=cmd_trasparenza)
    p = sub.add_parser("allegato", help="allegato di monitoraggio per CDR (bilancio, indicatori, «in linea»)",
                       description="Per ogni centro di responsabilità: budget con i totali per Azione, Obiettivo, "
                                   "Indirizzo e CDR, stato di avanzamento di spese ed entrate, indicatori al "
                                   "monitoraggio con nota e giudizio «in linea» (valore alla data contro il "
                                   "target annuale in proporzione).")
    p.add_argument("file", type=Path, help="piano .piao")
    p.add_argument("--monitoraggio", help="monitoraggio: numero o data (predefinito: l'ultimo)")
    p.add_argument("--settore", help="nome o codice del CDR (predefinito: tutti)")
    p.add_argument("--nota", nargs=2, action="append", metavar=("INDICATORE", "TESTO"),
                   help="salva la nota di un indicatore (codice o numero) a quel monitoraggio, poi stampa")
    p.add_argument("--out", type=Path, required=True, help="cartella in cui scrivere il PDF")
    p.set_defaults(func=cmd_allegato)


def _apri(path: Path) -> Archive:
    if not path.exists():
        raise CliError(f"Il piano «{path}» non esiste.")
    return Archive.open(path, readonly=True)


def _anno(arc: Archive, anno: int | None) -> int:
    piano = arc.piano()
    a = anno or piano.anno_inizio
    if not piano.anno_inizio <= a <= piano.anno_fine:
        raise CliError(f"L'anno {a} è fuori dal triennio del piano ({piano.triennio}).")
    return a


def _scrivi(out: Path, fn) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        return list(fn())
    except OSError as exc:
        raise CliError(f"Scrittura non riuscita: {describe_os_error(exc, out)}") from exc


def _elenca(files: list[Path], finale: str) -> int:
    for f in files:
        print(f)
    print(finale)
    return 0


def _premi(arc: Archive, anno: int, fondo: Decimal | None, fondi: list[list[str]] | None = None,
           ripartizione: str | None = None):
    from dataclasses import replace

    from ..domain.premi import ErrorePremi
    from ..store import premi as sp

    if bool(fondi) != bool(ripartizione):
        raise CliError("--fondo-per e --ripartizione vanno indicati insieme.")
    if fondi and fondo is not None:
        raise CliError("Indicare --fondo (un fondo unico) oppure --fondo-per (uno per categoria o unità), "
                       "non entrambi.")
    try:
        regole = sp.regole(arc, fondo=fondo)
        if fondi:
            importi = {}
            for nome, testo in fondi:
                try:
                    importi[nome] = _fondo(testo)
                except argparse.ArgumentTypeError as exc:
                    raise CliError(f"--fondo-per {nome}: {exc}.") from exc
            regole = replace(regole, ripartizione=ripartizione or "", fondi=importi)  # both given (checked above)
        q, esito = sp.calcola(arc, anno, con_regole=regole)
    except ErrorePremi as exc:
        raise CliError(str(exc)) from exc
    if not regole.totale:
        raise CliError("Nessun fondo indicato: usare --fondo 50000 o impostarlo nel piano "
                       "(Valutazione › Premi di performance).")
    return regole, q, esito


def cmd_premi(args: argparse.Namespace) -> int:
    from ..reports import premi as rp
    from ..reports.fine_anno import nome_ente

    with _apri(args.file) as arc:
        anno = _anno(arc, args.anno)
        regole, _, esito = _premi(arc, anno, args.fondo, args.fondo_per, args.ripartizione)
        ente = nome_ente(arc)
    files = _scrivi(args.out, lambda: (
        rp.scrivi_xlsx(esito, regole, args.out / f"premi-{anno}.xlsx", ente=ente, anno=anno),
        rp.scrivi_pdf_premi(esito, regole, args.out / f"premi-{anno}.pdf", ente=ente, anno=anno)))
    for line in rp.riepilogo(esito, regole):
        print(line)
    print()
    print(f"{'Pos.':>4}  {'Nominativo':<32}{'Fascia':>7}{'Val. %':>9}{'Totale €':>14}")
    for r in rp.righe(esito):
        pos = "" if r[0] is None else str(r[0])
        print(f"{pos:>4}  {str(r[1])[:31]:<32}{r[5]!s:>7}{format_decimal(r[6]):>9}{format_decimal(r[11]):>14}"
              + (f"  {r[12]}" if r[0] is None else ""))
    print()
    return _elenca(files, f"{format_int(len(files))} file scritti in {args.out}")


def cmd_relazione(args: argparse.Namespace) -> int:
    from ..reports.relazione import scrivi_relazione

    with _apri(args.file) as arc:
        anno = _anno(arc, args.anno)
        files = _scrivi(args.out, lambda: scrivi_relazione(arc, args.out, anno))
    return _elenca(files, f"Relazione sulla Performance {anno}: PDF (con i campi di firma) e .docx modificabile "
                          f"in {args.out}")


def cmd_trasparenza(args: argparse.Namespace) -> int:
    from ..reports.trasparenza import scrivi_trasparenza

    with _apri(args.file) as arc:
        anno = _anno(arc, args.anno)
        _, q, esito = _premi(arc, anno, args.fondo)
        files = _scrivi(args.out, lambda: scrivi_trasparenza(arc, esito, q, args.out))
    return _elenca(files, f"Trasparenza {anno}: {len(files)} file in {args.out}")


def cmd_allegato(args: argparse.Namespace) -> int:
    from ..reports.allegato import scrivi_allegato
    from ..store import allegato as sa
    from ..store import monitoraggio as mon
    from ..store.db import PlanError

    if args.nota:
        from .copie import prima_di_scrivere

        if not args.file.exists():
            raise CliError(f"Il piano «{args.file}» non esiste.")
        prima_di_scrivere(args.file)
        with Archive.open(args.file) as arc:
            m = mon.trova(arc, args.monitoraggio) if args.monitoraggio else None
            mid = m.id if m else sa.allegato(arc).monitoraggio.id
            for codice, testo in args.nota:
                found = [i for i in arc.indicatori() if (i.codice or "").casefold() == codice.casefold()
                         or (codice.isdigit() and i.id == int(codice))]
                if len(found) != 1:
                    raise CliError(f"Indicatore «{codice}» non trovato" + (" (ambiguo)." if found else "."))
                arc.apply(sa.imposta_nota(arc, mid or 0, found[0].id or 0, testo))
            print(f"{len(args.nota)} {'nota salvata' if len(args.nota) == 1 else 'note salvate'}.")
    with _apri(args.file) as arc:
        try:
            mid = mon.trova(arc, args.monitoraggio).id if args.monitoraggio else None
            uid = None
            if args.settore:
                chiave = args.settore.strip().casefold()
                trovate = [u for u in arc.unita() if chiave in ((u.codice or "").casefold(), u.nome.casefold())]
                if len(trovate) != 1:
                    nomi = ", ".join(u.codice or u.nome for u in arc.unita())
                    raise CliError(f"Settore «{args.settore}» non trovato (o ambiguo). Settori: {nomi}.")
                uid = trovate[0].id
            a = sa.allegato(arc, mid, uid)
        except PlanError as exc:
            raise CliError(str(exc)) from exc
        files = _scrivi(args.out, lambda: [scrivi_allegato(arc, a, args.out)])
    return _elenca(files, f"Allegato di monitoraggio al {format_date(a.monitoraggio.data)} in {args.out}")
