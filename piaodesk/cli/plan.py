"""Plan sub-commands: demo, info, nuovo, apri (GUI)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..domain.formats import format_date
from ..fsio import atomic_open
from ..paths import default_plan_dir, user_config_file
from ..store.archive import Archive
from ..store.db import PLAN_SUFFIX, PlanUnreadable
from . import CliError
from . import anno as anno_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="crea (o riusa) il piano dimostrativo e lo apre")
    p.add_argument("--path", type=Path, help="file .piao da scrivere (predefinito: cartella utente)")
    p.add_argument("--no-gui", action="store_true", help="scrive soltanto il file, senza aprire la finestra")
    p.add_argument("--rigenera", action="store_true", help="ricrea il piano dimostrativo se esiste già")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="riepilogo di un piano (conteggi)")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="stampa in formato JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("nuovo", help="crea un piano vuoto")
    p.add_argument("file", type=Path)
    p.add_argument("--ente", default="Comune", help="nome dell'ente")
    p.add_argument("--anno", type=anno_arg, default=None, help="primo anno del triennio")
    p.add_argument("--titolo", default=None)
    p.set_defaults(func=cmd_nuovo)

    p = sub.add_parser("apri", help="apre un piano nella finestra principale")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(func=lambda a: open_gui(a.file))


def default_demo_path() -> Path:
    return default_plan_dir() / f"demo{PLAN_SUFFIX}"


def cmd_demo(args: argparse.Namespace) -> int:
    from ..store.demo import build_demo

    path: Path = args.path or default_demo_path()
    if path.exists() and not args.rigenera:
        Archive.open(path).close()  # validates it: a foreign file is refused, not overwritten
        print(f"Piano dimostrativo esistente: {path}")
    else:
        if path.exists():
            path.unlink()
            for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                extra.unlink(missing_ok=True)
        build_demo(path).close()
        print(f"Piano dimostrativo creato: {path}")
    if args.no_gui:
        return 0
    return open_gui(path)


def cmd_info(args: argparse.Namespace) -> int:
    with Archive.open(args.file, readonly=True) as arc:
        piano, ente, counts = arc.piano(), arc.ente(), arc.counts()
        if args.json:
            print(json.dumps({"titolo": piano.titolo, "ente": ente.nome if ente else None,
                              "triennio": piano.triennio, "stato": str(piano.stato), **counts},
                             ensure_ascii=False, indent=1))
            return 0
        print(f"Piano:        {piano.titolo}")
        print(f"Ente:         {ente.nome if ente else '—'}")
        print(f"Triennio:     {piano.triennio}")
        print(f"Stato:        {piano.stato.label}")
        if piano.atto_numero or piano.atto_data:
            print(f"Approvato con: {piano.atto_tipo or 'atto'} n. {piano.atto_numero or '—'}"
                  f" del {format_date(piano.atto_data)}")
        labels = [("settori", "Settori/aree"), ("unita", "Unità organizzative"),
                  ("obiettivi", "Obiettivi"), ("attivita", "Attività gestionali"),
                  ("fasi", "Fasi"), ("indicatori", "Indicatori"), ("persone", "Persone"),
                  ("assegnazioni", "Assegnazioni"), ("risorse", "Risorse finanziarie"),
                  ("monitoraggi", "Monitoraggi")]
        for key, label in labels:
            print(f"{label + ':':<22}{counts[key]:>6}")
    return 0


def cmd_nuovo(args: argparse.Namespace) -> int:
    from datetime import date

    from ..domain.model import Ente, Piano

    anno = args.anno or date.today().year
    titolo = args.titolo or f"Piano della performance {anno}/{anno + 2}"
    path = args.file if args.file.suffix else args.file.with_suffix(PLAN_SUFFIX)
    Archive.build(path, Piano(titolo=titolo, anno_inizio=anno, anno_fine=anno + 2),
                  Ente(nome=args.ente))
    remember(path)
    print(f"Piano creato: {path}")
    return 0


def remember(path: Path) -> None:
    """Record ``path`` as the most recent plan (used when piaodesk starts with no argument)."""
    cfg = user_config_file()
    try:
        recent = json.loads(cfg.read_text(encoding="utf-8")) if cfg.exists() else []
    except (OSError, ValueError):
        recent = []
    p = str(Path(path).resolve())
    recent = [p] + [r for r in recent if r != p]
    try:
        with atomic_open(cfg, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(recent[:10], ensure_ascii=False))
    except OSError:
        pass  # only the list of recent plans: never worth failing a command for


def recent_plans() -> list[Path]:
    cfg = user_config_file()
    try:
        return [Path(p) for p in json.loads(cfg.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return []


def open_gui(path: Path | str | None) -> int:
    """Open the main window on ``path``, or on the last plan, or offer to create one."""
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise CliError(f"Il piano «{path}» non esiste.")
        try:
            Archive.open(path, readonly=True).close()
        except PlanUnreadable:
            from ..store.backup import list_backups

            if not list_backups(path):
                raise  # with copies, the window opens and offers to restore one
        # the main window records it among the recent plans once it is on screen
    try:
        from ..app import run_gui
    except ImportError as exc:  # pragma: no cover - broken installation
        raise CliError(f"Interfaccia grafica non disponibile: {exc}") from exc
    return run_gui(path)
