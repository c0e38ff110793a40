"""Timestamp service (TSA, RFC 3161) for PAdES B-T and CAdES-T, and its settings.

The service is called over HTTP(S) with the standard library (no extra client),
with optional basic-auth credentials as Italian qualified TSAs (Aruba, InfoCert,
Namirial...) require. The settings (URL, user, password) live in
``firma.json`` in the user data folder, shared by the window and the command line.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from asn1crypto import tsp
from pyhanko.sign.timestamps.api import TimeStamper

from ..fsio import atomic_write_bytes
from ..paths import user_data_dir
from .errors import SignatureError

ENV_TSA_PASSWORD = "PIAODESK_TSA_PASSWORD"


@dataclass(frozen=True)
class TsaSettings:
    url: str = ""
    utente: str = ""
    password: str = ""
    timeout: float = 15.0

    @property
    def configured(self) -> bool:
        return bool(self.url.strip())


def settings_path() -> Path:
    return user_data_dir() / "firma.json"


def load_settings(path: Path | None = None) -> TsaSettings:
    """The saved TSA settings; none saved gives an unconfigured service."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return TsaSettings()
    except (OSError, ValueError) as exc:
        raise SignatureError(f"Impostazioni della firma non leggibili: {path} ({exc}).") from None
    tsa = raw.get("tsa", {}) if isinstance(raw, dict) else {}
    return TsaSettings(url=str(tsa.get("url", "")), utente=str(tsa.get("utente", "")),
                       password=str(tsa.get("password", "")),
                       timeout=float(tsa.get("timeout", 15.0)))


def save_settings(settings: TsaSettings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps({"tsa": asdict(settings)}, indent=2).encode("utf-8"))


class UrlTimeStamper(TimeStamper):
    """RFC 3161 over HTTP POST (``application/timestamp-query``) with urllib."""

    def __init__(self, settings: TsaSettings) -> None:
        super().__init__(include_nonce=True)
        self.settings = settings

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        s = self.settings
        headers = {"Content-Type": "application/timestamp-query"}
        if s.utente:
            token = base64.b64encode(f"{s.utente}:{s.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(s.url, data=req.dump(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=s.timeout) as resp:  # noqa: S310 - URL from the settings
                body = resp.read()
                ctype = resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise OSError(f"credenziali del servizio di marca temporale rifiutate (HTTP {exc.code})") from None
            raise OSError(f"il servizio di marca temporale risponde HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise OSError(f"servizio di marca temporale non raggiungibile ({reason})") from None
        if "timestamp-reply" not in ctype and not body.startswith(b"\x30"):
            raise OSError(f"risposta inattesa dal servizio di marca temporale ({ctype or 'senza tipo'})")
        return tsp.TimeStampResp.load(body)


def timestamper(settings: TsaSettings) -> UrlTimeStamper | None:
    return UrlTimeStamper(settings) if settings.configured else None
