"""Monitoring rounds: open, snapshot, edit, validate with a reason, close and freeze.

The override case is seed 002's Scheda UO 10708 (L5528-5782): its rule gives
96,74 but the Nucleo validated 100 after a "mero errore materiale" (L5714).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from piaodesk.domain.enums import Aggregazione, Livello, Polarita, Ramo, StatoMonitoraggio
from piaodesk.domain.model import (
    Ente,
    Indicatore,
    Misura,
    Monitoraggio,
    Obiettivo,
    Piano,
    RilevazioneIndicatore,
    StatoAvanzamento,
)
from piaodesk.store import monitoraggio as mon
from piaodesk.store.archive import Archive
from piaodesk.store.codec import to_row
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow

MOTIVO = ("Nell'indicatore, per mero errore materiale, è stata indicata la natura \"negativa\", "
          "invece è POSITIVA (seed 002 L5714)")

# Scheda UO 10708, its four Attività Gestionali and their indicators (seed 002 L5587-5782):
# (codice, [(descrizione, peso, polarita, (giugno target, valore), (dicembre target, valore))])
SCHEDA_10708 = [
    ("UO047604", [("N. consulenze - per dimissioni", 33, "crescente", ("700", "755"), ("300", "1059")),
                  ("N. controlli - post dimissioni", 33, "crescente", ("250", "308"), ("200", "428")),
                  ("N. valutazioni - UVM", 34, "crescente", ("230", "298"), ("150", "622"))]),
    ("UO047603", [("N. interventi - Inserimenti su lavori sociali", 100, "crescente",
                   ("320", "2076"), ("250", "2099"))]),
    # L5709-5711: 1.300,00 → 1.495,00 marked "Negativo" by mistake
    ("UO047601", [("N. accessi - Segnalazioni", 100, "decrescente", ("700", "785"), ("600", "710"))]),
    ("UO047602", [("N. minori - Dato di flusso", 34, "crescente", ("0", "0"), ("800", "958")),
                  ("N. adulti - Dato di flusso", 33, "crescente", ("0", "0"), ("950", "1370")),
                  ("N. anziani - Dato di flusso", 33, "crescente", ("0", "0"), ("600", "1240"))]),
]


def _build_10708(arc: Archive) -> dict[str, int]:
    ids: dict[str, int] = {}
    with arc._tx("test", "obiettivi", None):
        sid = arc._insert_row("obiettivi", to_row(Obiettivo(
            posizione=0, ramo=Ramo.ATTIVITA, livello=Livello.SCHEDA_UO, codice="10708",
            titolo="Ufficio Polo sociale 3 e sportelli specialistici", anni=[2021])))
        ids["10708"] = sid
        for pos, (code, inds) in enumerate(SCHEDA_10708):
            oid = arc._insert_row("obiettivi", to_row(Obiettivo(
                parent_id=sid, posizione=pos, ramo=Ramo.ATTIVITA,
                livello=Livello.ATTIVITA_GESTIONALE, codice=code, titolo=code, anni=[2021])))
            ids[code] = oid
            for ipos, (desc, peso, pol, giu, dic) in enumerate(inds):
                iid = arc._insert_row("indicatori", to_row(Indicatore(
                    obiettivo_id=oid, posizione=ipos, descrizione=desc, peso=D(peso),
                    polarita=Polarita(pol), aggregazione=Aggregazione.SOMMA)))
                ids[desc] = iid
                for periodo, (t, v) in (("Giugno", giu), ("Dicembre", dic)):
                    arc._insert_row("misure", to_row(Misura(
                        indicatore_id=iid, anno=2021, periodo=periodo, target_testo=t, target=D(t),
                        valore_testo=v, valore=D(v))))
    return ids


@pytest.fixture
def peg2021(tmp_path):
    arc = Archive.create(tmp_path / "peg2021.piao",
                         Piano(titolo="PEG 2021-2023", anno_inizio=2021, anno_fine=2023),
                         Ente(nome="Comune di Modena"))
    ids = _build_10708(arc)
    yield arc, ids
    arc.close()


def test_10708_computes_96_74_and_keeps_the_validated_100_with_its_reason(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31), "Secondo stato di avanzamento"))
    (m,) = arc.monitoraggi()
    rnd = mon.leggi_round(arc, m.id)
    # the year-end snapshot takes the annual values (Somma of the half-years): 1.300 → 1.495
    r = rnd.rilevazioni[ids["N. accessi - Segnalazioni"]]
    assert (r.target, r.valore) == (D("1300"), D("1495"))
    assert rnd.calcolata(ids["UO047601"]) == D("86.96")  # 1.300 / 1.495, Negativo
    assert rnd.calcolata(ids["10708"]) == D("96.74")  # (100 + 100 + 86,96 + 100) / 4
    stored = arc.select(StatoAvanzamento, "obiettivo_id = ?", (ids["10708"],))[0]
    assert stored.perc_calcolata == D("96.74")

    # the Nucleo's 100 without a reason is refused before the database, in Italian
    with pytest.raises(mon.OverrideSenzaMotivo, match="motivazione"):
        mon.imposta_validata(arc, m.id, ids["10708"], "100", "  ")
    arc.apply(mon.imposta_validata(arc, m.id, ids["10708"], "100", MOTIVO))
    rnd = mon.leggi_round(arc, m.id)
    st = rnd.stati[ids["10708"]]
    assert (st.perc_calcolata, st.perc_validata) == (D("96.74"), D("100.00"))
    assert st.motivo_override == MOTIVO
    assert rnd.finale(ids["10708"]) == D("100.00")

    # closing freezes it: still visible, edits refused with a message
    arc.apply(mon.chiudi(arc, m.id, date(2022, 3, 15)))
    rnd = mon.leggi_round(arc, m.id)
    assert rnd.chiuso and rnd.calcolata(ids["10708"]) == D("96.74")
    assert rnd.validata(ids["10708"]) == D("100.00")
    with pytest.raises(mon.MonitoraggioChiuso, match="chiuso il 15/03/2022"):
        mon.imposta_validata(arc, m.id, ids["10708"], "96,74", None)
    with pytest.raises(mon.MonitoraggioChiuso):
        mon.imposta_rilevazione(arc, m.id, ids["N. accessi - Segnalazioni"], valore_testo="1")
    with pytest.raises(mon.MonitoraggioChiuso):
        mon.imposta_dialogo(arc, m.id, ids["10708"], relazione_settore="x")


def test_the_database_check_also_refuses_an_override_without_reason(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31)))
    st = arc.select(StatoAvanzamento, "obiettivo_id = ?", (ids["10708"],))[0]
    from piaodesk.store.edits import SetFields
    with pytest.raises(PlanError, match="motivazione"):
        arc.apply(SetFields(StatoAvanzamento, st.id, {"perc_validata": D("100")}))
    assert arc.get(StatoAvanzamento, st.id).perc_validata is None  # rolled back


def test_validating_the_leaf_lifts_the_scheda_and_validated_as_computed_needs_no_reason(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31)))
    mid = arc.monitoraggi()[0].id
    # validating a % equal to the computed one (as typed, 96,74) needs no reason
    arc.apply(mon.imposta_validata(arc, mid, ids["10708"], "96,74"))
    # the Nucleo's correction on the activity UO047601 lifts the scheda's computed % to 100
    arc.apply(mon.imposta_validata(arc, mid, ids["UO047601"], D(100), MOTIVO))
    rnd = mon.leggi_round(arc, mid)
    assert rnd.calcolata(ids["10708"]) == D("100.00")
    # the scheda had been validated "as computed": it follows the new computed %
    assert rnd.validata(ids["10708"]) == D("100.00")
    assert rnd.stati[ids["10708"]].perc_calcolata == D("100.00")


def test_first_round_uses_june_values_and_unmeasured_periods_do_not_count(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 6, 30)))
    rnd = mon.leggi_round(arc, arc.monitoraggi()[0].id)
    r = rnd.rilevazioni[ids["N. accessi - Segnalazioni"]]
    assert (r.target, r.valore, r.target_testo, r.valore_testo) == (D("700"), D("785"), "700", "785")
    # UO047602's June rows are 0,00/0,00 (not measured): no value at the first round
    assert rnd.rilevazioni[ids["N. minori - Dato di flusso"]].valore is None
    assert rnd.calcolata(ids["UO047602"]) is None
    assert rnd.calcolata(ids["UO047601"]) == D("89.17")  # 700 / 785
    assert rnd.calcolata(ids["10708"]) == D("96.39")  # (100 + 100 + 89,17) / 3


def test_entering_a_value_recomputes_and_undo_restores(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31)))
    mid = arc.monitoraggi()[0].id
    iid = ids["N. accessi - Segnalazioni"]
    edit = mon.imposta_rilevazione(arc, mid, iid, valore_testo="1.200")
    arc.apply(edit)
    rnd = mon.leggi_round(arc, mid)
    assert rnd.rilevazioni[iid].valore == D("1200") and rnd.rilevazioni[iid].valore_testo == "1.200"
    assert rnd.calcolata(ids["UO047601"]) == D("100.00")
    assert rnd.stati[ids["10708"]].perc_calcolata == D("100.00")  # stored, not only live
    arc.revert(edit)
    rnd = mon.leggi_round(arc, mid)
    assert rnd.rilevazioni[iid].valore == D("1495")
    assert rnd.stati[ids["10708"]].perc_calcolata == D("96.74")
    # the misure of the indicator (the live plan) are untouched by the round
    assert {m.valore for m in arc.misure([iid])} == {D("785"), D("710")}


def test_dialogue_texts_and_undo_of_open(peg2021):
    arc, ids = peg2021
    edit_open = mon.apri(arc, date(2021, 12, 31), "Secondo")
    arc.apply(edit_open)
    mid = arc.monitoraggi()[0].id
    arc.apply(mon.imposta_dialogo(arc, mid, ids["UO047601"], relazione_settore="Il punteggio è il 100%.",
                                  osservazioni_nucleo="Si rileva che …", risposta_settore=""))
    st = mon.leggi_round(arc, mid).stati[ids["UO047601"]]
    assert (st.relazione_settore, st.osservazioni_nucleo, st.risposta_settore) == (
        "Il punteggio è il 100%.", "Si rileva che …", None)
    assert mon.imposta_dialogo(arc, mid, ids["UO047601"], relazione_settore="Il punteggio è il 100%.") is None
    arc.revert(edit_open)  # (the dialogue rows go with the round: cascade)
    assert arc.count(Monitoraggio) == 0 and arc.count(RilevazioneIndicatore) == 0
    assert arc.count(StatoAvanzamento) == 0


def test_open_refuses_duplicates_and_dates_outside_the_plan(peg2021):
    arc, _ = peg2021
    arc.apply(mon.apri(arc, date(2021, 6, 30)))
    with pytest.raises(PlanError, match="Esiste già un monitoraggio al 30/06/2021"):
        mon.apri(arc, date(2021, 6, 30))
    with pytest.raises(PlanError, match="fuori dal triennio 2021/2023"):
        mon.apri(arc, date(2030, 6, 30))
    assert mon.trova(arc, "30/06/2021").data == date(2021, 6, 30)
    with pytest.raises(PlanError, match="non trovato"):
        mon.trova(arc, "31/12/2021")


def test_reopen_then_edit_and_redo_of_an_edit_after_close_is_refused(peg2021):
    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31)))
    mid = arc.monitoraggi()[0].id
    iid = ids["N. accessi - Segnalazioni"]
    edit = mon.imposta_rilevazione(arc, mid, iid, valore_testo="1000")
    arc.apply(mon.chiudi(arc, mid))
    with pytest.raises(mon.MonitoraggioChiuso):  # an edit built before closing cannot sneak in
        arc.apply(edit)
    assert mon.leggi_round(arc, mid).rilevazioni[iid].valore == D("1495")
    arc.apply(mon.riapri(arc, mid))
    with pytest.raises(PlanError, match="già aperto"):
        mon.riapri(arc, mid)
    assert arc.get(Monitoraggio, mid).stato == StatoMonitoraggio.APERTO
    arc.apply(mon.imposta_rilevazione(arc, mid, iid, valore_testo="1000"))
    assert mon.leggi_round(arc, mid).calcolata(ids["UO047601"]) == D("100.00")


def test_demo_rounds_without_snapshot_get_one_and_keep_their_texts(demo):
    m1, m2 = demo.monitoraggi()
    rnd = mon.leggi_round(demo, m2.id)
    assert not rnd.rilevato and rnd.stati  # seed 002 texts, no values yet
    texts = {oid: s.relazione_settore for oid, s in rnd.stati.items()}
    edit = mon.rileva(demo, m2.id)
    demo.apply(edit)
    rnd = mon.leggi_round(demo, m2.id)
    assert rnd.rilevato
    assert {oid: s.relazione_settore for oid, s in rnd.stati.items() if oid in texts} == texts
    codes = {o.codice: o.id for o in demo.obiettivi()}
    # the year-end round reproduces the engine's annual results (seed 002 §3.4)
    assert rnd.calcolata(codes["OE0527"]) == D("66.67")
    assert rnd.calcolata(codes["10703"]) == D("94.31")
    assert mon.rileva(demo, m2.id) is None  # nothing left to take
    conf = mon.confronto(demo)
    assert [m.id for m in conf.rounds] == [m1.id, m2.id]
    assert conf.righe and all(len(vals) == 2 for _, _, vals in conf.righe)
    assert any(name for name, series in conf.settori if series[1] is not None)


def test_round_updated_in_place_equals_a_fresh_reading(peg2021):
    """After an edit of values (a rilevazione, a validated %, its undo) the round updated from
    the edit's changes, and the edit built from the caller's round, equal a fresh reading;
    an edit of anything else asks for a fresh reading (None)."""
    from piaodesk.store.edits import SetFields

    arc, ids = peg2021
    arc.apply(mon.apri(arc, date(2021, 12, 31)))
    mid = arc.monitoraggi()[0].id
    rnd = mon.leggi_round(arc, mid)
    iid = ids["N. accessi - Segnalazioni"]

    def same(a, b):
        return (a.rilevazioni, a.stati, a.calcolate) == (b.rilevazioni, b.stati, b.calcolate)

    edit = mon.imposta_rilevazione(arc, mid, iid, valore_testo="1.200", rnd=rnd)
    ch = arc.apply(edit)
    rnd = mon.aggiorna_round(arc, rnd, ch)
    assert rnd is not None and same(rnd, mon.leggi_round(arc, mid))
    assert rnd.stati[ids["10708"]].perc_calcolata == D("100.00")
    ch = arc.revert(edit)
    rnd = mon.aggiorna_round(arc, rnd, ch)
    assert same(rnd, mon.leggi_round(arc, mid))
    assert rnd.stati[ids["10708"]].perc_calcolata == D("96.74")
    ch = arc.apply(mon.imposta_validata(arc, mid, ids["UO047601"], "90", "Verifica del Nucleo"))
    rnd = mon.aggiorna_round(arc, rnd, ch)
    assert same(rnd, mon.leggi_round(arc, mid))
    ch = arc.apply(SetFields(Indicatore, iid, {"peso": D(2)}))
    rnd = mon.aggiorna_round(arc, rnd, ch)  # an indicator's weight: re-read in place
    assert rnd is not None and same(rnd, mon.leggi_round(arc, mid))
    other = next(o for o in rnd.obiettivi if o.id != rnd.proprietari[iid])
    ch = arc.apply(SetFields(Indicatore, iid, {"obiettivo_id": other.id}))
    assert mon.aggiorna_round(arc, rnd, ch) is None  # (an indicator moved: read again)


def _rows_of_round(arc: Archive, mid: int) -> tuple[list[tuple], list[tuple]]:
    """The round's stored rows (ids left out), sorted: what «Rileva i valori» writes."""
    ril = sorted((r.indicatore_id, r.target_testo, r.target, r.valore_testo, r.valore)
                 for r in arc.rilevazioni(mid))
    stati = sorted((s.obiettivo_id, s.perc_calcolata, s.perc_validata, s.relazione_settore)
                   for s in arc.select(StatoAvanzamento, "monitoraggio_id = ?", (mid,)))
    return ril, stati


