"""Evidence files: the type is read from the content, never from the name; the size is
held to the jurisdiction's limit; each file's SHA-256 is kept."""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import olefile
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, PayloadTooLarge

from .. import selectors
from ..models import Case, CaseAttachment
from .files import atomic_with_files, save_file


@dataclass(frozen=True)
class FileKind:
    kind: str  # what the UI shows and the API returns: pdf, image, doc, docx, xls, xlsx, ofd
    mime: str
    extension: str


PDF = FileKind("pdf", "application/pdf", ".pdf")
DOC = FileKind("doc", "application/msword", ".doc")
XLS = FileKind("xls", "application/vnd.ms-excel", ".xls")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
OFD = FileKind("ofd", "application/ofd", ".ofd")
# Images Pillow can open and verify; the extension is the detected type's, not the client's.
IMAGES = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/bmp": ".bmp",
    "image/tiff": ".tif", "image/webp": ".webp",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# [Content_Types].xml is a few kilobytes; reading more than this is not a real Office file.
_CONTENT_TYPES_MAX = 1024 * 1024


def _refuse() -> ValidationError:
    return ValidationError({"file": _(
        "不支持的文件类型。证据材料只接受 PDF、图片（JPG、PNG、GIF、BMP、TIFF、WebP）、"
        "Word/Excel 文档（doc、docx、xls、xlsx）和 OFD 文件；文件类型按内容识别，修改扩展名无效。")})


def _office_open_xml(archive: zipfile.ZipFile, names: set[str]) -> FileKind | None:
    if "[Content_Types].xml" not in names:
        return None
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > _CONTENT_TYPES_MAX:
        return None
    content_types = archive.read(info).decode("utf-8", "replace")
    if "word/document.xml" in names and "wordprocessingml.document.main" in content_types:
        return DOCX
    if "xl/workbook.xml" in names and "spreadsheetml.sheet.main" in content_types:
        return XLSX
    return None


def _zip_kind(upload) -> FileKind | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return OFD
            return _office_open_xml(archive, names)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None


def _ole_kind(upload) -> FileKind | None:
    try:
        ole = olefile.OleFileIO(upload)
    except (OSError, ValueError, olefile.olefile.NotOleFileError):
        return None
    try:
        if ole.exists("WordDocument"):
            return DOC
        if ole.exists("Workbook") or ole.exists("Book"):
            return XLS
        return None
    finally:
        ole.close()


def _image_kind(upload, head: bytes) -> FileKind | None:
    guess = filetype.guess(head)
    if guess is None or guess.mime not in IMAGES:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return FileKind("image", guess.mime, IMAGES[guess.mime])


def detect_kind(upload) -> FileKind:
    """The type of an uploaded file read from its content; raises ValidationError for
    anything but PDF, an image, doc/docx/xls/xlsx or OFD."""
    upload.seek(0)
    head = upload.read(8192)
    try:
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            kind = PDF
        elif head.startswith(_OLE_MAGIC):
            kind = _ole_kind(upload)
        elif head.startswith(_ZIP_MAGIC):
            kind = _zip_kind(upload)
        else:
            kind = _image_kind(upload, head)
    finally:
        upload.seek(0)
    if kind is None:
        raise _refuse()
    return kind


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload, *, max_bytes: int) -> FileKind:
    """Size then content. Raises ValidationError (empty, wrong type) or PayloadTooLarge (413)."""
    if upload is None:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    if upload.size == 0:
        raise ValidationError({"file": _("文件为空，请重新选择。")})
    if upload.size > max_bytes:
        raise PayloadTooLarge(_("文件大小 %(size).1f MB，超过 %(limit)d MB 的上限。") % {
            "size": upload.size / 1024 / 1024, "limit": max_bytes // (1024 * 1024)})
    return detect_kind(upload)


def display_name(upload) -> str:
    name = PurePath((upload.name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or _("未命名文件")


@atomic_with_files()
def attachment_add(*, case: Case, actor, upload, description: str = "") -> CaseAttachment:
    """Attach an evidence file to a case that is still open for evidence. Raises Conflict,
    PermissionDenied, ValidationError (empty, type) or PayloadTooLarge. The file stored is
    deleted again if the transaction rolls back."""
    case = Case.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=case.pk)
    if case.state not in Case.OPEN_FOR_EVIDENCE:
        raise Conflict(_("当前状态（%(state)s）不能再补充证据材料。") % {"state": case.get_state_display()},
                       state=case.state, action="attachment")
    if not selectors.may_add_evidence(case, actor):
        raise PermissionDenied(_("您不能为本案补充证据材料。"))
    kind = check_upload(upload, max_bytes=selectors.policy_for(case.jurisdiction).attachment_max_bytes)
    attachment = CaseAttachment(
        case=case, name=display_name(upload), kind=kind.kind, content_type=kind.mime, size=upload.size,
        sha256=sha256_of(upload), description=(description or "").strip()[:200], uploaded_by=actor)
    save_file(attachment.file, f"evidence{kind.extension}", upload)
    attachment.save()
    audit_record(obj=case, actor=actor, action="attachment", changes={"attachments": [None, {
        "id": attachment.pk, "name": attachment.name, "kind": kind.kind, "size": attachment.size,
        "sha256": attachment.sha256}]})
    return attachment


@atomic_with_files()
def attachments_add(*, case: Case, actor, evidence, description: str = "") -> list[CaseAttachment]:
    """Attach several evidence files, all or none (a form's multiple upload; the API sends one
    at a time to attachment_add). A file refused for its content or size is named in a
    ValidationError on `evidence`; raises Conflict and PermissionDenied as attachment_add does."""
    attachments = []
    for upload in evidence:
        try:
            attachments.append(attachment_add(case=case, actor=actor, upload=upload, description=description))
        except (ValidationError, PayloadTooLarge) as exc:
            messages = [exc.message] if isinstance(exc, PayloadTooLarge) else exc.messages
            raise ValidationError({"evidence": [f"{display_name(upload)}：{m}" for m in messages]}) from exc
    return attachments
