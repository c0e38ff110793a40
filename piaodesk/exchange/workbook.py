"""The piaodesk workbook: one sheet per table, Italian headers, a stable ID column.

Layout (written by :func:`write_workbook`, read back by
:mod:`piaodesk.exchange.reimport`):

* ``Obiettivi``, ``Fasi``, ``Indicatori`` (one row per indicator, with
  ``Target AAAA`` / ``Valore AAAA`` columns for each year of the plan),
  ``Misure periodiche`` (checkpoints such as *Giugno*/*Dicembre* and years
  outside the triennio, linked by ``ID indicatore`` or ``Codice indicatore``),
  ``Unità``, ``Personale``, ``Assegnazioni``, ``Risorse``, ``Valutazioni``,
  ``Monitoraggi``, ``Stati di avanzamento``, ``Rilevazioni``, and the valuation
  of people and of the ente (``Valutazioni individuali``, ``Comportamenti``: one
  row per person and behaviour of their category's catalogue, ``Ciclo di
  valutazione``, ``Voci organizzative``, ``Indicatori organizzativi``, ``Valori
  organizzativi``): every field the program edits (tests/exchange/test_full_roundtrip.py walks the schema);
* a hidden ``Elenchi`` sheet feeding the drop-down lists, and a hidden
  ``Info`` sheet with the plan title and the IDs exported (a row missing on
  re-import is a removal only if it was exported).

Dates are real Excel dates (``DD/MM/YYYY``), weights and percentages are
numbers with a ``%`` format, enumerations are written by their Italian label.
Text is always written as text, never as a formula (:func:`text_row`); a
target's text is a number cell only when reading the number gives the text
back. Linked rows (settori sharing an objective, other names of a person) are
one cell ``A; B``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from ..domain.catalogo import riconosci
from ..domain.enums import (
    Aggregazione,
    Area2023,
    FonteVoce,
    LabeledEnum,
    Livello,
    LivelloOrganizzativo,
    PassoCiclo,
    Polarita,
    Ramo,
    StatoMonitoraggio,
    StatoPiano,
    TipoEnte,
    TipoIndicatore,
    Tipologia,
    TipoProdotto,
    TipoRisorsa,
    TipoUnita,
)
from ..domain.fields import label, norm_label
from ..domain.formats import (
    format_date,
    format_decimal,
    parse_anni,
    parse_date,
    parse_decimal,
    parse_percent,
    to_decimal,
)
from ..domain.model import (
    PERIODO_ANNUALE,
    AliasPersona,
    Assegnazione,
    Ente,
    Fase,
    Indicatore,
    IndicatoreOrganizzativo,
    Misura,
    Monitoraggio,
    Obiettivo,
    ObiettivoUnita,
    PassoValutazione,
    Persona,
    PunteggioComportamento,
    RilevazioneIndicatore,
    Risorsa,
    StatoAvanzamento,
    Unita,
    ValoreOrganizzativo,
    Valutazione,
    ValutazioneIndividuale,
    VoceOrganizzativa,
)
from ..domain.parametri import ParametroServizio
from ..domain.rischio import SCALA_PREDEFINITA, leggi_livello
from ..domain.target import leggi_target
from ..domain.valore_pubblico import LegameValorePubblico, ObiettivoValorePubblico
from ..domain.variazioni import StatoVariazione, Variazione
from ..store.archive import Archive
from ..store.valutazioni import categoria_di
from .common import ExchangeError, shorten

FORMATO = "piaodesk-cartella-1"
DATE_FMT = "DD/MM/YYYY"
PERC_FMT = "0.00%"
MONEY_FMT = "#,##0.00"
SI, NO = "Sì", "No"

ISTRUZIONI = [
    ("Come usare questa cartella", ""),
    ("", "Ogni foglio corrisponde a una parte del piano: Obiettivi, Fasi, Indicatori (con i target e "
         "i valori per anno), Misure periodiche, Unità, Personale, Assegnazioni, Risorse, "
         "Valutazioni (degli obiettivi), Monitoraggi, Stati di avanzamento, Rilevazioni, Piano, "
         "Valutazioni individuali, Comportamenti, Ciclo di valutazione, Voci, Indicatori e Valori "
         "organizzativi, Valore pubblico, Parametri, Variazioni, Comuni (dell'Unione), Calendario."),
    ("Variazioni", "Una variazione registrata è la storia del piano: la sua riga non si modifica né si "
                   "elimina dalla cartella (lo si dice all'importazione). Una riga senza ID aggiunge "
                   "una variazione chiusa, se il piano non ha già lo stesso atto."),
    ("Calendario", "Le scadenze del piano: «Data dell'ente» (gg/mm) sposta quella di legge, «Attiva» = No "
                   "la toglie; «Approvazione del bilancio» e le righe «Evento: …» (le date da cui "
                   "contano le scadenze relative) hanno la data nella colonna «Data»."),
    ("Comportamenti", "Una riga per persona e comportamento del catalogo della sua categoria: "
                      "scrivere il punteggio nella colonna «Punteggio» (scala del sistema di "
                      "valutazione). Una riga senza ID lasciata vuota non aggiunge nulla."),
    ("", "La prima riga di ogni foglio contiene le intestazioni: non modificarle. L'ordine delle "
         "colonne può cambiare, le intestazioni no."),
    ("Colonna ID", "Serve a riconoscere le righe quando la cartella viene reimportata: non modificarla "
                   "(è protetta: i fogli sono protetti senza password, si scrive solo nelle colonne "
                   "modificabili). Per aggiungere una riga nuova lasciare l'ID vuoto."),
    ("Righe eliminate", "Una riga cancellata da un foglio viene proposta come eliminazione: piaodesk "
                        "mostra l'anteprima delle differenze e rimuove le righe solo dopo averne "
                        "confermato il numero."),
    ("Codici", "Gli obiettivi si collegano tra loro con la colonna «Codice padre»; fasi, indicatori, "
               "assegnazioni e risorse con «Codice obiettivo» (o «ID obiettivo»); le misure "
               "periodiche con «Codice indicatore» (o «ID indicatore»), anche per indicatori "
               "scritti nella stessa cartella."),
    ("Date", "Scrivere le date come 31/12/2025."),
    ("Percentuali", "Pesi, % di realizzazione e impegno sono percentuali: 30 % si scrive 30 (o 30%). "
                    "0,3 vale 30 % solo in una cella formattata come percentuale; negli altri casi "
                    "piaodesk lo legge 0,3 % e lo segnala."),
    ("Parole dei documenti", "Polarità: Positivo/Crescente/+ e Negativo/Decrescente/−; "
                             "aggregazione: Somma, Media, Ultimo; tipo: Sì/No, Numero, Percentuale…"),
    ("Elenchi", "Le colonne con un elenco a discesa (Ramo, Livello, Tipo, Polarità, Sì/No…) "
                "accettano solo i valori proposti."),
    ("Target e valori", "Si possono scrivere numeri (12,5), Sì/No, rapporti (4 su 8) o testo; "
                        "il testo originale viene sempre conservato."),
    ("Persone", "Nelle colonne «Responsabile» e «Persona» scrivere «Cognome Nome» come nel foglio "
                "Personale."),
    ("Elenchi in una cella", "«Settori condivisi», «Altri nomi» ed «Etichette» separano le voci con "
                             "il punto e virgola (A; B); «Tipologia» e «Anni» con la virgola "
                             "(Gestionale, Sviluppo; 2025, 2026)."),
    ("Scala del rischio", "I livelli di rischio corruttivo dell'ente, dal più basso (una riga per livello, "
                          "con una descrizione facoltativa): la colonna «Livello di rischio» degli obiettivi "
                          "accetta questi livelli. Un livello ancora usato da un obiettivo non si può togliere."),
]

# ---------------------------------------------------------------------- column specs


@dataclass(frozen=True)
class Col:
    """A column of a sheet: field, header label and how the cell is written and read."""

    key: str
    label: str
    # id int text long dec perc money date bool enum enumtext persona unita obref obcode parentcode
    # info valore indcode monref tipologia anni lista extra links
    kind: str = "text"
    enum: type[LabeledEnum] | None = None
    width: int = 14
    imported: bool = True


@dataclass(frozen=True)
class SheetSpec:
    name: str
    cls: type
    cols: tuple[Col, ...]
    #: a row without ID in which all these columns are empty is a row to fill in, exported
    #: empty and left so: it adds nothing (e.g. a behaviour not scored yet)
    da_compilare: tuple[str, ...] = ()


def _c(cls: type, key: str, kind: str = "text", width: int = 14, enum: type | None = None,
       title: str | None = None, imported: bool = True) -> Col:
    return Col(key, title or label(cls, key), kind, enum, width, imported)


OBIETTIVI = SheetSpec("Obiettivi", Obiettivo, (
    _c(Obiettivo, "id", "id", 7),
    _c(Obiettivo, "codice", "text", 12),
    _c(Obiettivo, "parent_id", "parentcode", 12),
    _c(Obiettivo, "ramo", "enum", 12, Ramo),
    _c(Obiettivo, "livello", "enum", 18, Livello),
    _c(Obiettivo, "titolo", "long", 50),
    _c(Obiettivo, "descrizione", "long", 50),
    _c(Obiettivo, "unita_id", "unita", 28),
    _c(Obiettivo, "responsabile_id", "persona", 22),
    _c(Obiettivo, "peso", "perc", 9),
    _c(Obiettivo, "inizio_previsto", "date", 12),
    _c(Obiettivo, "fine_prevista", "date", 12),
    _c(Obiettivo, "inizio_effettivo", "date", 12),
    _c(Obiettivo, "fine_effettiva", "date", 12),
    _c(Obiettivo, "assessore", "text", 20),
    _c(Obiettivo, "stakeholder", "long", 24),
    _c(Obiettivo, "altri_settori", "long", 20),
    _c(Obiettivo, "missione", "text", 14),
    _c(Obiettivo, "programma", "text", 14),
    _c(Obiettivo, "trasversale", "bool", 11),
    _c(Obiettivo, "rischio_corruttivo", "bool", 11),
    _c(Obiettivo, "note", "long", 30),
    _c(Obiettivo, "tipologia", "tipologia", 18),
    _c(Obiettivo, "anni", "anni", 12),
    _c(Obiettivo, "stato", "text", 14),
    _c(Obiettivo, "flags", "lista", 24),
    _c(Obiettivo, "extra", "extra", 30),
    Col("_condivise", "Settori condivisi", "links", None, 30),
    # PIAO vocabulary (issue 18)
    _c(Obiettivo, "rischio_livello", "rischio", 12),
    _c(Obiettivo, "rischio_misura", "long", 30),
    _c(Obiettivo, "pari_opportunita", "bool", 11),
    _c(Obiettivo, "accessibilita_digitale", "bool", 11),
    _c(Obiettivo, "accessibilita_fisica", "bool", 11),
    _c(Obiettivo, "semplificazione", "bool", 11),
    _c(Obiettivo, "programma_cod", "programma", 12),
    _c(Obiettivo, "tipo_prodotto", "enum", 16, TipoProdotto),
    _c(Obiettivo, "responsabile_operativo_id", "persona", 22),
    _c(Obiettivo, "fase_approvazione", "text", 16),
    _c(Obiettivo, "comune_id", "comune", 20),
))

_OBREF = (Col("obiettivo_id", "ID obiettivo", "obref", None, 9),
          Col("_obcode", "Codice obiettivo", "obcode", None, 12))
_INDREF = (Col("indicatore_id", "ID indicatore", "int", None, 9),
           Col("_indcode", "Codice indicatore", "indcode", None, 12),
           Col("_indname", "Indicatore", "info", None, 40, imported=False))

FASI = SheetSpec("Fasi", Fase, (
    _c(Fase, "id", "id", 7), *_OBREF,
    _c(Fase, "descrizione", "long", 50),
    _c(Fase, "scadenza", "date", 12),
    _c(Fase, "inizio_previsto", "date", 12),
    _c(Fase, "fine_prevista", "date", 12),
    _c(Fase, "inizio_effettivo", "date", 12),
    _c(Fase, "fine_effettiva", "date", 12),
    _c(Fase, "perc_realizzazione", "perc", 11),
    _c(Fase, "peso", "perc", 9),
    _c(Fase, "note", "long", 30),
    _c(Fase, "scadenza_relativa", "relativa", 26),
))

INDICATORI_BASE = (
    _c(Indicatore, "id", "id", 7), *_OBREF,
    _c(Indicatore, "codice", "text", 12),
    _c(Indicatore, "descrizione", "long", 45),
    _c(Indicatore, "dimensione", "text", 14),
    _c(Indicatore, "formula", "long", 24),
    _c(Indicatore, "tipo", "enum", 14, TipoIndicatore),
    _c(Indicatore, "unita_misura", "text", 12),
    _c(Indicatore, "polarita", "enum", 18, Polarita),
    _c(Indicatore, "aggregazione", "enum", 12, Aggregazione),
    Col("baseline", label(Indicatore, "baseline_testo"), "valore", None, 12),
    _c(Indicatore, "anno_baseline", "int", 9),
    _c(Indicatore, "peso", "dec", 8),
    _c(Indicatore, "fonte", "text", 18),
    _c(Indicatore, "solo_individuale", "bool", 11),
    _c(Indicatore, "note", "long", 24),
)
#: PIAO vocabulary (issue 18): after the year columns, so a row typed by position keeps its place
INDICATORI_PIAO = (
    _c(Indicatore, "sottodimensione", "text", 16),
    _c(Indicatore, "rilevante", "bool", 10),
    _c(Indicatore, "comune_id", "comune", 20),
)

MISURE = SheetSpec("Misure periodiche", Misura, (
    Col("id", "ID", "id", None, 7),
    *_INDREF,
    Col("anno", "Anno", "int", None, 8),
    Col("periodo", "Periodo", "text", None, 12),
    Col("data_riferimento", "Data di riferimento", "date", None, 12),
    Col("target", "Target", "valore", None, 14),
    Col("valore", "Valore", "valore", None, 14),
))

PERSONALE = SheetSpec("Personale", Persona, (
    _c(Persona, "id", "id", 7),
    _c(Persona, "cognome", "text", 18),
    _c(Persona, "nome", "text", 16),
    _c(Persona, "titolo", "text", 9),
    _c(Persona, "categoria", "text", 11),
    _c(Persona, "area", "enumtext", 18, Area2023),
    _c(Persona, "profilo", "text", 22),
    _c(Persona, "ore_settimanali", "dec", 9),
    _c(Persona, "eq", "bool", 8),
    _c(Persona, "unita_id", "unita", 28),
    _c(Persona, "valido_dal", "date", 12),
    _c(Persona, "valido_al", "date", 12),
    _c(Persona, "email", "text", 22),
    _c(Persona, "note", "long", 24),
    Col("_alias", "Altri nomi", "links", None, 24),
))

UNITA = SheetSpec("Unità", Unita, (
    _c(Unita, "id", "id", 7),
    _c(Unita, "codice", "text", 16),
    _c(Unita, "nome", "long", 44),
    _c(Unita, "tipo", "enum", 12, TipoUnita),
    _c(Unita, "parent_id", "unita", 36),
    _c(Unita, "responsabile_id", "persona", 22),
))

ASSEGNAZIONI = SheetSpec("Assegnazioni", Assegnazione, (
    _c(Assegnazione, "id", "id", 7), *_OBREF,
    _c(Assegnazione, "persona_id", "persona", 24, title="Persona"),
    _c(Assegnazione, "data_inizio", "date", 12),
    _c(Assegnazione, "data_fine", "date", 12),
    _c(Assegnazione, "impegno", "perc", 10),
    _c(Assegnazione, "responsabile", "bool", 12),
    _c(Assegnazione, "ruolo", "text", 26),
))

RISORSE = SheetSpec("Risorse", Risorsa, (
    _c(Risorsa, "id", "id", 7), *_OBREF,
    _c(Risorsa, "anno", "int", 8),
    _c(Risorsa, "tipo", "enum", 10, TipoRisorsa),
    _c(Risorsa, "descrizione", "long", 36),
    _c(Risorsa, "capitolo", "text", 12),
    *(_c(Risorsa, k, "money", 14) for k in
      ("stanziato", "assestato", "impegnato", "accertato", "pagato", "incassato")),
))


_MONREF = (Col("monitoraggio_id", "ID monitoraggio", "monref", None, 9),
           Col("_monname", "Monitoraggio", "info", None, 26, imported=False))

MONITORAGGI = SheetSpec("Monitoraggi", Monitoraggio, (
    _c(Monitoraggio, "id", "id", 7),
    _c(Monitoraggio, "nome", "text", 30),
    _c(Monitoraggio, "data", "date", 12),
    _c(Monitoraggio, "anno", "int", 8),
    _c(Monitoraggio, "stato", "enum", 10, StatoMonitoraggio),
    _c(Monitoraggio, "chiuso_il", "date", 12),
))

STATI = SheetSpec("Stati di avanzamento", StatoAvanzamento, (
    _c(StatoAvanzamento, "id", "id", 7), *_MONREF, *_OBREF,
    _c(StatoAvanzamento, "relazione_settore", "long", 50),
    _c(StatoAvanzamento, "osservazioni_nucleo", "long", 40),
    _c(StatoAvanzamento, "risposta_settore", "long", 40),
    _c(StatoAvanzamento, "perc_calcolata", "dec", 11),
    _c(StatoAvanzamento, "perc_validata", "dec", 11),
    _c(StatoAvanzamento, "motivo_override", "long", 30),
))

RILEVAZIONI = SheetSpec("Rilevazioni", RilevazioneIndicatore, (
    _c(RilevazioneIndicatore, "id", "id", 7), *_MONREF, *_INDREF,
    Col("target", "Target", "valore", None, 14),
    Col("valore", "Valore", "valore", None, 14),
))

VALUTAZIONI = SheetSpec("Valutazioni", Valutazione, (
    _c(Valutazione, "id", "id", 7), *_OBREF,
    _c(Valutazione, "anno", "int", 8),
    _c(Valutazione, "punteggio", "dec", 10),
    _c(Valutazione, "perc_validata", "dec", 11),
    _c(Valutazione, "motivo", "long", 36),
    _c(Valutazione, "valutatore", "text", 28),
    _c(Valutazione, "data", "date", 12),
))


@dataclass
class PianoEnte:
    """The plan's own properties and its ente: the one row of the «Piano» sheet."""

    TABLE: ClassVar[str] = "piano"
    id: int | None = None
    titolo: str = ""
    anno_inizio: int = 0
    anno_fine: int = 0
    stato: StatoPiano = StatoPiano.BOZZA
    atto_tipo: str | None = None
    atto_numero: str | None = None
    atto_data: date | None = None
    note: str | None = None
    ente_nome: str = ""
    ente_tipo: TipoEnte = TipoEnte.COMUNE

    @classmethod
    def of(cls, archive: Archive) -> PianoEnte:
        p, e = archive.piano(), archive.ente()
        return cls(p.id, p.titolo, p.anno_inizio, p.anno_fine, p.stato, p.atto_tipo, p.atto_numero,
                   p.atto_data, p.note, e.nome if e else "", e.tipo if e else TipoEnte.COMUNE)


