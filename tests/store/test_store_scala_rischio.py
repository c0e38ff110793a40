"""The ente's risk scale in the plan file (issue 18 point 4): one setting, one undoable step, and a
level objectives use never silently dropped. Seed 001 grades its rows BASSA/MEDIA (L115-L121); an
ente whose own scale says «BASSO/MEDIO» renames them and its graded objectives follow."""

from __future__ import annotations

import pytest

from piaodesk.domain.model import Obiettivo
from piaodesk.store import rischio as store
from piaodesk.store.edits import SetFields, SetSetting


def _ob(arc, code):
    return next(o for o in arc.obiettivi() if o.codice == code)


def test_default_until_the_ente_sets_its_own(demo) -> None:
    assert store.scala(demo).nomi == ("BASSA", "MEDIA", "ALTA")
    assert store.in_uso(demo) == {"MEDIA": ["TS.1"]}  # the demo grades contracts MEDIA
    edit = store.imposta(demo, [("BASSA", ""), ("MEDIA", "processi con discrezionalità"), ("ALTA", ""),
                                ("CRITICA", "appalti sopra soglia")])
    demo.apply(edit)
    s = store.scala(demo)
    assert s.nomi == ("BASSA", "MEDIA", "ALTA", "CRITICA") and s.descrizione("CRITICA") == "appalti sopra soglia"
    edit.revert(demo)
    assert store.scala(demo).nomi == ("BASSA", "MEDIA", "ALTA") and demo.impostazione(store.CHIAVE) is None
    assert store.imposta(demo, ["BASSA", "MEDIA", "ALTA"]) is None  # unchanged: nothing to do


def test_dropping_a_used_level_is_refused_naming_the_objectives(demo) -> None:
    with pytest.raises(store.LivelliInUso, match=r"il livello «MEDIA» è usato da 1 obiettivo \(TS.1\)") as exc:
        store.imposta(demo, ["BASSO", "MEDIO", "ALTO"])
    assert exc.value.mancano == {"MEDIA": ["TS.1"]}
    assert demo.impostazione(store.CHIAVE) is None  # nothing written


def test_rename_carries_the_objectives_in_the_same_step(demo) -> None:
    ts1 = _ob(demo, "TS.1")
    edit = store.imposta(demo, ["BASSO", "MEDIO", "ALTO", "CRITICO"], {"MEDIA": "MEDIO", "BASSA": "BASSO"})
    demo.apply(edit)
    assert demo.obiettivo(ts1.id).rischio_livello == "MEDIO"
    assert store.scala(demo).nomi == ("BASSO", "MEDIO", "ALTO", "CRITICO")
    edit.revert(demo)  # one undo: the scale and the objective together
    assert demo.obiettivo(ts1.id).rischio_livello == "MEDIA" and store.scala(demo).nomi[1] == "MEDIA"
    with pytest.raises(ValueError, match=r"«GRAVE» .* non è un livello della scala"):
        store.imposta(demo, ["BASSO", "MEDIO"], {"MEDIA": "GRAVE"})


def test_a_level_already_off_the_scale_does_not_block_a_change(demo) -> None:
    """An older file graded «MOLTO ALTA» by hand: not on the scale, shown as such, not a blocker."""
    pc1 = _ob(demo, "PC.1")
    demo.apply(SetFields(Obiettivo, pc1.id, {"rischio_livello": "MOLTO ALTA"}))
    demo.apply(store.imposta(demo, ["BASSA", "MEDIA", "ALTA", "CRITICA"]))
    assert demo.obiettivo(pc1.id).rischio_livello == "MOLTO ALTA"


def test_unreadable_setting_is_said_not_replaced(demo) -> None:
    demo.apply(SetSetting(store.CHIAVE, "{rotto"))
    with pytest.raises(ValueError, match="non è leggibile"):
        store.scala(demo)


def test_next_year_plan_keeps_the_ente_scale(demo, tmp_path) -> None:
    """«Piano › Rinnova»: the confirmed objectives keep their levels, so the scale goes with them."""
    from piaodesk.store.rinnovo import rinnova

    demo.apply(store.imposta(demo, ["BASSO", "MEDIO", "ALTO", "CRITICO"], {"MEDIA": "MEDIO"}))
    new, _rapporto = rinnova(demo, tmp_path / "nuovo.piao")
    try:
        assert store.scala(new).nomi == ("BASSO", "MEDIO", "ALTO", "CRITICO")
        assert _ob(new, "TS.1").rischio_livello == "MEDIO"
    finally:
        new.close()


def test_verifica_names_levels_off_the_scale_and_an_unreadable_scale(demo) -> None:
    """«Verifica del piano» says what the form shows as «fuori scala» (an older file, a hand edit),
    and an unreadable stored scale is an error there, not a silent fallback to the usual one."""
    from piaodesk.store.valutazioni import QuadroValutazioni, verifica

    def rischio_problems():
        return [str(p) for p in verifica(QuadroValutazioni(demo, 2025)) if "rischio" in p.messaggio]

    assert rischio_problems() == []  # the demo's MEDIA is on the usual scale
    pc1 = _ob(demo, "PC.1")
    demo.apply(SetFields(Obiettivo, pc1.id, {"rischio_livello": "MOLTO ALTA"}))
    assert rischio_problems() == [
        "[avviso] Obiettivo PC.1: livello di rischio «MOLTO ALTA» fuori dalla scala dell'ente (BASSA, MEDIA, "
        "ALTA): aggiungerlo alla scala o cambiare il livello."]
    from piaodesk.reports.data import problemi_stampa  # on the sheets that print PC.1, not on others

    q = QuadroValutazioni(demo, 2025)
    assert any("MOLTO ALTA" in p.messaggio for p in problemi_stampa(q, obiettivi=[pc1.id]))
    altro = _ob(demo, "TS.1")
    assert not any("MOLTO ALTA" in p.messaggio for p in problemi_stampa(q, obiettivi=[altro.id]))
    demo.apply(store.imposta(demo, ["BASSA", "MEDIA", "ALTA", "MOLTO ALTA"]))
    assert rischio_problems() == []
    demo.apply(SetSetting(store.CHIAVE, "{rotto"))
    assert rischio_problems() == [
        "[errore] Scala del rischio: la scala del rischio registrata nel piano non è leggibile: ridefinirla "
        "da «Piano › Scala del rischio…»."]
