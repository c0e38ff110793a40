"""Per-user UI state over QSettings (house style §6.8): every key declared once, typed.

Like Picard's option registry: each setting is an :class:`Option` (key, type, default, what it
is for) in :data:`REGISTRY`; code reads and writes settings only through an option
(``ANNO.get(settings)``, ``FIRMA_NOME.set(settings, "…")``), and only :func:`open_settings`
makes a ``QSettings`` (tests/ui/test_settings_registry.py checks both). A stored value of the
wrong type (a hand-edited file, an older version) reads as the default.

Tests pass ``QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)``.
The list of recent plans is shared with the CLI through ``paths.user_config_file()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from ..paths import user_config_file, user_data_dir

T = TypeVar("T", str, int, bool, QByteArray)


@dataclass(frozen=True)
class Option(Generic[T]):
    """One per-user setting: its QSettings key, the Python type of its value and its default.

    ``default`` may be a callable (a default known only at run time, e.g. a folder). A key with
    ``{}`` is a family (one value per splitter): :meth:`of` names one member.
    """

    key: str
    type: type[T]
    default: T | Callable[[], T]
    doc: str = ""
    choices: tuple[T, ...] = ()

    def default_value(self) -> T:
        d = self.default
        return d() if callable(d) else d

    def of(self, name: str) -> Option[T]:
        """The member ``name`` of a family key (``persist/splitter/{}``)."""
        assert "{}" in self.key, self.key
        return replace(self, key=self.key.format(name))

    def members(self, settings: QSettings) -> list[str]:
        """The names of a family key's members that ``settings`` holds."""
        assert self.key.endswith("/{}"), self.key
        settings.beginGroup(self.key[:-3])
        try:
            return list(settings.childKeys())
        finally:
            settings.endGroup()

    def get(self, settings: QSettings) -> T:
        raw = settings.value(self.key)
        if raw is None:
            return self.default_value()
        value = _convert(raw, self.type)
        if value is None or (self.choices and value not in self.choices):
            return self.default_value()
        return value

    def set(self, settings: QSettings, value: T) -> None:
        if self.type is bool:
            settings.setValue(self.key, "true" if value else "false")
        elif self.type is QByteArray:
            settings.setValue(self.key, value)
        else:
            settings.setValue(self.key, self.type(value))


def _convert(raw: Any, kind: type) -> Any:
    """``raw`` as ``kind``, or None when it is not one (QSettings gives ini values as text)."""
    if kind is QByteArray:
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None
    if kind is bool:
        text = str(raw).strip().lower()
        return True if text in ("true", "1") else False if text in ("false", "0", "") else None
    if kind is int:
        try:
            return int(str(raw).strip())
        except ValueError:
            return None
    return None if isinstance(raw, (QByteArray, list, dict)) else str(raw)


#: every per-user setting, by key
REGISTRY: dict[str, Option[Any]] = {}


def option(key: str, kind: type[T], default: T | Callable[[], T], doc: str,
           choices: tuple[T, ...] = ()) -> Option[T]:
    """Declare a setting (once: a second declaration of a key is a programming error)."""
    if key in REGISTRY:
        raise ValueError(f"impostazione già dichiarata: {key}")
    opt = Option(key, kind, default, doc, choices)
    REGISTRY[key] = opt
    return opt