PIANO = SheetSpec("Piano", PianoEnte, (
    Col("id", "ID", "id", None, 7),
    Col("titolo", "Titolo del piano", "long", None, 44),
    Col("anno_inizio", "Anno iniziale", "int", None, 9),
    Col("anno_fine", "Anno finale", "int", None, 9),
    Col("stato", "Stato del piano", "enum", StatoPiano, 14),
    Col("atto_tipo", "Atto di approvazione", "text", None, 26),
    Col("atto_numero", "Numero dell'atto", "text", None, 10),
    Col("atto_data", "Data dell'atto", "date", None, 12),
    Col("note", "Note", "long", None, 30),
    Col("ente_nome", "Ente", "text", None, 30),
    Col("ente_tipo", "Tipo di ente", "enum", TipoEnte, 12),
))


# issue 10: the individual valuations and the organisational performance. The rows of a
# person's valuation name it by «ID valutazione» (or, in a new row, by «Persona» and «Anno»).
_VALREF = (Col("valutazione_id", "ID valutazione", "int", None, 9),
           Col("_valpersona", "Persona", "info", None, 24, imported=False),
           Col("_valanno", "Anno", "info", None, 8, imported=False))

VALUTAZIONI_IND = SheetSpec("Valutazioni individuali", ValutazioneIndividuale, (
    Col("id", "ID", "id", None, 7),
    Col("persona_id", "Persona", "persona", None, 24),
    Col("anno", "Anno", "int", None, 8),
    Col("categoria", "Categoria", "text", None, 22),
    Col("valutatore_id", "Valutatore", "persona", None, 24),
    Col("valutatore_ruolo", "Organo valutatore", "text", None, 24),
    Col("punteggio_individuali", "% obiettivi individuali (validata)", "dec", None, 12),
    Col("note", "Note", "long", None, 30),
))

