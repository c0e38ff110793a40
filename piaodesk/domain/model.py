"""Entities of a performance plan (PIAO sottosezione Performance / PEG-PDO).

Plain dataclasses: no SQL, no Qt. The store maps each class to one table named
by ``TABLE``; field names are the column names. Decimal values (weights,
targets, amounts, percentages) are exact ``Decimal``; dates are ``date``.
Every value a person typed or an importer read is kept as raw text next to
its parsed form (``target_testo`` / ``target``), because real plans contain
values such as ``"270 + 10"``, ``"4 SU 8"`` or ``"PARZIALE"``.

See the glossary in README.md for the Italian terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from .enums import (
    Aggregazione,
    FonteVoce,
    Livello,
    LivelloOrganizzativo,
    PassoCiclo,
    Polarita,
    Ramo,
    StatoMonitoraggio,
    StatoPiano,
    TipoEnte,
    TipoIndicatore,
    TipoProdotto,
    TipoRisorsa,
    TipoUnita,
)


@dataclass(slots=True)
class Ente:
    """A Comune or an Unione; member Comuni of an Unione have ``parent_id``."""

    TABLE: ClassVar[str] = "enti"
    id: int | None = None
    nome: str = ""
    tipo: TipoEnte = TipoEnte.COMUNE
    codice_fiscale: str | None = None
    parent_id: int | None = None


@dataclass(slots=True)
class Piano:
    """The plan held by one ``.piao`` file (exactly one row)."""

    TABLE: ClassVar[str] = "piano"
    id: int | None = None
    titolo: str = ""
    ente_id: int | None = None
    anno_inizio: int = 2025
    anno_fine: int = 2027
    stato: StatoPiano = StatoPiano.BOZZA
    atto_tipo: str | None = None  # e.g. "Deliberazione di Giunta"
    atto_numero: str | None = None
    atto_data: date | None = None
    note: str | None = None

    @property
    def triennio(self) -> str:
        return f"{self.anno_inizio}/{self.anno_fine}"

    @property
    def anni(self) -> list[int]:
        return list(range(self.anno_inizio, self.anno_fine + 1))


@dataclass(slots=True)
class Unita:
    """Organisational unit: Area → Settore → Servizio/Ufficio (centro di responsabilità)."""

    TABLE: ClassVar[str] = "unita"
    id: int | None = None
    parent_id: int | None = None
    tipo: TipoUnita = TipoUnita.SETTORE
    nome: str = ""
    codice: str | None = None  # centro di responsabilità / di costo, e.g. RA01
    responsabile_id: int | None = None
    ente_id: int | None = None
    posizione: int | None = None  # None: append after the last sibling


@dataclass(slots=True)
class Persona:
    """A member of staff. ``categoria`` keeps the text as printed; ``area`` the 2023 area."""

    TABLE: ClassVar[str] = "persone"
    id: int | None = None
    cognome: str = ""
    nome: str = ""
    titolo: str | None = None  # dott.ssa, ing. ...
    categoria: str | None = None  # A/B/B3/C/D/D3, PO, Dirigente, ISTRUTTORE ...
    area: str | None = None  # Area2023 value
    profilo: str | None = None
    ore_settimanali: Decimal | None = None
    eq: bool = False
    unita_id: int | None = None
    valido_dal: date | None = None
    valido_al: date | None = None
    email: str | None = None
    note: str | None = None

    @property
    def nominativo(self) -> str:
        return f"{self.cognome} {self.nome}".strip()


@dataclass(slots=True)
class AliasPersona:
    """A spelling of a person's name seen in a source (``RIGHI-ANALISA``)."""

    TABLE: ClassVar[str] = "alias_persone"
    id: int | None = None
    persona_id: int = 0
    alias: str = ""


