"""The snapshot the screens keep: read again in part after an edit, light on objectives,
the same numbers as the full one (the sheets)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from piaodesk.store.valutazioni import QuadroValutazioni, modifica_valutazione, verifica


def _staff(q: QuadroValutazioni) -> int:
    return next(v.persona.id for v in q.tutte() if v.persona.id not in q.responsabili_di
                and v.esito.completa)


def test_light_snapshot_gives_the_numbers_of_the_full_one(demo):
    full, light = QuadroValutazioni(demo, 2025), QuadroValutazioni(demo, 2025, leggero=True)
    assert [v.come_dict() for v in light.tutte()] == [v.come_dict() for v in full.tutte()]
    assert light.sintesi(None).perc == full.sintesi(None).perc
    assert verifica(light) == verifica(full)
    o = next(iter(light.obiettivi.values()))
    assert o.descrizione is None and o.codice  # only the fields a valuation reads


def test_light_snapshot_objectives_hold_no_empty_lists_of_their_own(demo):
    """«Performance organizzativa» keeps the light snapshot: its 10.000 objectives carried three
    empty lists each, 30.000 objects every full garbage collection walked (issue 13)."""
    light = QuadroValutazioni(demo, 2025, leggero=True)
    obs = list(light.obiettivi.values())
    assert len(obs) > 50
    empties = {id(lst) for o in obs for lst in (o.tipologia, o.anni, o.flags) if not lst}
    assert len(empties) == 1
    full = QuadroValutazioni(demo, 2025)
    assert ([o.tipologia for o in obs]
            == [full.obiettivi[o.id].tipologia for o in obs])  # the values read are kept


def test_an_edit_with_the_kept_snapshot_reads_only_the_valuation_records(demo, monkeypatch):
    q = QuadroValutazioni(demo, 2025, leggero=True)
    pid = _staff(q)
    before = q.persona(pid).esito
    nome = before.comportamenti[0][0]
    real = demo.assegnazioni

    def one_person_only(*a, **k):  # (a light snapshot reads one person's assignments)
        if not k.get("persona_id"):
            pytest.fail("every assignment read again")
        return real(*a, **k)

    monkeypatch.setattr(demo, "obiettivi", lambda *a, **k: pytest.fail("objectives read again"))
    monkeypatch.setattr(demo, "assegnazioni", one_person_only)
    edit = modifica_valutazione(demo, pid, 2025, quadro=q, comportamenti={nome: Decimal(3)})
    demo.apply(edit)
    assert q.rileggi_valutazioni() == {pid}
    after = q.persona(pid).esito
    assert after.comportamenti[0][2] == Decimal(3) and after.finale < before.finale
    assert q.rileggi_valutazioni() == set()  # nothing changed since
    demo.revert(edit)
    assert q.rileggi_valutazioni() == {pid} and q.persona(pid).esito == before


def test_evaluator_named_by_the_smvp_ignores_the_one_chosen(demo):
    q = QuadroValutazioni(demo, 2025)
    pid = _staff(q)
    p = q.persone[pid]
    auto = q.valutatore(p)
    demo.apply(modifica_valutazione(demo, pid, 2025, valutatore_id=None,
                                    valutatore_ruolo="Segretario generale"))
    q.rileggi_valutazioni()
    assert q.valutatore(p).ruolo == "Segretario generale"
    assert q.valutatore(p, scelto_nel_piano=False) == auto