def _same_round(a: mon.Round, b: mon.Round) -> bool:
    return (a.rilevazioni, a.stati, a.calcolate) == (b.rilevazioni, b.stati, b.calcolate)


@pytest.mark.parametrize("copia_min", [1, 10**9], ids=["copied-in-sqlite", "written-row-by-row"])
def test_snapshot_from_the_views_round_hands_over_the_round_a_fresh_reading_gives(
        demo_path, tmp_path, monkeypatch, copia_min):
    """«Rileva i valori» built from the round a view holds: the same rows as the CLI's
    (built from the file), and after the step, its undo and its redo the round it hands to
    the view equals a fresh reading of the file; after reopening the file too. Both ways of
    writing the values: copied from the misure inside SQLite, or row by row."""
    import shutil

    monkeypatch.setattr(mon, "COPIA_MIN", copia_min)
    path = tmp_path / "rileva.piao"
    shutil.copyfile(demo_path, path)
    arc = Archive.open(path)
    m1, m2 = arc.monitoraggi()
    before = _rows_of_round(arc, m2.id)
    other = _rows_of_round(arc, m1.id)
    cli = mon.rileva(arc, m2.id)
    arc.apply(cli)
    cli_rows = _rows_of_round(arc, m2.id)
    arc.revert(cli)
    assert _rows_of_round(arc, m2.id) == before and cli_rows[0] and cli_rows != before

    base = mon.leggi_round(arc, m2.id)
    edit = mon.rileva(arc, m2.id, rnd=base)
    copied = any(isinstance(e, mon._CopiaRilevazioni) for e in edit.edits)
    assert copied == (copia_min == 1)
    arc.apply(edit)
    assert _rows_of_round(arc, m2.id) == cli_rows  # identical in result
    dopo = mon.round_dopo_istantanea(arc, m2.id)
    fresh = mon.leggi_round(arc, m2.id)
    assert dopo is not None and fresh.rilevato and _same_round(dopo, fresh)
    assert mon.round_dopo_istantanea(arc, m2.id) is None  # handed over once
    ids = sorted(r.id for r in arc.rilevazioni(m2.id))
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # one range: undone with one DELETE

    arc.revert(edit)  # undo: the rows gone, the round as the view held it
    assert _rows_of_round(arc, m2.id) == before and _rows_of_round(arc, m1.id) == other
    back = mon.round_dopo_istantanea(arc, m2.id)
    assert back is base and _same_round(back, mon.leggi_round(arc, m2.id))

    arc.apply(edit)  # redo: the same rows, with the same ids
    assert _rows_of_round(arc, m2.id) == cli_rows
    assert sorted(r.id for r in arc.rilevazioni(m2.id)) == ids
    again = mon.round_dopo_istantanea(arc, m2.id)
    assert again is not None and _same_round(again, mon.leggi_round(arc, m2.id))
    per_indicator = {r.indicatore_id: (r.target, r.valore) for r in arc.rilevazioni(m2.id)}
    assert {iid: (r.target, r.valore) for iid, r in again.rilevazioni.items()} == per_indicator
    arc.close()

    arc = Archive.open(path)  # reopened: what was written is what the view showed
    assert _rows_of_round(arc, m2.id) == cli_rows
    assert _same_round(mon.leggi_round(arc, m2.id), again)
    arc.close()


