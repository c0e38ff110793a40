"""Schema of the plan file and its migrations (``PRAGMA user_version``).

A released migration is never edited: add a new function to ``MIGRATIONS``.
Decimals are stored as TEXT (exact), dates as ISO TEXT, booleans as 0/1,
lists/dicts as JSON TEXT.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: 'PIAO' — lets us refuse other SQLite files with a clear message
APPLICATION_ID = 0x5049414F

_V1 = """
CREATE TABLE impostazioni (chiave TEXT PRIMARY KEY, valore TEXT);
CREATE TABLE enti (
  id INTEGER PRIMARY KEY, nome TEXT NOT NULL DEFAULT '', tipo TEXT NOT NULL DEFAULT 'comune',
  codice_fiscale TEXT, parent_id INTEGER REFERENCES enti(id) ON DELETE CASCADE);
CREATE TABLE piano (
  id INTEGER PRIMARY KEY, titolo TEXT NOT NULL DEFAULT '', ente_id INTEGER REFERENCES enti(id),
  anno_inizio INTEGER NOT NULL, anno_fine INTEGER NOT NULL, stato TEXT NOT NULL DEFAULT 'bozza',
  atto_tipo TEXT, atto_numero TEXT, atto_data TEXT, note TEXT,
  CHECK (anno_fine >= anno_inizio));
CREATE TABLE persone (
  id INTEGER PRIMARY KEY, cognome TEXT NOT NULL DEFAULT '', nome TEXT NOT NULL DEFAULT '',
  titolo TEXT, categoria TEXT, area TEXT, profilo TEXT, ore_settimanali TEXT,
  eq INTEGER NOT NULL DEFAULT 0, unita_id INTEGER REFERENCES unita(id) ON DELETE SET NULL,
  valido_dal TEXT, valido_al TEXT, email TEXT, note TEXT);
CREATE TABLE alias_persone (
  id INTEGER PRIMARY KEY, persona_id INTEGER NOT NULL REFERENCES persone(id) ON DELETE CASCADE,
  alias TEXT NOT NULL);
CREATE TABLE unita (
  id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES unita(id) ON DELETE CASCADE,
  tipo TEXT NOT NULL DEFAULT 'settore', nome TEXT NOT NULL DEFAULT '', codice TEXT,
  responsabile_id INTEGER REFERENCES persone(id) ON DELETE SET NULL,
  ente_id INTEGER REFERENCES enti(id) ON DELETE SET NULL, posizione INTEGER NOT NULL DEFAULT 0);
CREATE TABLE obiettivi (
  id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES obiettivi(id) ON DELETE CASCADE,
  posizione INTEGER NOT NULL DEFAULT 0, ramo TEXT NOT NULL DEFAULT 'obiettivi',
  livello TEXT NOT NULL DEFAULT 'operativo', codice TEXT NOT NULL DEFAULT '',
  titolo TEXT NOT NULL DEFAULT '', descrizione TEXT, tipologia TEXT NOT NULL DEFAULT '[]',
  missione TEXT, programma TEXT, anni TEXT NOT NULL DEFAULT '[]', stakeholder TEXT,
  altri_settori TEXT, assessore TEXT,
  unita_id INTEGER REFERENCES unita(id) ON DELETE SET NULL,
  responsabile_id INTEGER REFERENCES persone(id) ON DELETE SET NULL,
  peso TEXT, inizio_previsto TEXT, fine_prevista TEXT, inizio_effettivo TEXT, fine_effettiva TEXT,
  rischio_corruttivo INTEGER NOT NULL DEFAULT 0, trasversale INTEGER NOT NULL DEFAULT 0,
  stato TEXT, flags TEXT NOT NULL DEFAULT '[]', extra TEXT NOT NULL DEFAULT '{}', note TEXT);
CREATE TABLE obiettivi_unita (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  unita_id INTEGER NOT NULL REFERENCES unita(id) ON DELETE CASCADE);
CREATE TABLE fasi (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  posizione INTEGER NOT NULL DEFAULT 0, descrizione TEXT NOT NULL DEFAULT '', scadenza TEXT,
  inizio_previsto TEXT, fine_prevista TEXT, inizio_effettivo TEXT, fine_effettiva TEXT,
  perc_realizzazione TEXT, peso TEXT, note TEXT);
CREATE TABLE indicatori (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  posizione INTEGER NOT NULL DEFAULT 0, codice TEXT, descrizione TEXT NOT NULL DEFAULT '',
  dimensione TEXT, formula TEXT, tipo TEXT NOT NULL DEFAULT 'numero', unita_misura TEXT,
  polarita TEXT NOT NULL DEFAULT 'crescente', aggregazione TEXT NOT NULL DEFAULT 'somma',
  baseline_testo TEXT, baseline TEXT, anno_baseline INTEGER, peso TEXT, fonte TEXT,
  solo_individuale INTEGER NOT NULL DEFAULT 0, note TEXT);
