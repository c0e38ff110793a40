"""The one exception of the signing package: its text is Italian and shown to the user as is."""

from __future__ import annotations

from pathlib import Path


class SignatureError(Exception):
    """A signing/verification problem a person can fix (wrong password, missing file, ...)."""


def read_input(path: Path) -> bytes:
    """The bytes of a file to sign or check, or a SignatureError that names it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SignatureError(f"File non trovato: {path}") from None
    except OSError as exc:
        raise SignatureError(f"Impossibile leggere {path}: {exc.strerror or exc}") from None
