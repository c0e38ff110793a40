"""The missioni/programmi filter combo (issue 18), shared by the tree and the plan-wide views;
a module of its own so that the main window's start-up does not import the views' grids."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def riempi_programmi(combo: QComboBox, archive: Any) -> None:
    """The missioni and programmi of the catalogue the plan's objectives use (issue 18), as a filter
    combo: a missione («12») then its programmes («12.03»); hidden when the plan uses none."""
    from ...store.albero import programmi_usati

    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("Tutte le missioni e i programmi", None)
    usati = programmi_usati(archive)
    if usati:  # the catalogue is read only for a plan that uses it
        from ...domain.catalogo import catalogo

        cat = catalogo()
        for mis in sorted({c.split(".")[0] for c in usati}):
            m = cat.missione(mis)
            combo.addItem(m.etichetta if m else f"Missione {mis}", mis)
            for c in (x for x in usati if x.startswith(mis + ".")):
                p = cat.da_chiave(c)
                combo.addItem(f"    {p.etichetta if p else c}", c)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)
    combo.setVisible(bool(usati))
