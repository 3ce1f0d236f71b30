"""REST endpoints owned by core: users (administrators), jobs, tokens."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings

from . import accounts
from .api import HistoryMixin, IsAdmin
from .models import Job, Role, User


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)

    class Meta:
        model = User
        fields = ["id", "username", "password", "first_name", "last_name", "email", "roles", "units",
                  "is_active", "last_login"]  # cadres.accounts adds `cadre`
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


class TokenSerializer(AuthTokenSerializer):
    # No longer than a username can be: django-axes records a failed attempt's username in a
    # 255-character column, which PostgreSQL would refuse with a 500.
    username = serializers.CharField(label=_("用户名"), write_only=True,
                                     max_length=User._meta.get_field("username").max_length)


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}."""

    serializer_class = TokenSerializer

    def get_parsers(self):
        # The project's parsers (core.parsers), not the three DRF's ObtainAuthToken pins.
        return [parser() for parser in api_settings.DEFAULT_PARSER_CLASSES]
