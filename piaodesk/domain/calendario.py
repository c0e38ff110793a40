"""The plan's legal calendar: the PIAO cycle's deadlines, configurable per ente (issue 18 point 9).

Defaults (each can be changed or switched off in the plan's settings, as a dict like
:data:`PREDEFINITE` — an Unione with its own regulation moves its dates):

- PIAO adopted by 31 January (art. 6 c. 2 D.L. 80/2021; DM 30/6/2022 n. 132 art. 7 c. 1), or
  within 30 days of the bilancio's approval when it is deferred (art. 8 c. 2 DM 132/2022);
- intermediate monitoring (art. 6 D.Lgs. 150/2009; the SMVP fixes the dates: 30 June is usual);
- variation requests by 30 September (seed 002: «richiesta di variazione entro il 30/09»);
- PEG variations by 15 December (art. 175 c. 9 TUEL);
- Relazione sulla performance by 30 June of the next year (art. 10 c. 1 lett. b D.Lgs. 150/2009)
  and its validation by the Nucleo/OIV (art. 14 c. 4 lett. c), by default on the same date.
Pure: the caller gives the plan's year and ``oggi``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .formats import format_date


@dataclass(frozen=True, slots=True)
class RegolaCalendario:
    chiave: str
    nome: str
    giorno: int
    mese: int
    #: 0 = the plan's year, 1 = the following year, -1 = the year before
    anno_relativo: int = 0
    fonte: str = ""
    attiva: bool = True


PREDEFINITE: tuple[RegolaCalendario, ...] = (
    RegolaCalendario("piao", "Adozione del PIAO", 31, 1, 0,
                     "art. 6 c. 2 D.L. 80/2021; art. 7 DM 132/2022"),
    RegolaCalendario("monitoraggio", "Monitoraggio intermedio", 30, 6, 0,
                     "art. 6 D.Lgs. 150/2009; date fissate dal SMVP"),
    RegolaCalendario("variazioni", "Termine per le richieste di variazione degli obiettivi", 30, 9, 0,
                     "SMVP (seed 002: «entro il 30/09»)"),
    RegolaCalendario("variazioni_peg", "Ultime variazioni del PEG", 15, 12, 0, "art. 175 c. 9 TUEL"),
    RegolaCalendario("relazione", "Relazione sulla performance", 30, 6, 1,
                     "art. 10 c. 1 lett. b D.Lgs. 150/2009"),
    RegolaCalendario("validazione", "Validazione della Relazione (Nucleo di valutazione/OIV)", 30, 6, 1,
                     "art. 14 c. 4 lett. c D.Lgs. 150/2009"),
)


@dataclass(frozen=True, slots=True)
class ScadenzaLegale:
    chiave: str
    nome: str
    data: date
    fonte: str

    def giorni_mancanti(self, oggi: date) -> int:
        """Days left (negative once past)."""
        return (self.data - oggi).days

    def stato(self, oggi: date) -> str:
        """One Italian phrase: «tra 12 giorni», «oggi», «scaduta da 3 giorni»."""
        n = self.giorni_mancanti(oggi)
        if n == 0:
            return "oggi"
        if n > 0:
            return "domani" if n == 1 else f"tra {n} giorni"
        return "scaduta ieri" if n == -1 else f"scaduta da {-n} giorni"

    @property
    def etichetta(self) -> str:
        return f"{format_date(self.data)} — {self.nome}"


def _data(regola: RegolaCalendario, anno: int) -> date:
    y = anno + regola.anno_relativo
    # 29 February in a common year falls back to the 28th (never an invalid date)
    try:
        return date(y, regola.mese, regola.giorno)
    except ValueError:
        return date(y, regola.mese, 28)


def scadenze_legali(anno: int, regole: tuple[RegolaCalendario, ...] | list[RegolaCalendario] = PREDEFINITE,
                    *, approvazione_bilancio: date | None = None) -> list[ScadenzaLegale]:
    """The year's legal deadlines, in date order.

    ``approvazione_bilancio``: when the budget was approved late, the PIAO's deadline becomes
    30 days after it (art. 8 c. 2 DM 132/2022) if that is later than 31 January.
    """
    out = []
    for r in regole:
        if not r.attiva:
            continue
        quando = _data(r, anno)
        fonte = r.fonte
        if r.chiave == "piao" and approvazione_bilancio is not None:
            differita = approvazione_bilancio + timedelta(days=30)
            if differita > quando:
                quando = differita
                fonte = f"{fonte}; 30 giorni dall'approvazione del bilancio ({format_date(approvazione_bilancio)})"
        out.append(ScadenzaLegale(r.chiave, r.nome, quando, fonte))
    return sorted(out, key=lambda s: (s.data, s.nome))


def regole_da_impostazioni(valori: Mapping[str, object] | None) -> list[RegolaCalendario]:
    """The ente's calendar: the defaults overridden by the plan setting
    (``{"relazione": "15/06", "variazioni_peg": None}``).

    A value ``None`` or ``""`` switches a deadline off; a ``"gg/mm"`` moves it. An unreadable value
    raises ``ValueError`` with an Italian message (never ignored silently).
    """
    valori = valori or {}
    out = []
    for r in PREDEFINITE:
        if r.chiave not in valori:
            out.append(r)
            continue
        v = valori[r.chiave]
        if v is None or v == "":
            out.append(RegolaCalendario(r.chiave, r.nome, r.giorno, r.mese, r.anno_relativo, r.fonte, False))
            continue
        try:
            g, m = (int(x) for x in str(v).replace(".", "/").split("/")[:2])
            date(2024, m, g)  # a leap year: 29/02 is allowed
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Calendario, «{r.nome}»: «{v}» non è una data gg/mm") from exc
        out.append(RegolaCalendario(r.chiave, r.nome, g, m, r.anno_relativo, r.fonte + " (modificata dall'ente)"))
    unknown = set(valori) - {r.chiave for r in PREDEFINITE}
    if unknown:
        raise ValueError("Calendario: voci sconosciute " + ", ".join(sorted(unknown)))
    return out
