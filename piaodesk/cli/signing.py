"""Signing sub-commands: ``piaodesk sign`` (PAdES, PKCS#12 file or smart card) and ``piaodesk verify``."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import CliError

if TYPE_CHECKING:
    from ..signing.sign import SignOptions


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sign", help="firma digitalmente uno o più PDF (PAdES) o li imbusta in .p7m (CAdES)",
        description="Firma PDF in un campo di firma vuoto (o in un campo nuovo con --pagina e "
                    "--riquadro). Con --cartella firma tutti i PDF della cartella con una sola "
                    "apertura della chiave (un solo PIN). La chiave viene da un file .p12/.pfx "
                    "(--p12) oppure da una smart card (--pkcs11-lib). Password e PIN vengono "
                    "chiesti a terminale; per gli script: --password-file / PIAODESK_P12_PASSWORD, "
                    "--pin-file / PIAODESK_PKCS11_PIN. Il file firmato non sovrascrive mai un file "
                    "esistente (NOME-firmato-CAMPO.pdf, -2, -3...), salvo --sovrascrivi con --out.")
    p.add_argument("pdf", type=Path, nargs="*", help="PDF da firmare (uno o più)")
    p.add_argument("--cartella", type=Path, metavar="DIR", help="firma tutti i PDF di questa cartella")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--p12", type=Path, metavar="CERT.p12", help="certificato di firma PKCS#12 (.p12/.pfx)")
    key.add_argument("--pkcs11-lib", type=Path, metavar="LIB",
                     help="libreria PKCS#11 della smart card (es. libbit4xpki.so, bit4xpki.dll)")
    p.add_argument("--token-label", help="etichetta della smart card (se ce n'è più d'una)")
    p.add_argument("--key-label", help="etichetta della chiave sulla smart card (predefinita: "
                                       "quella con certificato di firma)")
    p.add_argument("--catena", type=Path, action="append", default=[], metavar="CA.pem",
                   help="certificati della CA da includere nella firma (ripetibile; oltre a quelli "
                        "della smart card o del file .p12)")
    p.add_argument("--field", "--campo", dest="field", metavar="NOME",
                   help="nome del campo di firma (es. Firma_Responsabile)")
    p.add_argument("--out", type=Path, help="file firmato da scrivere (predefinito: "
                                            "NOME-firmato-CAMPO.pdf, mai sopra un file esistente); "
                                            "con più file: la cartella dove scriverli")
    p.add_argument("--sovrascrivi", action="store_true",
                   help="con --out: sostituisce il file se esiste già")
    p.add_argument("--formato", choices=["pades", "p7m"], default="pades",
                   help="pades: firma dentro il PDF (predefinito); p7m: busta CAdES NOME.pdf.p7m")
    p.add_argument("--nome", help="riga in più nel riquadro (il titolare del certificato c'è sempre)")
    p.add_argument("--ruolo", help="ruolo nel riquadro, es. \"Il Responsabile del Servizio\"")
    p.add_argument("--luogo", help="luogo della firma, es. \"Comune di Prova\"")
    p.add_argument("--motivo", help="motivo della firma, es. \"Per presa visione\"")
    p.add_argument("--pagina", type=int, help="pagina (da 1) del campo nuovo da creare")
    p.add_argument("--riquadro", metavar="X1,Y1,X2,Y2",
                   help="riquadro in punti del campo nuovo (origine in basso a sinistra)")
    p.add_argument("--password-file", type=Path, help="file con la password del certificato")
    p.add_argument("--pin-file", type=Path, help="file con il PIN della smart card")
    p.add_argument("--tsa", metavar="URL", help="servizio di marca temporale (PAdES B-T); predefinito: "
                                                "quello delle impostazioni della firma")
    p.add_argument("--tsa-utente", help="utente del servizio di marca temporale (password: "
                                        "PIAODESK_TSA_PASSWORD)")
    p.add_argument("--senza-tsa", action="store_true", help="non chiede la marca temporale")
    p.add_argument("--lt", action="store_true",
                   help="aggiunge i dati di validazione (PAdES B-LT): catena e, con --in-linea, CRL/OCSP")
    p.add_argument("--in-linea", action="store_true", help="con --lt: scarica CRL e OCSP dalla rete")
    p.add_argument("--campi", action="store_true", help="elenca i campi di firma del PDF ed esce")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser("verify", help="verifica le firme digitali di un PDF o di un .p7m",
                       description="Elenca le firme del PDF: campo, firmatario, certificato, data, "
                                   "marca temporale, integrità, validità, attendibilità, copertura, "
                                   "modifiche successive e firme rimosse. Uscita 0 se tutte le firme "
                                   "sono valide (e attendibili, con --trust).")
    p.add_argument("pdf", type=Path)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CA.pem",
                   help="certificato di una CA fidata (ripetibile)")
    p.add_argument("--json", action="store_true", help="risultato in formato JSON (tutto quel che dice il testo)")
    p.set_defaults(func=cmd_verify)


def _read_secret(path: Path | None, env: str, prompt: str, what: str, flag: str) -> str:
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CliError(f"File {what} non leggibile: {path} ({exc.strerror or exc})") from None
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"Serve {what}: usare un terminale, {flag} oppure la variabile {env}.")
    return getpass.getpass(prompt)


def _parse_box(text: str) -> tuple[float, float, float, float]:
    try:
        parts = [float(p.replace(" ", "")) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4:
        raise CliError(f"Riquadro non valido: {text!r} (atteso X1,Y1,X2,Y2 in punti, es. 60,120,280,200)")
    x1, y1, x2, y2 = parts
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _sign_options(args: argparse.Namespace, tsa) -> SignOptions:
    from ..signing.sign import SignOptions

    box = _parse_box(args.riquadro) if args.riquadro else None
    if args.pagina is not None and args.pagina < 1:
        raise CliError("--pagina parte da 1.")
    return SignOptions(field=args.field or "", nome=args.nome, ruolo=args.ruolo, luogo=args.luogo,
                       motivo=args.motivo, box=box, page=(args.pagina - 1) if args.pagina else None,
                       tsa=tsa, lt=args.lt, fetch=args.in_linea)


def _timestamper(args: argparse.Namespace):
    from ..signing.tsa import ENV_TSA_PASSWORD, TsaSettings, load_settings, timestamper

    if args.senza_tsa:
        return None
    settings = load_settings()
    if args.tsa:
        settings = TsaSettings(url=args.tsa, utente=args.tsa_utente or "",
                               password=os.environ.get(ENV_TSA_PASSWORD, ""))
    return timestamper(settings)


def _files(args: argparse.Namespace) -> list[Path]:
    from ..signing.batch import pdfs_in

    files = list(args.pdf)
    if args.cartella is not None:
        files += pdfs_in(args.cartella)
    if not files:
        raise CliError("Indicare il PDF da firmare oppure --cartella DIR.")
    return files


def cmd_sign(args: argparse.Namespace) -> int:
    from ..signing.errors import SignatureError

    try:
        if args.campi:
            return _list_fields(args)
        files = _files(args)
        if args.formato == "pades" and not args.field:
            raise CliError("Indicare il campo di firma con --field NOME (elenco: piaodesk sign PDF --campi).")
        if args.sovrascrivi and args.out is None:
            raise CliError("--sovrascrivi vale solo con --out FILE: i nomi predefiniti non "
                           "sovrascrivono mai.")
        many = len(files) > 1 or args.cartella is not None
        if many and args.out is not None and not args.out.is_dir():
            raise CliError(f"Con più file --out deve essere una cartella esistente: {args.out}")
        opts = _sign_options(args, _timestamper(args))
        with _open_signer(args) as signer:
            if many:
                return _sign_batch(files, signer, opts, args)
            item = _sign_single(files[0], signer, opts, args)
    except SignatureError as exc:
        raise CliError(str(exc)) from None
    for warning in item.warnings:
        print(f"Attenzione: {warning}", file=sys.stderr)
    print(item.message)
    print(f"SHA-256 del file firmato: {item.sha256}")
    return 0


def _list_fields(args: argparse.Namespace) -> int:
    from ..signing.errors import read_input
    from ..signing.sign import signature_fields

    if len(args.pdf) != 1:
        raise CliError("--campi vuole un solo PDF.")
    fields = signature_fields(read_input(args.pdf[0]))
    if not fields:
        print("Il PDF non ha campi di firma.")
    for f in fields:
        where = f"pagina {f.page + 1}" if f.page is not None else "pagina ?"
        state = "firmato" if f.signed else "libero"
        print(f"{f.name}\t{state}\t{where}")
    return 0


@contextlib.contextmanager
def _open_signer(args: argparse.Namespace):
    """The key, opened once (one password or PIN entry for every file)."""
    from ..signing.keys import ENV_P12_PASSWORD, ENV_PKCS11_PIN, load_certificates, load_pkcs12, open_pkcs11

    catena = load_certificates(args.catena, "Certificato della catena") if args.catena else []
    if args.p12:
        password = _read_secret(args.password_file, ENV_P12_PASSWORD, "Password del certificato: ",
                                "la password del certificato", "--password-file")
        yield load_pkcs12(args.p12, password, catena=catena)
    elif args.pkcs11_lib:
        pin = _read_secret(args.pin_file, ENV_PKCS11_PIN, "PIN della smart card: ",
                           "il PIN della smart card", "--pin-file")
        with open_pkcs11(args.pkcs11_lib, pin, token_label=args.token_label,
                         key_label=args.key_label, catena=catena) as signer:
            yield signer
    else:
        raise CliError("Indicare la chiave di firma: --p12 CERT.p12 oppure --pkcs11-lib LIBRERIA.")


def _sign_single(src: Path, signer, opts, args: argparse.Namespace):
    from ..signing.batch import sign_file

    return sign_file(src, signer, opts, out=args.out, overwrite=args.sovrascrivi, fmt=args.formato)


def _sign_batch(files: list[Path], signer, opts, args: argparse.Namespace) -> int:
    from ..signing.batch import sign_many

    def progress(index: int, total: int, item) -> None:
        print(f"[{index}/{total}] {item.source.name}: {item.message}", flush=True)
        for warning in item.warnings:
            print(f"  Attenzione: {warning}", file=sys.stderr)

    summary = sign_many(files, signer, opts, out_dir=args.out, fmt=args.formato, on_progress=progress)
    print(summary.text)
    return 1 if summary.count("errore") else 0


def cmd_verify(args: argparse.Namespace) -> int:
    from ..signing.errors import SignatureError
    from ..signing.verify import NO_TRUST_NOTE, format_result, verify_file

    try:
        result = verify_file(args.pdf, args.trust)
    except SignatureError as exc:
        raise CliError(str(exc)) from None
    need_trust = bool(args.trust)
    if not need_trust and any(not r.trusted for r in result.reports):
        json_notes = [*result.notes, NO_TRUST_NOTE]
    else:
        json_notes = list(result.notes)
    all_ok = result.all_ok and all(r.trusted or not need_trust for r in result.reports)
    if args.json:
        data = {"file": str(args.pdf), **result.as_dict(), "note": json_notes, "tutte_valide": all_ok}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(format_result(result, trust_given=need_trust))
    return 0 if all_ok else 1
