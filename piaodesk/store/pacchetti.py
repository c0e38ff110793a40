"""Several offices, one plan: settore packets and their three-way merge (issue 16).

A **packet** (``piaodesk pacchetto``) is a plan file holding one settore's part of
the plan (its objectives with their fasi, indicators, values, staff, monitoring
texts and valuations) and, read-only, the context it needs (SMVP, persons, units,
transversal objectives and the ancestors of its objectives). It is stamped in
``impostazioni`` with the plan's identity (``piano_uid``), the revision it was made
from, the settore, its own id and a range of row ids of its own, and it carries its
**base copy** (the packet as it was made, compressed, table ``pacchetto_base``).

The **merge** (``piaodesk unisci``) lets SQLite's session extension (through
APSW) do the comparing: ``Session.diff`` of the packet against its base copy gives
a changeset with the old and new value of each changed field; ``Changeset.apply``
of that changeset on a memory copy of the plan, with a conflict handler, reports
each row whose current value is neither the base nor the packet's (a DATA
conflict: base, packet, current). Changes are then checked against the packet's
settore (those outside are refused and listed) and applied to the plan as ONE
undoable :class:`UnionePacchetto` batch with an audit row per field.

Rows created in two packets never collide: each packet inserts with ids from its
own range (``id_da``..``id_a``, ``RANGE`` wide), the plan itself below ``RANGE``.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import sqlite3
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.formats import format_date, format_decimal
from ..fsio import atomic_path, describe_os_error
from .changes import Changes
from .db import PlanError
from .edits import Batch, Edit, SetSetting, restore_deleted

if TYPE_CHECKING:
    from .archive import Archive

#: width of the id range of the plan (ids 1..RANGE-1) and of each packet
RANGE = 1 << 40

#: tables a packet may change (owned through the objective, indicator, person or unit)
TABELLE_SETTORE = (
    "obiettivi", "obiettivi_unita", "fasi", "indicatori", "misure", "assegnazioni", "risorse",
    "stati_avanzamento", "rilevazioni", "valutazioni", "voci_organizzative",
    "indicatori_organizzativi", "valori_organizzativi", "valutazioni_individuali",
    "punteggi_comportamenti", "passi_valutazione",
)
#: read-only context in a packet: any change there is refused
TABELLE_CONTESTO = ("enti", "piano", "unita", "persone", "alias_persone", "monitoraggi",
                    "impostazioni")
#: settings that describe the packet itself (never merged back)
CHIAVI_PACCHETTO = ("pacchetto_uid", "pacchetto_settore", "pacchetto_settore_nome",
                    "pacchetto_revisione", "pacchetto_file_piano", "pacchetto_creato",
                    "id_da", "id_a")

_NOMI = {"obiettivi": "Obiettivo", "obiettivi_unita": "Unità dell'obiettivo", "fasi": "Fase",
         "indicatori": "Indicatore", "misure": "Valore", "assegnazioni": "Assegnazione",
         "risorse": "Risorsa", "stati_avanzamento": "Stato di avanzamento",
         "rilevazioni": "Rilevazione", "valutazioni": "Valutazione",
         "voci_organizzative": "Voce organizzativa",
         "indicatori_organizzativi": "Indicatore organizzativo",
         "valori_organizzativi": "Valore organizzativo",
         "valutazioni_individuali": "Valutazione individuale",
         "punteggi_comportamenti": "Punteggio comportamento",
         "passi_valutazione": "Passo di valutazione", "enti": "Ente", "piano": "Piano",
         "unita": "Unità organizzativa", "persone": "Persona", "alias_persone": "Alias",
         "monitoraggi": "Monitoraggio", "impostazioni": "Impostazione"}


@dataclass(frozen=True)
class InfoPacchetto:
    """What a packet file says about itself."""

    uid: str
    piano_uid: str
    settore_id: int
    settore_nome: str
    revisione: int
    id_da: int
    id_a: int

    @classmethod
    def leggi(cls, impostazioni: dict[str, str | None]) -> InfoPacchetto | None:
        if not impostazioni.get("pacchetto_uid"):
            return None
        return cls(uid=str(impostazioni["pacchetto_uid"]),
                   piano_uid=str(impostazioni.get("piano_uid") or ""),
                   settore_id=int(impostazioni.get("pacchetto_settore") or 0),
                   settore_nome=str(impostazioni.get("pacchetto_settore_nome") or ""),
                   revisione=int(impostazioni.get("pacchetto_revisione") or 0),
                   id_da=int(impostazioni.get("id_da") or RANGE),
                   id_a=int(impostazioni.get("id_a") or 2 * RANGE))

    @property
    def banner(self) -> str:
        return (f"Pacchetto del settore «{self.settore_nome}» (revisione {self.revisione} del "
                "piano): si possono modificare solo gli obiettivi del settore, con fasi, "
                "indicatori, valori, personale, monitoraggio e valutazioni; il resto (SMVP, "
                "persone, unità, obiettivi trasversali) è di sola consultazione. Al termine il "
                "file va unito al piano con «Piano › Unisci pacchetto…».")


# ---------------------------------------------------------------------- scope


def _rows(conn: Any, sql: str, schemas: Iterable[str]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for schema in schemas:
        out.extend(tuple(r) for r in conn.execute(sql.replace("{s}", schema)))
    return out


class Ambito:
    """Which rows belong to a settore (its units and their objectives, with descendants).

    Built over a connection (``sqlite3`` or APSW) and one or more schemas (``main``,
    ``base``): the maps are the union of what the schemas hold."""

    def __init__(self, conn: Any, settore_id: int, schemas: Iterable[str] = ("main",)) -> None:
        schemas = tuple(schemas)
        units = _rows(conn, "SELECT id, parent_id FROM {s}.unita", schemas)
        self.unita: set[int] = {settore_id}
        grown = True
        while grown:
            grown = False
            for uid, parent in units:
                if parent in self.unita and uid not in self.unita:
                    self.unita.add(uid)
                    grown = True
        objs = _rows(conn, "SELECT id, parent_id, unita_id FROM {s}.obiettivi", schemas)
        self.obiettivi: set[int] = {oid for oid, _, u in objs if u in self.unita}
        grown = True
        while grown:
            grown = False
            for oid, parent, _ in objs:
                if parent in self.obiettivi and oid not in self.obiettivi:
                    self.obiettivi.add(oid)
                    grown = True
        self._ind = dict(_rows(conn, "SELECT id, obiettivo_id FROM {s}.indicatori", schemas))
        self._voce = dict(_rows(conn, "SELECT id, unita_id FROM {s}.voci_organizzative", schemas))
        self._indorg = dict(_rows(conn, "SELECT id, voce_id FROM {s}.indicatori_organizzativi",
                                  schemas))
        self._persona = dict(_rows(conn, "SELECT id, unita_id FROM {s}.persone", schemas))
        self._valind = dict(_rows(conn, "SELECT id, persona_id FROM {s}.valutazioni_individuali",
                                  schemas))

    def persona_ammessa(self, persona_id: Any) -> bool:
        return self._persona.get(persona_id) in self.unita

    def ammessa(self, table: str, row: dict[str, Any]) -> bool:
        """Whether the settore may write ``row`` (a whole row of ``table``)."""
        g = row.get
        if table == "obiettivi":
            return g("id") in self.obiettivi
        if table in ("obiettivi_unita", "fasi", "indicatori", "assegnazioni", "risorse",
                     "stati_avanzamento", "valutazioni"):
            return g("obiettivo_id") in self.obiettivi
        if table in ("misure", "rilevazioni"):
            return self._ind.get(g("indicatore_id")) in self.obiettivi
        if table == "voci_organizzative":
            return g("unita_id") in self.unita
        if table == "indicatori_organizzativi":
            return self._voce.get(g("voce_id")) in self.unita
        if table == "valori_organizzativi":
            return self._voce.get(self._indorg.get(g("indicatore_id"))) in self.unita
        if table == "valutazioni_individuali":
            return self.persona_ammessa(g("persona_id"))
        if table in ("punteggi_comportamenti", "passi_valutazione"):
            return self.persona_ammessa(self._valind.get(g("valutazione_id")))
        return False


def trova_settore(archive: Archive, testo: str | int) -> tuple[int, str]:
    """A settore given by number, code or name → (id, name); an Italian error otherwise."""
    text = str(testo).strip()
    units = archive.unita()
    for u in units:
        if text.isdigit() and u.id == int(text):
            return int(u.id or 0), u.nome
    key = " ".join(text.lower().split())
    for u in units:
        if key in (" ".join((u.codice or "").lower().split()), " ".join(u.nome.lower().split())):
            return int(u.id), u.nome  # type: ignore[arg-type]
    nomi = "; ".join(f"{u.id} {u.codice or u.nome}" for u in units if u.parent_id is None)
    raise PlanError(f"Settore «{testo}» non trovato tra le unità del piano "
                    f"(indicare il numero, il codice o il nome; settori: {nomi}).")


# ---------------------------------------------------------------------- making a packet


def identita(archive: Archive) -> str:
    """The plan's identity (made on first use)."""
    uid = archive.impostazione("piano_uid")
    if not uid:
        uid = uuid.uuid4().hex
        archive.apply(SetSetting("piano_uid", uid, label="Identità del piano"))
    return uid


