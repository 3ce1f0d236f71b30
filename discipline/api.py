"""REST API: clarifications (澄清正名) and sanctions (处分). Serializers check shapes; the
services decide; what concerns a cadre outside the user's scope is not there (404)."""

from rest_framework import mixins, serializers, viewsets

from cadres.api import ScopedCadreField
from cadres.idnumber import mask
from core.api import HasRole, HistoryMixin, ServiceWriteMixin
from core.models import Role

from . import permissions, selectors, services
from .filters import ClarificationFilter, SanctionFilter
from .models import Clarification, Sanction

# Clarifications ----------------------------------------------------------------------------


class ClarificationSerializer(serializers.ModelSerializer):
    cadre = ScopedCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    clarified_on = serializers.DateField(required=False)
    accuser_name = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=60
    )
    accuser_id_number = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=18
    )
    accuser_detail = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Clarification
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "report_summary",
            "finding",
            "manner",
            "clarified_on",
            "follow_up_on",
            "malicious",
            "accuser_name",
            "accuser_id_number",
            "accuser_detail",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def to_representation(self, clarification):
        data = super().to_representation(clarification)
        # The dishonesty list is for administrators only: nobody else learns who the accuser was.
        if permissions.can_see_dishonesty_list(self.context["request"].user):
            entry = getattr(clarification, "dishonesty_entry", None)
            data["dishonesty_entry"] = entry and {
                "name": entry.name,
                "id_number": mask(entry.id_number) if entry.id_number else "",
                "listed_on": entry.listed_on.isoformat(),
            }
        return data


class ClarificationViewSet(
    ServiceWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """澄清正名: untrue reports closed with a clarification."""

    serializer_class = ClarificationSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF,)
    filterset_class = ClarificationFilter
    create_service = staticmethod(services.clarification_create)

    def get_queryset(self):
        return selectors.clarification_list(user=self.request.user)


# Sanctions -------------------------------------------------------------------------------


class SanctionSerializer(serializers.ModelSerializer):
    cadre = ScopedCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    effective_until = serializers.DateField(
        source="effect_ends_on",
        read_only=True,
        allow_null=True,
        help_text="影响期的最后一天（公务员法第六十四条）；开除无影响期，为 null。",
    )

    class Meta:
        model = Sanction
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "kind",
            "decided_on",
            "document_number",
            "reason",
            "effective_until",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class SanctionViewSet(
    ServiceWriteMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """处分: disciplinary sanctions of the cadres the user may see, with their effect periods."""

    serializer_class = SanctionSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF, Role.ADMIN)
    filterset_class = SanctionFilter
    create_service = staticmethod(services.sanction_create)

    def get_queryset(self):
        return selectors.sanction_list(user=self.request.user)
