"""Verification: anyone, with a code or a file. A code names one published notice; a file is
genuine only if it is byte for byte a published notice's stored PDF (its SHA-256 is in the
register), so an edited copy with a real code still fails."""

from __future__ import annotations

import hashlib

from ..models import Notice


def published_by_code(code: str) -> Notice | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return (Notice.objects.filter(state=Notice.State.PUBLISHED, verification_code=code)
            .only("pk", "kind", "document_number", "issued_on", "sha256", "title",
                  "verification_code", "signed", "issuing_unit_id")
            .first())


def published_by_file(chunks) -> tuple[str, Notice | None]:
    """The SHA-256 of an uploaded file (read in chunks) and the published notice it is, if any."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    sha = digest.hexdigest()
    notice = Notice.objects.filter(state=Notice.State.PUBLISHED, sha256=sha).first()
    return sha, notice
