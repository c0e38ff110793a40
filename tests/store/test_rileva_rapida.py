"""«Rileva i valori» taking the leaves' own % from the plan's % cache (issue 14 point 6): the
rows written, the % computed and the round handed to the view equal the slow path's (every
objective computed with the round's values), whatever the plan holds — period values, a
trend target, a value typed at the round before the snapshot, validated % of the plan and
of the round, a new valuation system."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from piaodesk.domain import monitoraggio as rules
from piaodesk.domain.model import Indicatore, Misura, Monitoraggio, StatoAvanzamento, Valutazione
from piaodesk.store import monitoraggio as mon
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow, SetFields


def _rows_of_round(arc: Archive, mid: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The round's stored rows (ids left out), sorted: what «Rileva i valori» writes."""
    ril = sorted((r.indicatore_id, r.target_testo, r.target, r.valore_testo, r.valore)
                 for r in arc.rilevazioni(mid))
    stati = sorted((s.obiettivo_id, s.perc_calcolata, s.perc_validata, s.relazione_settore)
                   for s in arc.select(StatoAvanzamento, "monitoraggio_id = ?", (mid,)))
    return ril, stati


def _round_senza_valori(arc: Archive) -> int:
    m = next(m for m in arc.monitoraggi() if not arc.rilevazioni(m.id))
    return m.id or 0


def _indicatori(arc: Archive) -> list[Indicatore]:
    return [i for i in arc.indicatori() if arc.misure([i.id or 0])]


def _nulla(arc: Archive, mid: int) -> None:
    pass


def _valore_digitato(arc: Archive, mid: int) -> None:
    ind = _indicatori(arc)[0]
    arc.apply(mon.imposta_rilevazione(arc, mid, ind.id or 0, valore_testo="1", target_testo="2"))


def _periodo(arc: Archive, mid: int) -> None:
    anno = arc.get(Monitoraggio, mid).anno
    ind = _indicatori(arc)[1]
    arc.apply(InsertRow(Misura(indicatore_id=ind.id or 0, anno=anno, periodo="Gennaio",
                               target=D("10"), target_testo="10", valore=D("3"), valore_testo="3")))


def _tendenziale(arc: Archive, mid: int) -> None:
    anno = arc.get(Monitoraggio, mid).anno
    ind = _indicatori(arc)[2]
    (mis,) = [m for m in arc.misure([ind.id or 0]) if m.anno == anno and m.periodo == ""]
    arc.apply(SetFields(Misura, mis.id or 0, {
        "target": None, "target_testo": f"Aumento tendenziale rispetto al biennio {anno - 2}-{anno - 1}",
        "valore": D("7"), "valore_testo": "7"}))
    for past in (anno - 2, anno - 1):  # (the cache compares with them: met; a round does not)
        arc.apply(InsertRow(Misura(indicatore_id=ind.id or 0, anno=past, periodo="", valore=D("5"),
                                   valore_testo="5")))


def _validate_del_piano(arc: Archive, mid: int) -> None:
    anno = arc.get(Monitoraggio, mid).anno
    gia = {v.obiettivo_id for v in arc.select(Valutazione, "anno = ?", (anno,))}
    oids = list(dict.fromkeys(i.obiettivo_id for i in _indicatori(arc) if i.obiettivo_id not in gia))
    for oid in oids[:3]:
        arc.apply(InsertRow(Valutazione(obiettivo_id=oid, anno=anno, perc_validata=D("12.5"),
                                        motivo="prova")))


def _numeri_non_testuali(arc: Archive, mid: int) -> None:
    arc.db.conn.execute("UPDATE misure SET target = CAST(target AS REAL) WHERE id % 3 = 0")
    arc.db.conn.execute("UPDATE misure SET valore_testo = NULL WHERE id % 5 = 0")


CASI: dict[str, Callable[[Archive, int], None]] = {
    "nulla": _nulla, "valore-digitato": _valore_digitato, "periodo": _periodo,
    "tendenziale": _tendenziale, "validate-del-piano": _validate_del_piano,
    "numeri-non-testuali": _numeri_non_testuali}


def _snapshot(path: Path, mid: int, warm: bool) -> tuple[Any, ...]:
    arc = Archive.open(path)
    try:
        rnd = mon.leggi_round(arc, mid)
        if warm:
            arc.percentuali(rnd.monitoraggio.anno)  # the tree's % cache, as in the window
        assert arc.percentuali_pronte(rnd.monitoraggio.anno) == warm
        edit = mon.rileva(arc, mid, rnd=rnd)
        assert isinstance(edit, mon.Istantanea)
        calc = dict(edit._calcolo.calc)
        arc.apply(edit)
        dopo = mon.round_dopo_istantanea(arc, mid)
        fresh = mon.leggi_round(arc, mid)
        assert dopo is not None
        rounded = {o: rules.arrotonda(v) for o, v in calc.items()}
        assert rounded == {o: rules.arrotonda(v) for o, v in fresh.calcolate.items()}
        return (_rows_of_round(arc, mid), rounded,
                {o: dopo.calcolata(o) for o in calc}, sorted(dopo.rilevazioni.items()))
    finally:
        arc.close()


