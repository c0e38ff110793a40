"""Plain snapshots of what a printed sheet shows, read from the Archive.

Build snapshots on the thread that owns the plan file (the GUI thread); they
are frozen dataclasses of strings and numbers, so the renderers in
:mod:`piaodesk.reports.sheets` can run in a worker thread. Every value a
person reads is already formatted the Italian way (``domain/formats.py``);
the few raw ``Decimal`` kept alongside are for tests and for the UI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import unescape

from ..domain import valutazione as engine
from ..domain.avanzamento import FONTE_MEDIA, FONTE_PROPRIA, FONTE_VALIDATA, fonte_nodo
from ..domain.enums import FonteVoce, Livello, PassoCiclo, Ramo, TipoEnte, Tipologia
from ..domain.firmatari import firmatari_di_vertice
from ..domain.formats import format_date, format_decimal, format_percent
from ..domain.model import Ente, Fase, Obiettivo, Persona, Piano, Unita
from ..domain.parametri import ParametroServizio
from ..domain.portale import testo_rischio, tipologie_piao
from ..domain.verifica import ERRORE, Problema
from ..store import valore_pubblico as vp_store
from ..store.archive import Archive
from ..store.valutazioni import RUOLO_ROSTER, TUTTI, QuadroValutazioni, ValutazionePersona, verifica
from .base import Firma

CENTO = Decimal(100)

# ---------------------------------------------------------------------- signature settings

#: plan setting holding the signature blocks (JSON), editable per ente
CHIAVE_FIRME = "firme"


def firme_predefinite(tipo_ente: TipoEnte | None = None) -> dict[str, object]:
    """Default signature blocks (seed 003 has none; anchors-domain §4.E #20)."""
    base = [
        {"ruolo": "Il Responsabile del Settore", "campo": "Firma_Responsabile"},
        {"ruolo": "Il Nucleo di Valutazione", "campo": "Firma_Nucleo"},
        # the ente's own top signatories (Comune: Segretario comunale, Sindaco; Unione: Segretario,
        # Presidente): a Comune's sheet is never signed by an Unione's bodies
        *({"ruolo": ruolo, "campo": campo} for ruolo, campo in firmatari_di_vertice(tipo_ente)),
    ]
    return {
        "luogo": "",
        "obiettivi": base,
        "obiettivo": base,
        # the evaluator's block (named after the person's valutatore) comes first on its own;
        # a «Firma_Responsabile» entry here is that block (see :meth:`ContestoSchede.firme`)
        "individuale": [*base, {"ruolo": "Per presa visione — il dipendente",
                                "campo": "Firma_Dipendente"}],
        "organizzativa": base[1:],
    }


def config_firme(archive: Archive, unita: Unita | None = None) -> dict[str, object]:
    """The plan's signature configuration merged over the defaults of the sheet's ente (the
    unit's own ente when it has one, e.g. a Comune's settore in an Unione's plan)."""
    ente = archive.get(Ente, unita.ente_id) if unita is not None and unita.ente_id else None
    ente = ente or archive.ente()
    cfg = firme_predefinite(ente.tipo if ente else None)
    raw = archive.impostazione(CHIAVE_FIRME)
    if raw:
        try:
            stored = json.loads(raw)
        except ValueError:
            stored = {}
        if isinstance(stored, dict):
            cfg.update({k: v for k, v in stored.items() if v is not None})
    return cfg


def _firme(cfg: dict[str, object], tipo: str, nomi: dict[str, str]) -> tuple[Firma, ...]:
    out = []
    voci = cfg.get(tipo)
    for item in voci if isinstance(voci, (list, tuple)) else ():
        if not isinstance(item, dict) or not item.get("ruolo"):
            continue
        campo = str(item.get("campo") or _campo(str(item["ruolo"])))
        out.append(Firma(str(item["ruolo"]), campo, str(item.get("nome") or nomi.get(campo, ""))))
    return tuple(out)


def _campo(ruolo: str) -> str:
    words = re.findall(r"[A-Za-z]+", ruolo)
    return "Firma_" + "_".join(w.capitalize() for w in words[:3])


def _luogo_data(cfg: dict[str, object]) -> str:
    luogo = str(cfg.get("luogo") or "").strip()
    return f"{luogo}, lì ____________________" if luogo else \
        "Luogo ____________________, lì ____________________"


# ---------------------------------------------------------------------- small helpers


def pulisci(testo: str | None) -> str:
    """Text for print: HTML remnants of the sources removed, paragraphs kept."""
    if not testo:
        return ""
    s = re.sub(r"(?i)<\s*br\s*/?>|</p>\s*<p[^>]*>|</li>", "\n", testo)
    s = re.sub(r"<[^>]+>", "", s)
    s = unescape(s)
    s = re.sub(r"[ \t]+", " ", s)
    return re.sub(r"\n\s*\n+", "\n", s).strip()


def nome_proprio(p: Persona | None, *, con_titolo: bool = False, nome_prima: bool = False) -> str:
    if p is None:
        return ""

    def cap(s: str) -> str:
        return " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in s.split())

    parts = [cap(p.nome), cap(p.cognome)] if nome_prima else [cap(p.cognome), cap(p.nome)]
    name = " ".join(x for x in parts if x)
    if con_titolo and p.titolo:
        name = f"{p.titolo} {name}"
    return name


@lru_cache(maxsize=8192)
def _pct(value: Decimal | None) -> str:
    """A % as printed (cached: a batch of sheets prints the same objectives' % again and again)."""
    return format_percent(value) if value is not None else ""


def _num(value: Decimal | None, places: int = 2) -> str:
    return format_decimal(value, places) if value is not None else ""


@lru_cache(maxsize=8192)
def _peso(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_decimal(value, 2, strip_zeros=True)} %"


def _score(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, 2, strip_zeros=True)


def trova_unita(archive: Archive, testo: str) -> Unita | None:
    """A unit by id, code or (part of its) name, ignoring case."""
    t = (testo or "").strip().lower()
    if not t:
        return None
    units = archive.unita()
    if t.isdigit():
        for u in units:
            if u.id == int(t):
                return u
    for u in units:
        if (u.codice or "").lower() == t or u.nome.lower() == t:
            return u
    found = [u for u in units if t in u.nome.lower() or t in (u.codice or "").lower()]
    return found[0] if len(found) == 1 else None


def trova_obiettivo(archive: Archive, codice: str) -> Obiettivo | None:
    for o in archive.obiettivi():
        if o.codice.lower() == codice.strip().lower():
            return o
    return None


# ---------------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class Intestazione:
    ente: str
    piano: str
    triennio: str
    anno: int
    atto: str = ""


@dataclass(frozen=True)
class RigaRiepilogo:
    numero: int
    codice: str
    descrizione: str
    peso: str
    perc: str
    punteggio: str
    lettera: str | None
    pesato: str
    suggerito: bool
    punteggio_d: Decimal | None = None
    pesato_d: Decimal = Decimal(0)


@dataclass(frozen=True)
class FaseSnap:
    descrizione: str
    scadenza: str
    perc: str


@dataclass(frozen=True)
class IndicatoreSnap:
    descrizione: str
    formula: str
    peso: str
    atteso: str
    effettivo: str
    perc: str
    #: seed 001 L147-L151 «Dimensione di performance» (and the portal's sottodimensione)
    dimensione: str = ""


@dataclass(frozen=True)
class ObiettivoSnap:
    codice: str
    titolo: str
    descrizione: str
    missione: str
    anni: tuple[tuple[int, bool], ...]
    tipologie: tuple[tuple[str, bool], ...]
    stakeholder: str
    altri_settori: str
    trasversale: bool
    fasi: tuple[FaseSnap, ...]
    tot_fasi: str
    indicatori: tuple[IndicatoreSnap, ...]
    tot_indicatori: str
    #: the objectives above it (a strategico over its operativi), «Livello codice — titolo»
    contesto: tuple[str, ...] = ()
    #: its sub-objectives (codice, titolo, %) when it is evaluated as a whole
    sotto: tuple[tuple[str, str, str], ...] = ()
    tot_label: str = "Totale % realizzazione Indicatori"
    peso: str = ""
    #: PIAO 2.1 (issue 18): the obiettivi di valore pubblico it serves (own links, else its ancestors')
    valore_pubblico: str = ""
    #: PIAO 2.3: «MEDIA — misura di prevenzione» (empty when not graded)
    rischio: str = ""
    #: the portal's kinds it also belongs to («Pari opportunità, Semplificazione»)
    tipologie_piao: str = ""
    #: the DUP's linea and indirizzo of those values (seed 001 L444 «OBIETTIVO STRATEGICO: …»)
    strategia_dup: str = ""


@dataclass(frozen=True)
class SchedaObiettiviSnap:
    intestazione: Intestazione
    settore: str
    codice_settore: str
    responsabile: str
    fasce: tuple[tuple[str, str, str], ...]
    righe: tuple[RigaRiepilogo, ...]
    finale: str
    massimo: str
    somma_pesi: str
    avvisi: tuple[str, ...]
    obiettivi: tuple[ObiettivoSnap, ...]
    risorse: tuple[tuple[str, str, str], ...]
    tot_ore: str
    firme: tuple[Firma, ...]
    luogo_data: str
    finale_d: Decimal = Decimal(0)
    massimo_d: Decimal = Decimal(0)
    #: the unit's result as every sheet prints it (QuadroValutazioni), with its reason
    risultato: str = ""
    risultato_d: Decimal | None = None
    incompleta: bool = False
    pari_peso: bool = False
    #: «TUTTI I SETTORI»: (descrizione, parametro di riferimento, peso) of 003's T3
    parametri: tuple[tuple[str, str, str], ...] = ()
    tutti: bool = False
    #: seed 001 «PARAMETRI» of the unit (issue 18): (name, value, date, as written)
    parametri_servizio: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def nome_file(self) -> str:
        return f"scheda_obiettivi_{self.intestazione.anno}_{_slug(self.codice_settore or self.settore)}.pdf"


@dataclass(frozen=True)
class PeriodoSnap:
    etichetta: str
    target: str
    conseguito: str
    polarita: str


@dataclass(frozen=True)
class IndicatorePeriodiSnap:
    descrizione: str
    peso: str
    target: str
    conseguito: str
    aggregazione: str
    perc: str
    periodi: tuple[PeriodoSnap, ...]


@dataclass(frozen=True)
class StatoSnap:
    titolo: str  # "Primo Stato di Avanzamento"
    ordinale: str  # "primo"
    relazione: str
    osservazioni: str
    risposta: str


@dataclass(frozen=True)
class FogliaSnap:
    tipo: str  # "Obiettivo Specifico" / "Attività Gestionale"
    codice: str
    titolo: str
    descrizione: str
    date: tuple[str, str, str, str]
    flags: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]
    collaboratori: tuple[tuple[str, str, str, str], ...]
    fasi: tuple[FaseSnap, ...]
    indicatori: tuple[IndicatorePeriodiSnap, ...]
    perc: str
    stati: tuple[StatoSnap, ...]


