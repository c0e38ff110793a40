"""The empty fields of a printed sheet can be signed one after the other (PAdES, incremental)."""

from __future__ import annotations

from piaodesk.reports import sheets
from piaodesk.signing.keys import load_pkcs12
from piaodesk.signing.prova import crea_pki_prova
from piaodesk.signing.sign import SignOptions, sign_pdf, signature_fields
from piaodesk.signing.verify import load_trust_roots, verify_pdf


def test_individual_sheet_signed_by_valutatore_then_dipendente(demo, tmp_path):
    pki = crea_pki_prova(tmp_path / "pki", "prova123", signers=("Chiara Rossetto", "Gianna Orso"))
    p = demo.trova_persona("Orso Gianna")
    pdf = sheets.build_scheda_individuale(demo, p.id, 2025)
    fields = {f.name: f for f in signature_fields(pdf)}
    assert {"Firma_Valutatore", "Firma_Dipendente"} <= set(fields)
    assert all(f.visible and not f.signed for f in fields.values())
    first = sign_pdf(pdf, load_pkcs12(pki.p12["Chiara Rossetto"], "prova123"),
                     SignOptions(field="Firma_Valutatore", ruolo="Il valutatore"))
    second = sign_pdf(first.pdf, load_pkcs12(pki.p12["Gianna Orso"], "prova123"),
                      SignOptions(field="Firma_Dipendente", motivo="Per presa visione"))
    reports = verify_pdf(second.pdf, load_trust_roots([pki.ca_pem]))
    assert [r.field for r in reports] == ["Firma_Valutatore", "Firma_Dipendente"]
    assert all(r.intact and r.valid and r.trusted for r in reports)
    (tmp_path / "firmata.pdf").write_bytes(second.pdf)