@dataclass(slots=True)
class Obiettivo:
    """A node of the objective tree (any depth) or of the ordinary-activities tree."""

    TABLE: ClassVar[str] = "obiettivi"
    id: int | None = None
    parent_id: int | None = None
    posizione: int | None = None  # None: append after the last sibling
    ramo: Ramo = Ramo.OBIETTIVI
    livello: Livello = Livello.OPERATIVO
    codice: str = ""
    titolo: str = ""
    descrizione: str | None = None
    tipologia: list[str] = field(default_factory=list)  # Tipologia values
    missione: str | None = None
    programma: str | None = None
    anni: list[int] = field(default_factory=list)
    stakeholder: str | None = None
    altri_settori: str | None = None
    assessore: str | None = None
    unita_id: int | None = None
    responsabile_id: int | None = None
    peso: Decimal | None = None  # percent, e.g. 30 for 30 %
    inizio_previsto: date | None = None
    fine_prevista: date | None = None
    inizio_effettivo: date | None = None
    fine_effettiva: date | None = None
    rischio_corruttivo: bool = False
    trasversale: bool = False
    stato: str | None = None
    flags: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    # -- PIAO vocabulary (issue 18)
    #: corruption-risk level of the row (sottosezione 2.3; seed 001 grades BASSA/MEDIA) and its measure
    rischio_livello: str | None = None
    rischio_misura: str | None = None
    #: the portal's objective kinds beside «performance» (anchors-domain §1.2, tipologia)
    pari_opportunita: bool = False
    accessibilita_digitale: bool = False
    accessibilita_fisica: bool = False
    semplificazione: bool = False
    #: the harmonised programme (catalogue key «12.03»; ``programma`` keeps the free text)
    programma_cod: str | None = None
    #: seed 004: Prodotto / Prioritario / Progetto
    tipo_prodotto: TipoProdotto | None = None
    #: seed 002: the Responsabile Operativo beside the Generale (``responsabile_id``), approval phase
    responsabile_operativo_id: int | None = None
    fase_approvazione: str | None = None
    #: the member Comune of an Unione the objective concerns (``None``: the whole Unione)
    comune_id: int | None = None


@dataclass(slots=True)
class ObiettivoUnita:
    """A shared (trasversale) objective assigned to a further settore."""

    TABLE: ClassVar[str] = "obiettivi_unita"
    id: int | None = None
    obiettivo_id: int = 0
    unita_id: int = 0


@dataclass(slots=True)
class Fase:
    TABLE: ClassVar[str] = "fasi"
    id: int | None = None
    obiettivo_id: int = 0
    posizione: int | None = None  # None: append after the last sibling
    descrizione: str = ""
    scadenza: date | None = None
    inizio_previsto: date | None = None
    fine_prevista: date | None = None
    inizio_effettivo: date | None = None
    fine_effettiva: date | None = None
    perc_realizzazione: Decimal | None = None
    peso: Decimal | None = None
    note: str | None = None
    #: a deadline relative to an event («entro 30 giorni dall'approvazione», seed 001 L158-L159),
    #: kept as written; ``scadenza`` is filled when the event's date is known (issue 18 point 7)
    scadenza_relativa: str | None = None

    def termine(self) -> date | None:
        """The date by which the phase is due (scadenza, else planned end)."""
        return self.scadenza or self.fine_prevista


@dataclass(slots=True)
class Indicatore:
    TABLE: ClassVar[str] = "indicatori"
    id: int | None = None
    obiettivo_id: int = 0
    posizione: int | None = None  # None: append after the last sibling
    codice: str | None = None
    descrizione: str = ""
    dimensione: str | None = None  # Dimensione value, free sub-dimension after ':'
    formula: str | None = None
    tipo: TipoIndicatore = TipoIndicatore.NUMERO
    unita_misura: str | None = None
    polarita: Polarita = Polarita.CRESCENTE
    aggregazione: Aggregazione = Aggregazione.SOMMA
    baseline_testo: str | None = None
    baseline: Decimal | None = None
    anno_baseline: int | None = None
    peso: Decimal | None = None
    fonte: str | None = None
    solo_individuale: bool = False  # printed only on the individual sheet (seed 004)
    note: str | None = None
    #: the portal's indicator fields (anchors-domain §1.2): sub-dimension and «rilevante»
    sottodimensione: str | None = None
    rilevante: bool = False
    #: the member Comune the indicator is reported for (``None``: the whole Unione)
    comune_id: int | None = None


PERIODO_ANNUALE = ""