@dataclass(frozen=True)
class SchedaObiettivoSnap:
    intestazione: Intestazione
    sezione: str
    settore: str
    etichetta: str  # "Scheda Obiettivo Esecutivo n° - OE0527"
    codice: str
    titolo: str
    obiettivo_generale: str
    date: tuple[str, str, str, str]
    resp_generale: str
    resp_operativo: str
    fase: str
    stato: str
    programma: str
    avanzamento: tuple[tuple[str, str], ...]
    convalidata: tuple[tuple[str, str], ...]
    roster: tuple[tuple[str, str], ...]
    elenco: str
    figli: tuple[FogliaSnap, ...]
    firme: tuple[Firma, ...]
    luogo_data: str
    perc_d: Decimal | None = None
    #: PIAO 2.1 (issue 18): the obiettivi di valore pubblico the objective serves
    valore_pubblico: str = ""
    rischio: str = ""
    tipologie_piao: str = ""
    strategia_dup: str = ""

    @property
    def nome_file(self) -> str:
        return f"scheda_obiettivo_{self.intestazione.anno}_{_slug(self.codice or self.titolo)}.pdf"


@dataclass(frozen=True)
class RigaIndividuale:
    """An objective assigned to the person: its weight in the «obiettivi individuali» component."""

    codice: str
    titolo: str
    ruolo: str
    periodo: str
    perc: str
    impegno: str = ""
    peso: str = ""


@dataclass(frozen=True)
class PassoSnap:
    passo: str  # label («Presa visione»)
    data: str
    testo: str
    esito: str


@dataclass(frozen=True)
class SchedaIndividualeSnap:
    intestazione: Intestazione
    nominativo: str
    inquadramento: str  # as printed in the staff list (FUNZIONARIO EQ, Categoria D3 …)
    categoria: str  # the SMVP's category of valuation
    settore: str
    ore: str
    sistema: str
    valutatore: str
    struttura: str  # sentence on the unit's result (QuadroValutazioni)
    organizzativa: str  # sentence on the organisational performance, if weighted
    obiettivi: tuple[RigaIndividuale, ...]
    comportamenti: tuple[tuple[str, str, str, str], ...]  # nome, peso, punteggio, nota
    componenti: tuple[tuple[str, str, str, str], ...]  # nome, peso, risultato, ponderato
    finale_perc: str
    finale_punti: str
    fascia: str
    scala: str
    incompleta: str  # «Valutazione incompleta — manca: …» or ""
    note: tuple[str, ...]
    passi: tuple[PassoSnap, ...]
    firme: tuple[Firma, ...]
    luogo_data: str
    persona_id: int = 0
    finale_d: Decimal | None = None
    stato: str = ""
    valutatore_id: int | None = None
    peso_individuali: str = ""
    peso_comportamenti: str = ""

    @property
    def nome_file(self) -> str:
        return f"scheda_individuale_{self.intestazione.anno}_{_slug(self.nominativo)}_{self.persona_id}.pdf"


#: the sheets of the cycle of one person (``piaodesk print --scheda …``)
TIPI_CICLO = {
    "assegnazione": "SCHEDA DI ASSEGNAZIONE DEGLI OBIETTIVI",
    "colloquio": "VERIFICA INTERMEDIA — COLLOQUIO",
    "riesame": "RICHIESTA DI RIESAME DELLA VALUTAZIONE",
}


