"""Variations of the plan (issue 18 point 5): open one, every edit is recorded under it, close it.

While a variation is open, :func:`registra` (called by ``Archive.apply``/``revert`` inside the edit's
own transaction) writes each changed field to ``variazioni_passi`` with its value before and after;
undoing an edit records the opposite step, so the folded list (:func:`voci`) always says what the
variation changed in the end. Closing freezes that list in ``variazioni.riepilogo``. Opening and
closing are undoable edits like any other.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..domain.fields import label as field_label
from ..domain.formats import format_date, format_decimal
from ..domain.model import Fase, Indicatore, Misura, Obiettivo
from ..domain.variazioni import Passo, StatoVariazione, Variazione, VoceVariazione, controlla, piega
from .changes import Changes
from .codec import from_row, to_row
from .edits import Batch, DeleteRow, Edit, InsertRow, SetFields, SetSetting

if TYPE_CHECKING:
    from .archive import Archive

CHIAVE_APERTA = "variazione_aperta"


class ErroreVariazione(ValueError):
    """A refused variation action (Italian message)."""


# ---------------------------------------------------------------------------- reading

def elenco(arc: Archive) -> list[Variazione]:
    rows = arc.db.conn.execute("SELECT * FROM variazioni ORDER BY id").fetchall()
    cols = [c[0] for c in arc.db.conn.execute("SELECT * FROM variazioni LIMIT 0").description]
    return [from_row(Variazione, dict(zip(cols, r, strict=True))) for r in rows]


def leggi(arc: Archive, vid: int) -> Variazione | None:
    return next((v for v in elenco(arc) if v.id == vid), None)


def aperta(arc: Archive) -> Variazione | None:
    """The open variation, if any (at most one at a time)."""
    vid = arc.impostazione(CHIAVE_APERTA)
    if not vid:
        return None
    try:
        return leggi(arc, int(vid))
    except ValueError:
        return None


def trova(arc: Archive, numero: int | None) -> Variazione:
    tutte = elenco(arc)
    if not tutte:
        raise ErroreVariazione("Il piano non ha variazioni.")
    if numero is None:
        return tutte[-1]
    for v in tutte:
        if v.id == numero:
            return v
    raise ErroreVariazione(f"Variazione n. {numero} inesistente (variazioni: "
                           f"{', '.join(str(v.id) for v in tutte)}).")


def voci(arc: Archive, v: Variazione) -> list[VoceVariazione]:
    """What the variation changed, one line per field (frozen once it is closed)."""
    if v.stato is StatoVariazione.CHIUSA:
        return [VoceVariazione.from_dict(d) for d in v.riepilogo]
    rows = arc.db.conn.execute(
        "SELECT tabella, riga_id, campo, prima, dopo, azione, coalesce(oggetto, '') "
        "FROM variazioni_passi WHERE variazione_id = ? ORDER BY id", (v.id,)).fetchall()
    oggetti = {(t, r): o for t, r, _c, _p, _d, _a, o in rows if o}
    passi = [Passo(t, r, c, p, d, a) for t, r, c, p, d, a, _o in rows]
    return [VoceVariazione(p.tabella, p.riga_id, oggetti.get((p.tabella, p.riga_id), f"{p.tabella} {p.riga_id}"),
                           _etichetta_campo(p.tabella, p.campo), _testo(p.prima, p.campo),
                           _testo(p.dopo, p.campo), p.azione)
            for p in piega(passi)]


_CLASSI: dict[str, type] = {"obiettivi": Obiettivo, "fasi": Fase, "indicatori": Indicatore, "misure": Misura}


def _etichetta_campo(tabella: str, campo: str) -> str:
    if not campo:
        return ""
    cls = _CLASSI.get(tabella)
    if cls is not None:
        try:
            return field_label(cls, campo)
        except (KeyError, LookupError):
            pass
    if tabella == "impostazioni":
        return f"Impostazione «{campo}»"
    return campo.replace("_", " ").capitalize()


def _testo(value: Any, campo: str = "") -> str:
    """A stored value as a person reads it (Italian numbers and dates; weights with «%»)."""
    if value is None or value == "":
        return "—"
    if campo.startswith(("peso", "perc")):
        testo = _testo(value)
        return testo if testo == str(value) and not testo.replace(".", "").isdigit() else f"{testo} %"
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not d.is_finite() or text.strip() != text:
        return text
    exp = d.as_tuple().exponent
    places = max(0, -exp) if isinstance(exp, int) else 2
    return format_decimal(d, min(places, 4))


# ---------------------------------------------------------------------------- recording

def registra(arc: Archive, edit: Edit, *, inverso: bool = False) -> None:
    """Record the steps of ``edit`` under the open variation (inside the edit's transaction)."""
    vid = arc.impostazione(CHIAVE_APERTA)
    if not vid or isinstance(edit, (ApriVariazione, ChiudiVariazione)):
        return
    passi: list[tuple[str, int, str, Any, Any, str]] = []
    _passi(edit, passi)
    if inverso:
        inv = {"inserimento": "eliminazione", "eliminazione": "inserimento"}
        passi = [(t, r, c, d, p, inv.get(a, a)) for t, r, c, p, d, a in reversed(passi)]
    if not passi:
        return
    oggetti: dict[tuple[str, int], str] = {}
    righe = []
    for t, r, c, p, d, a in passi:
        if (t, r) not in oggetti:
            oggetti[(t, r)] = _oggetto(arc, t, r, edit)
        righe.append((int(vid), t, r, c, oggetti[(t, r)], _enc(p), _enc(d), a))
    arc.db.conn.executemany(
        "INSERT INTO variazioni_passi (variazione_id, tabella, riga_id, campo, oggetto, prima, dopo, azione) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", righe)


def _enc(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _passi(edit: Edit, out: list[tuple[str, int, str, Any, Any, str]]) -> None:
    if isinstance(edit, Batch):
        for e in edit.edits:
            _passi(e, out)
    elif isinstance(edit, SetFields):
        old = edit.old or {}
        for k, v in edit.new.items():
            out.append((edit.table, edit.row_id, k, old.get(k), v, "modifica"))
    elif isinstance(edit, SetSetting):
        if edit.chiave != CHIAVE_APERTA:
            prima = None if edit.old is SetSetting._MISSING else edit.old
            out.append(("impostazioni", 0, edit.chiave, prima, edit.new, "modifica"))
    elif isinstance(edit, InsertRow):
        if edit.row_id is not None:
            out.append((edit.table, int(edit.row_id), "", None, _nome_riga(edit.table, to_row(edit.obj)),
                        "inserimento"))
    elif isinstance(edit, DeleteRow):
        first = next((row for t, row in edit._rows if t == edit.table and row.get("id") == edit.row_id), None)
        out.append((edit.table, edit.row_id, "", _nome_riga(edit.table, first or {}), None, "eliminazione"))
    else:
        nested = getattr(edit, "edits", None)
        if isinstance(nested, list):
            for e in nested:
                _passi(e, out)
        else:  # an edit kind that carries no field list: say so, never drop it
            out.append(("", 0, getattr(edit, "label", "Modifica"), None, "(modificato)", "modifica"))


def _corto(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= n:
        return text
    return text[: n].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _nome_riga(tabella: str, row: dict[str, Any]) -> str:
    if tabella == "obiettivi":
        return f"{row.get('codice') or ''} {row.get('titolo') or ''}".strip()
    for key in ("descrizione", "nome", "titolo", "cognome"):
        if row.get(key):
            return _corto(str(row[key]), 80)
    return ""


def _oggetto(arc: Archive, tabella: str, riga: int, edit: Edit) -> str:
    """How a person names the row: the objective's code and title, an indicator with its objective."""
    def ob_label(oid: int | None) -> str:
        ob = arc.obiettivo(oid) if oid else None
        return f"{ob.codice} {_corto(ob.titolo, 60)}".strip() if ob else ""
    try:
        if tabella == "obiettivi":
            return f"Obiettivo {ob_label(riga)}".strip()
        if tabella == "indicatori":
            ind = arc.get(Indicatore, riga)
            if ind:
                return f"Indicatore «{_corto(ind.descrizione, 50)}» ({ob_label(ind.obiettivo_id)})"
        if tabella == "fasi":
            fase = arc.get(Fase, riga)
            if fase:
                return f"Fase «{_corto(fase.descrizione, 50)}» ({ob_label(fase.obiettivo_id)})"
        if tabella == "misure":
            mis = arc.get(Misura, riga)
            if mis:
                ind = arc.get(Indicatore, mis.indicatore_id)
                nome = _corto(ind.descrizione, 50) if ind else ""
                return f"Target/valore {mis.anno} «{nome}» ({ob_label(ind.obiettivo_id if ind else None)})"
        if tabella == "impostazioni":
            return "Impostazioni del piano"
    except Exception:  # noqa: BLE001 — a label must never stop an edit
        pass
    return f"{tabella} {riga}".strip()


# ---------------------------------------------------------------------------- edits

def _imposta_aperta(archive: Archive, vid: int | None) -> None:
    archive.db.conn.execute(
        "INSERT INTO impostazioni (chiave, valore) VALUES (?, ?) "
        "ON CONFLICT(chiave) DO UPDATE SET valore = excluded.valore", (CHIAVE_APERTA, str(vid)))


class ApriVariazione(Edit):
    """Open a variation: from now on every edit is recorded under it."""

    def __init__(self, v: Variazione):
        errori = controlla(v)
        if errori:
            raise ErroreVariazione("Variazione non aperta: " + "; ".join(errori) + ".")
        self.v = v
        self.label = f"Apri variazione ({v.atto})"
        self.table = "variazioni"
        self.row_id: int | None = None

    def apply(self, archive: Archive) -> Changes:
        if archive.impostazione(CHIAVE_APERTA):
            corrente = aperta(archive)
            raise ErroreVariazione(
                f"C'è già una variazione aperta ({corrente.atto if corrente else '?'}): chiuderla prima.")
        v = self.v
        if self.row_id is None:
            v.aperta_il = datetime.now().replace(microsecond=0).isoformat()
            v.utente = archive.utente
        row = to_row(v)
        row.pop("id")
        if self.row_id is not None:
            row["id"] = self.row_id
        cols = ", ".join(row)
        cur = archive.db.conn.execute(f"INSERT INTO variazioni ({cols}) VALUES ({', '.join('?' * len(row))})",
                                      tuple(row.values()))
        self.row_id = int(cur.lastrowid or 0) if self.row_id is None else self.row_id
        v.id = self.row_id
        _imposta_aperta(archive, self.row_id)
        ch = Changes()
        ch.add_insert("variazioni", self.row_id)
        ch.add_update("impostazioni", 0, {CHIAVE_APERTA})
        return ch

    def revert(self, archive: Archive) -> Changes:
        archive.db.conn.execute("DELETE FROM variazioni WHERE id = ?", (self.row_id,))
        archive.db.conn.execute("DELETE FROM impostazioni WHERE chiave = ?", (CHIAVE_APERTA,))
        ch = Changes()
        ch.add_delete("variazioni", self.row_id or 0)
        ch.add_update("impostazioni", 0, {CHIAVE_APERTA})
        return ch


class ChiudiVariazione(Edit):
    """Close the open variation, freezing its list of changes."""

    def __init__(self) -> None:
        self.label = "Chiudi variazione"
        self.table = "variazioni"
        self.row_id: int | None = None

    def apply(self, archive: Archive) -> Changes:
        v = aperta(archive)
        if v is None:
            raise ErroreVariazione("Nessuna variazione aperta.")
        self.row_id = v.id
        riepilogo = [x.as_dict() for x in voci(archive, v)]
        archive.db.conn.execute(
            "UPDATE variazioni SET stato = ?, chiusa_il = ?, riepilogo = ? WHERE id = ?",
            (StatoVariazione.CHIUSA.value, datetime.now().replace(microsecond=0).isoformat(),
             json.dumps(riepilogo, ensure_ascii=False), v.id))
        archive.db.conn.execute("DELETE FROM impostazioni WHERE chiave = ?", (CHIAVE_APERTA,))
        ch = Changes()
        ch.add_update("variazioni", v.id or 0, {"stato", "chiusa_il", "riepilogo"})
        ch.add_update("impostazioni", 0, {CHIAVE_APERTA})
        return ch

    def revert(self, archive: Archive) -> Changes:
        archive.db.conn.execute(
            "UPDATE variazioni SET stato = ?, chiusa_il = NULL, riepilogo = '[]' WHERE id = ?",
            (StatoVariazione.APERTA.value, self.row_id))
        _imposta_aperta(archive, self.row_id)
        ch = Changes()
        ch.add_update("variazioni", self.row_id or 0, {"stato", "chiusa_il", "riepilogo"})
        ch.add_update("impostazioni", 0, {CHIAVE_APERTA})
        return ch
