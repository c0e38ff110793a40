"""The PIAO portal's words for an objective (issue 18 point 3-4), one place for sheets and exports."""

from __future__ import annotations

from .model import Obiettivo

#: the portal's objective kinds beside «performance» (anchors-domain §1.2), field → label
TIPOLOGIE_PIAO: tuple[tuple[str, str], ...] = (
    ("pari_opportunita", "Pari opportunità"), ("accessibilita_digitale", "Accessibilità digitale"),
    ("accessibilita_fisica", "Accessibilità fisica"), ("semplificazione", "Semplificazione"))


def tipologie_piao(ob: Obiettivo) -> str:
    """«Pari opportunità, Semplificazione» (empty when none); seed 004's product kind first."""
    nomi = [n for k, n in TIPOLOGIE_PIAO if getattr(ob, k)]
    if ob.tipo_prodotto is not None:
        nomi.insert(0, getattr(ob.tipo_prodotto, "label", str(ob.tipo_prodotto)))
    return ", ".join(nomi)


def testo_rischio(ob: Obiettivo) -> str:
    """«MEDIA — misura» as printed (seed 001 grades each row); «Sì (livello non indicato)» for the
    bare flag: the level is never guessed."""
    if ob.rischio_livello:
        return f"{ob.rischio_livello} — {ob.rischio_misura}" if ob.rischio_misura else ob.rischio_livello
    if ob.rischio_corruttivo:
        return "Sì (livello non indicato)" + (f" — {ob.rischio_misura}" if ob.rischio_misura else "")
    return ""