GEOMETRY = option("persist/geometry", QByteArray, QByteArray(), "posizione e dimensioni della finestra")
WINDOW_STATE = option("persist/window_state", QByteArray, QByteArray(), "barre e pannelli della finestra")
SPLITTER = option("persist/splitter/{}", QByteArray, QByteArray(), "divisori (uno per nome del divisore)")
LAST_PLAN = option("persist/last_plan", str, "", "ultimo piano aperto")
LAST_DIR = option("persist/last_dir", str, "", "cartella dell'ultimo piano aperto")
ANNO = option("persist/anno", int, 0, "anno di riferimento scelto (0: il primo del piano)")
FIRMA_MODO = option("firma/modo", str, "p12", "firma con file .p12 o con carta/token", ("p12", "card"))
FIRMA_P12 = option("firma/p12", str, "", "ultimo file di certificato .p12/.pfx")
FIRMA_PKCS11_LIB = option("firma/pkcs11_lib", str, "", "libreria PKCS#11 della carta")
FIRMA_TOKEN = option("firma/token", str, "", "nome del token della carta")
FIRMA_NOME = option("firma/nome", str, "", "nome del firmatario")
FIRMA_RUOLO = option("firma/ruolo", str, "", "ruolo del firmatario")
FIRMA_LUOGO = option("firma/luogo", str, "", "luogo della firma")
FIRMA_LT = option("firma/lt", bool, False, "firma a lungo termine (PAdES-LT)")
FIRMA_CA_FIDATE = option("firma/ca_fidate", str, "", "certificati delle CA fidate per la verifica")
STAMPA_CARTELLA = option("stampa/cartella", str, lambda: str(user_data_dir() / "stampe"),
                         "cartella delle schede PDF")
PREMI_CARTELLA = option("premi/cartella", str, "", "cartella dei prospetti dei premi e dell'allegato")


def open_settings(path: Path | str | None = None) -> QSettings:
    """The one place a QSettings is made: the user's (``None``), or an ini file (tests)."""
    if path is None:
        return QSettings()
    return QSettings(str(path), QSettings.Format.IniFormat)


def settings_of(ctx: Any) -> QSettings:
    """The settings of a context, or the user's when it has none (a dialog opened alone)."""
    settings = getattr(ctx, "settings", None)
    return settings if isinstance(settings, QSettings) else open_settings()


class UiState:
    def __init__(self, settings: QSettings) -> None:
        self.s = settings

    def save_window(self, window: QWidget) -> None:
        GEOMETRY.set(self.s, window.saveGeometry())
        if hasattr(window, "saveState"):
            WINDOW_STATE.set(self.s, window.saveState())
        for sp in window.findChildren(QSplitter):
            if sp.objectName():
                SPLITTER.of(sp.objectName()).set(self.s, sp.saveState())
        self.s.sync()

    def restore_window(self, window: QWidget) -> bool:
        geo = GEOMETRY.get(self.s)
        if not geo.isEmpty():
            window.restoreGeometry(geo)
        st = WINDOW_STATE.get(self.s)
        if not st.isEmpty() and hasattr(window, "restoreState"):
            window.restoreState(st)
        # the splitters with a saved state, by name: findChildren() would make a Python object
        # (and the first time a Python type) for each of the window's hundreds of objects
        for name in SPLITTER.members(self.s):
            sp = window.findChild(QSplitter, name)
            state = SPLITTER.of(name).get(self.s)
            if sp is not None and not state.isEmpty():
                sp.restoreState(state)
        return not geo.isEmpty()

    @property
    def last_plan(self) -> Path | None:
        v = LAST_PLAN.get(self.s)
        return Path(v) if v else None

    @last_plan.setter
    def last_plan(self, path: Path | None) -> None:
        LAST_PLAN.set(self.s, str(path) if path else "")
        if path is not None:
            LAST_DIR.set(self.s, str(Path(path).parent))
            remember_plan(Path(path))
        self.s.sync()

    @property
    def last_dir(self) -> str:
        return LAST_DIR.get(self.s)

    def anno(self, anni: list[int]) -> int | None:
        """The remembered reference year when it is one of ``anni`` (the plan's years)."""
        v = ANNO.get(self.s)
        return v if v in anni else None

    def save_anno(self, anno: int | None) -> None:
        ANNO.set(self.s, anno or 0)
        self.s.sync()


def recent_plans() -> list[Path]:
    """Same list as ``piaodesk.cli.plan.recent_plans()`` (the CLI is a higher layer)."""
    try:
        return [Path(p) for p in json.loads(user_config_file().read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def remember_plan(path: Path) -> None:
    cfg = user_config_file()
    p = str(Path(path).resolve())
    recent = [str(x) for x in recent_plans()]
    recent = [p] + [r for r in recent if r != p]
    try:
        from ..fsio import atomic_open

        with atomic_open(cfg, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(recent[:10], ensure_ascii=False))
    except OSError:
        pass
