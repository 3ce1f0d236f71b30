"""The printed notice: HTML from templates/notices/pdf/<kind>.html (GB/T 9704-2012 layout),
rendered to PDF by WeasyPrint, signed (PAdES, pyHanko) where the issuing body's certificate is
configured. The same HTML is the browser's preview."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .content import Content, gb_date


def verify_url(code: str) -> str:
    base = settings.DANDANG["PUBLIC_URL"].rstrip("/")
    return f"{base}/verify/{code}/"


def render_html(content: Content, *, document_number: str = "", issued_on=None,
                verification_code: str = "", draft: bool = False) -> str:
    """The notice as HTML for WeasyPrint (and the preview). A draft carries no number and a
    草稿 mark."""
    context = {"c": content, "document_number": document_number,
               "issued_on": gb_date(issued_on), "verification_code": verification_code,
               "verify_url": verify_url(verification_code) if verification_code else "",
               "draft": draft}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"notices/pdf/{content['kind']}.html", context)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def sign_pdf(data: bytes) -> tuple[bytes, bool]:
    """The PDF signed with the configured certificate, and whether it was (notices.signing)."""
    from ..signing import sign_pdf as sign

    return sign(data)