COMPORTAMENTI = SheetSpec("Comportamenti", PunteggioComportamento, (
    Col("id", "ID", "id", None, 7), *_VALREF,
    Col("comportamento", "Comportamento", "long", None, 40),
    Col("punteggio", "Punteggio", "dec", None, 10),
    Col("nota", "Nota", "long", None, 30),
), da_compilare=("punteggio", "nota"))

CICLO = SheetSpec("Ciclo di valutazione", PassoValutazione, (
    Col("id", "ID", "id", None, 7), *_VALREF,
    Col("passo", "Passo", "enum", PassoCiclo, 22),
    Col("data", "Data", "date", None, 12),
    Col("testo", "Testo", "long", None, 40),
    Col("esito", "Esito", "text", None, 14),
))

VOCI_ORG = SheetSpec("Voci organizzative", VoceOrganizzativa, (
    Col("id", "ID", "id", None, 7),
    Col("livello", "Livello", "enum", LivelloOrganizzativo, 10),
    Col("unita_id", "Unità", "unita", None, 28),
    Col("codice", "Codice", "text", None, 10),
    Col("nome", "Nome", "long", None, 40),
    Col("fonte", "Fonte", "enum", FonteVoce, 18),
    Col("peso", "Peso", "dec", None, 8),
    Col("note", "Note", "long", None, 30),
))

INDICATORI_ORG = SheetSpec("Indicatori organizzativi", IndicatoreOrganizzativo, (
    Col("id", "ID", "id", None, 7),
    Col("voce_id", "ID voce", "int", None, 9),
    Col("_voce", "Voce", "info", None, 30, imported=False),
    Col("codice", "Codice", "text", None, 10),
    Col("nome", "Nome", "long", None, 40),
    Col("formula", "Formula", "long", None, 30),
    Col("tipo", "Tipo", "enum", TipoIndicatore, 14),
    Col("polarita", "Polarità", "enum", Polarita, 18),
    Col("unita_misura", "Unità di misura", "text", None, 12),
    Col("peso", "Peso", "dec", None, 8),
    Col("note", "Note", "long", None, 30),
))

VALORI_ORG = SheetSpec("Valori organizzativi", ValoreOrganizzativo, (
    Col("id", "ID", "id", None, 7),
    Col("indicatore_id", "ID indicatore", "int", None, 9),
    Col("_indorg", "Indicatore", "info", None, 40, imported=False),
    Col("anno", "Anno", "int", None, 8),
    Col("target", "Target", "valore", None, 14),
    Col("valore", "Valore", "valore", None, 14),
))

SPECS_VALUTAZIONE = (VALUTAZIONI_IND, COMPORTAMENTI, CICLO, VOCI_ORG, INDICATORI_ORG, VALORI_ORG)

#: PIAO 2.1 (issue 18): the obiettivi di valore pubblico, with the codes of the objectives serving each
VALORE_PUBBLICO = SheetSpec("Valore pubblico", ObiettivoValorePubblico, (
    _c(ObiettivoValorePubblico, "id", "id", 7),
    _c(ObiettivoValorePubblico, "codice", "text", 10),
    _c(ObiettivoValorePubblico, "titolo", "long", 44),
    _c(ObiettivoValorePubblico, "descrizione", "long", 44),
    _c(ObiettivoValorePubblico, "ambito", "text", 16),
    _c(ObiettivoValorePubblico, "linea_dup", "long", 28),
    _c(ObiettivoValorePubblico, "indirizzo_dup", "long", 28),
    _c(ObiettivoValorePubblico, "responsabile_politico", "text", 20),
    _c(ObiettivoValorePubblico, "stakeholder", "long", 24),
    _c(ObiettivoValorePubblico, "note", "long", 24),
    Col("_obiettivi_vp", "Obiettivi collegati (codici)", "links", None, 28),
))

