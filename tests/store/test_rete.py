"""Plans on a network share (issue 16): detection with mocked mount tables and drive types,
and the safe mode they are opened in (rollback journal, exclusive locking, no WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from piaodesk.domain.model import Obiettivo
from piaodesk.store import rete
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields

MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sda2 /home ext4 rw,relatime 0 0
//nas/ufficio /mnt/ufficio cifs rw,vers=3.0,user=mario 0 0
nas:/export/piani /srv/piani nfs4 rw,relatime 0 0
//nas/con\\040spazi /mnt/Cartella\\040comune cifs rw 0 0
tmpfs /mnt/ufficio/locale tmpfs rw 0 0
"""


@pytest.mark.parametrize("path, kind", [
    ("/home/mario/piano.piao", None),
    ("/mnt/ufficio/2026/piano.piao", "cifs"),
    ("/srv/piani/piano.piao", "nfs4"),
    ("/mnt/Cartella comune/piano.piao", "cifs"),
    ("/mnt/ufficio/locale/piano.piao", None),  # a local mount inside the share: longest wins
    ("/mnt/ufficioX/piano.piao", None),  # a prefix of the name is not the mount point
    ("/piano.piao", None),
])
def test_linux_mount_table(path: str, kind: str | None) -> None:
    assert rete.network_share(path, platform="linux", mounts=MOUNTS) == kind


@pytest.mark.parametrize("path, kind", [
    (r"\\server\condivisa\piano.piao", "UNC"),
    ("//server/condivisa/piano.piao", "UNC"),
    (r"Z:\piani\piano.piao", "unità di rete"),
    (r"C:\Users\mario\piano.piao", None),
])
def test_windows_unc_and_mapped_drives(path: str, kind: str | None) -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return 4 if root.upper() == "Z:\\" else 3  # DRIVE_REMOTE / DRIVE_FIXED

    assert rete.network_share(path, platform="win32", drive_type=drive_type) == kind
    if kind != "UNC":
        assert asked == [path[:2] + "\\"]


def test_plan_on_share_opened_in_safe_mode(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rete, "network_share", lambda path, **kw: "cifs")
    arc = Archive.open(demo_path)
    try:
        assert arc.rete == "cifs"
        assert arc.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert arc.db.conn.execute("PRAGMA locking_mode").fetchone()[0] == "exclusive"
        oid = arc.obiettivi()[0].id
        arc.apply(SetFields(Obiettivo, oid, {"titolo": "in rete"}))  # type: ignore[arg-type]
        assert not Path(str(demo_path) + "-wal").exists()
        other = sqlite3.connect(demo_path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("SELECT count(*) FROM obiettivi").fetchone()
        other.close()
    finally:
        arc.close()
    check = sqlite3.connect(demo_path)
    assert check.execute("SELECT count(*) FROM obiettivi WHERE titolo = 'in rete'").fetchone()[0] == 1
    check.close()


def test_local_plan_keeps_wal(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rete, "network_share", lambda path, **kw: None)
    with Archive.open(demo_path) as arc:
        assert arc.rete is None
        assert arc.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
