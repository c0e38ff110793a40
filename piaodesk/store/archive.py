"""The Archive façade: the only way the rest of the program reads and writes a plan.

Reads return domain objects; writes go through :mod:`piaodesk.store.edits`
(``archive.apply(edit)``), each in one transaction with an audit record. No
row dict and no SQL leaves this package.
"""

from __future__ import annotations

import errno
import getpass
import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..domain import valutazione as engine
from ..domain.avanzamento import perc_nodo
from ..domain.enums import TRANSIZIONI_STATO, Ramo, StatoPiano
from ..domain.model import (
    AliasPersona,
    Assegnazione,
    Ente,
    Fase,
    Indicatore,
    Misura,
    Monitoraggio,
    Obiettivo,
    ObiettivoUnita,
    Persona,
    Piano,
    RilevazioneIndicatore,
    Risorsa,
    StatoAvanzamento,
    Unita,
    Valutazione,
)
from ..domain.nomi import chiave_nome
from ..fsio import atomic_path, describe_errno, describe_os_error
from . import variazioni
from .changes import Changes
from .codec import from_row, rows_to_objects, to_row
from .db import Database, PlanError, create_plan_db, open_plan_db, sqlite_message
from .edits import Edit
from .lock import PlanLock
from .lock import acquire as acquire_lock
from .righe import Rows
from .righe import insert_sql as _insert_sql

if TYPE_CHECKING:
    from .pacchetti import InfoPacchetto

#: the plan's own range of row ids, below the first packet's (``pacchetti.RANGE``; the packets'
#: module is imported only when a packet is open)
RANGE_PIANO = 1 << 40

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RisultatoObiettivo:
    """Everything computed for one objective in one year (engine output)."""

    obiettivo: Obiettivo
    indicatori: tuple[engine.RisultatoIndicatore, ...]
    perc_indicatori: Decimal | None
    perc_fasi: Decimal | None
    perc: Decimal | None  # objective % per the SMVP (indicators and/or fasi)
    perc_validata: Decimal | None = None
    motivo: str | None = None

    @property
    def perc_finale(self) -> Decimal | None:
        return perc_nodo(self.perc_validata, None, self.perc)


@dataclass(frozen=True, slots=True)
class VoceCronologia:
    """One audit row as the Cronologia shows it."""

    quando: datetime
    utente: str
    azione: str
    tabella: str
    riga_id: int | None
    postazione: str
    pacchetto: str


def _preordine(by_parent: dict[Any, list[Any]], key: Callable[[Any], Any]) -> list[Any]:
    """The tree in order, parents before children (children as listed under ``by_parent``).

    A loop, not recursion: deep trees must not hit the recursion limit, and a recursive
    closure is a reference cycle that kept every row alive until a full collection —
    never, once a view's slice had frozen it (see ``ui.models.slices``).
    """
    out: list[Any] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(by_parent.get(key(node), [])))
    return out