@pytest.mark.parametrize("caso", list(CASI))
def test_leaves_from_the_plans_cache_give_the_slow_paths_rows(demo_path, tmp_path, monkeypatch, caso):
    arc = Archive.open(demo_path)
    mid = _round_senza_valori(arc)
    CASI[caso](arc, mid)
    arc.close()
    spia: list[int] = []
    real = mon._proprie_dal_piano

    def spy(*args: Any) -> dict[int, D | None]:
        out = real(*args)
        spia.append(len(out))
        return out

    monkeypatch.setattr(mon, "_proprie_dal_piano", spy)
    other = tmp_path / "lenta.piao"
    shutil.copyfile(demo_path, other)
    fast = _snapshot(demo_path, mid, True)
    assert spia and spia[-1] > 0, "nessuna foglia presa dalla cache del piano"
    slow = _snapshot(other, mid, False)
    assert spia[-1] == 0  # (the cache not ready: every objective computed)
    assert fast == slow


def test_another_valuation_system_is_not_taken_from_the_cache(demo_path):
    arc = Archive.open(demo_path)
    mid = _round_senza_valori(arc)
    rnd = mon.leggi_round(arc, mid)
    arc.percentuali(rnd.monitoraggio.anno)
    found = arc.percentuali_proprie(rnd.monitoraggio.anno)
    assert found is not None and found[0]
    altro = dataclasses.replace(found[1], quota_indicatori=D("50"))
    assert altro != found[1]
    assert mon._proprie_dal_piano(arc, rnd.monitoraggio.anno, altro, [], {}, {}, {}, {}, {}) == {}
    arc.close()


def test_values_read_once_are_read_again_only_after_their_tables_change(demo_path, monkeypatch):
    """The indicators' values a snapshot read are kept for the next one while misure and
    indicatori are unchanged (a value typed at the round: not read again, and the rows are the
    full computation's); a changed misura, or an indicator's type, is read again."""
    arc = Archive.open(demo_path)
    mid = _round_senza_valori(arc)
    anno = arc.get(Monitoraggio, mid).anno
    letture: list[int] = []
    real = mon._valori_a_passi

    def spy(*args: Any, **kw: Any) -> Any:
        letture.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(mon, "_valori_a_passi", spy)
    rnd = mon.leggi_round(arc, mid)
    arc.percentuali(anno)
    assert mon.rileva(arc, mid, rnd=rnd) is not None and len(letture) == 1
    _valore_digitato(arc, mid)  # (a rilevazione and the stati: not the values' tables)
    rnd = mon.leggi_round(arc, mid)
    edit = mon.rileva(arc, mid, rnd=rnd)
    assert len(letture) == 1  # not read again
    arc.apply(edit)
    kept = _rows_of_round(arc, mid)
    arc.revert(edit)
    with monkeypatch.context() as mp:  # the full computation, nothing kept
        mp.setattr(mon, "_VALORI", mon.weakref.WeakKeyDictionary())
        mp.setattr(Archive, "percentuali_proprie", lambda self, anno: None)
        full = mon.rileva(arc, mid)
    assert len(letture) == 2
    arc.apply(full)
    assert _rows_of_round(arc, mid) == kept
    arc.revert(full)

    ind = _indicatori(arc)[3]
    (mis,) = [m for m in arc.misure([ind.id or 0]) if m.anno == anno and m.periodo == ""]
    arc.apply(SetFields(Misura, mis.id or 0, {"valore": D("123456"), "valore_testo": "123456"}))
    rnd = mon.leggi_round(arc, mid)
    edit = mon.rileva(arc, mid, rnd=rnd)
    assert len(letture) == 3  # a misura changed: read again
    arc.apply(edit)
    (r,) = [r for r in arc.rilevazioni(mid) if r.indicatore_id == ind.id]
    assert r.valore == D("123456")
    arc.revert(edit)
    arc.apply(SetFields(Indicatore, ind.id or 0, {"peso": D("3")}))
    mon.rileva(arc, mid, rnd=mon.leggi_round(arc, mid))
    assert len(letture) == 4  # an indicator changed: read again
    with arc.transazione("prova", "misure"):
        pass
    mon.rileva(arc, mid, rnd=mon.leggi_round(arc, mid))
    assert len(letture) == 5  # a bulk write, not recorded table by table: read again
    arc.close()
