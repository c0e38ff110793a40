"""Generate a large, plausible plan file fast (benchmarks and scale tests).

``generate(path, settori=20, obiettivi_per_settore=500, ...)`` writes one
``.piao`` file in a single transaction straight through the store's low-level
writer (``archive._tx`` / ``archive._insert_row`` with ``codec.to_row``), so a
10.000-objective plan takes a few seconds. Content is deterministic (seeded).

Each settore holds ``obiettivi_per_settore`` objectives: one *strategico* parent
every ten, each followed by nine *operativi* children; every objective has
``fasi`` phases with deadlines spread over the first year, ``indicatori``
indicators with an annual target/actual, and two or three people assigned
with a % of their time.

CLI: ``python bench/generate.py OUT.piao [--scale 0.1]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from piaodesk.domain.enums import (
    Area2023,
    Livello,
    Polarita,
    Ramo,
    StatoPiano,
    TipoEnte,
    TipoIndicatore,
    TipoUnita,
)
from piaodesk.domain.model import (
    Assegnazione,
    Ente,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
    Persona,
    Piano,
    Unita,
)
from piaodesk.store.archive import Archive
from piaodesk.store.codec import to_row

__all__ = ["flat_table", "generate"]

_COGNOMI = ("ROSSI", "BIANCHI", "FERRARI", "ESPOSITO", "ROMANO", "COLOMBO", "RICCI", "MARINO",
            "GRECO", "BRUNO", "GALLO", "CONTI", "DE LUCA", "MANCINI", "COSTA", "GIORDANO",
            "RIZZO", "LOMBARDI", "MORETTI", "BARBIERI", "FONTANA", "SANTORO", "MARIANI")
_NOMI = ("MARIA", "GIUSEPPE", "ANNA", "ANTONIO", "GIOVANNA", "FRANCESCO", "LUCIA", "MARCO",
         "PAOLA", "LUCA", "ELENA", "ANDREA", "CHIARA", "ROBERTO", "SARA", "STEFANO")
_SETTORI = ("Affari generali", "Finanziario", "Polizia locale", "Servizi sociali", "Lavori pubblici",
            "Urbanistica", "Cultura", "Scuola", "Tributi", "Personale", "Ambiente", "Sport",
            "Attività produttive", "Informatica", "Demografici", "Patrimonio", "Turismo",
            "Protezione civile", "Legale", "Contratti")
_VERBI = ("Riduzione", "Digitalizzazione", "Revisione", "Attuazione", "Monitoraggio",
          "Potenziamento", "Semplificazione", "Aggiornamento")
_OGGETTI = ("dei tempi di pagamento", "delle procedure di gara", "del regolamento",
            "dello sportello al cittadino", "dei controlli", "dell'archivio",
            "della rete di videosorveglianza", "del piano triennale")
_CATEGORIE = (("ISTRUTTORE", Area2023.ISTRUTTORI), ("FUNZIONARIO EQ", Area2023.FUNZIONARI_EQ),
              ("OPERATORE", Area2023.OPERATORI), ("OPERATORE ESPERTO", Area2023.OPERATORI_ESPERTI))
_ORE = (Decimal(36), Decimal(36), Decimal(36), Decimal(30), Decimal(18))


def generate(path: Path | str, settori: int = 20, obiettivi_per_settore: int = 500,
             indicatori: int = 4, fasi: int = 3, persone: int = 300, *,
             anno: int = 2025, seed: int = 1) -> Path:
    """Write a new plan at ``path`` (replaced if it exists) and return the path."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rnd = random.Random(seed)
    arc = Archive.create(path, Piano(titolo=f"Piano di prova (generato, {settori * obiettivi_per_settore} "
                                            "obiettivi)", anno_inizio=anno, anno_fine=anno + 2,
                                     stato=StatoPiano.MONITORAGGIO),
                         Ente(nome="Comune di Prova", tipo=TipoEnte.COMUNE))
    try:
        with arc._tx("Genera piano di prova", "piano", None):
            _fill(arc, rnd, anno, max(1, settori), max(0, obiettivi_per_settore),
                  max(0, indicatori), max(0, fasi), max(1, persone))
    finally:
        arc.close()
    return path


