"""Stored files do not outlive a rollback: a refused filing, a refused batch of evidence or an
enclosing write that fails leaves no evidence or correction file on disk; a write that
commits keeps its files."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fault_tolerance.models import Case, CaseAttachment, Correction
from fault_tolerance.services import (
    atomic_with_files,
    attachment_add,
    attachments_add,
    case_file,
    correction_create,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


def _stored() -> set[Path]:
    """Every file under the media folder's fault_tolerance/ (the suite shares the folder,
    so tests compare before and after)."""
    root = Path(settings.MEDIA_ROOT) / "fault_tolerance"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _filing(people, **extra) -> dict:
    return {"title": "容缺受理营业执照引发审计问题", "occurred_on": dt.date(2025, 6, 10), "field": "one_visit_reform",
            "source": "audit", "subject_cadres": [people.subject], **extra}


def test_a_refused_file_leaves_no_case_and_no_file_on_disk(people):
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        case_file(actor=people.filer, submit=True, evidence=[
            SimpleUploadedFile("审计报告.pdf", PDF), SimpleUploadedFile("情况说明.pdf", EXE)], **_filing(people))
    assert exc.value.message_dict["evidence"][0].startswith("情况说明.pdf：不支持的文件类型")
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()
    assert _stored() == before  # 审计报告.pdf was written, then deleted with the rollback


def test_a_filing_that_commits_keeps_its_files(people):
    before = _stored()
    case = case_file(actor=people.filer, submit=True, evidence=[SimpleUploadedFile("审计报告.pdf", PDF)],
                     **_filing(people))
    attachment = case.attachments.get()
    assert case.state == "submitted"
    assert _stored() - before == {Path(attachment.file.path)}
    assert Path(attachment.file.path).read_bytes() == PDF


def test_a_refused_batch_of_evidence_leaves_none_of_its_files(people, new_case):
    case = new_case()
    before = _stored()
    with pytest.raises(ValidationError) as exc:
        attachments_add(case=case, actor=people.filer, evidence=[
            SimpleUploadedFile("一.pdf", PDF), SimpleUploadedFile("二.pdf", PDF), SimpleUploadedFile("空.pdf", b"")])
    assert exc.value.message_dict == {"evidence": ["空.pdf：文件为空，请重新选择。"]}
    assert not case.attachments.exists() and _stored() == before


def test_a_failure_after_the_upload_in_an_enclosing_write_deletes_the_file(people, new_case):
    case = new_case()
    before = _stored()
    with pytest.raises(RuntimeError), atomic_with_files():
        attachment_add(case=case, actor=people.filer, upload=SimpleUploadedFile("a.pdf", PDF))
        assert len(_stored() - before) == 1  # on disk while the transaction is open
        raise RuntimeError("a later step of the same write fails")
    assert not case.attachments.exists() and _stored() == before


def test_correction_material_is_deleted_when_its_write_rolls_back(people, new_case, advance):
    case = advance(new_case(), "decided")
    before = _stored()
    with pytest.raises(RuntimeError), atomic_with_files():
        correction_create(actor=people.staff, case=case, step="start", done_on=case.decided_on,
                          evidence_file=SimpleUploadedFile("纠错通知.pdf", PDF))
        raise RuntimeError("a later step of the same write fails")
    assert not Correction.objects.exists() and _stored() == before


def test_filing_on_the_page_with_a_refused_file_leaves_nothing_on_disk(client, people):
    before = _stored()
    client.force_login(people.filer)
    response = client.post("/tolerance/new/", {
        "title": "容缺受理营业执照引发审计问题", "occurred_on": "2025-06-10", "field": "one_visit_reform",
        "source": "audit", "subject_cadres": [people.subject.pk], "submit": "1",
        "evidence": [SimpleUploadedFile("审计报告.pdf", PDF), SimpleUploadedFile("情况说明.pdf", EXE)]})
    assert response.status_code == 400
    assert any(e.startswith("情况说明.pdf：不支持的文件类型") for e in response.context["form"].errors["evidence"])
    assert not Case.objects.exists() and _stored() == before
