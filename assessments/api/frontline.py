"""REST API: 一线考察 (API.md: frontline-projects/, frontline-records/).

A project carries its cadres (`cadres`: [{"cadre", "attached_on"}], attached_on defaulting to
the start date) and a read-only `overdue`: [{"cadre", "cadre_name", "cadence", "period_start",
"period_end"}], the 四个一 cadences whose latest period has no record (selectors/frontline.py
says how periods are counted). Extensions: frontline-projects/{id}/cadres/ POST (attach more
cadres), frontline-projects/{id}/outcomes/ POST `{"cadres": [ids], "red_flag", "reserve",
"listed_on"}` (红旗标兵 and/or the reserve list; idempotent), answering the project."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.api import ScopedCadreField
from core.api import CandidateField, HasRole, HistoryMixin, ScopedUnitField, ServiceWriteMixin
from core.models import Role

from ..filters import FrontlineProjectFilter, FrontlineRecordFilter
from ..models import Cadence, FrontlineProject, FrontlineRecord
from ..selectors import frontline as selectors
from ..services import frontline as services

WRITE_ROLES = (Role.STAFF, Role.ADMIN)


class AssignmentSerializer(serializers.Serializer):
    cadre = ScopedCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    attached_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="参加考察的日期；默认为开工日期。")


class OverdueSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="cadre.pk")
    cadre_name = serializers.CharField(source="cadre.name")
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class FrontlineProjectSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    cadres = AssignmentSerializer(many=True, required=False, source="visible_assignments", max_length=2000)
    overdue = serializers.SerializerMethodField(help_text="最近一个周期没有记录的“四个一”类别，按干部列出。")

    class Meta:
        model = FrontlineProject
        fields = ["id", "name", "unit", "unit_name", "start_date", "end_date", "description", "cadres",
                  "overdue", "created_at"]
        read_only_fields = ["created_at"]

    @extend_schema_field(OverdueSerializer(many=True))
    def get_overdue(self, project):
        overdue = self.context.get("overdue")
        if overdue is None or project.pk not in overdue:
            overdue = selectors.overdue_by_project([project], user=self.context["request"].user)
        return OverdueSerializer(overdue[project.pk], many=True).data


class AttachInput(serializers.Serializer):
    cadres = AssignmentSerializer(many=True, min_length=1, max_length=2000)


class OutcomeInput(serializers.Serializer):
    cadres = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                   min_length=1, max_length=2000)
    red_flag = serializers.BooleanField(default=False, help_text="评为红旗标兵")
    reserve = serializers.BooleanField(default=False, help_text="列入干部推荐参考名单")
    listed_on = serializers.DateField(required=False, allow_null=True, default=None)


def _pairs(items) -> list:
    return [(item["cadre"], item.get("attached_on")) for item in items]


class FrontlineProjectViewSet(
    HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """重点工程: key projects with their cadres and the 四个一 cadences now overdue."""

    serializer_class = FrontlineProjectSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = WRITE_ROLES
    filterset_class = FrontlineProjectFilter

    def get_queryset(self):
        return selectors.frontline_project_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(),
                   "overdue": selectors.overdue_by_project(page, user=request.user)}
        return self.get_paginated_response(self.serializer_class(page, many=True, context=context).data)

    def _answer(self, project, code=status.HTTP_200_OK):
        project = selectors.frontline_project_get(user=self.request.user, pk=project.pk)
        return Response(self.get_serializer(project).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cadres = _pairs(data.pop("visible_assignments", []))
        project = services.frontline_project_create(actor=request.user, cadres=cadres, **data)
        return self._answer(project, status.HTTP_201_CREATED)

    @extend_schema(request=AttachInput, responses=FrontlineProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def cadres(self, request, pk=None):
        project = self.get_object()
        data = AttachInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.frontline_cadres_attach(actor=request.user, project=project,
                                         cadres=_pairs(data.validated_data["cadres"]))
        return self._answer(project)

    @extend_schema(request=OutcomeInput, responses=FrontlineProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def outcomes(self, request, pk=None):
        project = self.get_object()
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["cadres"])
        cadres = [a.cadre for a in project.visible_assignments if a.cadre_id in ids]
        if len(cadres) != len(ids):
            raise serializers.ValidationError({"cadres": ["只能对该工程考察名单中的干部作出考察结果。"]})
        services.frontline_outcome(actor=request.user, project=project, cadres=cadres,
                                   red_flag=data.validated_data["red_flag"],
                                   reserve=data.validated_data["reserve"],
                                   listed_on=data.validated_data["listed_on"])
        return self._answer(project)


class FrontlineRecordSerializer(serializers.ModelSerializer):
    project = CandidateField(candidates=lambda ctx: selectors.frontline_project_list(user=ctx["request"].user))
    project_name = serializers.CharField(source="project.name", read_only=True)
    cadre = ScopedCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = FrontlineRecord
        fields = ["id", "project", "project_name", "cadre", "cadre_name", "cadence", "date", "content",
                  "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # the service refuses a second record of a cadence on one day


class FrontlineRecordViewSet(
    ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """四个一 records: a cadre's daily report, weekly check, monthly circular, quarterly review."""

    serializer_class = FrontlineRecordSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = WRITE_ROLES
    filterset_class = FrontlineRecordFilter
    create_service = staticmethod(services.frontline_record_create)

    def get_queryset(self):
        return selectors.frontline_record_list(user=self.request.user)


ROUTES: list[tuple] = [
    ("frontline-projects", FrontlineProjectViewSet, "frontline-project"),
    ("frontline-records", FrontlineRecordViewSet, "frontline-record"),
]
