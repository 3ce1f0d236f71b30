"""REST API: the annual part of assessments (API.md): annual-assessments/, quarterly-assessments/
(one object or a list, all or nothing), excellence-quota/, and annual-reviews/ (an extension:
the 复核 and 申诉 of a 不称职 grade, 公务员法 §95). Serializers check shapes; the services decide;
what concerns a cadre outside the user's scope is not there (404, and absent from lists)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import HasRole, HistoryMixin
from core.errors import PayloadTooLarge
from core.input import MAX_ID
from core.models import Role, Unit

from .. import permissions
from ..filters import AnnualAssessmentFilter, AnnualReviewFilter, QuarterlyAssessmentFilter
from ..models import YEAR_VALIDATORS, AnnualAssessment, AnnualReview, QuarterlyAssessment
from ..selectors import annual as selectors
from ..selectors.annual import AnnualRow, QuarterlyRow
from ..selectors.annual_excel import XLSX_MIME, export_workbook, template_workbook
from ..services import annual as services
from ..services.annual import RowErrors
from ..services.annual_excel import (
    ImportRefused,
    annual_import,
    count_rows,
    display_name,
    import_start_job,
    import_upload,
    job_above,
    read_upload,
)

# The most rows one POST may carry; more is 413 (the Excel import takes larger sheets).
MAX_ROWS = 5000

ROW_ERRORS_SCHEMA = {
    "description": "一条：{\"字段\": [\"错误\"]}；多条：与提交顺序一致的列表，每条一个字段错误对象（无错为 {}）。"
                   "超出优秀名额或规则（门槛）不允许的等次，错误写明名额或规则及其依据。",
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
    ],
}


class _GradeSerializer(serializers.ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id", min_value=1, max_value=MAX_ID,
                                     help_text="干部编号（须在您的管辖范围内）")
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True, help_text="考核单位（评定时干部所在单位）")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AnnualAssessmentSerializer(_GradeSerializer):
    grade = serializers.ChoiceField(choices=AnnualAssessment.Grade.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                    help_text="评语；处分期间“不定等次”时必填")

    class Meta:
        model = AnnualAssessment
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "year", "grade", "comment",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # one grade per cadre and year: the service's, with its own message


class AnnualAssessmentUpdateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=AnnualAssessment.Grade.choices, required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class QuarterlyAssessmentSerializer(_GradeSerializer):
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    grade = serializers.ChoiceField(choices=QuarterlyAssessment.Grade.choices)

    class Meta:
        model = QuarterlyAssessment
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "year", "quarter", "grade",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators = []


class QuarterlyAssessmentUpdateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=QuarterlyAssessment.Grade.choices)


class _BatchWriteMixin:
    """POST one object or a list (all or nothing); PATCH {id}/ through the same service."""

    write_serializer = None
    update_serializer = None

    def _rows(self, items: list[dict]):
        raise NotImplementedError

    def _save(self, rows, *, create_only: bool, dry_run: bool = False):
        raise NotImplementedError

    def _row_for_update(self, obj, data: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        many = isinstance(request.data, list)
        if many and len(request.data) > MAX_ROWS:
            raise PayloadTooLarge(_("一次最多提交 %(n)s 条，请分批提交或使用 Excel 导入。") % {"n": MAX_ROWS})
        serializer = self.get_serializer(data=request.data, many=many)
        if not serializer.is_valid():
            errors = serializer.errors
            if many and isinstance(errors, dict) and all(str(k).isdigit() for k in errors):
                # DRF answers a list's item errors keyed by index: API.md's shape is the list.
                errors = [errors.get(i) or errors.get(str(i)) or {} for i in range(len(request.data))]
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        items = serializer.validated_data if many else [serializer.validated_data]
        cadres = selectors.cadres_by_id(user=request.user, ids={item["cadre_id"] for item in items})
        missing = {index: {"cadre": [_("干部不存在或不在您的管辖范围内。")]}
                   for index, item in enumerate(items) if item["cadre_id"] not in cadres}
        if missing:
            # Name every bad row: check the others too (a dry run saves nothing).
            known = [index for index in range(len(items)) if index not in missing]
            try:
                self._save(self._rows([items[i] for i in known], cadres), create_only=True, dry_run=True)
            except RowErrors as exc:
                missing.update({known[i]: errs for i, errs in exc.rows.items()})
            return self._errors(missing, len(items), many)
        try:
            result = self._save(self._rows(items, cadres), create_only=True)
        except RowErrors as exc:
            return self._errors(exc.rows, len(items), many)
        data = self.get_serializer(result.objects, many=True).data
        return Response(data if many else data[0], status=status.HTTP_201_CREATED)

    def _errors(self, rows: dict, count: int, many: bool) -> Response:
        body = [rows.get(index, {}) for index in range(count)] if many else rows.get(0, {})
        return Response(body, status=status.HTTP_400_BAD_REQUEST)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.update_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = self._save([self._row_for_update(obj, serializer.validated_data)], create_only=False)
        except RowErrors as exc:
            return Response(exc.rows.get(0, {}), status=status.HTTP_400_BAD_REQUEST)
        obj = self.get_queryset().get(pk=result.objects[0].pk)
        return Response(self.get_serializer(obj).data)


def _one_or_many(component: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{component}"}
    return {"oneOf": [ref, {"type": "array", "items": ref, "maxItems": MAX_ROWS}]}


@extend_schema_view(
    create=extend_schema(
        request={"application/json": _one_or_many("AnnualAssessment")},
        description="一条或多条（列表）年度考核等次；列表全部通过才保存（全有或全无）。",
        responses={201: OpenApiResponse(response=_one_or_many("AnnualAssessment"),
                                         description="一条时为对象，多条时为列表（顺序与提交一致）"),
                   400: OpenApiResponse(response=ROW_ERRORS_SCHEMA)},
    ),
    partial_update=extend_schema(
        request=AnnualAssessmentUpdateSerializer, responses={200: AnnualAssessmentSerializer},
        description="（扩展）修改等次或评语，经同一服务校验优秀名额与规则。",
    ),
)
class AnnualAssessmentViewSet(
    _BatchWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """年度考核: one grade per cadre and year, within the unit's 优秀 cap and the gates."""

    serializer_class = AnnualAssessmentSerializer
    update_serializer = AnnualAssessmentUpdateSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = AnnualAssessmentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.annual_list(user=self.request.user)

    def _rows(self, items, cadres):
        return [AnnualRow(cadres[i["cadre_id"]], i["year"], i["grade"], i.get("comment", "")) for i in items]

    def _save(self, rows, *, create_only, dry_run=False):
        return services.annual_save(actor=self.request.user, rows=rows, create_only=create_only, dry_run=dry_run)

    def _row_for_update(self, obj, data):
        return AnnualRow(obj.cadre, obj.year, data.get("grade", obj.grade), data.get("comment", obj.comment))


