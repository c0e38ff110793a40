"""Automatic rotating backups of plan files, and restoring one.

A backup is a complete, self-contained copy of the plan made with SQLite's
online backup API from a separate read connection (so it can run in a worker
thread while the GUI keeps editing: WAL lets a reader see the last committed
state). Copies live in the per-user data folder, one sub-folder per plan
(``backup/<nome>-<hash del percorso>/``), named
``<nome>_<AAAAMMGG-HHMMSS>_<motivo>.piao``; they are kept for
:data:`KEEP_DAYS` days, and the newest :data:`KEEP_MIN` are never deleted.

The GUI calls :func:`tick` every minute: it touches the lock file of every plan
this process holds (the heartbeat that keeps the lock fresh) and makes a copy
when the last one is older than :data:`EVERY` and the plan has changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import user_data_dir
from .db import PlanError, open_plan_db
from .lock import PlanLock, held_locks

__all__ = ["Backup", "backup_dir", "backup_on_open", "check_backup", "held_locks", "list_backups",
           "make_backup", "prune", "restore", "restore_file", "tick"]

if TYPE_CHECKING:
    from .archive import Archive

EVERY = timedelta(minutes=10)
KEEP_DAYS = 14
KEEP_MIN = 5

MOTIVI = {
    "apertura": "all'apertura",
    "periodico": "automatica",
    "manuale": "manuale",
    "ripristino": "prima del ripristino",
}
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    path: Path
    quando: datetime
    motivo: str  # key of MOTIVI

    @property
    def descrizione(self) -> str:
        return MOTIVI.get(self.motivo, self.motivo)

    @property
    def dimensione(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def backup_dir(plan: Path | str, *, create: bool = True) -> Path:
    """Folder holding the copies of ``plan`` (per user; one per plan path)."""
    plan = Path(plan).resolve()
    digest = hashlib.sha1(os.path.normcase(str(plan)).encode("utf-8")).hexdigest()[:8]
    folder = user_data_dir() / "backup" / f"{plan.stem}-{digest}"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
        origin = folder / "origine.json"
        if not origin.exists():
            origin.write_text(json.dumps({"piano": str(plan)}, ensure_ascii=False), encoding="utf-8")
    return folder


def list_backups(plan: Path | str) -> list[Backup]:
    """Copies of ``plan``, newest first."""
    folder = backup_dir(plan, create=False)
    out = []
    if folder.is_dir():
        for f in folder.glob("*.piao"):
            parts = f.stem.rsplit("_", 2)
            if len(parts) != 3:
                continue
            try:
                quando = datetime.strptime(parts[1], _STAMP)
            except ValueError:
                continue
            out.append(Backup(f, quando, parts[2]))
    out.sort(key=lambda b: (b.quando, b.path.name), reverse=True)
    return out


def _marker(plan: Path) -> tuple[int, int] | None:
    """What changes whenever a plan is edited: every edit appends to ``audit``."""
    try:
        conn = sqlite3.connect(Path(plan).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA busy_timeout = 3000")
        audit = conn.execute("SELECT coalesce(max(rowid), 0) FROM audit").fetchone()[0]
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        return int(audit), int(schema)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _changed_since(plan: Path, last: Backup) -> bool:
    current = _marker(plan)
    return current is None or current != _marker(last.path)


def make_backup(plan: Path | str, motivo: str = "manuale", *,
                now: datetime | None = None) -> Path:
    """Copy ``plan`` (last committed state) into its backup folder; return the copy.

    Raises :class:`PlanError` (Italian) if the copy cannot be written; a partial
    copy is never left behind.
    """
    plan = Path(plan)
    now = (now or datetime.now()).replace(microsecond=0)
    folder = backup_dir(plan)
    target = folder / f"{plan.stem}_{now.strftime(_STAMP)}_{motivo}.piao"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{plan.stem}_{now.strftime(_STAMP)}_{motivo}{n}.piao"
    partial = target.with_suffix(".parziale")
    src = dst = None
    try:
        src = sqlite3.connect(plan.resolve().as_uri() + "?mode=ro", uri=True)
        src.execute("PRAGMA busy_timeout = 3000")
        dst = sqlite3.connect(str(partial), isolation_level=None)
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        dst.close()
        dst = None
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise PlanError(f"Copia di sicurezza di «{plan.name}» non riuscita: {exc}") from exc
    finally:
        if src is not None:
            src.close()
        if dst is not None:
            dst.close()
        partial.unlink(missing_ok=True)
    os.utime(target, (now.timestamp(), now.timestamp()))
    return target


def prune(plan: Path | str, *, keep_days: int = KEEP_DAYS, keep_min: int = KEEP_MIN,
          now: datetime | None = None) -> list[Path]:
    """Delete copies older than ``keep_days`` (never the newest ``keep_min``)."""
    now = now or datetime.now()
    removed = []
    for b in list_backups(plan)[keep_min:]:
        if now - b.quando > timedelta(days=keep_days):
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                pass
    return removed


def due(plan: Path | str, *, every: timedelta = EVERY, now: datetime | None = None) -> bool:
    """Whether a periodic copy is needed: none yet, or the last is old and the plan changed."""
    now = now or datetime.now()
    backups = list_backups(plan)
    if not backups:
        return True
    if now - backups[0].quando < every:
        return False
    return _changed_since(Path(plan), backups[0])


def backup_on_open(plan: Path | str, *, now: datetime | None = None) -> Path | None:
    """The copy made when a plan is opened read-write (skipped if nothing changed since the last)."""
    plan = Path(plan)
    backups = list_backups(plan)
    if backups and not _changed_since(plan, backups[0]):
        return None
    made = make_backup(plan, "apertura", now=now)
    prune(plan, now=now)
    return made


def tick(locks: list[PlanLock] | None = None, *, every: timedelta = EVERY,
         now: datetime | None = None) -> list[Path]:
    """Heartbeat every held lock and make the periodic copies that are due.

    Safe to run in a worker thread. Errors (full disk...) are swallowed: a failed
    copy must never disturb editing; the next tick tries again.
    """
    made = []
    for lock in held_locks() if locks is None else locks:
        lock.heartbeat()
        try:
            if due(lock.plan, every=every, now=now):
                made.append(make_backup(lock.plan, "periodico", now=now))
                prune(lock.plan, now=now)
        except PlanError:
            continue
    return made


def check_backup(path: Path | str) -> str | None:
    """Italian reason why ``path`` cannot be restored, or ``None`` if it is a sound plan."""
    try:
        db = open_plan_db(Path(path), readonly=True)
    except PlanError as exc:
        if "va aggiornato" not in str(exc):
            return str(exc)
        return None  # an older schema: upgraded on a temporary copy while restoring
    try:
        result = db.conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.conn.close()
    return None if result == "ok" else f"La copia è danneggiata: {result}."


def restore(archive: Archive, backup: Path | str) -> Path:
    """Replace the content of the open ``archive`` with ``backup``.

    The current state is first saved as a copy ("prima del ripristino"), so a
    restore can itself be undone by restoring that copy. The backup is checked
    (and upgraded, if from an older version) on a temporary copy, then written
    into the plan with the backup API in one step. Returns the safety copy.
    """
    import shutil
    import tempfile

    backup = Path(backup)
    if archive.readonly or archive.path is None:
        raise PlanError("Il piano è aperto in sola lettura: impossibile ripristinare una copia.")
    problem = check_backup(backup)
    if problem:
        raise PlanError(problem)
    with tempfile.TemporaryDirectory(prefix="piaodesk-ripristino-") as tmp:
        work = Path(tmp) / "copia.piao"
        shutil.copyfile(backup, work)
        src = open_plan_db(work, readonly=False)  # migrates an older copy
        try:
            safety = make_backup(archive.path, "ripristino")
            try:
                src.conn.backup(archive.db.conn)
            except sqlite3.Error as exc:
                raise PlanError(f"Ripristino non riuscito, il piano non è stato modificato: {exc}") from exc
        finally:
            src.conn.close()
    archive.db.conn.execute("PRAGMA journal_mode = WAL")
    archive._reserved.clear()
    archive.__dict__.pop("_fk_cache", None)
    return safety


def restore_file(backup: Path | str, plan: Path | str) -> Path | None:
    """Put ``backup`` in place of a plan that cannot be opened (damaged, truncated).

    The damaged file is kept beside it as ``<nome>.danneggiato-<data>.piao`` (returned),
    never deleted. The plan must not be open in this program.
    """
    import shutil

    backup, plan = Path(backup), Path(plan)
    problem = check_backup(backup)
    if problem:
        raise PlanError(problem)
    from .lock import acquire

    lock = acquire(plan)
    try:
        kept = None
        if plan.exists():
            stamp = datetime.now().strftime(_STAMP)
            kept = plan.with_name(f"{plan.stem}.danneggiato-{stamp}{plan.suffix}")
            os.replace(plan, kept)
            for extra in ("-wal", "-shm"):
                side = plan.with_name(plan.name + extra)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + extra))
        partial = plan.with_name(plan.name + ".ripristino")
        shutil.copyfile(backup, partial)
        os.replace(partial, plan)
    finally:
        lock.release()
    return kept
