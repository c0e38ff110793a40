"""Single writer: a sidecar lock file next to the plan (``piano.piao.lock``).

Opening a plan read-write creates ``<plan>.lock`` atomically (``O_CREAT |
O_EXCL``, which SMB/CIFS shares honour, unlike ``fcntl`` locks) holding who
opened it, where and when, as JSON. A second program, on this PC or another one
on the shared folder, finds the file and gets :class:`PlanInUse` with an
Italian message ("Il piano è in uso da MARIO su PC-UFFICIO dal 27/11/2026 alle
09:12"); it may open the plan read-only instead.

A lock is *stale* when its owner cannot still be writing:

- same host and the process id is no longer running (a crash): taken over
  silently, since that is certain;
- any host and no heartbeat for :data:`STALE_AFTER` (the owner touches the
  file's mtime on every backup tick): reported as stale, and the person may
  take it over (``takeover=True``).

Inside one process the lock is re-entrant (a count per plan), so opening the
same plan twice read-write from the same program is not refused; read-only
opens never take or check the lock.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..fsio import atomic_write_bytes, hostname
from ..fsio import pid_alive as _pid_alive
from ..fsio import process_start as _process_start
from .db import PlanError

LOCK_SUFFIX = ".lock"
#: a lock whose file was not touched for this long is considered abandoned
STALE_AFTER = timedelta(hours=2)
#: a lock file still empty after this long was left by a crash during creation
_EMPTY_GRACE = timedelta(seconds=30)


def lock_path(plan: Path | str) -> Path:
    plan = Path(plan)
    return plan.with_name(plan.name + LOCK_SUFFIX)


def _hostname() -> str:
    return hostname() or "?"


def _username() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "utente"


@dataclass(frozen=True)
class LockInfo:
    """What the lock file says about its owner."""

    user: str
    host: str
    pid: int
    since: datetime
    token: str = ""
    touched: datetime | None = None  # file mtime: last heartbeat
    empty: bool = False  # a 0-byte file: a crash (or a full disk) while it was being created
    started: float | None = None  # the owner process's start time (pid reuse is recognised)

    def to_json(self) -> str:
        return json.dumps({"user": self.user, "host": self.host, "pid": self.pid,
                           "since": self.since.isoformat(timespec="seconds"),
                           "token": self.token, "program": "piaodesk",
                           "started": self.started}, ensure_ascii=False)

    @classmethod
    def read(cls, path: Path) -> LockInfo | None:
        """Parse a lock file; ``None`` when it does not exist."""
        try:
            raw = path.read_bytes()
            mtime = datetime.fromtimestamp(path.stat().st_mtime)
        except FileNotFoundError:
            return None
        except OSError:
            raw, mtime = b"", datetime.now()
        try:
            data = json.loads(raw.decode("utf-8"))
            return cls(user=str(data.get("user") or "?"), host=str(data.get("host") or "?"),
                       pid=int(data.get("pid") or 0),
                       since=datetime.fromisoformat(data["since"]),
                       token=str(data.get("token") or ""), touched=mtime,
                       started=float(data["started"]) if data.get("started") else None)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            # being written right now, or damaged: unknown owner, dated by the file
            return cls(user="?", host="?", pid=0, since=mtime, token="", touched=mtime,
                       empty=not raw)

    @property
    def same_host(self) -> bool:
        return self.host.lower() == _hostname().lower()

    @property
    def ours(self) -> bool:
        """Held by this very process (re-entrant use)."""
        return self.same_host and self.pid == os.getpid()

    @property
    def pid_reused(self) -> bool:
        """Same PC, the pid runs, but it started at another time: not our owner."""
        if self.started is None:
            return False
        actual = _process_start(self.pid)
        return actual is not None and abs(actual - self.started) > 2.0

    def stale_reason(self, now: datetime | None = None) -> str | None:
        """Why the lock can no longer be valid, or ``None`` if its owner may be alive."""
        now = now or datetime.now()
        touched = self.touched or self.since
        if self.host == "?" and self.pid == 0:
            if now - touched > _EMPTY_GRACE:
                return "il file di blocco è illeggibile"
            return None
        if self.same_host and not self.ours and not _pid_alive(self.pid):
            return "il programma che lo aveva aperto non è più in esecuzione"
        if self.same_host and not self.ours and self.pid_reused:
            return ("il programma che lo aveva aperto non è più in esecuzione (il suo numero di "
                    "processo ora è di un altro programma)")
        if now - touched > STALE_AFTER:
            hours = int((now - touched).total_seconds() // 3600)
            return f"nessun segno di attività da {hours} ore"
        return None

    def describe(self) -> str:
        """``MARIO su PC-UFFICIO dal 27/11/2026 alle 09:12``."""
        if self.host == "?" and self.pid == 0:
            return f"un altro programma dal {self.since:%d/%m/%Y} alle {self.since:%H:%M}"
        return f"{self.user} su {self.host} dal {self.since:%d/%m/%Y} alle {self.since:%H:%M}"


class PlanInUse(PlanError):
    """Another program holds the plan's lock; ``info`` says who, ``stale`` whether it may be taken over."""

    def __init__(self, path: Path, info: LockInfo, stale: str | None) -> None:
        self.path = Path(path)
        self.info = info
        self.stale = stale
        self.user, self.host, self.since = info.user, info.host, info.since
        msg = f"Il piano è in uso da {info.describe()}."
        if stale:
            msg += (f" Il blocco sembra abbandonato ({stale}): è possibile prenderne il controllo "
                    "oppure aprire il piano in sola lettura.")
        else:
            msg += " È possibile aprirlo in sola lettura."
        super().__init__(msg)


