"""REST endpoints owned by core: users (administrators), jobs, tokens."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import accounts, jobs
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
    file = serializers.SerializerMethodField(
        help_text=_("结果文件的下载地址；任务未生成文件时为 null。")
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "progress",
            "result",
            "file",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file(self, job) -> str | None:
        if not job.file:
            return None
        url = reverse("job-file", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A job is visible to whoever started it, and to administrators (jobs.job_list_visible);
    they may cancel it and download its file. Anyone else gets 404."""

    serializer_class = JobSerializer

    def get_queryset(self):
        return jobs.job_list_visible(user=self.request.user)

    @extend_schema(request=None, responses={200: JobSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a queued or running job; 409 with `state` when it has already finished."""
        job = jobs.job_cancel(job=self.get_object(), actor=request.user)
        return Response(self.get_serializer(job).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """Download the job's result file."""
        job = self.get_object()
        if not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
        )


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
