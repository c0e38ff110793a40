"""Amministrazione trasparente (art. 20 D.Lgs. 33/2013): premi stanziati e distribuiti, premio
medio per categoria, grado di differenziazione, and the plan's objectives (art. 10 c. 8), as PDF
and CSV. Aggregated data only: no person is named (the premio of a person is not published).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..domain.enums import Ramo
from ..domain.formats import format_decimal, format_int, format_percent
from ..domain.premi import EsitoPremi
from ..store.archive import Archive
from ..store.valutazioni import QuadroValutazioni
from .documento import Documento, Tabella, Testo, Titolo, scrivi_pdf_documento
from .fine_anno import nome_ente, scrivi_csv

ZERO = Decimal(0)


def premi_per_categoria(esito: EsitoPremi) -> list[list[str]]:
    per: dict[str, list[Decimal]] = {}
    for p in esito.premi:
        per.setdefault(p.b.categoria, []).append(p.totale)
    out = []
    for cat, xs in per.items():
        con = [x for x in xs if x > 0]
        out.append([cat, format_int(len(xs)), format_int(len(con)), format_decimal(sum(xs, ZERO)),
                    format_decimal(sum(con, ZERO) / len(con)) if con else "0,00",
                    format_decimal(min(con)) if con else "", format_decimal(max(con)) if con else ""])
    return out


def righe_obiettivi(q: QuadroValutazioni) -> list[list[str]]:
    out = []
    for o in q.obiettivi.values():
        if o.ramo != Ramo.OBIETTIVI:
            continue
        u = q.unita.get(o.unita_id) if o.unita_id else None
        perc = q.perc.get(o.id or 0)
        out.append([o.codice, o.titolo, str(getattr(o.livello, "label", o.livello)), u.nome if u else "Tutti i settori",
                    format_decimal(o.peso, None), format_percent(perc) if perc is not None else "non disponibile"])
    return out


def scrivi_trasparenza(archive: Archive, esito: EsitoPremi, q: QuadroValutazioni, out: Path) -> list[Path]:
    anno = q.anno
    ente = nome_ente(archive)
    doc = Documento(ente, f"Amministrazione trasparente — Performance {anno}",
                    "Dati relativi ai premi (art. 20 D.Lgs. 33/2013) e obiettivi del piano")
    ammontare = [["Ammontare complessivo dei premi stanziati", format_decimal(esito.fondo)],
                 ["Ammontare dei premi effettivamente distribuiti", format_decimal(esito.distribuito)],
                 ["Non distribuito", format_decimal(esito.non_distribuito)]]
    cat_head = ["Categoria", "Valutati", "Con premio", "Premi distribuiti €", "Premio medio €", "Minimo €", "Massimo €"]
    cat_rows = premi_per_categoria(esito)
    fasce_head = ["Fascia", "Persone", "Premi €", "Premio medio €"]
    fasce_rows = [[f, format_int(n), format_decimal(s), format_decimal(m)] for f, n, s, m in esito.per_fascia()]
    ob_head = ["Codice", "Obiettivo", "Livello", "Unità", "Peso", "Risultato"]
    ob_rows = righe_obiettivi(q)
    doc.add(Titolo("Ammontare dei premi"), Tabella(["Voce", "Importo €"], ammontare, (0.6, 0.2), destra=frozenset({1})),
            Titolo("Premio per categoria di personale"),
            Tabella(cat_head, cat_rows, (0.28, 0.09, 0.1, 0.15, 0.13, 0.12, 0.12), destra=frozenset(range(1, 7))),
            Titolo("Grado di differenziazione"),
            Tabella(fasce_head, fasce_rows, (0.2, 0.15, 0.2, 0.2), destra=frozenset({1, 2, 3})),
            Testo(f"Indice di concentrazione (Gini) dei premi distribuiti: {format_decimal(esito.concentrazione, 4)} "
                  "(0 = premi tutti uguali)."),
            Titolo("Obiettivi del piano e risultati"),
            Tabella(ob_head, ob_rows, (0.1, 0.42, 0.12, 0.2, 0.06, 0.1), destra=frozenset({4, 5})),
            Testo("Dati in forma aggregata: i premi delle singole persone non sono pubblicati.", nota=True))
    return [scrivi_pdf_documento(doc, out / f"trasparenza-{anno}.pdf"),
            scrivi_csv(out / f"trasparenza-premi-{anno}.csv", ["Sezione", *cat_head],
                       [["Ammontare", r[0], r[1]] for r in ammontare]
                       + [["Categoria", *r] for r in cat_rows]
                       + [["Fascia", *r] for r in fasce_rows]
                       + [["Concentrazione (Gini)", format_decimal(esito.concentrazione, 4)]]),
            scrivi_csv(out / f"trasparenza-obiettivi-{anno}.csv", ob_head, ob_rows)]