def crea_pacchetto(archive: Archive, settore: str | int, out: Path | str) -> InfoPacchetto:
    """Write the packet of ``settore`` to ``out`` (a new file, written whole then renamed)."""
    if archive.pacchetto is not None:
        raise PlanError("Questo file è già un pacchetto: i pacchetti si preparano dal piano.")
    out = Path(out)
    if out.exists() and out.stat().st_size > 0:
        raise PlanError(f"Il file «{out}» esiste già: scegliere un altro nome.")
    settore_id, nome = trova_settore(archive, settore)
    piano_uid = identita(archive)
    numero = int(archive.impostazione("pacchetti_emessi") or 0) + 1
    revisione = int(archive.impostazione("revisione") or 0)
    archive.apply(Batch([SetSetting("pacchetti_emessi", str(numero))],
                        label=f"Pacchetto n. {numero} per «{nome}»"))
    info = InfoPacchetto(uid=uuid.uuid4().hex, piano_uid=piano_uid, settore_id=settore_id,
                         settore_nome=nome, revisione=revisione, id_da=numero * RANGE,
                         id_a=(numero + 1) * RANGE - 1)
    try:
        with atomic_path(out, overwrite=out.exists(), extras=("-wal", "-shm", "-journal")) as tmp:
            dst = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                archive.db.conn.backup(dst)
                _riduci(dst, info, archive.path)
            finally:
                dst.close()
    except OSError as exc:
        raise PlanError(f"Impossibile scrivere il pacchetto: {describe_os_error(exc, out)}") from exc
    return info


