"""A notice's fonts are embedded with only the glyphs it draws (core.pdf_fonts), and a reader
sees exactly what WeasyPrint's own embedding shows: the same pixels (poppler's rendering) and the
same text (pdftotext), in a fraction of the bytes."""

import io
import logging
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint import HTML

from core.pdf_fonts import _compacted_cff
from notices.services.render import font_config, render_html, render_pdf
from tests.notices.pdf_helpers import pdf_fonts, pdf_pages, pdf_text, publish_commendation


def _pages_as_pixels(data: bytes) -> list[bytes]:
    """Each page as poppler draws it at 100 dpi, in grey (PGM bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "100", "-gray", str(path), str(Path(tmp) / "page")],
                       check=True)
        return [page.read_bytes() for page in sorted(Path(tmp).glob("page-*.pgm"))]


@pytest.mark.django_db
def test_compacted_fonts_look_and_read_the_same_in_a_sixth_of_the_bytes(staff_user, tree,
                                                                        cadre_in_street):
    # Two pages, bold and regular, traditional characters (謝允崗) and Latin digits.
    notice = publish_commendation(staff_user, tree, cadre_in_street)
    html = render_html(notice.content, document_number=notice.document_number,
                       issued_on=notice.issued_on, verification_code=notice.verification_code)
    weasyprint_own = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=font_config())
    compacted = render_pdf(html)

    assert pdf_pages(compacted) == pdf_pages(weasyprint_own) == 2
    assert pdf_text(compacted) == pdf_text(weasyprint_own)
    assert _pages_as_pixels(compacted) == _pages_as_pixels(weasyprint_own)
    assert len(compacted) * 4 < len(weasyprint_own), (len(compacted), len(weasyprint_own))
    assert len(compacted) < 120_000
    fonts = pdf_fonts(compacted)
    assert len(fonts) == 2 and all(f["emb"] == f["sub"] == f["uni"] == "yes" for f in fonts)
    # The published file is the compacted one (signed after).
    assert len(bytes(notice.pdf.data)) < 150_000


@pytest.mark.django_db
def test_rendering_a_notice_logs_nothing(staff_user, tree, cadre_in_street, caplog):
    # The preview's phone rules once stood in a media query WeasyPrint cannot parse: two warnings
    # a notice, which filled a worker's log (and a bench's unread pipe) in a batch.
    notice = publish_commendation(staff_user, tree, cadre_in_street)
    html = render_html(notice.content, document_number=notice.document_number,
                       issued_on=notice.issued_on, verification_code=notice.verification_code)
    caplog.clear()
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf(html)
    assert [r.getMessage() for r in caplog.records
            if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING] == []


def _tiny_font(outlines: str) -> bytes:
    """A two-glyph font made with fontTools: TrueType ("glyf") or name-keyed CFF ("cff")."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=outlines == "glyf")
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    if outlines == "glyf":
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0)), pen.lineTo((0, 500)), pen.lineTo((500, 0)), pen.closePath()
        builder.setupGlyf({".notdef": pen.glyph(), "A": pen.glyph()})
    else:
        pen = T2CharStringPen(500, None)
        pen.moveTo((0, 0)), pen.lineTo((0, 500)), pen.lineTo((500, 0)), pen.closePath()
        builder.setupCFF("Tiny", {}, {".notdef": pen.getCharString(), "A": pen.getCharString()},
                         {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


@pytest.mark.parametrize("outlines", ["glyf", "cff"])
def test_fonts_without_cid_keyed_outlines_are_left_alone(outlines):
    # TrueType has no charset, and a name-keyed CFF reads codes as glyph ids: renumbering
    # either would change what the codes draw, so neither is rewritten.
    assert _compacted_cff(_tiny_font(outlines), {1}) is None
