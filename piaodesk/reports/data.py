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
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape

from ..domain import valutazione as engine
from ..domain.enums import Livello, Ramo, TipoEnte, Tipologia
from ..domain.formats import format_date, format_decimal, format_percent, round_half_up
from ..domain.model import (
    Assegnazione,
    Ente,
    Obiettivo,
    ObiettivoUnita,
    Persona,
    Piano,
    Unita,
    Valutazione,
)
from ..store.archive import Archive
from .base import Firma

CENTO = Decimal(100)

RUOLO_ROSTER = "collaboratore della scheda"

# ---------------------------------------------------------------------- signature settings

#: plan setting holding the signature blocks (JSON), editable per ente
CHIAVE_FIRME = "firme"


def firme_predefinite(tipo_ente: TipoEnte | None = None) -> dict[str, object]:
    """Default signature blocks (seed 003 has none; anchors-domain §4.E #20)."""
    vertice = ("Il Segretario/Presidente dell'Unione" if tipo_ente in (None, TipoEnte.UNIONE)
               else "Il Segretario Generale/Sindaco")
    base = [
        {"ruolo": "Il Responsabile del Settore", "campo": "Firma_Responsabile"},
        {"ruolo": "Il Nucleo di Valutazione", "campo": "Firma_Nucleo"},
        {"ruolo": vertice, "campo": "Firma_Segretario"},
    ]
    return {
        "luogo": "",
        "obiettivi": base,
        "obiettivo": base,
        "individuale": base + [{"ruolo": "Per presa visione — il dipendente",
                                "campo": "Firma_Dipendente"}],
    }


def config_firme(archive: Archive) -> dict[str, object]:
    """The plan's signature configuration merged over the defaults."""
    ente = archive.ente()
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
    for item in cfg.get(tipo) or []:  # type: ignore[union-attr]
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


