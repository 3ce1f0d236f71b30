"""REST API: 换届后评估 and the 干部推荐参考名单 (API.md: post-election-evaluations/, reserve-list/).

Extensions (the table leaves them open):
- post-election-rounds/ GET, POST, GET {id}/: the rounds (`unit`, `name`, `year`) an
  evaluation's `round` names;
- post-election-evaluations/candidates/ GET `?round=&top_percent=&threshold=`: the 出彩型
  candidates (the round's cadre evaluations in the top X% by total, and/or at or above the
  threshold; the top 10% when neither is given), best first;
- post-election-rounds/{id}/shortlist/ POST `{"evaluations": [ids], "listed_on"}`: confirms
  them (who and when recorded), tags the cadres 出彩型 and lists them on the reserve list;
  confirming again changes nothing; answers the round's shortlisted evaluations;
- reserve-list/export/ GET (the list's filters): the list as .xlsx."""

from decimal import Decimal

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.api import ScopedCadreField
from core.api import CandidateField, HasRole, HistoryMixin, ScopedUnitField, ServiceWriteMixin
from core.models import Role

from ..filters import EvaluationFilter, ReserveListFilter
from ..models import EVALUATION_DIMENSIONS, EvaluationRound, PostElectionEvaluation, ReserveListEntry
from ..selectors import evaluation as selectors
from ..services import evaluation as services

WRITE_ROLES = (Role.STAFF, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SCORE = dict(max_digits=5, decimal_places=2, min_value=0, max_value=100, coerce_to_string=False)


class EvaluationRoundSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = EvaluationRound
        fields = ["id", "unit", "unit_name", "name", "year", "held_on", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"held_on": {"required": False, "help_text": "评估日期；默认为今天。"}}


class PostElectionEvaluationSerializer(serializers.ModelSerializer):
    round = CandidateField(candidates=lambda ctx: selectors.evaluation_round_list(user=ctx["request"].user))
    unit = ScopedUnitField(required=False, allow_null=True, default=None,
                           help_text="被评估的班子（单位）；与 cadre 二选一。")
    cadre = ScopedCadreField(required=False, allow_null=True, default=None,
                             help_text="被评估的干部；与 unit 二选一。")
    subject_name = serializers.CharField(read_only=True)
    political = serializers.DecimalField(**_SCORE, help_text="政治")
    operation = serializers.DecimalField(**_SCORE, help_text="运行")
    professional = serializers.DecimalField(**_SCORE, help_text="专业")
    structure = serializers.DecimalField(**_SCORE, help_text="结构")
    performance = serializers.DecimalField(**_SCORE, help_text="实绩")
    problems = serializers.DecimalField(**_SCORE, help_text="问题：分数越高，问题越少（100 为未发现问题）")
    total = serializers.SerializerMethodField(
        help_text="六项按 DANDANG['EVALUATION_WEIGHTS'] 加权的平均分，保留两位小数。")
    shortlisted_at = serializers.DateTimeField(read_only=True, help_text="确认入选出彩型的时间；未入选为 null。")
    shortlisted_by = serializers.CharField(source="shortlisted_by.username", read_only=True, allow_null=True,
                                           default=None)

    class Meta:
        model = PostElectionEvaluation
        fields = ["id", "round", "unit", "cadre", "subject_name", *EVALUATION_DIMENSIONS, "total",
                  "shortlisted_at", "shortlisted_by", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # the service refuses a second evaluation of one subject in a round

    def get_total(self, evaluation) -> float:
        total = getattr(evaluation, "total", None)
        if total is None:
            total = selectors.weighted_total(evaluation)
        return float(total)


class CandidatesQuery(serializers.Serializer):
    round = CandidateField(candidates=lambda ctx: selectors.evaluation_round_list(user=ctx["request"].user))
    top_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=100,
                                           required=False, allow_null=True, default=None)
    threshold = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                         required=False, allow_null=True, default=None)


class PostElectionEvaluationViewSet(
    ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """换届后评估: a team's (unit) or a cadre's six scores in a round, with the weighted total."""

    serializer_class = PostElectionEvaluationSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = WRITE_ROLES
    filterset_class = EvaluationFilter
    create_service = staticmethod(services.evaluation_create)

    def get_queryset(self):
        return selectors.evaluation_list(user=self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("round", OpenApiTypes.INT, required=True),
                    OpenApiParameter("top_percent", OpenApiTypes.NUMBER),
                    OpenApiParameter("threshold", OpenApiTypes.NUMBER)],
        responses=PostElectionEvaluationSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request):
        query = CandidatesQuery(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        rows = selectors.evaluation_candidates(user=request.user, evaluation_round=data.pop("round"), **data)
        return Response(PostElectionEvaluationSerializer(rows, many=True, context=self.get_serializer_context()).data)


class ShortlistInput(serializers.Serializer):
    evaluations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=5000)
    listed_on = serializers.DateField(required=False, allow_null=True, default=None)


class EvaluationRoundViewSet(
    ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """换届后评估轮次, its 出彩型 candidates and the confirmed shortlist."""

    serializer_class = EvaluationRoundSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = WRITE_ROLES
    create_service = staticmethod(services.evaluation_round_create)

    def get_queryset(self):
        return selectors.evaluation_round_list(user=self.request.user)

    @extend_schema(request=ShortlistInput, responses=PostElectionEvaluationSerializer(many=True))
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def shortlist(self, request, pk=None):
        evaluation_round = self.get_object()
        data = ShortlistInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.shortlist_confirm(actor=request.user, evaluation_round=evaluation_round,
                                   evaluations=data.validated_data["evaluations"],
                                   listed_on=data.validated_data["listed_on"])
        rows = selectors.round_evaluations(user=request.user, evaluation_round=evaluation_round).filter(
            shortlisted_at__isnull=False)
        return Response(PostElectionEvaluationSerializer(rows, many=True, context=self.get_serializer_context()).data)


class ReserveListEntrySerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit = serializers.IntegerField(source="cadre.unit_id", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.name", read_only=True)
    source_id = serializers.SerializerMethodField(help_text="来源对象的编号：换届后评估或重点工程。")
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = ReserveListEntry
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "source", "source_id", "evaluation",
                  "project", "listed_on", "note", "created_by", "created_at"]
        read_only_fields = fields

    def get_source_id(self, entry) -> int:
        return entry.evaluation_id or entry.project_id


class ReserveListViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """干部推荐参考名单: cadres shortlisted from post-election evaluations or named from frontline
    projects, with their source."""

    serializer_class = ReserveListEntrySerializer
    permission_classes = [HasRole]
    read_roles = None
    filterset_class = ReserveListFilter

    def get_queryset(self):
        return selectors.reserve_list(user=self.request.user)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        rows = self.filter_queryset(self.get_queryset())
        response = HttpResponse(selectors.reserve_list_workbook(rows), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="reserve-list.xlsx"'
        return response


ROUTES: list[tuple] = [
    ("post-election-rounds", EvaluationRoundViewSet, "post-election-round"),
    ("post-election-evaluations", PostElectionEvaluationViewSet, "post-election-evaluation"),
    ("reserve-list", ReserveListViewSet, "reserve-list"),
]
