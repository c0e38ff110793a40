"""Batches of individual sheets share one snapshot context (issue 6: 300 sheets ≤ 2 × reportlab)."""

from __future__ import annotations

from collections import Counter

from piaodesk.reports import data, sheets


def _count(monkeypatch, arc, name: str) -> Counter:
    calls: Counter = Counter()
    real = getattr(arc, name)

    def counted(*args, **kwargs):
        calls[args[0] if args else None] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(arc, name, counted)
    return calls


def test_batch_reads_the_plan_once_and_each_node_once(demo, monkeypatch, tmp_path):
    persone = [p.id for p in demo.persone()][:40]
    assert len(persone) == 40
    # what the sheets must show, computed the slow way, one person at a time
    expected = {pid: data.snapshot_scheda_individuale(demo, pid, 2025) for pid in persone[:12]}
    obiettivi = _count(monkeypatch, demo, "obiettivi")
    assegnazioni = _count(monkeypatch, demo, "assegnazioni")
    risultati = _count(monkeypatch, demo, "risultato_obiettivo")
    per_unita = _count(monkeypatch, demo, "obiettivi_di_unita")
    selects = _count(monkeypatch, demo, "select")

    files = sheets.batch_schede_individuali(demo, tmp_path / "schede", 2025, persone=persone)

    assert len(files) == len(persone)
    assert sum(obiettivi.values()) == 1  # the whole tree, once for the batch
    assert sum(assegnazioni.values()) == 1  # every assignment, once, grouped by person
    assert not risultati, risultati.most_common(3)  # every node's % from the bulk read, none one by one
    assert all(n == 1 for n in per_unita.values()), per_unita.most_common(3)  # each settore once
    assert len(per_unita) <= len(demo.unita())
    # a constant number of whole-table reads, not one per person
    # (+2 in issue 18: the past years' organisational values for trends, the «solo individuale» indicators)
    assert sum(n for cls, n in selects.items() if cls is not None) < 17, selects.most_common(5)
    # same content as the one-at-a-time snapshots
    batch = data.ContestoSchede(demo, 2025).schede_individuali(list(expected))
    assert batch == list(expected.values())


def test_rows_show_each_nodes_final_percentage(demo):
    ctx = data.ContestoSchede(demo, 2025)
    checked = 0
    by_code = {o.codice: o for o in demo.obiettivi()}
    for p in demo.persone():
        snap = ctx.scheda_individuale(p.id)
        for r in snap.obiettivi:
            want = demo.perc_finale_nodo(by_code[r.codice].id, 2025)
            assert r.perc == (data._pct(want)), (p.cognome, r.codice)
            checked += 1
    assert checked >= 20


def test_unknown_person_is_reported(demo):
    ctx = data.ContestoSchede(demo, 2025)
    try:
        ctx.scheda_individuale(999_999)
    except LookupError as exc:
        assert "999999" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected LookupError")


def test_signature_fields_written_on_their_page(demo):
    """Fields are written while the pages are emitted: right page, right box, one per name."""
    import io

    from pypdf import PdfReader

    from piaodesk.signing.sign import signature_fields

    u = next(u for u in demo.unita() if u.codice == "Coordinamento")
    pdf = sheets.build_scheda_obiettivi(demo, u.id, 2025)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert reader.trailer["/Root"]["/AcroForm"]["/SigFlags"] == 1
    assert set(reader.get_fields()) == {"Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario", "Firma_Presidente"}
    on_page = {}
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            w = annot.get_object()
            assert w["/FT"] == "/Sig" and w.get("/V") is None and w["/F"] == 132
            assert w.raw_get("/P").idnum == page.indirect_reference.idnum
            x1, y1, x2, y2 = (float(v) for v in w["/Rect"])
            assert 100 < x2 - x1 < 300 and 50 < y2 - y1 < 70  # the area above the signature line (22 mm)
            on_page[w["/T"]] = i
    assert set(on_page.values()) == {len(reader.pages) - 1}  # signatures close the sheet
    infos = signature_fields(pdf)  # what the Firma dialog and `piaodesk firma` list
    assert [f.name for f in infos] == ["Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario", "Firma_Presidente"]
    assert all(not f.signed and f.page == len(reader.pages) - 1 for f in infos)


def _long_sheet(demo, n: int, titolo=lambda i: f"Obiettivo numero {i} con un titolo abbastanza lungo da "
                                               f"andare a capo nella colonna del titolo ({i})"):
    import dataclasses

    p = demo.trova_persona("Rossetto Chiara")
    snap = data.snapshot_scheda_individuale(demo, p.id, 2025)
    righe = tuple(data.RigaIndividuale(f"X{i:03d}", titolo(i), "Collaboratore della scheda" if i % 3 else
                                       "Responsabile", "dal 01/01/2025\nal 31/12/2025" if i % 2 else "",
                                       f"{i % 100},00 %", f"{i % 90 + 10} %", f"{i % 7},00 %") for i in range(n))
    return dataclasses.replace(snap, obiettivi=righe)


