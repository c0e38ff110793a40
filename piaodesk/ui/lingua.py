"""Italian everywhere, Qt's own dialogs included.

- :func:`prepara_ambiente` (before the QApplication exists): on Linux and other
  Unix systems whose locale is not Italian (``LANG=C.UTF-8``…), ``LC_TIME`` is set
  to Italian, so that the dates Qt writes with the *system* locale (the «Data di
  modifica» column of the file dialog: «4 12 2026» under the C locale) read
  «04/12/26 10:30».
- :func:`installa` sets the default QLocale to Italian (Italy) and installs Qt's
  Italian catalogue (``qtbase_it`` from PySide6's translations folder) plus the
  few strings that catalogue lacks for Qt 6 («&Look in:», «Files of &type:» of
  the file dialog, «Don't Save»…), before any dialog is built.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ITALIANO = QLocale(QLocale.Language.Italian, QLocale.Country.Italy)

#: strings of Qt 6 missing from PySide6's qtbase_it.qm: (context, source) -> Italian
MANCANTI: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "Cerca &in:",
    ("QFileDialog", "Files of &type:"): "File di &tipo:",
    ("QCalendarWidget", "Week"): "Settimana",
    ("QPlatformTheme", "Yes to All"): "Sì a tutti",
    ("QPlatformTheme", "No to All"): "No a tutti",
    ("QPlatformTheme", "Don't Save"): "Non salvare",
    ("QPlatformTheme", "Close without Saving"): "Chiudi senza salvare",
    ("QColorDialog", "Pick Screen Color"): "Scegli un colore sullo schermo",
}


class Integrazioni(QTranslator):
    """The strings :data:`MANCANTI`; any other is left to the catalogues installed before."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's null string: «not here», the next catalogue is asked
        return MANCANTI.get((context, source))

    def isEmpty(self) -> bool:
        return False


def prepara_ambiente(environ: dict[str, str] | None = None) -> bool:
    """Before the QApplication: Italian dates from Qt's system locale on Unix (True if set)."""
    env = os.environ if environ is None else environ
    if sys.platform.startswith(("win", "darwin")):
        return False  # the user's own regional settings: Italian for an Italian user
    current = env.get("LC_ALL") or env.get("LC_TIME") or env.get("LANG") or ""
    if current.startswith("it"):
        return False
    if env.get("LC_ALL"):
        return False  # set on purpose by the user: respected
    env["LC_TIME"] = "it_IT.UTF-8"
    return True


def cartella_traduzioni() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def installa(app: QCoreApplication, riserva: Path | None = None) -> bool:
    """Italian QLocale and translations on ``app`` (once); False if qtbase_it was not found."""
    QLocale.setDefault(ITALIANO)
    if app.property("piaodesk_italiano"):
        return bool(app.property("piaodesk_qtbase_it"))
    qtbase = QTranslator(app)
    found = qtbase.load(ITALIANO, "qtbase", "_", str(cartella_traduzioni()))
    if not found and riserva is not None:
        found = qtbase.load(ITALIANO, "qtbase", "_", str(riserva))
    if found:
        app.installTranslator(qtbase)
    app.installTranslator(Integrazioni(app))  # last installed: asked first
    app.setProperty("piaodesk_italiano", True)
    app.setProperty("piaodesk_qtbase_it", found)
    return found
