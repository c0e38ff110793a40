"""Packaging files are consistent with the repository (fast; no build)."""

from __future__ import annotations

import configparser
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"


class _Stub:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.pure = self.scripts = self.binaries = self.datas = []


def _run_spec() -> dict:
    """Execute the spec with PyInstaller's build objects replaced by recorders."""
    pytest.importorskip("PyInstaller")
    calls: dict[str, list[_Stub]] = {}

    def recorder(name):
        def make(*args, **kwargs):
            stub = _Stub(*args, **kwargs)
            calls.setdefault(name, []).append(stub)
            return stub
        return make

    init = {"SPECPATH": str(PKG), **{n: recorder(n) for n in ("Analysis", "PYZ", "EXE", "COLLECT")}}
    runpy.run_path(str(PKG / "piaodesk.spec"), init_globals=init)
    return calls


def test_spec_ships_resources_guide_translations_and_extensions():
    calls = _run_spec()
    [analysis] = calls["Analysis"]
    datas = analysis.kwargs["datas"]
    shipped = {(Path(src).resolve(), dest) for src, dest in datas}
    for f in (ROOT / "resources").rglob("*"):
        if f.is_file() and "__pycache__" not in f.parts:
            dest = str(Path("resources") / f.parent.relative_to(ROOT / "resources"))
            assert (f.resolve(), dest) in shipped, f
    assert ((ROOT / "docs" / "guida.md").resolve(), "resources/guida") in shipped
    dests = {(Path(src).name, dest) for src, dest in datas}
    assert ("qtbase_it.qm", "resources/translations") in dests
    hidden = set(analysis.kwargs["hiddenimports"])
    for mod in ("piaodesk.ui.extensions.affidabilita", "piaodesk.cli.plan", "piaodesk.store.backup",
                "piaodesk.ui.main_window"):
        assert mod in hidden, mod
    for f in (ROOT / "piaodesk" / "ui" / "extensions").glob("*.py"):
        if f.stem != "__init__":
            assert f"piaodesk.ui.extensions.{f.stem}" in hidden
    names = {e.kwargs["name"]: e.kwargs["console"] for e in calls["EXE"]}
    assert names == {"piaodesk": False, "piaodesk-cli": True}
    assert Path(analysis.args[0][0]).is_file()


def test_desktop_file():
    path = PKG / "linux" / "piaodesk.desktop"
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str  # keys are case-sensitive
    cfg.read(path, encoding="utf-8")
    entry = cfg["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].startswith("piaodesk ")
    assert entry["Icon"] == "piaodesk" and entry["Terminal"] == "false"
    assert "application/x-piaodesk-piano" in entry["MimeType"]
    assert (ROOT / "resources" / "branding" / "piaodesk.png").is_file()
    assert (ROOT / "resources" / "icons" / "piaodesk.svg").is_file()
    mime = (PKG / "linux" / "piaodesk-mime.xml").read_text(encoding="utf-8")
    assert 'type="application/x-piaodesk-piano"' in mime and '*.piao' in mime
    if shutil.which("desktop-file-validate"):
        out = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_inno_setup_script_references_existing_files():
    iss = (PKG / "windows" / "piaodesk.iss").read_text(encoding="utf-8")
    base = PKG / "windows"
    for key in ("SetupIconFile",):
        value = re.search(rf"^{key}=(.+)$", iss, re.M).group(1).strip()
        assert (base / value.replace("\\", "/")).resolve().is_file(), value
    assert "PrivilegesRequired=lowest" in iss  # office PCs: no admin rights
    assert "Italian.isl" in iss
    assert re.search(r'Filename: "\{app\}\\piaodesk\.exe"', iss)
    assert "resources\\guida\\guida.md" in iss


def test_build_script_is_executable_and_smoke_tests():
    script = PKG / "build_linux.sh"
    assert script.stat().st_mode & 0o111
    text = script.read_text(encoding="utf-8")
    for step in ("piaodesk-cli\" info", "PIAODESK_SMOKE_QUIT_MS", "QT_QPA_PLATFORM=offscreen"):
        assert step in text, step
