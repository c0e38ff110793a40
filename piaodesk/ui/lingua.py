"""Italian everywhere, Qt's own dialogs included.

- :func:`prepara_ambiente` (before the QApplication exists): on Linux and other
  Unix systems whose locale is not Italian (``LANG=C.UTF-8``…), ``LC_TIME`` is set
  to Italian, so that the dates Qt writes with the *system* locale (the «Data di
  modifica» column of the file dialog: «4 12 2026» under the C locale) read
  «04/12/26 10:30».
- :func:`installa` sets the default QLocale to Italian (Italy) and installs Qt's
  Italian catalogue (``qtbase_it`` from PySide6's translations folder) plus ours
  with the few strings that catalogue lacks for Qt 6 («&Look in:», «Files of
  &type:» of the file dialog, «Don't Save»…), before any dialog is built.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ITALIANO = QLocale(QLocale.Language.Italian, QLocale.Country.Italy)

#: Qt 6 strings missing from PySide6's qtbase_it.qm («&Look in:» and «Files of &type:» of the
#: file dialog, «Don't Save»…): resources/translations/piaodesk_qt_it.ts, compiled with
#: ``pyside6-lrelease resources/translations/piaodesk_qt_it.ts`` into the .qm loaded here (a
#: catalogue Qt reads in C++: a translator written in Python would be called on every tr(),
#: some 2.000 times while the main window is built)
INTEGRAZIONI = "piaodesk_qt_it"


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


def installa(app: QCoreApplication, nostre: Path | None = None) -> bool:
    """Italian QLocale and translations on ``app`` (once): Qt's catalogue, then ours from the
    folder ``nostre`` (resources/translations). False if qtbase_it was not found."""
    QLocale.setDefault(ITALIANO)
    if app.property("piaodesk_italiano"):
        return bool(app.property("piaodesk_qtbase_it"))
    qtbase = QTranslator(app)
    found = qtbase.load(ITALIANO, "qtbase", "_", str(cartella_traduzioni()))
    if not found and nostre is not None:  # a frozen build carries it among its resources
        found = qtbase.load(ITALIANO, "qtbase", "_", str(nostre))
    if found:
        app.installTranslator(qtbase)
    ours = QTranslator(app)
    if nostre is not None and ours.load(INTEGRAZIONI, str(nostre)):
        app.installTranslator(ours)  # the last installed is asked first
    app.setProperty("piaodesk_italiano", True)
    app.setProperty("piaodesk_qtbase_it", found)
    return found
