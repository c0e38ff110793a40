"""Per-user settings: every QSettings key declared once, typed, in ui/ui_state.py (REGISTRY),
and read/written only through it; only ui_state makes a QSettings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray

from piaodesk.ui import ui_state
from piaodesk.ui.ui_state import (
    ANNO,
    FIRMA_LT,
    FIRMA_MODO,
    REGISTRY,
    SPLITTER,
    STAMPA_CARTELLA,
    UiState,
    open_settings,
    option,
)

PIAODESK = Path(__file__).resolve().parents[2] / "piaodesk"
UI_STATE = PIAODESK / "ui" / "ui_state.py"


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PIAODESK.rglob("*.py")) if p != UI_STATE]


def test_only_ui_state_makes_a_qsettings():
    found = [f"{p.relative_to(PIAODESK)}:{text.count(chr(10), 0, m.start()) + 1}"
             for p, text in _sources() for m in re.finditer(r"\bQSettings\(", text)]
    assert found == [], f"QSettings( fuori da ui/ui_state.py: {found}"


def test_no_settings_key_is_read_or_written_around_the_registry():
    # a literal key («gruppo/nome») handed to value()/setValue()/remove() outside ui_state
    pattern = re.compile(r"\.(value|setValue|remove|contains)\(\s*f?[\"'][\w.-]+/[\w./{}-]*[\"']")
    found = [f"{p.relative_to(PIAODESK)}:{text.count(chr(10), 0, m.start()) + 1}"
             for p, text in _sources() for m in pattern.finditer(text)]
    assert found == [], f"chiavi QSettings fuori dal registro: {found}"


def test_every_key_is_declared_once_with_a_type_and_a_default():
    assert len(REGISTRY) >= 17
    for key, opt in REGISTRY.items():
        assert opt.key == key and opt.doc
        assert isinstance(opt.default_value(), opt.type), key
    # the twelve keys that used to bypass ui_state are in it
    for key in ("persist/anno", "firma/p12", "firma/pkcs11_lib", "firma/token", "firma/modo", "firma/nome",
                "firma/ruolo", "firma/luogo", "firma/lt", "firma/ca_fidate", "stampa/cartella",
                "premi/cartella"):
        assert key in REGISTRY, key
    with pytest.raises(ValueError):
        option("persist/anno", int, 0, "di nuovo")


def test_values_are_typed_and_a_wrong_stored_value_reads_as_the_default(tmp_path):
    s = open_settings(tmp_path / "ui.ini")
    assert ANNO.get(s) == 0 and FIRMA_LT.get(s) is False and FIRMA_MODO.get(s) == "p12"
    ANNO.set(s, 2026)
    FIRMA_LT.set(s, True)
    FIRMA_MODO.set(s, "card")
    s.sync()
    again = open_settings(tmp_path / "ui.ini")  # read back from the file: ini values are text
    assert ANNO.get(again) == 2026 and FIRMA_LT.get(again) is True and FIRMA_MODO.get(again) == "card"
    again.setValue("persist/anno", "duemila")  # a hand-edited file
    again.setValue("firma/lt", "forse")
    again.setValue("firma/modo", "altro")
    assert ANNO.get(again) == 0 and FIRMA_LT.get(again) is False and FIRMA_MODO.get(again) == "p12"
    # the older format of firma/lt («true»/«false» text) reads the same
    again.setValue("firma/lt", "true")
    assert FIRMA_LT.get(again) is True
    assert STAMPA_CARTELLA.get(again).endswith("stampe")  # a default known at run time


def test_family_keys_and_the_remembered_year(tmp_path):
    s = open_settings(tmp_path / "ui.ini")
    sp = SPLITTER.of("dettaglio")
    assert sp.key == "persist/splitter/dettaglio" and "persist/splitter/dettaglio" not in REGISTRY
    sp.set(s, QByteArray(b"xyz"))
    assert bytes(sp.get(s).data()) == b"xyz"
    st = UiState(s)
    assert st.anno([2025, 2026]) is None
    st.save_anno(2026)
    assert UiState(open_settings(tmp_path / "ui.ini")).anno([2025, 2026]) == 2026
    assert UiState(open_settings(tmp_path / "ui.ini")).anno([2030]) is None  # not a year of this plan


def test_settings_of_a_context_without_settings_is_the_users(qapp):
    assert ui_state.settings_of(object()).fileName()