CREATE TABLE misure (
  id INTEGER PRIMARY KEY, indicatore_id INTEGER NOT NULL REFERENCES indicatori(id) ON DELETE CASCADE,
  anno INTEGER NOT NULL, periodo TEXT NOT NULL DEFAULT '', data_riferimento TEXT,
  target_testo TEXT, target TEXT, valore_testo TEXT, valore TEXT,
  UNIQUE (indicatore_id, anno, periodo));
CREATE TABLE assegnazioni (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  persona_id INTEGER REFERENCES persone(id) ON DELETE CASCADE, data_inizio TEXT, data_fine TEXT,
  impegno TEXT, responsabile INTEGER NOT NULL DEFAULT 0, ruolo TEXT);
CREATE TABLE risorse (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  anno INTEGER NOT NULL, tipo TEXT NOT NULL DEFAULT 'spesa', descrizione TEXT NOT NULL DEFAULT '',
  capitolo TEXT, stanziato TEXT, assestato TEXT, impegnato TEXT, accertato TEXT, pagato TEXT,
  incassato TEXT);
CREATE TABLE monitoraggi (
  id INTEGER PRIMARY KEY, nome TEXT NOT NULL DEFAULT '', data TEXT, anno INTEGER NOT NULL,
  stato TEXT NOT NULL DEFAULT 'aperto', chiuso_il TEXT);
CREATE TABLE rilevazioni (
  id INTEGER PRIMARY KEY, monitoraggio_id INTEGER NOT NULL REFERENCES monitoraggi(id) ON DELETE CASCADE,
  indicatore_id INTEGER NOT NULL REFERENCES indicatori(id) ON DELETE CASCADE,
  target_testo TEXT, target TEXT, valore_testo TEXT, valore TEXT,
  UNIQUE (monitoraggio_id, indicatore_id));
CREATE TABLE stati_avanzamento (
  id INTEGER PRIMARY KEY, monitoraggio_id INTEGER NOT NULL REFERENCES monitoraggi(id) ON DELETE CASCADE,
  obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  relazione_settore TEXT, osservazioni_nucleo TEXT, risposta_settore TEXT,
  perc_calcolata TEXT, perc_validata TEXT, motivo_override TEXT,
  UNIQUE (monitoraggio_id, obiettivo_id),
  CHECK (perc_validata IS NULL OR perc_validata = perc_calcolata
         OR (motivo_override IS NOT NULL AND trim(motivo_override) <> '')));
CREATE TABLE valutazioni (
  id INTEGER PRIMARY KEY, obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  anno INTEGER NOT NULL, punteggio TEXT, perc_validata TEXT, motivo TEXT, valutatore TEXT, data TEXT,
  UNIQUE (obiettivo_id, anno));
CREATE TABLE audit (
  id INTEGER PRIMARY KEY, quando TEXT NOT NULL, utente TEXT NOT NULL DEFAULT '',
  azione TEXT NOT NULL, tabella TEXT NOT NULL DEFAULT '', riga_id INTEGER, dettaglio TEXT);

CREATE INDEX ix_obiettivi_parent ON obiettivi(parent_id, posizione);
CREATE INDEX ix_obiettivi_ramo ON obiettivi(ramo, parent_id, posizione);
CREATE INDEX ix_obiettivi_unita ON obiettivi(unita_id);
CREATE INDEX ix_obiettivi_resp ON obiettivi(responsabile_id);
CREATE INDEX ix_fasi_obiettivo ON fasi(obiettivo_id, posizione);
CREATE INDEX ix_fasi_scadenza ON fasi(scadenza);
CREATE INDEX ix_indicatori_obiettivo ON indicatori(obiettivo_id, posizione);
CREATE INDEX ix_assegnazioni_obiettivo ON assegnazioni(obiettivo_id);
CREATE INDEX ix_assegnazioni_persona ON assegnazioni(persona_id);
CREATE INDEX ix_risorse_obiettivo ON risorse(obiettivo_id);
CREATE INDEX ix_alias ON alias_persone(alias);
CREATE INDEX ix_persone_unita ON persone(unita_id);
CREATE INDEX ix_unita_parent ON unita(parent_id);
CREATE INDEX ix_ou_obiettivo ON obiettivi_unita(obiettivo_id);
CREATE INDEX ix_ou_unita ON obiettivi_unita(unita_id);
CREATE INDEX ix_rilevazioni_ind ON rilevazioni(indicatore_id);
CREATE INDEX ix_stati_obiettivo ON stati_avanzamento(obiettivo_id);
CREATE INDEX ix_audit_quando ON audit(quando);
"""


def _v1(conn: sqlite3.Connection) -> None:
    conn.executescript(_V1)


_V2 = """
CREATE TABLE voci_organizzative (
  id INTEGER PRIMARY KEY, livello TEXT NOT NULL DEFAULT 'ente',
  unita_id INTEGER REFERENCES unita(id) ON DELETE CASCADE, posizione INTEGER NOT NULL DEFAULT 0,
  codice TEXT NOT NULL DEFAULT '', nome TEXT NOT NULL DEFAULT '', fonte TEXT NOT NULL DEFAULT 'indicatori_propri',
  peso TEXT, note TEXT);
