"""Opening, creating and checking ``.piao`` plan files.

One plan file = one SQLite database in WAL mode with foreign keys on, an
``application_id`` that marks it as ours and ``PRAGMA user_version`` for the
schema version. Every problem a person can meet when opening a file becomes a
:class:`PlanError` with an Italian message that says what and where.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..fsio import describe_errno, describe_os_error
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
PLAN_SUFFIX = ".piao"


class Database:
    """An open plan file: its SQLite connection ``conn``.

    (sqlite-utils' ``Database`` was used only for ``.conn``; importing it costs about
    0,15 s at every start, numpy included.)
    """

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class PlanError(Exception):
    """A plan file cannot be opened or written; ``str()`` is the Italian message."""

    #: the plan file concerned, when known (the CLI and GUI look for its backups)
    path: Path | None = None

    def __init__(self, *args: object, path: Path | str | None = None) -> None:
        super().__init__(*args)
        if path is not None:
            self.path = Path(path)


class PlanUnreadable(PlanError):
    """The file cannot be read as a plan (missing, overwritten, truncated, damaged):
    restoring one of its backups may help, and is offered when there are some."""


class PlanDamaged(PlanUnreadable):
    """The file is a plan but damaged or truncated (``integrity_check`` says so)."""


# SQLite primary result codes met at the file system's edge
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 3, 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26


def sqlite_os_errno(exc: sqlite3.Error, path: Path | None = None) -> int | None:
    """The OS error behind a SQLite error (full disk, read-only, permission, I/O), if any."""
    import errno
    import shutil

    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc).lower()
    folder = Path(path).resolve().parent if path is not None else None
    if code == _SQLITE_FULL or "full" in text:
        return errno.ENOSPC
    if folder is not None:
        try:
            if shutil.disk_usage(folder).free < 64 * 1024:
                return errno.ENOSPC
        except OSError:
            pass
    if code == _SQLITE_READONLY or "readonly" in text:
        return errno.EROFS
    if code == _SQLITE_PERM:
        return errno.EACCES
    if code == _SQLITE_CANTOPEN or "unable to open" in text:
        if folder is not None and not os.access(folder, os.W_OK):
            return errno.EROFS if _read_only_fs(folder) else errno.EACCES
        return errno.EACCES
    if code == _SQLITE_IOERR or "i/o" in text:
        return errno.EIO
    return None


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def sqlite_message(exc: sqlite3.Error, path: Path, *, azione: str = "scrivere") -> str:
    """One Italian line for a SQLite error on ``path``: the OS cause when there is one."""
    code = sqlite_os_errno(exc, path)
    return describe_errno(code, Path(path).name, azione=azione,
                          detail=f"errore del database: {exc}")


_RESTORE_HINT = " Si può ripristinare una copia di sicurezza (menu File › Ripristina da backup…)."


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except PermissionError as exc:
        raise PlanError(f"Non ho i permessi per leggere il file «{path}».", path=path) from exc
    except IsADirectoryError as exc:
        raise PlanError(f"«{path}» è una cartella, non un file di piano.") from exc
    except OSError as exc:  # EIO: a failing disk, stick or network share
        raise PlanError(describe_os_error(exc, path, azione="leggere"), path=path) from exc
    if len(head) == 0:
        raise PlanUnreadable(f"Il file «{path}» è vuoto: non è un piano piaodesk.", path=path)
    if not head.startswith(SQLITE_MAGIC):
        raise PlanUnreadable(
            f"Il file «{path.name}» non è un piano piaodesk (.piao): "
            "non è un database SQLite. Forse è un documento di testo o un foglio Excel? "
            "Per un foglio Excel usare «Importa».", path=path
        )
    if len(head) < 100:
        raise PlanUnreadable(f"Il file «{path.name}» è troncato o danneggiato.", path=path)
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise PlanUnreadable(
            f"Il file «{path.name}» è un database SQLite ma non un piano piaodesk "
            "(manca il contrassegno dell'applicazione). Non viene aperto per non modificarlo.",
            path=path
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
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = WAL")
    except OSError as exc:
        raise PlanError(f"Impossibile creare il piano: {describe_os_error(exc, path)}") from exc
    except sqlite3.Error as exc:
        raise PlanError(f"Impossibile creare il piano: {sqlite_message(exc, path)}") from exc
    _migrate(conn, path)
    return Database(conn)


def _open_failure(path: Path, exc: sqlite3.Error) -> PlanError:
    """Why SQLite refused to open ``path``: damage only if ``integrity_check`` says so."""
    verdict = _integrity_of_file(path)
    if verdict is None or verdict == "ok":
        code = sqlite_os_errno(exc, path)
        cause = describe_errno(code, path.name, azione="aprire",
                               detail=f"errore del database: {exc}")
        tail = " Il file del piano è integro." if verdict == "ok" else ""
        return PlanError(f"Impossibile aprire il piano: {cause}{tail}", path=path)
    return PlanDamaged(f"Il piano «{path.name}» è danneggiato e non può essere aperto ({verdict})."
                       + _RESTORE_HINT, path=path)


def _integrity_of_file(path: Path) -> str | None:
    """``PRAGMA integrity_check`` of the file as it lies on the disk (read as immutable: no
    -wal/-shm needed, nothing written); ``None`` when even that cannot run (an OS problem)."""
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        return str(exc) if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) else None
    finally:
        conn.close()


def open_plan_db(path: Path | str, *, readonly: bool = False, network: bool = False) -> Database:
    """Open an existing plan file, upgrading its schema when older.

    ``network``: the plan is on a network share (:mod:`.rete`): written with the rollback
    journal and SQLite's exclusive locking instead of WAL, as SQLite advises.
    Raises :class:`PlanError` for a missing file, a non-SQLite file, another
    application's database, a newer schema or a damaged file.
    """
    path = Path(path)
    if not path.exists():
        raise PlanUnreadable(f"Il piano «{path}» non esiste.", path=path)
    _check_header(path)
    conn = None
    try:
        conn = _connect(path, readonly)
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise _open_failure(path, exc) from exc
    if check != "ok":
        conn.close()
        problems = [ln for ln in check.splitlines() if ln.strip() and not ln.startswith("***")]
        raise PlanDamaged(f"Il piano «{path.name}» è danneggiato ({len(problems)} errori di struttura, "
                          f"il primo: {problems[0] if problems else check})." + _RESTORE_HINT,
                          path=path)
    if not readonly:
        try:
            if network:
                conn.execute("PRAGMA locking_mode = EXCLUSIVE")
                conn.execute("PRAGMA journal_mode = DELETE")
            else:
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            conn.close()
            raise PlanError(f"Il piano «{path.name}» non è scrivibile: "
                            f"{sqlite_message(exc, path)}", path=path) from exc
        _migrate(conn, path)
    elif conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        conn.close()
        raise PlanError(f"Il piano «{path.name}» va aggiornato ma è aperto in sola lettura.")
    return Database(conn)
