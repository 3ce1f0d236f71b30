"""The public verification pages: a genuine code, an unknown code (404), the genuine file, a copy
edited by one byte, another notice's file on a notice's page, oversize (413), not a PDF (400), the
rate limit (429); anonymous, with CSRF enforced; nothing personal shown."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from notices.services import notice_publish
from tests.factories import CadreFactory

from .helpers import at, pre_appointment

MONDAY = dt.date(2025, 6, 9)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def client_ip():
    """An anonymous browser: CSRF enforced as in production."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="10.9.0.1")


@pytest.fixture
def published(staff_user, tree, cadre_in_street):
    with at(MONDAY):
        return notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["district"], cadre_in_street, period_start=MONDAY))


def _upload(client, url, data: bytes, name="notice.pdf"):
    page = client.get(url)
    assert page.status_code in (200, 404)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"file": SimpleUploadedFile(name, data, "application/pdf"),
                             "csrfmiddlewaretoken": token})


@pytest.mark.django_db
def test_a_genuine_code_shows_the_register_and_nothing_personal(client_ip, published):
    response = client_ip.get(reverse("notices-verify", args=[published.verification_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert published.document_number in page and published.sha256 in page
    assert "任前公示" in page and "真实有效" in page
    assert "謝允崗" not in page and "历下区某局局长" not in page  # what the notice names
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    # Lower case, as someone types it off paper, finds it too.
    lower = client_ip.get(reverse("notices-verify", args=[published.verification_code.lower()]))
    assert lower.status_code == 200


@pytest.mark.django_db
def test_an_unknown_code_is_a_404_page(client_ip, published):
    response = client_ip.get(reverse("notices-verify", args=["ABCDEFGHJKMN"]))
    assert response.status_code == 404
    assert "未找到该公告" in response.content.decode()
    by_form = client_ip.get(reverse("notices-verify-index"), {"code": "ABCDEFGHJKMN"})
    assert by_form.status_code == 404
    too_long = client_ip.get(reverse("notices-verify-index"), {"code": "A" * 40})
    assert too_long.status_code == 400
    found = client_ip.get(reverse("notices-verify-index"), {"code": published.verification_code})
    assert found.status_code == 302
    assert found["Location"] == reverse("notices-verify", args=[published.verification_code])


@pytest.mark.django_db
def test_the_genuine_file_passes_and_a_copy_edited_by_one_byte_fails(client_ip, published):
    data = bytes(published.pdf.data)
    index = reverse("notices-verify-index")
    genuine = _upload(client_ip, index, data)
    assert genuine.status_code == 200
    page = genuine.content.decode()
    assert "核验通过" in page and published.document_number in page

    edited = bytearray(data)
    middle = len(edited) // 2
    edited[middle] = (edited[middle] + 1) % 256
    forged = _upload(client_ip, index, bytes(edited))
    assert forged.status_code == 200
    page = forged.content.decode()
    assert "核验未通过" in page and "核验通过：" not in page
    assert published.document_number not in page

    # On the notice's own page: its file passes, the edited copy fails.
    own = reverse("notices-verify", args=[published.verification_code])
    assert "核验通过" in _upload(client_ip, own, data).content.decode()
    assert "核验未通过" in _upload(client_ip, own, bytes(edited)).content.decode()


@pytest.mark.django_db
def test_another_notices_file_is_not_this_one(client_ip, published, staff_user, tree):
    with at(MONDAY):
        other = notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["district"], CadreFactory(unit=tree["street"]), period_start=MONDAY))
    response = _upload(client_ip, reverse("notices-verify", args=[published.verification_code]),
                       bytes(other.pdf.data))
    page = response.content.decode()
    assert "核验未通过" in page and other.document_number in page


@pytest.mark.django_db
def test_oversize_is_413_and_not_a_pdf_is_400(client_ip, published, settings):
    settings.DANDANG = {**settings.DANDANG, "VERIFY_MAX_UPLOAD": 1000}
    index = reverse("notices-verify-index")
    too_big = _upload(client_ip, index, b"%PDF-1.7\n" + b"x" * 2000)
    assert too_big.status_code == 413
    assert "超过" in too_big.content.decode()
    not_pdf = _upload(client_ip, index, b"PK\x03\x04 a zip, not a PDF", name="notice.pdf")
    assert not_pdf.status_code == 400
    assert "不是 PDF" in not_pdf.content.decode()
    nothing = client_ip.post(index, {"csrfmiddlewaretoken": client_ip.cookies["csrftoken"].value})
    assert nothing.status_code == 400


@pytest.mark.django_db
def test_the_pages_are_rate_limited(client_ip, published, settings):
    settings.DANDANG = {**settings.DANDANG, "VERIFY_RATE_LIMIT": "3/m"}
    url = reverse("notices-verify", args=[published.verification_code])
    statuses = [client_ip.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client_ip.get(reverse("notices-verify-index"))
    assert limited.status_code == 429
    assert "请求过于频繁" in limited.content.decode()
    # Another address is not held back.
    assert Client(REMOTE_ADDR="10.200.0.1").get(url).status_code == 200


@pytest.mark.django_db
def test_the_page_speaks_english_when_chosen(client_ip, published):
    client_ip.cookies["django_language"] = "en"
    response = client_ip.get(reverse("notices-verify", args=[published.verification_code]))
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
