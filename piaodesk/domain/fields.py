"""Italian labels of the domain fields, one table for grids, workbooks and reports.

``label(Obiettivo, "titolo")`` → ``"Titolo"``. The Excel exchange matches the
header cells of a workbook against these labels (trimmed, case- and
accent-insensitive, see :func:`norm_label`), so a label changed here changes
the workbook headers too; older workbooks still match through ``ALIASES``.
"""

from __future__ import annotations

import unicodedata

LABELS: dict[str, dict[str, str]] = {
    "Obiettivo": {
        "id": "ID",
        "codice": "Codice",
        "parent_id": "Codice padre",
        "ramo": "Ramo",
        "livello": "Livello",
        "titolo": "Titolo",
        "descrizione": "Descrizione",
        "unita_id": "Settore/Unità",
        "responsabile_id": "Responsabile",
        "peso": "Peso",
        "inizio_previsto": "Inizio previsto",
        "fine_prevista": "Fine prevista",
        "inizio_effettivo": "Inizio effettivo",
        "fine_effettiva": "Fine effettiva",
        "assessore": "Referente politico",
        "stakeholder": "Stakeholder",
        "altri_settori": "Altri settori coinvolti",
        "missione": "Missione",
        "programma": "Programma",
        "trasversale": "Trasversale",
        "rischio_corruttivo": "Rischio corruttivo",
        "stato": "Stato",
        "note": "Note",
        "rischio_livello": "Livello di rischio",
        "rischio_misura": "Misura di prevenzione",
        "pari_opportunita": "Pari opportunità",
        "accessibilita_digitale": "Accessibilità digitale",
        "accessibilita_fisica": "Accessibilità fisica",
        "semplificazione": "Semplificazione",
        "programma_cod": "Codice programma (catalogo)",
        "tipo_prodotto": "Tipo di prodotto",
        "responsabile_operativo_id": "Responsabile operativo",
        "fase_approvazione": "Fase di approvazione",
        "comune_id": "Comune",
    },
    "Variazione": {
        "id": "N.",
        "atto_tipo": "Tipo di atto",
        "atto_numero": "Numero dell'atto",
        "atto_data": "Data dell'atto",
        "motivo": "Motivo",
        "stato": "Stato",
        "aperta_il": "Aperta il",
        "chiusa_il": "Chiusa il",
        "utente": "Da",
        "riepilogo": "Modifiche (prima → dopo, JSON)",
    },
    "ParametroServizio": {
        "id": "ID",
        "unita_id": "Servizio/Unità",
        "nome": "Parametro",
        "valore": "Valore",
        "data_riferimento": "Al (data)",
        "testo": "Testo come scritto",
        "note": "Note",
    },
    "ObiettivoValorePubblico": {
        "id": "ID",
        "codice": "Codice",
        "titolo": "Obiettivo di valore pubblico",
        "descrizione": "Descrizione",
        "ambito": "Ambito di impatto",
        "linea_dup": "Linea strategica (DUP)",
        "indirizzo_dup": "Indirizzo strategico (DUP)",
        "responsabile_politico": "Responsabile politico",
        "stakeholder": "Stakeholder",
        "note": "Note",
    },
    "Monitoraggio": {
        "id": "ID",
        "nome": "Nome",
        "data": "Data",
        "anno": "Anno",
        "stato": "Stato",
        "chiuso_il": "Chiuso il",
    },
    "StatoAvanzamento": {
        "id": "ID",
        "relazione_settore": "Relazione del settore",
        "osservazioni_nucleo": "Osservazioni del Nucleo",
        "risposta_settore": "Risposta del settore",
        "perc_calcolata": "% calcolata",
        "perc_validata": "% validata",
        "motivo_override": "Motivo della % validata",
    },
    "RilevazioneIndicatore": {"id": "ID"},
    "Valutazione": {
        "id": "ID",
        "anno": "Anno",
        "punteggio": "Punteggio",
        "perc_validata": "% validata",
        "motivo": "Motivo",
        "valutatore": "Valutatore",
        "data": "Data",
    },
    "Unita": {
        "id": "ID",
        "codice": "Codice (CdR)",
        "nome": "Nome",
        "tipo": "Tipo",
        "parent_id": "Unità superiore",
        "responsabile_id": "Responsabile",
    },
    "Fase": {
        "id": "ID",
        "obiettivo_id": "ID obiettivo",
        "descrizione": "Descrizione fase",
        "scadenza": "Scadenza",
        "inizio_previsto": "Inizio previsto",
        "fine_prevista": "Fine prevista",
        "inizio_effettivo": "Inizio effettivo",
        "fine_effettiva": "Fine effettiva",
        "perc_realizzazione": "% realizzazione",
        "peso": "Peso",
        "note": "Note",
        "scadenza_relativa": "Scadenza relativa",
    },
    "Indicatore": {
        "id": "ID",
        "obiettivo_id": "ID obiettivo",
        "codice": "Codice indicatore",
        "descrizione": "Indicatore",
        "dimensione": "Dimensione",
        "formula": "Formula",
        "tipo": "Tipo",
        "unita_misura": "Unità di misura",
        "polarita": "Polarità",
        "aggregazione": "Aggregazione periodi",
        "baseline_testo": "Baseline",
        "anno_baseline": "Anno baseline",
        "peso": "Peso",
        "fonte": "Fonte dati",
        "solo_individuale": "Solo scheda individuale",
        "note": "Note",
        "sottodimensione": "Sottodimensione",
        "rilevante": "Rilevante",
        "comune_id": "Comune",
    },
    "Misura": {
        "indicatore_id": "ID indicatore",
        "anno": "Anno",
        "periodo": "Periodo",
        "data_riferimento": "Data di riferimento",
        "target_testo": "Target",
        "valore_testo": "Valore",
    },
    "Persona": {
        "id": "ID",
        "cognome": "Cognome",
        "nome": "Nome",
        "titolo": "Titolo",
        "categoria": "Categoria",
        "area": "Area (CCNL 2023)",
        "profilo": "Profilo",
        "ore_settimanali": "Ore settimanali",
        "eq": "EQ/PO",
        "unita_id": "Settore/Unità",
        "valido_dal": "In servizio dal",
        "valido_al": "In servizio fino al",
        "email": "Email",
        "note": "Note",
    },
    "Assegnazione": {
        "id": "ID",
        "obiettivo_id": "ID obiettivo",
        "persona_id": "ID persona",
        "data_inizio": "Dal",
        "data_fine": "Al",
        "impegno": "Impegno",
        "responsabile": "Responsabile",
        "ruolo": "Ruolo",
    },
    "Risorsa": {
        "id": "ID",
        "obiettivo_id": "ID obiettivo",
        "anno": "Anno",
        "tipo": "Tipo",
        "descrizione": "Descrizione",
        "capitolo": "Capitolo",
        "stanziato": "Stanziato",
        "assestato": "Assestato",
        "impegnato": "Impegnato",
        "accertato": "Accertato",
        "pagato": "Pagato",
        "incassato": "Incassato",
    },
}

#: other spellings accepted when a header is read back (normalised with norm_label)
ALIASES: dict[str, str] = {
    "assessore": "Referente politico",
    "politico": "Referente politico",
    "settore": "Settore/Unità",
    "unita": "Settore/Unità",
    "unita organizzativa": "Settore/Unità",
    "fonte": "Fonte dati",
    "denominazione indicatore": "Indicatore",
}


def label(cls: type | str, field: str) -> str:
    """The Italian label of ``cls.field`` (the field name, capitalised, if unknown)."""
    name = cls if isinstance(cls, str) else cls.__name__
    return LABELS.get(name, {}).get(field, field.replace("_", " ").capitalize())


def norm_label(text: object) -> str:
    """Normalise a header cell: trimmed, lower case, no accents, single spaces."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("\n", " ").replace("_", " ")
    return " ".join(s.split()).strip(" :")
