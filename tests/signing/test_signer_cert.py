"""A signer whose key came without a certificate is refused with a message, not a crash."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from piaodesk.signing.errors import SignatureError
from piaodesk.signing.keys import signer_cert


def test_signer_without_certificate_is_refused_in_italian():
    with pytest.raises(SignatureError, match=r"non ha un certificato di firma"):
        signer_cert(SimpleNamespace(signing_cert=None))


def test_signer_certificate_is_returned():
    cert = object()
    assert signer_cert(SimpleNamespace(signing_cert=cert)) is cert
