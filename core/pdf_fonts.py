"""Smaller PDFs from WeasyPrint: CJK fonts embedded with only the glyphs a document draws.

WeasyPrint subsets an embedded font but keeps every glyph id (HarfBuzz's RETAIN_GIDS), because it
writes its text with the glyph ids as character codes (Identity-H). For Noto Serif CJK that is
63,045 glyph slots a font, nearly all empty, and the two fonts of a notice (regular and bold) came
to about 280 KB of a one-page PDF, however short its text.

A CID-keyed CFF font does not need its glyph ids kept: a PDF reader finds the glyph for a CID
through the CFF's charset (ISO 32000-1, 9.7.4.2, a `/CIDFontType0C` font program). So
`compact_fonts`, a WeasyPrint finisher, subsets each such font again with HarfBuzz, to the glyphs
the document uses and without keeping their ids (the charset keeps each glyph's CID), and embeds
the bare CFF table instead of the OpenType wrapper, whose hmtx, vmtx and cmap a PDF reader does not
read for a CIDFontType0 (the widths are the CIDFont's /W and text extraction its /ToUnicode, both
keyed by CID and left as WeasyPrint wrote them). A one-page notice goes from about 330 KB to about
50 KB, for a few milliseconds a font.

It applies only where that reading is certain: a CID-keyed CFF font whose every used glyph's CID is
its glyph id (Noto CJK's Adobe-Identity-0; WeasyPrint writes glyph ids as codes, so only then do
CID and code agree), checked on the subset before it replaces anything. Any other font, or a font
used in a form (embedded whole), is left as WeasyPrint wrote it.
"""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)


def _compacted_cff(data: bytes, gids: set[int]) -> bytes | None:
    """The bare CFF of `data` (an OpenType font with CFF outlines) holding the glyphs `gids`,
    renumbered, their CIDs kept; None unless every kept glyph's CID is its old glyph id."""
    import uharfbuzz as hb
    from fontTools.cffLib import CFFFontSet

    face = hb.Face(data)
    if "CFF " not in face.table_tags:
        return None
    wanted = sorted({0, *gids})
    subset_input = hb.SubsetInput()
    for gid in wanted:
        subset_input.glyph_set.add(gid)
    # hints and subroutines are already gone from WeasyPrint's subset
    subset_input.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
    subset = hb.subset(face, subset_input)
    if subset is None:
        return None
    cff_data = subset.reference_table("CFF ").data
    if not cff_data:
        return None
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(bytes(cff_data)), otFont=None, isCFF2=False)
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):  # name-keyed: a reader takes the code as the glyph id
        return None
    names = top.charset
    expected = [".notdef", *(f"cid{gid:05d}" for gid in wanted[1:])]
    if list(names) != expected:
        return None
    return bytes(cff_data)


def compact_fonts(document, pdf) -> None:
    """WeasyPrint finisher (`write_pdf(..., finisher=compact_fonts)`): each embedded CID-keyed
    CFF font becomes a bare CFF of the glyphs the document uses."""
    import pydyf

    by_content: dict[int, list] = {}
    for font in document.fonts.values():  # WeasyPrint's fonts, keyed by their file's hash
        by_content.setdefault(id(font.file_content), []).append(font)
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or obj.extra.get("Subtype") != "/OpenType":
            continue
        if len(obj.stream) != 1 or id(obj.stream[0]) not in by_content:
            continue
        fonts = by_content[id(obj.stream[0])]
        if any(font.used_in_forms or font.bitmap for font in fonts):
            continue  # embedded whole, every glyph id a possible code
        gids = set().union(*(font.to_unicode for font in fonts))
        try:
            compacted = _compacted_cff(obj.stream[0], gids)
        except Exception:  # a font HarfBuzz or fontTools cannot read stays as it was
            logger.warning("could not compact an embedded font; kept as WeasyPrint wrote it",
                           exc_info=True)
            continue
        if compacted is not None and len(compacted) < len(obj.stream[0]):
            obj.stream = [compacted]
            obj.extra["Subtype"] = "/CIDFontType0C"