@dataclass(frozen=True)
class SchedaCicloSnap:
    """A sheet of a person's cycle: assegnazione, colloquio (verifica intermedia) or riesame."""

    tipo: str  # a key of TIPI_CICLO
    intestazione: Intestazione
    nominativo: str
    inquadramento: str
    categoria: str
    settore: str
    valutatore: str
    struttura: tuple[tuple[str, str, str], ...]  # the unit's objectives: codice, titolo, peso
    struttura_nome: str
    obiettivi: tuple[RigaIndividuale, ...]
    componenti: tuple[tuple[str, str], ...]  # the category's components: nome, peso
    comportamenti: tuple[tuple[str, str], ...]  # nome, peso
    passi: tuple[PassoSnap, ...]  # the steps this sheet records (with their dates and notes)
    esito: str  # riesame: the valuation under review (final and fascia, or what lacks)
    note: tuple[str, ...]
    firme: tuple[Firma, ...]
    luogo_data: str
    persona_id: int = 0
    scala: str = "30"

    @property
    def titolo(self) -> str:
        return TIPI_CICLO[self.tipo]

    @property
    def nome_file(self) -> str:
        return f"scheda_{self.tipo}_{self.intestazione.anno}_{_slug(self.nominativo)}_{self.persona_id}.pdf"


@dataclass(frozen=True)
class IndicatoreOrgSnap:
    codice: str
    nome: str
    fattori: str
    target: str
    risultato: str
    perc: str


@dataclass(frozen=True)
class VoceSnap:
    codice: str
    nome: str
    misura: str  # «MISURA REALIZZAZIONE»: how the line is measured, or what lacks
    peso: str
    valutazione: str  # its %
    indicatori: tuple[IndicatoreOrgSnap, ...] = ()
    valutazione_d: Decimal | None = None


@dataclass(frozen=True)
class TabellaOrgSnap:
    """003's Table 1 (the voci's indicators) and Table 2 (sintesi) of the ente or of one unit."""

    titolo: str
    voci: tuple[VoceSnap, ...]
    totale: str
    totale_nota: str  # how the total is made, or what lacks (never a bare 0,00)
    totale_d: Decimal | None = None
    componente: str = ""  # unit: the «organizzativa» component (ente and unit by the SMVP)


@dataclass(frozen=True)
class SchedaOrganizzativaSnap:
    intestazione: Intestazione
    pesi: str  # «ente 50 % — unità 50 %»
    ente: TabellaOrgSnap
    unita: tuple[TabellaOrgSnap, ...]
    firme: tuple[Firma, ...]
    luogo_data: str
    #: per SMVP category: its weights of organisational performance and of the unit's objectives
    #: (seed 003: Part A 50 % and Part B 50 %)
    categorie: tuple[tuple[str, str, str], ...] = ()

    @property
    def nome_file(self) -> str:
        return f"performance_organizzativa_{self.intestazione.anno}.pdf"


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return s[:60] or "scheda"


# ---------------------------------------------------------------------- builders


def _intestazione(archive: Archive, anno: int, unita: Unita | None = None) -> Intestazione:
    ente = archive.get(Ente, unita.ente_id) if unita and unita.ente_id else None
    return _intestazione_di(archive.piano(), ente or archive.ente(), anno)


def _intestazione_di(piano: Piano, ente: Ente | None, anno: int) -> Intestazione:
    atto = ""
    if piano.atto_numero or piano.atto_data:
        atto = f"{piano.atto_tipo or 'Atto'} n. {piano.atto_numero or '—'} del {format_date(piano.atto_data)}"
    return Intestazione(ente.nome if ente else "", piano.titolo, piano.triennio, anno, atto)


def _anno(archive: Archive, anno: int | None) -> int:
    return anno or archive.piano().anno_inizio


def quadro(archive: Archive, anno: int | None = None) -> QuadroValutazioni:
    """The year's valuation, read once: pass it to several snapshots of one print run."""
    return QuadroValutazioni(archive, _anno(archive, anno))


def _indicatori_snap(archive: Archive, oid: int, anno: int, prefisso: str = ""
                     ) -> tuple[tuple[IndicatoreSnap, ...], Decimal | None]:
    ris = archive.risultato_obiettivo(oid, anno)
    rows = []
    for r in ris.indicatori:
        ind, ann = r.indicatore, r.annuale
        if ind.solo_individuale:  # seed 004 l.688: only on the manager's individual sheet
            continue
        atteso = ann.target_testo if ann.target_testo else _num(ann.target)
        effettivo = ann.valore_testo if ann.valore_testo else _num(ann.valore)
        if r.raggiungimento is not None:
            perc = format_percent(r.perc)
        elif engine.non_dovuto(ann.target_testo, ann.target):
            perc = "non dovuto"
        elif ann.valore is None and not ann.valore_testo:
            perc = ""
        else:
            perc = "n.c."
        dim = " / ".join(x for x in (ind.dimensione, ind.sottodimensione) if x)
        rows.append(IndicatoreSnap(prefisso + ind.descrizione, ind.formula or "", _peso(ind.peso), atteso or "",
                                   effettivo or "", perc, dim))
    return tuple(rows), ris.perc_indicatori


def _discendenti(q: QuadroValutazioni, oid: int) -> list[Obiettivo]:
    """The sub-objectives of ``oid`` at any depth, in tree order."""
    out: list[Obiettivo] = []
    stack = list(reversed(q.figli.get(oid, ())))
    while stack:
        k = stack.pop()
        if k in q.obiettivi:
            out.append(q.obiettivi[k])
            stack.extend(reversed(q.figli.get(k, ())))
    return out


def _etichetta(o: Obiettivo) -> str:
    livello = Livello(o.livello).label if o.livello else "Obiettivo"
    return " ".join(x for x in (livello, o.codice) if x) + (f" — {o.titolo}" if o.titolo else "")


def _contesto(q: QuadroValutazioni, o: Obiettivo) -> tuple[str, ...]:
    chain = []
    p = o.parent_id
    while p is not None and p in q.obiettivi:
        chain.append(_etichetta(q.obiettivi[p]))
        p = q.obiettivi[p].parent_id
    return tuple(reversed(chain))


