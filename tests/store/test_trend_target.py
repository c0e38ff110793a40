"""A trend target (seed 001 L95-L96) scored the same by the objective's detail and by the bulk %."""

from __future__ import annotations

from decimal import Decimal

from piaodesk.domain.model import Indicatore, Misura, Obiettivo, Piano
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow, SetFields


def test_trend_target_in_detail_and_in_bulk(tmp_path):
    arc = Archive.create(tmp_path / "p.piao", Piano(titolo="P", anno_inizio=2023, anno_fine=2025))
    arc.apply(InsertRow(Obiettivo(codice="1", titolo="Dematerializzare")))
    oid = arc.obiettivi()[0].id
    arc.apply(InsertRow(Indicatore(obiettivo_id=oid, descrizione="Atti spediti via PEC")))
    iid = arc.indicatori(oid)[0].id
    for anno, valore in ((2021, 40), (2022, 50)):
        arc.apply(InsertRow(Misura(indicatore_id=iid, anno=anno, valore_testo=str(valore), valore=Decimal(valore))))
    testo = "Aumento tendenziale degli atti spediti via pec rispetto al biennio 2021-2022"
    arc.apply(InsertRow(Misura(indicatore_id=iid, anno=2023, target_testo=testo, valore_testo="46",
                               valore=Decimal(46))))
    assert arc.perc_avanzamento(oid, 2023) == Decimal(100)
    assert arc.percentuali(2023)[oid] == Decimal(100)
    mid = next(m for m in arc.misure([iid]) if m.anno == 2023).id
    arc.apply(SetFields(Misura, mid, {"valore_testo": "44", "valore": Decimal(44)}))
    assert arc.perc_avanzamento(oid, 2023) == Decimal(0)
    assert arc.percentuali(2023)[oid] == Decimal(0)


def test_trend_target_of_organisational_performance(tmp_path):
    """Seed 001 L95: the PEC trend is a structure-level indicator of organisational performance."""
    from piaodesk.domain.model import IndicatoreOrganizzativo, ValoreOrganizzativo, VoceOrganizzativa
    from piaodesk.store.valutazioni import QuadroValutazioni

    arc = Archive.create(tmp_path / "o.piao", Piano(titolo="P", anno_inizio=2023, anno_fine=2025))
    arc.apply(InsertRow(VoceOrganizzativa(codice="1", nome="Performance organizzativa di ente")))
    vid = arc.select(VoceOrganizzativa)[0].id
    arc.apply(InsertRow(IndicatoreOrganizzativo(voce_id=vid, nome="Atti via PEC")))
    iid = arc.select(IndicatoreOrganizzativo)[0].id
    for anno, valore in ((2021, 40), (2022, 50)):
        arc.apply(InsertRow(ValoreOrganizzativo(indicatore_id=iid, anno=anno, valore=Decimal(valore))))
    arc.apply(InsertRow(ValoreOrganizzativo(indicatore_id=iid, anno=2023, valore=Decimal(46),
                                            target_testo="Aumento tendenziale rispetto al biennio 2021-2022")))
    assert QuadroValutazioni(arc, 2023).sintesi().perc == Decimal(100)
