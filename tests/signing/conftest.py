"""Throw-away PKI and a small unsigned PDF with two empty signature fields.

The CA and the signer keys are generated at test time in a temporary folder:
no key material is ever committed.
"""

from __future__ import annotations

import pytest
from firma_helpers import PASSWORD, make_pdf

from piaodesk.signing.prova import PkiProva, crea_pki_prova


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiProva:
    return crea_pki_prova(tmp_path_factory.mktemp("pki"), PASSWORD,
                          signers=("Mario Rossi", "Anna Bianchi", "Carlo Scaduto", "Luca Verdi"),
                          expired=("Carlo Scaduto",), rsa=("Luca Verdi",))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> PkiProva:
    """A second, unrelated CA (for 'untrusted' checks)."""
    return crea_pki_prova(tmp_path_factory.mktemp("pki2"), PASSWORD, signers=("Estraneo",),
                          ca_name="Altra CA")


@pytest.fixture
def blank_pdf() -> bytes:
    return make_pdf()
