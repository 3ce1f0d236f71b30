"""The printed notice: HTML from templates/notices/pdf/<kind>.html (GB/T 9704-2012 layout),
rendered to PDF by WeasyPrint, signed (PAdES, pyHanko) where the issuing body's certificate is
configured. The same HTML is the browser's preview.

Speed (bench/notices.py): WeasyPrint's FontConfiguration (fontconfig's set and pango's font
map) is made once per thread and reused, so a render does not load the system's fonts again;
the QR code is segno's SVG, a single path, that WeasyPrint draws without decoding an image."""

from __future__ import annotations

import threading

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.pdf_fonts import compact_fonts

from .content import Content, gb_date

_local = threading.local()
_TRAILING = "。.；;，,！!　 "


def verify_url(code: str) -> str:
    base = settings.DANDANG["PUBLIC_URL"].rstrip("/")
    return f"{base}/verify/{code}/"


def qr_data_uri(url: str) -> str:
    """A QR code for url as an SVG data URI (segno; error correction M, a 4-module quiet zone)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def _clause(text) -> str:
    """Free text that the template follows with its own punctuation: its trailing full stop
    (or semicolon, comma) taken off, so that 。 never doubles."""
    return str(text or "").strip().rstrip(_TRAILING)


def _printed(content: Content) -> Content:
    """content as the templates print it: free-text clauses without their closing stops. The
    stored content is not changed."""
    printed = dict(content)
    for key in ("report_summary", "finding"):
        if key in printed:
            printed[key] = _clause(printed[key])
    for key in ("people", "teams"):
        if key in printed and content["kind"] == "commendation":
            printed[key] = [{**row, "reason": _clause(row.get("reason"))} for row in printed[key]]
    return printed


def render_html(content: Content, *, document_number: str = "", issued_on=None,
                verification_code: str = "", draft: bool = False) -> str:
    """The notice as HTML for WeasyPrint (and the preview). A draft carries no number, no
    verification code and a 草稿 watermark. Everything from content is escaped (Django's
    autoescape): a name such as <script> prints as the characters it is."""
    url = verify_url(verification_code) if verification_code else ""
    context = {"c": _printed(content), "document_number": "" if draft else document_number,
               "issued_on": gb_date(issued_on), "draft": draft,
               "verification_code": "" if draft else verification_code,
               "verify_url": "" if draft else url,
               "qr": qr_data_uri(url) if url and not draft else "",
               "cc": _clause(content.get("cc"))}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"notices/pdf/{content['kind']}.html", context)


def font_config():
    """This thread's WeasyPrint FontConfiguration, made on first use (WeasyPrint's objects are
    not shared between threads)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(html: str) -> bytes:
    """The PDF of `html`, its fonts cut to the glyphs it draws (core.pdf_fonts)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=font_config(), finisher=compact_fonts)


def sign_pdf(data: bytes, *, name: str = "") -> tuple[bytes, bool]:
    """The PDF signed with the configured certificate in the issuing body's name, and whether
    it was (notices.signing)."""
    from ..signing import sign_pdf as sign

    return sign(data, name=name)