def _pct(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else ""


def _num(value: Decimal | None, places: int = 2) -> str:
    return format_decimal(value, places) if value is not None else ""


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

    @property
    def nome_file(self) -> str:
        return f"scheda_obiettivo_{self.intestazione.anno}_{_slug(self.codice or self.titolo)}.pdf"


@dataclass(frozen=True)
class RigaIndividuale:
    codice: str
    titolo: str
    ruolo: str
    periodo: str
    perc: str
    punteggio: str
    lettera: str


@dataclass(frozen=True)
class SchedaIndividualeSnap:
    intestazione: Intestazione
    nominativo: str
    categoria: str
    settore: str
    ore: str
    sistema: str
    struttura: str  # sentence on the settore component
    obiettivi: tuple[RigaIndividuale, ...]
    comportamenti: tuple[tuple[str, str, str], ...]
    componenti: tuple[tuple[str, str, str, str], ...]
    finale_perc: str
    finale_punti: str
    fascia: str
    scala: str
    note: tuple[str, ...]
    firme: tuple[Firma, ...]
    luogo_data: str
    persona_id: int = 0
    finale_d: Decimal | None = None

    @property
    def nome_file(self) -> str:
        return f"scheda_individuale_{self.intestazione.anno}_{_slug(self.nominativo)}_{self.persona_id}.pdf"


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return s[:60] or "scheda"


# ---------------------------------------------------------------------- builders


def _intestazione(archive: Archive, anno: int, unita: Unita | None = None) -> Intestazione:
    piano = archive.piano()
    ente = archive.get(Ente, unita.ente_id) if unita and unita.ente_id else None
    ente = ente or archive.ente()
    atto = ""
    if piano.atto_numero or piano.atto_data:
        atto = f"{piano.atto_tipo or 'Atto'} n. {piano.atto_numero or '—'} del {format_date(piano.atto_data)}"
    return Intestazione(ente.nome if ente else "", piano.titolo, piano.triennio, anno, atto)


def _anno(archive: Archive, anno: int | None) -> int:
    return anno or archive.piano().anno_inizio


def _radici(archive: Archive, unita_id: int) -> list[Obiettivo]:
    """The settore's objectives (own and shared), top nodes only, in tree order."""
    members = {o.id for o in archive.obiettivi_di_unita(unita_id)}
    return _top_nodes({o.id: o for o in archive.obiettivi()}, members)


def _perc_nodo(archive: Archive, oid: int, anno: int) -> Decimal | None:
    return archive.perc_finale_nodo(oid, anno)


def _indicatori_snap(archive: Archive, oid: int, anno: int) -> tuple[tuple[IndicatoreSnap, ...], str]:
    ris = archive.risultato_obiettivo(oid, anno)
    rows = []
    for r in ris.indicatori:
        ind, ann = r.indicatore, r.annuale
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
        rows.append(IndicatoreSnap(ind.descrizione, ind.formula or "", _peso(ind.peso), atteso or "",
                                   effettivo or "", perc))
    return tuple(rows), _pct(ris.perc_indicatori)


def _obiettivo_snap(archive: Archive, ob: Obiettivo, anno: int) -> ObiettivoSnap:
    piano = archive.piano()
    anni = tuple((a, a in (ob.anni or [])) for a in piano.anni)
    tip = [(Tipologia.GESTIONALE.label, "gestionale" in ob.tipologia),
           (Tipologia.ESECUTIVO.label, "esecutivo" in ob.tipologia)]
    for t in ob.tipologia:
        if t not in ("gestionale", "esecutivo"):
            member = Tipologia.from_text(t)
            tip.append((member.label if member else t, True))
    fasi = archive.fasi(ob.id)
    fsnap = tuple(FaseSnap(f.descrizione, format_date(f.termine()), _pct(f.perc_realizzazione))
                  for f in fasi)
    inds, tot_ind = _indicatori_snap(archive, ob.id or 0, anno)
    return ObiettivoSnap(
        ob.codice, ob.titolo, pulisci(ob.descrizione), ob.missione or "", anni, tuple(tip),
        ob.stakeholder or "", ob.altri_settori or "", ob.trasversale, fsnap,
        _pct(engine.perc_fasi(fasi)), inds, tot_ind)


def snapshot_scheda_obiettivi(archive: Archive, unita_id: int, anno: int | None = None
                              ) -> SchedaObiettiviSnap:
    anno = _anno(archive, anno)
    unita = archive.get(Unita, unita_id)
    if unita is None:
        raise LookupError(f"Settore {unita_id} non trovato")
    sistema = archive.sistema_valutazione()
    resp = archive.get(Persona, unita.responsabile_id)
    radici = _radici(archive, unita_id)
    tuples = []
    for o in radici:
        val = archive.valutazione(o.id or 0, anno)
        tuples.append((o.titolo, o.peso, _perc_nodo(archive, o.id or 0, anno),
                       val.punteggio if val else None))
    riep = engine.riepilogo(sistema, tuples)
    righe = []
    for o, (_, _, _, assigned), r in zip(radici, tuples, riep.righe, strict=True):
        righe.append(RigaRiepilogo(
            r.numero, o.codice, r.descrizione, _peso(r.peso), _pct(r.perc), _score(r.punteggio),
            r.fascia.lettera if r.fascia else None,
            format_decimal(r.punteggio_pesato) if r.peso is not None and r.punteggio is not None else "",
            assigned is None and r.punteggio is not None, r.punteggio, r.punteggio_pesato))
    avvisi = list(riep.avvisi())
    massimo = riep.massimo(sistema)
    if avvisi:
        avvisi[0] = (f"Attenzione: la somma dei pesi è {format_decimal(riep.somma_pesi, 2, strip_zeros=True)} %, "
                     f"non 100 %: il punteggio massimo conseguibile è {format_decimal(massimo)}.")
    senza = [o.codice or o.titolo for o in radici if o.peso is None]
    if senza:
        avvisi.append("Obiettivi senza peso (non concorrono alla valutazione finale): "
                      + ", ".join(senza) + ".")
    fasce = tuple((f.lettera, f"{format_decimal(f.minimo, 0)}-{format_decimal(f.massimo, 0)}",
                   f.descrittore) for f in sistema.fasce)
    persone = [p for p in archive.persone() if p.unita_id == unita_id]
    persone.sort(key=lambda p: (p.id != unita.responsabile_id, p.id or 0))
    risorse = tuple((nome_proprio(p) + (" (EQ)" if p.eq and "EQ" not in (p.categoria or "").upper() else ""),
                     format_decimal(p.ore_settimanali, 2, strip_zeros=True) if p.ore_settimanali else "",
                     p.categoria or "") for p in persone)
    tot = sum((p.ore_settimanali or Decimal(0) for p in persone), Decimal(0))
    cfg = config_firme(archive)
    firme = _firme(cfg, "obiettivi", {"Firma_Responsabile": nome_proprio(resp, con_titolo=True,
                                                                          nome_prima=True)})
    return SchedaObiettiviSnap(
        _intestazione(archive, anno, unita), unita.nome, unita.codice or "",
        nome_proprio(resp, con_titolo=True, nome_prima=True), fasce, tuple(righe),
        format_decimal(riep.valutazione_finale), format_decimal(massimo),
        _peso(riep.somma_pesi), tuple(avvisi),
        tuple(_obiettivo_snap(archive, o, anno) for o in radici), risorse,
        format_decimal(tot, 2, strip_zeros=True) if persone else "", firme, _luogo_data(cfg),
        riep.valutazione_finale, massimo)


# ---------------------------------------------------------------------- scheda obiettivo (002)


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
        tuple(FaseSnap(f.descrizione, format_date(f.termine()), _pct(f.perc_realizzazione)) for f in fasi),
        _indicatori_periodi(archive, o.id or 0, anno), _pct(_perc_nodo(archive, o.id or 0, anno)),
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
    resp_op = extra.get("Responsabile Operativo") or (nome_proprio(resp).upper() if resp else "")
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
    cfg = config_firme(archive)
    resp_unita = persone.get(unita.responsabile_id) if unita else None
    firme = _firme(cfg, "obiettivo", {"Firma_Responsabile": nome_proprio(resp_unita or resp,
                                                                          con_titolo=True,
                                                                          nome_prima=True)})
    return SchedaObiettivoSnap(
        _intestazione(archive, anno, unita),
        "Piano Esecutivo di Gestione - " + ("Sezione Attività" if attivita else "Sezione Obiettivi"),
        settore, etichetta, o.codice, o.titolo, pulisci(o.descrizione), _date4(o), resp_gen, resp_op,
        extra.get("Fase") or "", o.stato or "", o.programma or extra.get("Programma Operativo") or "",
        ((str(anno), format_decimal(perc) if perc is not None else ""),),
        ((str(anno), format_decimal(val.perc_validata) if val and val.perc_validata is not None else ""),),
        tuple(roster), elenco, leaves, firme, _luogo_data(cfg), perc)


# ---------------------------------------------------------------------- scheda individuale


def chiave_comportamenti(anno: int, persona_id: int) -> str:
    """Plan setting with one person's behaviour scores for a year (JSON name → score)."""
    return f"comportamenti/{anno}/{persona_id}"


def _comportamenti(archive: Archive, anno: int, pid: int) -> dict[str, Decimal | None]:
    raw = archive.impostazione(chiave_comportamenti(anno, pid))
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    out: dict[str, Decimal | None] = {}
    for k, v in (data or {}).items():
        try:
            out[str(k)] = None if v in (None, "") else Decimal(str(v))
        except ArithmeticError:
            out[str(k)] = None
    return out


@dataclass
class _Settore:
    perc: Decimal | None = None
    frase: str = ""
    note: list[str] = field(default_factory=list)


class ContestoSchede:
    """What every individual sheet of one batch shares, read from the Archive once.

    The plan's objectives (tree order, children), the year's valuations, the
    final % of the nodes the sheets show, units, persons, assignments grouped
    by person, the valuation system, the signature settings and the header of
    each ente. The settore component of each unit is computed once and reused
    by all its staff, so a person's sheet costs in proportion to that person's
    assignments. Build it on the thread that owns the Archive and discard it
    after the batch (it is a snapshot: later edits are not seen).
    """

    def __init__(self, archive: Archive, anno: int | None = None) -> None:
        self.archive = archive
        self.piano = archive.piano()
        self.anno = anno or self.piano.anno_inizio
        self.sistema = archive.sistema_valutazione()
        self.cfg = config_firme(archive)
        self.luogo_data = _luogo_data(self.cfg)
        self.unita = {u.id: u for u in archive.unita()}
        self.persone = {p.id: p for p in archive.persone()}
        self.obiettivi = {o.id: o for o in archive.obiettivi()}  # tree order
        self.figli: dict[int | None, list[int]] = {}
        for o in self.obiettivi.values():
            self.figli.setdefault(o.parent_id, []).append(o.id or 0)
        self._membri: dict[int, set[int | None]] = {}  # settore → its objectives (own and shared)
        for o in self.obiettivi.values():
            if o.unita_id is not None:
                self._membri.setdefault(o.unita_id, set()).add(o.id)
        for ou in archive.select(ObiettivoUnita):
            self._membri.setdefault(ou.unita_id, set()).add(ou.obiettivo_id)
        self.valutazioni: dict[int, Valutazione] = {}
        for v in archive.select(Valutazione, "anno = ?", (self.anno,)):
            self.valutazioni.setdefault(v.obiettivo_id, v)
        self.assegnazioni: dict[int, list[Assegnazione]] = {}
        for a in archive.assegnazioni():
            self.assegnazioni.setdefault(a.persona_id, []).append(a)
        bulk = getattr(archive, "percentuali", None)
        self._perc: dict[int, Decimal | None] = dict(bulk(self.anno)) if callable(bulk) else {}
        self._bulk = callable(bulk)
        self._settori: dict[int | None, _Settore] = {}
        self._esiti: dict[int, tuple[Decimal | None, str, str, str]] = {}
        self._intestazioni: dict[int | None, Intestazione] = {}
        self._ente = archive.ente()

    # ------------------------------------------------------------------ shared values

    def perc(self, oid: int) -> Decimal | None:
        """Final % of a node (``Archive.perc_finale_nodo``), computed once per node."""
        if oid in self._perc:
            return self._perc[oid]
        if self._bulk:  # a node the bulk read does not know (should not happen)
            value = self.archive.perc_finale_nodo(oid, self.anno)
        else:
            val = self.valutazioni.get(oid)
            if val is not None and val.perc_validata is not None:
                value = val.perc_validata
            elif oid in self.figli:
                value = engine.perc_scheda([self.perc(f) for f in self.figli[oid]])
            else:
                value = self.archive.risultato_obiettivo(oid, self.anno).perc_finale
        self._perc[oid] = value
        return value

    def esito(self, oid: int) -> tuple[Decimal | None, str, str, str]:
        """A node's row on the sheets: %, then as printed: %, score (assigned or suggested), band."""
        found = self._esiti.get(oid)
        if found is None:
            perc = self.perc(oid)
            val = self.valutazioni.get(oid)
            score = val.punteggio if val and val.punteggio is not None else \
                self.sistema.punteggio_suggerito(perc)
            fascia = self.sistema.fascia(score) if score is not None else None
            found = self._esiti[oid] = (perc, _pct(perc), _score(score), fascia.lettera if fascia else "")
        return found

    def intestazione(self, unita: Unita | None) -> Intestazione:
        ente_id = unita.ente_id if unita else None
        if ente_id not in self._intestazioni:
            ente = self.archive.get(Ente, ente_id) if ente_id else None
            self._intestazioni[ente_id] = _intestazione_di(self.piano, ente or self._ente, self.anno)
        return self._intestazioni[ente_id]

    def radici(self, unita_id: int) -> list[Obiettivo]:
        """The settore's objectives (own and shared), top nodes only, in tree order."""
        return _top_nodes(self.obiettivi, self._membri.get(unita_id, set()))

    def settore(self, unita: Unita | None) -> _Settore:
        key = unita.id if unita else None
        if key not in self._settori:
            self._settori[key] = _componente_settore(self, unita)
        return self._settori[key]

    # ------------------------------------------------------------------ sheets

    def scheda_individuale(self, persona_id: int) -> SchedaIndividualeSnap:
        return _scheda_individuale(self, persona_id)

    def schede_individuali(self, persone: Sequence[int] | None = None) -> list[SchedaIndividualeSnap]:
        ids = list(persone) if persone is not None else [pid for pid in self.persone if pid is not None]
        return [self.scheda_individuale(pid) for pid in ids]


def _top_nodes(tree: dict[int | None, Obiettivo], members: set[int | None]) -> list[Obiettivo]:
    def ancestor_in(o: Obiettivo) -> bool:
        p = o.parent_id
        while p is not None:
            if p in members:
                return True
            p = tree[p].parent_id if p in tree else None
        return False

    return [o for o in tree.values() if o.id in members and not ancestor_in(o)]


def _intestazione_di(piano: Piano, ente: Ente | None, anno: int) -> Intestazione:
    atto = ""
    if piano.atto_numero or piano.atto_data:
        atto = f"{piano.atto_tipo or 'Atto'} n. {piano.atto_numero or '—'} del {format_date(piano.atto_data)}"
    return Intestazione(ente.nome if ente else "", piano.titolo, piano.triennio, anno, atto)


def _componente_settore(ctx: ContestoSchede, unita: Unita | None) -> _Settore:
    if unita is None:
        return _Settore(None, "Nessuna struttura di appartenenza.")
    sistema = ctx.sistema
    radici = ctx.radici(unita.id or 0)
    if not radici:
        return _Settore(None, f"{unita.nome}: nessun obiettivo di struttura.")
    tuples = []
    for o in radici:
        val = ctx.valutazioni.get(o.id or 0)
        tuples.append((o.titolo, o.peso, ctx.perc(o.id or 0), val.punteggio if val else None))
    riep = engine.riepilogo(sistema, tuples)
    massimo = riep.massimo(sistema)
    if massimo > 0:
        perc = riep.valutazione_finale / massimo * CENTO
        return _Settore(perc, f"{unita.nome}: valutazione finale della scheda obiettivi "
                              f"{format_decimal(riep.valutazione_finale)} su "
                              f"{format_decimal(massimo)} = {format_percent(perc)}")
    known = [p for _, _, p, _ in tuples if p is not None]
    if not known:
        return _Settore(None, f"{unita.nome}: risultati degli obiettivi non ancora disponibili.")
    perc = sum(known, Decimal(0)) / len(known)
    return _Settore(perc, f"{unita.nome}: media della % di avanzamento degli obiettivi della "
                          f"struttura = {format_percent(perc)}")


def snapshot_scheda_individuale(archive: Archive, persona_id: int, anno: int | None = None, *,
                                contesto: ContestoSchede | None = None) -> SchedaIndividualeSnap:
    """One person's sheet. For many people build one :class:`ContestoSchede` and pass it."""
    ctx = contesto or ContestoSchede(archive, anno)
    return _scheda_individuale(ctx, persona_id)


def _scheda_individuale(ctx: ContestoSchede, persona_id: int) -> SchedaIndividualeSnap:
    anno = ctx.anno
    p = ctx.persone.get(persona_id)
    if p is None:
        raise LookupError(f"Persona {persona_id} non trovata")
    sistema = ctx.sistema
    unita = ctx.unita.get(p.unita_id) if p.unita_id is not None else None
    obiettivi = ctx.obiettivi
    ass = [a for a in ctx.assegnazioni.get(persona_id, ()) if a.obiettivo_id in obiettivi]
    proprie = [a for a in ass if a.ruolo != RUOLO_ROSTER] or ass
    righe = []
    percs: list[Decimal | None] = []
    seen: set[int] = set()
    for a in proprie:
        if a.obiettivo_id in seen:
            continue
        seen.add(a.obiettivo_id)
        o = obiettivi[a.obiettivo_id]
        perc, perc_txt, score_txt, lettera = ctx.esito(o.id or 0)
        percs.append(perc)
        ruolo = "Responsabile" if a.responsabile else ("Collaboratore della scheda"
                                                         if a.ruolo == RUOLO_ROSTER else "Collaboratore")
        periodo = ""
        if a.data_inizio or a.data_fine:
            periodo = f"dal {format_date(a.data_inizio)}\nal {format_date(a.data_fine)}"
        righe.append(RigaIndividuale(o.codice, o.titolo, ruolo, periodo, perc_txt, score_txt, lettera))
    perc_ind = engine.perc_scheda(percs)
    sett = ctx.settore(unita)
    comp_scores = _comportamenti(ctx.archive, anno, persona_id)
    comportamenti = tuple((c.nome, _peso(c.peso), _score(comp_scores.get(c.nome)))
                          for c in sistema.comportamenti)
    comp_perc = engine.media_pesata([
        (c.peso, None if comp_scores.get(c.nome) is None
         else comp_scores[c.nome] / sistema.scala_max)  # type: ignore[operator]
        for c in sistema.comportamenti])
    comp_perc = None if comp_perc is None else comp_perc * CENTO
    finale = engine.valutazione_individuale(sistema, sett.perc, perc_ind, comp_scores)
    finale_pct = finale  # already in percent
    componenti = []
    note = list(sett.note)
    for nome, peso, perc in (("Obiettivi di struttura (settore)", sistema.peso_obiettivi_settore, sett.perc),
                             ("Obiettivi individuali", sistema.peso_obiettivi_individuali, perc_ind),
                             ("Comportamenti organizzativi", sistema.peso_comportamenti, comp_perc)):
        if not peso:
            continue
        pond = peso * perc / CENTO if perc is not None else None
        componenti.append((nome, _peso(peso), _pct(perc), _pct(pond)))
        if perc is None:
            note.append(f"«{nome}»: dato non disponibile; la componente è esclusa e le altre "
                        "sono riproporzionate.")
    punti = None if finale_pct is None else finale_pct * sistema.scala_max / CENTO
    fascia_txt = ""
    if punti is not None:
        f = sistema.fascia(round_half_up(punti, 0) if sistema.punteggi_interi else punti)
        if f is not None:
            fascia_txt = f"{f.lettera} ({format_decimal(f.minimo, 0)}-{format_decimal(f.massimo, 0)})"
    resp = ctx.persone.get(unita.responsabile_id) if unita and unita.responsabile_id is not None else None
    firme = _firme(ctx.cfg, "individuale", {
        "Firma_Responsabile": nome_proprio(resp, con_titolo=True, nome_prima=True),
        "Firma_Dipendente": nome_proprio(p, nome_prima=True)})
    return SchedaIndividualeSnap(
        ctx.intestazione(unita), nome_proprio(p, con_titolo=True), p.categoria or "",
        unita.nome if unita else "",
        format_decimal(p.ore_settimanali, 2, strip_zeros=True) if p.ore_settimanali else "",
        sistema.nome, sett.frase, tuple(righe), comportamenti, tuple(componenti),
        _pct(finale_pct), _num(punti), fascia_txt, format_decimal(sistema.scala_max, 0),
        tuple(note), firme, ctx.luogo_data, persona_id, finale_pct)
