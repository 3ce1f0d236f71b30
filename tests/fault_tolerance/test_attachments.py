"""Evidence files: type by content (never by name), size limit (413), empty refused, SHA-256 kept."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.audit import object_history
from fault_tolerance.models import CaseAttachment, Policy

pytestmark = pytest.mark.django_db

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 60, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        z.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>情况说明</w:t></w:r></w:p></w:body></w:document>'))
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "整改台账"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def case_url(people, new_case, advance):
    case = advance(new_case(), "investigating")
    return case, f"/api/v1/tolerance-cases/{case.pk}/attachments/"


def _upload(api, user, url, name, content, **extra):
    api.force_authenticate(user=user)
    return api.post(url, {"file": SimpleUploadedFile(name, content), **extra}, format="multipart")


@pytest.mark.parametrize(("name", "content", "kind", "mime"), [
    ("审计报告.pdf", PDF, "pdf", "application/pdf"),
    ("现场照片.png", _png(), "image", "image/png"),
    ("情况说明.docx", _docx(), "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("整改台账.xlsx", _xlsx(), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("电子公文.ofd", _zip({"OFD.xml": "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>", "Doc_0/Document.xml": "<x/>"}),
     "ofd", "application/ofd"),
    # The name does not matter either way: a PDF called .jpg is still a PDF.
    ("照片.jpg", PDF, "pdf", "application/pdf"),
])
def test_accepted_types_are_stored_with_their_hash(api, people, case_url, name, content, kind, mime):
    case, url = case_url
    response = _upload(api, people.staff, url, name, content, description="证据")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == name and body["kind"] == kind and body["content_type"] == mime
    assert body["size"] == len(content) and body["sha256"] == hashlib.sha256(content).hexdigest()
    stored = CaseAttachment.objects.get(pk=body["id"])
    assert not stored.file.name.endswith(name) and stored.file.read() == content
    assert object_history(obj=case).first().changes["attachments"][1]["sha256"] == body["sha256"]
    download = api.get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content


@pytest.mark.parametrize(("name", "content"), [
    ("审计报告.pdf", EXE),                                    # a renamed .exe
    ("说明.docx", _zip({"word/document.xml": "<x/>"})),        # a zip that is not an Office file
    ("公文.ofd", _zip({"Doc_0/Document.xml": "<x/>"})),          # no OFD.xml
    ("脚本.png", b"<script>alert(1)</script>"),
    ("坏图.png", _png()[:40]),                                 # a PNG header with no image after it
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # an OLE header, no Word stream
])
def test_other_content_is_refused_with_a_clear_message(api, people, case_url, name, content):
    _case, url = case_url
    response = _upload(api, people.staff, url, name, content)
    assert response.status_code == 400
    assert "不支持的文件类型" in response.json()["file"][0]
    assert not CaseAttachment.objects.exists()


def test_empty_file_is_refused(api, people, case_url):
    _case, url = case_url
    response = _upload(api, people.staff, url, "空白.pdf", b"")
    assert response.status_code == 400 and response.json()["file"] == ["文件为空，请重新选择。"]


def test_missing_file_is_refused(api, people, case_url):
    _case, url = case_url
    api.force_authenticate(user=people.staff)
    response = api.post(url, {"description": "无文件"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_over_the_default_20_mb_is_413(api, people, case_url):
    _case, url = case_url
    response = _upload(api, people.staff, url, "大文件.pdf", PDF + b"0" * (20 * 1024 * 1024))
    assert response.status_code == 413 and "20 MB" in response.json()["detail"]
    assert not CaseAttachment.objects.exists()


def test_the_limit_is_a_per_jurisdiction_setting(api, people, case_url, tree):
    _case, url = case_url
    Policy.objects.create(jurisdiction=tree["district"], attachment_max_mb=1)
    response = _upload(api, people.staff, url, "稍大.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 413 and "1 MB" in response.json()["detail"]
    assert _upload(api, people.staff, url, "小.pdf", PDF).status_code == 201


def test_who_may_add_evidence(api, people, case_url):
    case, url = case_url
    assert _upload(api, people.cadre_account, url, "本人说明.pdf", PDF).status_code == 201
    assert _upload(api, people.outsider_staff, url, "x.pdf", PDF).status_code == 404
    people.liaison.units.set([])  # visible to liaisons only once proposed; before that not at all
    assert _upload(api, people.liaison, url, "x.pdf", PDF).status_code == 404


def test_no_evidence_after_the_decision(api, people, case_url, advance):
    case, url = case_url
    advance(case, "decided")
    response = _upload(api, people.staff, url, "迟到.pdf", PDF)
    assert response.status_code == 409 and response.json()["state"] == "decided"


def test_attachment_list(api, people, case_url):
    _case, url = case_url
    _upload(api, people.staff, url, "一.pdf", PDF)
    _upload(api, people.staff, url, "二.png", _png())
    body = api.get(url).json()
    assert body["count"] == 2 and [a["name"] for a in body["results"]] == ["一.pdf", "二.png"]
    assert body["results"][0]["uploaded_by"] == "staff2"