def _riduci(conn: sqlite3.Connection, info: InfoPacchetto, piano: Path | None) -> None:
    """Keep the settore's part and the context; stamp the packet; store its base copy."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = DELETE")
    amb = Ambito(conn, info.settore_id)
    keep = set(amb.obiettivi)
    parents = dict(conn.execute("SELECT id, parent_id FROM obiettivi").fetchall())
    keep |= {oid for (oid,) in conn.execute("SELECT id FROM obiettivi WHERE trasversale = 1")}
    for oid in list(keep):  # ancestors: the tree needs them (read-only context)
        p = parents.get(oid)
        while p is not None and p not in keep:
            keep.add(p)
            p = parents.get(p)
    conn.execute("BEGIN")
    conn.execute("CREATE TEMP TABLE tenere (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO tenere VALUES (?)", [(k,) for k in keep])
    conn.execute("DELETE FROM obiettivi WHERE id NOT IN (SELECT id FROM tenere)")
    units = ",".join(str(u) for u in amb.unita)
    conn.execute(f"DELETE FROM voci_organizzative WHERE unita_id IS NOT NULL "
                 f"AND unita_id NOT IN ({units})")
    conn.execute(f"DELETE FROM valutazioni_individuali WHERE persona_id NOT IN "
                 f"(SELECT id FROM persone WHERE unita_id IN ({units}))")
    conn.execute("DELETE FROM audit")
    conn.execute("DELETE FROM unioni")
    conn.execute("DELETE FROM pacchetto_base")
    settings = {"pacchetto_uid": info.uid, "piano_uid": info.piano_uid,
                "pacchetto_settore": str(info.settore_id), "pacchetto_settore_nome": info.settore_nome,
                "pacchetto_revisione": str(info.revisione),
                "pacchetto_file_piano": piano.name if piano else "",
                "pacchetto_creato": datetime.now().isoformat(timespec="seconds"),
                "id_da": str(info.id_da), "id_a": str(info.id_a)}
    conn.executemany("INSERT OR REPLACE INTO impostazioni (chiave, valore) VALUES (?, ?)",
                     list(settings.items()))
    conn.execute("COMMIT")
    conn.execute("DROP TABLE temp.tenere")
    conn.execute("VACUUM")
    base = zlib.compress(conn.serialize(), 6)
    conn.execute("INSERT INTO pacchetto_base (id, dati) VALUES (1, ?)", (base,))


# ---------------------------------------------------------------------- merging


@dataclass
class Modifica:
    """One change of the packet: a field, a new row or a deleted row."""

    tabella: str
    riga_id: int
    tipo: str  # 'campo' | 'nuova' | 'eliminata'
    campo: str | None = None
    base: Any = None
    pacchetto: Any = None
    attuale: Any = None
    conflitto: bool = False
    gia_presente: bool = False  # the plan already has the packet's value
    etichetta: str = ""
    obiettivo_id: int | None = None
    riga: dict[str, Any] | None = None  # the whole new row (insert)

    @property
    def chiave(self) -> tuple[str, int, str | None]:
        return (self.tabella, self.riga_id, self.campo)

    def descrivi(self) -> str:
        cosa = f"{self.etichetta}" + (f", campo «{self.campo}»" if self.campo else "")
        if self.tipo == "nuova":
            return f"{cosa}: nuova riga"
        if self.tipo == "eliminata":
            return f"{cosa}: eliminata"
        return f"{cosa}: «{_txt(self.base)}» → «{_txt(self.pacchetto)}»"


def _txt(v: Any) -> str:
    return mostra_valore(v)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def mostra_valore(v: Any) -> str:
    """A stored value as a person reads it: dates 31/12/2025, decimals 1.234,5, empty «—»."""
    if v is None or v == "":
        return "—"
    if isinstance(v, str) and _ISO_DATE.match(v):
        return format_date(date.fromisoformat(v))
    if isinstance(v, str) and _NUMBER.match(v):
        return format_decimal(Decimal(v), places=None)
    if isinstance(v, bytes):
        return f"({len(v)} byte)"
    return str(v)


@dataclass
class AnalisiUnione:
    """What merging a packet would do (nothing is written by :func:`analizza`)."""

    info: InfoPacchetto
    file: Path
    impronta: str
    modifiche: list[Modifica] = field(default_factory=list)  # to apply (no conflict)
    conflitti: list[Modifica] = field(default_factory=list)
    rifiutate: list[Modifica] = field(default_factory=list)  # outside the settore
    invariate: int = 0  # already in the plan
    gia_unito: bool = False
    autori: list[str] = field(default_factory=list)

    @property
    def vuota(self) -> bool:
        return not (self.modifiche or self.conflitti)

    def riepilogo(self) -> str:
        if self.gia_unito and self.vuota:
            return (f"Il pacchetto «{self.file.name}» è già stato unito al piano: "
                    "nessuna modifica.")
        return (f"Pacchetto «{self.file.name}» del settore «{self.info.settore_nome}» "
                f"(revisione {self.info.revisione}): {len(self.modifiche)} modifiche, "
                f"{len(self.conflitti)} conflitti, {len(self.rifiutate)} rifiutate "
                f"(fuori dal settore), {self.invariate} già presenti nel piano.")


def _apri_pacchetto(path: Path) -> tuple[Any, InfoPacchetto]:
    """An APSW connection on a memory copy of the packet with its base copy attached."""
    import apsw

    from .db import _check_header

    path = Path(path)
    if not path.is_file():
        raise PlanError(f"Il pacchetto «{path}» non esiste.")
    _check_header(path)
    conn = apsw.Connection(":memory:")
    try:  # a copy in memory (the file may be in WAL mode: a page copy, not its bytes)
        src = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
        with conn.backup("main", src, "main") as b:
            b.step()
        src.close()
    except apsw.Error as exc:
        raise PlanError(f"Il pacchetto «{path.name}» non è leggibile: {exc}") from exc
    sets = dict(conn.execute("SELECT chiave, valore FROM impostazioni"))
    info = InfoPacchetto.leggi(sets)
    blob = None
    if info is not None:
        try:
            blob = conn.execute("SELECT dati FROM pacchetto_base WHERE id = 1").fetchall()
        except apsw.SQLError:
            blob = None
    if info is None or not blob:
        raise PlanError(f"Il file «{path.name}» non è un pacchetto di settore (manca la sua copia "
                        "di partenza): si possono unire solo i file fatti con «piaodesk pacchetto».")
    conn.execute("ATTACH ':memory:' AS base")
    dati = blob[0][0]
    if not isinstance(dati, bytes):
        raise PlanError(f"Il file «{path.name}» ha una copia di partenza illeggibile: non si può unire.")
    conn.deserialize("base", zlib.decompress(dati))
    return conn, info


def _rollback_image(data: bytes) -> bytes:
    """A serialized WAL database marked as a rollback-journal one (header bytes 18-19), so
    that it opens in memory; the pages are already whole."""
    image = bytearray(data)
    if len(image) > 20:
        image[18:20] = b"\x01\x01"
    return bytes(image)


def _columns(conn: Any, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info([{table}])")]


def _row(conn: Any, schema: str, table: str, pk: Any) -> dict[str, Any] | None:
    cols = _columns(conn, schema, table)
    key = "chiave" if table == "impostazioni" else "id"
    rows = list(conn.execute(f"SELECT * FROM {schema}.[{table}] WHERE [{key}] = ?", (pk,)))
    return dict(zip(cols, rows[0], strict=True)) if rows else None


def analizza(archive: Archive, packet: Path | str) -> AnalisiUnione:
    """Compare the packet with its base copy and with the plan; nothing is written."""
    import apsw

    packet = Path(packet)
    if archive.pacchetto is not None:
        raise PlanError("Si sta lavorando su un pacchetto: i pacchetti si uniscono al piano "
                        "da cui sono stati preparati.")
    conn, info = _apri_pacchetto(packet)
    try:
        mine = archive.impostazione("piano_uid")
        if not mine or info.piano_uid != mine:
            raise PlanError(f"Il pacchetto «{packet.name}» è stato preparato da un altro piano: "
                            "non viene unito (l'identità del piano non corrisponde).")
        session = apsw.Session(conn, "main")
        tables = TABELLE_SETTORE + TABELLE_CONTESTO
        for t in tables:
            session.attach(t)
            session.diff("base", t)
        changeset = session.changeset()
        session.close()
        impronta = hashlib.sha256(changeset).hexdigest()
        result = AnalisiUnione(info=info, file=packet, impronta=impronta)
        result.gia_unito = archive.db.conn.execute(
            "SELECT 1 FROM unioni WHERE pacchetto_uid = ? AND impronta = ?",
            (info.uid, impronta)).fetchone() is not None
        result.autori = sorted({str(u) for (u,) in conn.execute("SELECT DISTINCT utente FROM audit")})
        base_amb = Ambito(conn, info.settore_id, ("base",))
        new_amb = Ambito(conn, info.settore_id, ("main",))
        # the plan as it is now, in memory: Changeset.apply reports what changed on both sides
        current = apsw.Connection(":memory:")
        current.deserialize("main", _rollback_image(archive.db.conn.serialize()))
        data_conflicts: dict[tuple[str, Any], tuple[Any, ...]] = {}

        def on_conflict(reason: int, change: Any) -> int:
            if reason == apsw.SQLITE_CHANGESET_DATA or reason == apsw.SQLITE_CHANGESET_CONFLICT:
                data_conflicts[(change.name, change.old[0] if change.old else change.new[0])] = (
                    tuple(change.conflict))
            return apsw.SQLITE_CHANGESET_OMIT

        apsw.Changeset.apply(changeset, current, conflict=on_conflict,
                             flags=apsw.SQLITE_CHANGESETAPPLY_NOSAVEPOINT
                             if hasattr(apsw, "SQLITE_CHANGESETAPPLY_NOSAVEPOINT") else 0)
        current.close()
        for change in apsw.Changeset.iter(changeset):
            _classify(archive, conn, change, info, base_amb, new_amb, data_conflicts, result)
        return result
    finally:
        conn.close()


def _label(conn: Any, table: str, row: dict[str, Any] | None) -> tuple[str, int | None]:
    """«Obiettivo PC.1», «Fase 3 di PC.1» …, and the objective the row belongs to."""
    nome = _NOMI.get(table, table)
    if row is None:
        return nome, None
    oid = row.get("obiettivo_id")
    if table == "obiettivi":
        oid = row.get("id")
        return f"{nome} {row.get('codice') or row.get('id')}", oid
    if table in ("misure", "rilevazioni"):
        for schema in ("main", "base"):
            r = list(conn.execute(f"SELECT obiettivo_id FROM {schema}.indicatori WHERE id = ?",
                                  (row.get("indicatore_id"),)))
            if r:
                oid = r[0][0]
                break
    what = row.get("descrizione") or row.get("codice") or row.get("nome")
    what = f"«{what[:40]}»" if isinstance(what, str) and what else str(row.get("id"))
    if table == "misure":
        what = f"{row.get('anno')} {row.get('periodo') or ''}".strip()
    if oid is not None:
        for schema in ("main", "base"):
            r = list(conn.execute(f"SELECT codice FROM {schema}.obiettivi WHERE id = ?", (oid,)))
            if r:
                return f"{nome} {what} di {r[0][0]}", oid
    return f"{nome} {row.get('chiave') or what}", oid


def _classify(archive: Archive, conn: Any, change: Any, info: InfoPacchetto, base_amb: Ambito,
              new_amb: Ambito, data_conflicts: dict[tuple[str, Any], tuple[Any, ...]],
              result: AnalisiUnione) -> None:
    import apsw

    table = change.name
    pk = (change.old or change.new)[0]
    if table == "impostazioni" and pk in (*CHIAVI_PACCHETTO, "piano_uid"):
        return
    base_row = _row(conn, "base", table, pk)
    new_row = _row(conn, "main", table, pk)
    label, oid = _label(conn, table, new_row or base_row)
    cols = _columns(conn, "main", table)
    if change.op == "UPDATE":
        allowed = (base_row is not None and new_row is not None
                   and base_amb.ammessa(table, base_row) and new_amb.ammessa(table, new_row))
    elif change.op == "INSERT":
        allowed = new_row is not None and new_amb.ammessa(table, new_row)
    else:
        allowed = base_row is not None and base_amb.ammessa(table, base_row)
    current_row = archive.rows.fetch(table, pk) if table != "impostazioni" else None
    conflict = data_conflicts.get((table, pk))
    mods: list[Modifica] = []
    if change.op == "UPDATE":
        for i, col in enumerate(cols):
            new_v = change.new[i]
            if new_v is apsw.no_change or i in change.pk_columns:
                continue
            old_v = change.old[i]
            cur_v = current_row.get(col) if current_row is not None else None
            m = Modifica(table, pk, "campo", col, old_v, new_v, cur_v, etichetta=label,
                         obiettivo_id=oid)
            if current_row is None:
                m.conflitto = True  # deleted in the plan meanwhile
            elif conflict is not None and cur_v != old_v:
                if cur_v == new_v:
                    m.gia_presente = True
                else:
                    m.conflitto = True
            mods.append(m)
    elif change.op == "INSERT":
        m = Modifica(table, pk, "nuova", None, None, None, None, etichetta=label,
                     obiettivo_id=oid, riga=dict(zip(cols, change.new, strict=True)))
        m.gia_presente = current_row is not None
        mods.append(m)
    else:
        m = Modifica(table, pk, "eliminata", None, None, None, None, etichetta=label,
                     obiettivo_id=oid)
        if current_row is None:
            m.gia_presente = True
        elif conflict is not None:
            m.conflitto = True  # changed in the plan, deleted in the packet
        mods.append(m)
    for m in mods:
        if not allowed:
            if not m.gia_presente:
                result.rifiutate.append(m)
        elif m.gia_presente:
            result.invariate += 1
        elif m.conflitto:
            result.conflitti.append(m)
        else:
            result.modifiche.append(m)


class _RowOp(Edit):
    """Insert or delete one raw row (merge); undo puts it back."""

    def __init__(self, table: str, row_id: int, row: dict[str, Any] | None) -> None:
        self.table, self.row_id, self.row = table, row_id, row
        self._deleted: list[tuple[str, dict[str, Any]]] = []
        self._nulled: list[tuple[str, int, str, Any]] = []

    def _insert(self, archive: Archive) -> Changes:
        assert self.row is not None
        if archive.rows.fetch(self.table, self.row_id) is None:
            archive.rows.insert(self.table, dict(self.row))
        ch = Changes()
        ch.add_insert(self.table, self.row_id)
        ch.owners = archive.rows.owners_of_rows([(self.table, self.row)])
        return ch

    def _delete(self, archive: Archive) -> Changes:
        ch = Changes()
        row = archive.rows.fetch(self.table, self.row_id)
        if row is None:
            return ch  # gone with its parent
        ch.owners = archive.rows.owners_of_rows([(self.table, row)])
        deleted, self._deleted, self._nulled = archive.rows.delete_cascade(self.table, self.row_id)
        ch.owners |= archive.rows.owners_of_rows(self._deleted)
        for t, rid in deleted:
            ch.add_delete(t, rid)
        return ch

    def _restore(self, archive: Archive) -> Changes:
        return restore_deleted(archive, self._deleted, self._nulled)


class _InsertRaw(_RowOp):
    def apply(self, archive: Archive) -> Changes:
        return self._insert(archive)

    def revert(self, archive: Archive) -> Changes:
        return self._delete(archive)


class _DeleteRaw(_RowOp):
    def apply(self, archive: Archive) -> Changes:
        return self._delete(archive)

    def revert(self, archive: Archive) -> Changes:
        return self._restore(archive)


class _SetRaw(Edit):
    """Set raw (stored) values of some fields of one row."""

    def __init__(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        self.table, self.row_id, self.values = table, row_id, values
        self.old: dict[str, Any] | None = None

    def apply(self, archive: Archive) -> Changes:
        row = archive.rows.fetch(self.table, self.row_id)
        if row is None:
            return Changes()
        if self.old is None:
            self.old = {k: row[k] for k in self.values}
        archive.rows.update(self.table, self.row_id, self.values)
        ch = Changes(owners={o for o in (archive.rows.owner_of(self.table, row), archive.rows.owner_of(
            self.table, {**row, **self.values})) if o is not None})
        ch.add_update(self.table, self.row_id, set(self.values))
        if self.table == "obiettivi" and {"parent_id", "posizione"} & set(self.values):
            ch.moved.add(self.row_id)
        return ch

    def revert(self, archive: Archive) -> Changes:
        if self.old is None:
            return Changes()
        archive.rows.update(self.table, self.row_id, self.old)
        row = archive.rows.fetch(self.table, self.row_id)
        ch = Changes(owners={o for o in (archive.rows.owner_of(self.table, row or {}),) if o is not None})
        ch.add_update(self.table, self.row_id, set(self.old))
        return ch


_ORDER = {t: i for i, t in enumerate(TABELLE_SETTORE)}


class UnionePacchetto(Batch):
    """The merge of one packet: one undoable step; each field goes to the audit log."""

    def __init__(self, analisi: AnalisiUnione, scelte: dict[tuple[str, int, str | None], str],
                 utente: str) -> None:
        self.analisi = analisi
        self.pacchetto = analisi.file.name
        chosen = [m for m in analisi.conflitti if scelte.get(m.chiave) == "pacchetto"]
        self.applicate = analisi.modifiche + chosen
        inserts = sorted((m for m in self.applicate if m.tipo == "nuova"),
                         key=lambda m: (_ORDER.get(m.tabella, 99), m.riga_id))
        deletes = sorted((m for m in self.applicate if m.tipo == "eliminata"),
                         key=lambda m: (-_ORDER.get(m.tabella, 99), -m.riga_id))
        fields: dict[tuple[str, int], dict[str, Any]] = {}
        for m in self.applicate:
            if m.tipo == "campo":
                fields.setdefault((m.tabella, m.riga_id), {})[m.campo] = m.pacchetto  # type: ignore[index]
        edits: list[Edit] = [_InsertRaw(m.tabella, m.riga_id, m.riga) for m in inserts]
        edits += [_SetRaw(t, rid, vals) for (t, rid), vals in fields.items()]
        edits += [_DeleteRaw(m.tabella, m.riga_id, None) for m in deletes]
        revisione = int(analisi.info.revisione)
        self._utente = utente
        super().__init__(edits, label=f"Unione del pacchetto «{analisi.file.name}» "
                                      f"(settore {analisi.info.settore_nome})")
        self._revision_edit: SetSetting | None = None
        self._revisione_base = revisione

    def apply(self, archive: Archive) -> Changes:
        if self._revision_edit is None:
            nxt = int(archive.impostazione("revisione") or 0) + 1
            self._revision_edit = SetSetting("revisione", str(nxt))
            self.edits.append(self._revision_edit)
        ch = super().apply(archive)
        _log(archive, self)
        return ch


def _log(archive: Archive, unione: UnionePacchetto) -> None:
    """One audit row per field merged (who in the packet, which packet, which PC) and the
    merge log row that recognises the same packet merged again."""
    a = unione.analisi
    now = datetime.now().isoformat(timespec="seconds")
    autori = ", ".join(x for x in a.autori if x) or "?"
    rows = []
    for m in unione.applicate:
        rows.append((now, f"{autori} (pacchetto)", f"Unione: {m.descrivi()}", m.tabella, m.riga_id,
                     json.dumps({"prima": _j(m.base), "dopo": _j(m.pacchetto),
                                 "obiettivo": m.obiettivo_id}, ensure_ascii=False),
                     socket.gethostname(), a.file.name))
    archive.db.conn.executemany(
        "INSERT INTO audit (quando, utente, azione, tabella, riga_id, dettaglio, postazione, "
        "pacchetto) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    archive.db.conn.execute(
        "INSERT INTO unioni (quando, utente, postazione, pacchetto_uid, impronta, file, settore, "
        "revisione_base, modifiche, conflitti, rifiutate) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (now, archive.utente, socket.gethostname(), a.info.uid, a.impronta, a.file.name,
         a.info.settore_nome, a.info.revisione, len(unione.applicate), len(a.conflitti),
         len(a.rifiutate)))


def _j(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, int, float)) else str(v)


def prepara_unione(archive: Archive, analisi: AnalisiUnione,
                   scelte: dict[tuple[str, int, str | None], str] | None = None
                   ) -> UnionePacchetto | None:
    """The merge as one undoable edit (``None`` when there is nothing to apply). ``scelte``
    says, for each conflict (:attr:`Modifica.chiave`), ``"pacchetto"`` or ``"piano"``; a
    conflict without a choice is refused (never silently)."""
    scelte = scelte or {}
    missing = [m for m in analisi.conflitti if scelte.get(m.chiave) not in ("pacchetto", "piano")]
    if missing:
        raise PlanError(f"{len(missing)} conflitti senza scelta (tenere il valore del piano o "
                        f"quello del pacchetto); il primo: {missing[0].descrivi()}, nel piano "
                        f"«{_txt(missing[0].attuale)}».")
    if analisi.vuota:
        return None
    return UnionePacchetto(analisi, scelte, archive.utente)


def unisci(archive: Archive, analisi: AnalisiUnione,
           scelte: dict[tuple[str, int, str | None], str] | None = None) -> Changes:
    """Apply a merge analysed by :func:`analizza` (see :func:`prepara_unione`)."""
    edit = prepara_unione(archive, analisi, scelte)
    return archive.apply(edit) if edit is not None else Changes()


def unioni(archive: Archive) -> list[tuple[str, str, str, str, int, int, int]]:
    """The merge log: when, who, PC, packet file, changes, conflicts, refused."""
    return [tuple(r) for r in archive.db.conn.execute(
        "SELECT quando, utente, coalesce(postazione,''), coalesce(file,''), modifiche, conflitti, "
        "rifiutate FROM unioni ORDER BY id DESC")]
