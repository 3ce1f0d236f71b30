"""REST API: the team part of assessments (API.md `team-assessments/`), and its extension
`team-measure-proposals/`: the measures 末位倒逼 proposes for a bottom unit's principal leaders,
which staff confirm or dismiss (409 unless pending).

    team-assessments/                 GET (filter unit, year, category, grade), POST
    team-assessments/{id}/            GET
    team-assessments/{id}/history/    GET
    team-measure-proposals/           GET (filter status, unit, year, cadre, basis_lost)
    team-measure-proposals/{id}/      GET
    team-measure-proposals/{id}/confirm/   POST {}
    team-measure-proposals/{id}/dismiss/   POST {"reason"}
    team-measure-proposals/{id}/history/   GET"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import HasRole, HistoryMixin, ScopedUnitField

from .. import permissions
from ..filters import TeamAssessmentFilter, TeamMeasureProposalFilter
from ..models import TeamAssessment, TeamMeasureProposal
from ..selectors import team as selectors
from ..selectors.team import TeamRow
from ..services import team as services


class TeamAssessmentSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="得分，0 到 100，可不填。",
    )
    category = serializers.CharField(
        read_only=True, help_text="考核类别（录入时取自单位）：在同一考核主体、同一类别内排名。"
    )
    jurisdiction = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="考核主体（单位的上级单位）：排名在其下同类别单位之间进行。"
    )
    rank = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="在同一考核主体、同一类别、同一年度内的名次：先按等次，再按得分（高者在前，"
        "无得分者排在同等次有得分者之后）；并列同名次。",
    )
    escalation = serializers.ChoiceField(
        choices=TeamAssessment.Escalation.choices,
        read_only=True,
        allow_null=True,
        help_text="末位措施：连续处于末位的第一年 talk_reminder（谈话提醒），第二年 admonishment"
        "（诫勉谈话），第三年及以后 post_adjustment（岗位调整）；不在末位为 null。"
        "同组单位不多于末位数（TEAM_BOTTOM_N）时不设末位。",
    )

    class Meta:
        model = TeamAssessment
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "grade",
            "score",
            "category",
            "jurisdiction",
            "rank",
            "escalation",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # one per unit and year: the service refuses a duplicate on its field

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["escalation"] = obj.escalation or None
        return data


class TeamAssessmentViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """班子年度考核: a unit's team grade for a year, ranked within its category. POST enters a
    new grade (a unit and year already graded is 400; regrading is done on the entry page) and
    recomputes the ranks and 末位 escalations of the unit's category."""

    serializer_class = TeamAssessmentSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = TeamAssessmentFilter

    def get_queryset(self):
        return selectors.team_assessment_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        result = services.team_assessment_save(
            actor=self.request.user,
            rows=[
                TeamRow(
                    unit=data["unit"],
                    year=data["year"],
                    grade=data["grade"],
                    score=data.get("score"),
                )
            ],
            create_only=True,
        )
        serializer.instance = result.objects[0]


class TeamMeasureProposalSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="assessment.unit_id", read_only=True)
    unit_name = serializers.CharField(source="assessment.unit.name", read_only=True)
    year = serializers.IntegerField(source="assessment.year", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    position_title = serializers.CharField(source="cadre.position_title", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = TeamMeasureProposal
        fields = [
            "id",
            "assessment",
            "unit",
            "unit_name",
            "year",
            "cadre",
            "cadre_name",
            "position_title",
            "measure",
            "status",
            "basis_lost",
            "decided_by",
            "decided_at",
            "dismiss_reason",
            "created_at",
        ]
        read_only_fields = fields


class DismissInput(serializers.Serializer):
    # Not required here: a proposal that is not pending answers 409 first; a pending one
    # without a reason is the service's 400 on `reason`.
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="不予采纳的理由（必填）。"
    )


class TeamMeasureProposalViewSet(
    HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """末位措施建议: one per principal leader of a unit at the bottom of its category, proposed
    by the ranking; staff confirm (it becomes an incentive record: the signal
    assessments.signals.team_measure_confirmed, received by the incentives app) or dismiss it
    with a reason. Only a pending proposal may be confirmed or dismissed (else 409 with its
    state). `basis_lost`: a confirmed proposal whose basis a later regrade removed, flagged and
    kept."""

    serializer_class = TeamMeasureProposalSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = TeamMeasureProposalFilter

    def get_queryset(self):
        return selectors.team_proposal_list(user=self.request.user)

    @extend_schema(request=None, responses=TeamMeasureProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """确认（confirm）: only a pending proposal."""
        proposal = services.team_proposal_confirm(actor=request.user, proposal=self.get_object())
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=DismissInput, responses=TeamMeasureProposalSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """不予采纳（dismiss）, with a reason: only a pending proposal."""
        proposal = self.get_object()
        checked = DismissInput(data=request.data)
        checked.is_valid(raise_exception=True)
        proposal = services.team_proposal_dismiss(
            actor=request.user, proposal=proposal, reason=checked.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(proposal).data)


ROUTES: list[tuple] = [
    ("team-assessments", TeamAssessmentViewSet, "team-assessment"),
    ("team-measure-proposals", TeamMeasureProposalViewSet, "team-measure-proposal"),
]
