"""REST API: 及时奖励 (API.md `timely-rewards/`): GET, POST a nomination (`cadre` or `unit`,
`condition`, `reason`, `measure` code, default `timely_reward`), POST `{id}/approve/` by someone
other than the nominator (403 for the nominator, 409 unless nominated), which records the reward
(`record`); `{id}/reject/` with a `reason` (an extension); `{id}/history/`."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.api import ScopedCadreField
from core.api import HasRole, HistoryMixin, ScopedUnitField, ServiceWriteMixin
from core.models import Role

from ..filters import TimelyRewardFilter
from ..models import Measure, TimelyReward
from ..selectors.timely import timely_list
from ..services import timely as services


class TimelyRewardSerializer(serializers.ModelSerializer):
    cadre = ScopedCadreField(required=False, allow_null=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    unit = ScopedUnitField(required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    measure = serializers.SlugRelatedField(
        slug_field="code", queryset=Measure.objects.all(), required=False,
        help_text="奖励措施代码，默认 timely_reward（及时奖励）。")
    date = serializers.DateField(required=False, help_text="提名日期，留空为今天。")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0,
                                      required=False, allow_null=True)
    nominated_by = serializers.CharField(source="nominated_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)
    record = serializers.PrimaryKeyRelatedField(read_only=True, help_text="批准后生成的奖惩记录。")

    class Meta:
        model = TimelyReward
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "condition", "reason",
                  "measure", "date", "document_number", "amount", "state", "nominated_by",
                  "decided_by", "decided_on", "rejection_reason", "record", "created_at"]
        read_only_fields = ["state", "decided_on", "rejection_reason", "created_at"]


class ApproveInput(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="批准日期（奖惩记录的日期），留空为今天。")
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=60)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class TimelyRewardViewSet(ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin,
                          mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    """及时奖励: nominations of the cadres and teams the user may see."""

    serializer_class = TimelyRewardSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF, Role.ADMIN)
    filterset_class = TimelyRewardFilter
    create_service = staticmethod(services.timely_nominate)

    def get_queryset(self):
        return timely_list(user=self.request.user)

    @extend_schema(request=ApproveInput, responses=TimelyRewardSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """批准: by someone other than the nominator; records the reward. 409 unless nominated."""
        reward = self.get_object()
        checked = ApproveInput(data=request.data)
        checked.is_valid(raise_exception=True)
        reward = services.timely_approve(actor=request.user, reward=reward, **checked.validated_data)
        return Response(self.get_serializer(reward).data)

    @extend_schema(request=RejectInput, responses=TimelyRewardSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """不予批准, with a reason. 409 unless nominated."""
        reward = self.get_object()
        checked = RejectInput(data=request.data)
        checked.is_valid(raise_exception=True)
        reward = services.timely_reject(actor=request.user, reward=reward,
                                        reason=checked.validated_data["reason"])
        return Response(self.get_serializer(reward).data)


ROUTES: list[tuple] = [("timely-rewards", TimelyRewardViewSet, "timely-reward")]
