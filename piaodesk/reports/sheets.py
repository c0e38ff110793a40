"""The printed sheets: snapshot → PDF bytes (pure and thread-safe), plus archive shortcuts.

* :func:`render_scheda_obiettivi` — seed 003's *Scheda obiettivi* of a settore:
  header, landscape *RIEPILOGO OBIETTIVI PIAO* with the fasce A–E, then one block
  per objective (fasi, indicatori), *Risorse umane* and the signature blocks.
* :func:`render_scheda_obiettivo` — seed 002's *Scheda Obiettivo Esecutivo*
  (or *Scheda UO*) with its Obiettivi Specifici / Attività, half-year indicator
  rows and the Stati di Avanzamento dialogue.
* :func:`render_scheda_individuale` — the individual valuation sheet.

``build_*`` take the Archive (call them on the thread that owns it);
``render_*`` take a snapshot from :mod:`piaodesk.reports.data`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from ..fsio import atomic_batch
from ..store.archive import Archive
from . import data as d
from .base import (
    BAND_BG,
    MARK_BG,
    TOTAL_BG,
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

Snapshot = d.SchedaObiettiviSnap | d.SchedaObiettivoSnap | d.SchedaIndividualeSnap
Progress = Callable[[int, int, str], None]


def _band(label: str, width: float) -> Table:
    t = Table([[Paragraph(label, styles()["band"])]], colWidths=[width])
    t.setStyle([("BACKGROUND", (0, 0), (-1, -1), BAND_BG),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    return t


def _kv(rows: Sequence[tuple[str, object]], width: float, label_frac: float = 0.30, *,
        plain: bool = False) -> Table:
    """Label/value rows; ``plain`` draws short string values as plain cells (no row splitting)."""
    if plain:
        data = [[k, v] for k, v in rows]
        return table(data, (label_frac, 1 - label_frac), width, header_rows=0,  # type: ignore[arg-type]
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
    marks: list[tuple] = []
    for r in s.righe:
        cells: list[object] = [text(str(r.numero), "cell_c"), text(r.descrizione), text(r.peso, "cell_r"),
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
    rows.append([markup("<b>VALUTAZIONE FINALE</b>", "cell")] + [""] * (last - 1)
                + [markup(f"<b>{s.finale}</b>", "cell_r")])
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


def _blocco_obiettivo(o: d.ObiettivoSnap, width: float) -> list[object]:
    st = styles()
    flow: list[object] = []
    titolo = f"Obiettivo {o.codice}" if o.codice else "Obiettivo"
    if o.trasversale:
        titolo += " — obiettivo trasversale (tutti i settori)"
    head = [_band(titolo, width),
            _kv([("Obiettivo: titolo", markup(f"<b>{_esc(o.titolo)}</b>")),
                 ("Descrizione, Finalità e risultati da raggiungere:", o.descrizione),
                 ("Missione:", o.missione),
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
    rows = [[Paragraph("Indicatore (descrizione)", st["head_l"]), Paragraph("Formula di calcolo", st["head_l"]),
             Paragraph("Peso %", h), Paragraph("Valore atteso", h), Paragraph("Valore effettivo", h),
             Paragraph("% raggiungimento", h)]]
    for i in o.indicatori:
        rows.append([text(i.descrizione), text(i.formula), text(i.peso, "cell_r"), text(i.atteso, "cell_c"),
                     text(i.effettivo, "cell_c"), text(i.perc, "cell_r")])
    if not o.indicatori:
        rows.append([text("Nessun indicatore", "note"), "", "", "", "", ""])
    rows.append([text("Totale % realizzazione Indicatori", "cell_b"), "", "", "", "",
                 markup(f"<b>{o.tot_indicatori}</b>", "cell_r")])
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


def _testata(ente: str, titolo: str, sottotitolo: str) -> list[object]:
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
    f.append(Paragraph("RIEPILOGO OBIETTIVI PIAO", st["h2"]))
    f.append(_riepilogo(s, lw))
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


def _foglia_flow(c: d.FogliaSnap, width: float) -> list[object]:
    st = styles()
    h = st["head"]
    out: list[object] = [CondPageBreak(50 * mm), _band(_esc(f"{c.tipo} {c.codice}"), width)]
    out.append(_kv([("Codice", c.codice), ("Titolo", markup(f"<b>{_esc(c.titolo)}</b>")),
                    ("Descrizione", c.descrizione)], width, 0.2))
    if any(c.date):
        out.append(_date_grid(c.date, width))
    if c.flags or c.extra:
        rows = [[Paragraph("Descrizione Flag", st["head_l"]), Paragraph("Attivo (Si/No)", h)]]
        rows += [[text(fl), text("Si", "cell_c")] for fl in c.flags]
        rows += [[text(k), text(v, "cell_c")] for k, v in c.extra]
        out.append(table(rows, (0.7, 0.3), width))
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
    sub: list[tuple] = []
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
    f += _testata(it.ente, s.sezione, f"Settore {s.settore}" if s.settore else it.piano)
    f.append(_band(_esc(f"{s.etichetta} — {s.titolo}"), pw))
    f.append(_kv([("Codice", s.codice), ("Obiettivo generale", s.obiettivo_generale)], pw, 0.22))
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


# ---------------------------------------------------------------------- scheda individuale


def render_scheda_individuale(s: d.SchedaIndividualeSnap) -> bytes:
    st = styles()
    story = Story()
    pw = Sheet.portrait_width()
    it = s.intestazione
    f = story.flowables
    f += _testata(it.ente, "SCHEDA DI VALUTAZIONE INDIVIDUALE", f"Anno {it.anno} — {it.piano}")
    f.append(_kv([("Dipendente:", markup(f"<b>{_esc(s.nominativo)}</b>")), ("Categoria/Area:", s.categoria),
                  ("Settore/Servizio:", s.settore), ("Ore settimanali:", s.ore),
                  ("Sistema di valutazione:", s.sistema)], pw, 0.28, plain=True))
    f.append(Paragraph("1. Obiettivi assegnati", st["h2"]))
    rows: list[list[object]] = [["Codice", "Obiettivo", "Ruolo / periodo", "% Ragg.", f"Punteggio (0-{s.scala})",
                                 "Fascia"]]
    head6 = ("head", "head_l", "head", "head", "head", "head")
    widths = (0.12, 0.43, 0.17, 0.10, 0.10, 0.08)
    if s.obiettivi:  # plain rows: a person may have a hundred objectives
        body = [[r.codice, r.titolo, r.ruolo + (f"\n{r.periodo}" if r.periodo else ""), r.perc, r.punteggio,
                 r.lettera] for r in s.obiettivi]
        f.append(plain_table(rows, body, widths, pw,
                             ("cell_c", "cell", "cell_c", "cell_r", "cell_c", "cell_c"), plain_header=head6))
    else:
        rows.append(["", text("Nessun obiettivo individuale assegnato: concorrono gli obiettivi della "
                              "struttura di appartenenza.", "note"), "", "", "", ""])
        f.append(table(rows, widths, pw, plain_header=head6))
    f.append(Paragraph("2. Obiettivi della struttura", st["h2"]))
    f.append(Paragraph(_esc(s.struttura), st["base"]))
    f.append(Paragraph("3. Comportamenti organizzativi", st["h2"]))
    rows = [["Comportamento", "Peso", f"Punteggio (0-{s.scala})"]]
    rows += [[n, p, v] for n, p, v in s.comportamenti]
    f.append(table(rows, (0.64, 0.14, 0.22), pw, extra=[("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                                                           ("TOPPADDING", (0, 1), (-1, -1), 5),
                                                           ("BOTTOMPADDING", (0, 1), (-1, -1), 6)],
                   plain=("cell", "cell_r", "cell_c"), plain_header=("head_l", "head", "head")))
    f.append(Paragraph("4. Valutazione complessiva", st["h2"]))
    rows = [["Componente", "Peso", "Risultato", "Contributo"]]
    rows += [[a, b, c, e] for a, b, c, e in s.componenti]
    rows.append([markup("<b>VALUTAZIONE FINALE</b>"), "", markup(f"<b>{s.finale_perc}</b>", "cell_r"),
                 markup(f"<b>{s.finale_punti}</b> / {s.scala} punti" if s.finale_punti else "", "cell_r")])
    n = len(rows) - 1
    f.append(table(rows, (0.52, 0.14, 0.17, 0.17), pw,
                   extra=[("BACKGROUND", (0, n), (-1, n), TOTAL_BG), ("LINEABOVE", (0, n), (-1, n), 1.0, BAND_BG)],
                   plain=("cell", "cell_r", "cell_r", "cell_r"), plain_rows=len(s.componenti),
                   plain_header=("head_l", "head", "head", "head")))
    if s.fascia:
        f.append(Paragraph(f"Fascia di valutazione: <b>{_esc(s.fascia)}</b>", st["base"]))
    for note in s.note:
        f.append(Paragraph(_esc(note), st["note"]))
    f.append(Spacer(1, 3 * mm))
    f.append(Paragraph("Osservazioni del valutatore / del dipendente:", st["h3"]))
    obs = Table([[""]], colWidths=[pw], rowHeights=[16 * mm])
    obs.setStyle([("BOX", (0, 0), (-1, -1), 0.4, BAND_BG)])
    f.append(obs)
    f.append(signature_section(s.firme, s.luogo_data, pw, story.firme))
    meta = Meta(title=f"Scheda di valutazione individuale {it.anno} — {s.nominativo}", author=it.ente,
                subject=f"Valutazione individuale {it.anno}", header=f"{it.ente} — {it.piano}",
                footer=f"Scheda individuale {it.anno} — {s.nominativo}", keywords="valutazione individuale")
    return Sheet.render(story, meta)


# ---------------------------------------------------------------------- dispatch and batch


def render(snap: Snapshot) -> bytes:
    if isinstance(snap, d.SchedaObiettiviSnap):
        return render_scheda_obiettivi(snap)
    if isinstance(snap, d.SchedaObiettivoSnap):
        return render_scheda_obiettivo(snap)
    if isinstance(snap, d.SchedaIndividualeSnap):
        return render_scheda_individuale(snap)
    raise TypeError(type(snap))


def build_scheda_obiettivi(archive: Archive, unita_id: int, anno: int | None = None) -> bytes:
    return render_scheda_obiettivi(d.snapshot_scheda_obiettivi(archive, unita_id, anno))


def build_scheda_obiettivo(archive: Archive, obiettivo_id: int, anno: int | None = None) -> bytes:
    return render_scheda_obiettivo(d.snapshot_scheda_obiettivo(archive, obiettivo_id, anno))


def build_scheda_individuale(archive: Archive, persona_id: int, anno: int | None = None) -> bytes:
    return render_scheda_individuale(d.snapshot_scheda_individuale(archive, persona_id, anno))


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
    """The scheda obiettivi of every settore that has objectives."""
    snaps = [d.snapshot_scheda_obiettivi(archive, u.id, anno) for u in archive.unita()
             if u.id is not None and archive.obiettivi_di_unita(u.id)]
    return render_batch(snaps, out_dir, cancel=cancel, progress=progress)


__all__ = [
    "batch_schede_individuali",
    "batch_schede_obiettivi",
    "build_scheda_individuale",
    "build_scheda_obiettivi",
    "build_scheda_obiettivo",
    "render",
    "render_batch",
    "render_scheda_individuale",
    "render_scheda_obiettivi",
    "render_scheda_obiettivo",
    "snapshots_individuali",
]