def _obiettivo_snap(archive: Archive, q: QuadroValutazioni, ob: Obiettivo, peso: Decimal | None
                    ) -> ObiettivoSnap:
    """One objective of a scheda: its fasi and indicators, and those of its sub-objectives.

    An objective evaluated as a whole whose fasi and indicators sit on its
    sub-objectives (002's OE with its OS) shows them, each prefixed by its code,
    with the sub-objectives' % and the objective's own % (the node-% rule).
    """
    anno = q.anno
    piano = q.piano
    anni = tuple((a, a in (ob.anni or [])) for a in piano.anni)
    tip = [(Tipologia.GESTIONALE.label, "gestionale" in ob.tipologia),
           (Tipologia.ESECUTIVO.label, "esecutivo" in ob.tipologia)]
    for t in ob.tipologia:
        if t not in ("gestionale", "esecutivo"):
            member = Tipologia.from_text(t)
            tip.append((member.label if member else t, True))
    fasi = list(archive.fasi(ob.id))
    fsnap = [FaseSnap(f.descrizione, _termine(f), _pct(f.perc_realizzazione)) for f in fasi]
    inds, perc_ind = _indicatori_snap(archive, ob.id or 0, anno)
    tot_ind, tot_label = _pct(perc_ind), "Totale % realizzazione Indicatori"
    sotto: tuple[tuple[str, str, str], ...] = ()
    discendenti = _discendenti(q, ob.id or 0)
    if discendenti:
        all_inds = list(inds)
        for d in discendenti:
            prefisso = f"[{d.codice}] " if d.codice else f"[{d.titolo[:30]}] "
            d_fasi = archive.fasi(d.id)
            fasi.extend(d_fasi)
            fsnap.extend(FaseSnap(prefisso + f.descrizione, _termine(f), _pct(f.perc_realizzazione))
                         for f in d_fasi)
            all_inds.extend(_indicatori_snap(archive, d.id or 0, anno, prefisso)[0])
        inds = tuple(all_inds)
        figli = [q.obiettivi[k] for k in q.figli.get(ob.id or 0, ()) if k in q.obiettivi]
        sotto = tuple((c.codice, c.titolo, _pct(q.perc.get(c.id or 0))) for c in figli)
        val = q.valutazioni.get(ob.id or 0)
        tot_label = _ETICHETTA_FONTE[fonte_nodo(val.perc_validata if val is not None else None,
                                                [q.perc.get(c.id or 0) for c in figli])]
        tot_ind = _pct(q.perc.get(ob.id or 0))
    return ObiettivoSnap(
        ob.codice, ob.titolo, pulisci(ob.descrizione), missione_programma(ob), anni, tuple(tip),
        ob.stakeholder or "", ob.altri_settori or "", ob.trasversale, tuple(fsnap),
        _pct(engine.perc_fasi(fasi)), inds, tot_ind, _contesto(q, ob), sotto, tot_label, _peso(peso),
        _valore_pubblico(archive).get(ob.id or 0, ""), testo_rischio(ob), tipologie_piao(ob),
        _strategia_dup(archive).get(ob.id or 0, ""))



def _termine(f: Fase) -> str:
    """A phase's deadline as printed: its date, else its relative deadline as written (seed 001 L158-L159
    «entro 30 giorni dall'approvazione»: the date comes when the event's is known)."""
    quando = f.termine()
    return format_date(quando) if quando is not None else (f.scadenza_relativa or "")


def missione_programma(ob: Obiettivo) -> str:
    """What the sheet prints as the objective's missione: the catalogue's missione and programma when
    the objective has one (seed 001 L442 «MISSIONE 12 – … - PROGRAMMA 2: …»), else the text as written."""
    from ..domain.catalogo import catalogo

    cat = catalogo()
    prog = cat.da_chiave(ob.programma_cod)
    if prog is None:
        return ob.missione or ""
    mis = cat.missione(prog.missione)
    return " — ".join(x for x in (mis.etichetta if mis else "", prog.etichetta) if x)


_VP_CACHE: dict[int, tuple[int, dict[int, str]]] = {}


def _valore_pubblico(archive: Archive) -> dict[int, str]:
    """objective id → the values it serves, read once per plan state (a batch prints hundreds)."""
    key = id(archive)
    hit = _VP_CACHE.get(key)
    if hit is None or hit[0] != archive.generation:
        _VP_CACHE.clear()  # one plan at a time: never keeps a closed one alive
        hit = (archive.generation, vp_store.colonna_per_obiettivo(archive))
        _VP_CACHE[key] = hit
    return hit[1]


_DUP_CACHE: dict[int, tuple[int, dict[int, str]]] = {}


def _strategia_dup(archive: Archive) -> dict[int, str]:
    """objective id → «linea — indirizzo» of the DUP strategy of the values it serves (issue 18 point 1),
    read once per plan state like :func:`_valore_pubblico`."""
    key = id(archive)
    hit = _DUP_CACHE.get(key)
    if hit is None or hit[0] != archive.generation:
        _DUP_CACHE.clear()
        vps = {v.id: v for v in vp_store.elenco(archive)}
        out: dict[int, str] = {}
        for oid, ids in vp_store.mappa(archive).items():
            parti: list[str] = []
            for i in ids:
                v = vps.get(i)
                testo = " — ".join(x for x in (v.linea_dup, v.indirizzo_dup) if x) if v else ""
                if testo and testo not in parti:
                    parti.append(testo)
            out[oid] = "; ".join(parti)
        hit = (archive.generation, out)
        _DUP_CACHE[key] = hit
    return hit[1]


def parametro_riferimento(o: Obiettivo) -> str:
    """003 T3's «Parametro di riferimento» of an objective (its extra field of that name)."""
    for k, v in (o.extra or {}).items():
        if k.strip().lower() == "parametro di riferimento":
            return str(v or "")
    return ""