@extend_schema_view(
    create=extend_schema(
        request={"application/json": _one_or_many("QuarterlyAssessment")},
        description="一条或多条（列表）平时考核等次；列表全部通过才保存（全有或全无）。",
        responses={201: OpenApiResponse(response=_one_or_many("QuarterlyAssessment"),
                                         description="一条时为对象，多条时为列表（顺序与提交一致）"),
                   400: OpenApiResponse(response=ROW_ERRORS_SCHEMA)},
    ),
    partial_update=extend_schema(request=QuarterlyAssessmentUpdateSerializer,
                                 responses={200: QuarterlyAssessmentSerializer},
                                 description="（扩展）修改平时考核等次。"),
)
class QuarterlyAssessmentViewSet(
    _BatchWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """平时考核: one grade per cadre and quarter."""

    serializer_class = QuarterlyAssessmentSerializer
    update_serializer = QuarterlyAssessmentUpdateSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = QuarterlyAssessmentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.quarterly_list(user=self.request.user)

    def _rows(self, items, cadres):
        return [QuarterlyRow(cadres[i["cadre_id"]], i["year"], i["quarter"], i["grade"]) for i in items]

    def _save(self, rows, *, create_only, dry_run=False):
        return services.quarterly_save(actor=self.request.user, rows=rows, create_only=create_only,
                                       dry_run=dry_run)

    def _row_for_update(self, obj, data):
        return QuarterlyRow(obj.cadre, obj.year, obj.quarter, data["grade"])


# The 优秀 quota ------------------------------------------------------------------------------


class QuotaQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class QuotaSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=4, decimal_places=3, coerce_to_string=False,
                                    help_text="优秀比例（单位的，否则其考核类别的，否则默认值）")
    graded = serializers.IntegerField(help_text="已评定等次人数（统筹时为统筹范围合计）")
    cap = serializers.IntegerField(help_text="优秀名额：向下取整（比例 × 参加考核人数）")
    excellent = serializers.IntegerField(help_text="已评为优秀人数")
    pooled_with = serializers.SerializerMethodField(help_text="统筹计算名额的上级单位；未统筹为 null")
    taking_part = serializers.IntegerField(help_text="（扩展）参加考核人数：在职干部数与已评定人数的较大者")
    pooled_units = serializers.SerializerMethodField(help_text="（扩展）统筹范围内的单位编号")

    def get_pooled_with(self, quota) -> int | None:
        return quota.pooled_with.pk if quota.pooled_with is not None else None

    def get_pooled_units(self, quota) -> list[int]:
        return [u.pk for u in quota.members] if quota.pooled_with is not None else []


