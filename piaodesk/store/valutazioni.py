"""The valuation of a year, read once from the plan: schede, organisational and individual.

:class:`QuadroValutazioni` is the one place where the numbers that appear on
more than one sheet are computed: a unit's result (its scheda obiettivi, and the
«struttura» component of its staff), the organisational performance (Table 2,
and the «organizzativa» component), each person's components, final score,
fascia, evaluator and cycle step. The rules are in ``domain/``; this module only
reads the plan and hands the rules their inputs. Reports, the GUI and the CLI
all ask it, so a number can never differ between two sheets.

It is a snapshot: build it, read it, drop it (later edits are not seen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, cast

from ..domain import individuale as ind
from ..domain import organizzativa as org
from ..domain import valutazione as engine
from ..domain import verifica as ver
from ..domain.enums import FonteVoce, LivelloOrganizzativo, PassoCiclo, Ramo, Tipologia
from ..domain.formats import format_decimal, format_percent
from ..domain.model import (
    Assegnazione,
    Indicatore,
    IndicatoreOrganizzativo,
    Obiettivo,
    ObiettivoUnita,
    PassoValutazione,
    Persona,
    PunteggioComportamento,
    Unita,
    ValoreOrganizzativo,
    Valutazione,
    ValutazioneIndividuale,
    VoceOrganizzativa,
)
from . import rischio as rischio_store
from .archive import Archive
from .edits import Batch, DeleteRow, Edit, InsertRow, SetFields

#: seed 002's roster of a scheda UO: people listed on the scheda, not assigned objectives
RUOLO_ROSTER = "collaboratore della scheda"

#: key of the «TUTTI I SETTORI» scheda (transversal objectives with no unit)
TUTTI = 0


@dataclass(frozen=True)
class RigaScheda:
    obiettivo: Obiettivo
    peso: Decimal | None
    perc: Decimal | None
    assegnato: Decimal | None  # the evaluator's score, if any


@dataclass(frozen=True)
class SchedaUnita:
    """A unit's scheda obiettivi: the objectives it evaluates and its result."""

    unita: Unita | None  # None: TUTTI I SETTORI
    righe: tuple[RigaScheda, ...]
    risultato: engine.RisultatoScheda
    #: the unit whose scheda this is when the person's own unit has none
    origine: str = ""

    @property
    def nome(self) -> str:
        return self.unita.nome if self.unita else "TUTTI I SETTORI"

    def frase(self) -> str:
        """One line on the unit's result, with its explanation or what is missing."""
        return _frase(self.nome, self.risultato)


def _frase(nome: str, r: engine.RisultatoScheda) -> str:
    if r.perc is None:
        return f"{nome}: risultato non disponibile — manca: {'; '.join(r.mancanti)}."
    return f"{nome}: {format_percent(r.perc)} ({r.spiegazione})."


@dataclass(frozen=True)
class ValutazionePersona:
    """Everything one person's valuation shows, computed by the domain rules."""

    persona: Persona
    unita: Unita | None
    categoria: engine.CategoriaValutazione
    valutatore: ind.Valutatore
    valutatore_nome: str
    scheda: SchedaUnita | None
    organizzativa: Decimal | None
    organizzativa_spiegazione: str
    righe_individuali: tuple[tuple[Obiettivo, Assegnazione, ind.RigaIndividuale], ...]
    note: tuple[str, ...]
    esito: ind.EsitoIndividuale
    record: ValutazioneIndividuale | None
    passi: tuple[PassoValutazione, ...]
    comportamenti_note: dict[str, str] = field(default_factory=dict)

    @property
    def passo(self) -> str | None:
        return ind.passo_corrente({p.passo: p.data for p in self.passi})

    @property
    def passo_label(self) -> str:
        p = self.passo
        return PassoCiclo(p).label if p else "Da avviare"

    def come_dict(self) -> dict[str, object]:
        """What ``piaodesk valutazione mostra --json`` prints (numbers as Italian text and raw)."""
        e = self.esito

        def num(x: Decimal | None) -> str | None:
            return None if x is None else str(x.quantize(Decimal("0.01")))

        return {
            "valutato": self.persona.nominativo,
            "persona_id": self.persona.id,
            "unita": self.unita.nome if self.unita else None,
            "valutatore": self.valutatore_nome,
            "valutatore_id": self.valutatore.persona_id,
            "categoria": e.categoria,
            "componenti": [{"componente": c.chiave, "nome": c.nome, "peso": num(c.peso),
                            "valore": num(c.valore), "ponderato": num(c.ponderato)}
                           for c in e.componenti],
            "comportamenti": [{"nome": n, "peso": num(p), "punteggio": num(s)}
                              for n, p, s in e.comportamenti],
            "finale": num(e.finale),
            "punti": num(e.punti),
            "fascia": e.fascia.lettera if e.fascia else None,
            "stato": e.stato,
            "mancanti": list(e.mancanti),
            "passo": self.passo,
            "passi": [{"passo": p.passo.value if hasattr(p.passo, "value") else str(p.passo),
                       "data": p.data.isoformat() if p.data else None, "testo": p.testo,
                       "esito": p.esito} for p in self.passi],
        }


