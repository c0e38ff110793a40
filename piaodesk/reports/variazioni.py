"""The printed list of the plan's variations (issue 18 point 5): act, reason, field by field
before → after, with signature fields; and the same as CSV for a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from ..domain.variazioni import StatoVariazione, Variazione, VoceVariazione, quando
from ..store import variazioni as var
from ..store.archive import Archive
from .documento import Documento, Firme, Tabella, Testo, Titolo, scrivi_pdf_documento
from .fine_anno import nome_ente, scrivi_csv

INTESTAZIONE = ["Oggetto", "Campo", "Prima", "Dopo"]
_AZIONI = {"inserimento": "aggiunto", "eliminazione": "eliminato"}


def righe(voci: list[VoceVariazione]) -> list[list[str]]:
    out = []
    for x in voci:
        campo = x.campo or _AZIONI.get(x.azione, x.azione)
        out.append([x.oggetto, campo, x.prima, x.dopo])
    return out


def documento(archive: Archive, variazioni: list[Variazione] | None = None) -> Documento:
    piano = archive.piano()
    tutte = variazioni if variazioni is not None else var.elenco(archive)
    doc = Documento(nome_ente(archive), f"Variazioni del piano {piano.anno_inizio}–{piano.anno_fine}",
                    f"{len(tutte)} variazion{'e' if len(tutte) == 1 else 'i'}", orizzontale=True)
    if not tutte:
        doc.add(Testo("Nessuna variazione registrata."))
    for v in tutte:
        stato = ("aperta: elenco provvisorio" if v.stato is StatoVariazione.APERTA
                 else f"chiusa il {quando(v.chiusa_il)}")
        doc.add(Titolo(f"Variazione n. {v.id} — {v.atto}"),
                Testo(f"Motivo: {v.motivo}"),
                Testo(f"Aperta il {quando(v.aperta_il)} da {v.utente or '—'}; "
                      f"{stato}.", nota=True))
        rr = righe(var.voci(archive, v))
        doc.add(Tabella(INTESTAZIONE, rr, (0.38, 0.2, 0.21, 0.21)) if rr
                else Testo("La variazione non ha modificato alcun dato.", nota=True))
    doc.add(Firme([("Il Segretario / Responsabile", "Firma_Responsabile")]))
    return doc


def scrivi_variazioni(archive: Archive, out: Path, numero: int | None = None) -> list[Path]:
    """PDF and CSV of every variation (or of variation ``numero``) into folder ``out``."""
    tutte = var.elenco(archive)
    if numero is not None:
        tutte = [var.trova(archive, numero)]
    suffix = f"-{numero}" if numero is not None else ""
    out.mkdir(parents=True, exist_ok=True)
    pdf = scrivi_pdf_documento(documento(archive, tutte), out / f"variazioni{suffix}.pdf")
    csv_rows = [[str(v.id), v.atto, v.motivo, *r] for v in tutte for r in righe(var.voci(archive, v))]
    csv = scrivi_csv(out / f"variazioni{suffix}.csv", ["N.", "Atto", "Motivo", *INTESTAZIONE], csv_rows)
    return [pdf, csv]
