"""Enumerations of the domain, stored as their (ASCII) value, shown by ``label``."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """A StrEnum whose members carry an Italian label for people."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def from_text(cls, text: str | None) -> Self | None:
        """Match a value, a label or a word real documents use (:data:`SINONIMI`).

        Case, accents, spaces and punctuation are ignored; a bare sign
        (``+``, ``-``, ``=``) is matched as written.
        """
        if text is None:
            return None
        raw = str(text).strip()
        key = _norm(raw) or raw.replace("\u2212", "-").replace("\u2013", "-")
        if not key:
            return None
        for member in cls:
            if key in (_norm(member.value), _norm(member.label)) or key in _SINONIMI_NORM.get(member, ()):
                return member
        return None


def _norm(text: str) -> str:
    table = str.maketrans("àèéìòùÀÈÉÌÒÙ", "aeeiouAEEIOU")
    return "".join(ch for ch in text.translate(table).lower() if ch.isalnum())


class StatoPiano(LabeledEnum):
    BOZZA = "bozza"
    APPROVATO = "approvato"
    MONITORAGGIO = "monitoraggio"
    CONSUNTIVO = "consuntivo"


#: allowed transitions of the plan status (forward, and one step back to fix mistakes)
TRANSIZIONI_STATO = {
    StatoPiano.BOZZA: {StatoPiano.APPROVATO},
    StatoPiano.APPROVATO: {StatoPiano.MONITORAGGIO, StatoPiano.BOZZA},
    StatoPiano.MONITORAGGIO: {StatoPiano.CONSUNTIVO, StatoPiano.APPROVATO},
    StatoPiano.CONSUNTIVO: {StatoPiano.MONITORAGGIO},
}


class TipoEnte(LabeledEnum):
    COMUNE = "comune"
    UNIONE = "unione"
    ALTRO = "altro"


class TipoUnita(LabeledEnum):
    AREA = "area"
    SETTORE = "settore"
    SERVIZIO = "servizio"
    UFFICIO = "ufficio"


class Ramo(LabeledEnum):
    """The two hierarchies of a plan: planned objectives and ordinary activities."""

    OBIETTIVI = "obiettivi"
    ATTIVITA = "attivita"


class Livello(LabeledEnum):
    LINEA_STRATEGICA = "linea_strategica"
    STRATEGICO = "strategico"
    OPERATIVO = "operativo"
    SPECIFICO = "specifico"
    AZIONE = "azione"
    SCHEDA_UO = "scheda_uo"
    ATTIVITA_GESTIONALE = "attivita_gestionale"


class Tipologia(LabeledEnum):
    GESTIONALE = "gestionale"
    ESECUTIVO = "esecutivo"
    MANTENIMENTO = "mantenimento"
    SVILUPPO = "sviluppo"


class TipoIndicatore(LabeledEnum):
    SI_NO = "si_no"
    NUMERO = "numero"
    PERCENTUALE = "percentuale"
    GIORNI = "giorni"
    DATA = "data"
    RAPPORTO = "rapporto"
    TESTO = "testo"


class Polarita(LabeledEnum):
    CRESCENTE = "crescente"      # higher is better ("Positivo")
    DECRESCENTE = "decrescente"  # lower is better ("Negativo")
    UGUALE = "uguale"            # the target value exactly


class Aggregazione(LabeledEnum):
    SOMMA = "somma"
    MEDIA = "media"
    ULTIMO = "ultimo"


class Dimensione(LabeledEnum):
    EFFICACIA = "efficacia"
    EFFICIENZA = "efficienza"
    TEMPESTIVITA = "tempestivita"
    QUALITA = "qualita"
    QUANTITA = "quantita"
    ECONOMICITA = "economicita"


class Area2023(LabeledEnum):
    """Classification of staff under the CCNL 2019-2021 (from 2023)."""

    OPERATORI = "operatori"
    OPERATORI_ESPERTI = "operatori_esperti"
    ISTRUTTORI = "istruttori"
    FUNZIONARI_EQ = "funzionari_eq"
    DIRIGENTE = "dirigente"
    SEGRETARIO = "segretario"


