"""Verification: anyone, with a code or a file. A code names one published notice; a file is
genuine only if it is byte for byte a published notice's stored PDF (its SHA-256 is in the
register), so an edited copy with a real code still fails."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import PayloadTooLarge

from ..models import Notice

# What the public page may read of a notice: its number, kind, date, title, hash and the
# issuing body (content holds the latter; the page shows nothing else of it).
PUBLIC_FIELDS = ("pk", "kind", "document_number", "issued_on", "sha256", "title",
                 "verification_code", "signed", "issuing_unit_id", "content")


def published_by_code(code: str) -> Notice | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return (Notice.objects.filter(state=Notice.State.PUBLISHED, verification_code=code)
            .select_related("issuing_unit").only(*PUBLIC_FIELDS, "issuing_unit__name").first())


def published_by_file(chunks) -> tuple[str, Notice | None]:
    """The SHA-256 of an uploaded file (read in chunks) and the published notice it is, if any."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    sha = digest.hexdigest()
    notice = (Notice.objects.filter(state=Notice.State.PUBLISHED, sha256=sha)
              .select_related("issuing_unit").only(*PUBLIC_FIELDS, "issuing_unit__name").first())
    return sha, notice


def issuing_body(notice: Notice) -> str:
    """The issuing body as the notice printed it (its frozen content), else its unit's name."""
    content = notice.content or {}
    return (content.get("issuer") or {}).get("body") or notice.issuing_unit.name


@dataclass
class FileCheck:
    sha256: str
    found: Notice | None  # the published notice the file is, byte for byte, if any
    expected: Notice | None = None  # the notice the page is about (/verify/<code>/), if any

    @property
    def genuine(self) -> bool:
        if self.found is None:
            return False
        return self.expected is None or self.found.pk == self.expected.pk


def check_file(upload, *, expected: Notice | None = None) -> FileCheck:
    """An uploaded file against the register. Raises PayloadTooLarge over
    DANDANG["VERIFY_MAX_UPLOAD"], ValidationError when there is no file or it is not a PDF."""
    if upload is None:
        raise ValidationError({"file": _("请选择要核验的 PDF 文件。")})
    limit = settings.DANDANG["VERIFY_MAX_UPLOAD"]
    if upload.size > limit:
        raise PayloadTooLarge(_("文件大小 %(size).1f MB，超过 %(limit).0f MB 的上限。") % {
            "size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024})
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # A PDF's header (%PDF-) is within its first 1024 bytes (ISO 32000-1, 7.5.2).
    if b"%PDF-" not in head:
        raise ValidationError({"file": _("该文件不是 PDF 文件；请上传公告的 PDF 原件。")})
    sha, found = published_by_file(upload.chunks())
    return FileCheck(sha256=sha, found=found, expected=expected)