@dataclass(slots=True)
class Misura:
    """Target and actual value of an indicator for a year and a period.

    ``periodo == ""`` is the annual row; other periods (``Giugno``,
    ``Dicembre``, ``30/09``) are checkpoints that roll up by the indicator's
    ``aggregazione``.
    """

    TABLE: ClassVar[str] = "misure"
    id: int | None = None
    indicatore_id: int = 0
    anno: int = 0
    periodo: str = PERIODO_ANNUALE
    data_riferimento: date | None = None
    target_testo: str | None = None
    target: Decimal | None = None
    valore_testo: str | None = None
    valore: Decimal | None = None


@dataclass(slots=True)
class Assegnazione:
    """A person working on an objective, from a date to a date."""

    TABLE: ClassVar[str] = "assegnazioni"
    id: int | None = None
    obiettivo_id: int = 0
    persona_id: int | None = None  # None: vacant/unknown (seed 002's nameless "-")
    data_inizio: date | None = None
    data_fine: date | None = None
    impegno: Decimal | None = None  # % of the person's time
    responsabile: bool = False
    ruolo: str | None = None


@dataclass(slots=True)
class Risorsa:
    """Financial resources of an objective/project (seed 004)."""

    TABLE: ClassVar[str] = "risorse"
    id: int | None = None
    obiettivo_id: int = 0
    anno: int = 0
    tipo: TipoRisorsa = TipoRisorsa.SPESA
    descrizione: str = ""
    capitolo: str | None = None
    stanziato: Decimal | None = None
    assestato: Decimal | None = None
    impegnato: Decimal | None = None
    accertato: Decimal | None = None
    pagato: Decimal | None = None
    incassato: Decimal | None = None


@dataclass(slots=True)
class Monitoraggio:
    """A monitoring round (e.g. 30/06 and 31/12)."""

    TABLE: ClassVar[str] = "monitoraggi"
    id: int | None = None
    nome: str = ""
    data: date | None = None
    anno: int = 0
    stato: StatoMonitoraggio = StatoMonitoraggio.APERTO
    chiuso_il: date | None = None


@dataclass(slots=True)
class RilevazioneIndicatore:
    """Snapshot of an indicator's value at a monitoring round."""

    TABLE: ClassVar[str] = "rilevazioni"
    id: int | None = None
    monitoraggio_id: int = 0
    indicatore_id: int = 0
    target_testo: str | None = None
    target: Decimal | None = None
    valore_testo: str | None = None
    valore: Decimal | None = None


@dataclass(slots=True)
class StatoAvanzamento:
    """The monitoring dialogue of an objective at a round, and its %.

    ``perc_calcolata`` is what the engine computed when the round was filed;
    ``perc_validata`` is what the Nucleo validated; an override needs
    ``motivo_override``.
    """

    TABLE: ClassVar[str] = "stati_avanzamento"
    id: int | None = None
    monitoraggio_id: int = 0
    obiettivo_id: int = 0
    relazione_settore: str | None = None
    osservazioni_nucleo: str | None = None
    risposta_settore: str | None = None
    perc_calcolata: Decimal | None = None
    perc_validata: Decimal | None = None
    motivo_override: str | None = None


@dataclass(slots=True)
class Valutazione:
    """Year-end valuation of an objective: the evaluator's score (0–30) and overrides."""

    TABLE: ClassVar[str] = "valutazioni"
    id: int | None = None
    obiettivo_id: int = 0
    anno: int = 0
    punteggio: Decimal | None = None  # score on the SMVP scale (003: 0..30)
    perc_validata: Decimal | None = None
    motivo: str | None = None
    valutatore: str | None = None
    data: date | None = None


@dataclass(slots=True)
class VoceOrganizzativa:
    """A line of the organisational-performance summary (seed 003 T2; seed 001 L66-L104).

    ``livello`` ente: one line for the whole ente (003 «2.1 Programmazione e gestione
    delle risorse», 001 «Performance organizzativa di ente»); unita: a line measured
    for one unit (001's structure-level indicators of an Area). Its result comes from
    its own indicators or from the units' schede (``fonte``).
    """

    TABLE: ClassVar[str] = "voci_organizzative"
    id: int | None = None
    livello: LivelloOrganizzativo = LivelloOrganizzativo.ENTE
    unita_id: int | None = None
    posizione: int | None = None
    codice: str = ""
    nome: str = ""
    fonte: FonteVoce = FonteVoce.INDICATORI
    peso: Decimal | None = None
    note: str | None = None