#: the one empty list the light snapshot's objectives hold in their list fields not read or empty:
#: 10.000 objectives carried 30.000 empty lists, objects every full garbage collection walks
#: while «Performance organizzativa» is open (issue 13). Never written: nothing changes a
#: snapshot's objective in place.
_VUOTA: list[Any] = []


class QuadroValutazioni:
    """The valuation of one year, read from the archive once (see the module doc)."""

    #: the objectives' fields a valuation reads (``leggero``: only these are read)
    CAMPI_OBIETTIVI = ("id", "parent_id", "posizione", "ramo", "livello", "codice", "titolo",
                       "tipologia", "unita_id", "peso")

    def __init__(self, archive: Archive, anno: int | None = None, *, leggero: bool = False) -> None:
        """``leggero``: the objectives carry only :attr:`CAMPI_OBIETTIVI` and the assignments
        are read person by person when asked (the screens: a large plan's snapshot in less
        memory); the sheets, which print more, read everything once."""
        self.archive = archive
        self.piano = archive.piano()
        self.anno = anno or self.piano.anno_inizio
        self.sistema = archive.sistema_valutazione()
        self.unita = {u.id: u for u in archive.unita()}
        self.persone = {p.id: p for p in archive.persone()}
        self.obiettivi = {o.id: o for o in archive.obiettivi(
            columns=self.CAMPI_OBIETTIVI if leggero else None)}  # tree order
        if leggero:  # (the screens keep this snapshot open: see _VUOTA)
            for o in self.obiettivi.values():
                if not o.tipologia:
                    o.tipologia = _VUOTA
                o.flags = o.anni = _VUOTA  # not read (not in CAMPI_OBIETTIVI)
        self.figli: dict[int | None, list[int]] = {}
        for o in self.obiettivi.values():
            self.figli.setdefault(o.parent_id, []).append(o.id or 0)
        self.condivise: dict[int, set[int]] = {}
        for ou in archive.select(ObiettivoUnita):
            self.condivise.setdefault(ou.unita_id, set()).add(ou.obiettivo_id)
        self.valutazioni: dict[int, Valutazione] = {}
        for v in archive.select(Valutazione, "anno = ?", (self.anno,)):
            self.valutazioni.setdefault(v.obiettivo_id, v)
        self.leggero = leggero
        self.assegnazioni: dict[int | None, list[Assegnazione]] = {}
        if not leggero:  # (light: each person's assignments are read when asked, not kept)
            for a in archive.assegnazioni():
                self.assegnazioni.setdefault(a.persona_id, []).append(a)
        self.perc: dict[int, Decimal | None] = dict(archive.percentuali(self.anno))
        #: objectives with «solo scheda individuale» indicators → their manager (seed 004 l.688):
        #: for that person the objective counts with those indicators too
        self._dirigente_di: dict[int, int | None] = {}
        for i in archive.select(Indicatore, "solo_individuale = 1", columns=("id", "obiettivo_id")):
            if i.obiettivo_id not in self._dirigente_di:
                ob = archive.obiettivo(i.obiettivo_id)
                self._dirigente_di[i.obiettivo_id] = ob.responsabile_id if ob else None
        self._perc_individuale: dict[int, Decimal | None] = {}
        self._schede: dict[int, SchedaUnita] = {}
        self.record: dict[int, ValutazioneIndividuale] = {}
        self.punteggi: dict[int, dict[str, PunteggioComportamento]] = {}
        self.passi: dict[int, list[PassoValutazione]] = {}
        self.rileggi_valutazioni()
        self.responsabili_di = {u.responsabile_id for u in self.unita.values() if u.responsabile_id}

    def rileggi_valutazioni(self) -> set[int]:
        """Read the persons' valuation records again (scores, steps, evaluator, category).

        Only the small tables of the individual valuations are read: after an edit of a
        valuation the snapshot is current again without reading the objectives. Returns
        the persons whose records changed.
        """
        archive = self.archive
        record = {v.persona_id: v for v in archive.select(ValutazioneIndividuale, "anno = ?", (self.anno,))}
        by_id = {v.id: v.persona_id for v in record.values()}
        punteggi: dict[int, dict[str, PunteggioComportamento]] = {}
        passi: dict[int, list[PassoValutazione]] = {}
        if by_id:
            for pc in archive.select(PunteggioComportamento):
                if pc.valutazione_id in by_id:
                    punteggi.setdefault(by_id[pc.valutazione_id], {})[pc.comportamento] = pc
            for ps in archive.select(PassoValutazione):
                if ps.valutazione_id in by_id:
                    passi.setdefault(by_id[ps.valutazione_id], []).append(ps)
        order = {p.value: i for i, p in enumerate(PassoCiclo)}
        for lst in passi.values():
            lst.sort(key=lambda p: order.get(str(p.passo), 99))
        changed = {pid for pid in set(record) | set(self.record)
                   if record.get(pid) != self.record.get(pid)
                   or punteggi.get(pid) != self.punteggi.get(pid) or passi.get(pid) != self.passi.get(pid)}
        self.record, self.punteggi, self.passi = record, punteggi, passi
        return changed

    # ------------------------------------------------------------------ schede

    def membri(self, unita_id: int) -> list[int]:
        """Objectives of a unit (own and shared), in tree order; TUTTI: transversal with no unit."""
        shared = self.condivise.get(unita_id, set())
        if unita_id == TUTTI:
            return [o.id or 0 for o in self.obiettivi.values()
                    if o.unita_id is None and o.parent_id is None and o.ramo == Ramo.OBIETTIVI]
        return [o.id or 0 for o in self.obiettivi.values() if o.unita_id == unita_id or o.id in shared]

    def scheda(self, unita_id: int) -> SchedaUnita:
        """The scheda obiettivi of a unit (``TUTTI``: the transversal objectives)."""
        found = self._schede.get(unita_id)
        if found is not None:
            return found
        membri = self.membri(unita_id)
        member_set = set(membri)

        def altrove(oid: int) -> bool:
            o = self.obiettivi.get(oid)
            return o is not None and o.unita_id is not None and o.unita_id != unita_id \
                and oid not in member_set

        ids = engine.obiettivi_valutati(self.figli, {k: o.peso for k, o in self.obiettivi.items()
                                                    if k is not None}, membri, altrove)
        righe = []
        for oid in ids:
            o = self.obiettivi[oid]
            val = self.valutazioni.get(oid)
            righe.append(RigaScheda(o, o.peso, self.perc.get(oid), val.punteggio if val else None))
        ris = engine.risultato_scheda(self.sistema, [(r.obiettivo.codice, r.obiettivo.titolo, r.peso,
                                                      r.perc, r.assegnato) for r in righe])
        scheda = SchedaUnita(self.unita.get(unita_id) if unita_id != TUTTI else None, tuple(righe), ris)
        self._schede[unita_id] = scheda
        return scheda

    def scheda_di_persona(self, unita_id: int | None) -> SchedaUnita | None:
        """The scheda of the person's unit, or of the nearest unit above that has objectives."""
        u = unita_id
        seen: set[int] = set()
        while u is not None and u not in seen:
            seen.add(u)
            s = self.scheda(u)
            if s.righe:
                if u != unita_id and unita_id in self.unita:
                    return SchedaUnita(s.unita, s.righe, s.risultato,
                                       f"la struttura {self.unita[unita_id].nome} non ha obiettivi "
                                       f"propri: vale la scheda di {s.nome}")
                return s
            u = self.unita[u].parent_id if u in self.unita else None
        return None

    def unita_con_schede(self) -> list[int]:
        return [u for u in self.unita if u is not None and self.membri(u)]

    # ------------------------------------------------------------------ organisational

    @cached_property
    def _voci(self) -> list[VoceOrganizzativa]:
        return self.archive.select(VoceOrganizzativa, order="livello, coalesce(unita_id, 0), posizione, id")

    @cached_property
    def _indicatori_org(self) -> dict[int, list[IndicatoreOrganizzativo]]:
        out: dict[int, list[IndicatoreOrganizzativo]] = {}
        for i in self.archive.select(IndicatoreOrganizzativo, order="voce_id, posizione, id"):
            out.setdefault(i.voce_id, []).append(i)
        return out

    def perc_per(self, obiettivo_id: int, persona_id: int | None) -> Decimal | None:
        """The objective's % as it counts for this person: for its manager, with the indicators
        «solo scheda individuale» (unless the Nucleo validated a %); for anyone else, without."""
        if persona_id is None or self._dirigente_di.get(obiettivo_id, -1) != persona_id:
            return self.perc.get(obiettivo_id)
        if obiettivo_id not in self._perc_individuale:
            ris = self.archive.risultato_obiettivo(obiettivo_id, self.anno, individuale=True)
            self._perc_individuale[obiettivo_id] = ris.perc_finale
        return self._perc_individuale[obiettivo_id]

    @cached_property
    def _valori_org(self) -> dict[int, ValoreOrganizzativo]:
        return {v.indicatore_id: v for v in self.archive.select(ValoreOrganizzativo, "anno = ?", (self.anno,))}

    @cached_property
    def _storici_org(self) -> dict[int, dict[int, Decimal]]:
        """indicator id → {past year: value}: trend targets (seed 001 L95-L96) compare with them."""
        out: dict[int, dict[int, Decimal]] = {}
        for v in self.archive.select(ValoreOrganizzativo, "anno < ? AND valore IS NOT NULL", (self.anno,)):
            if v.valore is not None:
                out.setdefault(v.indicatore_id, {})[v.anno] = v.valore
        return out

    def rileggi_organizzativa(self) -> None:
        """Read the organisational voci, indicators and values again (after an edit of them)."""
        for name in ("_voci", "_indicatori_org", "_valori_org", "_storici_org"):
            self.__dict__.pop(name, None)

    @cached_property
    def perc_obiettivi_ente(self) -> Decimal | None:
        """003 T2 line 1: mean of the results of every scheda (None if one lacks)."""
        keys = self.unita_con_schede()
        vals = [self.scheda(k).risultato.perc for k in keys]
        known = [v for v in vals if v is not None]
        if not vals or len(known) < len(vals):
            return None
        return sum(known, Decimal(0)) / len(known)

    def sintesi(self, unita_id: int | None = None) -> org.SintesiOrganizzativa:
        """Table 2 of the ente (``unita_id`` None) or of one unit."""
        if unita_id is None:
            voci = [v for v in self._voci if v.livello == LivelloOrganizzativo.ENTE]
        else:
            voci = [v for v in self._voci if v.livello == LivelloOrganizzativo.UNITA and v.unita_id == unita_id]
        ris = []
        for v in voci:
            perc_ob = None
            if v.fonte == FonteVoce.OBIETTIVI:
                perc_ob = self.perc_obiettivi_ente if unita_id is None else \
                    self.scheda(unita_id).risultato.perc
            ris.append(org.risultato_voce(v, self._indicatori_org.get(v.id or 0, []), self._valori_org,
                                          perc_obiettivi=perc_ob, cap=self.sistema.cap_indicatore,
                                          storici=self._storici_org))
        return org.sintesi(ris)

    def unita_organizzativa(self, unita_id: int | None) -> int | None:
        """The unit (itself or the nearest above) whose organisational voci measure it."""
        with_voci = {v.unita_id for v in self._voci if v.livello == LivelloOrganizzativo.UNITA}
        u = unita_id
        seen: set[int] = set()
        while u is not None and u not in seen:
            seen.add(u)
            if u in with_voci:
                return u
            u = self.unita[u].parent_id if u in self.unita else None
        return None

    def organizzativa(self, unita_id: int | None) -> tuple[Decimal | None, str, str]:
        """The «organizzativa» component of a person of ``unita_id``: %, explanation, what lacks."""
        s = self.sistema
        ente = self.sintesi(None)
        parts = [f"ente {format_percent(ente.perc)}" if ente.perc is not None else "ente: n.d."]
        mancanti = [*ente.mancanti] if s.peso_org_ente else []
        unit_perc = None
        if s.peso_org_unita:
            uo = self.unita_organizzativa(unita_id)
            if uo is None:
                mancanti.append("performance organizzativa dell'unità (nessuna voce per la struttura)")
            else:
                su = self.sintesi(uo)
                unit_perc = su.perc
                mancanti.extend(su.mancanti)
                parts.append(f"{self.unita[uo].nome} {format_percent(su.perc)}" if su.perc is not None
                             else f"{self.unita[uo].nome}: n.d.")
        perc = org.perc_organizzativa(ente.perc, unit_perc, s.peso_org_ente, s.peso_org_unita)
        how = (f"ente {format_decimal(s.peso_org_ente, 0)} %, unità {format_decimal(s.peso_org_unita, 0)} %: "
               + ", ".join(parts))
        return perc, how, "; ".join(mancanti)

    # ------------------------------------------------------------------ persons

    def categoria(self, p: Persona) -> engine.CategoriaValutazione:
        rec = self.record.get(p.id or 0)
        return categoria_di(self.sistema, p, p.id in self.responsabili_di, rec.categoria if rec else None)

    def valutatore(self, p: Persona, *, scelto_nel_piano: bool = True) -> ind.Valutatore:
        """The person's evaluator; ``scelto_nel_piano`` False: the one the SMVP names (ignoring
        the evaluator chosen in the plan)."""
        rec = self.record.get(p.id or 0) if scelto_nel_piano else None
        scelto = None
        if rec and (rec.valutatore_id is not None or rec.valutatore_ruolo):
            scelto = ind.Valutatore(rec.valutatore_id, rec.valutatore_ruolo or "Valutatore")
        genitore = {k: u.parent_id for k, u in self.unita.items() if k is not None}
        resp = {k: u.responsabile_id for k, u in self.unita.items() if k is not None}
        return ind.valutatore(p.id or 0, p.unita_id, genitore, resp, self.categoria(p), self.sistema,
                              scelto=scelto)

    def nome(self, pid: int | None) -> str:
        p = self.persone.get(pid)
        return p.nominativo if p else ""

    def assegnazioni_di(self, persona_id: int) -> list[Assegnazione]:
        """A person's assignments (a light snapshot reads them now, in id order as kept ones)."""
        if self.leggero:
            return self.archive.assegnazioni(persona_id=persona_id)
        return self.assegnazioni.get(persona_id, [])

    def persona(self, persona_id: int) -> ValutazionePersona:
        p = self.persone.get(persona_id)
        if p is None:
            raise LookupError(f"Persona {persona_id} non trovata")
        unita = self.unita.get(p.unita_id) if p.unita_id is not None else None
        cat = self.categoria(p)
        val = self.valutatore(p)
        # objectives assigned to the person (002's roster rows are not assignments)
        tutte = [a for a in self.assegnazioni_di(persona_id) if a.obiettivo_id in self.obiettivi]
        ass = [a for a in tutte if a.ruolo != RUOLO_ROSTER]
        roster = not ass and bool(tutte)
        if roster:  # 002: listed among a scheda's collaborators, they work on that scheda
            ass = tutte
        seen: set[int] = set()
        input_rows = []
        kept = []
        for a in ass:
            if a.obiettivo_id in seen:
                continue
            seen.add(a.obiettivo_id)
            kept.append(a)
            input_rows.append((a.obiettivo_id, a.impegno, a.data_inizio, a.data_fine,
                               self.perc_per(a.obiettivo_id, persona_id)))
        rows, perc_ind, note, mancano = ind.obiettivi_individuali(input_rows, self.anno)
        if roster:
            note = (*note, "Collaboratore della scheda: valgono gli obiettivi della scheda.")
        rec = self.record.get(persona_id)
        ind_mancante = ""
        if rec is not None and rec.punteggio_individuali is not None:
            perc_ind = rec.punteggio_individuali
            note = (*note, "% degli obiettivi individuali validata dal valutatore.")
        elif not rows:
            ind_mancante = "obiettivi individuali (nessun obiettivo assegnato)"
        elif mancano:
            ind_mancante = "risultato degli obiettivi individuali " + ", ".join(
                self.obiettivi[o].codice or self.obiettivi[o].titolo for o in mancano)
        scheda = self.scheda_di_persona(p.unita_id)
        st_perc = scheda.risultato.perc if scheda else None
        st_manca = "" if scheda else "scheda obiettivi della struttura (nessun obiettivo)"
        if scheda and st_perc is None:
            st_manca = f"risultato della scheda obiettivi di {scheda.nome} ({'; '.join(scheda.risultato.mancanti)})"
        org_perc, org_how, org_manca = (None, "", "")
        if cat.peso_organizzativa:
            org_perc, org_how, org_manca = self.organizzativa(p.unita_id)
        punteggi = {k: v.punteggio for k, v in self.punteggi.get(persona_id, {}).items()}
        esito = ind.esito_individuale(
            self.sistema, cat, organizzativa=org_perc, organizzativa_mancante=org_manca and
            f"performance organizzativa ({org_manca})", struttura=st_perc, struttura_mancante=st_manca,
            individuali=perc_ind, individuali_mancante=ind_mancante, comportamenti=punteggi)
        extra_note = list(note)
        if scheda and scheda.origine:
            extra_note.append(scheda.origine[0].upper() + scheda.origine[1:] + ".")
        if org_how and cat.peso_organizzativa:
            extra_note.append(f"Performance organizzativa: {org_how}.")
        return ValutazionePersona(
            p, unita, cat, val, val.descrizione({k: v.nominativo for k, v in self.persone.items() if k}),
            scheda, org_perc, org_how,
            tuple((self.obiettivi[r.obiettivo_id], a, r) for r, a in zip(rows, kept, strict=True)),
            tuple(extra_note), esito, rec, tuple(self.passi.get(persona_id, [])),
            {k: v.nota or "" for k, v in self.punteggi.get(persona_id, {}).items() if v.nota})

    def tutte(self) -> list[ValutazionePersona]:
        return [self.persona(pid) for pid in self.persone if pid is not None]


