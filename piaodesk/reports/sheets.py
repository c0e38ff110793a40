"""The printed sheets: snapshot → PDF bytes (pure and thread-safe), plus archive shortcuts.

* :func:`render_scheda_obiettivi` — seed 003's *Scheda obiettivi* of a settore:
  header, landscape *RIEPILOGO OBIETTIVI PIAO* with the fasce A–E, then one block
  per objective (fasi, indicatori), *Risorse umane* and the signature blocks.
* :func:`render_scheda_obiettivo` — seed 002's *Scheda Obiettivo Esecutivo*
  (or *Scheda UO*) with its Obiettivi Specifici / Attività, half-year indicator
  rows and the Stati di Avanzamento dialogue.
* :func:`render_scheda_individuale` — the individual valuation sheet: valutato,
  valutatore, the category's components, comportamenti, individual objectives,
  final and fascia (or «Valutazione incompleta — manca: …»), the cycle's steps.
* :func:`render_scheda_ciclo` — the sheets of a person's cycle: assegnazione degli
  obiettivi, verifica intermedia (colloquio), riesame.
* :func:`render_scheda_organizzativa` — seed 003's Table 1 and Table 2 of the
  ente and of the units that have their own voci.

Every number that also appears on another sheet comes from the year's
:class:`~piaodesk.store.valutazioni.QuadroValutazioni` (through the snapshots).

``build_*`` take the Archive (call them on the thread that owns it);
``render_*`` take a snapshot from :mod:`piaodesk.reports.data`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from ..domain.enums import PassoCiclo
from ..domain.firmatari import nome_unita
from ..fsio import atomic_batch
from ..store.archive import Archive
from . import data as d
from .base import (
    BAND_BG,
    MARK_BG,
    TOTAL_BG,
    Firma,
    Meta,
    Sheet,
    Story,
    markup,
    plain_table,
    signature_section,
    styles,
    table,
    text,
)

CHECK = "☒"
EMPTY = "☐"

Snapshot = (d.SchedaObiettiviSnap | d.SchedaObiettivoSnap | d.SchedaIndividualeSnap | d.SchedaCicloSnap
            | d.SchedaOrganizzativaSnap)
Progress = Callable[[int, int, str], None]


def _band(label: str, width: float) -> Table:
    t = Table([[Paragraph(label, styles()["band"])]], colWidths=[width])
    t.setStyle([("BACKGROUND", (0, 0), (-1, -1), BAND_BG),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    return t


#: what a label/value row shows when the plan has no value for it
NON_INDICATO = "(non indicato)"


def _kv(rows: Sequence[tuple[str, object]], width: float, label_frac: float = 0.30, *,
        plain: bool = False) -> Table:
    """Label/value rows; ``plain`` draws short string values as plain cells (no row splitting).

    A value that is missing is said («non indicato»), never left as an empty placeholder."""
    rows = [(k, NON_INDICATO if v is None or (isinstance(v, str) and not v.strip()) else v) for k, v in rows]
    if plain:
        data = [[k, v] for k, v in rows]
        return table(data, (label_frac, 1 - label_frac), width, header_rows=0,
                     extra=[("BACKGROUND", (0, 0), (0, -1), TOTAL_BG)], plain=("cell_b", "cell"))
    data = [[text(k, "cell_b"), v if not isinstance(v, str) else text(v)] for k, v in rows]
    t = table(data, (label_frac, 1 - label_frac), width, header_rows=0,
              extra=[("BACKGROUND", (0, 0), (0, -1), TOTAL_BG)])
    t.splitInRow = 1
    return t


def _ticks(items: Sequence[tuple[object, bool]]) -> Paragraph:
    sep = "&nbsp;" * 6
    return markup(sep.join(f"{CHECK if on else EMPTY}&nbsp;{_esc(str(label))}" for label, on in items))


# ---------------------------------------------------------------------- scheda obiettivi (003)


def _riepilogo(s: d.SchedaObiettiviSnap, width: float) -> Table:
    st = styles()
    letters = [f[0] for f in s.fasce]
    nb = len(letters)
    band_w = 0.42 / nb
    widths = [0.035, 0.305, 0.06, 0.085] + [band_w] * nb + [0.095]
    last = 4 + nb
    h = st["head"]
    rows: list[list[object]] = [
        [Paragraph("N°", h), Paragraph("Descrizione", h), Paragraph("Peso (1)", h),
         Paragraph("% Ragg. Indicatori", h), Paragraph("Fascia di Valutazione (2)", h)]
        + [""] * (nb - 1) + [Paragraph("Punteggio<br/>(1 * 2)", h)],
        ["", "", "", ""] + [Paragraph(x, h) for x in letters] + [""],
        ["", "", "", ""] + [Paragraph(f[1], h) for f in s.fasce] + [""],
        ["", "", "", ""] + [Paragraph(f[2], st["desc"]) for f in s.fasce] + [""],
    ]
    marks: list[tuple[Any, ...]] = []
    for r in s.righe:
        desc = markup(f"<b>{_esc(r.codice)}</b> {_esc(r.descrizione)}") if r.codice else text(r.descrizione)
        cells: list[object] = [text(str(r.numero), "cell_c"), desc, text(r.peso, "cell_r"),
                               text(r.perc, "cell_r")]
        for letter in letters:
            if r.lettera == letter:
                cells.append(markup(f"<b>{r.punteggio}{'*' if r.suggerito else ''}</b>", "cell_c"))
            else:
                cells.append("")
        cells.append(text(r.pesato, "cell_r"))
        rows.append(cells)
        if r.lettera in letters:
            row = len(rows) - 1
            col = 4 + letters.index(r.lettera)
            marks.append(("BACKGROUND", (col, row), (col, row), MARK_BG))
    finale = s.finale if s.finale else "n.d."
    rows.append([markup("<b>VALUTAZIONE FINALE</b>" + (" (incompleta: vedi sotto)" if s.incompleta else ""), "cell")]
                + [""] * (last - 1) + [markup(f"<b>{finale}</b>", "cell_r")])
    n = len(rows) - 1
    extra = [
        ("SPAN", (0, 0), (0, 3)), ("SPAN", (1, 0), (1, 3)), ("SPAN", (2, 0), (2, 3)),
        ("SPAN", (3, 0), (3, 3)), ("SPAN", (4, 0), (last - 1, 0)), ("SPAN", (last, 0), (last, 3)),
        ("VALIGN", (0, 4), (-1, -1), "MIDDLE"),
        ("SPAN", (0, n), (last - 1, n)), ("BACKGROUND", (0, n), (-1, n), TOTAL_BG),
        ("LINEABOVE", (0, n), (-1, n), 1.0, BAND_BG),
        *marks,
    ]
    return table(rows, widths, width, header_rows=4, extra=extra)


def _blocco_obiettivo(o: d.ObiettivoSnap, width: float) -> list[Flowable]:
    st = styles()
    flow: list[Flowable] = []
    titolo = f"Obiettivo {o.codice}" if o.codice else "Obiettivo"
    if o.peso:
        titolo += f" — peso {o.peso}"
    if o.trasversale:
        titolo += " — obiettivo trasversale (tutti i settori)"
    contesto = [("Obiettivo di riferimento:", "\n".join(o.contesto))] if o.contesto else []
    if o.strategia_dup:
        contesto.insert(0, ("Strategia del DUP:", o.strategia_dup))
    if o.valore_pubblico:
        contesto.insert(0, ("Obiettivo di valore pubblico:", o.valore_pubblico))
    head = [_band(_esc(titolo), width),
            _kv([*contesto, ("Obiettivo: titolo", markup(f"<b>{_esc(o.titolo)}</b>")),
                 ("Descrizione, Finalità e risultati da raggiungere:", o.descrizione),
                 ("Missione:", o.missione),
                 *([("Rischio corruttivo:", o.rischio)] if o.rischio else []),
                 *([("Tipologia PIAO:", o.tipologie_piao)] if o.tipologie_piao else []),
                 ("Esercizi di riferimento", _ticks(o.anni)),
                 ("Tipologia:", _ticks(o.tipologie)),
                 ("Stakeholder di riferimento:", o.stakeholder),
                 ("Eventuali altri settori coinvolti nella realizzazione:", o.altri_settori)], width)]
    flow.extend(head)
    h = st["head"]
    rows: list[list[object]] = [[Paragraph("Fasi (obbligatorio per obiettivi gestionali)", st["head_l"]),
                                 Paragraph("Scadenza", h), Paragraph("% Realizzazione", h)]]
    for f in o.fasi:
        rows.append([text(f.descrizione), text(f.scadenza, "cell_c"), text(f.perc, "cell_r")])
    if not o.fasi:
        rows.append([text("Nessuna fase prevista", "note"), "", ""])
    rows.append([text("Totale % realizzazione delle Fasi:", "cell_b"), "", markup(f"<b>{o.tot_fasi}</b>", "cell_r")])
    n = len(rows) - 1
    flow.append(table(rows, (0.66, 0.16, 0.18), width,
                      extra=[("SPAN", (0, n), (1, n)), ("BACKGROUND", (0, n), (-1, n), TOTAL_BG)]))
    if o.sotto:
        srows: list[list[object]] = [[Paragraph("Sotto-obiettivi", st["head_l"]), Paragraph("Titolo", st["head_l"]),
                                      Paragraph("% raggiungimento", h)]]
        srows += [[text(c, "cell_b"), text(t), text(p, "cell_r")] for c, t, p in o.sotto]
        flow.append(table(srows, (0.16, 0.66, 0.18), width))
    rows = [[Paragraph("Indicatore (descrizione)", st["head_l"]), Paragraph("Formula di calcolo", st["head_l"]),
             Paragraph("Peso %", h), Paragraph("Valore atteso", h), Paragraph("Valore effettivo", h),
             Paragraph("% raggiungimento", h)]]
    for i in o.indicatori:
        desc = (markup(f"{_esc(i.descrizione)}<br/><i>Dimensione: {_esc(i.dimensione)}</i>") if i.dimensione
                else text(i.descrizione))
        rows.append([desc, text(i.formula), text(i.peso, "cell_r"), text(i.atteso, "cell_c"),
                     text(i.effettivo, "cell_c"), text(i.perc, "cell_r")])
    if not o.indicatori:
        rows.append([text("Nessun indicatore", "note"), "", "", "", "", ""])
    rows.append([text(o.tot_label, "cell_b"), "", "", "", "", markup(f"<b>{o.tot_indicatori}</b>", "cell_r")])
    n = len(rows) - 1
    flow.append(table(rows, (0.28, 0.21, 0.07, 0.15, 0.14, 0.15), width,
                      extra=[("SPAN", (0, n), (4, n)), ("BACKGROUND", (0, n), (-1, n), TOTAL_BG)]))
    if any(i.perc == "n.c." for i in o.indicatori):
        flow.append(Paragraph("n.c. = non calcolabile automaticamente (valore atteso non numerico): "
                              "lo valuta il valutatore.", st["note"]))
    return [KeepTogether(flow), Spacer(1, 6 * mm)]


def _esc(s: str) -> str:
    from xml.sax.saxutils import escape

    return escape(s or "")


def _testata(ente: str, titolo: str, sottotitolo: str) -> list[Flowable]:
    st = styles()
    return [Paragraph(_esc(ente), st["ente"]), Paragraph(_esc(titolo), st["title"]),
            Paragraph(_esc(sottotitolo), st["subtitle"])]


def render_scheda_obiettivi(s: d.SchedaObiettiviSnap) -> bytes:
    st = styles()
    story = Story()
    lw, pw = Sheet.landscape_width(), Sheet.portrait_width()
    it = s.intestazione
    f = story.flowables
    f += _testata(it.ente, s.settore, f"SCHEDA OBIETTIVI {it.triennio}")
    info = [("Responsabile:", s.responsabile), ("Settore/Centro di responsabilità:", s.codice_settore or s.settore),
            ("Anno di valutazione:", str(it.anno))]
    if it.atto:
        info.append(("Piano approvato con:", it.atto))
    f.append(_kv(info, lw * 0.6, 0.38))
    if s.parametri_servizio:  # seed 001 L138-L143: the service's volumes at a date
        f.append(Paragraph("PARAMETRI", st["h2"]))
        rowsp: list[list[object]] = [["Parametro", "Valore", "Al", "Come scritto nel piano"]]
        rowsp += [[a, b, c, d] for a, b, c, d in s.parametri_servizio]
        f.append(table(rowsp, (0.40, 0.12, 0.12, 0.36), lw, plain=("cell", "cell_r", "cell_c", "cell"),
                       plain_header=("head_l", "head", "head", "head_l")))
    if s.tutti:  # 003 T3: the transversal objectives, their «Parametro di riferimento» and weight
        f.append(Paragraph("OBIETTIVI PREVISTI", st["h2"]))
        rows3: list[list[object]] = [["Descrizione obiettivo", "Parametro di riferimento", "Peso"]]
        rows3 += [[a, b, c] for a, b, c in s.parametri]
        f.append(table(rows3, (0.68, 0.22, 0.10), lw, plain=("cell", "cell", "cell_r"),
                       plain_header=("head_l", "head_l", "head")))
    f.append(Paragraph("RIEPILOGO OBIETTIVI PIAO", st["h2"]))
    f.append(_riepilogo(s, lw))
    f.append(Paragraph(_esc(s.risultato), st["h3"]))
    f.append(Paragraph(f"Somma dei pesi: {s.somma_pesi or '0 %'} — punteggio massimo conseguibile: {s.massimo}",
                       st["note"]))
    for a in s.avvisi:
        f.append(Paragraph(_esc(a), st["warn"]))
    if any(r.suggerito for r in s.righe):
        f.append(Paragraph("* punteggio suggerito dal sistema in base alla % di raggiungimento "
                           "(nessun punteggio assegnato dal valutatore).", st["note"]))
    f.append(Paragraph("(1) Peso dell'obiettivo; (2) punteggio assegnato nella fascia di valutazione "
                       "(scala 0-30); Punteggio = (1) × (2).", st["note"]))
    f.append(NextPageTemplate("portrait"))
    f.append(PageBreak())
    f.append(Paragraph("Elenco obiettivi", st["h2"]))
    for o in s.obiettivi:
        f.append(CondPageBreak(60 * mm))
        f.extend(_blocco_obiettivo(o, pw))
    if not s.obiettivi:
        f.append(Paragraph("Nessun obiettivo assegnato alla struttura.", st["note"]))
    if not s.tutti:
        f.append(CondPageBreak(40 * mm))
        f.append(Paragraph("Risorse umane", st["h2"]))
        h = st["head"]
        rows: list[list[object]] = [[Paragraph("Nominativo", st["head_l"]), Paragraph("Ore Sett", h),
                                     Paragraph("Categoria", st["head_l"])]]
        for r in s.risorse:
            rows.append([text(r[0]), text(r[1], "cell_r"), text(r[2])])
        if not s.risorse:
            rows.append([text("Nessuna persona assegnata al settore", "note"), "", ""])
        else:
            rows.append([text("Totale ore settimanali", "cell_b"), markup(f"<b>{s.tot_ore}</b>", "cell_r"), ""])
        f.append(table(rows, (0.55, 0.15, 0.30), pw,
                       extra=[("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), TOTAL_BG)]
                       if s.risorse else ()))
    f.append(signature_section(s.firme, s.luogo_data, pw, story.firme))
    meta = Meta(title=f"Scheda obiettivi {it.triennio} — {s.settore}", author=it.ente,
                subject=f"Valutazione {it.anno} — {s.settore}",
                header=f"{it.ente} — {it.piano}",
                footer=f"Scheda obiettivi {it.triennio} — {s.codice_settore or s.settore} — anno {it.anno}",
                keywords="PIAO, performance, scheda obiettivi")
    return Sheet.render(story, meta, first="landscape")


# ---------------------------------------------------------------------- scheda obiettivo (002)


def _date_grid(dates: tuple[str, str, str, str], width: float) -> Table:
    h = styles()["head"]
    rows = [[Paragraph(x, h) for x in ("Inizio Previsto", "Fine Prevista", "Inizio Effettivo", "Fine Effettivo")],
            [text(x, "cell_c") for x in dates]]
    return table(rows, (0.25, 0.25, 0.25, 0.25), width)


def _foglia_flow(c: d.FogliaSnap, width: float) -> list[Flowable]:
    st = styles()
    h = st["head"]
    out: list[Flowable] = [CondPageBreak(50 * mm), _band(_esc(f"{c.tipo} {c.codice}"), width)]
    out.append(_kv([("Codice", c.codice), ("Titolo", markup(f"<b>{_esc(c.titolo)}</b>")),
                    ("Descrizione", c.descrizione)], width, 0.2))
    if any(c.date):
        out.append(_date_grid(c.date, width))
    # the flag table holds only yes/no answers; any other detail (affidatario, modalità,
    # parametro, responsabile...) goes under its own heading, never under «Attivo (Si/No)»
    si_no = [(k, v) for k, v in c.extra if str(v).strip().lower() in ("si", "sì", "no")]
    altro = [(k, v) for k, v in c.extra if (k, v) not in si_no]
    if c.flags or si_no:
        rows = [[Paragraph("Descrizione Flag", st["head_l"]), Paragraph("Attivo (Si/No)", h)]]
        rows += [[text(fl), text("Si", "cell_c")] for fl in c.flags]
        rows += [[text(k), text(v, "cell_c")] for k, v in si_no]
        out.append(table(rows, (0.7, 0.3), width))
    if altro:
        rows = [[Paragraph("Altre informazioni", st["head_l"]), Paragraph("Valore", st["head_l"])]]
        rows += [[text(k), text(v)] for k, v in altro]
        out.append(table(rows, (0.4, 0.6), width))
    if c.collaboratori:
        rows = [[Paragraph("Collaboratori", st["head_l"]), Paragraph("Data Inizio", h),
                 Paragraph("Data Fine", h), Paragraph("Resp.", h)]]
        rows += [[text(n), text(a, "cell_c"), text(b, "cell_c"), text(r, "cell_c")]
                 for n, a, b, r in c.collaboratori]
        out.append(table(rows, (0.55, 0.17, 0.17, 0.11), width))
    if c.fasi:
        rows = [[Paragraph("Fasi", st["head_l"]), Paragraph("Scadenza", h), Paragraph("% Realizzazione", h)]]
        rows += [[text(x.descrizione), text(x.scadenza, "cell_c"), text(x.perc, "cell_r")] for x in c.fasi]
        out.append(table(rows, (0.66, 0.16, 0.18), width))
    rows = [[Paragraph("Indicatore", st["head_l"]), Paragraph("Peso Indicatore", h), Paragraph("Target", h),
             Paragraph("Conseguito", h), Paragraph("Aggregazione / Polarità", h), Paragraph("% Ragg.", h)]]
    sub: list[tuple[Any, ...]] = []
    for i in c.indicatori:
        rows.append([text(i.descrizione, "cell_b"), text(i.peso, "cell_r"), text(i.target, "cell_r"),
                     text(i.conseguito, "cell_r"), text(i.aggregazione, "cell_c"), text(i.perc, "cell_r")])
        for p in i.periodi:
            rows.append([text(p.etichetta, "small"), "", text(p.target, "cell_r"), text(p.conseguito, "cell_r"),
                         text(p.polarita, "cell_c"), ""])
            sub.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), TOTAL_BG))
    if not c.indicatori:
        rows.append([text("Nessun indicatore", "note"), "", "", "", "", ""])
    rows.append([markup(f"<b>% avanzamento {_esc(c.tipo.lower())}</b>"), "", "", "", "",
                 markup(f"<b>{c.perc}</b>", "cell_r")])
    n = len(rows) - 1
    out.append(table(rows, (0.40, 0.10, 0.12, 0.12, 0.14, 0.12), width,
                     extra=[*sub, ("SPAN", (0, n), (4, n)), ("LINEABOVE", (0, n), (-1, n), 1.0, BAND_BG)]))
    for s in c.stati:
        rows = [[Paragraph(_esc(s.titolo), st["head_l"]),
                 Paragraph(f"Eventuali osservazioni Nucleo di Valutazione – {s.ordinale} stato di avanzamento",
                           st["head_l"]),
                 Paragraph(f"Eventuale risposta del Settore alle osservazioni – {s.ordinale} stato di avanzamento",
                           st["head_l"])],
                [text(s.relazione), text(s.osservazioni), text(s.risposta)]]
        t = table(rows, (0.34, 0.34, 0.32), width)
        t.splitInRow = 1
        out.append(t)
    return [out[0], KeepTogether(out[1:]), Spacer(1, 5 * mm)]


def render_scheda_obiettivo(s: d.SchedaObiettivoSnap) -> bytes:
    st = styles()
    story = Story()
    pw = Sheet.portrait_width()
    it = s.intestazione
    f = story.flowables
    f += _testata(it.ente, s.sezione, nome_unita("Settore", s.settore) if s.settore else it.piano)
    f.append(_band(_esc(f"{s.etichetta} — {s.titolo}"), pw))
    piao = [(k, v) for k, v in (("Obiettivo di valore pubblico", s.valore_pubblico),
                                ("Strategia del DUP", s.strategia_dup),
                                ("Rischio corruttivo", s.rischio), ("Tipologia PIAO", s.tipologie_piao)) if v]
    f.append(_kv([("Codice", s.codice), *piao, ("Obiettivo generale", s.obiettivo_generale)], pw, 0.22))
    f.append(_date_grid(s.date, pw))
    h = st["head"]
    grid = [[text("Responsabile Generale", "cell_b"), text(s.resp_generale),
             text("Responsabile Operativo", "cell_b"), text(s.resp_operativo)],
            [text("Fase", "cell_b"), text(s.fase), text("Stato", "cell_b"), text(s.stato)]]
    if s.programma:
        grid.append([text("Programma Operativo", "cell_b"), text(s.programma), "", ""])
    f.append(table(grid, (0.22, 0.28, 0.22, 0.28), pw, header_rows=0,
                   extra=[("BACKGROUND", (0, 0), (0, -1), TOTAL_BG), ("BACKGROUND", (2, 0), (2, 1), TOTAL_BG)]
                   + ([("SPAN", (1, 2), (3, 2))] if s.programma else [])))
    f.append(Spacer(1, 3 * mm))
    rows = [[Paragraph("Anno", h), Paragraph("% Avanzamento", h),
             Paragraph("% Convalidata dal Nucleo di Valutazione", h)]]
    conv = dict(s.convalidata)
    for anno, perc in s.avanzamento:
        rows.append([text(anno, "cell_c"), markup(f"<b>{perc}</b>", "cell_r"), text(conv.get(anno, ""), "cell_r")])
    f.append(Paragraph("Dettaglio % Avanzamento Annuale", st["h3"]))
    f.append(table(rows, (0.2, 0.3, 0.5), pw * 0.7))
    if s.roster:
        f.append(Paragraph("Collaboratori", st["h3"]))
        rows = [[Paragraph("Collaboratori", st["head_l"]), Paragraph("Inquadramento", st["head_l"])]]
        rows += [[text(n), text(q)] for n, q in s.roster]
        f.append(table(rows, (0.6, 0.4), pw * 0.75))
    f.append(Paragraph(_esc(s.elenco.upper()), st["h2"]))
    for c in s.figli:
        f.extend(_foglia_flow(c, pw))
    f.append(signature_section(s.firme, s.luogo_data, pw, story.firme))
    meta = Meta(title=f"{s.etichetta} — {s.titolo}", author=it.ente,
                subject=f"Avanzamento {it.anno} — {s.codice}", header=f"{it.ente} — {it.piano}",
                footer=f"{s.etichetta} — anno {it.anno}", keywords="PEG, scheda obiettivo")
    return Sheet.render(story, meta)


# ---------------------------------------------------------------------- scheda individuale and the cycle


def _foglio_persona(titolo: str, it: d.Intestazione, nominativo: str, righe: Sequence[tuple[str, object]]
                    ) -> tuple[Story, list[Flowable]]:
    """A person's sheet begun: header, title and the person's data (valutato/a first)."""
    story = Story()
    f = story.flowables
    f += _testata(it.ente, titolo, f"Anno {it.anno} — {it.piano}")
    f.append(_kv([("Valutato/a:", markup(f"<b>{_esc(nominativo)}</b>")), *righe], Sheet.portrait_width(), 0.28,
                 plain=True))
    return story, f


def _chiudi_foglio_persona(story: Story, titolo: str, it: d.Intestazione, nominativo: str, firme: Sequence[Firma],
                           luogo_data: str, subject: str) -> bytes:
    """Signatures, metadata, PDF."""
    story.flowables.append(signature_section(firme, luogo_data, Sheet.portrait_width(), story.firme))
    meta = Meta(title=f"{titolo} {it.anno} — {nominativo}", author=it.ente, subject=subject,
                header=f"{it.ente} — {it.piano}", footer=f"{titolo} {it.anno} — {nominativo}",
                keywords="valutazione individuale")
    return Sheet.render(story, meta)


def _titolo(testo: str) -> list[Flowable]:
    """A section heading of a person's sheet, moved to the next page rather than left alone at the bottom."""
    return [CondPageBreak(28 * mm), Paragraph(testo, styles()["h2"])]


