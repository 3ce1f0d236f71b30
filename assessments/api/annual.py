"""REST API: the annual part of assessments (API.md)."""

ROUTES: list[tuple] = []


# annual-excel ----------------------------------------------------------------------------
# The Excel exchange: annual-assessments/import/, import-template/ and export/. Each is its own
# small viewset, put at the FRONT of ROUTES (below) so that DefaultRouter matches these exact
# paths before AnnualAssessmentViewSet's annual-assessments/{id}/ (whose lookup would take
# "import" for an id).

from django.core.exceptions import PermissionDenied as _DjangoPermissionDenied  # noqa: E402
from django.http import Http404, HttpResponse  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402
from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, extend_schema  # noqa: E402
from rest_framework import serializers, status, viewsets  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from core.api import HasRole  # noqa: E402
from core.models import Unit  # noqa: E402

from .. import permissions as _permissions  # noqa: E402
from ..models import YEAR_VALIDATORS  # noqa: E402
from ..selectors.annual_excel import XLSX_MIME, export_workbook, template_workbook  # noqa: E402
from ..services.annual_excel import (  # noqa: E402
    ImportRefused,
    annual_import,
    count_rows,
    display_name,
    import_start_job,
    import_upload,
    job_above,
    read_upload,
)


class AnnualImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=_lazy("一个 .xlsx 工作簿：第 1 行表头 身份证号、姓名、年度、等次（评语可选），每行一名干部。"),
        allow_empty_file=True,
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=_lazy("为 true 时只校验并返回将新增、更新的条数，不保存。"))


class AnnualImportResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class AnnualImportRow(serializers.Serializer):
    row = serializers.IntegerField(help_text=_lazy("表格中的行号（表头为第 1 行）"))
    errors = serializers.ListField(child=serializers.CharField())


class AnnualImportRefusal(serializers.Serializer):
    """400: `rows` (the refused rows; nothing saved), or the field's errors when the upload is
    not a sheet of grades (`file`: not an .xlsx, no header, no row; `dry_run`)."""

    rows = AnnualImportRow(many=True, required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    dry_run = serializers.ListField(child=serializers.CharField(), required=False)


class AnnualImportJob(serializers.Serializer):
    job = serializers.IntegerField(help_text=_lazy("后台任务编号：GET jobs/{id}/ 查看进度和结果"))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class AnnualImportViewSet(viewsets.GenericViewSet):
    """POST annual-assessments/import/: an .xlsx of annual grades, all or nothing."""

    permission_classes = [IsAuthenticated, HasRole]
    write_roles = _permissions.WRITE_ROLES
    serializer_class = AnnualImportInput

    @extend_schema(
        request={"multipart/form-data": AnnualImportInput},
        responses={200: AnnualImportResult, 202: AnnualImportJob, 400: AnnualImportRefusal,
                   403: OpenApiTypes.OBJECT, 413: OpenApiTypes.OBJECT},
        description=(
            "导入年度考核等次。全部行通过校验（含等次限制与优秀比例）才保存：200 {created, updated}；"
            "否则 400 {rows: [{row, errors}]}（row 为表格行号，表头为第 1 行），什么也不保存；"
            "dry_run 只校验不保存。文件本身的问题（不是 .xlsx、表头不对、没有数据）为 400 {file: [...]}，"
            "超过大小上限为 413。扩展：超过 500 行的表格在后台导入，答 202 {job}，"
            "任务结果（GET jobs/{id}/ 的 result）为 {created, updated, unchanged}，"
            "或有行被拒绝时 {created: 0, updated: 0, rows: [...], summary}。"),
    )
    def create(self, request):
        checked = AnnualImportInput(data=request.data)
        checked.is_valid(raise_exception=True)
        upload, dry_run = checked.validated_data["file"], checked.validated_data["dry_run"]
        if not _permissions.can_write(request.user):
            raise _DjangoPermissionDenied(_lazy("您的角色无权录入考核结果。"))
        data = read_upload(upload)
        if count_rows(data) > job_above():
            record, _data = import_upload(actor=request.user, upload=upload)
            job = import_start_job(actor=request.user, record=record, dry_run=dry_run)
            return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)
        try:
            result = annual_import(actor=request.user, data=data, name=display_name(upload),
                                   dry_run=dry_run)
        except ImportRefused as exc:
            return Response({"rows": exc.rows}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.answer())


class AnnualImportTemplateViewSet(viewsets.GenericViewSet):
    """GET annual-assessments/import-template/: the empty sheet to fill in."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnnualImportResult  # for the schema generator only
    pagination_class = None

    @extend_schema(responses={(200, XLSX_MIME): OpenApiTypes.BINARY},
                   description="空白导入模板：第一张表为表头，第二张表说明各等次。")
    def list(self, request):
        return _xlsx(template_workbook(), "%E5%B9%B4%E5%BA%A6%E8%80%83%E6%A0%B8%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")


class AnnualExportQuery(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                    help_text=_lazy("单位编号（须在您的管辖范围内）"))
    year = serializers.IntegerField(validators=YEAR_VALIDATORS, help_text=_lazy("年度"))


class AnnualExportViewSet(viewsets.GenericViewSet):
    """GET annual-assessments/export/?unit=&year=: the unit's grades of the year as .xlsx, in
    the import's columns (ID numbers whole for administrators only, with 干部编号)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnnualExportQuery
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, required=True, description="单位编号"),
            OpenApiParameter("year", int, required=True, description="年度"),
        ],
        responses={(200, XLSX_MIME): OpenApiTypes.BINARY, 400: OpenApiTypes.OBJECT,
                   404: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        checked = AnnualExportQuery(data=request.query_params)
        checked.is_valid(raise_exception=True)
        unit = Unit.objects.filter(pk=checked.validated_data["unit"]).first()
        if unit is None or not _permissions.can_see_unit_record(request.user, unit):
            raise Http404
        year = checked.validated_data["year"]
        return _xlsx(export_workbook(request.user, unit, year),
                     f"annual-{unit.pk}-{year}.xlsx")


ROUTES[:0] = [
    ("annual-assessments/import", AnnualImportViewSet, "annual-assessment-import"),
    ("annual-assessments/import-template", AnnualImportTemplateViewSet,
     "annual-assessment-import-template"),
    ("annual-assessments/export", AnnualExportViewSet, "annual-assessment-export"),
]
