"""A notice's PDF as it is downloaded: a published notice's stored bytes, byte for byte; a
draft rendered afresh from its sources, marked 草稿 and never stored."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Notice
from .content import build_content
from .render import render_html, render_pdf


def notice_pdf_file(notice: Notice) -> tuple[bytes, str]:
    """(the PDF's bytes, its file name: the document number, or 草稿-<id> for a draft)."""
    if notice.is_published:
        return bytes(notice.pdf.data), f"{notice.document_number}.pdf"
    content = build_content(notice, today=timezone.localdate(), strict=False)
    return render_pdf(render_html(content, draft=True)), f"{_('草稿')}-{notice.pk}.pdf"
