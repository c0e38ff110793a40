"""The one exception of the signing package: its text is Italian and shown to the user as is."""

from __future__ import annotations


class SignatureError(Exception):
    """A signing/verification problem a person can fix (wrong password, missing file, ...)."""
