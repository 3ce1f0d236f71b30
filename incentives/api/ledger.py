"""REST API: the ledger part of incentives (API.md).

- `ledger/`: per cadre and year, `cadre`, `year`, `positive`, `negative` (a magnitude), `net`
  (positive − negative) and `entries` (each naming its record or rule, API.md "Ledger
  entries"); filters `year`, `unit_tree`, `cadre`; a fixed number of queries per page.
- `ledger/recompute/` POST: starts a tally (staff and administrators), 202 `{"job": id}`;
  optional `cadres` (ids in scope) and `year`.
- `ledger/honor-board/` GET `?year=&category=`: the 红黑榜, `top` and `bottom`, each row its
  ledger row."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.selectors import cadre_list
from core.api import HasRole
from core.models import Unit
from core.parsers import JSONParser

from .. import permissions
from ..filters import LedgerFilter
from ..models import LedgerRow
from ..selectors.ledger import honor_board, ledger_list
from ..services.ledger import recompute_start


class LedgerEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["rule", "record"])
    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField(help_text="计入的分值（正向为正、反向为负；未计入的为 0）。")
    source = serializers.CharField(help_text="依据：annual-assessment:<id>、record:<id> 等。")
    pending = serializers.BooleanField(required=False, help_text="待确认的规则建议，不计分。")
    dismissed = serializers.BooleanField(required=False, help_text="已不予采纳，不计分。")
    blocked = serializers.BooleanField(required=False, help_text="处分影响期内，不计分。")
    exempted = serializers.BooleanField(required=False, help_text="容错免责事项，不计分。")
    from_year = serializers.IntegerField(required=False, help_text="连续年度规则的起始年度。")


class LedgerRowSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    entries = LedgerEntrySerializer(many=True, read_only=True)

    class Meta:
        model = LedgerRow
        fields = ["id", "cadre", "cadre_name", "year", "unit", "unit_name", "positive",
                  "negative", "net", "entries", "rules_version", "tallied_at"]
        read_only_fields = fields


class RecomputeInput(serializers.Serializer):
    cadres = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False,
        max_length=10000, help_text="只重算这些干部的 id（省略：全部，仅管理员）。")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    def validate_cadres(self, value):
        wanted = set(value)
        seen = set(cadre_list(user=self.context["request"].user).filter(pk__in=wanted)
                   .values_list("pk", flat=True))
        if wanted - seen:
            raise serializers.ValidationError("干部不存在或不在您的管辖范围内。")
        return sorted(wanted)


class HonorBoardInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    category = serializers.ChoiceField(choices=Unit.Category.choices)
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


class LedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """激励台账: one row per cadre and year, every figure explained by its entries."""

    serializer_class = LedgerRowSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = LedgerFilter

    def get_queryset(self):
        return ledger_list(user=self.request.user)

    @extend_schema(request=RecomputeInput,
                   responses={202: inline_serializer("RecomputeStarted",
                                                     {"job": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def recompute(self, request):
        """Start a tally as a job; its progress is at jobs/{id}/."""
        checked = RecomputeInput(data=request.data, context={"request": request})
        checked.is_valid(raise_exception=True)
        # Everyone's ledger: administrators; staff name the cadres (recompute_start decides).
        job = recompute_start(actor=request.user,
                              cadre_ids=checked.validated_data.get("cadres"),
                              year=checked.validated_data.get("year"))
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True),
                    OpenApiParameter("category", str, required=True,
                                     enum=[c for c, _label in Unit.Category.choices]),
                    OpenApiParameter("size", int, required=False)],
        responses=inline_serializer("HonorBoard", {
            "year": serializers.IntegerField(), "category": serializers.CharField(),
            "top": LedgerRowSerializer(many=True), "bottom": LedgerRowSerializer(many=True)}))
    @action(detail=False, methods=["get"], url_path="honor-board", filterset_class=None,
            pagination_class=None)
    def honor_board(self, request):
        """红黑榜: the top (net > 0) and the bottom (net < 0) of a unit category in a year."""
        checked = HonorBoardInput(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        top, bottom = honor_board(user=request.user, year=data["year"],
                                  category=data["category"], size=data["size"])
        return Response({"year": data["year"], "category": data["category"],
                         "top": LedgerRowSerializer(top, many=True).data,
                         "bottom": LedgerRowSerializer(bottom, many=True).data})


ROUTES: list[tuple] = [
    ("ledger", LedgerViewSet, "ledger"),
]
