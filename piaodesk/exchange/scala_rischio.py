"""The «Scala del rischio» sheet of the workbook (issue 18 point 4): the ente's corruption-risk levels,
lowest first (the row order), each with its description, and the objectives that use each (not read).

Written for the whole plan (not in a settore's workbook: the scale is the ente's). Read back before
the «Obiettivi» sheet, so its levels are the ones that sheet's «Rischio corruttivo» column is read
against; compared after every sheet: a different scale is one ``SetSetting`` of the import, refused
(an error naming the objectives) when it drops a level that objectives still use once the workbook
is applied. A sheet with no rows changes nothing (the empty template)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..domain.fields import norm_label
from ..domain.model import Obiettivo
from ..domain.rischio import ScalaRischio, messaggio_scomparsi, nuova_scala, scala_predefinita, scomparsi
from ..store import rischio as store
from ..store.edits import SetFields, SetSetting
from .common import Differenza, ExchangeError
from .readers import ERRORI_FORMULA, rows_of
from .workbook import Col, SheetSpec, _open_sheet, _Styles, _write_rows

if TYPE_CHECKING:
    from ..store.archive import Archive

NOME = "Scala del rischio"


@dataclass
class RigaScala:
    """One row of the sheet: a level of the scale (the sheet's row order is the scale's order)."""

    TABLE: ClassVar[str] = "impostazioni"
    nome: str = ""
    descrizione: str = ""
    obiettivi: str = ""


SCALA_RISCHIO = SheetSpec(NOME, RigaScala, (
    Col("nome", "Livello di rischio", "text", None, 22),
    Col("descrizione", "Descrizione", "long", None, 60),
    Col("obiettivi", "Obiettivi che lo usano", "info", None, 40, imported=False),
))


def scala_del_piano(archive: Archive | None) -> ScalaRischio:
    """The plan's scale (the usual one for the empty template). An unreadable stored scale refuses
    the export or import (``ExchangeError``): writing or checking against the usual scale instead
    would silently put it in the ente's place."""
    if archive is None:
        return scala_predefinita()
    try:
        return store.scala(archive)
    except ValueError as exc:
        raise ExchangeError(f"{exc}: ridefinirla da «Piano › Scala del rischio…» (o con «piaodesk rischio») "
                            "prima di esportare o importare") from exc


def scrivi(wb: Any, archive: Archive | None, formulas: dict[str, str], st: _Styles) -> int:
    """The sheet: the plan's levels (none for the empty template); returns the rows written."""
    righe: list[RigaScala] = []
    if archive is not None:
        uso = store.in_uso(archive)
        righe = [RigaScala(x.nome, x.descrizione, "; ".join(uso.get(x.nome, [])))
                 for x in scala_del_piano(archive).livelli]
    ws = _open_sheet(wb, NOME, SCALA_RISCHIO.cols, len(righe), formulas, st, freeze="A2")
    _write_rows(ws, SCALA_RISCHIO.cols, righe,
                [lambda r: r.nome or None, lambda r: r.descrizione or None, lambda r: r.obiettivi or None], st)
    return len(righe)


def _testo(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def _cella(row: tuple[Any, ...], colonne: dict[str, int], key: str) -> str:
    i = colonne.get(key)
    t = _testo(row[i] if i is not None and i < len(row) else None)
    return "" if t in ERRORI_FORMULA else t[:2000]


def leggi(d: Any, wb: Any, names: set[str]) -> ScalaRischio | None:
    """The scale the workbook's sheet gives (``None``: no sheet, no rows, or refused — said as an
    error naming the row; the plan's scale is then used to read the objectives)."""
    if NOME not in names:
        return None
    ws = d._sheet(wb, NOME)
    by_label = {norm_label(c.label): c.key for c in SCALA_RISCHIO.cols if c.imported}
    colonne: dict[str, int] = {}
    righe: list[tuple[int, str, str]] = []
    for n, row in enumerate(rows_of(ws, d.path.name), start=1):
        if n == 1:
            colonne = {by_label[norm_label(h)]: i for i, h in enumerate(row) if norm_label(h) in by_label}
            if "nome" not in colonne:
                d.prob(NOME, 1, "manca la colonna «Livello di rischio»: la scala del rischio del piano non è stata "
                       "cambiata", gravita="errore")
                return None
            continue
        if n > 1000:
            d.prob(NOME, n, "oltre 1.000 righe: non è una scala del rischio; il piano non è stato cambiato",
                   gravita="errore")
            return None
        nome, descr = _cella(row, colonne, "nome"), _cella(row, colonne, "descrizione")
        if nome or descr:
            righe.append((n, nome, descr))
    if not righe:
        return None
    try:
        return nuova_scala((nome, descr) for _n, nome, descr in righe)
    except ValueError as exc:
        msg = str(exc)
        riga = None
        if msg.startswith("riga "):  # «riga 2 …» counts the levels: the sheet's row says where
            try:
                k = int(msg.split()[1].rstrip(":"))
                riga = righe[k - 1][0]
            except (ValueError, IndexError):
                riga = None
        d.prob(NOME, riga, f"{msg}: la scala del rischio del piano non è stata cambiata", col="Livello di rischio",
               gravita="errore")
        return None


def confronta(d: Any, nuova: ScalaRischio | None) -> None:
    """After every sheet: the scale's change as one edit of the import, or an error if it would drop a
    level objectives use (those the workbook leaves on it are named)."""
    if nuova is None:
        return
    try:
        vecchia: ScalaRischio | None = scala_del_piano(d.a)
    except ExchangeError:
        vecchia = None  # unreadable: the workbook's scale repairs it, if it keeps the levels in use
    if nuova == vecchia:
        return
    livello: dict[int, str | None] = {}
    codici: dict[int, str] = {}
    for o in d.a.select(Obiettivo, "rischio_livello IS NOT NULL", order="codice, id",
                        columns=("id", "codice", "rischio_livello")):
        if o.id is not None:
            livello[o.id], codici[o.id] = o.rischio_livello, o.codice
    for e in d.sets:  # what this workbook sets on the objectives
        if isinstance(e, SetFields) and e.table == "obiettivi" and "rischio_livello" in e.new:
            livello[e.row_id] = e.new["rischio_livello"]
            codici.setdefault(e.row_id, d.code_of.get(e.row_id, str(e.row_id)))
    uso: dict[str, list[str]] = {}
    for oid, lv in livello.items():
        if lv:
            uso.setdefault(lv, []).append(codici.get(oid) or str(oid))
    mancano = scomparsi(vecchia.nomi if vecchia is not None else tuple(uso), nuova.nomi, uso)
    if mancano:
        d.prob(NOME, None, messaggio_scomparsi(mancano) + " (nel foglio «Obiettivi», colonna «Rischio corruttivo», "
               "dare a quegli obiettivi un livello della nuova scala)", col="Livello di rischio", gravita="errore")
        return
    d.sets.append(SetSetting(store.CHIAVE, None if nuova.predefinita else nuova.to_json(), store.ETICHETTA))
    campi = []
    nomi_prima = ", ".join(vecchia.nomi) if vecchia is not None else "(non leggibile)"
    if nuova.nomi != (vecchia.nomi if vecchia is not None else ()):
        campi.append(("Livelli", nomi_prima, ", ".join(nuova.nomi)))
    for x in nuova.livelli:
        prima = vecchia.descrizione(x.nome) if vecchia is not None else ""
        if x.descrizione != prima:
            campi.append((f"Descrizione di «{x.nome}»", prima, x.descrizione))
    d.diffs.append(Differenza("modifica", NOME, "della scala", campi=campi))