#: issue 18: the record of the variations (act, reason, what each changed); a closed variation's
#: list of changes travels as JSON; the state is the program's (an imported one is a closed record)
VARIAZIONI = SheetSpec("Variazioni", Variazione, (
    _c(Variazione, "id", "id", 6),
    _c(Variazione, "atto_tipo", "text", 24),
    _c(Variazione, "atto_numero", "text", 10),
    _c(Variazione, "atto_data", "date", 12),
    _c(Variazione, "motivo", "long", 40),
    _c(Variazione, "stato", "enum", 10, StatoVariazione, imported=False),
    _c(Variazione, "aperta_il", "text", 18),
    _c(Variazione, "chiusa_il", "text", 18),
    _c(Variazione, "utente", "text", 14),
    _c(Variazione, "riepilogo", "json", 60),
))

#: seed 001 «PARAMETRI» (issue 18): a service's volumes at a reference date
PARAMETRI = SheetSpec("Parametri", ParametroServizio, (
    _c(ParametroServizio, "id", "id", 7),
    _c(ParametroServizio, "unita_id", "unita", 28),
    _c(ParametroServizio, "nome", "long", 40),
    _c(ParametroServizio, "valore", "dec", 12),
    _c(ParametroServizio, "data_riferimento", "date", 12),
    _c(ParametroServizio, "testo", "long", 40),
    _c(ParametroServizio, "note", "long", 24),
))


#: issue 18 point 6 (seed 000 L5-L79 names the Unione's member Comuni): the Comuni of the plan's
#: Unione, named by the «Comune» cells of «Obiettivi» and «Indicatori»
COMUNI = SheetSpec("Comuni", Ente, (
    Col("id", "ID", "id", None, 7),
    Col("nome", "Comune", "text", None, 36),
    Col("codice_fiscale", "Codice fiscale", "text", None, 18),
))


def indicatori_spec(anni: list[int]) -> SheetSpec:
    extra: list[Col] = []
    for anno in anni:
        extra.append(Col(f"target:{anno}", f"Target {anno}", "valore", None, 13))
        extra.append(Col(f"valore:{anno}", f"Valore {anno}", "valore", None, 13))
    return SheetSpec("Indicatori", Indicatore, (*INDICATORI_BASE, *extra, *INDICATORI_PIAO))


def all_specs(anni: list[int]) -> list[SheetSpec]:
    return [OBIETTIVI, FASI, indicatori_spec(anni), MISURE, UNITA, PERSONALE, ASSEGNAZIONI, RISORSE,
            VALUTAZIONI, MONITORAGGI, STATI, RILEVAZIONI, PIANO, *SPECS_VALUTAZIONE, VALORE_PUBBLICO, PARAMETRI,
            VARIAZIONI, COMUNI]


# ---------------------------------------------------------------------- value codecs


def valore_cell(testo: str | None, num: Decimal | None) -> Any:
    """What a target/actual looks like in a cell: a number when the text is just that number
    written as piaodesk writes it (``12,5``), else the text itself (``85%``, ``100,00``), so
    that the text comes back exactly."""
    if testo is not None and testo.strip():
        if num is not None:
            cell = _num(num)
            if testo == format_decimal(cell_decimal(cell), None):  # what reading it gives back
                return cell
        return testo
    if num is not None:
        return _num(num)
    return None


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)


def cell_decimal(value: Any) -> Decimal | None:
    """A numeric cell (int/float) or text → Decimal, exact for what Excel stores."""
    if isinstance(value, str):
        # typed text is Italian ("1.800" is one thousand eight hundred), unlike stored text
        return parse_decimal(value.strip())
    if isinstance(value, (date, datetime, time)):
        return None  # a date typed where a number belongs: the caller reports it
    return to_decimal(value)


def display(value: Any) -> str:
    """A domain value as people read it (for the preview of differences)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return SI if value else NO
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, Decimal):
        return format_decimal(value, None)
    if isinstance(value, (date, datetime)):
        return format_date(value if isinstance(value, date) else value.date())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# ---------------------------------------------------------------------- scope


def resolve_settore(archive: Archive, settore: str | int | None) -> int | None:
    """A settore given by id, codice or name → unita id (None = whole plan)."""
    if settore is None or settore == "":
        return None
    units = archive.unita()
    text = str(settore).strip()
    for u in units:
        if text.isdigit() and u.id == int(text):
            return u.id
    key = norm_label(text)
    for u in units:
        if key in (norm_label(u.codice), norm_label(u.nome)):
            return u.id
    raise ExchangeError(f"Settore «{settore}» non trovato tra le unità del piano "
                        f"(indicare il nome, il codice o il numero).")


def scope_obiettivi(archive: Archive, settore_id: int | None) -> list[Obiettivo]:
    """Objectives of a settore (and its sub-units), their descendants, in tree order."""
    tutti = archive.obiettivi()
    if settore_id is None:
        return tutti
    unit_ids = _unit_subtree(archive.unita(), settore_id)
    roots: set[int] = set()
    for uid in unit_ids:
        roots.update(o.id for o in archive.obiettivi_di_unita(uid) if o.id)
    keep: set[int] = set()
    for oid in roots:
        keep.update(archive.discendenti(oid, include_self=True))
    return [o for o in tutti if o.id in keep]


@dataclass
class Snapshot:
    """The part of a plan that a workbook holds (all of it, or one settore)."""

    anni: list[int]
    obiettivi: list[Obiettivo]
    fasi: list[Fase]
    indicatori: list[Indicatore]
    misure: list[Misura]
    persone: list[Persona]
    assegnazioni: list[Assegnazione]
    risorse: list[Risorsa]
    settore_id: int | None = None
    unita: list[Unita] = dataclasses.field(default_factory=list)
    valutazioni: list[Valutazione] = dataclasses.field(default_factory=list)
    monitoraggi: list[Monitoraggio] = dataclasses.field(default_factory=list)
    stati: list[StatoAvanzamento] = dataclasses.field(default_factory=list)
    rilevazioni: list[RilevazioneIndicatore] = dataclasses.field(default_factory=list)
    piano: list[PianoEnte] = dataclasses.field(default_factory=list)
    #: sheet name → rows of the individual valuations and the organisational performance
    valutazione: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    #: the obiettivi di valore pubblico (whole-plan workbooks only: a settore's file leaves them out)
    valore_pubblico: list[ObiettivoValorePubblico] = dataclasses.field(default_factory=list)
    #: the services' parameters (a settore's file: its own units')
    parametri: list[ParametroServizio] = dataclasses.field(default_factory=list)
    #: the variations' record (whole-plan workbooks only)
    variazioni: list[Variazione] = dataclasses.field(default_factory=list)
    #: the member Comuni of the plan's Unione (whole-plan workbooks only)
    comuni: list[Ente] = dataclasses.field(default_factory=list)

    def rows_of(self) -> dict[str, list[Any]]:
        """Sheet name → the rows it shows (annual measures are columns of «Indicatori»)."""
        return {"Obiettivi": self.obiettivi, "Fasi": self.fasi, "Indicatori": self.indicatori,
                "Misure periodiche": [m for m in self.misure if _is_periodic(m, self.anni)],
                "Unità": self.unita, "Personale": self.persone, "Assegnazioni": self.assegnazioni,
                "Risorse": self.risorse, "Valutazioni": self.valutazioni,
                "Monitoraggi": self.monitoraggi, "Stati di avanzamento": self.stati,
                "Rilevazioni": self.rilevazioni, "Piano": self.piano,
                **{s.name: self.valutazione.get(s.name, []) for s in SPECS_VALUTAZIONE},
                VALORE_PUBBLICO.name: self.valore_pubblico, PARAMETRI.name: self.parametri,
                VARIAZIONI.name: self.variazioni, COMUNI.name: self.comuni}


def snapshot(archive: Archive, settore: str | int | None = None) -> Snapshot:
    """Everything the workbook shows, read with one query per table."""
    sid = resolve_settore(archive, settore)
    obs = scope_obiettivi(archive, sid)
    order = {o.id: n for n, o in enumerate(obs)}
    fasi = [f for f in archive.fasi() if f.obiettivo_id in order]
    inds = [i for i in archive.indicatori() if i.obiettivo_id in order]
    inds.sort(key=lambda i: (order[i.obiettivo_id], i.posizione, i.id or 0))
    fasi.sort(key=lambda f: (order[f.obiettivo_id], f.posizione, f.id or 0))
    if sid is None:
        misure = archive.select(Misura, order="indicatore_id, anno, data_riferimento, id")
    else:
        misure = archive.misure([i.id for i in inds if i.id is not None])
    asse = [a for a in archive.assegnazioni() if a.obiettivo_id in order]
    asse.sort(key=lambda a: (order[a.obiettivo_id], not a.responsabile, a.id or 0))
    risorse = [r for r in archive.select(Risorsa) if r.obiettivo_id in order]
    risorse.sort(key=lambda r: (order[r.obiettivo_id], r.id or 0))
    persone = archive.persone()
    if sid is not None:
        used = {a.persona_id for a in asse} | {o.responsabile_id for o in obs}
        unit_ids = {o.unita_id for o in obs}
        persone = [p for p in persone if p.id in used or (p.unita_id is not None and p.unita_id in unit_ids)]
    unita = archive.unita()
    if sid is not None:
        unita = [u for u in unita if u.id in _unit_subtree(unita, sid)]
    ind_ids = {i.id for i in inds}
    valutazioni = [v for v in archive.select(Valutazione, order="obiettivo_id, anno, id")
                   if v.obiettivo_id in order]
    valutazioni.sort(key=lambda v: (order[v.obiettivo_id], v.anno, v.id or 0))
    monitoraggi = archive.monitoraggi()
    stati = [x for x in archive.select(StatoAvanzamento, order="monitoraggio_id, id")
             if x.obiettivo_id in order]
    stati.sort(key=lambda x: (x.monitoraggio_id, order[x.obiettivo_id], x.id or 0))
    ind_order = {i.id: n for n, i in enumerate(inds)}
    rilevazioni = [x for x in archive.select(RilevazioneIndicatore, order="monitoraggio_id, id")
                   if x.indicatore_id in ind_ids]
    rilevazioni.sort(key=lambda x: (x.monitoraggio_id, ind_order[x.indicatore_id], x.id or 0))
    return Snapshot(archive.piano().anni, obs, fasi, inds, misure, persone, asse, risorse, sid, unita,
                    valutazioni, monitoraggi, stati, rilevazioni, [PianoEnte.of(archive)],
                    _valutazione_rows(archive, {p.id for p in persone}, None if sid is None else
                                      {u.id for u in unita}),
                    archive.select(ObiettivoValorePubblico, order="posizione, id") if sid is None else [],
                    [x for x in archive.select(ParametroServizio, order="unita_id, posizione, id")
                     if sid is None or x.unita_id in {u.id for u in unita}],
                    variazioni_con_voci(archive) if sid is None else [],
                    membri(archive) if sid is None else [])


def variazioni_con_voci(archive: Archive) -> list[Variazione]:
    """The variations as the sheet shows them: an open one with the changes recorded so far in its
    «Modifiche» (a closed one has them frozen), so that another plan's copy loses none of them."""
    from ..store import variazioni as var

    return [dataclasses.replace(v, riepilogo=[x.as_dict() for x in var.voci(archive, v)])
            if v.stato is StatoVariazione.APERTA else v for v in archive.select(Variazione, order="id")]


