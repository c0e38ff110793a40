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
    assert all(n == 1 for n in risultati.values()), risultati.most_common(3)  # each node's % once
    assert all(n == 1 for n in per_unita.values()), per_unita.most_common(3)  # each settore once
    assert len(per_unita) <= len(demo.unita())
    # a constant number of whole-table reads, not one per person
    assert sum(n for cls, n in selects.items() if cls is not None) < 15 + sum(risultati.values()) * 6, \
        selects.most_common(5)
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
    assert set(reader.get_fields()) == {"Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario"}
    on_page = {}
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            w = annot.get_object()
            assert w["/FT"] == "/Sig" and w.get("/V") is None and w["/F"] == 132
            assert w.raw_get("/P").idnum == page.indirect_reference.idnum
            x1, y1, x2, y2 = (float(v) for v in w["/Rect"])
            assert 100 < x2 - x1 < 300 and 30 < y2 - y1 < 60  # the area above the signature line
            on_page[w["/T"]] = i
    assert set(on_page.values()) == {len(reader.pages) - 1}  # signatures close the sheet
    infos = signature_fields(pdf)  # what the Firma dialog and `piaodesk firma` list
    assert [f.name for f in infos] == ["Firma_Responsabile", "Firma_Nucleo", "Firma_Segretario"]
    assert all(not f.signed and f.page == len(reader.pages) - 1 for f in infos)
