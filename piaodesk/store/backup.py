"""Automatic rotating backups of plan files, and restoring one.

A backup is a complete, self-contained copy of the plan made with SQLite's
online backup API from a separate read connection (so it can run in a worker
thread while the GUI keeps editing: WAL lets a reader see the last committed
state). Copies live in the per-user data folder, one sub-folder per plan
(``backup/<nome>-<hash del percorso>/``), named
``<nome>_<AAAAMMGG-HHMMSS>_<motivo>.piao``. Valuations are personal data: the
folders are private (0700) and the copies too (0600; on Windows the per-user
profile folder).

How many are kept (:func:`prune`): every copy of the last hour, then one per
hour for a day, one per day for a month, one per month for a year (the newest
:data:`KEEP_MIN` always); then a size budget per plan (:data:`BUDGET_PLAN`)
and for all plans together (:data:`BUDGET_TOTAL`) removes the oldest. Copies of
plans that no longer exist are listed by :func:`orphans` after a grace period
and removed only when the person agrees (:func:`remove_orphans`).

:func:`prima_di_scrivere` is the copy made before a command writes to a plan
(CLI); :func:`restore_file` puts a copy in place of a plan file, atomically,
after saving the current file.

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

from ..fsio import atomic_open, atomic_path, describe_os_error, publish
from ..paths import make_private, private_dir, user_data_dir
from .db import PlanError, open_plan_db, sqlite_message
from .lock import PlanLock, held_locks

__all__ = ["Backup", "Orfano", "backup_dir", "backup_on_open", "check_backup", "held_locks",
           "list_backups", "make_backup", "orphans", "prima_di_scrivere", "prune", "remove_orphans",
           "restore", "restore_file", "thin", "tick"]

if TYPE_CHECKING:
    from .archive import Archive

EVERY = timedelta(minutes=10)
#: the newest copies never removed by thinning
KEEP_MIN = 5
#: every copy younger than this is kept; then one per hour, per day, per month
ALL_FOR = timedelta(hours=1)
HOURLY_FOR = timedelta(days=1)
DAILY_FOR = timedelta(days=31)
MONTHLY_FOR = timedelta(days=366)
#: size budgets (bytes): the oldest copies go first; the newest BUDGET_KEEP always stay
BUDGET_PLAN = 250 * 1024 * 1024
BUDGET_TOTAL = 1024 * 1024 * 1024
BUDGET_KEEP = 2
#: copies of a plan that no longer exists are offered for removal after this long
ORPHAN_GRACE = timedelta(days=30)

MOTIVI = {
    "apertura": "all'apertura",
    "periodico": "automatica",
    "manuale": "manuale",
    "ripristino": "prima del ripristino",
    "comando": "prima di un comando",
    "importazione": "prima di un'importazione",
}
_STAMP = "%Y%m%d-%H%M%S"


def formato_dimensione(n: int) -> str:
    """``292 kB``, ``12,3 MB`` (Italian decimals) for a person reading a list of copies."""
    from ..domain.formats import format_decimal

    if n >= 1024 * 1024:
        return f"{format_decimal(round(n / 1024 / 1024, 1), 1)} MB"
    return f"{max(1, round(n / 1024))} kB"


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


def backup_root() -> Path:
    return user_data_dir() / "backup"


def backup_dir(plan: Path | str, *, create: bool = True) -> Path:
    """Folder holding the copies of ``plan`` (per user; one per plan path; private)."""
    plan = Path(plan).resolve()
    digest = hashlib.sha1(os.path.normcase(str(plan)).encode("utf-8")).hexdigest()[:8]
    folder = backup_root() / f"{plan.stem}-{digest}"
    if create:
        private_dir(backup_root())
        private_dir(folder)
        origin = folder / "origine.json"
        if not origin.exists():
            with atomic_open(origin, "w", encoding="utf-8") as fh:
                fh.write(json.dumps({"piano": str(plan)}, ensure_ascii=False))
            make_private(origin)
    return folder


def list_backups(plan: Path | str) -> list[Backup]:
    """Copies of ``plan``, newest first."""
    folder = backup_dir(plan, create=False)
    return _list_folder(folder) if folder.is_dir() else []


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
        # created private before SQLite writes a byte into it (its journal inherits the mode)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        make_private(partial)
        src = sqlite3.connect(plan.resolve().as_uri() + "?mode=ro", uri=True)
        src.execute("PRAGMA busy_timeout = 3000")
        dst = sqlite3.connect(str(partial), isolation_level=None)
        dst.execute("PRAGMA synchronous = OFF")  # a scratch file: flushed once, when published
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        dst.close()
        dst = None
        publish(partial, target)
    except OSError as exc:
        raise PlanError(f"Copia di sicurezza di «{plan.name}» non riuscita: "
                        f"{describe_os_error(exc, target)}", path=plan) from exc
    except sqlite3.Error as exc:
        raise PlanError(f"Copia di sicurezza di «{plan.name}» non riuscita: "
                        f"{sqlite_message(exc, target)}", path=plan) from exc
    finally:
        if src is not None:
            src.close()
        if dst is not None:
            dst.close()
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + "-journal").unlink(missing_ok=True)
    os.utime(target, (now.timestamp(), now.timestamp()))
    return target


def thin(backups: list[Backup], *, now: datetime | None = None,
         keep_min: int = KEEP_MIN) -> list[Backup]:
    """The copies to remove: all of the last hour stay, then the newest of each hour for a
    day, of each day for a month, of each month for a year; the newest ``keep_min`` always."""
    now = now or datetime.now()
    ordered = sorted(backups, key=lambda b: (b.quando, b.path.name), reverse=True)
    seen: set[tuple[object, ...]] = set()
    out = []
    for i, b in enumerate(ordered):
        age = now - b.quando
        if age <= ALL_FOR:
            key: tuple[object, ...] | None = ("copia", b.path.name)
        elif age <= HOURLY_FOR:
            key = ("ora", b.quando.date(), b.quando.hour)
        elif age <= DAILY_FOR:
            key = ("giorno", b.quando.date())
        elif age <= MONTHLY_FOR:
            key = ("mese", b.quando.year, b.quando.month)
        else:
            key = None
        if i < keep_min:
            if key is not None:
                seen.add(key)
            continue
        if key is None or key in seen:
            out.append(b)
        else:
            seen.add(key)
    return out


def _over_budget(backups: list[Backup], budget: int, keep: int) -> list[Backup]:
    """The oldest copies to remove until the rest fits ``budget`` (never the newest ``keep``)."""
    ordered = sorted(backups, key=lambda b: (b.quando, b.path.name), reverse=True)
    total = sum(b.dimensione for b in ordered)
    out = []
    for b in reversed(ordered[keep:]):
        if total <= budget:
            break
        total -= b.dimensione
        out.append(b)
    return out


def _remove(backups: list[Backup]) -> list[Path]:
    removed = []
    for b in backups:
        try:
            b.path.unlink()
            removed.append(b.path)
        except OSError:
            pass
    return removed


def prune(plan: Path | str, *, now: datetime | None = None, keep_min: int = KEEP_MIN,
          budget: int | None = None, total_budget: int | None = None) -> list[Path]:
    """Thin the copies of ``plan`` (:func:`thin`), then keep them within the size budgets
    (this plan's, and all plans' together). Returns the files removed."""
    removed = _remove(thin(list_backups(plan), now=now, keep_min=keep_min))
    left = list_backups(plan)
    removed += _remove(_over_budget(left, BUDGET_PLAN if budget is None else budget, BUDGET_KEEP))
    removed += _prune_total(BUDGET_TOTAL if total_budget is None else total_budget)
    return removed


def _all_folders() -> list[Path]:
    root = backup_root()
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def _list_folder(folder: Path) -> list[Backup]:
    out = []
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


def _prune_total(budget: int) -> list[Path]:
    """All plans together within ``budget``: the oldest copies first, each plan's newest kept."""
    candidates: list[Backup] = []
    total = 0
    for folder in _all_folders():
        copies = _list_folder(folder)
        total += sum(b.dimensione for b in copies)
        candidates += copies[BUDGET_KEEP:]
    doomed = []
    for b in sorted(candidates, key=lambda b: b.quando):
        if total <= budget:
            break
        total -= b.dimensione
        doomed.append(b)
    return _remove(doomed)