@dataclass(slots=True)
class IndicatoreOrganizzativo:
    """An indicator of organisational performance (003 T1: attendibilità delle previsioni …)."""

    TABLE: ClassVar[str] = "indicatori_organizzativi"
    id: int | None = None
    voce_id: int = 0
    posizione: int | None = None
    codice: str | None = None
    nome: str = ""
    formula: str | None = None  # 003's «FATTORI»
    tipo: TipoIndicatore = TipoIndicatore.PERCENTUALE
    polarita: Polarita = Polarita.CRESCENTE
    unita_misura: str | None = None
    peso: Decimal | None = None
    note: str | None = None


@dataclass(slots=True)
class ValoreOrganizzativo:
    """Target and actual value of an organisational indicator in a year."""

    TABLE: ClassVar[str] = "valori_organizzativi"
    id: int | None = None
    indicatore_id: int = 0
    anno: int = 0
    target_testo: str | None = None
    target: Decimal | None = None
    valore_testo: str | None = None
    valore: Decimal | None = None


@dataclass(slots=True)
class ValutazioneIndividuale:
    """One person's valuation in a year: who evaluates, the category, the notes.

    ``valutatore_id`` is a person (the unit's responsabile); for a responsabile
    the SMVP names a body instead (``valutatore_ruolo``: Nucleo di Valutazione,
    Segretario, Sindaco/Presidente). ``categoria`` overrides the category the
    SMVP would pick from the person's area/EQ flag.
    """

    TABLE: ClassVar[str] = "valutazioni_individuali"
    id: int | None = None
    persona_id: int = 0
    anno: int = 0
    categoria: str | None = None
    valutatore_id: int | None = None
    valutatore_ruolo: str | None = None
    punteggio_individuali: Decimal | None = None  # % override of the individual objectives
    note: str | None = None


@dataclass(slots=True)
class PunteggioComportamento:
    """The score of one behaviour (comportamento) in a person's valuation."""

    TABLE: ClassVar[str] = "punteggi_comportamenti"
    id: int | None = None
    valutazione_id: int = 0
    comportamento: str = ""
    punteggio: Decimal | None = None
    nota: str | None = None


@dataclass(slots=True)
class PassoValutazione:
    """A step of the valuation cycle done on a date (assegnazione, colloquio, riesame …)."""

    TABLE: ClassVar[str] = "passi_valutazione"
    id: int | None = None
    valutazione_id: int = 0
    passo: PassoCiclo = PassoCiclo.ASSEGNAZIONE
    data: date | None = None
    testo: str | None = None  # colloquio notes, the valutato's observations, the riesame outcome
    esito: str | None = None  # riesame: «confermata» / «modificata»


@dataclass(slots=True)
class Audit:
    TABLE: ClassVar[str] = "audit"
    id: int | None = None
    quando: str = ""
    utente: str = ""
    azione: str = ""
    tabella: str = ""
    riga_id: int | None = None
    dettaglio: str | None = None


from .parametri import ParametroServizio  # noqa: E402
from .valore_pubblico import LegameValorePubblico, ObiettivoValorePubblico  # noqa: E402
from .variazioni import Variazione  # noqa: E402

ENTITIES: tuple[type, ...] = (
    Ente, Piano, Unita, Persona, AliasPersona, Obiettivo, ObiettivoUnita, Fase,
    Indicatore, Misura, Assegnazione, Risorsa, Monitoraggio, RilevazioneIndicatore,
    StatoAvanzamento, Valutazione, VoceOrganizzativa, IndicatoreOrganizzativo,
    ValoreOrganizzativo, ValutazioneIndividuale, PunteggioComportamento, PassoValutazione,
    ObiettivoValorePubblico, LegameValorePubblico, ParametroServizio, Variazione,
)
