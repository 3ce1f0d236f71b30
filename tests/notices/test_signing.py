"""Signing: with the issuing body's certificate configured, a published notice's PDF carries a
PAdES signature that pyHanko's validator accepts (trusting that certificate), and the SHA-256
on record is that of the signed bytes. A certificate that cannot be read stops publishing and
leaves the draft as it was."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from notices import signing
from notices.models import Notice
from notices.services import notice_create, notice_publish
from tests.notices.pdf_helpers import flat, pdf_text, publish_pre_appointment

ISSUER = "中共某市委组织部"


@pytest.fixture
def monday():
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def certificate(tmp_path, settings):
    path = signing.make_self_signed(tmp_path / "issuer.p12", common_name=ISSUER,
                                    passphrase="s3cret")
    settings.DANDANG = {**settings.DANDANG, "NOTICE_SIGNING_P12": str(path),
                        "NOTICE_SIGNING_PASSPHRASE": "s3cret"}
    _key, cert, _cas = pkcs12.load_key_and_certificates(path.read_bytes(), b"s3cret")
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@pytest.mark.django_db
def test_a_published_notice_is_signed_and_validates(staff_user, tree, cadre_in_street, monday,
                                                     certificate):
    notice = publish_pre_appointment(staff_user, tree, [cadre_in_street])
    data = bytes(notice.pdf.data)
    assert notice.signed
    assert hashlib.sha256(data).hexdigest() == notice.sha256

    reader = PdfFileReader(io.BytesIO(data))
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == ISSUER
    assert status.coverage.name == "ENTIRE_FILE"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "謝允崗" in flat(pdf_text(data))  # still the same document to read

    # One byte changed in the signed range: the validator sees it.
    tampered = bytearray(data)
    tampered[200] ^= 0x01
    [broken] = PdfFileReader(io.BytesIO(bytes(tampered)), strict=False).embedded_signatures
    assert not validate_pdf_signature(broken, ValidationContext(trust_roots=[certificate])).intact


def test_signing_works_in_a_thread_that_runs_an_event_loop(certificate):
    """pyHanko's synchronous API calls asyncio.run(): from a thread with a running loop (an
    ASGI server's, Playwright's in the browser tests) the signing goes to a thread of its own
    and is named for the notice's issuing body."""
    import asyncio

    from weasyprint import HTML

    blank = HTML(string="<p>x</p>").write_pdf()

    async def inside_a_loop():
        return signing.sign_pdf(blank, name="中共历下区委组织部")

    data, signed = asyncio.run(inside_a_loop())
    assert signed
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
    assert status.intact and status.valid
    assert signature.sig_object["/Name"] == "中共历下区委组织部"


@pytest.mark.django_db
def test_without_a_certificate_the_pdf_is_unsigned(staff_user, tree, cadre_in_street, monday,
                                                   settings):
    settings.DANDANG = {**settings.DANDANG, "NOTICE_SIGNING_P12": ""}
    notice = publish_pre_appointment(staff_user, tree, [cadre_in_street])
    assert not notice.signed
    assert PdfFileReader(io.BytesIO(bytes(notice.pdf.data))).embedded_signatures == []


@pytest.mark.django_db
def test_an_unreadable_certificate_stops_publishing(staff_user, tree, cadre_in_street, monday,
                                                    certificate, settings):
    settings.DANDANG = {**settings.DANDANG, "NOTICE_SIGNING_PASSPHRASE": "wrong"}
    notice = notice_create(actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT,
                           issuing_unit=tree["district"], period_start=dt.date(2026, 12, 8),
                           entries=[{"cadre": cadre_in_street, "proposed_post": "某职务"}])
    with pytest.raises(signing.SigningError):
        notice_publish(actor=staff_user, notice=notice)
    notice.refresh_from_db()
    assert notice.state == Notice.State.DRAFT and notice.sequence is None
    assert not hasattr(notice, "pdf") or notice.pdf is None


def test_the_demo_certificate_is_made_once_under_var(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    settings.DANDANG = {**settings.DANDANG, "NOTICE_SIGNING_P12": ""}
    path = signing.ensure_demo_certificate()
    assert path == str(tmp_path / "var" / signing.DEMO_FILENAME)
    first = (tmp_path / "var" / signing.DEMO_FILENAME).read_bytes()
    assert signing.ensure_demo_certificate() == path
    assert (tmp_path / "var" / signing.DEMO_FILENAME).read_bytes() == first  # not remade
    _key, cert, _ = pkcs12.load_key_and_certificates(first, signing.DEMO_PASSPHRASE.encode())
    assert ISSUER in cert.subject.rfc4514_string()

    settings.DANDANG = {**settings.DANDANG, "NOTICE_SIGNING_P12": "/etc/issuer.p12"}
    assert signing.ensure_demo_certificate() == "/etc/issuer.p12"  # a configured one wins