class ExcellenceQuotaViewSet(viewsets.GenericViewSet):
    """A unit's 优秀 quota for a year (API.md excellence-quota/)."""

    permission_classes = [HasRole]
    read_roles = None
    serializer_class = QuotaSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("unit", int, required=True, description="单位编号"),
                    OpenApiParameter("year", int, required=True, description="年度")],
        responses={200: QuotaSerializer},
    )
    def list(self, request):
        query = QuotaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = get_object_or_404(permissions.visible_units(request.user), pk=query.validated_data["unit"])
        quota = selectors.quota(unit, query.validated_data["year"])
        return Response(QuotaSerializer(quota).data)


# Review (复核) and appeal (申诉) of a 不称职 grade -----------------------------------------


class AnnualReviewSerializer(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id", min_value=1, max_value=MAX_ID,
                                          help_text="“不称职”的年度考核编号")
    cadre = serializers.IntegerField(source="assessment.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="assessment.cadre.name", read_only=True)
    year = serializers.IntegerField(source="assessment.year", read_only=True)
    grade = serializers.CharField(source="assessment.grade", read_only=True,
                                  help_text="当前等次（复核或申诉变更后为新等次）")
    requested_on = serializers.DateField(required=False, help_text="申请复核日期，缺省为今天")

    class Meta:
        model = AnnualReview
        fields = ["id", "assessment", "cadre", "cadre_name", "year", "grade", "state", "learned_on",
                  "requested_on", "reason", "decided_on", "result", "result_note", "appealed_on",
                  "appeal_reason", "appeal_decided_on", "appeal_result", "appeal_note", "created_at"]
        read_only_fields = ["state", "decided_on", "result", "result_note", "appealed_on", "appeal_reason",
                            "appeal_decided_on", "appeal_result", "appeal_note", "created_at"]


class ReviewDecideSerializer(serializers.Serializer):
    decided_on = serializers.DateField(required=False)
    result = serializers.ChoiceField(choices=AnnualReview.Result.choices)
    result_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    new_grade = serializers.ChoiceField(choices=AnnualAssessment.Grade.choices, required=False,
                                        help_text="变更等次时的新等次")


class ReviewAppealSerializer(serializers.Serializer):
    appealed_on = serializers.DateField(required=False)
    appeal_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReviewDecideAppealSerializer(serializers.Serializer):
    appeal_decided_on = serializers.DateField(required=False)
    appeal_result = serializers.ChoiceField(choices=AnnualReview.Result.choices)
    appeal_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    new_grade = serializers.ChoiceField(choices=AnnualAssessment.Grade.choices, required=False)


class AnnualReviewViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """（扩展）“不称职”等次的复核与申诉（《公务员法》第九十五条、《公务员申诉规定》）：自知道考核结果之日起
    30 日内申请复核；对复核决定不服的，自接到复核决定之日起 15 日内提出申诉。POST 申请复核；
    {id}/decide/ 复核决定；{id}/appeal/ 申诉；{id}/decide-appeal/ 申诉处理。状态不符为 409。
    可见范围与年度考核相同。"""

    serializer_class = AnnualReviewSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF, Role.ADMIN, Role.CADRE)
    filterset_class = AnnualReviewFilter

    def get_queryset(self):
        return selectors.review_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assessment = selectors.annual_list(user=self.request.user).filter(pk=data.pop("assessment_id")).first()
        if assessment is None:
            raise serializers.ValidationError({"assessment": [_("年度考核不存在或不在您的可见范围内。")]})
        serializer.instance = services.review_request(actor=self.request.user, assessment=assessment, **data)

    def _step(self, request, serializer_class, service):
        review = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = service(actor=request.user, review=review, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=ReviewDecideSerializer, responses={200: AnnualReviewSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(request, ReviewDecideSerializer, services.review_decide)

    @extend_schema(request=ReviewAppealSerializer, responses={200: AnnualReviewSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        return self._step(request, ReviewAppealSerializer, services.review_appeal)

    @extend_schema(request=ReviewDecideAppealSerializer, responses={200: AnnualReviewSerializer})
    @action(detail=True, methods=["post"], url_path="decide-appeal")
    def decide_appeal(self, request, pk=None):
        return self._step(request, ReviewDecideAppealSerializer, services.review_decide_appeal)


ROUTES: list[tuple] = [
    ("annual-assessments", AnnualAssessmentViewSet, "annual-assessment"),
    ("quarterly-assessments", QuarterlyAssessmentViewSet, "quarterly-assessment"),
    ("excellence-quota", ExcellenceQuotaViewSet, "excellence-quota"),
    ("annual-reviews", AnnualReviewViewSet, "annual-review"),
]

# annual-excel ----------------------------------------------------------------------------
# The Excel exchange: annual-assessments/import/, import-template/ and export/. Each is its own
# small viewset, put at the FRONT of ROUTES (below) so that DefaultRouter matches these exact
# paths before AnnualAssessmentViewSet's annual-assessments/{id}/ (whose lookup would take
# "import" for an id).


class AnnualImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("一个 .xlsx 工作簿：第 1 行表头 身份证号、姓名、年度、等次（评语可选），每行一名干部。"),
        allow_empty_file=True,
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=gettext_lazy("为 true 时只校验并返回将新增、更新的条数，不保存。"))


class AnnualImportResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class AnnualImportRow(serializers.Serializer):
    row = serializers.IntegerField(help_text=gettext_lazy("表格中的行号（表头为第 1 行）"))
    errors = serializers.ListField(child=serializers.CharField())


class AnnualImportRefusal(serializers.Serializer):
    """400: `rows` (the refused rows; nothing saved), or the field's errors when the upload is
    not a sheet of grades (`file`: not an .xlsx, no header, no row; `dry_run`)."""

    rows = AnnualImportRow(many=True, required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    dry_run = serializers.ListField(child=serializers.CharField(), required=False)


class AnnualImportJob(serializers.Serializer):
    job = serializers.IntegerField(help_text=gettext_lazy("后台任务编号：GET jobs/{id}/ 查看进度和结果"))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class AnnualImportViewSet(viewsets.GenericViewSet):
    """POST annual-assessments/import/: an .xlsx of annual grades, all or nothing."""

    permission_classes = [IsAuthenticated, HasRole]
    write_roles = permissions.WRITE_ROLES
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
        if not permissions.can_write(request.user):
            raise PermissionDenied(gettext_lazy("您的角色无权录入考核结果。"))
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
                                    help_text=gettext_lazy("单位编号（须在您的管辖范围内）"))
    year = serializers.IntegerField(validators=YEAR_VALIDATORS, help_text=gettext_lazy("年度"))


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
        if unit is None or not permissions.can_see_unit_record(request.user, unit):
            raise Http404
        year = checked.validated_data["year"]
        return _xlsx(export_workbook(request.user, unit, year),
                     f"annual-{unit.pk}-{year}.xlsx")


# Before AnnualAssessmentViewSet's routes: its {id}/ would take "import" for an id.
ROUTES[:0] = [
    ("annual-assessments/import", AnnualImportViewSet, "annual-assessment-import"),
    ("annual-assessments/import-template", AnnualImportTemplateViewSet,
     "annual-assessment-import-template"),
    ("annual-assessments/export", AnnualExportViewSet, "annual-assessment-export"),
]