CREATE TABLE indicatori_organizzativi (
  id INTEGER PRIMARY KEY,
  voce_id INTEGER NOT NULL REFERENCES voci_organizzative(id) ON DELETE CASCADE,
  posizione INTEGER NOT NULL DEFAULT 0, codice TEXT, nome TEXT NOT NULL DEFAULT '', formula TEXT,
  tipo TEXT NOT NULL DEFAULT 'percentuale', polarita TEXT NOT NULL DEFAULT 'crescente',
  unita_misura TEXT, peso TEXT, note TEXT);
CREATE TABLE valori_organizzativi (
  id INTEGER PRIMARY KEY,
  indicatore_id INTEGER NOT NULL REFERENCES indicatori_organizzativi(id) ON DELETE CASCADE,
  anno INTEGER NOT NULL, target_testo TEXT, target TEXT, valore_testo TEXT, valore TEXT,
  UNIQUE (indicatore_id, anno));
CREATE TABLE valutazioni_individuali (
  id INTEGER PRIMARY KEY, persona_id INTEGER NOT NULL REFERENCES persone(id) ON DELETE CASCADE,
  anno INTEGER NOT NULL, categoria TEXT,
  valutatore_id INTEGER REFERENCES persone(id) ON DELETE SET NULL, valutatore_ruolo TEXT,
  punteggio_individuali TEXT, note TEXT,
  UNIQUE (persona_id, anno),
  CHECK (valutatore_id IS NULL OR valutatore_id <> persona_id));
CREATE TABLE punteggi_comportamenti (
  id INTEGER PRIMARY KEY,
  valutazione_id INTEGER NOT NULL REFERENCES valutazioni_individuali(id) ON DELETE CASCADE,
  comportamento TEXT NOT NULL, punteggio TEXT, nota TEXT,
  UNIQUE (valutazione_id, comportamento));
CREATE TABLE passi_valutazione (
  id INTEGER PRIMARY KEY,
  valutazione_id INTEGER NOT NULL REFERENCES valutazioni_individuali(id) ON DELETE CASCADE,
  passo TEXT NOT NULL, data TEXT, testo TEXT, esito TEXT,
  UNIQUE (valutazione_id, passo));
CREATE INDEX ix_voci_unita ON voci_organizzative(unita_id);
CREATE INDEX ix_indorg_voce ON indicatori_organizzativi(voce_id, posizione);
CREATE INDEX ix_valind_persona ON valutazioni_individuali(persona_id);
"""


def _v2(conn: sqlite3.Connection) -> None:
    """Organisational performance and the individual valuation cycle (issue 10)."""
    conn.executescript(_V2)


_V3 = """
ALTER TABLE audit ADD COLUMN postazione TEXT;
ALTER TABLE audit ADD COLUMN pacchetto TEXT;
CREATE TABLE unioni (
  id INTEGER PRIMARY KEY, quando TEXT NOT NULL, utente TEXT NOT NULL DEFAULT '', postazione TEXT,
  pacchetto_uid TEXT NOT NULL, impronta TEXT NOT NULL, file TEXT, settore TEXT,
  revisione_base INTEGER, modifiche INTEGER NOT NULL DEFAULT 0, conflitti INTEGER NOT NULL DEFAULT 0,
  rifiutate INTEGER NOT NULL DEFAULT 0);
CREATE TABLE pacchetto_base (id INTEGER PRIMARY KEY, dati BLOB NOT NULL);
CREATE INDEX ix_audit_riga ON audit(tabella, riga_id);
CREATE INDEX ix_unioni_uid ON unioni(pacchetto_uid, impronta);
"""


def _v3(conn: sqlite3.Connection) -> None:
    """Several offices, one plan (issue 16): the PC of each audit row, the packet a change
    came from, the log of merged packets, a packet's base copy (for the three-way merge)."""
    conn.executescript(_V3)