def membri(archive: Archive) -> list[Ente]:
    """The member Comuni of the plan's ente (an Unione's), in the order they were added."""
    ente = archive.ente()
    return [e for e in archive.enti() if ente is not None and e.parent_id == ente.id]


def _comportamenti_rows(archive: Archive, vi: list[ValutazioneIndividuale]) -> list[PunteggioComportamento]:
    """One row per person and behaviour of their category's catalogue: the scored ones with their
    ID, the others without ID and score (a row to fill in; left empty it adds nothing)."""
    vids = {v.id for v in vi}
    scored: dict[int | None, list[PunteggioComportamento]] = {}
    for x in archive.select(PunteggioComportamento, order="valutazione_id, id"):
        if x.valutazione_id in vids:
            scored.setdefault(x.valutazione_id, []).append(x)
    sistema = archive.sistema_valutazione()
    persone = {p.id: p for p in archive.persone()}
    responsabili = {u.responsabile_id for u in archive.unita()}
    out: list[PunteggioComportamento] = []
    for v in vi:
        rows = scored.get(v.id, [])
        out += rows
        p = persone.get(v.persona_id)
        if p is None:
            continue
        have = {x.comportamento for x in rows}
        cat = categoria_di(sistema, p, p.id in responsabili, v.categoria)
        out += [PunteggioComportamento(valutazione_id=v.id or 0, comportamento=c.nome)
                for c in sistema.comportamenti_di(cat) if c.nome not in have]
    return out


def _valutazione_rows(archive: Archive, persone: set[int | None],
                      unita: set[int | None] | None) -> dict[str, list[Any]]:
    """The rows of the valuation sheets: of the people shown (and, for a settore, its units' voci)."""
    vi = [v for v in archive.select(ValutazioneIndividuale, order="persona_id, anno, id")
          if v.persona_id in persone]
    vids = {v.id for v in vi}
    voci = archive.select(VoceOrganizzativa, order="livello, coalesce(unita_id, 0), posizione, id")
    if unita is not None:
        voci = [v for v in voci if v.unita_id in unita]
    voce_ids = {v.id for v in voci}
    inds = [i for i in archive.select(IndicatoreOrganizzativo, order="voce_id, posizione, id")
            if i.voce_id in voce_ids]
    ind_ids = {i.id for i in inds}
    return {
        VALUTAZIONI_IND.name: vi,
        COMPORTAMENTI.name: _comportamenti_rows(archive, vi),
        CICLO.name: [x for x in archive.select(PassoValutazione, order="valutazione_id, id")
                     if x.valutazione_id in vids],
        VOCI_ORG.name: voci,
        INDICATORI_ORG.name: inds,
        VALORI_ORG.name: [x for x in archive.select(ValoreOrganizzativo, order="indicatore_id, anno, id")
                          if x.indicatore_id in ind_ids],
    }


def _unit_subtree(units: list[Unita], root: int) -> set[int]:
    ids = {root}
    changed = True
    while changed:
        changed = False
        for u in units:
            if u.parent_id in ids and u.id is not None and u.id not in ids:
                ids.add(u.id)
                changed = True
    return ids


# ---------------------------------------------------------------------- writing
#
# Workbooks are written with openpyxl's streaming writer (``write_only=True``):
# each row goes to a temporary file as soon as it is appended, so memory stays
# flat whatever the size of the plan. Cell styles are prepared once per
# workbook and shared by every cell that needs one; empty cells are not
# written at all (the column's own style formats what people type there).


class _Lookups:
    def __init__(self, archive: Archive | None, persone: list[Persona] | None = None):
        self.unita = {u.id: u.nome for u in archive.unita()} if archive else {}
        #: the member Comuni of an Unione (issue 18): id → name
        self.comuni = {e.id: e.nome for e in archive.enti()} if archive else {}
        if persone is None and archive is not None:
            persone = archive.persone()
        self.persone = {p.id: p.nominativo for p in persone or []}
        self.obcode: dict[int | None, str] = {}
        self.indname: dict[int | None, str] = {}
        self.indcode: dict[int | None, str | None] = {}
        self.monname: dict[int | None, str] = {}
        #: info columns of the valuation sheets: key → (the row's field, id → text)
        self.info: dict[str, tuple[str, dict[Any, Any]]] = {}
        #: "_condivise": objective → names of the settori sharing it; "_alias": person → other names
        self.links: dict[str, dict[int | None, list[str]]] = {}
        if archive is not None:
            self.links = link_texts(archive)


def link_texts(archive: Archive) -> dict[str, dict[int | None, list[str]]]:
    """The linked rows shown as one cell: shared settori of objectives, other names of people."""
    nomi = {u.id: u.nome for u in archive.unita()}
    condivise: dict[int | None, list[str]] = {}
    for ou in archive.select(ObiettivoUnita, order="obiettivo_id, id"):
        condivise.setdefault(ou.obiettivo_id, []).append(nomi.get(ou.unita_id, str(ou.unita_id)))
    alias: dict[int | None, list[str]] = {}
    for al in archive.select(AliasPersona, order="persona_id, id"):
        alias.setdefault(al.persona_id, []).append(al.alias)
    codici = {o.id: o.codice for o in archive.select(Obiettivo, columns=("id", "codice"))}
    obiettivi_vp: dict[int | None, list[str]] = {}
    for lg in archive.select(LegameValorePubblico, order="vp_id, id"):
        obiettivi_vp.setdefault(lg.vp_id, []).append(codici.get(lg.obiettivo_id, str(lg.obiettivo_id)))
    return {"_condivise": condivise, "_alias": alias, "_obiettivi_vp": obiettivi_vp}