def area_da_categoria(testo: str | None) -> Area2023 | None:
    """The 2023 Area of an old category or a profile as printed (CCNL 2019-21, art. 12 table).

    A → Operatori; B, B3 → Operatori esperti; C → Istruttori; D, D3, PO, EQ,
    «Funzionario» → Funzionari e EQ; «Dirigente»; «Segretario». ``None`` when the
    text says none of these (the caller must then ask, never guess).
    """
    if not testo:
        return None
    t = " " + _norm_words(testo) + " "
    for words, area in ((("dirigente",), Area2023.DIRIGENTE), (("segretario",), Area2023.SEGRETARIO),
                        (("funzionari", "funzionario", " eq ", " po ", " d ", " d1 ", " d3 "),
                         Area2023.FUNZIONARI_EQ),
                        (("istruttor", " c ", " c1 "), Area2023.ISTRUTTORI),
                        (("operatore esperto", "operatori esperti", " b ", " b1 ", " b3 "),
                         Area2023.OPERATORI_ESPERTI),
                        (("operator", " a ", " a1 "), Area2023.OPERATORI)):
        if any(w in t for w in words):
            return area
    return None


def _norm_words(text: str) -> str:
    table = str.maketrans("àèéìòùÀÈÉÌÒÙ", "aeeiouAEEIOU")
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.translate(table).lower())
    return " ".join(w for w in cleaned.split() if w != "categoria")


class TipoProdotto(LabeledEnum):
    """Seed 004's kinds of objective («prodotti»): an ordinary product, a priority one, a project."""

    PRODOTTO = "prodotto"
    PRIORITARIO = "prioritario"
    PROGETTO = "progetto"


class StatoMonitoraggio(LabeledEnum):
    APERTO = "aperto"
    CHIUSO = "chiuso"


class TipoRisorsa(LabeledEnum):
    SPESA = "spesa"
    ENTRATA = "entrata"


class LivelloOrganizzativo(LabeledEnum):
    """Where a component of organisational performance is measured (seed 001 L66-L68)."""

    ENTE = "ente"
    UNITA = "unita"


class FonteVoce(LabeledEnum):
    """What feeds a line of the organisational-performance summary (seed 003 T2)."""

    # values differ from every other enum's: the labels live in one dict keyed by value
    INDICATORI = "indicatori_propri"   # its own indicators (003 T1; 001 L72-L104)
    OBIETTIVI = "schede_obiettivi"     # the results of the units' schede (003 T2 row 1)


class PassoCiclo(LabeledEnum):
    """The steps of one person's valuation cycle, in order."""

    ASSEGNAZIONE = "assegnazione"
    VERIFICA_INTERMEDIA = "verifica_intermedia"
    VALUTAZIONE_FINALE = "valutazione_finale"
    PRESA_VISIONE = "presa_visione"
    OSSERVAZIONI = "osservazioni"
    RICHIESTA_RIESAME = "richiesta_riesame"
    ESITO_RIESAME = "esito_riesame"


