"""The demo plan, built from the real content of seeds 003 and 002.

``resources/demo/seed003.json`` (Unione, Piano della Performance 2025/2027,
five schede) and ``resources/demo/seed002.json`` (Comune di Modena, PEG 2021:
OE0527, Scheda UO 10701 and 10703 with half-year values) are faithful
extractions; ``resources/demo/esempio003.json`` adds *illustrative* actual
values for the 2025 year-end valuation of 003 (the document is blank), and is
labelled as such in the plan's notes. Seed 002's dates are moved from 2021 to
the demo plan's first year so that everything sits in one triennio; its
numbers are untouched.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.enums import (
    Aggregazione,
    FonteVoce,
    Livello,
    LivelloOrganizzativo,
    PassoCiclo,
    Polarita,
    Ramo,
    StatoPiano,
    TipoEnte,
    TipoIndicatore,
    TipoUnita,
    area_da_categoria,
)
from ..domain.formats import parse_decimal
from ..domain.model import (
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
    Piano,
    PunteggioComportamento,
    Risorsa,
    StatoAvanzamento,
    Unita,
    ValoreOrganizzativo,
    Valutazione,
    ValutazioneIndividuale,
    VoceOrganizzativa,
)
from ..domain.valutazione import SistemaValutazione, parse_valore
from ..paths import resource
from .archive import Archive
from .codec import to_row

NOTE_DEMO = (
    "Piano dimostrativo. Contenuti reali tratti da: Piano della Performance 2025/2027 di "
    "un'Unione di Comuni (cinque schede obiettivi) e PEG 2021 del Comune di Modena "
    "(OE0527, Schede UO 10701 e 10703, riportate al 2025). I valori effettivi delle schede "
    "dell'Unione sono DI ESEMPIO (il documento originale è in bianco)."
)


def _d(text: str | None, shift: int = 0) -> date | None:
    if not text:
        return None
    day = date.fromisoformat(text)
    if shift:
        try:
            day = day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            day = day.replace(year=day.year + shift, day=28)
    return day


def _dec(text: Any) -> Decimal | None:
    if text is None or text == "":
        return None
    return parse_decimal(str(text))


class _Loader:
    """Writes one seed JSON into an archive (direct inserts inside one transaction)."""

    def __init__(self, arc: Archive, data: dict[str, Any], shift: int, ente_id: int):
        self.arc, self.data, self.shift, self.ente_id = arc, data, shift, ente_id
        self.unita: dict[str, int] = {}
        self.persone: dict[str, int] = {}
        self.by_code: dict[str, int] = {}

    def ins(self, obj: Any) -> int:
        row = to_row(obj)
        return self.arc.rows.insert(obj.TABLE, row)

    def load(self, base_pos: int) -> None:
        for u in self.data.get("unita", []):
            self.unita[u["key"]] = self.ins(Unita(
                tipo=TipoUnita(u.get("tipo") or "settore"), nome=u["nome"], codice=u.get("codice"),
                ente_id=self.ente_id, posizione=len(self.unita),
                parent_id=self.unita.get(u.get("parent") or "")))
        for p in self.data.get("persone", []):
            pid = self.ins(Persona(
                cognome=p.get("cognome") or "", nome=p.get("nome") or "", titolo=p.get("titolo"),
                categoria=p.get("categoria"), ore_settimanali=_dec(p.get("ore_settimanali")),
                eq=bool(p.get("eq")), unita_id=self.unita.get(p.get("unita") or "")))
            self.persone[p["key"]] = pid
            for alias in dict.fromkeys(p.get("alias") or []):
                self.ins(AliasPersona(persona_id=pid, alias=alias))
        for u in self.data.get("unita", []):
            if u.get("responsabile") in self.persone:
                self.arc.rows.update("unita", self.unita[u["key"]],
                                     {"responsabile_id": self.persone[u["responsabile"]]})
        for pos, ob in enumerate(self.data.get("obiettivi", [])):
            self.obiettivo(ob, None, base_pos + pos)

    def obiettivo(self, ob: dict[str, Any], parent: int | None, pos: int) -> int:
        s = self.shift
        anni = [a + s for a in ob.get("anni") or []]
        oid = self.ins(Obiettivo(
            parent_id=parent, posizione=pos, ramo=Ramo(ob.get("ramo") or "obiettivi"),
            livello=Livello(ob.get("livello") or "operativo"), codice=ob.get("codice") or "",
            titolo=ob.get("titolo") or "", descrizione=ob.get("descrizione"),
            tipologia=list(ob.get("tipologia") or []), missione=ob.get("missione"),
            programma=ob.get("programma"), anni=anni, stakeholder=ob.get("stakeholder"),
            altri_settori=ob.get("altri_settori"), unita_id=self.unita.get(ob.get("unita") or ""),
            responsabile_id=self.persone.get(ob.get("responsabile") or ""),
            peso=_dec(ob.get("peso")), inizio_previsto=_d(ob.get("inizio_previsto"), s),
            fine_prevista=_d(ob.get("fine_prevista"), s),
            inizio_effettivo=_d(ob.get("inizio_effettivo"), s),
            fine_effettiva=_d(ob.get("fine_effettiva"), s), trasversale=bool(ob.get("trasversale")),
            stato=ob.get("stato"), flags=list(ob.get("flags") or []),
            # a blank cell of the source (null) is no value: never the text "None"
            extra={k: str(v) for k, v in (ob.get("extra") or {}).items() if v is not None}))
        self.by_code[ob.get("codice") or str(oid)] = oid
        for i, f in enumerate(ob.get("fasi") or []):
            self.ins(Fase(obiettivo_id=oid, posizione=i, descrizione=f.get("descrizione") or "",
                          scadenza=_d(f.get("scadenza"), s),
                          inizio_previsto=_d(f.get("inizio_previsto"), s),
                          fine_prevista=_d(f.get("fine_prevista"), s),
                          perc_realizzazione=_dec(f.get("perc_realizzazione"))))
        for i, ind in enumerate(ob.get("indicatori") or []):
            tipo = TipoIndicatore(ind.get("tipo") or "numero")
            iid = self.ins(Indicatore(
                obiettivo_id=oid, posizione=i, descrizione=ind.get("descrizione") or "",
                formula=ind.get("formula"), tipo=tipo,
                polarita=Polarita(ind.get("polarita") or "crescente"),
                aggregazione=Aggregazione(ind.get("aggregazione") or "somma"),
                peso=_dec(ind.get("peso")), unita_misura=ind.get("unita_misura"),
                fonte=ind.get("fonte")))
            for m in ind.get("misure") or []:
                self.ins(Misura(indicatore_id=iid, anno=int(m["anno"]) + s,
                                periodo=m.get("periodo") or "",
                                target_testo=m.get("target"), target=parse_valore(m.get("target"), tipo),
                                valore_testo=m.get("valore"), valore=parse_valore(m.get("valore"), tipo)))
        for a in ob.get("assegnazioni") or []:
            self.ins(Assegnazione(obiettivo_id=oid, persona_id=self.persone.get(a.get("persona") or ""),
                                  data_inizio=_d(a.get("data_inizio"), s),
                                  data_fine=_d(a.get("data_fine"), s), impegno=_dec(a.get("impegno")),
                                  responsabile=bool(a.get("responsabile"))))
        for r in ob.get("roster") or []:
            if r.get("persona") in self.persone:
                self.ins(Assegnazione(obiettivo_id=oid, persona_id=self.persone[r["persona"]],
                                      ruolo="collaboratore della scheda"))
        for pos, child in enumerate(ob.get("figli") or []):
            self.obiettivo(child, oid, pos)
        self._monitoraggio(oid, ob)
        return oid

    def _monitoraggio(self, oid: int, ob: dict[str, Any]) -> None:
        rounds = ob.get("monitoraggio") or []
        for r in rounds:
            mid = self.arc.db.conn.execute(
                "SELECT id FROM monitoraggi WHERE nome = ?", (_ROUND_NAMES[int(r["round"])],)).fetchone()
            self.ins(StatoAvanzamento(monitoraggio_id=mid[0], obiettivo_id=oid,
                                      relazione_settore=r.get("relazione_settore"),
                                      osservazioni_nucleo=r.get("osservazioni_nucleo"),
                                      risposta_settore=r.get("risposta_settore")))


_ROUND_NAMES = {1: "Primo stato di avanzamento", 2: "Secondo stato di avanzamento"}


def _read(name: str) -> dict[str, Any] | None:
    path = resource("demo", name)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def build_demo(path: Path | str) -> Archive:
    """Create the demo plan at ``path`` and return it open."""
    d003 = _read("seed003.json")
    d002 = _read("seed002.json")
    if d003 is None:
        raise FileNotFoundError(resource("demo", "seed003.json"))
    p = d003["piano"]
    anno = int(p["anno_inizio"])
    e = d003["ente"]
    arc = Archive.create(path, Piano(titolo="Piano della Performance 2025/2027 (dimostrativo)",
                                     anno_inizio=anno, anno_fine=int(p["anno_fine"]),
                                     stato=StatoPiano.MONITORAGGIO, atto_tipo="Deliberazione di Giunta",
                                     note=NOTE_DEMO),
                         Ente(nome=e["nome"], tipo=TipoEnte(e.get("tipo") or "unione")))
    with arc.transazione("Crea piano dimostrativo", "piano", None):
        ente_id = arc.piano().ente_id or 1
        for comune in e.get("comuni_membri") or []:
            arc.rows.insert("enti", to_row(Ente(nome=f"Comune di {comune}", tipo=TipoEnte.COMUNE,
                                                parent_id=ente_id)))
        for n, when in ((1, date(anno, 6, 30)), (2, date(anno, 12, 31))):
            arc.rows.insert("monitoraggi", to_row(Monitoraggio(nome=_ROUND_NAMES[n], data=when,
                                                               anno=anno)))
        l003 = _Loader(arc, d003, 0, ente_id)
        l003.load(0)
        for ob in _flatten(d003.get("obiettivi", [])):
            if ob.get("trasversale"):
                oid = l003.by_code[ob["codice"]]
                for uid in l003.unita.values():
                    arc.rows.insert("obiettivi_unita", to_row(ObiettivoUnita(obiettivo_id=oid,
                                                                              unita_id=uid)))
        _apply_examples(arc, l003, anno)
        if d002 is not None:
            e2 = d002["ente"]
            ente2 = arc.rows.insert("enti", to_row(Ente(nome=e2["nome"], tipo=TipoEnte.COMUNE)))
            shift = anno - int(d002["piano"]["anno_inizio"])
            l002 = _Loader(arc, d002, shift, ente2)
            roots_obj = arc.count(Obiettivo, "parent_id IS NULL AND ramo = 'obiettivi'")
            l002.load(roots_obj)
            # seed 002 roots in the "attivita" branch restart at 0
            _renumber_roots(arc)
            for ob in _flatten(d002.get("obiettivi", [])):
                val = ob.get("perc_convalidata")
                if val:
                    arc.rows.insert("valutazioni", to_row(Valutazione(
                        obiettivo_id=l002.by_code[ob["codice"]], anno=anno,
                        perc_validata=parse_decimal(val), valutatore="Nucleo di Valutazione",
                        motivo="% convalidata dal Nucleo di Valutazione (come stampata)")))
        _apply_strategici(arc, l003)  # after seed 002, whose ids the tests name
        _apply_valutazione(arc, l003, anno)
    _apply_valore_pubblico(arc)
    _apply_vocabolario(arc)
    _apply_variazione(arc, anno)
    return arc


_PARAMETRI_001 = """- numero di reversali di incasso (2.267 al 31.12.2022)
- numero di mandati di pagamento (4.281 al 31.12.2022)
- numero di atti pubblicati (686 determine e 152 delibere al 31.12.2022)
- numero di verbali del Revisore dei conti (22 al 31.12.2022)"""


def _apply_vocabolario(arc: Archive) -> None:
    """Issue 18 on the demo: seed 002's Responsabile Operativo and approval phase as fields (their
    text stays in ``extra`` as imported), and a risk graded as seed 001 does."""
    with arc.transazione("Vocabolario PIAO del piano dimostrativo", "obiettivi", None):
        for o in arc.obiettivi():
            extra = o.extra or {}
            values: dict[str, object] = {}
            if extra.get("Responsabile Operativo"):
                p = arc.trova_persona(extra["Responsabile Operativo"])
                if p is not None:
                    values["responsabile_operativo_id"] = p.id
            if extra.get("Fase"):
                values["fase_approvazione"] = extra["Fase"]
            if o.codice == "TS.1":  # contracts: a MEDIA risk and its measure (seed 001's grading)
                values.update(rischio_corruttivo=1, rischio_livello="MEDIA",
                              rischio_misura="Solo piattaforme di approvvigionamento digitale certificate; "
                                             "pubblicazione tempestiva degli affidamenti",
                              accessibilita_digitale=1, semplificazione=1)
            if o.codice == "PC.2":  # the staffing plan: equal opportunities in hiring
                values["pari_opportunita"] = 1
            if values and o.id is not None:
                arc.rows.update("obiettivi", o.id, values)
        # seed 001 L140-L143: the PARAMETRI of a financial service, as that plan lists them
        from ..domain.parametri import da_righe

        fin = next((u for u in arc.unita() if "FINANZIAR" in (u.nome or "").upper()), None)
        if fin is not None:
            righe, _scarti = da_righe(_PARAMETRI_001, fin.id)
            for pos, par in enumerate(righe):
                par.posizione = pos
                arc.rows.insert("parametri", to_row(par))


#: PIAO 2.1 (issue 18): the demo's obiettivi di valore pubblico and the codes of the objectives
#: serving them (illustrative: seeds 002/003 print no section 2.1)
_VALORE_PUBBLICO = (
    ("VP1", "Un'amministrazione digitale, trasparente e tempestiva", "Digitale",
     "Linea 1 – Innovazione e semplificazione", "Digitalizzare i procedimenti e ridurre i tempi",
     ("TS.1", "TS.2", "OE0527")),
    ("VP2", "Un territorio sicuro e protetto", "Sociale", "Linea 2 – Sicurezza e protezione civile",
     "Prevenzione e presidio del territorio", ("PC.1", "PL.1", "PL.2")),
    ("VP3", "Servizi sociali accessibili e vicini alle famiglie", "Sociale",
     "Linea 3 – Welfare di comunità", "Rafforzare la rete dei servizi dell'Unione", ("SS.0",)),
)


def _apply_valore_pubblico(arc: Archive) -> None:
    from ..domain.valore_pubblico import LegameValorePubblico, ObiettivoValorePubblico

    by_code = {o.codice: o.id for o in arc.obiettivi() if o.parent_id is None}
    with arc.transazione("Obiettivi di valore pubblico del piano dimostrativo", "valore_pubblico", None):
        for pos, (cod, titolo, ambito, linea, indirizzo, codici) in enumerate(_VALORE_PUBBLICO):
            vid = arc.rows.insert("valore_pubblico", to_row(ObiettivoValorePubblico(
                posizione=pos, codice=cod, titolo=titolo, ambito=ambito, linea_dup=linea,
                indirizzo_dup=indirizzo, responsabile_politico="Presidente dell'Unione")))
            for c in codici:
                oid = by_code.get(c)
                if oid:
                    arc.rows.insert("vp_obiettivi", to_row(LegameValorePubblico(vp_id=vid, obiettivo_id=oid)))


def _apply_variazione(arc: Archive, anno: int) -> None:
    """One variation during the year (issue 18): a fase postponed by a Giunta's act, recorded
    field by field like any user's edit."""
    from ..domain.variazioni import Variazione
    from . import variazioni as var
    from .edits import Batch, SetFields

    # the social services' «Giovani e Comuni» project (31/12 of next year): the partners asked for six
    # more months
    fase = next((f for f in arc.fasi() if "Giovani e Comuni" in f.descrizione and f.scadenza is not None), None)
    if fase is None or fase.id is None or fase.scadenza is None:
        return
    arc.apply(var.ApriVariazione(Variazione(
        atto_tipo="Deliberazione di Giunta", atto_numero="98", atto_data=date(anno, 9, 25),
        motivo="Richiesta del responsabile pervenuta entro il 30/09: conclusione del progetto «Giovani e "
               "Comuni» posticipata di sei mesi su richiesta dei partner")))
    nuova = max(fase.scadenza, date(anno + 2, 6, 30))
    arc.apply(Batch([SetFields(Fase, fase.id, {"scadenza": nuova, "fine_prevista": nuova})],
                    "Posticipa la fase (variazione)"))
    arc.apply(var.ChiudiVariazione())


