"""Signing sub-commands: ``piaodesk sign`` (PAdES, PKCS#12 file or smart card) and ``piaodesk verify``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from ..fsio import atomic_write_bytes, describe_os_error
from . import CliError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "sign", help="firma digitalmente un PDF (PAdES) in un campo di firma",
        description="Firma un PDF in un campo di firma vuoto (o in un campo nuovo con --pagina e "
                    "--riquadro). La chiave viene da un file .p12/.pfx (--p12) oppure da una smart "
                    "card (--pkcs11-lib). Password e PIN vengono chiesti a terminale; per gli "
                    "script: --password-file / PIAODESK_P12_PASSWORD, --pin-file / PIAODESK_PKCS11_PIN.")
    p.add_argument("pdf", type=Path, help="PDF da firmare")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--p12", type=Path, metavar="CERT.p12", help="certificato di firma PKCS#12 (.p12/.pfx)")
    key.add_argument("--pkcs11-lib", type=Path, metavar="LIB",
                     help="libreria PKCS#11 della smart card (es. libbit4xpki.so, bit4xpki.dll)")
    p.add_argument("--token-label", help="etichetta della smart card (se ce n'è più d'una)")
    p.add_argument("--key-label", help="etichetta della chiave sulla smart card (predefinita: "
                                       "quella con certificato di firma)")
    p.add_argument("--field", "--campo", dest="field", metavar="NOME",
                   help="nome del campo di firma (es. Firma_Responsabile)")
    p.add_argument("--out", type=Path, help="PDF firmato da scrivere (predefinito: NOME-firmato.pdf)")
    p.add_argument("--nome", help="nome del firmatario nel riquadro (predefinito: dal certificato)")
    p.add_argument("--ruolo", help="ruolo nel riquadro, es. \"Il Responsabile del Servizio\"")
    p.add_argument("--luogo", help="luogo della firma, es. \"Comune di Prova\"")
    p.add_argument("--motivo", help="motivo della firma, es. \"Per presa visione\"")
    p.add_argument("--pagina", type=int, help="pagina (da 1) del campo nuovo da creare")
    p.add_argument("--riquadro", metavar="X1,Y1,X2,Y2",
                   help="riquadro in punti del campo nuovo (origine in basso a sinistra)")
    p.add_argument("--password-file", type=Path, help="file con la password del certificato")
    p.add_argument("--pin-file", type=Path, help="file con il PIN della smart card")
    p.add_argument("--campi", action="store_true", help="elenca i campi di firma del PDF ed esce")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser("verify", help="verifica le firme digitali di un PDF",
                       description="Elenca le firme del PDF: campo, firmatario, data, integrità, "
                                   "validità, attendibilità, copertura e modifiche successive. "
                                   "Uscita 0 se tutte le firme sono valide (e attendibili, con --trust).")
    p.add_argument("pdf", type=Path)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CA.pem",
                   help="certificato di una CA fidata (ripetibile)")
    p.add_argument("--json", action="store_true", help="risultato in formato JSON")
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


def cmd_sign(args: argparse.Namespace) -> int:
    from ..signing.errors import SignatureError
    from ..signing.keys import ENV_P12_PASSWORD, ENV_PKCS11_PIN, load_pkcs12, open_pkcs11
    from ..signing.sign import SignOptions, sign_pdf, signature_fields

    try:
        data = args.pdf.read_bytes()
    except FileNotFoundError:
        raise CliError(f"File non trovato: {args.pdf}") from None
    except OSError as exc:
        raise CliError(f"Impossibile leggere {args.pdf}: {exc.strerror or exc}") from None
    try:
        if args.campi:
            fields = signature_fields(data)
            if not fields:
                print("Il PDF non ha campi di firma.")
            for f in fields:
                where = f"pagina {f.page + 1}" if f.page is not None else "pagina ?"
                state = "firmato" if f.signed else "libero"
                print(f"{f.name}\t{state}\t{where}")
            return 0
        if not args.field:
            raise CliError("Indicare il campo di firma con --field NOME (elenco: piaodesk sign PDF --campi).")
        box = _parse_box(args.riquadro) if args.riquadro else None
        if args.pagina is not None and args.pagina < 1:
            raise CliError("--pagina parte da 1.")
        opts = SignOptions(field=args.field, nome=args.nome, ruolo=args.ruolo, luogo=args.luogo,
                           motivo=args.motivo, box=box,
                           page=(args.pagina - 1) if args.pagina else None)
        out: Path = args.out or args.pdf.with_name(f"{args.pdf.stem}-firmato.pdf")
        if args.p12:
            password = _read_secret(args.password_file, ENV_P12_PASSWORD,
                                    "Password del certificato: ", "la password del certificato",
                                    "--password-file")
            signer = load_pkcs12(args.p12, password)
            result = sign_pdf(data, signer, opts)
        elif args.pkcs11_lib:
            pin = _read_secret(args.pin_file, ENV_PKCS11_PIN, "PIN della smart card: ",
                               "il PIN della smart card", "--pin-file")
            with open_pkcs11(args.pkcs11_lib, pin, token_label=args.token_label,
                             key_label=args.key_label) as signer:
                result = sign_pdf(data, signer, opts)
        else:
            raise CliError("Indicare la chiave di firma: --p12 CERT.p12 oppure --pkcs11-lib LIBRERIA.")
    except SignatureError as exc:
        raise CliError(str(exc)) from None
    try:
        atomic_write_bytes(out, result.pdf)
    except OSError as exc:
        raise CliError(f"PDF firmato non scritto: {describe_os_error(exc, out)}") from None
    print(f"Firmato il campo {result.field} da {result.signer}: {out}")
    print(f"SHA-256 del PDF firmato: {result.sha256}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from ..signing.errors import SignatureError
    from ..signing.verify import format_reports, verify_file

    try:
        reports = verify_file(args.pdf, args.trust)
    except SignatureError as exc:
        raise CliError(str(exc)) from None
    need_trust = bool(args.trust)
    all_ok = bool(reports) and all(r.ok and (r.trusted or not need_trust) for r in reports)
    if args.json:
        print(json.dumps({"file": str(args.pdf), "firme": [r.as_dict() for r in reports],
                          "tutte_valide": all_ok}, ensure_ascii=False, indent=2))
    else:
        print(format_reports(reports, trust_given=need_trust))
    return 0 if all_ok else 1