_LABELS = {
    StatoPiano.BOZZA: "Bozza",
    StatoPiano.APPROVATO: "Approvato",
    StatoPiano.MONITORAGGIO: "Monitoraggio",
    StatoPiano.CONSUNTIVO: "Consuntivo",
    Ramo.OBIETTIVI: "Obiettivi",
    Ramo.ATTIVITA: "Attività gestionali",
    Livello.LINEA_STRATEGICA: "Linea strategica",
    Livello.STRATEGICO: "Obiettivo strategico",
    Livello.OPERATIVO: "Obiettivo operativo/esecutivo",
    Livello.SPECIFICO: "Obiettivo specifico",
    Livello.AZIONE: "Azione",
    Livello.SCHEDA_UO: "Scheda UO",
    Livello.ATTIVITA_GESTIONALE: "Attività gestionale",
    Tipologia.ESECUTIVO: "Esecutivo/attività",
    TipoIndicatore.SI_NO: "Sì/No",
    TipoIndicatore.NUMERO: "Numero",
    TipoIndicatore.PERCENTUALE: "Percentuale",
    TipoIndicatore.GIORNI: "Giorni",
    TipoIndicatore.DATA: "Data (entro il)",
    TipoIndicatore.RAPPORTO: "Rapporto n/m",
    TipoIndicatore.TESTO: "Testo/milestone",
    Polarita.CRESCENTE: "Crescente (più è meglio)",
    Polarita.DECRESCENTE: "Decrescente (meno è meglio)",
    Polarita.UGUALE: "Uguale al target",
    Dimensione.TEMPESTIVITA: "Tempestività",
    Dimensione.QUALITA: "Qualità",
    Dimensione.QUANTITA: "Quantità",
    Dimensione.ECONOMICITA: "Economicità",
    Area2023.OPERATORI_ESPERTI: "Operatori esperti",
    Area2023.FUNZIONARI_EQ: "Funzionari e EQ",
    Ramo.ATTIVITA: "Attività gestionali",
    LivelloOrganizzativo.ENTE: "Performance organizzativa di ente",
    LivelloOrganizzativo.UNITA: "Performance organizzativa di unità",
    FonteVoce.INDICATORI: "Indicatori della voce",
    FonteVoce.OBIETTIVI: "Risultati delle schede obiettivi",
    TipoProdotto.PRODOTTO: "Prodotto",
    TipoProdotto.PRIORITARIO: "Prodotto prioritario",
    TipoProdotto.PROGETTO: "Progetto",
    PassoCiclo.ASSEGNAZIONE: "Assegnazione degli obiettivi",
    PassoCiclo.VERIFICA_INTERMEDIA: "Verifica intermedia (colloquio)",
    PassoCiclo.VALUTAZIONE_FINALE: "Valutazione finale",
    PassoCiclo.PRESA_VISIONE: "Presa visione",
    PassoCiclo.OSSERVAZIONI: "Osservazioni del valutato",
    PassoCiclo.RICHIESTA_RIESAME: "Richiesta di riesame",
    PassoCiclo.ESITO_RIESAME: "Esito del riesame",
}


#: the words real plans use for the enumerations (PIAO tables, PEG schede, SMVP manuals);
#: one vocabulary for every importer and every grid. Bare signs are kept as written.
SINONIMI: dict[LabeledEnum, tuple[str, ...]] = {
    Polarita.CRESCENTE: ("positivo", "positiva", "+", "più è meglio", "maggiore è meglio",
                         "in aumento", "aumento", "incremento", "massimizzare", "crescente",
                         "maggiore", "più alto è meglio"),
    Polarita.DECRESCENTE: ("negativo", "negativa", "-", "meno è meglio", "minore è meglio",
                           "in diminuzione", "diminuzione", "riduzione", "minimizzare",
                           "decrescente", "minore", "più basso è meglio"),
    Polarita.UGUALE: ("=", "uguale", "puntuale", "valore puntuale", "neutro", "neutra",
                      "pari al target", "costante", "mantenimento"),
    TipoIndicatore.SI_NO: ("si/no", "sì/no", "si no", "booleano", "on/off", "realizzato/non realizzato",
                           "binario"),
    TipoIndicatore.NUMERO: ("numerico", "numero", "quantitativo", "quantità", "valore assoluto"),
    TipoIndicatore.PERCENTUALE: ("%", "percentuale", "perc", "tasso", "percentuale %"),
    TipoIndicatore.GIORNI: ("giorni", "gg", "tempo in giorni"),
    TipoIndicatore.DATA: ("data", "scadenza", "entro il", "data entro"),
    TipoIndicatore.RAPPORTO: ("rapporto", "n/m", "frazione"),
    TipoIndicatore.TESTO: ("testo", "milestone", "descrittivo", "qualitativo"),
    Aggregazione.SOMMA: ("somma", "totale", "cumulato", "cumulativo", "sommatoria"),
    Aggregazione.MEDIA: ("media", "medio", "valore medio", "media dei periodi"),
    Aggregazione.ULTIMO: ("ultimo", "ultimo valore", "valore finale", "finale", "al 31/12",
                          "ultimo periodo"),
}

_SINONIMI_NORM: dict[LabeledEnum, frozenset[str]] = {
    member: frozenset(_norm(w) or w for w in words) for member, words in SINONIMI.items()
}