_EXCEL_DAY0 = date(1899, 12, 30).toordinal()
_EXCEL_MAR1900 = date(1900, 3, 1)


def excel_date(value: date | datetime) -> int | float:
    """A date as the serial number Excel stores (shown as a date by the cell's format)."""
    if isinstance(value, datetime):
        value = value.date()
    if value < _EXCEL_MAR1900:
        from openpyxl.utils.datetime import to_excel

        return to_excel(value)
    return value.toordinal() - _EXCEL_DAY0


def _plain(key: str) -> Callable[[Any], Any]:
    def get(obj: Any) -> Any:
        return getattr(obj, key)
    return get


#: info columns of the valuation sheets → the field whose row they describe
_INFO_OF = {"_valpersona": "valutazione_id", "_valanno": "valutazione_id", "_voce": "voce_id",
            "_indorg": "indicatore_id"}


def info_texts(archive: Archive) -> dict[str, tuple[str, dict[Any, Any]]]:
    """What the info columns of the valuation sheets show (person and year, voce, indicator)."""
    nomi = {p.id: p.nominativo for p in archive.persone()}
    vi = archive.select(ValutazioneIndividuale)
    return {"_valpersona": ("valutazione_id", {v.id: nomi.get(v.persona_id) for v in vi}),
            "_valanno": ("valutazione_id", {v.id: v.anno for v in vi}),
            "_voce": ("voce_id", {v.id: v.nome for v in archive.select(VoceOrganizzativa)}),
            "_indorg": ("indicatore_id", {i.id: i.nome for i in archive.select(IndicatoreOrganizzativo)})}


def _getter(col: Col, lk: _Lookups, misure_by: dict[tuple[int, int], Misura]) -> Callable[[Any], Any]:
    """How the cells of ``col`` are computed from a row object (decided once per column)."""
    k, key = col.kind, col.key
    if key.startswith(("target:", "valore:")):
        what, y = key.split(":")
        anno, tkey = int(y), f"{what}_testo"

        def year_value(obj: Any) -> Any:
            m = misure_by.get((obj.id, anno))
            return None if m is None else valore_cell(getattr(m, tkey), getattr(m, what))
        return year_value
    if k == "obcode":
        obcode = lk.obcode
        return lambda obj: obcode.get(obj.obiettivo_id)
    if k == "parentcode":
        obcode = lk.obcode
        return lambda obj: obcode.get(obj.parent_id) if obj.parent_id else None
    if k == "indcode":
        indcode = lk.indcode
        return lambda obj: indcode.get(obj.indicatore_id)
    if k == "info":
        if key == "_monname":
            monname = lk.monname
            return lambda obj: monname.get(obj.monitoraggio_id)
        if key in _INFO_OF:
            ref, texts = _INFO_OF[key], lk.info.get(key, ("", {}))[1]
            return lambda obj: texts.get(getattr(obj, ref))
        indname = lk.indname
        return lambda obj: indname.get(obj.indicatore_id)
    if k == "tipologia":
        return lambda obj: ", ".join(display(Tipologia.from_text(t) or t) for t in obj.tipologia) or None
    if k == "anni":
        return lambda obj: ", ".join(str(a) for a in obj.anni) or None
    if k == "lista":
        return lambda obj: "; ".join(getattr(obj, key)) or None
    if k == "extra":
        return lambda obj: json.dumps(obj.extra, ensure_ascii=False) if obj.extra else None
    if k == "json":
        return lambda obj: json.dumps(getattr(obj, key), ensure_ascii=False) if getattr(obj, key) else None
    if k == "links":  # rows of a linked table, one cell: «A; B»
        links = lk.links.setdefault(key, {})
        return lambda obj: "; ".join(links.get(obj.id, ())) or None
    if k == "valore":
        base = "baseline" if key == "baseline" else key
        tkey = f"{base}_testo"
        return lambda obj: valore_cell(getattr(obj, tkey), getattr(obj, base))
    get = _plain(key)
    if k == "perc":
        return lambda obj: None if (v := get(obj)) is None else float(Decimal(v) / 100)
    if k in ("dec", "money"):
        return lambda obj: None if (v := get(obj)) is None else _num(Decimal(v))
    if k == "bool":
        return lambda obj: None if (v := get(obj)) is None else (SI if v else NO)
    if k == "enum":
        return lambda obj: None if (v := get(obj)) is None else (
            v.label if isinstance(v, LabeledEnum) else str(v))
    if k == "enumtext":
        enum = col.enum

        def enumtext(obj: Any) -> Any:
            v = get(obj)
            if v is None:
                return None
            member = enum.from_text(v) if enum else None
            return member.label if member else v
        return enumtext
    if k == "persona":
        persone = lk.persone
        return lambda obj: None if (v := get(obj)) is None else persone.get(v)
    if k == "unita":
        unita = lk.unita
        return lambda obj: None if (v := get(obj)) is None else unita.get(v)
    if k == "comune":
        comuni = lk.comuni
        return lambda obj: None if (v := get(obj)) is None else comuni.get(v)
    if k == "date":
        return lambda obj: None if (v := get(obj)) is None else excel_date(v)
    return get


class _Styles:
    """Cell styles of a workbook, built once and shared by all the cells that use them."""

    def __init__(self, wb: Any):
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Alignment, Font, PatternFill, Protection

        probe = wb.create_sheet("__stili__")
        self._Cell = Cell

        def make(**attrs: Any) -> Any:
            c = Cell(probe, row=1, column=1)
            for name, value in attrs.items():
                setattr(c, name, value)
            return c._style  # type: ignore[attr-defined]  # openpyxl's style array, reused (speed)

        # sheets are protected (no password): IDs, headers and lists locked, the rest
        # unlocked (the default style is unlocked by _unlock_default_style)
        locked, unlocked = Protection(locked=True), Protection(locked=False)
        self.head = make(font=Font(bold=True, color="FFFFFF"),
                         fill=PatternFill("solid", fgColor="1F4E79"),
                         alignment=Alignment(wrap_text=True, vertical="center"), protection=locked)
        grey = make(font=Font(color="808080"), protection=locked)
        self.kind = {"date": make(number_format=DATE_FMT, protection=unlocked),
                     "perc": make(number_format=PERC_FMT, protection=unlocked),
                     "money": make(number_format=MONEY_FMT, protection=unlocked),
                     "long": make(alignment=Alignment(wrap_text=True, vertical="top"),
                                  protection=unlocked),
                     "id": grey, "info": grey, "obref": grey}
        # a format of its own (not the default one, which is made unlocked)
        self.locked = make(font=Font(color="000000"), protection=locked)
        self.title = make(font=Font(bold=True, size=14))
        self.bold = make(font=Font(bold=True))
        self.wrap_top = self.kind["long"]
        wb.remove(probe)

    def cell(self, ws: Any, value: Any, style: Any) -> Any:
        c = self._Cell(ws, row=1, column=1, value=value)
        c._style = style  # type: ignore[attr-defined]  # a style array made once (__init__)
        if c.data_type == "f":
            c.data_type = "s"  # text the user wrote, never a live formula
        return c

    def text(self, ws: Any, value: str) -> Any:
        """A text cell that stays text (openpyxl would write "=…" as a formula)."""
        c = self._Cell(ws, row=1, column=1, value=value)
        c.data_type = "s"
        return c


def text_row(ws: Any, values: list[Any], st: _Styles) -> list[Any]:
    """``values`` with every text that looks like a formula turned into a text cell."""
    for i, v in enumerate(values):
        if v.__class__ is str and len(v) > 1 and v[0] == "=":
            values[i] = st.text(ws, v)
    return values


def _set_dimension(ws: Any, nrows: int, ncols: int) -> None:
    """Declare the used range in the sheet's head, as Excel does.

    openpyxl's streaming writer cannot know it; without it every reader that
    wants the sheet's size (openpyxl's read-only mode among them) parses the
    whole sheet once more just to find it.
    """
    from openpyxl.utils import get_column_letter

    ref = f"A1:{get_column_letter(max(ncols, 1))}{max(nrows, 1)}"
    ws.calculate_dimension = lambda: ref


