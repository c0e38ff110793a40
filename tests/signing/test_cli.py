"""`piaodesk sign` and `piaodesk verify` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from firma_helpers import PASSWORD, make_pdf

from piaodesk.cli import main


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "scheda.pdf"
    path.write_bytes(make_pdf())
    return path


def test_sign_twice_then_verify(sheet: Path, pki, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", PASSWORD)
    assert main(["sign", str(sheet), "--campi"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Firma_Responsabile\tlibero\tpagina 1", "Firma_Dipendente\tlibero\tpagina 1"]

    assert main(["sign", str(sheet), "--p12", str(pki.p12["Mario Rossi"]), "--field", "Firma_Responsabile",
                 "--ruolo", "Il Responsabile", "--luogo", "Comune di Prova"]) == 0
    first = sheet.with_name("scheda-firmato-Firma_Responsabile.pdf")
    out = capsys.readouterr().out
    assert f"Firmato il campo Firma_Responsabile da Mario Rossi (PAdES B-B): {first}" in out
    assert "SHA-256 del file firmato: " in out

    pw_file = tmp_path / "pw.txt"
    pw_file.write_text(PASSWORD + "\n")
    monkeypatch.delenv("PIAODESK_P12_PASSWORD")
    final = tmp_path / "finale.pdf"
    assert main(["sign", str(first), "--p12", str(pki.p12["Anna Bianchi"]), "--field", "Firma_Dipendente",
                 "--password-file", str(pw_file), "--out", str(final), "--nome", "Anna Bianchi"]) == 0
    capsys.readouterr()

    assert main(["verify", str(final), "--trust", str(pki.ca_pem), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tutte_valide"] is True
    assert [(f["field"], f["signer"], f["intact"], f["trusted"]) for f in data["firme"]] == [
        ("Firma_Responsabile", "Mario Rossi", True, True), ("Firma_Dipendente", "Anna Bianchi", True, True)]

    # without trust roots: valid, but the signers are not trusted (exit 0: nothing asked about trust)
    assert main(["verify", str(final)]) == 0
    text = capsys.readouterr().out
    assert "Firme digitali nel documento: 2" in text and "non attendibile (CA non fidata)" in text

    # one byte changed inside the signed range -> invalid, exit 1
    data_bytes = final.read_bytes()
    i = data_bytes.index(b"Punteggio complessivo")
    bad = tmp_path / "alterato.pdf"
    bad.write_bytes(data_bytes[:i] + b"p" + data_bytes[i + 1:])
    assert main(["verify", str(bad), "--trust", str(pki.ca_pem)]) == 1
    assert "NON VALIDA: il documento è stato alterato dopo la firma" in capsys.readouterr().out


def test_sign_errors(sheet: Path, pki, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", "sbagliata")
    out = tmp_path / "out.pdf"
    assert main(["sign", str(sheet), "--p12", str(pki.p12["Mario Rossi"]), "--field", "Firma_Responsabile",
                 "--out", str(out)]) == 2
    assert "Password del certificato errata" in capsys.readouterr().err
    assert not out.exists()

    monkeypatch.delenv("PIAODESK_P12_PASSWORD")
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115 - no terminal
    assert main(["sign", str(sheet), "--p12", str(pki.p12["Mario Rossi"]), "--field", "Firma_Responsabile"]) == 2
    assert "Serve la password del certificato" in capsys.readouterr().err

    assert main(["sign", str(sheet), "--field", "Firma_Responsabile"]) == 2
    assert "--p12 CERT.p12 oppure --pkcs11-lib" in capsys.readouterr().err

    monkeypatch.setenv("PIAODESK_PKCS11_PIN", "1234")
    assert main(["sign", str(sheet), "--pkcs11-lib", str(tmp_path / "nessuna.so"), "--field", "X"]) == 2
    assert "Libreria PKCS#11 non trovata" in capsys.readouterr().err

    assert main(["sign", str(tmp_path / "manca.pdf"), "--campi"]) == 2
    assert "File non trovato" in capsys.readouterr().err

    assert main(["sign", str(sheet), "--p12", "x.p12", "--field", "Nuovo", "--pagina", "1",
                 "--riquadro", "10,20,30"]) == 2
    assert "Riquadro non valido" in capsys.readouterr().err


def test_sign_new_field_with_box(sheet: Path, pki, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", PASSWORD)
    out = tmp_path / "nuovo.pdf"
    assert main(["sign", str(sheet), "--p12", str(pki.p12["Mario Rossi"]), "--field", "Firma_Segretario",
                 "--pagina", "1", "--riquadro", "300,300,520,380", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["sign", str(out), "--campi"]) == 0
    assert "Firma_Segretario\tfirmato\tpagina 1" in capsys.readouterr().out


def test_verify_bad_inputs(tmp_path: Path, sheet: Path, capsys) -> None:
    assert main(["verify", str(sheet)]) == 1
    assert "Il PDF non contiene firme digitali." in capsys.readouterr().out
    trunc = tmp_path / "troncato.pdf"
    trunc.write_bytes(sheet.read_bytes()[:400])
    assert main(["verify", str(trunc)]) == 2
    assert "troncato.pdf è danneggiato o incompleto" in capsys.readouterr().err
    assert main(["verify", str(sheet), "--trust", str(sheet)]) == 2
    assert "non contiene certificati X.509" in capsys.readouterr().err
