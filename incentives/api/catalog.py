"""REST API: the measure catalog (API.md `measures/`): everyone signed in reads it;
administrators add (POST) and change (PATCH) measures, through services.catalog (audited). A
measure is never deleted: set `is_active` false."""

from rest_framework import mixins, serializers, viewsets

from core.api import HasRole, HistoryMixin, ServiceWriteMixin
from core.models import Role

from ..models import Measure
from ..selectors.catalog import measure_list
from ..services import catalog as services


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "code", "name", "direction", "kind", "points", "description", "is_active"]
        extra_kwargs = {"code": {"validators": []}}  # uniqueness is the service's, with its message


class MeasureViewSet(ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin,
                     mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.GenericViewSet):
    """激励措施目录: code, name, direction (positive/negative), kind and points."""

    serializer_class = MeasureSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.ADMIN,)
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.measure_create)
    update_service = staticmethod(services.measure_update)
    update_kwarg = "measure"

    def get_queryset(self):
        return measure_list()


ROUTES: list[tuple] = [("measures", MeasureViewSet, "measure")]
