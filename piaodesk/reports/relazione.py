"""Relazione sulla Performance (art. 10 c. 1 lett. b D.Lgs. 150/2009) as PDF and .docx.

The usual structure: presentazione, contesto, risultati per obiettivo (target vs result, the
scostamenti with the settore's justification from the monitoring texts), sintesi per unità,
performance organizzativa e individuale, differenziazione delle valutazioni, pari opportunità,
processo. Every % comes from the valuation (``QuadroValutazioni``, ``Archive.percentuali``,
``Archive.risultato_obiettivo``): nothing is recomputed here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from ..domain.enums import Area2023, Ramo
from ..domain.formats import format_date, format_decimal, format_int, format_percent
from ..domain.model import Obiettivo, StatoAvanzamento
from ..store.archive import Archive
from ..store.valutazioni import TUTTI, QuadroValutazioni
from .documento import Documento, Firme, Grafico, Tabella, Testo, Titolo, scrivi_docx, scrivi_pdf_documento
from .fine_anno import nome_ente
from .grafici import barre

CENTO = Decimal(100)


def _giustificazione(archive: Archive, oid: int, date_round: Mapping[int | None, object]) -> str:
    """The settore's latest words on an objective: its relazione or its reply to the Nucleo."""
    stati: list[StatoAvanzamento] = archive.stati_avanzamento(oid)
    stati.sort(key=lambda s: str(date_round.get(s.monitoraggio_id) or ""))
    for s in reversed(stati):
        testo = (s.risposta_settore or s.relazione_settore or "").strip()
        if testo:
            return testo
    return ""


def _motivazioni(archive: Archive, q: QuadroValutazioni, o: Obiettivo, date_round: Mapping[int | None, object]) -> str:
    """The justification of an objective, else those of its sub-objectives that are short of 100 %."""
    own = _giustificazione(archive, o.id or 0, date_round)
    if own:
        return own
    parti = []
    coda = list(q.figli.get(o.id, []))
    while coda:
        cid = coda.pop(0)
        coda[:0] = q.figli.get(cid, [])
        perc = q.perc.get(cid)
        if perc is not None and perc >= CENTO:
            continue
        testo = _giustificazione(archive, cid, date_round)
        if testo:
            parti.append(f"{q.obiettivi[cid].codice or q.obiettivi[cid].titolo}: {testo}")
    return "\n".join(parti)


def _val(testo: str | None, valore: Decimal | None) -> str:
    return testo or format_decimal(valore, None) if (testo or valore is not None) else "—"


