"""REST API: 民主测评 (API.md democratic-appraisals/). POST answers the round with its `codes`,
the only answer that ever carries them; `{id}/results/` answers once the round has closed
(409 with state "open" before)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import HasRole, HistoryMixin, ScopedUnitField
from core.errors import Conflict
from core.models import Role

from .. import permissions
from ..selectors import appraisal as selectors
from ..services import appraisal as services
from ..models import AppraisalRound, Rating


class AppraisalRoundSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    voters = serializers.IntegerField(min_value=1, max_value=services.MAX_VOTERS,
                                      help_text="how many ballot codes to make")
    cadres = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="the cadres rated: the unit's active cadres when opened")
    ballots_cast = serializers.IntegerField(read_only=True)
    turnout = serializers.FloatField(read_only=True, help_text="ballots cast / voters (0 to 1)")
    closed = serializers.BooleanField(source="is_closed", read_only=True)

    class Meta:
        model = AppraisalRound
        fields = ["id", "unit", "unit_name", "year", "kind", "closes_at", "voters", "cadres",
                  "ballots_cast", "turnout", "closed", "created_at"]
        read_only_fields = ["created_at"]


class AppraisalOpenedSerializer(AppraisalRoundSerializer):
    codes = serializers.SerializerMethodField(
        help_text="the ballot codes, in this answer only: they are never shown again")

    class Meta(AppraisalRoundSerializer.Meta):
        fields = [*AppraisalRoundSerializer.Meta.fields, "codes"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_codes(self, obj) -> list[str]:
        return list(self.context.get("codes", []))


class TallySerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text=f"ballots per rating: {', '.join(Rating.values)}")
    ballots = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True,
                                   help_text="mean of the ratings' scores (好 100, 较好 80, 一般 60, 差 0 by default)")


class CadreTallySerializer(TallySerializer):
    cadre = serializers.IntegerField()
    cadre_name = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    voters = serializers.IntegerField()
    ballots_cast = serializers.IntegerField()
    turnout = serializers.FloatField()
    scores = serializers.DictField(child=serializers.IntegerField())
    team = TallySerializer()
    cadres = CadreTallySerializer(many=True)


def results_data(results) -> dict:
    return {
        "round": results.round.pk,
        "voters": results.round.voters,
        "ballots_cast": results.round.ballots_cast,
        "turnout": results.turnout,
        "scores": selectors.rating_scores(),
        "team": results.team.as_dict(),
        "cadres": [{"cadre": c.pk, "cadre_name": c.name, **t.as_dict()} for c, t in results.cadres],
    }


class AppraisalRoundViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """民主测评 rounds of the units the user may see."""

    serializer_class = AppraisalRoundSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF, Role.ADMIN)

    def get_queryset(self):
        query = self.request.query_params
        filters = {}
        for name in ("unit", "year"):
            value = query.get(name)
            if value and value.isdigit() and len(value) < 10:
                filters[name] = int(value)
        if query.get("kind") in AppraisalRound.Kind.values:
            filters["kind"] = query["kind"]
        return (selectors.appraisal_list(user=self.request.user, filters=filters)
                .prefetch_related("cadres"))

    @extend_schema(responses={201: AppraisalOpenedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opened = services.appraisal_open(actor=request.user, **serializer.validated_data)
        data = AppraisalOpenedSerializer(
            opened.round, context={**self.get_serializer_context(), "codes": opened.codes}).data
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(responses={200: ResultsSerializer})
    @action(detail=True, methods=["get"], url_path="results")
    def results(self, request, pk=None):
        appraisal_round = self.get_object()
        if not permissions.can_see_appraisal_results(request.user, appraisal_round):
            raise Conflict(_("测评尚未截止，截止后才能查看结果。"), state="open")
        appraisal_round = services.appraisal_seal(round=appraisal_round, actor=request.user)
        results = selectors.appraisal_results(appraisal_round=appraisal_round)
        return Response(results_data(results))


ROUTES: list[tuple] = [("democratic-appraisals", AppraisalRoundViewSet, "democratic-appraisal")]