def snapshot_scheda_obiettivi(archive: Archive, unita_id: int, anno: int | None = None, *,
                              quadro: QuadroValutazioni | None = None) -> SchedaObiettiviSnap:
    """The scheda obiettivi of a unit (``TUTTI``: «TUTTI I SETTORI»), every number from the quadro."""
    q = quadro or QuadroValutazioni(archive, _anno(archive, anno))
    anno = q.anno
    tutti = unita_id == TUTTI
    unita = None if tutti else q.unita.get(unita_id)
    if unita is None and not tutti:
        raise LookupError(f"Settore {unita_id} non trovato")
    sistema = q.sistema
    s = q.scheda(unita_id)
    ris = s.risultato
    riep = ris.riepilogo
    resp = q.persone.get(unita.responsabile_id) if unita and unita.responsabile_id is not None else None
    righe = []
    for riga, r in zip(s.righe, riep.righe, strict=True):
        o = riga.obiettivo
        righe.append(RigaRiepilogo(
            r.numero, o.codice, o.titolo, _peso(r.peso), _pct(r.perc), _score(r.punteggio),
            r.fascia.lettera if r.fascia else None,
            format_decimal(r.punteggio_pesato) if r.peso is not None and r.punteggio is not None else "",
            riga.assegnato is None and r.punteggio is not None, r.punteggio, r.punteggio_pesato))
    massimo = riep.massimo(sistema)
    avvisi: list[str] = []
    if not s.righe:
        avvisi.append("Nessun obiettivo assegnato alla struttura: non c'è nulla da valutare.")
    elif ris.pari_peso:
        avvisi.append("Nessun obiettivo ha un peso: sono considerati di pari peso "
                      f"({format_decimal(CENTO / len(s.righe), 2, strip_zeros=True)} % ciascuno).")
    elif riep.somma_pesi != CENTO:
        avvisi.append(f"Attenzione: la somma dei pesi è {format_decimal(riep.somma_pesi, 2, strip_zeros=True)} %, "
                      f"non 100 %: il punteggio massimo conseguibile è {format_decimal(massimo)}.")
    if ris.senza_peso:
        avvisi.append("Obiettivi senza peso (non concorrono alla valutazione finale): "
                      + ", ".join(ris.senza_peso) + ".")
    incompleta = ris.perc is None
    if incompleta and s.righe:
        avvisi.append("Valutazione incompleta — manca: " + "; ".join(ris.mancanti) + ".")
    if ris.perc is not None:
        risultato = f"Risultato della struttura: {format_percent(ris.perc)} — {ris.spiegazione}."
    else:
        risultato = "Risultato della struttura non disponibile — manca: " + "; ".join(ris.mancanti) + "."
    fasce = tuple((f.lettera, _intervallo(f), f.descrittore) for f in sistema.fasce)
    persone = [] if tutti else [p for p in q.persone.values() if p.unita_id == unita_id]
    persone.sort(key=lambda p: (unita is None or p.id != unita.responsabile_id, p.id or 0))
    risorse = tuple((nome_proprio(p) + (" (EQ)" if p.eq and "EQ" not in (p.categoria or "").upper() else ""),
                     format_decimal(p.ore_settimanali, 2, strip_zeros=True) if p.ore_settimanali else "",
                     p.categoria or "") for p in persone)
    tot = sum((p.ore_settimanali or Decimal(0) for p in persone), Decimal(0))
    cfg = config_firme(archive, unita)
    firme = _firme(cfg, "obiettivi", {"Firma_Responsabile": nome_proprio(resp, con_titolo=True,
                                                                          nome_prima=True)})
    parametri = tuple((r.obiettivo.titolo, parametro_riferimento(r.obiettivo), _peso(r.peso))
                      for r in s.righe) if tutti else ()
    return SchedaObiettiviSnap(
        _intestazione(archive, anno, unita), s.nome,
        "TUTTI I SETTORI" if tutti or unita is None else (unita.codice or ""),
        "Tutti i responsabili di settore" if tutti else nome_proprio(resp, con_titolo=True, nome_prima=True),
        fasce, tuple(righe), "" if incompleta and s.righe else format_decimal(riep.valutazione_finale),
        format_decimal(massimo), _peso(riep.somma_pesi), tuple(avvisi),
        tuple(_obiettivo_snap(archive, q, r.obiettivo, r.peso) for r in s.righe), risorse,
        (format_decimal(tot, 2, strip_zeros=True) if any(p.ore_settimanali for p in persone) else "non indicate")
        if persone else "", firme, _luogo_data(cfg),
        riep.valutazione_finale, massimo, risultato, ris.perc, incompleta, ris.pari_peso, parametri, tutti,
        () if tutti else tuple((p.nome, p.valore_stampato, p.data_stampata, p.testo or "")
                               for p in archive.select(ParametroServizio, "unita_id = ?", (unita_id,),
                                                       order="posizione, id")))


def schede_obiettivi_da_stampare(q: QuadroValutazioni) -> list[int]:
    """The schede obiettivi of a «tutti i settori» print: TUTTI first when it has objectives."""
    return [*([TUTTI] if q.membri(TUTTI) else []), *q.unita_con_schede()]


# ---------------------------------------------------------------------- scheda obiettivo (002)


#: the label of an objective's total, by where the node rule takes its % from
_ETICHETTA_FONTE = {
    FONTE_VALIDATA: "% dell'obiettivo (convalidata dal Nucleo di Valutazione)",
    FONTE_MEDIA: "% dell'obiettivo (media dei sotto-obiettivi)",
    FONTE_PROPRIA: "% dell'obiettivo (dagli indicatori e dalle fasi)",
}

_ORDINALI = ("Primo", "Secondo", "Terzo", "Quarto", "Quinto")


def _date4(o: Obiettivo) -> tuple[str, str, str, str]:
    return (format_date(o.inizio_previsto), format_date(o.fine_prevista),
            format_date(o.inizio_effettivo), format_date(o.fine_effettiva))


def _indicatori_periodi(archive: Archive, oid: int, anno: int) -> tuple[IndicatorePeriodiSnap, ...]:
    ris = archive.risultato_obiettivo(oid, anno)
    inds = [r.indicatore for r in ris.indicatori]
    misure = archive.misure([i.id for i in inds if i.id is not None])
    out = []
    for r in ris.indicatori:
        ind = r.indicatore
        if ind.solo_individuale:  # seed 004 L688: only on the manager's individual sheet
            continue
        periodi = tuple(
            PeriodoSnap(f"--- {m.anno} {m.periodo}", m.target_testo if m.target is None and m.target_testo
                        else _num(m.target), m.valore_testo if m.valore is None and m.valore_testo
                        else _num(m.valore), "Negativo" if ind.polarita == "decrescente" else
                        ("Uguale" if ind.polarita == "uguale" else "Positivo"))
            for m in misure if m.indicatore_id == ind.id and m.anno == anno and m.periodo)
        ann = r.annuale
        target = _num(ann.target) if ann.target is not None else (ann.target_testo or "")
        cons = _num(ann.valore) if ann.valore is not None else (ann.valore_testo or "")
        out.append(IndicatorePeriodiSnap(
            ind.descrizione, format_decimal(ind.peso, 2, strip_zeros=True) if ind.peso is not None else "",
            target, cons, ind.aggregazione.label, _pct(r.perc), periodi))
    return tuple(out)


def _stati(archive: Archive, oid: int) -> tuple[StatoSnap, ...]:
    rounds = {m.id: m for m in archive.monitoraggi()}
    out = []
    for i, s in enumerate(archive.stati_avanzamento(oid)):
        m = rounds.get(s.monitoraggio_id)
        idx = list(rounds).index(s.monitoraggio_id) if s.monitoraggio_id in rounds else i
        ordv = _ORDINALI[idx] if idx < len(_ORDINALI) else f"{idx + 1}°"
        titolo = m.nome if m and m.nome else f"{ordv} Stato di Avanzamento"
        out.append(StatoSnap(titolo, ordv.lower(), pulisci(s.relazione_settore),
                             pulisci(s.osservazioni_nucleo), pulisci(s.risposta_settore)))
    return tuple(out)


def _collaboratori(archive: Archive, oid: int) -> tuple[tuple[str, str, str, str], ...]:
    persone = {p.id: p for p in archive.persone()}
    rows = []
    for a in archive.assegnazioni(obiettivo_id=oid):
        if a.ruolo == RUOLO_ROSTER:
            continue
        p = persone.get(a.persona_id)
        rows.append((nome_proprio(p) if p else "-", format_date(a.data_inizio), format_date(a.data_fine),
                     "S" if a.responsabile else ""))
    return tuple(rows)


def _foglia(archive: Archive, o: Obiettivo, anno: int) -> FogliaSnap:
    tipo = "Attività Gestionale" if o.ramo == Ramo.ATTIVITA else (
        Livello(o.livello).label if o.livello != Livello.SPECIFICO else "Obiettivo Specifico")
    extra = tuple((k, v) for k, v in (o.extra or {}).items()
                  if v and "etichetta" not in k and k not in ("Settore", "Responsabile Generale",
                                                              "Responsabile Operativo", "Fase",
                                                              "Programma Operativo"))
    fasi = archive.fasi(o.id)
    return FogliaSnap(
        tipo, o.codice, o.titolo, pulisci(o.descrizione), _date4(o), tuple(o.flags or []), extra,
        _collaboratori(archive, o.id or 0),
        tuple(FaseSnap(f.descrizione, _termine(f), _pct(f.perc_realizzazione)) for f in fasi),
        _indicatori_periodi(archive, o.id or 0, anno), _pct(archive.perc_finale_nodo(o.id or 0, anno)),
        _stati(archive, o.id or 0))