def _protect(ws: Any) -> None:
    """Protect a sheet without a password: locked cells (IDs, headers, lists) cannot be typed
    over; unlocked cells, new rows, row deletion, sorting and filters stay allowed."""
    prot = ws.protection
    prot.sheet = True
    for name in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows",
                 "sort", "autoFilter"):
        setattr(prot, name, False)  # False = allowed


def _unlock_default_style(wb: Any) -> None:
    """Make the workbook's default cell format unlocked (Excel's is locked).

    Cells written as plain values and the empty cells below the data use it, so on a
    protected sheet they stay editable; locked cells have their own style (:class:`_Styles`).
    Called just before saving (style indexes already given to cells do not move).
    """
    from openpyxl.styles import Protection
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils.indexed_list import IndexedList

    styles = list(wb._cell_styles)
    default = StyleArray(styles[0])
    default.protectionId = wb._protections.add(Protection(locked=False))
    styles[0] = default
    wb._cell_styles = IndexedList(styles)


def _list_values(archive: Archive | None) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {"_bool": [SI, NO]}
    for enum in (Ramo, Livello, TipoIndicatore, Polarita, Aggregazione, TipoRisorsa, Area2023,
                 TipoUnita, StatoMonitoraggio, StatoPiano, TipoEnte, LivelloOrganizzativo, FonteVoce,
                 PassoCiclo, TipoProdotto):
        lists[enum.__name__] = [m.label for m in enum]
    lists["rischio"] = list(SCALA_PREDEFINITA)
    if archive is not None:  # the ente's own scale (issue 18 point 4)
        from .scala_rischio import scala_del_piano

        lists["rischio"] = list(scala_del_piano(archive).nomi)
    if archive is not None:
        lists["persona"] = [p.nominativo for p in archive.persone()]
        lists["unita"] = [u.nome for u in archive.unita()]
        lists["comune"] = [e.nome for e in archive.enti()]
    return lists


def _list_formulas(lists: dict[str, list[str]]) -> dict[str, str]:
    """List name → range of the hidden ``Elenchi`` sheet (one column per list)."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    out: dict[str, str] = {}
    for n, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(n)
        if values:
            out[name] = f"{quote_sheetname('Elenchi')}!${letter}$2:${letter}${len(values) + 1}"
    return out


def _write_lists(wb: Any, lists: dict[str, list[str]], st: _Styles) -> None:
    ws = wb.create_sheet("Elenchi")
    ws.sheet_state = "hidden"
    _protect(ws)
    columns = list(lists.values())
    _set_dimension(ws, 1 + max((len(v) for v in columns), default=0), len(columns))
    ws.append([st.cell(ws, name, st.locked) for name in lists])
    for r in range(max((len(v) for v in columns), default=0)):
        ws.append([st.cell(ws, v[r], st.locked) if r < len(v) else None for v in columns])


def _open_sheet(wb: Any, title: str, cols: tuple[Col, ...] | list[Col], nrows: int,
                lists: dict[str, str], st: _Styles, *, selected: bool = False,
                freeze: str | None = None) -> Any:
    """A streaming sheet with widths, frozen panes, drop-down lists, filter and styled header.

    Everything about the sheet is set before its first data row (openpyxl
    writes the sheet's head as soon as a row is appended).
    """
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(title)
    ws.sheet_state = "visible"
    _protect(ws)
    ws.sheet_view.tabSelected = selected
    ws.freeze_panes = freeze or ("B2" if cols and cols[0].kind == "id" else "A2")
    ws.row_dimensions[1].height = 32
    _set_dimension(ws, nrows + 1, len(cols))
    last = max(nrows + 1, 500)
    for n, col in enumerate(cols, start=1):
        letter = get_column_letter(n)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        style = st.kind.get(col.kind)
        if style is not None:
            dim._style = StyleArray(style)  # what people type below the data gets it too
        rng = f"{letter}2:{letter}{last}"
        source = None
        if col.kind == "bool":
            source = lists.get("_bool")
        elif col.kind in ("enum", "enumtext") and col.enum is not None:
            source = lists.get(col.enum.__name__)
        elif col.kind in ("persona", "unita", "comune", "rischio"):
            source = lists.get(col.kind)
        if source:
            dv = DataValidation(type="list", formula1=source, allow_blank=True,
                                showErrorMessage=col.kind in ("bool", "enum"))
            dv.errorTitle = "Valore non ammesso"
            dv.error = "Scegliere un valore dall'elenco."
            if col.kind == "enum":  # the words of the documents are accepted too (Negativo…)
                dv.errorStyle = "warning"
                dv.errorTitle = "Valore non nell'elenco"
                dv.error = ("Valore non nell'elenco: piaodesk accetta anche le parole dei "
                            "documenti (es. Positivo/Negativo, Somma/Media/Ultimo) e segnala "
                            "le altre all'importazione. Continuare?")
            dv.add(rng)
            ws.data_validations.append(dv)
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1",
                                allow_blank=True, showErrorMessage=True)
            dv.errorTitle = "Data non valida"
            dv.error = "Scrivere una data come 31/12/2025."
            dv.add(rng)
            ws.data_validations.append(dv)
    if nrows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{nrows + 1}"
    ws.append([st.cell(ws, c.label, st.head) for c in cols])
    return ws


def _write_rows(ws: Any, cols: tuple[Col, ...] | list[Col], rows: list[Any],
                getters: list[Callable[[Any], Any]], st: _Styles) -> None:
    styled = [(i, st.kind[c.kind]) for i, c in enumerate(cols) if c.kind in st.kind]
    make = st.cell
    append = ws.append
    for obj in rows:
        values = [g(obj) for g in getters]
        for i, style in styled:
            v = values[i]
            if v is not None:
                values[i] = make(ws, v, style)
        append(text_row(ws, values, st))


def _write_info(wb: Any, archive: Archive | None, snap: Snapshot | None, st: _Styles) -> None:
    ws = wb.create_sheet("Info")
    ws.sheet_state = "hidden"
    _protect(ws)
    rows: list[list[Any]] = [["formato", FORMATO]]
    if archive is not None:
        piano = archive.piano()
        rows.append(["piano", piano.titolo])
        rows.append(["triennio", piano.triennio])
    rows.append(["esportato il", datetime.now().isoformat(timespec="seconds")])
    if snap is not None:
        rows.append(["settore", snap.settore_id or ""])
        for name, group in snap.rows_of().items():
            ids = ",".join(str(r.id) for r in group if r.id is not None)
            chunks = [ids[i:i + 30000] for i in range(0, len(ids), 30000)] or [""]
            for chunk in chunks:
                rows.append([f"id:{name}", chunk])
    _set_dimension(ws, len(rows), 2)
    for row in rows:
        ws.append([st.cell(ws, v, st.locked) for v in row])


def _is_periodic(m: Misura, anni: list[int]) -> bool:
    return m.periodo != PERIODO_ANNUALE or m.anno not in anni


def _new_workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def write_workbook(archive: Archive, path: Path | str, settore: str | int | None = None) -> dict[str, int]:
    """Export the plan (or one settore) to ``path``; returns rows written per sheet."""
    snap = snapshot(archive, settore)
    lk = _Lookups(archive, archive.persone() if snap.settore_id is not None else snap.persone)
    if snap.settore_id is None:
        lk.obcode = {o.id: o.codice for o in snap.obiettivi}
    else:
        lk.obcode = {o.id: o.codice for o in archive.obiettivi()}
    lk.indname = {i.id: f"{lk.obcode.get(i.obiettivo_id, '')} — {i.descrizione[:60]}"
                  for i in snap.indicatori}
    lk.indcode = {i.id: i.codice for i in snap.indicatori}
    lists = _list_values(archive)  # before the workbook: an unreadable risk scale refuses here
    wb = _new_workbook()
    st = _Styles(wb)
    _write_istruzioni(wb, archive, st)
    formulas = _list_formulas(lists)
    misure_by = {(m.indicatore_id, m.anno): m for m in snap.misure if not _is_periodic(m, snap.anni)}
    lk.monname = {m.id: m.nome for m in snap.monitoraggi}
    lk.info = info_texts(archive)
    rows_of = snap.rows_of()
    counts: dict[str, int] = {}
    for spec in all_specs(snap.anni):
        if spec in (VALORE_PUBBLICO, VARIAZIONI, COMUNI) and snap.settore_id is not None:
            continue  # the whole entity's values: not a settore's to edit
        rows = rows_of[spec.name]
        ws = _open_sheet(wb, spec.name, spec.cols, len(rows), formulas, st,
                         selected=spec.name == "Obiettivi")
        _write_rows(ws, spec.cols, rows, [_getter(c, lk, misure_by) for c in spec.cols], st)
        counts[spec.name] = len(rows)
    if snap.settore_id is None:  # the ente's risk scale: not a settore's to edit
        from .scala_rischio import NOME, scrivi

        counts[NOME] = scrivi(wb, archive, formulas, st)
    if snap.settore_id is None:  # the ente's calendar (issue 18 point 9): not a settore's to edit
        from .calendario import CALENDARIO, righe

        voci = righe(archive)
        ws = _open_sheet(wb, CALENDARIO.name, CALENDARIO.cols, len(voci), formulas, st)
        _write_rows(ws, CALENDARIO.cols, voci, [_getter(c, lk, misure_by) for c in CALENDARIO.cols], st)
        counts[CALENDARIO.name] = len(voci)
    _write_info(wb, archive, snap, st)
    _write_lists(wb, lists, st)
    wb.active = wb.sheetnames.index("Obiettivi")
    _unlock_default_style(wb)
    _save(wb, path)
    return counts


def _write_istruzioni(wb: Any, archive: Archive | None, st: _Styles, selected: bool = False) -> None:
    ws = wb.create_sheet("Istruzioni")
    ws.sheet_state = "visible"
    ws.sheet_view.tabSelected = selected
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    _set_dimension(ws, 2 + len(ISTRUZIONI), 2)
    title = "Piano della performance — cartella piaodesk"
    if archive is not None:
        title = f"{archive.piano().titolo} — cartella piaodesk"
    ws.append([st.cell(ws, title, st.title)])
    ws.append([])
    for head, text in ISTRUZIONI:
        ws.append([st.cell(ws, head, st.bold), st.cell(ws, text, st.wrap_top)])


def write_template(path: Path | str, anni: list[int] | None = None) -> None:
    """An empty workbook (same sheets, headers and lists) for a plan started from zero."""
    anni = anni or [date.today().year, date.today().year + 1, date.today().year + 2]
    wb = _new_workbook()
    st = _Styles(wb)
    _write_istruzioni(wb, None, st, selected=True)
    lists = _list_values(None)
    formulas = _list_formulas(lists)
    for spec in all_specs(anni):
        _open_sheet(wb, spec.name, spec.cols, 0, formulas, st)
    from .scala_rischio import scrivi

    scrivi(wb, None, formulas, st)
    _write_info(wb, None, None, st)
    _write_lists(wb, lists, st)
    wb.active = 0
    _unlock_default_style(wb)
    _save(wb, path)


def _save(wb: Any, path: Path | str) -> None:
    """Write ``wb`` to ``path`` through a temporary file beside it (see :mod:`piaodesk.fsio`):
    on a full disk or a refused folder an older file of that name stays as it was."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    from ..fsio import atomic_path, describe_os_error

    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            archive = None
            try:
                archive = ZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True)
                wb.properties.modified = datetime.now().replace(microsecond=0)
                ExcelWriter(wb, archive).save()
            except BaseException:
                _discard(wb, archive)
                raise
    except OSError as exc:
        raise ExchangeError(f"Esportazione non riuscita, nessun file sostituito. "
                            f"{describe_os_error(exc, path)}") from exc