def test_long_objectives_table_runs_over_pages_with_header_and_every_row(demo):
    import io
    import re
    import subprocess

    from pypdf import PdfReader

    pdf = sheets.render_scheda_individuale(_long_sheet(demo, 150))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    pages = [subprocess.run(["pdftotext", "-raw", "-f", str(i + 1), "-l", str(i + 1), "-", "-"], input=pdf,
                            capture_output=True, check=True).stdout.decode() for i in range(len(reader.pages))]
    codes = [c for page in pages for c in re.findall(r"\bX\d{3}\b", page)]
    assert codes == [f"X{i:03d}" for i in range(150)]  # every row once, in order, none cut
    with_rows = [page for page in pages if re.search(r"\bX\d{3}\b", page)]
    assert len(with_rows) >= 3
    assert all("Ruolo / periodo" in page and "Impegno" in page for page in with_rows)  # header repeated
    full = "".join(pages)
    assert "titolo abbastanza lungo da\nandare a capo" in full or "lungo da andare\na capo" in full \
        or "andare a\ncapo" in full or "lungo\nda andare a capo" in full  # wrapped inside its cell
    assert full.count("Collaboratore") == 100 and full.count("al 31/12/2025") == 75
    assert set(sig_names(pdf)) == {"Firma_Valutatore", "Firma_Nucleo", "Firma_Segretario", "Firma_Presidente",
                                   "Firma_Dipendente"} \
        or set(sig_names(pdf)) == {"Firma_Valutatore", "Firma_Segretario", "Firma_Presidente", "Firma_Dipendente"}


def sig_names(pdf: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return list(PdfReader(io.BytesIO(pdf)).get_fields() or {})


def test_text_a_paragraph_must_handle_falls_back_to_paragraphs(demo):
    import subprocess

    long_word = "Ultraprecipitevolissimevolmente" * 4  # wider than the title column
    snap = _long_sheet(demo, 30, titolo=lambda i: long_word if i == 7 else f"Titolo\xa0con spazio fisso {i}")
    pdf = sheets.render_scheda_individuale(snap)
    full = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "Ultraprecipitevolissimevolmente" in full and "spazio fisso 29" in full
    assert full.replace("\n", "").count("Ultraprecipitevolissimevolmente") == 4  # split, not lost


def test_plain_wrapping_breaks_lines_like_a_paragraph():
    import random

    from piaodesk.reports.base import styles, text, wrap_plain

    rnd = random.Random(6)
    words = ["a", "di", "del", "servizio", "monitoraggio", "dell'archivio", "(12)", "—", "e", "procedure",
             "Semplificazione", "àèìòù", "OE0527", "31/12/2025", "100,00 %"]
    for _ in range(300):
        raw = " ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 40)))
        if rnd.random() < 0.2:
            raw = raw.replace(" e ", "\ne ", 1)
        style = styles()[rnd.choice(["cell", "cell_b", "cell_c", "small"])]
        width = rnd.uniform(70, 300)
        plain = wrap_plain(raw, style, width)
        para = text(raw, style.name)
        para.wrap(width, 10_000)
        expected = [" ".join(w.text if hasattr(w, "text") else w for w in line[1]) if isinstance(line, tuple)
                    else " ".join(f.text for f in line.words) for line in para.blPara.lines]
        assert plain is not None
        assert [line for line, _ in plain] == [e.strip() for e in expected], (raw, width)


def test_font_subsets_shared_between_sheets_stay_valid(demo):
    """The subset cache gives the next sheet the same embedded font bytes, and its text still reads."""
    import io
    import subprocess

    from pypdf import PdfReader

    def fonts(pdf: bytes) -> dict[str, bytes]:
        out = {}
        for page in PdfReader(io.BytesIO(pdf)).pages:
            for f in (page["/Resources"].get("/Font") or {}).values():
                f = f.get_object()
                desc = f.get("/FontDescriptor")
                if desc is not None:
                    out[str(f["/BaseFont"]).split("+", 1)[-1]] = desc.get_object()["/FontFile2"].get_data()
        return out

    a = _long_sheet(demo, 5)
    b = _long_sheet(demo, 9, titolo=lambda i: f"Attività è più già {i} — verifica")
    pdf_a, pdf_b = sheets.render_scheda_individuale(a), sheets.render_scheda_individuale(b)
    fa, fb = fonts(pdf_a), fonts(pdf_b)
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= set(fa)
    assert fa["DejaVuSans"][:4] == b"\x00\x01\x00\x00"  # a TrueType file
    assert fa["DejaVuSans-Bold"] == fb["DejaVuSans-Bold"]  # headings: same subset, same bytes
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf_b, capture_output=True,
                          check=True).stdout.decode()
    assert "Attività è più già 8 — verifica" in text and "Valutazione complessiva" in text
