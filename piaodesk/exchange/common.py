"""What every import returns: an :class:`ImportPlan` (edits + problems + differences).

The exchange package never writes to the plan file: it reads workbooks and
text tables and returns the reversible edits that would apply them, as one
:class:`~piaodesk.store.edits.Batch`. The CLI applies it with
``archive.apply``, the GUI pushes it on the undo stack after a preview.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..store.changes import Changes
from ..store.edits import Batch, Edit, SetSetting

if TYPE_CHECKING:
    from ..store.archive import Archive

#: rows read from one sheet or text file at most (a larger file is refused, not truncated)
MAX_RIGHE = 100_000
#: characters in one cell at most (Excel's own limit): a longer cell refuses the file
MAX_CELLA = 32_767
#: characters of text in all the cells of a file at most
MAX_TESTO = 100_000_000
#: cells kept from a flat table at most (up to its last filled cell of each row)
MAX_CELLE = 5_000_000
#: bytes of a workbook once decompressed (all its parts), or of a text file, at most
MAX_DECOMPRESSO = 400 * 1024 * 1024
#: a part this large (bytes, decompressed) may not be more than MAX_RAPPORTO times its
#: compressed size (a "zip bomb": the 10.000-objective plan's export stays under 12)
GRANDE_PARTE = 16 * 1024 * 1024
MAX_RAPPORTO = 100

GRAVITA = ("errore", "avviso", "info")


def righe_mancanti(n: int) -> str:
    """«1 riga del piano manca nel file» / «3 righe del piano mancano nel file»."""
    return "1 riga del piano manca nel file" if n == 1 else f"{n} righe del piano mancano nel file"


class ExchangeError(Exception):
    """A file that cannot be read or written: ``str(exc)`` is the Italian message."""


@dataclass
class Problema:
    """One thing found in the source that a person should look at.

    ``riga`` is the row number as the spreadsheet/editor shows it (from 1);
    ``chiave`` identifies a decision the user can change in the review screen
    (``scelte``; the first is the default).
    """

    tipo: str
    messaggio: str
    riga: int | None = None
    colonna: str | None = None
    foglio: str | None = None
    gravita: str = "avviso"
    chiave: str | None = None
    scelte: tuple[str, ...] = ()
    righe: tuple[int, ...] = ()

    def dove(self) -> str:
        parts = []
        if self.foglio:
            parts.append(f"foglio «{self.foglio}»")
        if self.righe and len(self.righe) > 1:
            parts.append("righe " + ", ".join(str(r) for r in self.righe))
        elif self.riga is not None:
            parts.append(f"riga {self.riga}")
        if self.colonna:
            parts.append(f"colonna «{self.colonna}»")
        return ", ".join(parts)

    def testo(self) -> str:
        where = self.dove()
        return f"{where}: {self.messaggio}" if where else self.messaggio


@dataclass
class Differenza:
    """A row added, changed or removed by a re-import (shown in the preview)."""

    tipo: str  # "aggiunta" | "modifica" | "rimozione"
    foglio: str
    chiave: str
    descrizione: str = ""
    riga: int | None = None
    campi: list[tuple[str, str, str]] = field(default_factory=list)  # (campo, prima, dopo)

    def testo(self) -> str:
        verbo = {"aggiunta": "Aggiunta", "modifica": "Modifica", "rimozione": "Rimozione"}[self.tipo]
        head = f"{verbo} — {self.foglio} {self.chiave}"
        if self.descrizione:
            head += f" «{shorten(self.descrizione, 70)}»"
        if self.riga:
            head += f" (riga {self.riga})"
        lines = [head]
        for campo, prima, dopo in self.campi:
            lines.append(f"    {campo}: «{shorten(prima, 70)}» → «{shorten(dopo, 70)}»")
        return "\n".join(lines)


@dataclass
class ImportPlan:
    """The outcome of reading a file: what would change, and what looked wrong."""

    label: str
    edits: list[Edit] = field(default_factory=list)
    problemi: list[Problema] = field(default_factory=list)
    differenze: list[Differenza] = field(default_factory=list)
    riepilogo: dict[str, int] = field(default_factory=dict)
    origine: str = ""
    mappatura: dict[str, int] | None = None  # flat tables: field → column (from 0)
    mappatura_origine: str = ""
    anni: list[int] = field(default_factory=list)
    #: deletions of rows missing from the file: applied only after :meth:`conferma_rimozioni`
    rimozioni: list[Edit] = field(default_factory=list)
    nota: str = ""  # what the import found when it changes nothing ("Nessuna modifica: …")

    @property
    def vuoto(self) -> bool:
        return not self.edits and not self.rimozioni

    @property
    def mancanti(self) -> int:
        """Rows of the plan missing from the file, proposed for removal (as listed)."""
        return sum(1 for d in self.differenze if d.tipo == "rimozione")

    def conferma_rimozioni(self, n: int) -> None:
        """Add the proposed removals to the edits; ``n`` must be their count (the user's check)."""
        if n != self.mancanti:
            raise ExchangeError(
                f"Le righe del piano che mancano nel file sono {self.mancanti}, non {n}: "
                f"nessuna riga è stata rimossa. Controllare l'elenco delle rimozioni e ripetere "
                f"con il numero giusto.")
        self.edits = [*self.edits, *self.rimozioni]
        self.rimozioni = []

    @property
    def bloccante(self) -> bool:
        return any(p.gravita == "errore" for p in self.problemi)

    def batch(self) -> Batch:
        return Batch(list(self.edits), self.label)

    def apply(self, archive: Archive) -> tuple[Batch, Changes]:
        """Apply all edits as one transaction (CLI); returns the batch for undo."""
        batch = self.batch()
        return batch, archive.apply(batch)

    def conta_differenze(self) -> Counter[str]:
        return Counter(d.tipo for d in self.differenze)

    def report(self, *, dettagli: bool = True, max_differenze: int = 200) -> str:
        """The problems report and summary, in Italian, as the CLI prints it."""
        out: list[str] = [f"Importazione: {self.origine or self.label}"]
        if self.mappatura is not None:
            cols = ", ".join(f"{k}={column_letter(v)}" for k, v in sorted(self.mappatura.items(),
                                                                        key=lambda kv: kv[1]))
            out.append(f"Mappatura delle colonne ({self.mappatura_origine}): {cols}")
        if self.riepilogo:
            out.append("Riepilogo:")
            for k, v in self.riepilogo.items():
                out.append(f"  {k}: {v}")
        if self.differenze:
            c = self.conta_differenze()
            out.append(f"Differenze: {c.get('aggiunta', 0)} aggiunte, {c.get('modifica', 0)} "
                       f"modifiche, {c.get('rimozione', 0)} rimozioni"
                       + (" (proposte: applicate solo se confermate)" if self.rimozioni else ""))
            if dettagli:
                for d in self.differenze[:max_differenze]:
                    out.append("  " + d.testo().replace("\n", "\n  "))
                if len(self.differenze) > max_differenze:
                    out.append(f"  … e altre {len(self.differenze) - max_differenze} differenze")
        elif not self.edits:
            out.append(self.nota or "Nessuna differenza: il piano non cambia.")
        if self.problemi:
            per = Counter(p.gravita for p in self.problemi)
            out.append(f"Problemi da verificare: {len(self.problemi)} "
                       f"({per.get('errore', 0)} errori, {per.get('avviso', 0)} avvisi, "
                       f"{per.get('info', 0)} informazioni)")
            if dettagli:
                for p in self.problemi:
                    out.append(f"  [{p.gravita}] {p.testo()}")
        else:
            out.append("Nessun problema rilevato.")
        return "\n".join(out)


# A remembered mapping is an ordinary plan setting: the store's SetSetting edit.
SetImpostazione = SetSetting


def column_letter(i: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out


def shorten(text: Any, n: int = 50) -> str:
    """A text on one line, cut to ``n`` characters with «…» (``""`` for None)."""
    s = "" if text is None else str(text).replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"
