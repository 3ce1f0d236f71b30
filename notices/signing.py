"""Signing published PDFs (PAdES, pyHanko) with the issuing body's certificate, when one is
configured (settings.DANDANG["NOTICE_SIGNING_P12"], a PKCS#12 file, and
DANDANG["NOTICE_SIGNING_PASSPHRASE"]); and the demo's self-signed certificate.

The signature is PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, the signer's certificate in
the signed attributes): any PDF reader shows who issued the notice and that it is unchanged
since. The PKCS#12 file is read once per process (and again only when its path, passphrase or
modification time changes). README.md, "Signing notices", says how to configure a real one."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import threading
from pathlib import Path

from django.conf import settings

DEMO_FILENAME = "notice-signing-demo.p12"
# The demo's file is a developer's throwaway: its passphrase is no secret (config/settings/
# local.py configures it for `make run`).
DEMO_PASSPHRASE = "dandang-demo"

_lock = threading.Lock()


class SigningError(Exception):
    """The configured certificate cannot be read (missing file, wrong passphrase)."""


def demo_path() -> Path:
    """Where the demo's certificate lives: var/ under the project (git-ignored)."""
    return Path(settings.BASE_DIR) / "var" / DEMO_FILENAME


# Room for the CMS signature container (certificate, signed attributes, an RSA-4096 signature
# fit in well under half of it): reserved up front, pyHanko need not sign once more to measure.
SIGNATURE_BYTES = 16384


def _kept_key_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner, the private key parsed once: SimpleSigner.sign_raw loads it
        from DER for every signature, and cryptography's check of an RSA key takes ~90 ms."""

        _key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism.signature_algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            if self._key is None:
                self._key = serialization.load_der_private_key(self.signing_key.dump(),
                                                               password=None)
            return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return KeptKeySigner


@functools.lru_cache(maxsize=4)
def _load_signer(path: str, passphrase: str, mtime: float):
    from pyhanko.sign import signers

    try:
        loaded = signers.SimpleSigner.load_pkcs12(
            pfx_file=path, passphrase=passphrase.encode() if passphrase else None)
    except (OSError, ValueError) as exc:
        raise SigningError(f"{path}: {exc}") from exc
    if loaded is None:  # pyHanko logs the reason and returns None
        raise SigningError(f"{path}: cannot read the PKCS#12 file (wrong passphrase?)")
    return _kept_key_signer_class()(signing_cert=loaded.signing_cert,
                                    signing_key=loaded.signing_key,
                                    cert_registry=loaded.cert_registry)


def configured_signer():
    """The signer of the configured certificate, or None when none is configured."""
    conf = settings.DANDANG
    path = conf.get("NOTICE_SIGNING_P12") or ""
    if not path:
        return None
    try:
        mtime = Path(path).stat().st_mtime
    except OSError as exc:
        raise SigningError(f"{path}: {exc}") from exc
    with _lock:
        return _load_signer(path, conf.get("NOTICE_SIGNING_PASSPHRASE") or "", mtime)


def sign_pdf(data: bytes, *, name: str = "") -> tuple[bytes, bool]:
    """The PDF signed with the configured certificate and True; unchanged and False when no
    certificate is configured. name: the signer's name shown by PDF readers (the notice's
    issuing body; default the configured one). Raises SigningError when the configured one
    cannot be read: publishing then fails and leaves the draft as it was, rather than issue
    it unsigned."""
    signer = configured_signer()
    if signer is None:
        return data, False
    return _outside_event_loop(_sign, data, signer, name or settings.DANDANG["ISSUING_BODY"]), True


def _sign(data: bytes, signer, name: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="公告发布", location=name, name=name)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    return signers.PdfSigner(meta, signer=signer).sign_pdf(
        writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


def _outside_event_loop(fn, *args):
    """fn(*args), in a thread of its own when this one runs an event loop: pyHanko's
    synchronous API calls asyncio.run(), which refuses inside a running loop (an ASGI
    server's thread, Playwright's sync API in the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def make_self_signed(path: Path, *, common_name: str, passphrase: str, years: int = 5) -> Path:
    """A PKCS#12 file at path with a new key and a self-signed certificate for common_name
    (the issuing body), fit for signing documents (digitalSignature, nonRepudiation)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(), key=key, cert=cert, cas=None, encryption_algorithm=encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def ensure_demo_certificate() -> str | None:
    """The path of the certificate the demo signs with: the configured one when there is one;
    otherwise the self-signed demo certificate under var/, made on the first call for the
    issuing body (passphrase DEMO_PASSPHRASE). The caller configures it for its own process
    (DANDANG["NOTICE_SIGNING_P12"] and ["NOTICE_SIGNING_PASSPHRASE"]); `make run`'s server finds
    it through config/settings/local.py."""
    configured = settings.DANDANG.get("NOTICE_SIGNING_P12") or ""
    if configured:
        return configured
    path = demo_path()
    if not path.exists():
        make_self_signed(path, common_name=settings.DANDANG["ISSUING_BODY"],
                         passphrase=DEMO_PASSPHRASE)
    return str(path)
