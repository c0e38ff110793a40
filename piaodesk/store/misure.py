"""An indicator's measures: the typed text and its number, always written together.

A measure keeps what was typed (``target_testo``/``valore_testo``) and the number
the engine compares (``target``/``valore``), parsed per the indicator's tipo.
:func:`numeri_misura` is the one place the pair is made; :func:`scrivi_misura`
builds the edit that writes it; :func:`reparse_for_tipo` re-parses every stored
number when the indicator's tipo changes (``SetFields`` on ``indicatori`` calls it,
so "SI" becomes 1 when the indicator turns sì/no, not "n.c." until retyped).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.enums import StatoMonitoraggio, TipoIndicatore
from ..domain.model import PERIODO_ANNUALE, Indicatore, Misura
from ..domain.valutazione import parse_valore
from .codec import encode

if TYPE_CHECKING:
    from .edits import Edit
    from .righe import HasRows, Rows

#: (text column, number column) of a measure (and of a round's snapshot of it)
COPPIE = (("target_testo", "target"), ("valore_testo", "valore"))


def _tipo(tipo: Any) -> TipoIndicatore:
    try:
        return TipoIndicatore(tipo)
    except ValueError:
        return TipoIndicatore.NUMERO


def numeri_misura(testo: str | None, tipo: Any) -> tuple[str | None, Decimal | None]:
    """(text as stored, its number per the indicator's ``tipo``): the pair kept in step."""
    text = (testo or "").strip() or None
    return text, (parse_valore(text, _tipo(tipo)) if text else None)


def scrivi_misura(archive: HasRows, indicatore_id: int, anno: int, *,
                  target_testo: str | None = None, valore_testo: str | None = None,
                  periodo: str = PERIODO_ANNUALE, label: str | None = None) -> Edit:
    """The edit that writes a measure's target and/or value (``None`` keeps it, ``""`` clears
    it), each text with its number, inserting the measure when missing."""
    from .edits import InsertRow, SetFields

    ind = archive.rows.fetch("indicatori", indicatore_id)
    if ind is None:
        raise LookupError(f"L'indicatore n. {indicatore_id} non esiste più.")
    values: dict[str, Any] = {}
    for (col_t, col_n), text in zip(COPPIE, (target_testo, valore_testo), strict=True):
        if text is not None:
            values[col_t], values[col_n] = numeri_misura(text, ind["tipo"])
    found = archive.rows.conn.execute(
        "SELECT id FROM misure WHERE indicatore_id = ? AND anno = ? AND periodo = ? ORDER BY id "
        "LIMIT 1", (indicatore_id, anno, periodo)).fetchone()
    label = label or "Modifica valore dell'indicatore"
    if found is not None:
        return SetFields(Misura, found[0], values, label=label)
    return InsertRow(Misura(indicatore_id=indicatore_id, anno=anno, periodo=periodo, **values),
                     label=label)


def reparse_for_tipo(rows: Rows, indicatore_id: int, tipo: Any
                     ) -> list[tuple[str, int, dict[str, Any], dict[str, Any]]]:
    """Re-parse the numbers of an indicator's measures (and of the open rounds' snapshots)
    for its new ``tipo``; returns what changed as (table, id, old numbers, new numbers)."""
    tipo = _tipo(tipo)
    out: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []
    queries = (
        ("misure", ("SELECT id, target_testo, target, valore_testo, valore FROM misure "
                    "WHERE indicatore_id = ?"), (indicatore_id,)),
        ("rilevazioni", ("SELECT r.id, r.target_testo, r.target, r.valore_testo, r.valore "
                         "FROM rilevazioni r JOIN monitoraggi m ON m.id = r.monitoraggio_id "
                         "WHERE r.indicatore_id = ? AND m.stato != ?"),  # closed rounds stay frozen
         (indicatore_id, StatoMonitoraggio.CHIUSO.value)),
    )
    for table, sql, params in queries:
        for rid, t_text, t_num, v_text, v_num in rows.conn.execute(sql, params).fetchall():
            old: dict[str, Any] = {}
            new: dict[str, Any] = {}
            for col, text, num in (("target", t_text, t_num), ("valore", v_text, v_num)):
                if not (text or "").strip():
                    continue  # a number without text (written by a program): nothing to re-read
                fresh = encode(parse_valore(text, tipo))
                if fresh != num and _num(fresh) != _num(num):
                    old[col], new[col] = num, fresh
            if new:
                rows.update(table, rid, new)
                out.append((table, rid, old, new))
    return out


def _num(v: Any) -> Decimal | None:
    try:
        return None if v is None else Decimal(str(v))
    except ArithmeticError:
        return None


__all__ = ["COPPIE", "Indicatore", "numeri_misura", "reparse_for_tipo", "scrivi_misura"]