def snapshot_scheda_obiettivo(archive: Archive, obiettivo_id: int, anno: int | None = None
                              ) -> SchedaObiettivoSnap:
    anno = _anno(archive, anno)
    o = archive.obiettivo(obiettivo_id)
    if o is None:
        raise LookupError(f"Obiettivo {obiettivo_id} non trovato")
    unita = archive.get(Unita, o.unita_id)
    settore = (o.extra or {}).get("Settore") or ""
    if not settore and unita is not None:
        parent = archive.get(Unita, unita.parent_id) if unita.parent_id else None
        settore = (parent or unita).nome
    attivita = o.ramo == Ramo.ATTIVITA
    if o.livello == Livello.SCHEDA_UO:
        etichetta = f"Scheda UO n° - {o.codice}"
    elif attivita:
        etichetta = f"Attività Gestionale - {o.codice}"
    else:
        etichetta = f"Scheda Obiettivo Esecutivo n° - {o.codice}"
    persone = {p.id: p for p in archive.persone()}
    resp = persone.get(o.responsabile_id)
    extra = o.extra or {}
    resp_gen = extra.get("Responsabile Generale") or ""
    if not resp_gen and unita is not None:
        r = persone.get(unita.responsabile_id)
        resp_gen = nome_proprio(r).upper() if r else ""
    operativo = persone.get(o.responsabile_operativo_id) if o.responsabile_operativo_id else None
    resp_op = (nome_proprio(operativo).upper() if operativo else "") or extra.get("Responsabile Operativo") \
        or (nome_proprio(resp).upper() if resp else "")
    perc = archive.perc_avanzamento(obiettivo_id, anno)
    val = archive.valutazione(obiettivo_id, anno)
    roster = []
    for a in archive.assegnazioni(obiettivo_id=obiettivo_id):
        if a.ruolo == RUOLO_ROSTER and a.persona_id in persone:
            p = persone[a.persona_id]
            roster.append((nome_proprio(p).upper(), p.categoria or ""))
    roster.sort()
    figli = archive.figli(obiettivo_id)
    leaves = tuple(_foglia(archive, f, anno) for f in figli) if figli else (_foglia(archive, o, anno),)
    elenco = ("Elenco Attività Gestionali" if attivita else "Elenco Obiettivi Specifici") if figli \
        else "Dettaglio dell'obiettivo"
    cfg = config_firme(archive, unita)
    resp_unita = persone.get(unita.responsabile_id) if unita else None
    firme = _firme(cfg, "obiettivo", {"Firma_Responsabile": nome_proprio(resp_unita or resp,
                                                                          con_titolo=True,
                                                                          nome_prima=True)})
    return SchedaObiettivoSnap(
        _intestazione(archive, anno, unita),
        "Piano Esecutivo di Gestione - " + ("Sezione Attività" if attivita else "Sezione Obiettivi"),
        settore, etichetta, o.codice, o.titolo, pulisci(o.descrizione), _date4(o), resp_gen, resp_op,
        o.fase_approvazione or extra.get("Fase") or "", o.stato or "",
        o.programma or extra.get("Programma Operativo") or "",
        ((str(anno), format_decimal(perc) if perc is not None else ""),),
        ((str(anno), format_decimal(val.perc_validata) if val and val.perc_validata is not None else ""),),
        tuple(roster), elenco, leaves, firme, _luogo_data(cfg), perc,
        _valore_pubblico(archive).get(o.id or 0, ""), testo_rischio(o), tipologie_piao(o),
        _strategia_dup(archive).get(o.id or 0, ""))


# ---------------------------------------------------------------------- valuation of a person


#: the cycle's steps (value, label), in order (read once: an enum's attributes are slow to read)
_PASSI = tuple((p.value, p.label) for p in PassoCiclo)
_NON_FATTI = tuple(PassoSnap(label, "", "", "") for _, label in _PASSI)


def _passi(v: ValutazionePersona, solo: Sequence[PassoCiclo] | None = None) -> tuple[PassoSnap, ...]:
    """The cycle's steps with their dates (every step, done or not, in order)."""
    if not v.passi and solo is None:
        return _NON_FATTI
    fatti = {str(p.passo): p for p in v.passi}
    out = []
    for value, label in (_PASSI if solo is None else tuple((p.value, p.label) for p in solo)):
        p = fatti.get(value)
        out.append(PassoSnap(label, format_date(p.data) if p and p.data else "",
                             (p.testo or "") if p else "", (p.esito or "") if p else ""))
    return tuple(out)


@lru_cache(maxsize=4096)
def _periodo(dal: date | None, al: date | None) -> str:
    return f"dal {format_date(dal)}\nal {format_date(al)}" if dal or al else ""


def _righe_individuali(v: ValutazionePersona) -> tuple[RigaIndividuale, ...]:
    tot = sum((r.peso for _, _, r in v.righe_individuali if r.peso > 0), Decimal(0))
    quota = CENTO / tot if tot > 0 else Decimal(0)  # a row's share of the component: peso × quota
    out = []
    for o, a, r in v.righe_individuali:
        ruolo = "Responsabile" if a.responsabile else "Collaboratore"
        periodo = _periodo(a.data_inizio, a.data_fine)
        peso = _pct(r.peso * quota) if tot > 0 and r.peso > 0 else \
            ("0 % (fuori dall'anno)" if r.quota_anno == 0 else "")
        out.append(RigaIndividuale(o.codice, o.titolo, ruolo, periodo, _pct(r.perc),
                                   _peso(r.impegno) if r.impegno is not None else "—", peso))
    return tuple(out)


