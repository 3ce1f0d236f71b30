"""Reads behind the Excel exchange of annual grades: the sheet's columns, the cadres a sheet
names (one query, scoped), and the workbooks a user downloads (the template, a unit's year).

The same columns are written by the export and read by the import, so an export round-trips."""

from __future__ import annotations

import io

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cadres.idnumber import mask
from cadres.models import Cadre
from cadres.permissions import sees_whole_id_number

from .. import permissions
from ..models import AnnualAssessment

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The columns, in order; 评语 is optional on import.
ID_NUMBER, NAME, YEAR, GRADE, COMMENT = "身份证号", "姓名", "年度", "等次", "评语"
# The export's last column: the cadre's number in the system, which identifies the row when the
# ID number is masked (anyone but an administrator exports masked numbers, cadres.permissions).
CADRE_ID = "干部编号"
HEADER = (ID_NUMBER, NAME, YEAR, GRADE, COMMENT)
EXPORT_HEADER = (*HEADER, CADRE_ID)
REQUIRED = (ID_NUMBER, NAME, YEAR, GRADE)

# The Chinese grade names (the model's labels) and the codes stored.
GRADE_LABELS = {
    AnnualAssessment.Grade.EXCELLENT: "优秀",
    AnnualAssessment.Grade.COMPETENT: "称职",
    AnnualAssessment.Grade.BASICALLY_COMPETENT: "基本称职",
    AnnualAssessment.Grade.INCOMPETENT: "不称职",
    AnnualAssessment.Grade.NOT_GRADED: "不定等次",
}
GRADE_BY_LABEL = {label: str(code) for code, label in GRADE_LABELS.items()}

GRADE_NOTES = (
    ("优秀", "excellent", "人数不超过本单位参加考核人数的规定比例（默认 15%），须符合平时考核等要求。"),
    ("称职", "competent", "理想信念坚定，能够履行岗位职责，完成工作任务。"),
    ("基本称职", "basically_competent", "履行职责的能力较弱，完成工作任务质量不高、效率较低。"),
    ("不称职", "incompetent", "政治素质和业务素质较低，不能履行岗位职责，或工作中造成严重失误。"),
    ("不定等次", "not_graded", "受记过及以上处分期间等情形，只写评语，不定等次。"),
)


def cadres_for_import(actor, id_numbers, cadre_ids=()) -> tuple[dict[str, Cadre], dict[int, Cadre]]:
    """The cadres a sheet names that actor may enter grades for, by whole ID number and by
    cadre id (rows exported with masked numbers): ONE query whatever the number of rows. A
    cadre outside the actor's scope is simply absent, as an unknown one is."""
    numbers = sorted({n for n in id_numbers if n})
    pks = sorted({n for n in cadre_ids if n})
    if not numbers and not pks:
        return {}, {}
    wanted = Q(id_number__in=numbers) if numbers else Q(pk__in=[])
    if pks:
        wanted |= Q(pk__in=pks)
    found = list(Cadre.objects.filter(permissions.unit_record_visible_q(actor, "unit")).filter(wanted)
                 .select_related("unit").only("id", "name", "id_number", "unit__id", "unit__path"))
    return {c.id_number: c for c in found}, {c.pk: c for c in found}


def export_queryset(user, unit, year: int) -> QuerySet[AnnualAssessment]:
    """The unit's grades of year (graded in that unit), those the user may see."""
    return (AnnualAssessment.objects.filter(permissions.cadre_record_visible_q(user),
                                           unit=unit, year=year)
            .select_related("cadre").order_by("cadre__name", "cadre_id"))


def _header_sheet(sheet, header=HEADER) -> None:
    from openpyxl.styles import Font

    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (22, 12, 8, 12, 40, 10), strict=False):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _grades_sheet(book) -> None:
    notes = book.create_sheet(_("等次说明"))
    notes.append([_("等次（填写这一列的文字）"), _("接口代码"), _("说明")])
    for row in GRADE_NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append([_("填写要求：第一行为表头，每行一名干部；身份证号填 18 位；年度填四位数字；"
                    "评语可空。不要合并单元格。整表全部通过校验才会保存。")])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 22
    notes.column_dimensions["C"].width = 70


def template_workbook() -> bytes:
    """The empty sheet with the header, and a second sheet explaining the grades."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("年度考核")
    _header_sheet(sheet)
    _grades_sheet(book)
    return _save(book)


def export_workbook(user, unit, year: int) -> bytes:
    """The unit's grades of year in the import's columns, so the file can be edited and
    imported again. ID numbers are whole only for whom cadres.permissions shows them whole
    (administrators); others get them masked, and the 干部编号 column identifies the row."""
    from openpyxl import Workbook

    whole = sees_whole_id_number(user)
    book = Workbook()
    sheet = book.active
    sheet.title = _("年度考核")
    _header_sheet(sheet, EXPORT_HEADER)
    for grade in export_queryset(user, unit, year).iterator(chunk_size=2000):
        number = grade.cadre.id_number if whole else mask(grade.cadre.id_number)
        sheet.append([number, grade.cadre.name, grade.year,
                      GRADE_LABELS.get(grade.grade, grade.grade), grade.comment, grade.cadre_id])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = "@"  # text: Excel would turn 18 digits into 1.1E+17
    _grades_sheet(book)
    return _save(book)
