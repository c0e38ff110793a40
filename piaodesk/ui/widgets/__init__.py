"""Widgets of the editor: the Excel-like grid, the detail form, the objective tree panel."""