class ContestoSchede:
    """What the sheets of one print run share: the year's :class:`QuadroValutazioni`,
    the signature settings and the header of each ente.

    Every number a person's sheets print comes from the quadro (the same one the
    GUI and ``piaodesk valutazione mostra`` read), so a person's sheet costs in
    proportion to that person's assignments. Build it on the thread that owns the
    Archive and drop it after the batch (a snapshot: later edits are not seen).
    """

    def __init__(self, archive: Archive, anno: int | None = None, *,
                 quadro: QuadroValutazioni | None = None) -> None:
        self.archive = archive
        self.quadro = quadro or QuadroValutazioni(archive, _anno(archive, anno))
        self.anno = self.quadro.anno
        self.sistema = self.quadro.sistema
        self.cfg = config_firme(archive)
        self.luogo_data = _luogo_data(self.cfg)
        self._intestazioni: dict[int | None, Intestazione] = {}
        self._cfg_enti: dict[int | None, dict[str, object]] = {}
        self._ente = archive.ente()

    def intestazione(self, unita: Unita | None) -> Intestazione:
        ente_id = unita.ente_id if unita else None
        if ente_id not in self._intestazioni:
            ente = self.archive.get(Ente, ente_id) if ente_id else None
            self._intestazioni[ente_id] = _intestazione_di(self.quadro.piano, ente or self._ente, self.anno)
        return self._intestazioni[ente_id]

    def cfg_di(self, persona: Persona) -> dict[str, object]:
        """The signature configuration of the person's ente (their unit's, else the plan's)."""
        unita = self.archive.get(Unita, persona.unita_id) if persona.unita_id else None
        ente_id = unita.ente_id if unita is not None else None
        if ente_id not in self._cfg_enti:
            self._cfg_enti[ente_id] = config_firme(self.archive, unita)
        return self._cfg_enti[ente_id]

    def firme(self, v: ValutazionePersona, tipo: str) -> tuple[Firma, ...]:
        """The signature blocks of a person's sheet: the valutatore first, the valutato last.

        The evaluator's block names the person's valutatore (never the person);
        on the individual sheet the configured countersignatures follow (a block
        of the same body as the valutatore is not repeated, the configured
        «Firma_Responsabile» block is the valutatore's).
        """
        q = self.quadro
        val = v.valutatore
        chi = q.persone.get(val.persona_id) if val.persona_id is not None else None
        valutatore = Firma(f"Il valutatore — {val.ruolo}", "Firma_Valutatore",
                           nome_proprio(chi, con_titolo=True, nome_prima=True) if chi else "")
        valutato = nome_proprio(v.persona, nome_prima=True)
        if tipo != "individuale":
            return valutatore, Firma("Il valutato", "Firma_Dipendente", valutato)
        altri = []
        ruolo_ente = val.ruolo.lower() if val.persona_id is None else ""
        dipendente = Firma("Per presa visione — il dipendente", "Firma_Dipendente", valutato)
        for f in _firme(self.cfg_di(v.persona), "individuale", {}):
            if f.campo in ("Firma_Responsabile", "Firma_Valutatore"):
                continue
            if f.campo == "Firma_Dipendente":
                dipendente = Firma(f.ruolo, f.campo, valutato)
                continue
            if ruolo_ente and ruolo_ente in f.ruolo.lower():
                continue  # the valutatore's own body signs once
            altri.append(f)
        return (valutatore, *altri, dipendente)

    # ------------------------------------------------------------------ sheets

    def scheda_individuale(self, persona_id: int) -> SchedaIndividualeSnap:
        return _scheda_individuale(self, self.quadro.persona(persona_id))

    def schede_individuali(self, persone: Sequence[int] | None = None) -> list[SchedaIndividualeSnap]:
        ids = list(persone) if persone is not None else [pid for pid in self.quadro.persone if pid is not None]
        return [self.scheda_individuale(pid) for pid in ids]

    def scheda_ciclo(self, persona_id: int, tipo: str) -> SchedaCicloSnap:
        return _scheda_ciclo(self, self.quadro.persona(persona_id), tipo)

    def schede_ciclo(self, tipo: str, persone: Sequence[int] | None = None, *,
                     solo_richieste: bool | None = None) -> list[SchedaCicloSnap]:
        """The cycle sheets of ``persone`` (default: everyone).

        «riesame» sheets are for who asked for one (``solo_richieste``, the
        default when ``persone`` is not given); a named person gets the blank form.
        """
        q = self.quadro
        ids = list(persone) if persone is not None else [pid for pid in q.persone if pid is not None]
        if solo_richieste is None:
            solo_richieste = persone is None
        if tipo == "riesame" and solo_richieste:
            chiesto = PassoCiclo.RICHIESTA_RIESAME.value
            ids = [pid for pid in ids if any(str(p.passo) == chiesto for p in q.passi.get(pid, ()))]
        return [self.scheda_ciclo(pid, tipo) for pid in ids]


def _unita_nome(v: ValutazionePersona) -> str:
    return v.unita.nome if v.unita else ""


def _fascia(f: engine.Fascia | None) -> str:
    """«D (26-28)»."""
    return f"{f.lettera} ({_intervallo(f)})" if f is not None else ""


def _intervallo(f: engine.Fascia) -> str:
    return f"{format_decimal(f.minimo, 0)}-{format_decimal(f.massimo, 0)}"


def _scheda_individuale(ctx: ContestoSchede, v: ValutazionePersona) -> SchedaIndividualeSnap:
    sistema = ctx.sistema
    p = v.persona
    e = v.esito
    cat = v.categoria
    comp_note = v.comportamenti_note
    comportamenti = tuple((n, _peso(w), _score(s), comp_note.get(n, "")) for n, w, s in e.comportamenti)
    componenti = tuple((c.nome, _peso(c.peso), _pct(c.valore) if c.valore is not None else "manca",
                        _pct(c.ponderato)) for c in e.componenti)
    struttura = v.scheda.frase() if v.scheda else \
        f"{_unita_nome(v) or 'Nessuna struttura'}: nessuna scheda obiettivi (nessun obiettivo assegnato)."
    organizzativa = ""
    if cat.peso_organizzativa:
        organizzativa = (f"Performance organizzativa: {format_percent(v.organizzativa)} "
                         f"({v.organizzativa_spiegazione})." if v.organizzativa is not None
                         else f"Performance organizzativa non disponibile ({v.organizzativa_spiegazione}).")
    gia_detta = f"Performance organizzativa: {v.organizzativa_spiegazione}."  # a note the section says
    return SchedaIndividualeSnap(
        ctx.intestazione(v.unita), nome_proprio(p, con_titolo=True), p.categoria or "", cat.nome,
        _unita_nome(v), format_decimal(p.ore_settimanali, 2, strip_zeros=True) if p.ore_settimanali else "",
        sistema.nome, v.valutatore_nome, struttura, organizzativa, _righe_individuali(v), comportamenti,
        componenti, _pct(e.finale), _num(e.punti), _fascia(e.fascia), format_decimal(sistema.scala_max, 0),
        e.messaggio_incompleta, tuple(n for n in v.note if not organizzativa or n != gia_detta),
        _passi(v), ctx.firme(v, "individuale"), ctx.luogo_data,
        p.id or 0, e.finale, e.stato, v.valutatore.persona_id, _peso(cat.peso_individuali),
        _peso(cat.peso_comportamenti))


def snapshot_scheda_individuale(archive: Archive, persona_id: int, anno: int | None = None, *,
                                contesto: ContestoSchede | None = None) -> SchedaIndividualeSnap:
    """One person's sheet. For many people build one :class:`ContestoSchede` and pass it."""
    ctx = contesto or ContestoSchede(archive, anno)
    return ctx.scheda_individuale(persona_id)


_PASSI_CICLO = {
    "assegnazione": (PassoCiclo.ASSEGNAZIONE,),
    "colloquio": (PassoCiclo.VERIFICA_INTERMEDIA,),
    "riesame": (PassoCiclo.VALUTAZIONE_FINALE, PassoCiclo.PRESA_VISIONE, PassoCiclo.OSSERVAZIONI,
                PassoCiclo.RICHIESTA_RIESAME, PassoCiclo.ESITO_RIESAME),
}


