"""Scadenze projection on the demo plan, without a QApplication."""

from datetime import date
from decimal import Decimal

from piaodesk.domain.model import Fase, Obiettivo
from piaodesk.store.edits import DeleteRow, InsertRow, SetFields
from piaodesk.viste.scadenze import ScadenzeProjection

OGGI = date(2025, 6, 15)


def _load(demo):
    for fid in (1, 7, 11):
        demo.apply(SetFields(Fase, fid, {"perc_realizzazione": None, "fine_effettiva": None}))
    p = ScadenzeProjection(demo, anno=2025, oggi=OGGI)
    steps = list(p.load())
    assert steps[-1] == 100 and steps == sorted(steps)
    return p


def test_rows_and_levels(demo):
    p = _load(demo)
    assert sum(1 for k in p._rows if k[0] == "Fase") == sum(1 for f in demo.fasi() if f.termine())
    late = p.row(("Fase", 1))
    assert late.livello == "late" and late.stato == "In ritardo di 135 gg"
    assert p.row(("Fase", 7)).livello == "soon" and p.status(p.row(("Fase", 7))) == "soon"
    assert p.editable(late, "perc") and not p.editable(p.row(("Obiettivo", 12)), "perc")


def test_apply_reports_only_touched_rows(demo):
    p = _load(demo)
    d = p.apply(demo.apply(SetFields(Fase, 11, {"perc_realizzazione": Decimal(100)})))
    assert not d.reset and not d.removed and not d.inserted
    assert ("Fase", 11) in d.changed and p.row(("Fase", 11)).livello == "done"
    assert set(d.changed) <= {("Fase", 11), ("Obiettivo", 5)}
    fid = demo.allocate_id(Fase)
    d = p.apply(demo.apply(InsertRow(Fase(id=fid, obiettivo_id=5, descrizione="Nuova",
                                          scadenza=date(2025, 7, 1)))))
    assert d.inserted == [("Fase", fid)] and p.row(("Fase", fid)).livello == "soon"
    d = p.apply(demo.apply(DeleteRow(Obiettivo, 5)))
    assert ("Fase", fid) in d.removed and ("Fase", 11) in d.removed
    assert p.row(("Fase", 11)) is None


def test_edit_hook_builds_undoable_edits(demo):
    p = _load(demo)
    e = p.edit(p.row(("Fase", 11)), "perc", Decimal(40))
    assert isinstance(e, SetFields) and e.table == "fasi" and e.row_id == 11
    assert list(e.new) == ["perc_realizzazione"]
    e = p.edit(p.row(("Obiettivo", 12)), "fine_effettiva", date(2025, 12, 1))
    assert e.table == "obiettivi" and e.row_id == 12 and list(e.new) == ["fine_effettiva"]


def test_legal_calendar_and_relative_deadlines(demo):
    """Issue 18 points 7 and 9: the cycle's legal deadlines are rows (the ente's dates), and a
    fase with a relative deadline waits for its event's date (seed 001 L158-L159)."""
    from piaodesk.store import calendario

    p = _load(demo)
    legge = {r.descrizione.split(" (")[0]: r for r in (p.row(k) for k in p._rows if k[0] == "Di legge")}
    assert legge["Termine per le richieste di variazione degli obiettivi"].scadenza == date(2025, 9, 30)
    assert legge["Relazione sulla performance"].scadenza == date(2026, 6, 30)
    piao = legge["Adozione del PIAO"]
    assert piao.stato.startswith("Scaduta da") and piao.livello is None  # the law's date passed: no alarm
    assert not p.editable(piao, "perc") and not p.editable(piao, "fine_effettiva")
    # the ente moves the Relazione: the row follows
    d = p.apply(demo.apply(calendario.imposta(demo, {"relazione": "15/06"})))
    assert d.changed or d.inserted or d.removed or d.reset
    legge = {r.descrizione.split(" (")[0]: r for r in (p.row(k) for k in p._rows if k[0] == "Di legge")}
    assert legge["Relazione sulla performance"].scadenza == date(2026, 6, 15)
    # a relative deadline: shown as waiting, then dated when the event is known
    oid = demo.obiettivi()[0].id
    p.apply(demo.apply(InsertRow(Fase(obiettivo_id=oid, descrizione="Crono programma",
                                      scadenza_relativa="entro 30 giorni dall'approvazione"))))
    fid = max(f.id for f in demo.fasi())
    row = p.row(("Fase", fid))
    assert row.scadenza is None and row.stato == "In attesa della data dell'evento"
    assert "entro 30 giorni dall'approvazione" in row.descrizione
    edit, _risolte = calendario.risolvi(demo, "approvazione", date(2025, 3, 15))
    p.apply(demo.apply(edit))
    assert p.row(("Fase", fid)).scadenza == date(2025, 4, 14)
