"""The Excel import of annual grades (年度考核结果导入): read the sheet, check every row, resolve
every cadre in one query, then hand the rows to annual_save, which adds the rules' refusals
(the gates, the 优秀 cap) and saves all or nothing, audited as one run on the AnnualImport.

Every bad row is reported at once, in Chinese, with the sheet's own row number (the header is
row 1). An ID number is never echoed back whole (cadres.idnumber.mask)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import idnumber
from core.errors import PayloadTooLarge

from .. import permissions
from ..models import AnnualAssessment, AnnualImport
from ..selectors.annual import AnnualRow
from ..selectors.annual_excel import (
    CADRE_ID,
    COMMENT,
    GRADE,
    GRADE_BY_LABEL,
    GRADE_LABELS,
    ID_NUMBER,
    NAME,
    REQUIRED,
    YEAR,
    cadres_for_import,
)
from .annual import RowErrors, annual_save

# A sheet over this is refused with 413 (DANDANG["ANNUAL_IMPORT_MAX_MB"] may change it).
DEFAULT_MAX_MB = 10
# More data rows than this run as a background job (the API answers 202 {"job": id}).
DEFAULT_JOB_ABOVE = 500
# What a sheet may hold at most, and what its unpacked parts may weigh (a zip bomb is small).
MAX_ROWS = 20_000
MAX_UNPACKED = 200 * 1024 * 1024
COMMENT_MAX = 2000
JOB_KIND = "assessments.annual_import"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_bytes() -> int:
    return int(settings.DANDANG.get("ANNUAL_IMPORT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def job_above() -> int:
    return int(settings.DANDANG.get("ANNUAL_IMPORT_JOB_ABOVE", DEFAULT_JOB_ABOVE))


class ImportRefused(ValidationError):
    """Some rows may not be saved; nothing was. `rows` is [{"row": N, "errors": [...]}] with N
    the sheet's row number, as the API answers it."""

    def __init__(self, rows: dict[int, list[str]]):
        self.rows = [{"row": n, "errors": rows[n]} for n in sorted(rows)]
        super().__init__({"file": [
            _("第 %(row)s 行：%(errors)s") % {"row": r["row"], "errors": "；".join(r["errors"])}
            for r in self.rows]})


@dataclass
class SheetRow:
    row: int  # the sheet's own row number
    id_number: str = ""
    name: str = ""
    year: int | None = None
    grade: str = ""
    comment: str = ""
    cadre_id: int | None = None  # the export's 干部编号, used when the ID number is masked


