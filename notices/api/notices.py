"""notices/: list, create, detail, PATCH (a draft only), publish/, pdf/, history/.

API.md's payloads: a 任前公示 takes `items` ([{"cadre", "proposed_post", "note",
"exceptional_reason"}]; `entries` is accepted as the same) and `period_start`/`period_days`;
a tolerance decision `case`; a clarification `clarification`; a commendation `records`
(incentive record ids). `issuer` is the issuing body's name as printed (by default the 发文机关 set on
the issuing unit or above it, else the configured one); `issuing_unit` is the issuing unit's id (whose staff draft and see it), by default the
top of the caller's scope. Everything goes through services (drafts, publish); who may see
what is permissions.notice_visible_q (404 outside it)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.api import ScopedCadreField
from core.api import HasRole, HistoryMixin, ScopedUnitField
from core.errors import Conflict
from core.models import Role
from core.parsers import JSONParser
from discipline.selectors import clarification_list
from fault_tolerance.selectors import case_list
from incentives.selectors.records import record_list

from ..filters import NoticeFilter
from ..models import Notice, NoticeCadre
from ..selectors import default_issuing_unit, notice_list
from ..services import notice_create, notice_publish, notice_update
from ..services.files import notice_pdf_file
from ..services.render import verify_url

PDF_MIME = "application/pdf"
WRITE_ROLES = (Role.STAFF, Role.ADMIN)


class _ScopedField(serializers.PrimaryKeyRelatedField):
    """An id among what a selector gives this request's user (otherwise: does not exist)."""

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


class NoticeItemSerializer(serializers.ModelSerializer):
    """One proposed cadre of a 任前公示."""

    cadre = ScopedCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    proposed_post = serializers.CharField(max_length=200, help_text="拟任职务。")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    exceptional_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="破格提拔的理由（如：任职年限破格），非破格留空。")

    class Meta:
        model = NoticeCadre
        fields = ["cadre", "cadre_name", "proposed_post", "note", "exceptional_reason"]


class NoticeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    issuing_unit = ScopedUnitField(required=False,
                                   help_text="发文单位编号；留空为您管辖范围的最上级单位。")
    issuing_unit_name = serializers.CharField(source="issuing_unit.name", read_only=True)
    issuer = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="发文机关（印在版头和落款）；留空为发文单位所属组织部的发文机关，未设置时为系统配置的发文机关。")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="留空为该类公告的默认标题。")
    items = NoticeItemSerializer(many=True, source="entries", required=False,
                                 help_text="任前公示的公示对象（按顺序）。")
    case = _ScopedField(selector=case_list, required=False, allow_null=True,
                        help_text="容错事项编号（容错免责认定结果）。")
    clarification = _ScopedField(selector=clarification_list, required=False, allow_null=True,
                                 help_text="澄清正名事项编号（澄清正名通报）。")
    records = _ScopedField(selector=record_list, many=True, required=False,
                           help_text="奖励记录编号（通报表扬）。")
    corrects = _ScopedField(selector=lambda user: notice_list(user=user).filter(
        state=Notice.State.PUBLISHED), required=False, allow_null=True,
        help_text="所更正的已发布公告编号。")
    period_days = serializers.IntegerField(min_value=1, max_value=30, required=False,
                                           help_text="公示期（工作日），默认 5。")
    # allow_null, not default=None: a default is skipped in a PATCH's answer (partial).
    published_by = serializers.CharField(source="published_by.username", read_only=True,
                                         allow_null=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "issuer", "issuing_unit", "issuing_unit_name", "preamble", "closing",
                  "cc", "items", "case", "clarification", "records", "period_start",
                  "period_days", "period_end", "corrects", "state", "document_number",
                  "issued_on", "sha256", "verification_code", "verify_url", "signed",
                  "published_at", "published_by", "created_at", "updated_at"]
        read_only_fields = ["period_end", "state", "document_number", "issued_on", "sha256",
                            "verification_code", "signed", "published_at", "created_at",
                            "updated_at"]
        extra_kwargs = {"preamble": {"required": False}, "closing": {"required": False},
                        "cc": {"required": False}}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_verify_url(self, notice) -> str | None:
        return verify_url(notice.verification_code) if notice.verification_code else None

    def to_internal_value(self, data):
        # API.md's name (`items`) and the services' (`entries`) both reach the same field.
        if hasattr(data, "keys"):
            aliases = {"entries": "items"}
            if any(old in data and new not in data for old, new in aliases.items()):
                data = {key: data[key] for key in data}
                for old, new in aliases.items():
                    if old in data and new not in data:
                        data[new] = data.pop(old)
        return super().to_internal_value(data)


class NoticeUpdateSerializer(NoticeSerializer):
    """PATCH: a draft's fields; its kind is fixed once drafted."""

    kind = serializers.ChoiceField(choices=Notice.Kind.choices, read_only=True)


class NoticeViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """公示公告: drafts of the caller's units, and the published notices they may see."""

    permission_classes = [HasRole]
    read_roles = None
    write_roles = WRITE_ROLES
    filterset_class = NoticeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    # JSON only: a draft's `items` are objects in a list, which a form encoding cannot carry
    # (DRF would read `items=…` fields as no items at all and accept the draft). The project's
    # JSON parser (core.parsers): a NUL or a too-deep body is a 400 there, never a 500.
    parser_classes = [JSONParser]

    def get_queryset(self):
        # Each answer lists the items and the records: fetched once for a whole page.
        return notice_list(user=self.request.user).prefetch_related("entries__cadre", "records")

    def get_serializer_class(self):
        return NoticeUpdateSerializer if self.action == "partial_update" else NoticeSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        unit = data.pop("issuing_unit", None) or default_issuing_unit(self.request.user)
        if unit is None:
            raise serializers.ValidationError({"issuing_unit": [_("请选择发文单位。")]})
        serializer.instance = notice_create(actor=self.request.user, issuing_unit=unit, **data)

    def perform_update(self, serializer):
        serializer.instance = notice_update(actor=self.request.user, notice=serializer.instance,
                                            **serializer.validated_data)

    def _fresh(self, notice):
        return self.get_queryset().get(pk=notice.pk)

    def partial_update(self, request, *args, **kwargs):
        # A published notice is 409 whatever the body says: it never changes.
        notice = self.get_object()
        if notice.is_published:
            raise Conflict(_("已发布的公告不能修改；如需更正，请另起草一份更正公告。"),
                           state=notice.state, action=_("修改"))
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布: takes the number, renders and stores the PDF once. 400 naming what is missing,
        409 when already published, 403 when not allowed."""
        notice = notice_publish(actor=request.user, notice=self.get_object())
        return Response(NoticeSerializer(self._fresh(notice),
                                         context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, PDF_MIME): OpenApiTypes.BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The published PDF, byte for byte; a draft's is a preview marked 草稿, never stored."""
        return notice_pdf_response(self.get_object())


def notice_pdf_response(notice: Notice) -> HttpResponse:
    """The PDF as an attachment named by its document number (RFC 6266, UTF-8)."""
    data, name = notice_pdf_file(notice)
    response = HttpResponse(data, content_type=PDF_MIME)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Length"] = str(len(data))
    return response


ROUTES: list[tuple] = [("notices", NoticeViewSet, "notice")]