@dataclass(frozen=True)
class Orfano:
    """The backups of a plan file that no longer exists."""

    folder: Path
    piano: Path
    ultima: datetime | None
    copie: int
    dimensione: int


def orphans(*, now: datetime | None = None, grace: timedelta = ORPHAN_GRACE) -> list[Orfano]:
    """Backup folders whose plan no longer exists, the newest copy older than ``grace``.

    Nothing is removed here: a plan on a network folder not connected right now
    also looks missing, so the person is asked (:func:`remove_orphans`).
    """
    now = now or datetime.now()
    out = []
    for folder in _all_folders():
        try:
            piano = Path(json.loads((folder / "origine.json").read_text(encoding="utf-8"))["piano"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        try:
            if piano.exists():
                continue
        except OSError:
            continue
        copies = _list_folder(folder)
        ultima = copies[0].quando if copies else None
        if ultima is not None and now - ultima < grace:
            continue
        out.append(Orfano(folder, piano, ultima, len(copies), sum(b.dimensione for b in copies)))
    return out


def remove_orphans(orfani: list[Orfano]) -> int:
    """Delete the backup folders of ``orfani`` (the person agreed); returns how many."""
    import shutil

    done = 0
    for o in orfani:
        if o.folder.parent != backup_root() or o.piano.exists():
            continue  # never anything outside the backup folder, nor a plan that came back
        shutil.rmtree(o.folder, ignore_errors=True)
        done += not o.folder.exists()
    return done


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


def prima_di_scrivere(plan: Path | str, motivo: str = "comando", *,
                      now: datetime | None = None) -> Path | None:
    """The copy made before a command writes to ``plan`` (CLI commands, imports).

    Skipped when nothing changed since the last copy; ``motivo`` is a key of
    :data:`MOTIVI` (e.g. ``"importazione"``). Raises :class:`PlanError` (Italian)
    when the copy cannot be made: the caller then does not write.
    """
    plan = Path(plan)
    backups = list_backups(plan)
    if backups and not _changed_since(plan, backups[0]):
        return None
    key = "".join(ch for ch in motivo.lower() if ch.isalnum() or ch == "-") or "comando"
    made = make_backup(plan, key, now=now)
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
    archive.contenuto_sostituito()
    return safety


def restore_file(backup: Path | str, plan: Path | str) -> Path | None:
    """Put ``backup`` in place of the plan file ``plan`` (not open in this program).

    The current file is kept first: a readable plan as a copy «prima del
    ripristino» among its backups; a damaged one beside it as
    ``<nome>.danneggiato-<data>.piao`` (returned), never deleted. The copy is
    written under a temporary name and renamed into place (atomic).
    """
    import shutil

    backup, plan = Path(backup), Path(plan)
    problem = check_backup(backup)
    if problem:
        raise PlanError(problem)
    from .lock import acquire

    try:
        lock = acquire(plan)
    except OSError as exc:
        raise PlanError(f"Ripristino non riuscito: {describe_os_error(exc, plan)}") from exc
    try:
        kept = None
        if plan.exists():
            if _readable(plan):
                make_backup(plan, "ripristino")
                _fold_wal(plan)
            else:
                stamp = datetime.now().strftime(_STAMP)
                kept = plan.with_name(f"{plan.stem}.danneggiato-{stamp}{plan.suffix}")
                os.replace(plan, kept)
                for extra in ("-wal", "-shm"):
                    side = plan.with_name(plan.name + extra)
                    if side.exists():
                        os.replace(side, kept.with_name(kept.name + extra))
        with atomic_path(plan) as tmp:
            shutil.copyfile(backup, tmp)
        plan.with_name(plan.name + "-shm").unlink(missing_ok=True)
    except OSError as exc:
        raise PlanError(f"Ripristino non riuscito, il piano non è stato modificato: "
                        f"{describe_os_error(exc, plan)}", path=plan) from exc
    finally:
        lock.release()
    return kept


def _readable(plan: Path) -> bool:
    try:
        db = open_plan_db(plan, readonly=True)
    except PlanError as exc:
        return "va aggiornato" in str(exc)
    db.conn.close()
    return True


def _fold_wal(plan: Path) -> None:
    """Write the plan's -wal into the file and remove it: the file alone is the whole plan
    (a -wal left beside a replaced file would be applied to the wrong content)."""
    conn = sqlite3.connect(str(plan), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 3000")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise PlanError(f"Ripristino non riuscito, il piano non è stato modificato: "
                        f"{sqlite_message(exc, plan)}", path=plan) from exc
    finally:
        conn.close()