def _discard(wb: Any, archive: Any) -> None:
    """After a failed save: close the half-written streams now, quietly (else each one
    prints a traceback when collected), and remove the sheets' working files."""
    import os

    for ws in getattr(wb, "_sheets", []):
        writer = getattr(ws, "_writer", None)
        for gen in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            try:
                if gen is not None:
                    gen.close()
            except Exception:  # noqa: BLE001, S110 - a broken stream of a discarded file
                pass
        out = getattr(writer, "out", None)
        if isinstance(out, str):
            try:
                os.unlink(out)
            except OSError:
                pass
    if archive is None:
        return
    fp, archive.fp = archive.fp, None  # ZipFile.close() (also from __del__) becomes a no-op
    try:
        fp.close()
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------------- reading helpers


def parse_cell(col: Col, value: Any) -> Any:
    """A cell of ``col`` → domain value; ValueError with an Italian message if unreadable."""
    d: Decimal | date | None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
    if value is None:
        return None
    k = col.kind
    if k in ("id", "int", "obref", "monref"):
        d = cell_decimal(value)
        if d is None or not d.is_finite() or d != d.to_integral_value():
            raise ValueError(f"«{value}» non è un numero intero")
        if abs(d) >= 10**12:
            raise ValueError(f"«{value}» è un numero troppo grande")
        return int(d)
    if k in ("dec", "money"):
        d = cell_decimal(value)
        if d is None or not d.is_finite():
            raise ValueError(f"«{value}» non è un numero")
        if abs(d) >= 10**15:
            raise ValueError(f"«{value}» è un numero troppo grande")
        return d
    if k == "perc":  # as in a cell formatted as %; see parse_percent for the cell's own format
        d, _avviso = parse_percent(value, formato_percento=True)
        if d is None:
            raise ValueError(f"«{value}» non è una percentuale")
        return d
    if k == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        d = parse_date(str(value))
        if d is None:
            raise ValueError(f"«{value}» non è una data (scrivere 31/12/2025)")
        return d
    if k == "bool":
        from ..domain.formats import parse_bool

        b = parse_bool(value)
        if b is None:
            raise ValueError(f"«{value}» non è Sì o No")
        return b
    if k == "enum":
        assert col.enum is not None
        member = col.enum.from_text(str(value))
        if member is None:
            ammessi = ", ".join(m.label for m in col.enum)
            raise ValueError(f"«{value}» non è ammesso (valori: {ammessi})")
        return member
    if k == "enumtext":
        member = col.enum.from_text(str(value)) if col.enum else None
        return member.value if member else str(value)
    if k == "rischio":  # BASSA / MEDIA / ALTA (and «BASSO», «CRITICITA' BASSA» as seed 001 writes them)
        return leggi_livello(str(value))
    if k == "json":  # a variation's frozen list of changes
        try:
            data = json.loads(str(value))
        except ValueError:
            data = None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise ValueError(f"«{shorten(str(value), 60)}» non è un elenco di modifiche (JSON) come quello esportato")
        return data
    if k == "relativa":  # «entro 30 giorni dall'approvazione»: kept as written, understood first
        if leggi_target(str(value)).scadenza is None:
            raise ValueError(f"«{shorten(str(value), 60)}» non è una scadenza relativa (scrivere ad esempio "
                             "«entro 30 giorni dall'approvazione»)")
        return str(value)
    if k == "programma":  # the harmonised catalogue's «12.03»
        r = riconosci(str(value))
        if r.programma is None or r.da_rivedere:
            raise ValueError(f"«{shorten(str(value), 60)}» non è un programma del catalogo (scrivere "
                             "missione.programma, ad esempio 12.03)")
        return r.programma.chiave
    if k == "tipologia":
        out = []
        for part in str(value).replace(";", ",").split(","):
            if part.strip():
                t = Tipologia.from_text(part)
                if t is None:
                    ammessi = ", ".join(m.label for m in Tipologia)
                    raise ValueError(f"«{part.strip()}» non è una tipologia (valori: {ammessi})")
                out.append(t.value)
        return out
    if k == "anni":
        return parse_anni(str(value) if not isinstance(value, float) else str(int(value)))
    if k == "lista":
        return [part.strip() for part in str(value).split(";") if part.strip()]
    if k == "extra":
        try:
            extra = json.loads(str(value))
        except ValueError:
            extra = None
        if not isinstance(extra, dict):
            raise ValueError(f"«{shorten(value, 60)}» non è un elenco di campi aggiuntivi "
                             f"(scrivere come {{\"Campo\": \"valore\"}})")
        return {str(a): "" if b is None else str(b) for a, b in extra.items()}
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)), None)
    return str(value) if not isinstance(value, str) else value


def _norm_dec(d: Decimal) -> Decimal:
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


def field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


LabelGetter = Callable[[Col], str]