def tipologie(o: Obiettivo) -> set[str]:
    out = set()
    for t in o.tipologia or []:
        member = Tipologia.from_text(t)
        out.add(member.value if member is not None else t)
    return out


def verifica(q: QuadroValutazioni) -> list[ver.Problema]:
    """«Verifica del piano» over every scheda and person of the year."""
    fasi: dict[int, int] = {}
    inds: dict[int, int] = {}
    for table, counts in (("fasi", fasi), ("indicatori", inds)):
        for oid, n in q.archive.conteggi_per_obiettivo(table):
            counts[oid] = n

    def subtree(counts: dict[int, int], oid: int) -> int:
        stack, n = [oid], 0
        while stack:
            k = stack.pop()
            n += counts.get(k, 0)
            stack.extend(q.figli.get(k, ()))
        return n

    schede = []
    # TUTTI I SETTORI only lists the transversal objectives, which every settore's scheda evaluates
    for k in q.unita_con_schede():
        s = q.scheda(k)
        schede.append(ver.SchedaVerifica(k, s.nome, tuple(
            ver.ObiettivoVerifica(r.obiettivo.id or 0, r.obiettivo.codice, r.obiettivo.titolo, r.peso,
                                  "gestionale" in tipologie(r.obiettivo), subtree(fasi, r.obiettivo.id or 0),
                                  subtree(inds, r.obiettivo.id or 0))
            for r in s.righe)))
    vals = []
    for pid, p in q.persone.items():
        if pid is None:
            continue
        v = q.valutatore(p)
        vals.append((pid, p.nominativo, v.persona_id, v.ruolo))
    try:  # the ente's risk scale (issue 18 point 4): levels off it are named
        nomi: tuple[str, ...] | str = rischio_store.scala(q.archive).nomi
    except ValueError as exc:
        nomi = str(exc)
    return ver.verifica_piano(q.sistema, schede, vals, (nomi, rischio_store.graduati(q.archive)))