@dataclass
class Sheet:
    rows: list[SheetRow]
    errors: dict[int, list[str]] = field(default_factory=dict)

    def refuse(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    # What each row does (the page's preview): row, name, masked ID number, year, grade and
    # the grade it replaces ("" when new), action (created / updated / unchanged).
    preview: list[dict] = field(default_factory=list)
    record: AnnualImport | None = None

    def answer(self) -> dict:
        return {"created": self.created, "updated": self.updated}


# The file -------------------------------------------------------------------------------


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def display_name(upload) -> str:
    name = PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or _("未命名文件")


def read_upload(upload) -> bytes:
    """The upload's bytes after the size and content checks: PayloadTooLarge (413) over the
    limit; ValidationError on `file` when missing, empty, or not an .xlsx workbook (by its
    content, whatever its name: an .xls, a PDF or a Word file renamed is refused)."""
    if upload is None:
        raise _file_error(_("请选择要导入的 Excel 文件（.xlsx）。"))
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise PayloadTooLarge(_("文件大小 %(size).1f MB，超过 %(limit)d MB 的上限。") % {
            "size": size / 1024 / 1024, "limit": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(_("文件超过 %(limit)d MB 的上限。") % {"limit": limit // (1024 * 1024)})
    if not data:
        raise _file_error(_("文件为空，请重新选择。"))
    if data.startswith(_OLE_MAGIC):
        raise _file_error(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。"))
    not_xlsx = _("该文件不是 Excel 工作簿（.xlsx）：文件类型按内容识别，修改扩展名无效。请使用导入模板。")
    if not data.startswith(_ZIP_MAGIC):
        raise _file_error(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise _file_error(_("文件解压后过大，无法读取。"))
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _file_error(not_xlsx)
            types = archive.read("[Content_Types].xml")[:1024 * 1024].decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, NotImplementedError):
        raise _file_error(not_xlsx) from None
    if "spreadsheetml.sheet.main" not in types:
        raise _file_error(not_xlsx)
    return data


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value).removesuffix("年")
    if isinstance(value, int) or (text.isascii() and text.isdigit()):
        year = int(text)
        if 2000 <= year <= 2100:
            return year
    return None


def read_sheet(data: bytes) -> Sheet:
    """The first worksheet's rows, with the errors a row shows on its own (grade, year, blank
    cells, merged cells). ValidationError on `file` when the sheet cannot be read, its header
    is wrong or it holds no row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises anything on a damaged workbook
        raise _file_error(_("无法读取该 Excel 文件，文件可能已损坏。请使用导入模板重新填写。")) from None
    try:
        sheet = book.worksheets[0]
    except IndexError:
        raise _file_error(_("工作簿中没有工作表。")) from None
    if sheet.max_row > MAX_ROWS + 1:
        raise _file_error(_("表格超过 %(n)s 行，请分批导入。") % {"n": MAX_ROWS})
    header = [_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())]
    columns = {name: index for index, name in reversed(list(enumerate(header))) if name}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise _file_error(_("第 1 行表头缺少：%(missing)s。表头应为 身份证号、姓名、年度、等次（评语可选），"
                            "请使用导入模板。") % {"missing": "、".join(missing)})
    result = Sheet(rows=[])
    merged_rows: dict[int, list[str]] = {}
    for merged in sheet.merged_cells.ranges:
        merged_rows.setdefault(merged.min_row, []).append(merged.coord)
    labels = "、".join(GRADE_LABELS.values())

    def cell(values, name):
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(_text(v) == "" for v in values):
            continue
        row = SheetRow(row=number)
        result.rows.append(row)
        if any(isinstance(v, str) and "\x00" in v for v in values):
            result.refuse(number, _("含有无效的控制字符。"))
            continue
        raw_id = _text(cell(values, ID_NUMBER))
        row.id_number = idnumber.normalize(raw_id)
        raw_pk = _text(cell(values, CADRE_ID))
        row.cadre_id = int(raw_pk) if raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) < 10 else None
        if not row.id_number:
            result.refuse(number, _("身份证号未填写。"))
        elif "*" in row.id_number:
            if row.cadre_id is None:
                result.refuse(number, _("身份证号不完整（已打码）；请填写完整的 18 位身份证号。"))
        else:
            try:
                idnumber.parse(row.id_number)
            except ValidationError as exc:
                result.refuse(number, exc.messages[0])
                row.id_number = ""
        row.name = "".join(_text(cell(values, NAME)).split())
        if not row.name:
            result.refuse(number, _("姓名未填写。"))
        row.year = _year(cell(values, YEAR))
        if row.year is None:
            result.refuse(number, _("年度“%(value)s”无效，应为 2000 到 2100 之间的四位数字。")
                          % {"value": _text(cell(values, YEAR))[:20]})
        grade = _text(cell(values, GRADE))
        row.grade = GRADE_BY_LABEL.get(grade) or (grade if grade in AnnualAssessment.Grade.values else "")
        if not row.grade:
            if grade:
                result.refuse(number, _("等次“%(value)s”无效，应为%(labels)s之一。")
                              % {"value": grade[:20], "labels": labels})
            else:
                result.refuse(number, _("等次未填写，应为%(labels)s之一。") % {"labels": labels})
        row.comment = _text(cell(values, COMMENT))
        if len(row.comment) > COMMENT_MAX:
            result.refuse(number, _("评语超过 %(n)s 字。") % {"n": COMMENT_MAX})
    for number, coords in merged_rows.items():
        result.refuse(number, _("含有合并单元格（%(cells)s），请取消合并，每行分别填写。")
                      % {"cells": "、".join(coords)})
    if not result.rows:
        raise _file_error(_("表格中没有数据：第 1 行为表头，从第 2 行起每行填写一名干部。"))
    return result


def count_rows(data: bytes) -> int:
    """How many data rows the sheet holds (for the choice between answering now and a job)."""
    return len(read_sheet(data).rows)


# The import -----------------------------------------------------------------------------


def _resolve(actor, sheet: Sheet) -> list[tuple[SheetRow, AnnualRow]]:
    """Every row's cadre in ONE query; unknown, out of scope (the same words), a name that
    does not match, and duplicates become the row's errors. Returns the rows that may go on."""
    by_number, by_pk = cadres_for_import(
        actor,
        [r.id_number for r in sheet.rows if r.id_number and "*" not in r.id_number],
        [r.cadre_id for r in sheet.rows if "*" in r.id_number and r.cadre_id],
    )
    good: list[tuple[SheetRow, AnnualRow]] = []
    first: dict[tuple[int, int], int] = {}
    for row in sheet.rows:
        if not row.id_number:
            continue
        if "*" in row.id_number:
            cadre = by_pk.get(row.cadre_id)
            if cadre is not None and idnumber.mask(cadre.id_number) != row.id_number:
                cadre = None
        else:
            cadre = by_number.get(row.id_number)
        shown = idnumber.mask(row.id_number)
        if cadre is None:
            sheet.refuse(row.row, _("身份证号 %(number)s 对应的干部不存在或不在您的管辖范围内。")
                         % {"number": shown})
            continue
        if row.name and "".join(cadre.name.split()) != row.name:
            sheet.refuse(row.row, _("姓名“%(name)s”与身份证号 %(number)s 登记的姓名不一致。")
                         % {"name": row.name[:30], "number": shown})
            continue
        if row.year is None:
            continue
        key = (cadre.pk, row.year)
        if key in first:
            sheet.refuse(row.row, _("与第 %(row)s 行重复：同一干部同一年度只能有一个等次。")
                         % {"row": first[key]})
            continue
        first[key] = row.row
        if row.row in sheet.errors or not row.grade:
            continue
        good.append((row, AnnualRow(cadre=cadre, year=row.year, grade=row.grade,
                                    comment=row.comment)))
    return good


def _merge(sheet: Sheet, good: list[tuple[SheetRow, AnnualRow]], exc: RowErrors) -> None:
    for index, fields in exc.rows.items():
        for messages in fields.values():
            for message in messages:
                sheet.refuse(good[index][0].row, message)


def _preview(good, existing) -> list[dict]:
    preview = []
    for sheet_row, row in good:
        before = existing.get((row.cadre.pk, row.year))
        if before is None:
            action = "created"
        elif before == (row.grade, row.comment):
            action = "unchanged"
        else:
            action = "updated"
        preview.append({
            "row": sheet_row.row, "name": row.cadre.name,
            "id_number": idnumber.mask(row.cadre.id_number), "year": row.year,
            "grade": GRADE_LABELS.get(row.grade, row.grade),
            "before": GRADE_LABELS.get(before[0], before[0]) if before else "",
            "action": action,
        })
    return preview


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def annual_import(*, actor, data: bytes, name: str = "", dry_run: bool = False,
                  record: AnnualImport | None = None, progress=None, fence=None) -> ImportResult:
    """Import the sheet's grades, all or nothing. Raises PermissionDenied, ValidationError on
    `file` (the sheet cannot be read), ImportRefused (the rows that may not be saved, with their
    sheet row numbers: nothing was saved). A dry run saves nothing and says what would be done.
    The grades are audited as ONE run-level entry on the import's record (created here unless
    given: the page's pending upload, or a job's). fence(result): called last, inside the
    transaction (a job's completion): when it raises (the job was cancelled or taken over),
    nothing is saved."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色无权录入考核结果。"))
    sheet = read_sheet(data)
    if progress:
        progress(0.3)
    good = _resolve(actor, sheet)
    existing = {}
    if dry_run:
        existing = {
            (a["cadre_id"], a["year"]): (a["grade"], a["comment"])
            for a in AnnualAssessment.objects.filter(
                cadre_id__in={r.cadre.pk for _s, r in good}, year__in={r.year for _s, r in good}
            ).values("cadre_id", "year", "grade", "comment")
        }
    rows = [r for _s, r in good]
    if sheet.errors:
        # Still ask the rules about the rows that passed, so every bad row is named at once.
        if rows:
            try:
                annual_save(actor=actor, rows=rows, dry_run=True)
            except RowErrors as exc:
                _merge(sheet, good, exc)
        raise ImportRefused(sheet.errors)
    if progress:
        progress(0.5)
    sha = sha256_of(data)
    if record is None and not dry_run:
        record = AnnualImport.objects.create(
            name=(name or _("未命名文件"))[:200], size=len(data), sha256=sha, rows=len(rows),
            state=AnnualImport.State.RUNNING, created_by=actor)
    try:
        saved = annual_save(
            actor=actor, rows=rows, dry_run=dry_run, audit_on=None if dry_run else record,
            audit_inputs={"file": record.name if record else name, "sha256": sha,
                          "rows": len(rows)},
        )
    except RowErrors as exc:
        _merge(sheet, good, exc)
        raise ImportRefused(sheet.errors) from exc
    result = ImportResult(created=saved.created, updated=saved.updated,
                          unchanged=saved.unchanged, dry_run=dry_run, record=record)
    if dry_run:
        result.preview = _preview(good, existing)
        return result
    AnnualImport.objects.filter(pk=record.pk).update(
        state=AnnualImport.State.DONE, created=saved.created, updated=saved.updated,
        unchanged=saved.unchanged, rows=len(rows), finished_at=timezone.now())
    record.state = AnnualImport.State.DONE
    if fence is not None:
        fence(result)
    return result


# The page's and the job's upload, kept until it is saved ------------------------------------


def import_upload(*, actor, upload) -> tuple[AnnualImport, bytes]:
    """Keep a checked upload for its confirmation or its job (a pending AnnualImport). Raises
    PermissionDenied, PayloadTooLarge, ValidationError on `file`."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色无权录入考核结果。"))
    data = read_upload(upload)
    name = display_name(upload)
    record = AnnualImport(name=name, size=len(data), sha256=sha256_of(data), created_by=actor)
    record.file.save("annual.xlsx", ContentFile(data), save=False)
    record.save()
    return record, data


def pending_import(*, actor, pk) -> AnnualImport:
    """Claim the actor's own pending import for its confirmation (a conditional UPDATE: of two
    confirmations, one wins). Any other import, or one already confirmed, does not exist for
    them: ValidationError on `file`."""
    claimed = (AnnualImport.objects.filter(pk=pk, created_by=actor, state=AnnualImport.State.PENDING)
               .exclude(file="").update(state=AnnualImport.State.RUNNING))
    if not claimed:
        raise ValidationError({"file": [_("该导入已处理或不存在，请重新上传。")]})
    return AnnualImport.objects.get(pk=pk)


def _forget_file(record: AnnualImport) -> None:
    """The sheet names cadres by whole ID number: delete it once the import is finished."""
    if record.file:
        name, storage = record.file.name, record.file.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)
        AnnualImport.objects.filter(pk=record.pk).update(file="")


def import_pending(*, actor, record: AnnualImport, progress=None,
                   dry_run: bool = False, fence=None) -> ImportResult:
    """Save a pending (or a job's) import; the sheet is deleted afterwards. On refusal the
    record is marked failed (nothing was saved). A dry run (the API's, of a large sheet) saves
    nothing and leaves the record without its sheet. fence: see annual_import."""
    if not record.file:
        raise ValidationError({"file": [_("该导入已处理或不存在，请重新上传。")]})
    with record.file.open("rb") as handle:
        data = handle.read()
    try:
        result = annual_import(actor=actor, data=data, name=record.name, record=record,
                               progress=progress, dry_run=dry_run, fence=fence)
    except ValidationError:
        with transaction.atomic():
            AnnualImport.objects.filter(pk=record.pk).update(
                state=AnnualImport.State.FAILED, finished_at=timezone.now())
            _forget_file(record)
        raise
    _forget_file(record)
    return result


def import_stopped(*, record: AnnualImport) -> None:
    """A job's import that will not run again (its job was cancelled): nothing was saved; the
    record says so and the sheet, which names cadres by whole ID number, is deleted."""
    with transaction.atomic():
        AnnualImport.objects.filter(pk=record.pk, state=AnnualImport.State.RUNNING).update(
            state=AnnualImport.State.FAILED, finished_at=timezone.now())
        _forget_file(record)


def import_start_job(*, actor, record: AnnualImport, dry_run: bool = False):
    """Hand a pending import to a background job (assessments/jobs.py); returns the Job."""
    from core.jobs import job_start

    with transaction.atomic():
        job = job_start(kind=JOB_KIND, actor=actor,
                        params={"import": record.pk, "dry_run": bool(dry_run)},
                        dedupe_key=f"{JOB_KIND}:{record.pk}")
        AnnualImport.objects.filter(pk=record.pk).update(job=job, state=AnnualImport.State.RUNNING)
    return job
