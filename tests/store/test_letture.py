"""The views' light reads (store/letture.py)."""

from piaodesk.domain.enums import TipoIndicatore
from piaodesk.domain.model import Fase, Indicatore, Misura
from piaodesk.store.edits import InsertRow
from piaodesk.store.letture import indicatori_di_misure, indicatori_di_tipo, obiettivi_di_fasi


def test_owner_reads(demo):
    misure = demo.select(Misura)[:3]
    assert indicatori_di_misure(demo, [m.id for m in misure] + [10**9]) == {
        m.id: m.indicatore_id for m in misure}
    fasi = demo.select(Fase)[:3]
    assert obiettivi_di_fasi(demo, [f.id for f in fasi]) == {f.id: f.obiettivo_id for f in fasi}
    assert indicatori_di_misure(demo, []) == {}
    demo.apply(InsertRow(Indicatore(obiettivo_id=5, descrizione="Invio", tipo=TipoIndicatore.DATA)))
    date_ind = indicatori_di_tipo(demo, TipoIndicatore.DATA)
    assert [i.descrizione for i in date_ind] == ["Invio"] and all(i.tipo == TipoIndicatore.DATA for i in date_ind)
    assert len(date_ind) == sum(1 for i in demo.indicatori() if i.tipo == TipoIndicatore.DATA)