class PlanLock:
    """A lock held by this process on one plan (re-entrant, see :func:`acquire`)."""

    def __init__(self, plan: Path, info: LockInfo) -> None:
        self.plan = plan
        self.path = lock_path(plan)
        self.info = info
        self.count = 1
        self._seen = self._stat()

    def _stat(self) -> tuple[int, int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)

    def still_ours(self) -> bool:
        """Cheap check before every write: a ``stat`` of the lock file; only when it changed
        (a takeover replaces the file) is it read to compare the token."""
        seen = self._stat()
        if seen is not None and seen == self._seen:
            return True
        current = LockInfo.read(self.path)
        if current is None or current.token != self.info.token:
            return False
        self._seen = seen
        return True

    def taken_by(self) -> str:
        """Who holds the lock now (after a takeover), for the message."""
        current = LockInfo.read(self.path)
        return current.describe() if current is not None and current.host != "?" else ""

    def heartbeat(self) -> bool:
        """Touch the lock file; ``False`` if another program has taken the lock over."""
        if not self.still_ours():
            return False
        try:
            os.utime(self.path)
        except OSError:
            return False
        self._seen = self._stat()
        return True

    @property
    def lost(self) -> bool:
        return not self.still_ours()

    def release(self) -> None:
        with _guard:
            self.count -= 1
            if self.count > 0:
                return
            if _held.get(_key(self.plan)) is self:
                _held.pop(_key(self.plan), None)
        current = LockInfo.read(self.path)
        if current is not None and current.token == self.info.token:
            try:
                self.path.unlink()
            except OSError:
                pass


_guard = threading.RLock()
_held: dict[str, PlanLock] = {}
_listeners: list[Callable[[PlanLock], None]] = []


def _key(plan: Path) -> str:
    return os.path.normcase(str(Path(plan).resolve()))


def held_locks() -> list[PlanLock]:
    """Locks this process holds now (the GUI heartbeats and backs them up)."""
    with _guard:
        return list(_held.values())


def on_acquire(callback: Callable[[PlanLock], None]) -> Callable[[], None]:
    """Call ``callback(lock)`` whenever a plan is (first) locked; returns an unsubscribe function."""
    _listeners.append(callback)
    return lambda: _listeners.remove(callback) if callback in _listeners else None


def _write_new(path: Path, info: LockInfo) -> bool:
    """Create the lock file only if absent; ``False`` if someone else has it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return False
    try:
        data = info.to_json().encode("utf-8")
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        os.fsync(fd)
    except BaseException:
        # a full disk: never leave an empty lock behind, it would keep the plan locked
        os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    os.close(fd)
    return True


def _replace(path: Path, info: LockInfo) -> None:
    atomic_write_bytes(path, info.to_json().encode("utf-8"))


def read_lock(plan: Path | str) -> LockInfo | None:
    return LockInfo.read(lock_path(plan))


def acquire(plan: Path | str, *, takeover: bool = False, user: str | None = None) -> PlanLock:
    """Lock ``plan`` for writing, or raise :class:`PlanInUse`.

    ``takeover=True`` replaces another owner's lock (the person confirmed it);
    a lock left by a dead process on this same PC is replaced without asking.
    ``OSError`` (read-only folder) is left to the caller.
    """
    plan = Path(plan)
    key = _key(plan)
    with _guard:
        mine = _held.get(key)
        if mine is not None and not mine.lost and not takeover:
            mine.count += 1
            return mine
        if mine is not None:  # taken over from us (or by us, as a new owner): no longer held
            _held.pop(key, None)
        path = lock_path(plan)
        info = LockInfo(user=user or _username(), host=_hostname(), pid=os.getpid(),
                        since=datetime.now().replace(microsecond=0), token=os.urandom(16).hex(),
                        started=_process_start(os.getpid()))
        for _attempt in range(3):
            if _write_new(path, info):
                break
            current = LockInfo.read(path)
            if current is None:
                continue  # released meanwhile: try again
            reason = current.stale_reason()
            # certain: a dead process of this PC, or a lock left empty long ago (its writer
            # writes it whole at once: it died or the disk was full)
            certain = reason is not None and ((current.same_host and current.pid != 0)
                                              or current.empty)
            if takeover or certain:
                _replace(path, info)
                break
            raise PlanInUse(plan, current, reason)
        else:  # pragma: no cover - three races in a row
            current = LockInfo.read(path) or info
            raise PlanInUse(plan, current, None)
        # two takeovers at once: whoever's token is in the file won
        check = LockInfo.read(path)
        if check is None or check.token != info.token:
            raise PlanInUse(plan, check or info, None)
        lock = PlanLock(plan, info)
        _held[key] = lock
    for callback in list(_listeners):
        try:
            callback(lock)
        except Exception:  # noqa: BLE001 - a listener must never break opening a plan
            pass
    return lock