def _scheda_ciclo(ctx: ContestoSchede, v: ValutazionePersona, tipo: str) -> SchedaCicloSnap:
    if tipo not in TIPI_CICLO:
        raise ValueError(f"scheda del ciclo «{tipo}» sconosciuta: " + ", ".join(TIPI_CICLO))
    q = ctx.quadro
    p = v.persona
    cat = v.categoria
    e = v.esito
    struttura: tuple[tuple[str, str, str], ...] = ()
    struttura_nome = ""
    if v.scheda is not None:
        struttura_nome = v.scheda.nome
        pari = v.scheda.risultato.pari_peso
        struttura = tuple((r.obiettivo.codice, r.obiettivo.titolo,
                           "pari peso" if pari else (_peso(r.peso) if r.peso is not None else "senza peso"))
                          for r in v.scheda.righe)
    componenti = tuple((c.nome, _peso(c.peso)) for c in e.componenti)
    comportamenti = tuple((n, _peso(w)) for n, w, _ in e.comportamenti) if cat.peso_comportamenti else ()
    esito = ""
    if tipo == "riesame":
        if e.finale is not None:
            esito = (f"Valutazione finale: {format_percent(e.finale)} — {_num(e.punti)} / "
                     f"{format_decimal(q.sistema.scala_max, 0)} punti"
                     + (f", fascia {_fascia(e.fascia)}" if e.fascia else "") + ".")
        else:
            esito = e.messaggio_incompleta
    return SchedaCicloSnap(
        tipo, ctx.intestazione(v.unita), nome_proprio(p, con_titolo=True), p.categoria or "", cat.nome,
        _unita_nome(v), v.valutatore_nome, struttura, struttura_nome, _righe_individuali(v), componenti,
        comportamenti, _passi(v, _PASSI_CICLO[tipo]), esito, v.note, ctx.firme(v, tipo), ctx.luogo_data,
        p.id or 0, format_decimal(q.sistema.scala_max, 0))


# ---------------------------------------------------------------------- performance organizzativa


def _tabella_org(q: QuadroValutazioni, titolo: str, unita_id: int | None) -> TabellaOrgSnap:
    s = q.sintesi(unita_id)
    voci = []
    for rv in s.voci:
        v = rv.voce
        inds = []
        for ri in rv.indicatori:
            ind, val = ri.indicatore, ri.valore
            target = (val.target_testo or _num(val.target)) if val else ""
            risultato = (val.valore_testo or _num(val.valore)) if val else ""
            if ri.raggiungimento is not None:
                perc = format_percent(ri.perc)
            elif val is None or (val.valore is None and not val.valore_testo):
                perc = "manca il valore"
            else:
                perc = "n.c."
            inds.append(IndicatoreOrgSnap(ind.codice or "", ind.nome, ind.formula or "", target, risultato, perc))
        if v.fonte == FonteVoce.OBIETTIVI:
            misura = ("media dei risultati delle schede obiettivi" if unita_id is None
                      else "risultato della scheda obiettivi della struttura")
        else:
            misura = f"{len(inds)} indicatori" if len(inds) != 1 else "1 indicatore"
            if inds and all(i.peso is None for i in (ri.indicatore for ri in rv.indicatori)):
                misura += " (pari peso)"
        if rv.mancanti:
            misura += " — manca: " + "; ".join(rv.mancanti)
        voci.append(VoceSnap(v.codice, v.nome, misura, _peso(v.peso) if v.peso is not None else
                             ("pari peso" if s.pari_peso else "senza peso"), _pct(rv.perc), tuple(inds), rv.perc))
    if s.perc is not None:
        nota = "Media pesata delle voci" + (" (nessuna voce ha un peso: pari peso)." if s.pari_peso else ".")
    else:
        nota = "Totale non disponibile — manca: " + "; ".join(s.mancanti) + "."
    componente = ""
    if unita_id is not None:
        perc_org, how, manca = q.organizzativa(unita_id)
        componente = (f"Performance organizzativa per il personale della struttura: {format_percent(perc_org)} "
                      f"({how})." if perc_org is not None else
                      f"Performance organizzativa per il personale della struttura non disponibile — manca: "
                      f"{manca} ({how}).")
    return TabellaOrgSnap(titolo, tuple(voci), _pct(s.perc), nota, s.perc, componente)


def snapshot_organizzativa(archive: Archive, anno: int | None = None, *,
                           quadro: QuadroValutazioni | None = None) -> SchedaOrganizzativaSnap:
    """003's Table 1 and Table 2 for the ente, then for each unit that has its own voci."""
    q = quadro or QuadroValutazioni(archive, _anno(archive, anno))
    ente = archive.ente()
    ente_tab = _tabella_org(q, ente.nome if ente else "Ente", None)
    unita = []
    for uid, u in q.unita.items():
        if uid is None:
            continue
        if q.sintesi(uid).voci:
            unita.append(_tabella_org(q, u.nome, uid))
    s = q.sistema
    pesi = (f"Performance organizzativa di ente {format_decimal(s.peso_org_ente, 2, strip_zeros=True)} % — "
            f"di struttura {format_decimal(s.peso_org_unita, 2, strip_zeros=True)} % (sistema di valutazione).")
    categorie = tuple((c.nome, _peso(c.peso_organizzativa), _peso(c.peso_struttura))
                      for c in (s.categorie or (s.categoria_predefinita(),)))
    cfg = config_firme(archive)
    return SchedaOrganizzativaSnap(_intestazione(archive, q.anno), pesi, ente_tab, tuple(unita),
                                   _firme(cfg, "organizzativa", {}), _luogo_data(cfg), categorie)


# ---------------------------------------------------------------------- problems before printing


def problemi_stampa(q: QuadroValutazioni, *, unita: Sequence[int] = (), persone: Sequence[int] = (),
                    obiettivi: Sequence[int] = (), tutto: bool = False) -> list[Problema]:
    """The «Verifica del piano» problems that concern the sheets about to be printed.

    ``unita``: schede obiettivi (``TUTTI`` included); ``persone``: a person's sheets
    (their own problems and those of the scheda that feeds them); ``obiettivi``:
    an objective's sheet (with its sub-objectives); ``tutto``: every problem
    (the organisational sheet reads every scheda). Problems of the valuation
    system concern every sheet.
    """
    tutti = verifica(q)
    if tutto:
        return tutti
    schede = set(unita)
    pids = set(persone)
    for pid in pids:
        p = q.persone.get(pid)
        s = q.scheda_di_persona(p.unita_id) if p is not None else None
        if s is not None:
            schede.add(s.unita.id if s.unita is not None and s.unita.id is not None else TUTTI)
    oids = set()
    for oid in obiettivi:
        oids.add(oid)
        oids.update(o.id for o in _discendenti(q, oid) if o.id is not None)
    nomi = set()
    for u in schede:
        s = q.scheda(u)
        nomi.add(f"Scheda {s.nome}")
        oids.update(r.obiettivo.id for r in s.righe if r.obiettivo.id is not None)
    out = []
    for pr in tutti:
        generale = pr.unita_id is None and pr.obiettivo_id is None and pr.persona_id is None \
            and not pr.dove.startswith("Scheda ")
        if generale or pr.dove in nomi or (pr.unita_id is not None and pr.unita_id in schede) \
                or (pr.obiettivo_id is not None and pr.obiettivo_id in oids) \
                or (pr.persona_id is not None and pr.persona_id in pids):
            out.append(pr)
    return out


def errori(problemi: Sequence[Problema]) -> list[Problema]:
    return [p for p in problemi if p.gravita == ERRORE]
