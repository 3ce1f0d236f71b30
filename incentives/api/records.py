"""REST API: incentive records (API.md `incentive-records/`): a cadre's or a team's, the measure
named by its code. GET lists what the user may see (404 outside the scope); POST records one by
hand through services.records.record_create; a yellow or red card, or an adjustment recorded as
不适宜担任现职, names its `situation` (a code of `unfit-situations/`)."""

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets

from cadres.api import ScopedCadreField
from core.api import HasRole, HistoryMixin, ScopedUnitField, ServiceWriteMixin
from core.models import Role

from ..filters import IncentiveRecordFilter
from ..models import IncentiveRecord, Measure, UnfitSituation
from ..selectors.records import record_list
from ..services.records import record_create

# Other sources are made by their own flows (a timely reward's approval, a confirmed proposal,
# a case decision); by hand, a record is `hand` or `unfit`.
WRITABLE_SOURCES = (IncentiveRecord.Source.HAND, IncentiveRecord.Source.UNFIT)


class IncentiveRecordSerializer(serializers.ModelSerializer):
    cadre = ScopedCadreField(required=False, allow_null=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    unit = ScopedUnitField(required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    measure = serializers.SlugRelatedField(
        slug_field="code", queryset=Measure.objects.all(),
        help_text="措施代码（measures/ 的 code）。")
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    direction = serializers.CharField(source="measure.direction", read_only=True)
    points = serializers.IntegerField(source="measure.signed_points", read_only=True,
                                      help_text="带方向的分值：正向为正，反向为负。")
    date = serializers.DateField(required=False, help_text="留空为今天。")
    source = serializers.ChoiceField(choices=IncentiveRecord.Source.choices, required=False,
                                     default=IncentiveRecord.Source.HAND,
                                     help_text="录入时只能为 hand 或 unfit；其他来源由相应流程生成。")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0,
                                      required=False, allow_null=True)
    situation = serializers.SlugRelatedField(
        slug_field="code", queryset=UnfitSituation.objects.all(), required=False, allow_null=True,
        help_text="不适宜担任现职情形代码（unfit-situations/）：红、黄牌警告必填。")

    class Meta:
        model = IncentiveRecord
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "measure", "measure_name",
                  "direction", "points", "date", "reason", "source", "source_id",
                  "document_number", "amount", "situation", "created_at"]
        read_only_fields = ["source_id", "created_at"]

    def validate_source(self, value):
        if value not in WRITABLE_SOURCES:
            raise serializers.ValidationError(
                _("录入的记录来源只能是手工录入（hand）或不适宜担任现职（unfit）。"))
        return value


class IncentiveRecordViewSet(ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin,
                             mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             viewsets.GenericViewSet):
    """奖惩记录 of the cadres and teams the user may see."""

    serializer_class = IncentiveRecordSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF, Role.ADMIN)
    filterset_class = IncentiveRecordFilter
    create_service = staticmethod(record_create)

    def get_queryset(self):
        return record_list(user=self.request.user)


ROUTES: list[tuple] = [("incentive-records", IncentiveRecordViewSet, "incentive-record")]