class Archive:
    """One open plan file."""

    #: the single-writer lock held while open read-write (see :mod:`.lock`)
    lock: PlanLock | None = None
    #: why a plan asked read-write was opened read-only (read-only folder/file), for the GUI
    readonly_notice: str | None = None
    #: the network share holding the plan (:mod:`.rete`), opened in the safe mode; else None
    rete: str | None = None

    def __init__(self, db: Database, path: Path | None = None, *, readonly: bool = False,
                 utente: str | None = None) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.utente = utente or _whoami()
        self._reserved: dict[str, int] = {}
        self._perc: dict[int, _PercState] = {}
        #: incremented by every apply/revert (see :meth:`adotta_percentuali`)
        self.generation = 0
        #: per table, the generation of its last change; and of the last change of any table
        #: whose record was not kept (see :meth:`generazione_di`)
        self._gen_tabelle: dict[str, int] = {}
        self._gen_tutte = 0
        #: a settore packet (issue 16): what it may edit, and its own range of row ids
        self.pacchetto: InfoPacchetto | None = None
        try:
            sets = dict(db.conn.execute("SELECT chiave, valore FROM impostazioni WHERE chiave IN "
                                        "('pacchetto_uid', 'piano_uid', 'pacchetto_settore', "
                                        "'pacchetto_settore_nome', 'pacchetto_revisione', "
                                        "'id_da', 'id_a')").fetchall())
            if sets.get("pacchetto_uid"):  # the packets' module only for a packet (start-up)
                from .pacchetti import InfoPacchetto

                self.pacchetto = InfoPacchetto.leggi(sets)
        except sqlite3.Error:
            pass
        self._id_range = ((self.pacchetto.id_da, self.pacchetto.id_a) if self.pacchetto
                          else (1, RANGE_PIANO - 1))
        #: the one row writer reversible edits use (see :mod:`.righe`)
        self.rows = Rows(db.conn, self._id_range)

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, path: Path | str, piano: Piano, ente: Ente | None = None, *,
               fill: Callable[[Archive], None] | None = None) -> Archive:
        """Create a NEW plan file (never overwriting one) and return it open (see :meth:`build`)."""
        cls.build(path, piano, ente, fill=fill)
        return cls.open(path)

    @classmethod
    def build(cls, path: Path | str, piano: Piano, ente: Ente | None = None, *,
              fill: Callable[[Archive], None] | None = None) -> Path:
        """Write a NEW plan file (never overwriting one), without opening it.

        The plan is built whole under a temporary name beside ``path`` (with
        ``fill(archive)`` adding content, e.g. a renewal), made one self-contained
        file and only then renamed to ``path``: a failure, a full disk or a kill
        never leaves a half plan (nor a lock) under that name.
        """
        path = Path(path)
        try:
            empty = path.exists() and path.stat().st_size == 0  # e.g. made by a save dialog
        except OSError:
            empty = False
        if path.exists() and not empty:
            raise PlanError(f"Il file «{path}» esiste già: scegliere un altro nome.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path, overwrite=empty, extras=("-wal", "-shm", "-journal")) as tmp:
                arc = cls._build(tmp, piano, ente)
                try:
                    if fill is not None:
                        fill(arc)
                    arc.db.conn.execute("PRAGMA journal_mode = DELETE")  # all in the one file
                finally:
                    arc.db.conn.close()
        except FileExistsError as exc:
            raise PlanError(f"Il file «{path}» esiste già: scegliere un altro nome.") from exc
        except OSError as exc:
            raise PlanError(f"Impossibile creare il piano: {describe_os_error(exc, path)}") from exc
        except sqlite3.Error as exc:
            raise PlanError(f"Impossibile creare il piano: {sqlite_message(exc, path)}") from exc
        return path

    @classmethod
    def _build(cls, path: Path, piano: Piano, ente: Ente | None) -> Archive:
        """The new plan's first rows, in a file nobody else knows about yet (no lock)."""
        db = create_plan_db(path)
        arc = cls(db, path)
        with arc._tx("Crea piano", "piano", None):
            ente = ente or Ente(nome="Ente")
            ente_row = to_row(ente)
            arc.db.conn.execute(*_insert_sql("enti", ente_row))
            ente_id = arc.db.conn.execute("SELECT last_insert_rowid()").fetchone()[0]
            prow = to_row(piano)
            prow["ente_id"] = ente_id
            prow["id"] = 1
            arc.db.conn.execute(*_insert_sql("piano", prow))
            arc.rows.set_setting("sistema_valutazione", engine.SistemaValutazione().to_json())
        return arc

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, takeover: bool = False) -> Archive:
        """Open a plan; read-write takes the single-writer lock (:class:`.lock.PlanInUse`
        if another program holds it; ``takeover=True`` replaces it). A plan in a read-only
        place is opened read-only, with ``readonly_notice`` saying why."""
        path = Path(path)
        lock, notice = None, None
        if not readonly and path.is_file():
            notice = _readonly_location(path)
            if notice is None:
                try:
                    lock = acquire_lock(path, takeover=takeover)
                except OSError as exc:
                    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, None):
                        notice = (f"Non è possibile scrivere nella cartella di «{path.name}»: "
                                  "il piano è aperto in sola lettura.")
                    else:  # a full disk, an I/O error: say so
                        notice = (describe_errno(exc.errno, path.name) +
                                  " Intanto il piano è aperto in sola lettura.")
            readonly = notice is not None
        from .rete import network_share

        share = network_share(path)
        try:
            db = open_plan_db(path, readonly=readonly, network=share is not None)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        arc = cls(db, path, readonly=readonly)
        arc.lock, arc.readonly_notice = lock, notice
        arc.rete = share
        if arc._fetch_row("piano", 1) is None and not arc.db.conn.execute(
                "SELECT 1 FROM piano").fetchone():
            arc.close()
            raise PlanError(f"Il file «{path.name}» non contiene un piano (tabella piano vuota).")
        return arc

    def close(self) -> None:
        try:
            if not self.readonly:
                self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.db.conn.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def closed(self) -> bool:
        """The plan file was closed (:meth:`close`): nothing more can be read."""
        try:
            self.db.conn.total_changes  # noqa: B018 - raises on a closed connection
        except sqlite3.ProgrammingError:
            return True
        return False

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    class _Tx:
        def __init__(self, arc: Archive, azione: str, tabella: str, riga: int | None,
                     dettaglio: str | None = None):
            self.arc, self.azione, self.tabella, self.riga, self.dettaglio = (
                arc, azione, tabella, riga, dettaglio)

        def __enter__(self) -> None:
            if self.arc.readonly:
                raise PlanError("Il piano è aperto in sola lettura: la modifica non è stata salvata.")
            self.arc._check_lock()
            self.arc.db.conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            conn = self.arc.db.conn
            if exc_type is None:
                try:
                    conn.execute(
                        "INSERT INTO audit (quando, utente, azione, tabella, riga_id, dettaglio, "
                        "postazione, pacchetto) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (datetime.now().isoformat(timespec="seconds"), self.arc.utente,
                         self.azione, self.tabella, self.riga, self.dettaglio, _postazione(),
                         self.arc.pacchetto.uid if self.arc.pacchetto else None))
                    conn.execute("COMMIT")
                except sqlite3.Error as err:
                    if conn.in_transaction:  # SQLITE_FULL may already have rolled back
                        conn.execute("ROLLBACK")
                    raise PlanError(_sql_message(err)) from err
            elif conn.in_transaction:
                conn.execute("ROLLBACK")

    def _tx(self, azione: str, tabella: str, riga: int | None, dettaglio: str | None = None) -> _Tx:
        return Archive._Tx(self, azione, tabella, riga, dettaglio)

    def transazione(self, azione: str, tabella: str, riga: int | None = None,
                    dettaglio: str | None = None) -> _Tx:
        """One audited transaction for the store's bulk writers (a new plan's content: demo,
        renewal) that write through :attr:`rows` without undo; edits go through :meth:`apply`."""
        self.generation += 1
        self._gen_tutte = self.generation  # (what it writes is not recorded table by table)
        return self._tx(azione, tabella, riga, dettaglio)

    def apply(self, edit: Edit) -> Changes:
        """Apply an edit in one transaction (all or nothing) and audit it."""
        table = getattr(edit, "table", "")
        self.generation += 1
        try:
            with self._tx(edit.label, table, getattr(edit, "row_id", None), _detail(edit)):
                try:
                    if self.pacchetto is not None:
                        self._guard_packet(edit, before=True)
                    ch = edit.apply(self)
                    if self.pacchetto is not None:
                        self._guard_packet_changes(ch)
                    variazioni.registra(self, edit)
                except sqlite3.Error as err:  # constraint, disk full, I/O error: all rolled back
                    raise PlanError(_sql_message(err)) from err
                self._invalidate_perc(ch)
                self._segna(ch)
                return ch
        except BaseException:
            self._perc.clear()  # rolled back: drop what may have been refreshed too early
            self._gen_tutte = self.generation
            raise

    def revert(self, edit: Edit) -> Changes:
        table = getattr(edit, "table", "")
        self.generation += 1
        try:
            with self._tx(f"Annulla: {edit.label}", table, getattr(edit, "row_id", None)):
                try:
                    ch = edit.revert(self)
                    variazioni.registra(self, edit, inverso=True)
                except sqlite3.Error as err:
                    raise PlanError(_sql_message(err)) from err
                self._invalidate_perc(ch)
                self._segna(ch)
                return ch
        except BaseException:
            self._perc.clear()
            self._gen_tutte = self.generation
            raise

    def _segna(self, ch: Changes) -> None:
        if ch.reset:
            self._gen_tutte = self.generation
        for table in ch.tables():
            self._gen_tabelle[table] = self.generation

    def generazione_di(self, *tables: str) -> int:
        """The :attr:`generation` of the last change of any of ``tables`` through
        :meth:`apply`/:meth:`revert` (or of anything written otherwise): what was computed
        from those tables at a later generation is still valid."""
        return max(self._gen_tutte, *(self._gen_tabelle.get(t, 0) for t in tables))

    def contenuto_sostituito(self) -> Changes:
        """The file's whole content was replaced under this archive (a backup restored):
        forget everything cached about it — the bulk % (it showed the replaced content's
        figures), reserved ids, the foreign keys — and make any % computed meanwhile in a
        worker stale. Returns the "reload everything" record for the views."""
        self._perc.clear()
        self._reserved.clear()
        self.rows.forget_schema()
        self.generation += 1
        self._gen_tutte = self.generation
        return Changes.everything()

    # ------------------------------------------------------------------ lock and packet guards

    def _check_lock(self) -> None:
        """Before every write: is the single-writer lock still ours? (a stat of the lock file;
        the file is read only when the stat changed). If another PC took it over, this
        window turns read-only and nothing more is written."""
        if self.lock is None:
            return
        if self.lock.still_ours():
            return
        self.readonly = True
        who = self.lock.taken_by()
        self.readonly_notice = (
            "Un altro programma ha preso il controllo del piano" + (f" ({who})" if who else "")
            + ": da ora è aperto in sola lettura e le modifiche non vengono più salvate.")
        raise LockLost(self.readonly_notice)

    def _packet_scope(self) -> Any:
        from .pacchetti import Ambito

        assert self.pacchetto is not None
        return Ambito(self.db.conn, self.pacchetto.settore_id)

    def _guard_packet(self, edit: Edit, *, before: bool) -> None:
        """In a packet only the settore's rows may change (checked before the edit)."""
        from .edits import Batch, SetSetting

        edits = edit.edits if isinstance(edit, Batch) else [edit]
        scope = None
        for e in edits:
            if isinstance(e, Batch):
                self._guard_packet(e, before=before)
                continue
            if isinstance(e, SetSetting):
                raise PlanError(_FUORI_PACCHETTO.format(cosa="le impostazioni del piano",
                                                        settore=self.pacchetto.settore_nome))  # type: ignore[union-attr]
            table, rid = getattr(e, "table", ""), getattr(e, "row_id", None)
            if not table or rid is None:
                continue
            row = self._fetch_row(table, rid)
            if row is None:
                continue
            scope = scope or self._packet_scope()
            if not scope.ammessa(table, row):
                raise PlanError(_FUORI_PACCHETTO.format(cosa=_cosa(table, row),
                                                        settore=self.pacchetto.settore_nome))  # type: ignore[union-attr]

    def _guard_packet_changes(self, ch: Changes) -> None:
        """…and after it, inside the transaction: every row written belongs to the settore."""
        scope = self._packet_scope()
        for table, ids in [*ch.inserted.items(), *((t, set(r)) for t, r in ch.updated.items())]:
            for rid in ids:
                row = self._fetch_row(table, rid) if table != "impostazioni" else None
                if row is not None and not scope.ammessa(table, row):
                    raise PlanError(_FUORI_PACCHETTO.format(cosa=_cosa(table, row),
                                                            settore=self.pacchetto.settore_nome))  # type: ignore[union-attr]

    # ------------------------------------------------------------------ low level (store only)

    # The row writer is :attr:`rows` (:class:`.righe.Rows`); these few names stay for the
    # store's own bulk writers (demo, renewal) and bench/generate.py.

    def _fetch_row(self, table: str, row_id: int) -> dict[str, Any] | None:
        return self.rows.fetch(table, row_id)

    def _insert_row(self, table: str, row: dict[str, Any]) -> int:
        return self.rows.insert(table, row)

    def _next_id(self, table: str) -> int:
        return self.rows.next_id(table)

    def _update_row(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        self.rows.update(table, row_id, values)

    def _set_setting_raw(self, chiave: str, valore: str | None) -> None:
        self.rows.set_setting(chiave, valore)

    def allocate_id(self, cls: type) -> int:
        """Reserve a fresh id for a row that a later edit of the same batch inserts."""
        table = cls.TABLE  # type: ignore[attr-defined]
        current = self._next_id(table) - 1
        nxt = max(current, self._reserved.get(table, 0)) + 1
        self._reserved[table] = nxt
        return nxt

    # ------------------------------------------------------------------ generic reads

    def get(self, cls: type[T], row_id: int | None) -> T | None:
        if row_id is None:
            return None
        row = self._fetch_row(cls.TABLE, row_id)  # type: ignore[attr-defined]
        return None if row is None else from_row(cls, row)

    def select(self, cls: type[T], where: str | None = None, params: Sequence[Any] = (),
               order: str | None = None, columns: Sequence[str] | None = None) -> list[T]:
        """Objects of ``cls``; ``columns`` limits the fields read (the others keep defaults)."""
        cols = ", ".join(f"[{c}]" for c in columns) if columns else "*"
        sql = f"SELECT {cols} FROM [{cls.TABLE}]"  # type: ignore[attr-defined]
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order or 'id'}"
        cur = self.db.conn.execute(sql, tuple(params))
        return rows_to_objects(cls, tuple(c[0] for c in cur.description), cur.fetchall())

    def select_batches(self, cls: type[T], where: str | None = None, params: Sequence[Any] = (),
                       columns: Sequence[str] | None = None, batch: int = 250
                       ) -> Iterator[list[T]]:
        """Like :meth:`select` in id order, a batch at a time (views loading in slices).

        Each batch is its own query (``id > last``): no statement stays open between
        batches, so edits may be committed meanwhile; rows inserted meanwhile come in
        later batches.
        """
        last = 0
        cond = f"({where}) AND id > ?" if where else "id > ?"
        cols = ", ".join(f"[{c}]" for c in columns) if columns else "*"
        sql = f"SELECT {cols} FROM [{cls.TABLE}] WHERE {cond} ORDER BY id LIMIT {int(batch)}"  # type: ignore[attr-defined]
        while True:
            cur = self.db.conn.execute(sql, (*params, last))
            rows = cur.fetchall()
            if not rows:
                return
            names = tuple(c[0] for c in cur.description)
            objs = rows_to_objects(cls, names, rows)
            last = objs[-1].id
            yield objs
            if len(rows) < batch:
                return

    def ordine_obiettivi(self) -> list[int]:
        """Ids of all objectives in tree order (as :meth:`obiettivi`), from one light query."""
        by_parent: dict[int | None, list[int]] = {}
        for oid, pid in self.db.conn.execute(
                "SELECT id, parent_id FROM obiettivi ORDER BY ramo = 'attivita', posizione, id"):
            by_parent.setdefault(pid, []).append(oid)
        return _preordine(by_parent, lambda oid: oid)

    def legami_obiettivi(self) -> list[tuple[int, int | None]]:
        """(id, parent_id) of all objectives in tree order, from one light query (no objects)."""
        by_parent: dict[int | None, list[tuple[int, int | None]]] = {}
        for oid, pid in self.db.conn.execute(
                "SELECT id, parent_id FROM obiettivi ORDER BY ramo = 'attivita', posizione, id"):
            by_parent.setdefault(pid, []).append((oid, pid))
        return _preordine(by_parent, lambda link: link[0])

    def valori_misure(self, anno: int) -> dict[int, list[tuple[Any, ...]]]:
        """Stored measures of ``anno`` by indicator, as rows (indicatore_id, periodo,
        data_riferimento, target_testo, target, valore_testo, valore), in the order
        :meth:`misure` uses: a quick read for bulk computations (no objects)."""
        out: dict[int, list[tuple[Any, ...]]] = {}
        for row in self.db.conn.execute(
                "SELECT indicatore_id, periodo, data_riferimento, target_testo, target, valore_testo, "
                "valore FROM misure WHERE anno = ? ORDER BY indicatore_id, anno, data_riferimento, id",
                (anno,)).fetchall():
            found = out.get(row[0])
            if found is None:
                out[row[0]] = [row]
            else:
                found.append(row)
        return out

    def count(self, cls: type, where: str | None = None, params: Sequence[Any] = ()) -> int:
        sql = f"SELECT count(*) FROM [{cls.TABLE}]"  # type: ignore[attr-defined]
        if where:
            sql += f" WHERE {where}"
        return int(self.db.conn.execute(sql, tuple(params)).fetchone()[0])

    # ------------------------------------------------------------------ domain reads

    def piano(self) -> Piano:
        row = self.db.conn.execute("SELECT id FROM piano ORDER BY id LIMIT 1").fetchone()
        return self.get(Piano, row[0])  # type: ignore[return-value]

    def ente(self) -> Ente | None:
        return self.get(Ente, self.piano().ente_id)

    def enti(self) -> list[Ente]:
        return self.select(Ente)

    def unita(self) -> list[Unita]:
        return self.select(Unita, order="coalesce(parent_id, 0), posizione, id")

    def persone(self) -> list[Persona]:
        return self.select(Persona, order="cognome COLLATE NOCASE, nome COLLATE NOCASE, id")

    def alias(self, persona_id: int) -> list[str]:
        return [a.alias for a in self.select(AliasPersona, "persona_id = ?", (persona_id,))]

    def obiettivo(self, oid: int) -> Obiettivo | None:
        return self.get(Obiettivo, oid)

    def obiettivi(self, ramo: Ramo | str | None = None,
                  columns: Sequence[str] | None = None) -> list[Obiettivo]:
        """All objectives (of one branch), parents before children, in tree order;
        ``columns`` reads only those fields (id and parent_id always)."""
        where, params = ("ramo = ?", (str(ramo),)) if ramo else (None, ())
        if columns is not None:
            columns = ["id", "parent_id", *(c for c in columns if c not in ("id", "parent_id"))]
        rows = self.select(Obiettivo, where, params, order="ramo = 'attivita', posizione, id",
                           columns=columns)
        by_parent: dict[int | None, list[Obiettivo]] = {}
        for o in rows:
            by_parent.setdefault(o.parent_id, []).append(o)
        return _preordine(by_parent, lambda o: o.id)

    def figli(self, parent_id: int | None, ramo: Ramo | str = Ramo.OBIETTIVI) -> list[Obiettivo]:
        if parent_id is None:
            return self.select(Obiettivo, "parent_id IS NULL AND ramo = ?", (str(ramo),),
                               order="posizione, id")
        return self.select(Obiettivo, "parent_id = ?", (parent_id,), order="posizione, id")

    def pesi_livello(self, parent_id: int | None, ramo: Ramo | str = Ramo.OBIETTIVI
                     ) -> tuple[int, list[Decimal]]:
        """(number of objectives, their weights that are set) on one level of the tree."""
        if parent_id is None:
            rows = self.db.conn.execute(
                "SELECT peso FROM obiettivi WHERE parent_id IS NULL AND ramo = ?", (str(ramo),))
        else:
            rows = self.db.conn.execute("SELECT peso FROM obiettivi WHERE parent_id = ?",
                                        (parent_id,))
        return _pesi(rows.fetchall())

    def pesi_responsabile(self, persona_id: int, ramo: Ramo | str, livello: str
                          ) -> tuple[int, list[Decimal]]:
        """(number of objectives, weights set) of one person's objectives of one level."""
        rows = self.db.conn.execute(
            "SELECT peso FROM obiettivi WHERE responsabile_id = ? AND ramo = ? AND livello = ?",
            (persona_id, str(ramo), str(livello)))
        return _pesi(rows.fetchall())

    def figli_ids(self, parent_id: int | None, ramo: Ramo | str = Ramo.OBIETTIVI) -> list[int]:
        if parent_id is None:
            cur = self.db.conn.execute(
                "SELECT id FROM obiettivi WHERE parent_id IS NULL AND ramo = ? ORDER BY posizione, id",
                (str(ramo),))
        else:
            cur = self.db.conn.execute(
                "SELECT id FROM obiettivi WHERE parent_id = ? ORDER BY posizione, id", (parent_id,))
        return [r[0] for r in cur]

    def discendenti(self, oid: int, include_self: bool = False) -> list[int]:
        rows = self.db.conn.execute(
            "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL "
            "SELECT o.id FROM obiettivi o JOIN d ON o.parent_id = d.id) SELECT id FROM d", (oid,)
        ).fetchall()
        ids = [r[0] for r in rows]
        return ids if include_self else ids[1:]

    def fasi(self, obiettivo_id: int | None = None) -> list[Fase]:
        if obiettivo_id is None:
            return self.select(Fase, order="obiettivo_id, posizione, id")
        return self.select(Fase, "obiettivo_id = ?", (obiettivo_id,), order="posizione, id")

    def indicatori(self, obiettivo_id: int | None = None) -> list[Indicatore]:
        if obiettivo_id is None:
            return self.select(Indicatore, order="obiettivo_id, posizione, id")
        return self.select(Indicatore, "obiettivo_id = ?", (obiettivo_id,), order="posizione, id")

    def misure(self, indicatore_ids: Iterable[int]) -> list[Misura]:
        ids = list(indicatore_ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.select(Misura, f"indicatore_id IN ({marks})", ids,
                           order="indicatore_id, anno, data_riferimento, id")

    def assegnazioni(self, obiettivo_id: int | None = None,
                     persona_id: int | None = None) -> list[Assegnazione]:
        if obiettivo_id is not None:
            return self.select(Assegnazione, "obiettivo_id = ?", (obiettivo_id,),
                               order="responsabile DESC, id")
        if persona_id is not None:
            return self.select(Assegnazione, "persona_id = ?", (persona_id,))
        return self.select(Assegnazione)

    def risorse(self, obiettivo_id: int) -> list[Risorsa]:
        return self.select(Risorsa, "obiettivo_id = ?", (obiettivo_id,))

    def monitoraggi(self) -> list[Monitoraggio]:
        return self.select(Monitoraggio, order="data, id")

    def stati_avanzamento(self, obiettivo_id: int) -> list[StatoAvanzamento]:
        return self.select(StatoAvanzamento, "obiettivo_id = ?", (obiettivo_id,),
                           order="monitoraggio_id")

    def rilevazioni(self, monitoraggio_id: int) -> list[RilevazioneIndicatore]:
        return self.select(RilevazioneIndicatore, "monitoraggio_id = ?", (monitoraggio_id,))

    def valutazione(self, obiettivo_id: int, anno: int) -> Valutazione | None:
        found = self.select(Valutazione, "obiettivo_id = ? AND anno = ?", (obiettivo_id, anno))
        return found[0] if found else None

    def obiettivi_di_unita(self, unita_id: int) -> list[Obiettivo]:
        """Objectives owned by a settore plus the shared ones assigned to it."""
        return self.select(
            Obiettivo,
            "unita_id = ? OR id IN (SELECT obiettivo_id FROM obiettivi_unita WHERE unita_id = ?)",
            (unita_id, unita_id), order="posizione, id")

    def conteggi_per_obiettivo(self, tabella: str) -> list[tuple[int, int]]:
        """(obiettivo_id, number of rows) of ``fasi`` or ``indicatori``."""
        if tabella not in ("fasi", "indicatori", "assegnazioni"):
            raise ValueError(tabella)
        return self.db.conn.execute(
            f"SELECT obiettivo_id, count(*) FROM {tabella} GROUP BY obiettivo_id").fetchall()

    def unita_condivise(self, obiettivo_id: int) -> list[int]:
        return [o.unita_id for o in self.select(ObiettivoUnita, "obiettivo_id = ?", (obiettivo_id,))]

    def trova_persona(self, testo: str) -> Persona | None:
        """Find a person by a name as written anywhere (alias, 'COGNOME-NOME', 'Cognome Nome')."""
        key = chiave_nome(testo)
        if not key:
            return None
        for p in self.persone():
            if key in (chiave_nome(f"{p.cognome} {p.nome}"), chiave_nome(f"{p.nome} {p.cognome}")):
                return p
        row = self.db.conn.execute("SELECT persona_id, alias FROM alias_persone").fetchall()
        for pid, alias in row:
            if chiave_nome(alias) == key:
                return self.get(Persona, pid)
        return None

    # ------------------------------------------------------------------ settings

    def impostazione(self, chiave: str, default: str | None = None) -> str | None:
        row = self.db.conn.execute("SELECT valore FROM impostazioni WHERE chiave = ?",
                                   (chiave,)).fetchone()
        return default if row is None else row[0]

    def sistema_valutazione(self) -> engine.SistemaValutazione:
        text = self.impostazione("sistema_valutazione")
        return engine.SistemaValutazione.from_json(text) if text else engine.SistemaValutazione()

    # ------------------------------------------------------------------ computations

    def risultato_obiettivo(self, oid: int, anno: int | None = None, *,
                            individuale: bool = False) -> RisultatoObiettivo:
        """The objective's result; ``individuale``: with its «solo scheda individuale» indicators
        (the manager's own valuation), else without them (the organisational %)."""
        ob = self.obiettivo(oid)
        if ob is None:
            raise LookupError(oid)
        anno = anno or self.piano().anno_inizio
        sistema = self.sistema_valutazione()
        inds = self.indicatori(oid)
        misure = self.misure([i.id for i in inds if i.id is not None])
        by_ind: dict[int, list[Misura]] = {}
        for m in misure:
            by_ind.setdefault(m.indicatore_id, []).append(m)
        ris = tuple(engine.risultato_indicatore(i, by_ind.get(i.id or 0, []), anno,
                                                cap=sistema.cap_indicatore) for i in inds)
        p_ind = engine.perc_indicatori(ris, individuale=individuale)
        p_fas = engine.perc_fasi(self.fasi(oid))
        val = self.valutazione(oid, anno)
        return RisultatoObiettivo(ob, ris, p_ind, p_fas, sistema.perc_obiettivo(p_ind, p_fas),
                                  val.perc_validata if val else None, val.motivo if val else None)

    def perc_avanzamento(self, oid: int, anno: int | None = None) -> Decimal | None:
        """% of a node: its own indicators/fasi, or the unweighted mean of its children
        (seed 002 §3.4), ignoring the node's own validated override."""
        st = self._perc_state(anno)
        return st.computed(oid)

    def perc_finale_nodo(self, oid: int, anno: int | None = None) -> Decimal | None:
        """% of a node as it counts: the Nucleo's validated % when set, else computed."""
        return self.percentuali(anno).get(oid)

    def percentuali(self, anno: int | None = None) -> dict[int, Decimal | None]:
        """Final % of every objective in ``anno``, computed in bulk and cached.

        The cache is refreshed incrementally by :meth:`apply`/:meth:`revert`: an edit
        of a value, a fase or an indicator recomputes that objective and its
        ancestors only; a structural change (insert/delete/move of objectives, a new
        valuation system) recomputes everything on the next read.
        """
        return self._perc_state(anno).final

    def percentuali_pronte(self, anno: int | None = None) -> bool:
        """True when :meth:`percentuali` answers at once (bulk % already computed).

        A state with dirty nodes counts as ready: refreshing them reads and recomputes
        those objectives and their ancestors only.
        """
        st = self._perc.get(anno or self.piano().anno_inizio)
        return st is not None

    def percentuali_proprie(self, anno: int) -> tuple[dict[int, Decimal | None],
                                                      engine.SistemaValutazione] | None:
        """Each objective's own % in ``anno`` (from its indicators' annual values and its fasi,
        before the tree's means and any validation) and the valuation system that combined
        them, from the bulk cache when it is ready (None otherwise: nothing is computed here).
        «Rileva i valori» takes them for the objectives whose values it copies as they are."""
        if not self.percentuali_pronte(anno):
            return None
        st = self._perc_state(anno)
        sistema = getattr(st, "sistema", None)
        if sistema is None:
            return None
        return st.own, sistema

    @staticmethod
    def calcola_percentuali(path: Path | str, anno: int) -> dict[str, Any]:
        """Compute the bulk % on a private read-only connection (worker process or thread).

        Returns the state packed (:meth:`_PercState.pack`): cheap to send between
        processes. Rebuild it with :class:`PercUnpacker` (in slices, on the GUI thread)
        and hand it to :meth:`adotta_percentuali` together with the :attr:`generation`
        read before starting, so a plan edited meanwhile is not fooled.
        """
        with Archive.open(path, readonly=True) as other:
            return _PercState(other, anno).pack()

    def adotta_percentuali(self, state: _PercState | dict[str, Any], generation: int) -> bool:
        """Use a state computed by :meth:`calcola_percentuali` unless the plan changed since."""
        if generation != self.generation:
            return False
        if isinstance(state, dict):
            state = PercUnpacker(state).run()
        self._perc[state.anno] = state
        return True

    # -- % cache

    def _perc_state(self, anno: int | None) -> _PercState:
        anno = anno or self.piano().anno_inizio
        st = self._perc.get(anno)
        if st is None:
            st = self._perc[anno] = _PercState(self, anno)
        elif st.dirty:
            st.refresh(self)
        return st

    def _invalidate_perc(self, ch: Changes) -> None:
        if not self._perc:
            return
        if "impostazioni" in ch.tables():
            keys: set[str] = set().union(*ch.updated.get("impostazioni", {}).values())
            if "sistema_valutazione" in keys or ch.inserted.get("impostazioni") or \
                    ch.deleted.get("impostazioni"):
                # a new valuation system: each objective's parts are recombined (the % of a
                # large plan are not read and computed again); else everything is recomputed
                sistema = self.sistema_valutazione()
                for anno, st in list(self._perc.items()):
                    if st.dirty or not st.resistema(sistema):
                        del self._perc[anno]
                if not self._perc:
                    return
        # the owners the writers named count where their rows feed the %: a monitoring round's
        # rows (rilevazioni, stati) do not, and must not make the whole plan's % recomputed
        owners = set(ch.owners) if any(ch.touches(t) for t in _PERC_TABLES) else set()
        if ch.reset or ch.moved or ch.inserted.get("obiettivi") or ch.deleted.get("obiettivi") or any(
                f & {"parent_id", "posizione"} for f in ch.updated.get("obiettivi", {}).values()):
            # the tree changed shape: re-link the cached nodes (a few ms), recompute the
            # nodes concerned and their ancestors only (a full recomputation takes seconds)
            for st in self._perc.values():
                owners |= st.restructure(self, ch)
        q = self.db.conn.execute
        for table, sql in (
                ("misure", "SELECT i.obiettivo_id FROM misure m JOIN indicatori i "
                           "ON i.id = m.indicatore_id WHERE m.id IN ({})"),
                ("indicatori", "SELECT obiettivo_id FROM indicatori WHERE id IN ({})"),
                ("fasi", "SELECT obiettivo_id FROM fasi WHERE id IN ({})"),
                ("valutazioni", "SELECT obiettivo_id FROM valutazioni WHERE id IN ({})")):
            ids = set(ch.inserted.get(table, ())) | set(ch.updated.get(table, {}))
            if ids:
                marks = ",".join("?" * len(ids))
                owners.update(r[0] for r in q(sql.format(marks), tuple(ids)))
        if owners:
            for st in self._perc.values():
                st.dirty |= owners

    def counts(self) -> dict[str, int]:
        """Counts for ``piaodesk info``."""
        q = self.db.conn.execute
        return {
            "settori": q("SELECT count(*) FROM unita WHERE tipo IN ('settore','area')").fetchone()[0],
            "unita": self.count(Unita),
            "obiettivi": self.count(Obiettivo, "ramo = 'obiettivi'"),
            "attivita": self.count(Obiettivo, "ramo = 'attivita'"),
            "fasi": self.count(Fase),
            "indicatori": self.count(Indicatore),
            "misure": self.count(Misura),
            "persone": self.count(Persona),
            "assegnazioni": self.count(Assegnazione),
            "risorse": self.count(Risorsa),
            "monitoraggi": self.count(Monitoraggio),
        }

    def cambia_stato(self, nuovo: StatoPiano) -> Changes:
        """Move the plan along bozza → approvato → monitoraggio → consuntivo."""
        from .edits import SetFields

        piano = self.piano()
        if nuovo not in TRANSIZIONI_STATO[piano.stato]:
            raise PlanError(f"Il piano non può passare da «{piano.stato.label}» a «{nuovo.label}».")
        return self.apply(SetFields(Piano, piano.id or 1, {"stato": nuovo},
                                    label=f"Stato del piano: {nuovo.label}"))

    def cronologia(self, obiettivo_id: int | None = None, limit: int = 200) -> list[VoceCronologia]:
        """Who changed what, when, from which PC or packet (newest first); for one objective:
        its own row and the rows that hang from it (fasi, indicators and their values, staff,
        resources, monitoring, valuations)."""
        sql = ("SELECT quando, utente, azione, tabella, riga_id, coalesce(postazione, ''), "
               "coalesce(pacchetto, '') FROM audit")
        params: list[Any] = []
        if obiettivo_id is not None:
            parts = ["(tabella = 'obiettivi' AND riga_id = ?)"]
            params.append(obiettivo_id)
            for table in ("fasi", "indicatori", "assegnazioni", "risorse", "stati_avanzamento",
                          "valutazioni", "obiettivi_unita"):
                parts.append(f"(tabella = '{table}' AND riga_id IN "
                             f"(SELECT id FROM [{table}] WHERE obiettivo_id = ?))")
                params.append(obiettivo_id)
            for table in ("misure", "rilevazioni"):
                parts.append(f"(tabella = '{table}' AND riga_id IN (SELECT id FROM [{table}] WHERE "
                             "indicatore_id IN (SELECT id FROM indicatori WHERE obiettivo_id = ?)))")
                params.append(obiettivo_id)
            parts.append("(pacchetto IS NOT NULL AND json_valid(dettaglio) AND "
                         "json_extract(dettaglio, '$.obiettivo') = ?)")
            params.append(obiettivo_id)
            sql += " WHERE " + " OR ".join(parts)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        packets = self._packet_names()
        out = []
        for quando, utente, azione, tabella, riga, pc, pacchetto in self.db.conn.execute(sql, params):
            try:
                when = datetime.fromisoformat(quando)
            except ValueError:
                when = datetime.min
            out.append(VoceCronologia(when, utente, azione, tabella, riga, pc,
                                      packets.get(pacchetto, pacchetto)))
        return out

    def _packet_names(self) -> dict[str, str]:
        """A packet's own changes are audited with its id: its file name reads better."""
        names = dict(self.db.conn.execute("SELECT pacchetto_uid, file FROM unioni").fetchall())
        if self.pacchetto is not None:
            names[self.pacchetto.uid] = f"settore {self.pacchetto.settore_nome}"
        return names

    def audit(self, limit: int = 100) -> list[tuple[str, str, str, str]]:
        return [tuple(r) for r in self.db.conn.execute(
            "SELECT quando, utente, azione, coalesce(dettaglio, '') FROM audit "
            "ORDER BY id DESC LIMIT ?", (limit,))]


class _PercState:
    """Bulk % of every objective for one year (see :meth:`Archive.percentuali`)."""

    def __init__(self, arc: Archive, anno: int) -> None:
        self.anno = anno
        self.dirty: set[int] = set()
        q = arc.db.conn.execute
        self.parent: dict[int, int | None] = {}
        self.children: dict[int, list[int]] = {}
        for oid, pid in q("SELECT id, parent_id FROM obiettivi ORDER BY posizione, id"):
            self.parent[oid] = pid
            self.children.setdefault(oid, [])
        # dicts keep the query's order, so children come out in sibling order
        for oid, pid in self.parent.items():
            if pid is not None and pid in self.children:
                self.children[pid].append(oid)
        #: each objective's (indicators %, fasi %) before the SMVP combines them: a new SMVP
        #: recombines them instead of reading and recomputing the plan (see :meth:`resistema`)
        self.parts: dict[int, tuple[Decimal | None, Decimal | None]] | None = {}
        self.sistema: engine.SistemaValutazione | None = arc.sistema_valutazione()
        self.own = _own_percentages(arc, anno, None, self.parts)
        self.validated = self._validated(arc, None)
        self.final: dict[int, Decimal | None] = {}
        self._computed: dict[int, Decimal | None] = {}
        for root in [o for o, p in self.parent.items() if p is None or p not in self.parent]:
            self._walk(root)

    def _validated(self, arc: Archive, oids: set[int] | None) -> dict[int, Decimal]:
        sql = "SELECT obiettivo_id, perc_validata FROM valutazioni WHERE anno = ? " \
              "AND perc_validata IS NOT NULL"
        params: tuple[Any, ...] = (self.anno,)
        if oids is not None:
            sql += f" AND obiettivo_id IN ({','.join('?' * len(oids))})"
            params += tuple(oids)
        return {oid: Decimal(str(v)) for oid, v in arc.db.conn.execute(sql, params)}

    def _walk(self, root: int) -> None:
        # iterative post-order: deep trees must not hit the recursion limit
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            oid, done = stack.pop()
            if not done:
                stack.append((oid, True))
                stack.extend((c, False) for c in reversed(self.children.get(oid, [])))
            else:
                self._settle(oid)

    def _settle(self, oid: int) -> None:
        kids = self.children.get(oid, [])
        comp = perc_nodo(None, [self.final.get(k) for k in kids], self.own.get(oid))
        self._computed[oid] = comp
        self.final[oid] = perc_nodo(self.validated.get(oid), None, comp)

    def resistema(self, sistema: engine.SistemaValutazione) -> bool:
        """Follow a new valuation system without reading the plan: recombine each objective's
        indicators % and fasi % and settle the tree again. False when that is not enough (the
        indicators' cap changed, or this state came from a worker without the parts)."""
        parts = getattr(self, "parts", None)
        old = getattr(self, "sistema", None)
        if parts is None or old is None or old.cap_indicatore != sistema.cap_indicatore:
            return False
        self.sistema = sistema
        if old.quota_indicatori == sistema.quota_indicatori:
            return True  # nothing the % depend on changed
        combine = sistema.perc_obiettivo
        for oid, (p_ind, p_fas) in parts.items():
            self.own[oid] = combine(p_ind, p_fas)
        self.final.clear()
        self._computed.clear()
        for root in [o for o, p in self.parent.items() if p is None or p not in self.parent]:
            self._walk(root)
        return True

    def computed(self, oid: int) -> Decimal | None:
        return self._computed.get(oid)

    # The state travels from the worker process to the GUI. Pickled as is (six dicts,
    # ~40.000 Decimals of 28 digits and as many ints for a 10.000-objective plan) its
    # unpickling is one C call that holds the GIL for 15-30 ms and freezes the window.
    # Packed as flat arrays and strings it unpickles at once; :class:`PercUnpacker`
    # then rebuilds the dicts on the GUI thread a slice of a few milliseconds at a time.
    # ``final`` is not sent: it is ``computed`` overridden by ``validated``.

    def pack(self) -> dict[str, Any]:
        """The state as a few flat, quickly picklable values (see :class:`PercUnpacker`)."""
        def dec(d: dict[int, Decimal | None]) -> tuple[array[int], str]:
            return array("q", d), _SEP.join("" if v is None else str(v) for v in d.values())

        out: dict[str, Any] = {
            "anno": self.anno, "dirty": array("q", self.dirty),
            "parent": (array("q", self.parent),
                       array("q", (0 if v is None else v for v in self.parent.values()))),
            "own": dec(self.own), "validated": dec(dict(self.validated)),
            "computed": dec(self._computed)}
        # each objective's (indicators %, fasi %) and the system that combined them:
        # a GUI that adopted this state follows a new SMVP without recomputing
        parts, sistema = self.parts, getattr(self, "sistema", None)
        if parts is not None and sistema:
            out.update(parts_ind=dec({k: v[0] for k, v in parts.items()}),
                       parts_fas=dec({k: v[1] for k, v in parts.items()}), sistema=sistema.to_json())
        return out

    def restructure(self, arc: Archive, ch: Changes | None = None) -> set[int]:
        """Follow a change of the tree's shape; returns the nodes to recompute.

        New objectives and the parents whose children changed (in number, identity or
        order: the mean is summed in sibling order, like a fresh computation) are dirty;
        :meth:`refresh` then settles them and their ancestors. With ``ch`` only the
        parents it concerns are read again; without it (or for a large change) all the
        links, a few milliseconds on a large plan.
        """
        touched: set[int] = set()
        if ch is not None:
            touched = (set(ch.inserted.get("obiettivi", ())) | set(ch.deleted.get("obiettivi", ()))
                       | ch.moved | {oid for oid, f in ch.updated.get("obiettivi", {}).items()
                                     if f & {"parent_id", "posizione"}})
        if ch is None or len(touched) > RESTRUCTURE_FULL_ABOVE:
            parent, children, changed = self._all_links(arc)
        else:
            parent, children, changed = self._links_of(arc, touched)
        changed |= set(parent) - set(self.parent)  # new objectives: their own % to compute
        for oid in set(self.parent) - set(parent):  # gone
            for d in (self.own, self.validated, self.final, self._computed):
                d.pop(oid, None)
        self.parent, self.children = parent, children
        self.dirty = {o for o in self.dirty if o in parent}
        return {o for o in changed if o in parent}

    def _all_links(self, arc: Archive) -> tuple[dict[int, int | None], dict[int, list[int]], set[int]]:
        """Every objective's parent and children read again; the parents whose children differ."""
        parent: dict[int, int | None] = dict(arc.db.conn.execute(
            "SELECT id, parent_id FROM obiettivi ORDER BY posizione, id").fetchall())
        children: dict[int, list[int]] = {oid: [] for oid in parent}
        for oid, pid in parent.items():
            if pid is not None and pid in children:
                children[pid].append(oid)
        return parent, children, {oid for oid, kids in children.items()
                                  if self.children.get(oid) != kids}

    def _links_of(self, arc: Archive, touched: set[int]
                  ) -> tuple[dict[int, int | None], dict[int, list[int]], set[int]]:
        """The links of ``touched`` objectives and the children of their old and new parents
        read again (those parents are returned as changed)."""
        q = arc.db.conn.execute
        marks = ",".join("?" * len(touched))
        now = dict(q(f"SELECT id, parent_id FROM obiettivi WHERE id IN ({marks})",
                     tuple(touched)).fetchall())
        parent = dict(self.parent)
        parents = {p for p in (self.parent.get(o) for o in touched) if p is not None}
        parents |= {p for p in now.values() if p is not None}
        for oid in touched:
            if oid in now:
                parent[oid] = now[oid]
            else:
                parent.pop(oid, None)
        children = {oid: self.children.get(oid, []) for oid in parent}
        for pid in parents & set(parent):
            children[pid] = [r[0] for r in q(
                "SELECT id FROM obiettivi WHERE parent_id = ? ORDER BY posizione, id", (pid,))]
        return parent, children, parents

    def refresh(self, arc: Archive) -> None:
        dirty, self.dirty = self.dirty, set()
        dirty &= set(self.parent)
        if not dirty:
            return
        parts = getattr(self, "parts", None)
        own = _own_percentages(arc, self.anno, dirty, parts)
        for oid in dirty:
            self.own[oid] = own.get(oid)
        fresh = self._validated(arc, dirty)
        for oid in dirty:
            if oid in fresh:
                self.validated[oid] = fresh[oid]
            else:
                self.validated.pop(oid, None)
        # re-settle the dirty nodes and their ancestors, deepest first
        todo: dict[int, int] = {}
        for oid in dirty:
            cur: int | None = oid
            chain = []
            while cur is not None and cur in self.parent:
                chain.append(cur)
                cur = self.parent[cur]
            for n, node in enumerate(chain):
                todo[node] = max(todo.get(node, 0), len(chain) - n)
        for oid in sorted(todo, key=todo.__getitem__, reverse=True):
            self._settle(oid)


class PercUnpacker:
    """Rebuilds a packed :class:`_PercState` in slices (``step``), so the GUI stays live."""

    CHUNK = 1500  # values converted between two checks of the time budget

    def __init__(self, packed: dict[str, Any]) -> None:
        self.packed = packed
        self.state: _PercState | None = None
        self._work = self._steps()

    def step(self, budget_s: float = 0.003) -> bool:
        """Rebuild for about ``budget_s`` seconds; True once :attr:`state` is complete."""
        import time

        end = time.perf_counter() + budget_s
        return all(time.perf_counter() < end for _ in self._work)

    def run(self) -> _PercState:
        """Rebuild at once (tests, worker threads)."""
        for _ in self._work:
            pass
        assert self.state is not None
        return self.state

    def _steps(self) -> Iterator[None]:
        pk, n = self.packed, self.CHUNK
        st = _PercState.__new__(_PercState)
        st.anno, st.dirty = pk["anno"], set(pk["dirty"])
        ids, parents = pk["parent"]
        st.parent, st.children = {}, {}
        for k in range(0, len(ids), n):
            part = ids[k:k + n]
            st.parent.update(zip(part, (p or None for p in parents[k:k + n]), strict=True))
            st.children.update((oid, []) for oid in part)
            yield
        kids = st.children
        for oid, pid in st.parent.items():  # (dicts keep the order: siblings stay in order)
            if pid is not None and pid in kids:
                kids[pid].append(oid)
        yield
        decoded: list[dict[int, Decimal | None]] = []
        keys = ("own", "validated", "computed", *(("parts_ind", "parts_fas") if "parts_ind" in pk
                                                   else ()))
        for key in keys:
            keys, text = pk[key]
            out: dict[int, Decimal | None] = {}
            texts = text.split(_SEP) if keys else []
            for k in range(0, len(keys), n):
                out.update(zip(keys[k:k + n], [Decimal(x) if x else None for x in texts[k:k + n]],
                               strict=True))
                yield
            decoded.append(out)
        st.own = decoded[0]
        st.validated = {k: v for k, v in decoded[1].items() if v is not None}
        st._computed = decoded[2]
        st.parts, st.sistema = None, None
        if len(decoded) == 5:
            fas = decoded[4]
            st.parts = {oid: (p, fas.get(oid)) for oid, p in decoded[3].items()}
            st.sistema = engine.SistemaValutazione.from_json(pk["sistema"])
        val = st.validated
        st.final = {oid: val.get(oid, c) for oid, c in st._computed.items()} if val \
            else dict(st._computed)
        self.state = st


#: the tables whose rows feed an objective's own % (besides the tree's shape)
_PERC_TABLES = ("misure", "indicatori", "fasi", "valutazioni")
_SEP = "\x1f"  # (unit separator: never inside a number)
#: above this many objectives moved/inserted/deleted, the % cache re-reads all the links
RESTRUCTURE_FULL_ABOVE = 200
_IND_COLS = ("id", "obiettivo_id", "tipo", "polarita", "aggregazione", "peso", "baseline", "anno_baseline",
             "solo_individuale")
_MIS_COLS = ("id", "indicatore_id", "anno", "periodo", "target_testo", "target", "valore_testo",
             "valore")


def _own_percentages(arc: Archive, anno: int, oids: set[int] | None,
                     parts: dict[int, tuple[Decimal | None, Decimal | None]] | None = None
                     ) -> dict[int, Decimal | None]:
    """Each objective's own % (its indicators and/or fasi, per the SMVP), in few queries;
    ``parts`` receives each objective's (indicators %, fasi %) too."""
    sistema = arc.sistema_valutazione()
    where_i: str | None = None
    params_i: tuple[int, ...] = ()
    if oids is not None:
        marks = ",".join("?" * len(oids))
        where_i, params_i = f"obiettivo_id IN ({marks})", tuple(oids)
    inds = arc.select(Indicatore, where_i, params_i, order="obiettivo_id, posizione, id",
                      columns=_IND_COLS)
    ind_ids = {i.id for i in inds}
    # the year's rows, and the past years' annual values (trend targets compare with them)
    anni = "(anno = ? OR (anno < ? AND periodo = '' AND valore IS NOT NULL))"
    if oids is None:
        misure = arc.select(Misura, anni, (anno, anno), columns=_MIS_COLS)
    elif ind_ids:
        marks = ",".join("?" * len(ind_ids))
        misure = arc.select(Misura, f"{anni} AND indicatore_id IN ({marks})", (anno, anno, *ind_ids),
                            columns=_MIS_COLS)
    else:
        misure = []
    by_ind: dict[int, list[Misura]] = {}
    for m in misure:
        by_ind.setdefault(m.indicatore_id, []).append(m)
    fasi = arc.select(Fase, where_i, params_i, order="obiettivo_id, posizione, id",
                      columns=("id", "obiettivo_id", "perc_realizzazione", "peso"))
    by_ob_ind: dict[int, list[engine.RisultatoIndicatore]] = {}
    for i in inds:
        by_ob_ind.setdefault(i.obiettivo_id, []).append(
            engine.risultato_indicatore(i, by_ind.get(i.id or 0, []), anno, cap=sistema.cap_indicatore))
    by_ob_fasi: dict[int, list[Fase]] = {}
    for f in fasi:
        by_ob_fasi.setdefault(f.obiettivo_id, []).append(f)
    out: dict[int, Decimal | None] = {}
    for oid in set(by_ob_ind) | set(by_ob_fasi):
        p_ind = engine.perc_indicatori(by_ob_ind.get(oid, []))
        p_fas = engine.perc_fasi(by_ob_fasi.get(oid, []))
        out[oid] = sistema.perc_obiettivo(p_ind, p_fas)
        if parts is not None:
            parts[oid] = (p_ind, p_fas)
    if parts is not None and oids is not None:
        for oid in oids - out.keys():
            parts.pop(oid, None)
    return out


# ---------------------------------------------------------------------- helpers


def _pesi(rows: list[tuple[Any]]) -> tuple[int, list[Decimal]]:
    return len(rows), [Decimal(v) if isinstance(v, str) else Decimal(str(v))
                       for (v,) in rows if v is not None and v != ""]


def _readonly_location(path: Path) -> str | None:
    """Why ``path`` cannot be written (read-only file or folder), or ``None``."""
    import os

    if not os.access(path, os.W_OK):
        return f"Il file «{path.name}» è in sola lettura: il piano è aperto in sola lettura."
    if not os.access(path.resolve().parent, os.W_OK):
        return (f"La cartella di «{path.name}» è in sola lettura: "
                "il piano è aperto in sola lettura.")
    return None


class LockLost(PlanError):
    """Another program took the plan's lock over: this one may no longer write."""


_FUORI_PACCHETTO = ("Questo pacchetto è del settore «{settore}»: {cosa} non si può modificare qui "
                    "(è solo di consultazione). La modifica non è stata salvata.")


def _cosa(table: str, row: dict[str, Any]) -> str:
    from .pacchetti import _NOMI

    name = _NOMI.get(table, table)
    code = row.get("codice") or row.get("id")
    return f"«{name} {code}»"


_HOST: list[str] = []


def _postazione() -> str:
    """This PC's name (audit: from which PC a change came)."""
    if not _HOST:
        import socket

        _HOST.append(socket.gethostname() or "?")
    return _HOST[0]


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "utente"


def _detail(edit: Edit) -> str | None:
    new = getattr(edit, "new", None)
    if new is None:
        return None
    try:
        return json.dumps({"prima": getattr(edit, "old", None), "dopo": new}, ensure_ascii=False)
    except TypeError:
        return None


def _sql_message(err: sqlite3.Error) -> str:
    text = str(err)
    if "FOREIGN KEY" in text:
        return "La modifica fa riferimento a un elemento che non esiste più."
    if "UNIQUE" in text:
        return "Esiste già un elemento con gli stessi dati (duplicato)."
    if "CHECK" in text:
        return "Valore non ammesso (per sovrascrivere una percentuale serve una motivazione)."
    if "NOT NULL" in text:
        return "Manca un dato obbligatorio."
    if "disk" in text or "full" in text:
        return "Disco pieno: la modifica è stata annullata, il piano è intatto."
    if "locked" in text or "busy" in text:
        return "Il piano è in uso da un altro programma: riprovare tra poco."
    return f"Errore del database: {text}"