def test_a_write_after_the_snapshot_hands_nothing_over(peg2021):
    arc, ids = peg2021
    mid = arc.allocate_id(Monitoraggio)
    arc.apply(InsertRow(Monitoraggio(id=mid, nome="Giugno", data=date(2021, 6, 30), anno=2021)))
    edit = mon.rileva(arc, mid, rnd=mon.leggi_round(arc, mid))
    arc.apply(edit)
    arc.apply(mon.imposta_dialogo(arc, mid, ids["10708"], relazione_settore="Relazione"))
    assert mon.round_dopo_istantanea(arc, mid) is None  # (another step since: read again)
    assert mon.rileva(arc, mid) is None  # every value taken


@pytest.mark.parametrize("copia_min", [1, 10**9], ids=["copied-in-sqlite", "written-row-by-row"])
def test_prepared_snapshot_writes_what_the_click_would(demo_path, tmp_path, monkeypatch, copia_min):
    """«Rileva i valori» prepared ahead (ids given, the round it leaves made before the click)
    writes the rows of one built at the click; stale once anything else was written."""
    import shutil

    monkeypatch.setattr(mon, "COPIA_MIN", copia_min)
    path = tmp_path / "pronta.piao"
    shutil.copyfile(demo_path, path)
    arc = Archive.open(path)
    mid = arc.monitoraggi()[-1].id
    edit = mon.rileva(arc, mid)
    arc.apply(edit)
    expected = _rows_of_round(arc, mid)
    arc.revert(edit)

    pronta = mon.Preparata(arc, mid, mon.leggi_round(arc, mid), batch=7)
    steps = sum(1 for _ in pronta.passi())
    assert steps > 5 and pronta.done  # really in steps
    prepared = pronta.edit(mid)
    assert prepared is not None and pronta.edit(mid + 1000) is None
    assert pronta.edit(mid, arc) is prepared and pronta.edit(mid, object()) is None  # (another plan)
    arc.apply(prepared)
    assert _rows_of_round(arc, mid) == expected
    ids = sorted(r.id for r in arc.rilevazioni(mid))
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    shown = mon.round_dopo_istantanea(arc, mid)
    fresh = mon.leggi_round(arc, mid)
    assert shown is not None and _same_round(shown, fresh)
    arc.revert(prepared)
    assert pronta.edit(mid) is None  # (written since: stale)
    arc.close()
