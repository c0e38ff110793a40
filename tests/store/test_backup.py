"""Rotating backups (SQLite backup API), heartbeat tick, restore."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from piaodesk.domain.model import Persona
from piaodesk.store import backup
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow


def _persone(path: Path) -> set[str]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT cognome FROM persone")}
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PIAODESK_HOME", str(tmp_path / "home"))


def test_backup_is_a_complete_plan_with_uncheckpointed_edits(demo):
    demo.apply(InsertRow(Persona(cognome="Nuovissima", nome="Anna")))
    # the edit sits in the -wal file; the copy must still contain it
    made = backup.make_backup(demo.path, "manuale")
    assert made.parent == backup.backup_dir(demo.path)
    assert "Nuovissima" in _persone(made)
    assert backup.check_backup(made) is None
    with Archive.open(made, readonly=True) as copy:
        assert copy.counts() == demo.counts()
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    assert not list(made.parent.glob("*.parziale"))
    [b] = backup.list_backups(demo.path)
    assert b.path == made and b.motivo == "manuale" and b.descrizione == "manuale"


def test_backup_on_open_only_when_changed(demo):
    first = backup.backup_on_open(demo.path)
    assert first is not None
    assert backup.backup_on_open(demo.path) is None  # nothing changed since
    demo.apply(InsertRow(Persona(cognome="Verdi")))
    later = datetime.now() + timedelta(seconds=2)
    second = backup.backup_on_open(demo.path, now=later)
    assert second is not None and "Verdi" in _persone(second)


def test_tick_heartbeats_and_copies_when_due(demo):
    lock = demo.lock
    t0 = datetime.now()
    made = backup.tick([lock], now=t0)
    assert len(made) == 1  # no copy yet: due
    assert backup.tick([lock], now=t0 + timedelta(minutes=1)) == []  # too soon
    # old enough but unchanged: no copy
    assert backup.tick([lock], now=t0 + timedelta(minutes=30)) == []
    demo.apply(InsertRow(Persona(cognome="Bianchi")))
    made = backup.tick([lock], now=t0 + timedelta(minutes=30))
    assert len(made) == 1 and "Bianchi" in _persone(made[0])
    # without an explicit list, the tick works on the locks this process holds
    assert lock in backup.held_locks()
    assert backup.tick(now=t0 + timedelta(minutes=31)) == []


def test_prune_thins_old_copies_and_keeps_the_newest(demo):
    now = datetime(2026, 11, 27, 12, 0)
    for days in (400, 40, 35, 30, 20, 16, 15, 3, 2, 1):
        backup.make_backup(demo.path, "periodico", now=now - timedelta(days=days))
    assert len(backup.list_backups(demo.path)) == 10
    removed = backup.prune(demo.path, keep_min=5, now=now)
    left = backup.list_backups(demo.path)
    # up to a month (1-30 days): one a day; then one per month: 35 days ago is October's,
    # 40 days ago (also October) is thinned; 400 days ago is older than a year
    assert [(now - b.quando).days for b in left] == [1, 2, 3, 15, 16, 20, 30, 35]
    assert len(removed) == 2


def test_restore_replaces_content_and_keeps_safety_copy(demo):
    before = demo.counts()
    good = backup.make_backup(demo.path, "manuale")
    demo.apply(InsertRow(Persona(cognome="DaTogliere")))
    assert "DaTogliere" in {p.cognome for p in demo.persone()}
    safety = backup.restore(demo, good)
    assert "DaTogliere" not in {p.cognome for p in demo.persone()}
    assert demo.counts() == before
    assert "DaTogliere" in _persone(safety) and "ripristino" in safety.name
    assert demo.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert demo.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # still editable, and the result survives reopening
    demo.apply(InsertRow(Persona(cognome="Dopo")))
    path = demo.path
    demo.close()
    with Archive.open(path, readonly=True) as arc:
        names = {p.cognome for p in arc.persone()}
    assert "Dopo" in names and "DaTogliere" not in names


def test_restore_refuses_bad_copy(demo, tmp_path: Path):
    bad = tmp_path / "rotto.piao"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(PlanError, match=r"troncato|danneggiat"):
        backup.restore(demo, bad)
    text = tmp_path / "testo.piao"
    text.write_text("ciao", encoding="utf-8")
    with pytest.raises(PlanError, match="non è un piano"):
        backup.restore(demo, text)
    assert demo.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert demo.counts()["obiettivi"] > 0


def test_restore_refused_readonly(demo_path: Path):
    good = backup.make_backup(demo_path, "manuale")
    with Archive.open(demo_path, readonly=True) as arc, pytest.raises(PlanError, match="sola lettura"):
        backup.restore(arc, good)


def test_backup_failure_is_a_plan_error(demo, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file-non-cartella"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PIAODESK_HOME", str(blocker))
    with pytest.raises((PlanError, OSError)):
        backup.make_backup(demo.path)


# ---------------------------------------------------------------------- privacy, thinning, budgets


def test_backups_are_private(demo):
    import stat

    made = backup.make_backup(demo.path, "manuale")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.backup_root().stat().st_mode) == 0o700
    assert stat.S_IMODE((made.parent / "origine.json").stat().st_mode) == 0o600
    # folders made by an older version (0755) are tightened at the next copy
    made.parent.chmod(0o755)
    backup.make_backup(demo.path, "manuale", now=datetime.now() + timedelta(seconds=5))
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700


def _fake(when: datetime, n: int = 0) -> backup.Backup:
    return backup.Backup(Path(f"/nessuno/p_{when:%Y%m%d-%H%M%S}_periodico{n}.piao"), when, "periodico")


def test_thinning_over_a_simulated_year():
    """A copy every 10 minutes of working time (8-18, Monday-Friday) for a year, thinned as
    the GUI does after each copy: at most ~80 copies, and the promised coverage holds."""
    start = datetime(2026, 1, 1, 8, 0)
    kept: list[backup.Backup] = []
    most = 0
    t = start
    while t < start + timedelta(days=365):
        if t.weekday() < 5 and 8 <= t.hour < 18:
            kept.append(_fake(t))
            doomed = {b.path for b in backup.thin(kept, now=t)}
            kept = [b for b in kept if b.path not in doomed]
            most = max(most, len(kept))
        t += timedelta(minutes=10)
    now = kept[-1].quando
    assert most <= 24 + 31 + 12 + 6 + backup.KEEP_MIN, most  # not ~670
    ages = sorted(now - b.quando for b in kept)
    # every copy of the last hour
    assert sum(1 for a in ages if a <= timedelta(hours=1)) == 7
    # one per hour for the last day: every working hour of the last day has its copy
    hours = {(b.quando.date(), b.quando.hour) for b in kept if now - b.quando <= timedelta(days=1)}
    assert {(now.date(), h) for h in range(8, now.hour + 1)} <= hours
    # one per day for a month: every working day of the last 30 days is there, once
    days = [b.quando.date() for b in kept if timedelta(days=1) < now - b.quando <= timedelta(days=31)]
    expected = {(now - timedelta(days=d)).date() for d in range(2, 31)
                if (now - timedelta(days=d)).weekday() < 5}
    assert expected <= set(days) and len(days) == len(set(days))
    # one per month for a year, nothing older
    months = [(b.quando.year, b.quando.month) for b in kept if now - b.quando > timedelta(days=31)]
    assert len(months) == len(set(months)) and 10 <= len(months) <= 12
    assert max(ages) <= timedelta(days=366)


def test_prune_keeps_each_plan_and_all_plans_within_budget(tmp_path: Path, demo_path: Path):
    import shutil

    other = tmp_path / "altro.piao"
    shutil.copyfile(demo_path, other)
    t0 = datetime(2026, 3, 1, 9, 0)
    size = demo_path.stat().st_size
    for i in range(12):  # one a day: thinning keeps them all (one per day for a month)
        backup.make_backup(demo_path, "periodico", now=t0 + timedelta(days=i))
        backup.make_backup(other, "periodico", now=t0 + timedelta(days=i, minutes=1))
    now = t0 + timedelta(days=11, hours=1)
    backup.prune(demo_path, now=now, budget=5 * size, total_budget=10 ** 12)
    assert len(backup.list_backups(demo_path)) == 5  # the newest five, within the plan's budget
    assert backup.list_backups(demo_path)[0].quando == t0 + timedelta(days=11)
    assert len(backup.list_backups(other)) == 12  # another plan is not touched by that budget
    backup.prune(demo_path, now=now, budget=10 ** 12, total_budget=9 * size)
    mine, theirs = backup.list_backups(demo_path), backup.list_backups(other)
    assert len(mine) + len(theirs) == 9  # all plans together: the oldest copies went first
    assert len(mine) >= backup.BUDGET_KEEP and len(theirs) >= backup.BUDGET_KEEP
    assert min(b.quando for b in mine + theirs) >= t0 + timedelta(days=7)


def test_copies_of_deleted_plans_are_listed_after_the_grace_period(tmp_path: Path, demo_path: Path):
    import shutil

    gone = tmp_path / "cancellato.piao"
    shutil.copyfile(demo_path, gone)
    old = datetime.now() - backup.ORPHAN_GRACE - timedelta(days=1)
    backup.make_backup(gone, "periodico", now=old)
    backup.make_backup(demo_path, "periodico", now=old)
    recent = tmp_path / "appena-cancellato.piao"
    shutil.copyfile(demo_path, recent)
    backup.make_backup(recent, "periodico")
    gone.unlink()
    recent.unlink()
    found = backup.orphans()
    assert [o.piano for o in found] == [gone.resolve()]  # not the existing plan, not the recent one
    assert found[0].copie == 1 and found[0].dimensione > 0
    assert backup.list_backups(gone)  # nothing removed without asking
    assert backup.remove_orphans(found) == 1
    assert not backup.list_backups(gone) and backup.list_backups(recent) and backup.list_backups(demo_path)


def test_prima_di_scrivere_copies_only_when_changed(demo):
    from piaodesk.domain.model import Persona as P

    first = backup.prima_di_scrivere(demo.path, "importazione")
    assert first is not None and "importazione" in first.name
    assert backup.list_backups(demo.path)[0].descrizione == "prima di un'importazione"
    assert backup.prima_di_scrivere(demo.path, "importazione") is None
    demo.apply(InsertRow(P(cognome="Nuova")))
    later = datetime.now() + timedelta(seconds=2)
    assert backup.prima_di_scrivere(demo.path, "comando", now=later) is not None


def test_cli_write_makes_a_backup_first(demo_path: Path):
    from piaodesk.cli import main

    assert backup.list_backups(demo_path) == []
    assert main(["monitoraggio", str(demo_path), "apri", "--data", "30/09/2025"]) == 0
    [made] = backup.list_backups(demo_path)
    assert made.motivo == "comando"
    assert "30/09/2025" not in str(_monitoraggi(made.path))  # the copy is the state before
    assert main(["monitoraggio", str(demo_path), "elenco"]) == 0  # reading: no copy
    assert len(backup.list_backups(demo_path)) == 1


def _monitoraggi(path: Path) -> list[str]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT data FROM monitoraggi")]
    finally:
        conn.close()


def test_cli_ripristina_lists_and_restores_keeping_the_current_state(demo_path: Path, capsys):
    from piaodesk.cli import main

    t0 = datetime(2026, 11, 27, 9, 0)
    backup.make_backup(demo_path, "apertura", now=t0)
    with Archive.open(demo_path) as arc:
        arc.apply(InsertRow(Persona(cognome="Dopo")))
    backup.make_backup(demo_path, "periodico", now=t0 + timedelta(minutes=10))
    with Archive.open(demo_path) as arc:
        arc.apply(InsertRow(Persona(cognome="Ultima")))
    assert main(["ripristina", str(demo_path), "--elenco"]) == 0
    out = capsys.readouterr().out
    assert "1  27/11/2026 09:10:00  automatica" in out and "2  27/11/2026 09:00:00  all'apertura" in out
    assert main(["ripristina", str(demo_path), "--copia", "2"]) == 0
    assert "prima del ripristino" in capsys.readouterr().out
    assert {"Dopo", "Ultima"}.isdisjoint(_persone(demo_path))
    safety = [b for b in backup.list_backups(demo_path) if b.motivo == "ripristino"]
    assert len(safety) == 1 and {"Dopo", "Ultima"} <= _persone(safety[0].path)  # nothing lost
    assert not demo_path.with_name(demo_path.name + "-wal").exists() or \
        demo_path.with_name(demo_path.name + "-wal").stat().st_size == 0
    with Archive.open(demo_path) as arc:
        assert arc.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert main(["ripristina", str(demo_path), "--copia", "9"]) == 2
    assert "inesistente" in capsys.readouterr().err


def test_restore_file_never_applies_an_old_wal_to_the_restored_copy(demo_path: Path):
    """The plan's -wal holds edits newer than the copy: restoring must fold or keep it aside,
    never leave it beside the restored file (SQLite would replay it onto the wrong content)."""
    good = backup.make_backup(demo_path, "manuale")
    arc = Archive.open(demo_path)
    arc.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(30):
        arc.apply(InsertRow(Persona(cognome=f"W{n}")))
    arc.db.conn.close()  # like a crash: the edits stay in the -wal...
    arc.lock.release()
    backup.restore_file(good, demo_path)
    assert not any(c.startswith("W") for c in _persone(demo_path))
    with Archive.open(demo_path) as again:
        assert again.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_file_is_atomic_on_failure(demo_path: Path, monkeypatch):
    from piaodesk import fsio

    good = backup.make_backup(demo_path, "manuale")
    with Archive.open(demo_path) as arc:
        arc.apply(InsertRow(Persona(cognome="Attuale")))
    real = fsio.publish

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio, "publish", full)
    with pytest.raises(PlanError, match="Spazio esaurito"):
        backup.restore_file(good, demo_path)
    monkeypatch.setattr(fsio, "publish", real)
    assert "Attuale" in _persone(demo_path)  # the plan as it was
    assert [p for p in demo_path.parent.iterdir() if fsio.TMP_MARK in p.name] == []
    from piaodesk.store.lock import lock_path

    assert not lock_path(demo_path).exists()


def test_prune_over_a_simulated_year_on_disk(empty_plan):
    """Real copies with an injected clock: one a day for 400 days, pruned as the program does."""
    path = empty_plan.path
    t0 = datetime(2026, 1, 1, 17, 0)
    most = 0
    for day in range(400):
        now = t0 + timedelta(days=day)
        backup.make_backup(path, "periodico", now=now)
        backup.prune(path, now=now)
        most = max(most, len(backup.list_backups(path)))
    left = backup.list_backups(path)
    assert most <= 2 + 31 + 13 + backup.KEEP_MIN
    assert len(list(backup.backup_dir(path).glob("*.piao"))) == len(left)  # really deleted
    ages = [(now - b.quando).days for b in left]
    assert max(ages) <= 366
    # one per day for the last month, one per month before
    assert {d for d in ages if d <= 30} == set(range(31))
    older = [(b.quando.year, b.quando.month) for b in left if (now - b.quando).days > 31]
    assert len(older) == len(set(older)) >= 11