def documento_relazione(archive: Archive, anno: int | None = None) -> Documento:
    q = QuadroValutazioni(archive, anno)
    anno = q.anno
    piano = q.piano
    ente = nome_ente(archive)
    doc = Documento(ente, f"Relazione sulla Performance {anno}", piano.titolo)
    obiettivi = [o for o in q.obiettivi.values() if o.ramo == Ramo.OBIETTIVI]
    valutazioni = q.tutte()

    # 1 presentazione
    doc.add(Titolo("1. Presentazione"),
            Testo(f"La Relazione sulla Performance rendiconta i risultati organizzativi e individuali "
                  f"raggiunti nel {anno} rispetto agli obiettivi del piano «{piano.titolo}» (triennio "
                  f"{piano.triennio}), con gli scostamenti e le loro ragioni. È approvata dall'organo di "
                  "indirizzo e validata dal Nucleo di Valutazione (art. 14 c. 4 lett. c D.Lgs. 150/2009)."))
    if piano.atto_tipo:
        doc.add(Testo(f"Piano approvato con {piano.atto_tipo} n. {piano.atto_numero or '—'} del "
                      f"{format_date(piano.atto_data) or '—'}."))
    # 2 contesto
    n_ind = sum(1 for _ in archive.indicatori())
    doc.add(Titolo("2. Contesto"),
            Tabella(["Elemento", "Numero"], [
                ["Unità organizzative", format_int(len(q.unita))],
                ["Obiettivi (tutti i livelli)", format_int(len(obiettivi))],
                ["Indicatori", format_int(n_ind)],
                ["Personale valutato", format_int(len(valutazioni))],
            ], (0.5, 0.2), destra=frozenset({1})))
    # 3 risultati per obiettivo
    doc.add(Titolo("3. Risultati per obiettivo"),
            Testo("Per ogni obiettivo: target e risultato degli indicatori, % di raggiungimento; gli "
                  "scostamenti (raggiungimento sotto il 100 %) riportano la motivazione del settore dai "
                  "testi del monitoraggio."))
    date_round = {m.id: m.data for m in archive.monitoraggi()}
    for uid in [*q.unita_con_schede()]:
        scheda = q.scheda(uid)
        if not scheda.righe:
            continue
        doc.add(Titolo(scheda.nome, 2))
        righe: list[list[str]] = []
        scost: list[tuple[Obiettivo, Decimal | None, str]] = []
        for r in scheda.righe:
            o = r.obiettivo
            ris = archive.risultato_obiettivo(o.id or 0, anno)
            if not ris.indicatori:
                righe.append([o.codice, o.titolo, "(nessun indicatore)", "", "", format_percent(r.perc)])
            for k, ri in enumerate(ris.indicatori):
                a = ri.annuale
                righe.append([o.codice if k == 0 else "", o.titolo if k == 0 else "", ri.indicatore.descrizione,
                              _val(a.target_testo, a.target),
                              _val(a.valore_testo, a.valore), format_percent(ri.perc)])
            if r.perc is None or r.perc < CENTO:
                scost.append((o, r.perc, _motivazioni(archive, q, o, date_round)))
        doc.add(Tabella(["Codice", "Obiettivo", "Indicatore", "Target", "Risultato", "Raggiung."], righe,
                        (0.09, 0.27, 0.3, 0.11, 0.11, 0.12), destra=frozenset({3, 4, 5})))
        doc.add(Testo(scheda.frase()))
        for o, perc, motivo in scost:
            quanto = format_percent(perc) if perc is not None else "non misurato"
            doc.add(Testo(f"Scostamento {o.codice} ({quanto}): "
                          + (motivo or "il settore non ha motivato lo scostamento nei monitoraggi."), nota=True))
    # 4 sintesi per unità
    per_unita = [(q.scheda(uid).nome, q.scheda(uid).risultato.perc) for uid in q.unita_con_schede()
                 if q.scheda(uid).righe and uid != TUTTI]
    doc.add(Titolo("4. Sintesi per unità organizzativa"),
            Tabella(["Unità", "Risultato della scheda obiettivi"],
                    [[n, format_percent(p) if p is not None else "non disponibile"] for n, p in per_unita],
                    (0.6, 0.3), destra=frozenset({1})),
            Grafico(barre([n for n, _ in per_unita], [p for _, p in per_unita], titolo="Avanzamento per settore",
                          asse_y="%", percentuali=True, orizzontale=True,
                          altezza_cm=max(5.0, 1.0 + 0.8 * len(per_unita))), 0.9))
    # 5 performance organizzativa e individuale
    sintesi = q.sintesi()
    righe_org = [[v.voce.codice, v.voce.nome, format_decimal(v.voce.peso, None),
                  format_percent(v.perc) if v.perc is not None else "non disponibile"] for v in sintesi.voci]
    righe_org.append(["", "Performance organizzativa dell'ente", "",
                      format_percent(sintesi.perc) if sintesi.perc is not None else "non disponibile"])
    doc.add(Titolo("5. Performance organizzativa e individuale"), Titolo("Performance organizzativa", 2),
            Tabella(["Voce", "Descrizione", "Peso", "Risultato"], righe_org, (0.1, 0.55, 0.1, 0.2),
                    destra=frozenset({2, 3}), totale=True))
    if sintesi.mancanti:
        doc.add(Testo("Mancano: " + "; ".join(sintesi.mancanti) + ".", nota=True))
    per_cat: dict[str, list[Decimal]] = {}
    incomplete = 0
    for v in valutazioni:
        if v.esito.finale is None:
            incomplete += 1
        else:
            per_cat.setdefault(v.esito.categoria, []).append(v.esito.finale)
    doc.add(Titolo("Performance individuale", 2),
            Tabella(["Categoria", "Persone valutate", "Valutazione media", "Minima", "Massima"],
                    [[c, format_int(len(xs)), format_percent(sum(xs) / len(xs)), format_percent(min(xs)),
                      format_percent(max(xs))] for c, xs in per_cat.items()],
                    (0.35, 0.15, 0.17, 0.15, 0.15), destra=frozenset({1, 2, 3, 4})))
    if incomplete:
        doc.add(Testo(f"Valutazioni incomplete: {format_int(incomplete)} (escluse dalle medie).", nota=True))
    # 6 differenziazione
    fasce = Counter(v.esito.fascia.lettera for v in valutazioni if v.esito.fascia)
    lettere = [f.lettera for f in q.sistema.fasce]
    tot = sum(fasce.values())
    doc.add(Titolo("6. Differenziazione delle valutazioni"),
            Tabella(["Fascia", "Persone", "Quota"],
                    [[f, format_int(fasce.get(f, 0)), format_percent(Decimal(fasce.get(f, 0)) * CENTO / tot)
                      if tot else ""] for f in lettere], (0.2, 0.2, 0.2), destra=frozenset({1, 2})),
            Grafico(barre(lettere, [Decimal(fasce.get(f, 0)) for f in lettere],
                          titolo="Distribuzione delle valutazioni per fascia", asse_y="persone"), 0.7))
    # 7 pari opportunità
    aree = Counter(v.persona.area for v in valutazioni)
    pt = sum(1 for v in valutazioni if v.persona.ore_settimanali is not None and v.persona.ore_settimanali < 36)
    doc.add(Titolo("7. Pari opportunità e benessere organizzativo"),
            Testo("Il piano non registra il genere del personale: i dati per genere, le azioni del piano "
                  "delle azioni positive e le indagini sul benessere organizzativo vanno inseriti dall'ente "
                  "nella versione modificabile (.docx) di questa relazione."),
            Tabella(["Area", "Persone"],
                    [[_area(a), format_int(n)] for a, n in sorted(aree.items(), key=lambda x: str(x[0]))]
                    + [["di cui a tempo parziale", format_int(pt)]], (0.5, 0.2), destra=frozenset({1})))
    # 8 processo
    mons = archive.monitoraggi()
    passi = Counter(v.passo_label for v in valutazioni)
    doc.add(Titolo("8. Processo di misurazione e valutazione"),
            Tabella(["Monitoraggio", "Data", "Stato", "Chiuso il"],
                    [[m.nome, format_date(m.data), str(getattr(m.stato, "label", m.stato)), format_date(m.chiuso_il)]
                     for m in mons] or [["nessun monitoraggio", "", "", ""]], (0.4, 0.15, 0.2, 0.15)),
            Tabella(["Fase del ciclo di valutazione individuale", "Persone"],
                    [[k, format_int(n)] for k, n in passi.most_common()], (0.5, 0.2), destra=frozenset({1})),
            Firme([("Il Segretario / Direttore generale", "Firma_Segretario"),
                   ("Il Presidente del Nucleo di Valutazione (validazione)", "Firma_Nucleo")]))
    return doc


def _area(a: str | None) -> str:
    try:
        return Area2023(a).label if a else "non indicata"
    except ValueError:
        return a or "non indicata"


def scrivi_relazione(archive: Archive, out: Path, anno: int | None = None) -> list[Path]:
    doc = documento_relazione(archive, anno)
    anno = anno or archive.piano().anno_inizio
    return [scrivi_pdf_documento(doc, out / f"relazione-performance-{anno}.pdf"),
            scrivi_docx(doc, out / f"relazione-performance-{anno}.docx")]