# ---------------------------------------------------------------------- edits

_NON_IMPOSTATO = object()


class ErroreValutazione(ValueError):
    """A value refused for a valuation, with the Italian message to show."""


def categoria_di(sistema: engine.SistemaValutazione, p: Persona, responsabile: bool,
                 nome: str | None) -> engine.CategoriaValutazione:
    """A person's category: the valuation's own (``nome``) when the SMVP has it, else by role and area."""
    try:
        return sistema.categoria(p.area, responsabile, nome or None)
    except ValueError:
        return sistema.categoria(p.area, responsabile)


def errore_comportamento(sistema: engine.SistemaValutazione, cat: engine.CategoriaValutazione,
                         nome: str, valore: Decimal | None) -> str | None:
    """Why a behaviour score is refused (not in the category's catalogue, off the scale), or None."""
    if nome not in {c.nome for c in sistema.comportamenti_di(cat)}:
        return f"Il comportamento «{nome}» non è nel catalogo della categoria «{cat.nome}»."
    if valore is not None:
        msg = ind.punteggio_fuori_scala(sistema, Decimal(valore))
        if msg:
            return f"{nome}: {msg}"
    return None


def modifica_valutazione(archive: Archive, persona_id: int, anno: int, *,
                         comportamenti: dict[str, Decimal | None] | None = None,
                         note_comportamenti: dict[str, str | None] | None = None,
                         passi: dict[str, tuple[object, str | None, str | None] | None] | None = None,
                         quadro: QuadroValutazioni | None = None, **campi: object) -> Edit:
    """One undoable edit of a person's valuation for ``anno``.

    ``comportamenti`` maps behaviour names to scores (None clears one);
    ``passi`` maps a :class:`PassoCiclo` value to (date, text, esito), or None to
    remove that step; ``campi`` are fields of :class:`ValutazioneIndividuale`
    (categoria, valutatore_id, valutatore_ruolo, punteggio_individuali, note).
    ``quadro``: a snapshot of the same year to reuse (its valuation records are read
    again first), so that an edit on a large plan does not read every objective.
    Refused values raise :class:`ErroreValutazione` with an Italian message and
    build nothing (never a silent default).
    """
    persona = archive.get(Persona, persona_id)
    if persona is None:
        raise ErroreValutazione(f"Persona {persona_id} non trovata.")
    unknown = set(campi) - {"categoria", "valutatore_id", "valutatore_ruolo", "punteggio_individuali", "note"}
    if unknown:
        raise ErroreValutazione(f"Campi non modificabili: {', '.join(sorted(unknown))}.")
    sistema = archive.sistema_valutazione()
    if campi.get("valutatore_id") is not None and campi["valutatore_id"] == persona_id:
        raise ErroreValutazione(f"{persona.nominativo} non può essere valutatore di sé stesso/a.")
    if campi.get("valutatore_id") is not None and archive.get(Persona, campi["valutatore_id"]) is None:  # type: ignore[arg-type]
        raise ErroreValutazione(f"Valutatore {campi['valutatore_id']} non trovato.")
    if campi.get("categoria"):
        try:
            sistema.categoria(None, False, str(campi["categoria"]))
        except ValueError as exc:
            raise ErroreValutazione(str(exc)[0].upper() + str(exc)[1:] + ".") from exc
    pi = campi.get("punteggio_individuali")
    if pi is not None and not (Decimal(0) <= Decimal(str(pi)) <= Decimal(100)):
        raise ErroreValutazione("La % degli obiettivi individuali deve essere tra 0 e 100.")
    if quadro is not None and quadro.anno == anno and quadro.archive is archive:
        q = quadro
        q.rileggi_valutazioni()
    else:
        q = QuadroValutazioni(archive, anno)
    rec = q.record.get(persona_id)
    edits: list[Edit] = []
    if rec is None:
        rid = archive.allocate_id(ValutazioneIndividuale)
        edits.append(InsertRow(ValutazioneIndividuale(id=rid, persona_id=persona_id, anno=anno, **campi),  # type: ignore[arg-type]
                               "Nuova valutazione individuale"))
    else:
        rid = rec.id or 0
        changed = {k: v for k, v in campi.items() if getattr(rec, k) != v}
        if changed:
            edits.append(SetFields(ValutazioneIndividuale, rid, changed))
    cat = categoria_di(sistema, persona, persona_id in q.responsabili_di,
                       str(campi["categoria"]) if campi.get("categoria") else (rec.categoria if rec else None))
    esistenti = q.punteggi.get(persona_id, {})
    for nome, valore in (comportamenti or {}).items():
        msg = errore_comportamento(sistema, cat, nome, valore)
        if msg:
            raise ErroreValutazione(msg)
        old = esistenti.get(nome)
        nota = (note_comportamenti or {}).get(nome, old.nota if old else None)
        if old is None:
            if valore is not None or nota:
                edits.append(InsertRow(PunteggioComportamento(valutazione_id=rid, comportamento=nome,
                                                              punteggio=valore, nota=nota)))
        elif old.punteggio != valore or old.nota != nota:
            edits.append(SetFields(PunteggioComportamento, old.id or 0, {"punteggio": valore, "nota": nota},
                                   f"Punteggio «{nome}»"))
    for nome, nota in (note_comportamenti or {}).items():
        if nome in (comportamenti or {}):
            continue
        msg = errore_comportamento(sistema, cat, nome, None)
        if msg:
            raise ErroreValutazione(msg)
        old = esistenti.get(nome)
        if old is None:
            edits.append(InsertRow(PunteggioComportamento(valutazione_id=rid, comportamento=nome, nota=nota)))
        elif old.nota != nota:
            edits.append(SetFields(PunteggioComportamento, old.id or 0, {"nota": nota}))
    fatti = {str(p.passo): p for p in q.passi.get(persona_id, [])}
    for passo, valore_passo in (passi or {}).items():
        try:
            tipo = PassoCiclo(passo)
        except ValueError:
            raise ErroreValutazione(f"Passo «{passo}» sconosciuto: "
                                    + ", ".join(p.value for p in PassoCiclo) + ".") from None
        old_p = fatti.get(tipo.value)
        if valore_passo is None:
            if old_p is not None:
                edits.append(DeleteRow(PassoValutazione, old_p.id or 0, f"Annulla «{tipo.label}»"))
            continue
        data, testo, esito = valore_passo
        if tipo == PassoCiclo.ESITO_RIESAME and PassoCiclo.RICHIESTA_RIESAME.value not in fatti \
                and PassoCiclo.RICHIESTA_RIESAME.value not in (passi or {}):
            raise ErroreValutazione("L'esito del riesame richiede una richiesta di riesame.")
        if old_p is None:
            edits.append(InsertRow(PassoValutazione(valutazione_id=rid, passo=tipo,
                                                    data=cast(Any, data),
                                                    testo=testo, esito=esito), tipo.label))
        else:
            new = {"data": data, "testo": testo, "esito": esito}
            if any(getattr(old_p, k) != v for k, v in new.items()):
                edits.append(SetFields(PassoValutazione, old_p.id or 0, new, tipo.label))
    return Batch(edits, f"Valutazione di {persona.nominativo}")


