"""Opening, creating and checking ``.piao`` plan files.

One plan file = one SQLite database in WAL mode with foreign keys on, an
``application_id`` that marks it as ours and ``PRAGMA user_version`` for the
schema version. Every problem a person can meet when opening a file becomes a
:class:`PlanError` with an Italian message that says what and where.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
PLAN_SUFFIX = ".piao"


class PlanError(Exception):
    """A plan file cannot be opened or written; ``str()`` is the Italian message."""


class PlanDamaged(PlanError):
    """The file is a plan but damaged or truncated: the GUI offers to restore a backup."""


_RESTORE_HINT = " Si può ripristinare una copia di sicurezza (menu File › Ripristina da backup…)."


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except PermissionError as exc:
        raise PlanError(f"Non ho i permessi per leggere il file «{path}».") from exc
    except IsADirectoryError as exc:
        raise PlanError(f"«{path}» è una cartella, non un file di piano.") from exc
    if len(head) == 0:
        raise PlanError(f"Il file «{path}» è vuoto: non è un piano piaodesk.")
    if not head.startswith(SQLITE_MAGIC):
        raise PlanError(
            f"Il file «{path.name}» non è un piano piaodesk (.piao): "
            "non è un database SQLite. Forse è un documento di testo o un foglio Excel? "
            "Per un foglio Excel usare «Importa»."
        )
    if len(head) < 100:
        raise PlanError(f"Il file «{path.name}» è troncato o danneggiato.")
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise PlanError(
            f"Il file «{path.name}» è un database SQLite ma non un piano piaodesk "
            "(manca il contrassegno dell'applicazione). Non viene aperto per non modificarlo."
        )
    version = int.from_bytes(head[60:64], "big")
    if version > SCHEMA_VERSION:
        raise PlanError(
            f"Il piano «{path.name}» è stato salvato da una versione più recente di piaodesk "
            f"(schema {version}, questa versione legge fino allo schema {SCHEMA_VERSION}). "
            "Aggiornare il programma per aprirlo."
        )


def _connect(path: Path | str, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        if not _dir_writable(Path(path)):
            # a WAL plan in a read-only folder (CD, protected share) cannot create its
            # -shm file: read it as an immutable file instead
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                uri = Path(path).resolve().as_uri() + "?immutable=1"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 3000")
    return conn


def _dir_writable(path: Path) -> bool:
    import os

    return os.access(path.resolve().parent, os.W_OK)


def _migrate(conn: sqlite3.Connection, path: Path | str) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for number in range(current + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript() would COMMIT first; run statements one by one instead
            script = _script_of(MIGRATIONS[number - 1])
            for statement in _split_sql(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except Exception as exc:
            conn.execute("ROLLBACK")
            raise PlanError(f"Aggiornamento dello schema del piano «{path}» non riuscito: {exc}") from exc


def _script_of(migration: object) -> str:
    """Migrations are functions over a connection; capture the SQL they run."""
    recorder = _Recorder()
    migration(recorder)  # type: ignore[operator]
    return "\n".join(recorder.sql)


class _Recorder:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def executescript(self, sql: str) -> None:
        self.sql.append(sql)

    def execute(self, sql: str, *args: object) -> None:
        if args:
            raise ValueError("parametri non ammessi nelle migrazioni")
        self.sql.append(sql.rstrip().rstrip(";") + ";")


def _split_sql(script: str) -> list[str]:
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


def create_plan_db(path: Path | str) -> Database:
    """Create a new, empty plan file (refusing to overwrite an existing file)."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise PlanError(f"Il file «{path}» esiste già: scegliere un altro nome.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path, readonly=False)
    except (sqlite3.Error, OSError) as exc:
        raise PlanError(f"Impossibile creare il piano «{path}»: {exc}") from exc
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    _migrate(conn, path)
    return Database(conn)


def open_plan_db(path: Path | str, *, readonly: bool = False) -> Database:
    """Open an existing plan file, upgrading its schema when older.

    Raises :class:`PlanError` for a missing file, a non-SQLite file, another
    application's database, a newer schema or a damaged file.
    """
    path = Path(path)
    if not path.exists():
        raise PlanError(f"Il piano «{path}» non esiste.")
    _check_header(path)
    try:
        conn = _connect(path, readonly)
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise PlanDamaged(f"Il piano «{path.name}» è danneggiato e non può essere aperto ({exc})."
                          + _RESTORE_HINT) from exc
    if check != "ok":
        conn.close()
        problems = [ln for ln in check.splitlines() if ln.strip() and not ln.startswith("***")]
        raise PlanDamaged(f"Il piano «{path.name}» è danneggiato ({len(problems)} errori di struttura, "
                          f"il primo: {problems[0] if problems else check})." + _RESTORE_HINT)
    if not readonly:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            conn.close()
            raise PlanError(f"Il piano «{path.name}» non è scrivibile ({exc}).") from exc
        _migrate(conn, path)
    elif conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        conn.close()
        raise PlanError(f"Il piano «{path.name}» va aggiornato ma è aperto in sola lettura.")
    return Database(conn)
