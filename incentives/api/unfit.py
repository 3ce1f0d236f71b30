"""REST API: the 不适宜担任现职 situation catalog (`unfit-situations/`, an extension of API.md),
read by everyone signed in. A card or an adjustment is recorded through `incentive-records/`
with its `situation`."""

from rest_framework import serializers, viewsets

from core.api import HasRole

from ..models import UnfitSituation
from ..selectors.unfit import situation_list


class UnfitSituationSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnfitSituation
        fields = ["id", "code", "group", "name", "is_active"]


class UnfitSituationViewSet(viewsets.ReadOnlyModelViewSet):
    """不适宜担任现职情形: four groups (political, duty, style, integrity)."""

    serializer_class = UnfitSituationSerializer
    permission_classes = [HasRole]
    read_roles = None

    def get_queryset(self):
        return situation_list()


ROUTES: list[tuple] = [("unfit-situations", UnfitSituationViewSet, "unfit-situation")]