def _renumber_roots(arc: Archive) -> None:
    for ramo in ("obiettivi", "attivita"):
        ids = [r[0] for r in arc.db.conn.execute(
            "SELECT id FROM obiettivi WHERE parent_id IS NULL AND ramo = ? ORDER BY posizione, id",
            (ramo,))]
        for pos, oid in enumerate(ids):
            arc.rows.update("obiettivi", oid, {"posizione": pos})


def _flatten(obs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for ob in obs:
        out.append(ob)
        out.extend(_flatten(ob.get("figli") or []))
    return out


def _apply_examples(arc: Archive, loader: _Loader, anno: int) -> None:
    """Illustrative year-end values for seed 003 (its document is blank)."""
    ex = _read("esempio003.json")
    if not ex:
        return
    for code, spec in ex.get("obiettivi", {}).items():
        oid = loader.by_code.get(code)
        if oid is None:
            continue
        fasi = arc.fasi(oid)
        for fase, perc in zip(fasi, spec.get("fasi", []), strict=False):
            if perc is not None:
                arc.rows.update("fasi", fase.id or 0, {"perc_realizzazione": str(Decimal(str(perc)))})
        inds = arc.indicatori(oid)
        for ind, valore in zip(inds, spec.get("valori", []), strict=False):
            if valore is None:
                continue
            arc.db.conn.execute(
                "UPDATE misure SET valore_testo = ?, valore = ? WHERE indicatore_id = ? AND anno = ? "
                "AND periodo = ''",
                (valore, _enc(parse_valore(valore, ind.tipo)), ind.id, anno))
        if spec.get("punteggio") is not None:
            arc.rows.insert("valutazioni", to_row(Valutazione(
                obiettivo_id=oid, anno=anno, punteggio=Decimal(str(spec["punteggio"])),
                valutatore="Nucleo di Valutazione (esempio)")))
    for uid_key, rows in ex.get("risorse", {}).items():
        oid = loader.by_code.get(uid_key)
        for r in rows if oid else []:
            arc.rows.insert("risorse", to_row(Risorsa(obiettivo_id=oid or 0, anno=anno, **{  # type: ignore[arg-type]
                k: (_dec(v) if k not in ("descrizione", "tipo", "capitolo") else v)
                for k, v in r.items()})))


def _enc(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------- the valuation cycle (example)


def _apply_strategici(arc: Archive, loader: _Loader) -> None:
    """Weights of the 003 schede and one strategico over its operativi (example values)."""
    ex = _read("valutazione.json")
    if not ex:
        return
    for code, peso in ex.get("pesi", {}).items():
        if code in loader.by_code:
            arc.rows.update("obiettivi", loader.by_code[code], {"peso": str(Decimal(peso))})
    for code, param in ex.get("parametri", {}).items():
        if code in loader.by_code:
            o = arc.obiettivo(loader.by_code[code])
            extra = dict(o.extra or {}) if o else {}
            extra["Parametro di riferimento"] = param
            arc.rows.update("obiettivi", loader.by_code[code], {"extra": json.dumps(extra, ensure_ascii=False)})
    for st in ex.get("strategici", []):
        kids = [loader.by_code[c] for c in st["figli"] if c in loader.by_code]
        if not kids:
            continue
        first = arc.obiettivo(kids[0])
        sid = loader.ins(Obiettivo(
            parent_id=None, posizione=first.posizione if first else 0, livello=Livello.STRATEGICO,
            codice=st["codice"], titolo=st["titolo"], descrizione=st.get("descrizione"),
            unita_id=loader.unita.get(st.get("unita") or ""), anni=list(first.anni if first else []),
            responsabile_id=first.responsabile_id if first else None))
        loader.by_code[st["codice"]] = sid
        for pos, kid in enumerate(kids):
            arc.rows.update("obiettivi", kid, {"parent_id": sid, "posizione": pos})
    _renumber_roots(arc)
    # 003 lists each settore's staff, not who works on which objective: as an example, each
    # person works on their settore's own operativi in equal shares
    assigned = {a.persona_id for a in arc.assegnazioni()}
    for _key, uid in loader.unita.items():
        own = [o.id for o in arc.obiettivi() if o.unita_id == uid and not o.trasversale
               and not arc.figli_ids(o.id)]
        if not own:
            continue
        share = (Decimal(100) / len(own)).quantize(Decimal("0.01"))
        for p in arc.persone():
            if p.unita_id == uid and p.id not in assigned:
                for oid in own:
                    loader.ins(Assegnazione(obiettivo_id=oid or 0, persona_id=p.id, impegno=share,
                                            responsabile=False))


def _apply_valutazione(arc: Archive, loader: _Loader, anno: int) -> None:
    """Example SMVP categories, organisational performance, scores and cycle steps."""
    ex = _read("valutazione.json")
    if not ex:
        return
    base = json.loads(arc.sistema_valutazione().to_json())
    base.update(ex.get("sistema", {}))
    sistema = SistemaValutazione.from_json(json.dumps(base))
    arc.rows.set_setting("sistema_valutazione", sistema.to_json())
    for pos, voce in enumerate(ex.get("organizzativa", [])):
        vid = loader.ins(VoceOrganizzativa(livello=LivelloOrganizzativo.ENTE, posizione=pos,
                                           codice=voce["codice"], nome=voce["nome"],
                                           fonte=FonteVoce(voce.get("fonte") or FonteVoce.INDICATORI)))
        for i, spec in enumerate(voce.get("indicatori", [])):
            tipo = TipoIndicatore(spec.get("tipo") or "percentuale")
            iid = loader.ins(IndicatoreOrganizzativo(
                voce_id=vid, posizione=i, nome=spec["nome"], formula=spec.get("formula"), tipo=tipo,
                polarita=Polarita(spec.get("polarita") or "crescente"),
                unita_misura="%" if tipo == TipoIndicatore.PERCENTUALE else None))
            loader.ins(ValoreOrganizzativo(
                indicatore_id=iid, anno=anno, target_testo=spec.get("target"),
                target=parse_valore(spec.get("target"), tipo), valore_testo=spec.get("valore"),
                valore=parse_valore(spec.get("valore"), tipo)))
    persone = arc.persone()
    for p in persone:
        area = area_da_categoria(p.categoria)
        if area is not None:
            arc.rows.update("persone", p.id or 0, {"area": area.value})
    responsabili = {u.responsabile_id for u in arc.unita() if u.responsabile_id}
    senza = {c.upper() for c in ex.get("senza_comportamenti", [])}
    riesame = ex.get("riesame") or {}
    osserv = ex.get("osservazioni") or {}
    for p in persone:
        area = area_da_categoria(p.categoria)
        cat = sistema.categoria(area.value if area else None, p.id in responsabili)
        rid = loader.ins(ValutazioneIndividuale(persona_id=p.id or 0, anno=anno))
        passi: list[tuple[PassoCiclo, date, str | None, str | None]] = [
            (PassoCiclo.ASSEGNAZIONE, date(anno, 1, 31), None, None),
            (PassoCiclo.VERIFICA_INTERMEDIA, date(anno, 7, 15),
             "Colloquio intermedio: obiettivi in linea con il cronoprogramma.", None)]
        if p.cognome.upper() not in senza:
            for i, c in enumerate(sistema.comportamenti_di(cat)):
                score = 18 + ((p.id or 0) * 7 + i * 5) % 13  # 18..30, deterministic
                if riesame and p.cognome.upper() == riesame["persona"].upper() and "Collaborazione" in c.nome:
                    score = 26
                loader.ins(PunteggioComportamento(valutazione_id=rid, comportamento=c.nome,
                                                  punteggio=Decimal(score)))
            passi += [(PassoCiclo.VALUTAZIONE_FINALE, date(anno + 1, 1, 30), None, None),
                      (PassoCiclo.PRESA_VISIONE, date(anno + 1, 2, 6), None, None)]
            if osserv and p.cognome.upper() == osserv["persona"].upper():
                passi.append((PassoCiclo.OSSERVAZIONI, date(anno + 1, 2, 10), osserv["testo"], None))
            if riesame and p.cognome.upper() == riesame["persona"].upper():
                passi += [(PassoCiclo.RICHIESTA_RIESAME, date(anno + 1, 2, 16), riesame["richiesta"], None),
                          (PassoCiclo.ESITO_RIESAME, date(anno + 1, 3, 9), riesame["testo"],
                           riesame.get("esito"))]
        for passo, when, testo, esito in passi:
            loader.ins(PassoValutazione(valutazione_id=rid, passo=passo, data=when, testo=testo, esito=esito))
