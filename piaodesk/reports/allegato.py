"""The monitoring annex per CDR (seed 004) as PDF: budget summary with its subtotals, then one
sheet per product/objective with the financial blocks, the indicators at the round with their
note and the «in linea» judgement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..domain.enums import TipoIndicatore, TipoRisorsa
from ..domain.formats import format_date, format_decimal, format_percent
from ..domain.monitoraggio import testo_valore
from ..store.allegato import Allegato
from ..store.archive import Archive
from .documento import Documento, Firme, Tabella, Testo, Titolo, scrivi_pdf_documento
from .fine_anno import nome_ente


def _stato(x: Decimal | None) -> str:
    return format_percent(x, 1) if x is not None else ""


def documento_allegato(archive: Archive, a: Allegato) -> Documento:
    m = a.monitoraggio
    doc = Documento(nome_ente(archive), f"Allegato di monitoraggio — {m.nome}",
                    f"Dati al {format_date(m.data)} — PEG {a.anno}", orizzontale=True)
    if not a.rilevato:
        doc.add(Testo("Il monitoraggio non è ancora stato rilevato: i valori sono quelli registrati negli "
                      f"indicatori alla data del {format_date(m.data)}.", nota=True))
    if not a.cdr:
        doc.add(Testo("Nessun centro di responsabilità con obiettivi, indicatori o risorse."))
    for c in a.cdr:
        codice = c.unita.codice if c.unita.codice and c.unita.codice != c.unita.nome else ""
        doc.add(Titolo(" ".join(x for x in ("CDR", codice, c.unita.nome) if x)))
        if len(c.riepilogo) > 1:
            righe = []
            for r in c.riepilogo:
                if r.tipo == "progetto":
                    righe.append([r.indirizzo, r.obiettivo, r.azione, r.codice, r.progetto,
                                  format_decimal(r.budget), format_percent(r.assorbimento)])
                else:
                    righe.append([r.tipo, "", "", "", "", format_decimal(r.budget), format_percent(r.assorbimento)])
            doc.add(Tabella(["Indirizzo", "Obiettivo", "Azione", "Codice Progetto", "Progetto", "Budget",
                             "% di assorbimento risorse finanziarie"], righe,
                            (0.15, 0.15, 0.15, 0.1, 0.2, 0.11, 0.14), destra=frozenset({5, 6}), totale=True))
            t = c.totali
            doc.add(Testo(f"Spese: assestato {format_decimal(t.totale_budget) or '—'}, impegnato "
                          f"{format_decimal(t.totale_impegnato) or '—'}, stato di avanzamento "
                          f"{_stato(t.stato_spesa) or '—'}. "
                          f"Entrate: assestato {format_decimal(t.totale_entrate) or '—'}, accertato "
                          f"{format_decimal(t.totale_accertato) or '—'}, stato di avanzamento "
                          f"{_stato(t.stato_entrata) or '—'}."))
        else:
            doc.add(Testo("Nessuna risorsa finanziaria per l'anno.", nota=True))
        for s in c.schede:
            o = s.obiettivo
            doc.add(Titolo(f"{o.codice} {o.titolo}", 2))
            catena = [f"{k}: {v}" for k, v in zip(("Indirizzo", "Obiettivo strategico", "Azione"), s.catena,
                                                  strict=True) if v]
            if catena:
                doc.add(Testo(" — ".join(catena), nota=True))
            if s.finanziario:
                doc.add(Tabella(
                    ["", "Stanziamento iniziale", "Assestato", "Impegnato / Accertato", "Pagato / Incassato",
                     "Stato Avanz. %"],
                    [["Entrate" if b.tipo == TipoRisorsa.ENTRATA else "Spese", format_decimal(b.stanziato),
                      format_decimal(b.assestato), format_decimal(b.realizzato), format_decimal(b.pagato),
                      _stato(b.stato)] for b in s.finanziario],
                    (0.12, 0.14, 0.14, 0.14, 0.14, 0.1), destra=frozenset({1, 2, 3, 4, 5})))
            if s.indicatori:
                righe = []
                for ri in s.indicatori:
                    ind, ril, g = ri.indicatore, ri.rilevazione, ri.giudizio
                    tipo = TipoIndicatore(ind.tipo)
                    previsto = (ril.target_testo or testo_valore(ril.target, tipo)) if ril else ""
                    valore = (ril.valore_testo or testo_valore(ril.valore, tipo)) if ril else ""
                    atteso = format_decimal(g.atteso) if g.atteso is not None and tipo != TipoIndicatore.DATA else ""
                    righe.append([ind.codice or "", ind.descrizione, previsto, valore, atteso,
                                  f"{g.esito} ({g.spiegazione})", ri.nota])
                doc.add(Tabella(["Codice indicatore", "Indicatore", "Valore previsto", "Valore monitoraggio",
                                 "Atteso alla data", "Giudizio", "Nota"], righe,
                                (0.09, 0.28, 0.1, 0.1, 0.09, 0.16, 0.18), destra=frozenset({2, 3, 4})))
    doc.add(Firme([("Il Dirigente / Responsabile del CDR", "Firma_Responsabile"),
                   ("Il Nucleo di Valutazione", "Firma_Nucleo")]))
    return doc


def scrivi_allegato(archive: Archive, a: Allegato, out: Path) -> Path:
    suffix = format_date(a.monitoraggio.data).replace("/", "-")
    return scrivi_pdf_documento(documento_allegato(archive, a), out / f"allegato-monitoraggio-{suffix}.pdf")