_V4 = """
CREATE TABLE variazioni (
  id INTEGER PRIMARY KEY, atto_tipo TEXT NOT NULL DEFAULT '', atto_numero TEXT NOT NULL DEFAULT '',
  atto_data TEXT, motivo TEXT NOT NULL DEFAULT '', stato TEXT NOT NULL DEFAULT 'aperta',
  aperta_il TEXT, chiusa_il TEXT, utente TEXT NOT NULL DEFAULT '', riepilogo TEXT NOT NULL DEFAULT '[]');
CREATE TABLE variazioni_passi (
  id INTEGER PRIMARY KEY, variazione_id INTEGER NOT NULL REFERENCES variazioni(id) ON DELETE CASCADE,
  tabella TEXT NOT NULL, riga_id INTEGER NOT NULL, campo TEXT NOT NULL DEFAULT '', oggetto TEXT,
  prima TEXT, dopo TEXT, azione TEXT NOT NULL DEFAULT 'modifica');
CREATE INDEX ix_varpassi ON variazioni_passi(variazione_id, id);
CREATE TABLE valore_pubblico (
  id INTEGER PRIMARY KEY, posizione INTEGER NOT NULL DEFAULT 0, codice TEXT NOT NULL DEFAULT '',
  titolo TEXT NOT NULL DEFAULT '', descrizione TEXT, ambito TEXT, linea_dup TEXT, indirizzo_dup TEXT,
  responsabile_politico TEXT, stakeholder TEXT, note TEXT);
CREATE TABLE vp_obiettivi (
  id INTEGER PRIMARY KEY, vp_id INTEGER NOT NULL REFERENCES valore_pubblico(id) ON DELETE CASCADE,
  obiettivo_id INTEGER NOT NULL REFERENCES obiettivi(id) ON DELETE CASCADE,
  UNIQUE (vp_id, obiettivo_id));
CREATE INDEX ix_vp_obiettivo ON vp_obiettivi(obiettivo_id);
ALTER TABLE obiettivi ADD COLUMN rischio_livello TEXT;
ALTER TABLE obiettivi ADD COLUMN rischio_misura TEXT;
ALTER TABLE obiettivi ADD COLUMN pari_opportunita INTEGER NOT NULL DEFAULT 0;
ALTER TABLE obiettivi ADD COLUMN accessibilita_digitale INTEGER NOT NULL DEFAULT 0;
ALTER TABLE obiettivi ADD COLUMN accessibilita_fisica INTEGER NOT NULL DEFAULT 0;
ALTER TABLE obiettivi ADD COLUMN semplificazione INTEGER NOT NULL DEFAULT 0;
ALTER TABLE obiettivi ADD COLUMN programma_cod TEXT;
ALTER TABLE obiettivi ADD COLUMN tipo_prodotto TEXT;
ALTER TABLE obiettivi ADD COLUMN responsabile_operativo_id INTEGER REFERENCES persone(id) ON DELETE SET NULL;
ALTER TABLE obiettivi ADD COLUMN fase_approvazione TEXT;
ALTER TABLE indicatori ADD COLUMN sottodimensione TEXT;
ALTER TABLE indicatori ADD COLUMN rilevante INTEGER NOT NULL DEFAULT 0;
ALTER TABLE obiettivi ADD COLUMN comune_id INTEGER REFERENCES enti(id) ON DELETE SET NULL;
ALTER TABLE fasi ADD COLUMN scadenza_relativa TEXT;
CREATE TABLE parametri (
  id INTEGER PRIMARY KEY, unita_id INTEGER REFERENCES unita(id) ON DELETE CASCADE,
  posizione INTEGER NOT NULL DEFAULT 0, nome TEXT NOT NULL DEFAULT '', valore TEXT, data_riferimento TEXT,
  testo TEXT, note TEXT);
CREATE INDEX ix_parametri_unita ON parametri(unita_id, posizione);
ALTER TABLE indicatori ADD COLUMN comune_id INTEGER REFERENCES enti(id) ON DELETE SET NULL;
-- an objective with the risk flag but no level: the level is asked, never guessed (BASSA is not a default)
"""


def _v4(conn: sqlite3.Connection) -> None:
    """PIAO vocabulary (issue 18): variations during the year (the act and the field-by-field steps
    it groups); obiettivi di valore pubblico and their links to performance objectives; the
    portal's fields, risk level and measure, programme code, product kind, operational manager."""
    conn.executescript(_V4)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]

#: the schema version this program writes
SCHEMA_VERSION = len(MIGRATIONS)
