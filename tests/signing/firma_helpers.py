"""Helpers shared by the signing tests: a small unsigned PDF and pdfsig."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC
from pathlib import Path

import pytest

PASSWORD = "prova-123"
SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so")
USER_PIN = "123456"


def make_pdf(fields: tuple[str, ...] = ("Firma_Responsabile", "Firma_Dipendente")) -> bytes:
    """One A4 page (uncompressed, so tests can find and alter its text) with empty signature fields."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), pageCompression=0)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(60, 780, "SCHEDA DI VALUTAZIONE DI PROVA")
    c.setFont("Helvetica", 11)
    c.drawString(60, 750, "Punteggio complessivo: 27,50 / 30")
    c.drawString(60, 215, "Il Responsabile")
    c.drawString(320, 215, "Il Dipendente")
    c.showPage()
    c.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    boxes = [(60, 120, 280, 205), (320, 120, 540, 205), (60, 20, 280, 105)]
    for name, box in zip(fields, boxes):
        append_signature_field(writer, SigFieldSpec(name, on_page=0, box=box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdfsig(path: Path) -> str:
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.skip("pdfsig (poppler-utils) non installato")
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr


class LocalTsa:
    """An RFC 3161 timestamp service on 127.0.0.1 (pyHanko's test TSA behind http.server)."""

    def __init__(self, tsa_cert: Path, tsa_key: Path, ca_pem: Path) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys, pem, tsp, x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        def load(path: Path):  # type: ignore[no-untyped-def]
            return pem.unarmor(path.read_bytes())[2]

        stamper = DummyTimeStamper(tsa_cert=x509.Certificate.load(load(tsa_cert)),
                                   tsa_key=keys.PrivateKeyInfo.load(load(tsa_key)),
                                   certs_to_embed=[x509.Certificate.load(load(ca_pem))])
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests += 1
                resp = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(resp)))
                self.end_headers()
                self.wfile.write(resp)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class LocalCrl:
    """A CRL distribution point on 127.0.0.1: serves the CA's (empty) CRL, issued on demand."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.crl = b""
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(outer.crl)))
                self.end_headers()
                self.wfile.write(outer.crl)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ca.crl"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def issue(self, ca_pem: Path, ca_key: Path) -> None:
        from datetime import datetime, timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization

        ca = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        key = serialization.load_pem_private_key(ca_key.read_bytes(), password=None)
        now = datetime.now(UTC)
        crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
               .last_update(now - timedelta(minutes=5)).next_update(now + timedelta(days=7))
               .add_extension(x509.CRLNumber(1), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()),
                              critical=False)
               .sign(key, hashes.SHA256()))
        self.crl = crl.public_bytes(serialization.Encoding.DER)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