def pesi_scheda(archive: Archive, oid: int) -> list[tuple[str, int, list[Decimal | None]]]:
    """For each unit whose scheda evaluates objective ``oid`` (or an objective above or below it):
    (unit name, number of objectives evaluated, their weights). Reads only ids, parents,
    units and weights, so that a click on a large plan stays cheap."""
    obs = {o.id: o for o in archive.obiettivi(columns=["peso", "unita_id", "codice", "ramo"])}
    figli: dict[int | None, list[int]] = {}
    for o in obs.values():
        figli.setdefault(o.parent_id, []).append(o.id or 0)
    condivise: dict[int, set[int]] = {}
    for ou in archive.select(ObiettivoUnita):
        condivise.setdefault(ou.unita_id, set()).add(ou.obiettivo_id)
    # the units concerned: of the node, of its ancestors, and those it is shared with
    units: list[int] = []
    n: int | None = oid
    while n is not None and n in obs:
        u = obs[n].unita_id
        if u is not None and u not in units:
            units.append(u)
        n = obs[n].parent_id
    units += [u for u, ids in condivise.items() if oid in ids and u not in units]
    nomi = {u.id: u.nome for u in archive.unita()}
    pesi = {k: o.peso for k, o in obs.items() if k is not None}
    out = []
    for u in units:
        shared = condivise.get(u, set())
        membri = [k or 0 for k, o in obs.items() if o.unita_id == u or k in shared]
        member_set = set(membri)
        ids = engine.obiettivi_valutati(
            figli, pesi, membri,
            lambda k, u=u, ms=member_set: obs[k].unita_id not in (None, u) and k not in ms)  # type: ignore[misc]
        if oid in ids or any(_below(figli, i, oid) or _below(figli, oid, i) for i in ids):
            out.append((nomi.get(u, ""), len(ids), [pesi.get(i) for i in ids]))
    return out


def _below(figli: dict[int | None, list[int]], top: int, oid: int) -> bool:
    stack = list(figli.get(top, ()))
    while stack:
        k = stack.pop()
        if k == oid:
            return True
        stack.extend(figli.get(k, ()))
    return False
