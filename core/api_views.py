"""REST endpoints owned by core: users (administrators), jobs, tokens."""

from django.db.models import Q
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from . import accounts
from .api import HistoryMixin, IsAdmin
from .models import Job, Role, User


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)

    class Meta:
        model = User
        fields = ["id", "username", "password", "first_name", "last_name", "email", "roles", "units",
                  "cadre", "is_active", "last_login"]
        read_only_fields = ["last_login"]
        extra_kwargs = {"username": {"validators": []}}


class UserViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = UserSerializer
    permission_classes = [IsAdmin]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = User.objects.prefetch_related("units").order_by("id")

    def perform_create(self, serializer):
        serializer.instance = accounts.user_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = accounts.user_update(
            user=serializer.instance, actor=self.request.user, **serializer.validated_data)


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "state", "progress", "result", "created_at", "started_at", "finished_at"]


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A job is visible to whoever started it, and to administrators."""

    serializer_class = JobSerializer

    def get_queryset(self):
        user = self.request.user
        if user.is_admin:
            return Job.objects.all()
        return Job.objects.filter(Q(created_by=user))


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}."""
