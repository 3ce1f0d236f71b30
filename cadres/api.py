"""REST API for units, cadres, appointments and the timeline."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from core.api import HasRole, HistoryMixin, ScopedUnitField, ServiceWriteMixin
from core.api_filters import refuse_empty_filter_values
from core.api_views import UserSerializer, UserViewSet
from core.models import Role
from core.timeline import cadre_timeline

from . import accounts, idnumber, selectors, services
from .filters import AppointmentFilter, CadreFilter, UnitFilter
from .models import Appointment, Cadre, Unit

READ_ROLES = None  # any authenticated user; what they see is scoped
WRITE_ROLES = (Role.STAFF, Role.ADMIN)


@extend_schema_field(OpenApiTypes.INT)
class ScopedCadreField(serializers.PrimaryKeyRelatedField):
    """A cadre's id, among the cadres the requesting user may see (otherwise: does not exist)."""

    def get_queryset(self):
        return selectors.cadre_list(user=self.context["request"].user)


class UnitSerializer(serializers.ModelSerializer):
    parent = ScopedUnitField(required=False, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "code", "parent", "kind", "category", "depth"]
        read_only_fields = ["depth"]
        extra_kwargs = {
            "code": {"validators": []}
        }  # uniqueness is the service's, with its own message


class MaskedIdNumberField(serializers.CharField):
    """The resident ID number: written whole, read back masked (API.md), under one name, so
    that the OpenAPI schema describes the response the API gives."""

    def __init__(self, **kwargs):
        super().__init__(max_length=18, **kwargs)

    def get_attribute(self, instance):
        return instance.id_number_masked


class CadreSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    id_number = MaskedIdNumberField(
        help_text="写入完整的18位号码；读出打码，只留前6位地区码：110105************。"
    )
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=Cadre.Tag.choices), required=False
    )

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "id_number",
            "political_status",
            "education",
            "unit",
            "unit_name",
            "position_title",
            "post_level",
            "rank",
            "rank_since",
            "status",
            "is_reserve",
            "is_representative",
            "tags",
            "created_at",
            "updated_at",
        ]


# The list's rows straight from .values(), shaped as CadreSerializer shapes them (a test holds the
# two to the same JSON): building a serializer per row was most of a list request's Python time.
_LIST_COLUMNS = (
    "id", "name", "gender", "birth_date", "ethnicity", "id_number", "political_status",
    "education", "unit_id", "unit__name", "position_title", "post_level", "rank", "rank_since",
    "status", "is_reserve", "is_representative", "tags", "created_at", "updated_at",
)
def _date(value):
    # As DRF's DateField writes it under DATE_FORMAT "iso-8601": YYYY-MM-DD, the year padded.
    return None if value is None else value.isoformat()


def cadre_list_rows(rows) -> list[dict]:
    """CadreSerializer(many=True).data for .values(*_LIST_COLUMNS) rows, without the serializer.
    Datetimes as DRF's DateTimeField gives them (ISO 8601 in the current time zone, Z for UTC),
    with the zone looked up once rather than twice a row."""
    zone = timezone.get_current_timezone()

    def datetime(value):
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return [
        {
            "id": r["id"], "name": r["name"], "gender": r["gender"],
            "birth_date": _date(r["birth_date"]), "ethnicity": r["ethnicity"],
            "id_number": idnumber.mask(r["id_number"]),
            "political_status": r["political_status"], "education": r["education"],
            "unit": r["unit_id"], "unit_name": r["unit__name"], "position_title": r["position_title"],
            "post_level": r["post_level"], "rank": r["rank"], "rank_since": _date(r["rank_since"]),
            "status": r["status"], "is_reserve": r["is_reserve"],
            "is_representative": r["is_representative"], "tags": r["tags"],
            "created_at": datetime(r["created_at"]), "updated_at": datetime(r["updated_at"]),
        }
        for r in rows
    ]


class AppointmentSerializer(serializers.ModelSerializer):
    cadre = ScopedCadreField()
    unit = ScopedUnitField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "cadre",
            "unit",
            "title",
            "post_level",
            "kind",
            "is_main",
            "start_date",
            "end_date",
            "document_number",
            "exceptional_reason",
        ]
        validators = []  # the service owns every cross-field rule


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    object_id = serializers.IntegerField(allow_null=True)


class UnitViewSet(
    ServiceWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UnitSerializer
    permission_classes = [HasRole]
    read_roles = READ_ROLES
    write_roles = (Role.ADMIN,)
    filterset_class = UnitFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.unit_create)
    update_service = staticmethod(services.unit_update)
    update_kwarg = "unit"

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class CadreViewSet(
    ServiceWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CadreSerializer
    permission_classes = [HasRole]
    read_roles = READ_ROLES
    write_roles = WRITE_ROLES
    filterset_class = CadreFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.cadre_create)
    update_service = staticmethod(services.cadre_update)
    update_kwarg = "cadre"

    def get_queryset(self):
        return selectors.cadre_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        """The same answer as the generic list, with less work: filters go to the selector once,
        the count comes from selectors.cadre_count, rows from .values() (cadre_list_rows)."""
        refuse_empty_filter_values(CadreFilter, request.query_params)  # as the backend does
        cadres, count = selectors.cadre_list_counted(user=request.user, filters=request.query_params)
        rows = cadres.values(*_LIST_COLUMNS)
        page = self.paginator.paginate_queryset(rows, request, view=self, count=count)
        return self.paginator.get_paginated_response(cadre_list_rows(page))

    @extend_schema(responses=TimelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        cadre = self.get_object()
        page = self.paginate_queryset(cadre_timeline(cadre=cadre, user=request.user))
        return self.get_paginated_response(TimelineEntrySerializer(page, many=True).data)


class AppointmentViewSet(
    ServiceWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AppointmentSerializer
    permission_classes = [HasRole]
    read_roles = READ_ROLES
    write_roles = WRITE_ROLES
    filterset_class = AppointmentFilter
    create_service = staticmethod(services.appointment_create)

    def get_queryset(self):
        return selectors.appointment_list(user=self.request.user)


class CadreUserSerializer(UserSerializer):
    cadre = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.all(),
        required=False,
        allow_null=True,
        help_text="干部本人账号所关联的干部档案。",
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "cadre"]
        # A cadre's own account may leave `name` out: it takes its cadre record's name.
        extra_kwargs = {**UserSerializer.Meta.extra_kwargs,
                        "name": {"required": False, "allow_blank": False}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("name") and attrs.get("cadre") is None:
            raise serializers.ValidationError({"name": [_("请填写姓名。")]})
        return attrs

    def to_representation(self, instance):
        # A reverse one-to-one: DRF's primary-key shortcut cannot read it.
        data = super().to_representation(instance)
        data["cadre"] = accounts.own_cadre_id(instance)
        return data


class CadreUserViewSet(UserViewSet):
    """users/ with its `cadre` field: the account's own cadre record (administrators only)."""

    serializer_class = CadreUserSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("cadre")

    def perform_create(self, serializer):
        serializer.instance = accounts.user_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = accounts.user_update(
            user=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