def _sezioni() -> Callable[[str], str]:
    """Numbered section titles: «1. …», «2. …» in the order they are printed."""
    n = [0]

    def titolo(label: str) -> str:
        n[0] += 1
        return f"{n[0]}. {label}"

    return titolo


def _tabella_obiettivi_individuali(righe: Sequence[d.RigaIndividuale], width: float, *,
                                   con_perc: bool = True) -> Flowable:
    head = ["Codice", "Obiettivo", "Ruolo / periodo", "Impegno", "Peso"] + (["% Ragg."] if con_perc else [])
    widths = (0.11, 0.42, 0.17, 0.09, 0.10, 0.11) if con_perc else (0.12, 0.50, 0.17, 0.10, 0.11)
    styles_ = ("cell_c", "cell", "cell_c", "cell_r", "cell_r", "cell_r")[:len(head)]
    head_st = ("head", "head_l", "head", "head", "head", "head")[:len(head)]
    body = [[r.codice, r.titolo, r.ruolo + (f"\n{r.periodo}" if r.periodo else ""), r.impegno, r.peso]
            + ([r.perc] if con_perc else []) for r in righe]
    # plain rows: a person may have a hundred objectives
    return plain_table([head], body, widths, width, styles_, plain_header=head_st)


def _riquadro(testo: str, width: float, altezza: float = 16 * mm) -> Table:
    """A framed area: the text of a step (notes of a colloquio, a request) or room to write."""
    t = Table([[text(testo) if testo else ""]], colWidths=[width], rowHeights=[None if testo else altezza])
    t.setStyle([("BOX", (0, 0), (-1, -1), 0.4, BAND_BG), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return t


def _tabella_passi(passi: Sequence[d.PassoSnap], width: float) -> Flowable:
    body = []
    for p in passi:
        nota = " — ".join(x for x in (p.esito and f"Esito: {p.esito}", p.testo) if x)
        body.append([p.passo, p.data or "—", nota])
    return plain_table([["Passo del ciclo", "Data", "Note / esito"]], body, (0.30, 0.13, 0.57), width,
                       ("cell_b", "cell_c", "cell"), plain_header=("head_l", "head", "head_l"))


def render_scheda_individuale(s: d.SchedaIndividualeSnap) -> bytes:
    st = styles()
    pw = Sheet.portrait_width()
    it = s.intestazione
    sez = _sezioni()
    story, f = _foglio_persona("SCHEDA DI VALUTAZIONE INDIVIDUALE", it, s.nominativo, [
        ("Inquadramento:", s.inquadramento), ("Categoria di valutazione:", s.categoria),
        ("Settore/Servizio:", s.settore), ("Ore settimanali:", s.ore), ("Valutatore:", s.valutatore),
        ("Sistema di valutazione:", s.sistema)])
    f.extend(_titolo(sez("Obiettivi individuali") + (f" (peso {s.peso_individuali})"
                                                      if s.peso_individuali != "0 %" else "")))
    if s.obiettivi:
        f.append(_tabella_obiettivi_individuali(s.obiettivi, pw))
        if s.peso_individuali == "0 %":
            f.append(Paragraph(f"Nella categoria «{_esc(s.categoria)}» gli obiettivi individuali non hanno "
                               "peso: sono riportati per memoria.", st["note"]))
    else:
        f.append(Paragraph("Nessun obiettivo individuale assegnato.", st["note"]))
    f.extend(_titolo(sez("Obiettivi della struttura")))
    f.append(Paragraph(_esc(s.struttura), st["base"]))
    if s.organizzativa:
        f.extend(_titolo(sez("Performance organizzativa")))
        f.append(Paragraph(_esc(s.organizzativa), st["base"]))
    if s.comportamenti:
        f.extend(_titolo(sez("Comportamenti organizzativi") + (f" (peso {s.peso_comportamenti})"
                                                                if s.peso_comportamenti != "0 %" else "")))
        note = any(c[3] for c in s.comportamenti)
        head = ["Comportamento", "Peso", f"Punteggio (0-{s.scala})"] + (["Nota"] if note else [])
        body = [[n, p, v or "—"] + ([c] if note else []) for n, p, v, c in s.comportamenti]
        widths = (0.44, 0.10, 0.16, 0.30) if note else (0.64, 0.14, 0.22)
        f.append(plain_table([head], body, widths, pw, ("cell", "cell_r", "cell_c", "small")[:len(head)],
                             plain_header=("head_l", "head", "head", "head_l")[:len(head)]))
    f.extend(_titolo(sez("Valutazione complessiva")))
    rows = [["Componente", "Peso", "Risultato", "Ponderato"]]
    rows += [[a, b, c, e] for a, b, c, e in s.componenti]
    n = len(rows)
    if s.incompleta:
        rows.append([text(s.incompleta, "warn"), "", "", ""])
        last = [("SPAN", (0, n), (-1, n))]
    else:
        rows.append([markup("<b>VALUTAZIONE FINALE</b>"), "", markup(f"<b>{s.finale_perc}</b>", "cell_r"),
                     markup(f"<b>{s.finale_punti}</b> / {s.scala} punti" if s.finale_punti else "", "cell_r")])
        last = []
    f.append(table(rows, (0.52, 0.14, 0.17, 0.17), pw,
                   extra=[("BACKGROUND", (0, n), (-1, n), TOTAL_BG), ("LINEABOVE", (0, n), (-1, n), 1.0, BAND_BG),
                          *last],
                   plain=("cell", "cell_r", "cell_r", "cell_r"), plain_rows=len(s.componenti),
                   plain_header=("head_l", "head", "head", "head")))
    if s.fascia and not s.incompleta:
        f.append(Spacer(1, 2 * mm))
        f.append(Paragraph(f"Fascia di valutazione: <b>{_esc(s.fascia)}</b>", st["base"]))
    for note_ in s.note:
        f.append(Paragraph(_esc(note_), st["note"]))
    f.append(CondPageBreak(50 * mm))
    f.extend(_titolo(sez("Ciclo di valutazione")))
    f.append(_tabella_passi(s.passi, pw))
    f.append(Spacer(1, 3 * mm))
    f.append(Paragraph("Osservazioni del valutatore / del dipendente:", st["h3"]))
    f.append(_riquadro("", pw, 12 * mm))
    return _chiudi_foglio_persona(story, "Scheda di valutazione individuale", it, s.nominativo, s.firme, s.luogo_data,
                                  f"Valutazione individuale {it.anno}")


def render_scheda_ciclo(s: d.SchedaCicloSnap) -> bytes:
    """Scheda di assegnazione, verifica intermedia (colloquio) or riesame of one person."""
    st = styles()
    pw = Sheet.portrait_width()
    it = s.intestazione
    sez = _sezioni()
    story, f = _foglio_persona(s.titolo, it, s.nominativo, [
        ("Inquadramento:", s.inquadramento), ("Categoria di valutazione:", s.categoria),
        ("Settore/Servizio:", s.settore), ("Valutatore:", s.valutatore)])
    passo = s.passi[0] if s.passi else None

    def struttura() -> None:
        f.extend(_titolo(sez("Obiettivi della struttura") + (f" — {_esc(s.struttura_nome)}"
                                                              if s.struttura_nome else "")))
        if s.struttura:
            rows = [["Codice", "Obiettivo", "Peso"], *[[a, b, c] for a, b, c in s.struttura]]
            f.append(table(rows, (0.14, 0.72, 0.14), pw, plain=("cell_c", "cell", "cell_r"),
                           plain_header=("head", "head_l", "head")))
        else:
            f.append(Paragraph("Nessun obiettivo assegnato alla struttura.", st["note"]))
        f.extend(_titolo(sez("Obiettivi individuali")))
        if s.obiettivi:
            f.append(_tabella_obiettivi_individuali(s.obiettivi, pw, con_perc=False))
        else:
            f.append(Paragraph("Nessun obiettivo individuale assegnato.", st["note"]))

    if s.tipo == "assegnazione":
        struttura()
        f.extend(_titolo(sez("Componenti della valutazione")))
        rows = [["Componente", "Peso"], *[[a, b] for a, b in s.componenti]]
        f.append(table(rows, (0.80, 0.20), pw, plain=("cell", "cell_r"), plain_header=("head_l", "head")))
        if s.comportamenti:
            f.extend(_titolo(sez("Comportamenti oggetto di valutazione")))
            rows = [["Comportamento", "Peso"], *[[a, b] for a, b in s.comportamenti]]
            f.append(table(rows, (0.80, 0.20), pw, plain=("cell", "cell_r"), plain_header=("head_l", "head")))
            f.append(Paragraph(f"Ogni comportamento è valutato su una scala da 0 a {s.scala}.", st["note"]))
        f.append(Paragraph(f"Data di assegnazione: {passo.data if passo and passo.data else '____________'}",
                           st["h3"]))
        if passo and passo.testo:
            f.append(_riquadro(passo.testo, pw))
    elif s.tipo == "colloquio":
        f.append(Paragraph(f"Data del colloquio: {passo.data if passo and passo.data else '____________'}",
                           st["h3"]))
        struttura()
        f.extend(_titolo(sez("Esito della verifica intermedia")))
        f.append(_riquadro(passo.testo if passo else "", pw, 30 * mm))
        f.append(Paragraph("Azioni concordate / osservazioni del valutato:", st["h3"]))
        f.append(_riquadro("", pw, 22 * mm))
    else:
        f.extend(_titolo(sez("Valutazione oggetto di riesame")))
        f.append(Paragraph(_esc(s.esito), st["warn" if "incompleta" in s.esito else "base"]))
        fatti = {p.passo: p for p in s.passi}
        richiesta = fatti.get(PassoCiclo.RICHIESTA_RIESAME.label)
        esito = fatti.get(PassoCiclo.ESITO_RIESAME.label)
        f.extend(_titolo(sez("Passi del ciclo")))
        f.append(_tabella_passi([p for p in s.passi if p is not richiesta and p is not esito], pw))
        f.extend(_titolo(sez("Richiesta di riesame") + (f" del {richiesta.data}" if richiesta and richiesta.data
                                                         else "")))
        f.append(_riquadro(richiesta.testo if richiesta else "", pw, 30 * mm))
        f.extend(_titolo(sez("Esito del riesame") + (f" del {esito.data}" if esito and esito.data else "")))
        if esito and esito.esito:
            f.append(Paragraph(f"Esito: <b>{_esc(esito.esito)}</b>", st["base"]))
        f.append(_riquadro(esito.testo if esito else "", pw, 22 * mm))
    for note_ in s.note:
        f.append(Paragraph(_esc(note_), st["note"]))
    return _chiudi_foglio_persona(story, s.titolo.capitalize(), it, s.nominativo, s.firme, s.luogo_data,
                                  f"Ciclo di valutazione {it.anno}")


# ---------------------------------------------------------------------- performance organizzativa (003 T1, T2)


def _tabelle_org(t: d.TabellaOrgSnap, width: float) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for v in t.voci:
        if not v.indicatori:
            continue
        out.append(Paragraph(_esc(f"Tabella 1 — {v.codice} {v.nome}".replace("  ", " ")), st["h3"]))
        rows = [["INDICATORE", "FATTORI", "TARGET", "RISULTATO", "%\nRAGGIUNGIMENTO"]]
        rows += [[i.nome, i.fattori, i.target, i.risultato, i.perc] for i in v.indicatori]
        out.append(table(rows, (0.29, 0.29, 0.12, 0.12, 0.18), width,
                         plain=("cell", "small", "cell_c", "cell_c", "cell_r"),
                         plain_header=("head_l", "head_l", "head", "head", "head")))
    out.append(Paragraph("Tabella 2 — Tabella di sintesi valutazione performance organizzativa", st["h3"]))
    if not t.voci:
        out.append(Paragraph(_esc(t.totale_nota), st["warn"]))
        return out
    rows = [["VOCE", "MISURA REALIZZAZIONE", "PESO", "VALUTAZIONE"]]
    rows += [[f"{v.codice} {v.nome}".strip(), v.misura, v.peso, v.valutazione or "—"] for v in t.voci]
    n = len(rows)
    rows.append([markup("<b>TOTALE</b>"), "", "", markup(f"<b>{t.totale or 'n.d.'}</b>", "cell_r")])
    out.append(table(rows, (0.38, 0.38, 0.10, 0.14), width,
                     extra=[("SPAN", (0, n), (2, n)), ("BACKGROUND", (0, n), (-1, n), TOTAL_BG),
                            ("LINEABOVE", (0, n), (-1, n), 1.0, BAND_BG)],
                     plain=("cell", "small", "cell_r", "cell_r"), plain_rows=len(t.voci),
                     plain_header=("head_l", "head_l", "head", "head")))
    out.append(Paragraph(_esc(t.totale_nota), st["note" if t.totale_d is not None else "warn"]))
    if t.componente:
        out.append(Paragraph(_esc(t.componente), st["base"]))
    return out


def render_scheda_organizzativa(s: d.SchedaOrganizzativaSnap) -> bytes:
    st = styles()
    story = Story()
    pw = Sheet.portrait_width()
    it = s.intestazione
    f = story.flowables
    f += _testata(it.ente, "PERFORMANCE ORGANIZZATIVA", f"Anno {it.anno} — {it.piano}")
    f.append(Paragraph(_esc(s.pesi), st["note"]))
    f.append(Paragraph(_esc(f"Performance organizzativa di ente — {s.ente.titolo}"), st["h2"]))
    f.extend(_tabelle_org(s.ente, pw))
    for u in s.unita:
        f.append(CondPageBreak(70 * mm))
        f.append(Paragraph(_esc(f"Performance organizzativa di struttura — {u.titolo}"), st["h2"]))
        f.extend(_tabelle_org(u, pw))
    if s.categorie:
        f.append(CondPageBreak(40 * mm))
        f.append(Paragraph("Peso nella valutazione individuale", st["h2"]))
        rows = [["Categoria di valutazione", "Performance organizzativa", "Obiettivi della struttura"],
                *[[a, b, c] for a, b, c in s.categorie]]
        f.append(table(rows, (0.56, 0.22, 0.22), pw, plain=("cell", "cell_r", "cell_r"),
                       plain_header=("head_l", "head", "head")))
    f.append(signature_section(s.firme, s.luogo_data, pw, story.firme))
    meta = Meta(title=f"Performance organizzativa {it.anno} — {it.ente}", author=it.ente,
                subject=f"Performance organizzativa {it.anno}", header=f"{it.ente} — {it.piano}",
                footer=f"Performance organizzativa — anno {it.anno}", keywords="performance organizzativa")
    return Sheet.render(story, meta)


# ---------------------------------------------------------------------- dispatch and batch


def render(snap: Snapshot) -> bytes:
    if isinstance(snap, d.SchedaObiettiviSnap):
        return render_scheda_obiettivi(snap)
    if isinstance(snap, d.SchedaObiettivoSnap):
        return render_scheda_obiettivo(snap)
    if isinstance(snap, d.SchedaIndividualeSnap):
        return render_scheda_individuale(snap)
    if isinstance(snap, d.SchedaCicloSnap):
        return render_scheda_ciclo(snap)
    if isinstance(snap, d.SchedaOrganizzativaSnap):
        return render_scheda_organizzativa(snap)
    raise TypeError(type(snap))


def build_scheda_obiettivi(archive: Archive, unita_id: int, anno: int | None = None) -> bytes:
    return render_scheda_obiettivi(d.snapshot_scheda_obiettivi(archive, unita_id, anno))


def build_scheda_obiettivo(archive: Archive, obiettivo_id: int, anno: int | None = None) -> bytes:
    return render_scheda_obiettivo(d.snapshot_scheda_obiettivo(archive, obiettivo_id, anno))


def build_scheda_individuale(archive: Archive, persona_id: int, anno: int | None = None) -> bytes:
    return render_scheda_individuale(d.snapshot_scheda_individuale(archive, persona_id, anno))


def build_scheda_ciclo(archive: Archive, persona_id: int, tipo: str, anno: int | None = None) -> bytes:
    return render_scheda_ciclo(d.ContestoSchede(archive, anno).scheda_ciclo(persona_id, tipo))


def build_scheda_organizzativa(archive: Archive, anno: int | None = None) -> bytes:
    return render_scheda_organizzativa(d.snapshot_organizzativa(archive, anno))


def render_batch(snaps: Sequence[Snapshot], out_dir: Path | str, *,
                 cancel: threading.Event | None = None, progress: Progress | None = None) -> list[Path]:
    """Render snapshots into ``out_dir`` (one PDF each); stops early when ``cancel`` is set.

    Each file is written under a temporary name beside it; at the end (or when
    cancelled) the sheets done are flushed to the disk together and renamed into
    place, so a cancelled, failed or killed run never leaves a half-written PDF
    and a failure (full disk) replaces none of the older files. Returns the files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = len(snaps)
    with atomic_batch() as batch:
        for i, snap in enumerate(snaps):
            name = snap.nome_file
            if progress and (cancel is None or not cancel.is_set()):
                progress(i, total, name)
            if cancel is not None and cancel.is_set():
                break
            batch.write_bytes(out / name, render(snap))
        written = batch.commit()
    if progress and (cancel is None or not cancel.is_set()):
        progress(total, total, "")
    return written


def snapshots_individuali(archive: Archive, anno: int | None = None,
                          persone: Sequence[int] | None = None) -> list[d.SchedaIndividualeSnap]:
    """The individual sheets of ``persone`` (all, by name), read through one shared context."""
    return d.ContestoSchede(archive, anno).schede_individuali(persone)


def batch_schede_individuali(archive: Archive, out_dir: Path | str, anno: int | None = None, *,
                             persone: Sequence[int] | None = None,
                             cancel: threading.Event | None = None,
                             progress: Progress | None = None) -> list[Path]:
    """The individual sheets of ``persone`` (default: all) into ``out_dir``.

    Snapshots first (one shared context, on the Archive's thread), then rendering.
    """
    return render_batch(snapshots_individuali(archive, anno, persone), out_dir, cancel=cancel,
                        progress=progress)


def batch_schede_obiettivi(archive: Archive, out_dir: Path | str, anno: int | None = None, *,
                           cancel: threading.Event | None = None,
                           progress: Progress | None = None) -> list[Path]:
    """The scheda obiettivi of every settore that has objectives, and «TUTTI I SETTORI»."""
    q = d.quadro(archive, anno)
    snaps = [d.snapshot_scheda_obiettivi(archive, u, quadro=q) for u in d.schede_obiettivi_da_stampare(q)]
    return render_batch(snaps, out_dir, cancel=cancel, progress=progress)


__all__ = [
    "batch_schede_individuali",
    "batch_schede_obiettivi",
    "build_scheda_ciclo",
    "build_scheda_individuale",
    "build_scheda_obiettivi",
    "build_scheda_obiettivo",
    "build_scheda_organizzativa",
    "render",
    "render_batch",
    "render_scheda_ciclo",
    "render_scheda_individuale",
    "render_scheda_obiettivi",
    "render_scheda_obiettivo",
    "render_scheda_organizzativa",
    "snapshots_individuali",
]