def _fill(arc: Archive, rnd: random.Random, anno: int, n_settori: int, n_ob: int, n_ind: int,
          n_fasi: int, n_persone: int) -> None:
    ins = arc._insert_row
    start = date(anno, 1, 1)

    settori: list[int] = []
    for s in range(n_settori):
        uid = ins("unita", to_row(Unita(tipo=TipoUnita.SETTORE, posizione=s, codice=f"S{s + 1:02d}",
                                        nome=f"SETTORE {_SETTORI[s % len(_SETTORI)].upper()}"
                                             + (f" {s // len(_SETTORI) + 1}" if s >= len(_SETTORI) else ""))))
        settori.append(uid)
        ins("unita", to_row(Unita(parent_id=uid, tipo=TipoUnita.SERVIZIO, posizione=0,
                                  codice=f"S{s + 1:02d}-01", nome=f"Servizio {s + 1}.1")))

    persone_per_settore: dict[int, list[int]] = {u: [] for u in settori}
    for p in range(n_persone):
        uid = settori[p % n_settori]
        categoria, area = _CATEGORIE[p % len(_CATEGORIE)]
        pid = ins("persone", to_row(Persona(
            cognome=f"{_COGNOMI[p % len(_COGNOMI)]}{'' if p < len(_COGNOMI) else f' {p // len(_COGNOMI)}'}",
            nome=_NOMI[(p * 7) % len(_NOMI)], categoria=categoria, area=str(area),
            ore_settimanali=_ORE[p % len(_ORE)], eq=area == Area2023.FUNZIONARI_EQ, unita_id=uid)))
        persone_per_settore[uid].append(pid)
    for uid, pids in persone_per_settore.items():
        if pids:
            arc._update_row("unita", uid, {"responsabile_id": pids[0]})

    posizione_root = 0
    for s, uid in enumerate(settori):
        staff = persone_per_settore[uid] or [1]
        parent_id: int | None = None
        child_pos = 0
        for k in range(n_ob):
            is_parent = k % 10 == 0
            inizio = start + timedelta(days=rnd.randrange(0, 120))
            fine = min(date(anno + 1, 12, 31), inizio + timedelta(days=rnd.randrange(60, 420)))
            ob = Obiettivo(
                parent_id=None if is_parent else parent_id,
                posizione=posizione_root if is_parent else child_pos,
                ramo=Ramo.OBIETTIVI,
                livello=Livello.STRATEGICO if is_parent else Livello.OPERATIVO,
                codice=f"S{s + 1:02d}.{k // 10 + 1:03d}" + ("" if is_parent else f".{k % 10}"),
                titolo=f"{rnd.choice(_VERBI)} {rnd.choice(_OGGETTI)} ({k + 1})",
                anni=[anno], unita_id=uid, responsabile_id=staff[0],
                peso=None if is_parent else Decimal(rnd.choice((5, 10, 15, 20))),
                inizio_previsto=inizio, fine_prevista=fine)
            oid = ins("obiettivi", to_row(ob))
            if is_parent:
                parent_id, posizione_root, child_pos = oid, posizione_root + 1, 0
            else:
                child_pos += 1
            span = max(1, (fine - inizio).days)
            for f in range(n_fasi):
                scad = inizio + timedelta(days=span * (f + 1) // max(1, n_fasi))
                done = scad < date(anno, 6, 30) and rnd.random() < 0.7
                ins("fasi", to_row(Fase(
                    obiettivo_id=oid, posizione=f, descrizione=f"Fase {f + 1}: {rnd.choice(_VERBI).lower()}",
                    scadenza=scad, inizio_previsto=inizio + timedelta(days=span * f // max(1, n_fasi)),
                    perc_realizzazione=Decimal(100) if done else Decimal(rnd.choice((0, 25, 50, 75))),
                    fine_effettiva=scad if done else None)))
            for i in range(n_ind):
                tipo = TipoIndicatore.PERCENTUALE if i % 4 == 1 else TipoIndicatore.NUMERO
                pol = Polarita.DECRESCENTE if i % 4 == 3 else Polarita.CRESCENTE
                iid = ins("indicatori", to_row(Indicatore(
                    obiettivo_id=oid, posizione=i, descrizione=f"Indicatore {i + 1} dell'obiettivo",
                    tipo=tipo, polarita=pol, baseline=Decimal(rnd.randrange(0, 100)),
                    baseline_testo=None, peso=Decimal(25), fonte="Gestionale")))
                target = Decimal(rnd.randrange(10, 100))
                valore = Decimal(rnd.randrange(0, 110))
                ins("misure", to_row(Misura(indicatore_id=iid, anno=anno,
                                            target_testo=str(target), target=target,
                                            valore_testo=str(valore), valore=valore)))
            for pid in rnd.sample(staff, min(len(staff), rnd.choice((2, 3)))):
                ins("assegnazioni", to_row(Assegnazione(
                    obiettivo_id=oid, persona_id=pid, responsabile=pid == staff[0],
                    impegno=Decimal(rnd.choice(("0.5", "1", "1.5"))))))


def flat_table(path: Path | str, righe: int = 60_000, *, anno: int = 2025, indicatori: int = 4,
               seed: int = 1) -> Path:
    """Write a flat PIAO objectives/indicators table (``.xlsx``) of ``righe`` rows.

    The layout of a real exported table (seed 000 with a header row): one row per indicator,
    the objective's cells only on its first row, a *linea strategica* row per settore, 20
    settori with their responsabile, values as real documents write them (numbers, ``SI``/``NO``,
    ``80%``, ``90 giorni``). Written with the used range declared, as Excel and LibreOffice do.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    path = Path(path)
    rnd = random.Random(seed)
    header = ["Codice", "Obiettivo", "Descrizione", "Referente politico", "Responsabile",
              "Struttura", "Indicatore", "Tipo", "Fonte", "Baseline", f"Target {anno}",
              f"Target {anno + 1}", f"Target {anno + 2}"]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Obiettivi e indicatori")
    ref = f"A1:{get_column_letter(len(header))}{righe + 1}"
    ws.calculate_dimension = lambda: ref
    ws.append(header)
    n = 0
    settore = 0
    while n < righe:
        settore += 1
        nome = f"{_NOMI[settore % len(_NOMI)].capitalize()} {_COGNOMI[settore % len(_COGNOMI)].capitalize()}"
        struttura = f"Settore {_SETTORI[(settore - 1) % len(_SETTORI)]}"
        ws.append([str(settore), f"LINEA STRATEGICA {settore}: {struttura.upper()}"])
        n += 1
        k = 0
        while n < righe and k < 750:
            k += 1
            titolo = f"{rnd.choice(_VERBI)} {rnd.choice(_OGGETTI)} ({settore}.{k})"
            for j in range(indicatori):
                if n >= righe:
                    break
                head = [f"{settore}.{k}", titolo, f"Descrizione dell'obiettivo {settore}.{k}: {titolo}",
                        "Sindaco", f"Il Responsabile del Servizio Dott. {nome}", struttura] \
                    if j == 0 else [None] * 6
                kind = rnd.randrange(4)
                if kind == 0:
                    b = rnd.randrange(0, 200)
                    vals = ["NUMERO", str(b), str(b + 5), str(b + 10), str(b + 15)]
                elif kind == 1:
                    vals = ["S/NO", "NO", "SI", "SI", "SI"]
                elif kind == 2:
                    b = rnd.randrange(40, 90)
                    vals = ["PERCENTUALE", f"{b}%", f"{b + 2}%", f"{b + 4}%", f"{b + 6}%"]
                else:
                    b = rnd.randrange(30, 120)
                    vals = ["", f"{b} giorni", f"{b - 5} giorni", f"{b - 10} giorni", f"{b - 15} giorni"]
                ws.append([*head, f"Indicatore {j + 1} dell'obiettivo {settore}.{k}", vals[0],
                           f"Ufficio {struttura}", *vals[1:]])
                n += 1
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Genera un piano di prova di grandi dimensioni.")
    parser.add_argument("out", type=Path, help="file .piao da creare (sovrascritto)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fattore di scala (1 = 20 settori × 500 obiettivi, 300 persone)")
    parser.add_argument("--settori", type=int, default=20)
    parser.add_argument("--indicatori", type=int, default=4)
    parser.add_argument("--fasi", type=int, default=3)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    out = generate(args.out, settori=args.settori,
                   obiettivi_per_settore=max(1, round(500 * args.scale)),
                   indicatori=args.indicatori, fasi=args.fasi,
                   persone=max(10, round(300 * args.scale)))
    print(f"Piano generato: {out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
