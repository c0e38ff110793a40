"""«Confronto tra monitoraggi» as a flat projection (no Qt, no SQL): a row per indicator (with its
objective), the target of the last round, then the indicator's value at each round; the mean
final % per settore at each round for the chart (``dati.settori``).

An edit that renames objectives or indicators is patched in place; anything else that may
change the comparison reads it again (:meth:`ConfrontoProjection.touched` returns None).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain import monitoraggio as rules
from ..domain.formats import format_date, format_decimal, format_percent
from ..domain.model import Indicatore, Obiettivo, RilevazioneIndicatore
from ..store import monitoraggio as store
from ..store.changes import Changes
from .base import Key
from .tabella import Col, Projection, ro

TABLES = frozenset({"monitoraggi", "rilevazioni", "stati_avanzamento", "indicatori", "obiettivi", "unita"})
#: fields that change the rows, their order or the chart; other updates are patched in place
OB_SHAPE = frozenset({"parent_id", "posizione", "ramo", "unita_id"})
IND_SHAPE = frozenset({"obiettivo_id", "posizione"})
FIXED = 3  # Obiettivo, Indicatore, Target


@dataclass(frozen=True)
class RigaConfronto:
    key: int  # indicator id
    ob: Obiettivo
    ind: Indicatore
    vals: tuple[RilevazioneIndicatore | None, ...]


class ConfrontoProjection(Projection[RigaConfronto]):
    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self.dati: store.Confronto | None = None
        self.reload_count = 0  # whole comparisons computed (tests, diagnostics)
        self._righe: dict[int, RigaConfronto] = {}

    def columns(self) -> Sequence[Col]:
        rounds = self.dati.rounds if self.dati is not None else []
        return (ro("ob", "Obiettivo", width=100), ro("ind", "Indicatore"),
                ro("target", "Target", "computed", width=110),
                *(ro(f"r{k}", f"Al {format_date(m.data)}", "computed", width=110)
                  for k, m in enumerate(rounds)))

    def read(self) -> Iterator[int]:
        self.dati = store.confronto(self.reader)
        self.reload_count += 1
        self._righe = {ind.id or 0: RigaConfronto(ind.id or 0, ob, ind, tuple(vals))
                       for ob, ind, vals in self.dati.righe}
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return list(self._righe)

    def make(self, key: Key) -> RigaConfronto | None:
        return self._righe.get(key) if isinstance(key, int) else None  # the keys are the indicators' ids

    def key_of(self, row: RigaConfronto) -> Key:
        return row.key

    # ------------------------------------------------------------ changes

    @staticmethod
    def patchable(ch: Changes) -> bool:
        """Whether ``ch`` only renames objectives or indicators (patched in place)."""
        if ch.reset or ch.moved or ch.inserted or ch.deleted:
            return False
        if (ch.tables() & TABLES) - {"obiettivi", "indicatori"}:
            return False
        return not (any(fs & OB_SHAPE for fs in ch.updated.get("obiettivi", {}).values())
                    or any(fs & IND_SHAPE for fs in ch.updated.get("indicatori", {}).values()))

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if self.dati is None or not self.patchable(ch):
            return None
        obs = {oid: self.reader.get(Obiettivo, oid) for oid in ch.updated.get("obiettivi", {})}
        inds = {iid: self.reader.get(Indicatore, iid) for iid in ch.updated.get("indicatori", {})}
        keys = []
        for key, r in list(self._righe.items()):
            ob = obs.get(r.ob.id or 0) or r.ob
            ind = inds.get(r.ind.id or 0) or r.ind
            if ob is not r.ob or ind is not r.ind:
                self._righe[key] = RigaConfronto(key, ob, ind, r.vals)
                keys.append(key)
        self.dati.righe[:] = [(r.ob, r.ind, list(r.vals)) for r in self._righe.values()]
        return keys

    # ------------------------------------------------------------ display

    def _val(self, row: RigaConfronto, key: str) -> RilevazioneIndicatore | None:
        if key == "target":
            return next((v for v in reversed(row.vals) if v is not None), None)
        return row.vals[int(key[1:])] if key.startswith("r") else None

    def value(self, row: RigaConfronto, key: str) -> Any:
        if key == "ob":
            return row.ob.codice
        if key == "ind":
            return row.ind.descrizione
        v = self._val(row, key)
        if v is None:
            return None
        return v.target if key == "target" else v.valore

    def text(self, row: RigaConfronto, col: Col) -> str | None:
        if col.key in ("ob", "ind"):
            return str(self.value(row, col.key) or "")
        v = self._val(row, col.key)
        if v is None:
            return ""
        if col.key == "target":
            return v.target_testo or rules.testo_valore(v.target, row.ind.tipo)
        return v.valore_testo or rules.testo_valore(v.valore, row.ind.tipo)

    def _perc(self, row: RigaConfronto, key: str) -> Any:
        v = self._val(row, key) if key.startswith("r") else None
        if v is None:
            return None
        return rules.risultato_round(row.ind, rules.ValoreRound(v.target, v.valore, v.target_testo))

    def cell_status(self, row: RigaConfronto, key: str) -> str | None:
        ris = self._perc(row, key)
        below = ris is not None and ris.raggiungimento is not None and ris.raggiungimento < 1
        return "over" if below else None

    def tooltip(self, row: RigaConfronto, key: str) -> str | None:
        if key == "ind":
            return f"{row.ob.codice} {row.ob.titolo}\n{row.ind.descrizione}"
        ris = self._perc(row, key)
        if ris is None:
            return None
        v = self._val(row, key)
        assert v is not None
        return (f"Target {format_decimal(v.target) or '—'}, valore "
                f"{format_decimal(v.valore) or '—'}: {format_percent(ris.perc) or 'n.c.'}")

    def settori(self) -> list[tuple[str, list[Decimal | None]]]:
        return self.dati.settori if self.dati is not None else []
