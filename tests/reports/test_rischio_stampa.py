"""Issue 18 point 4 «printed»: the objective sheets print the level of the ente's own scale with its
misura di prevenzione, as seed 001 prints «RISCHIO CORRUTTIVO VALUTAZIONE CRITICITA'» beside each
objective row (L114-L115: «MEDIA»)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from piaodesk.domain.model import Obiettivo
from piaodesk.reports.data import TUTTI, snapshot_scheda_obiettivi, snapshot_scheda_obiettivo
from piaodesk.reports.sheets import render_scheda_obiettivi, render_scheda_obiettivo
from piaodesk.store import rischio as store
from piaodesk.store.edits import SetFields


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_sheets_print_the_ente_level_names(demo):
    demo.apply(store.imposta(demo, [("BASSO", ""), ("MEDIO", ""), ("ALTO", ""), ("CRITICO", "appalti")],
                             {"MEDIA": "MEDIO"}))
    ts1 = next(o for o in demo.obiettivi() if o.codice == "TS.1")
    t = _text(render_scheda_obiettivo(snapshot_scheda_obiettivo(demo, ts1.id)))
    assert "Rischio corruttivo MEDIO — Solo piattaforme di approvvigionamento" in t
    assert "MEDIA" not in t.replace("MEDIANTE", "")
    demo.apply(SetFields(Obiettivo, ts1.id, {"rischio_livello": "CRITICO"}))
    t = _text(render_scheda_obiettivi(snapshot_scheda_obiettivi(demo, ts1.unita_id or TUTTI)))
    assert "CRITICO — Solo piattaforme" in t
