"""Projections: what each view shows, computed from the store without Qt and without SQL.

One projection per view (tree, objective grids, Scadenze, Indicatori, Gantt, Matrice,
monitoring round, ...). A projection loads its rows in steps and answers
``apply(changes) -> Delta``; two generic Qt adapters in ``ui/`` turn a :class:`Delta`
into Qt's begin/end calls. Projections are tested without a QApplication.

Contract (import-linter): no PySide6, no sqlite; this package sits between ``ui`` and
``exchange``/``reports`` and reads the plan only through ``store``'s public API.
"""

from .base import Delta, Key

__all__ = ["Delta", "Key"]
