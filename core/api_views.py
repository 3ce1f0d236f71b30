"""REST endpoints owned by core: users (administrators), jobs, tokens."""

from django.contrib.auth.signals import user_logged_in
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from knox.models import AuthToken
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import accounts, jobs
from .api import HistoryMixin, IsAdmin
from .authentication import lockout_response, token_ttl
from .models import Job, Role, User


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "password",
            "first_name",
            "last_name",
            "email",
            "roles",
            "units",
            "is_active",
            "is_api_client",
            "last_login",
        ]  # cadres.accounts adds `cadre`
        read_only_fields = ["last_login"]
        # `name` (the person's real name) is required here, as in the admin's form; the table
        # allows it blank only for accounts made before it existed (display_name falls back).
        extra_kwargs = {
            "username": {"validators": []},
            "name": {"required": True, "allow_blank": False},
        }


class UserViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
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


class TokenSerializer(serializers.Serializer):
    # No longer than a username can be: django-axes records a failed attempt's username in a
    # 255-character column, which PostgreSQL would refuse with a 500.
    username = serializers.CharField(
        label=_("用户名"), write_only=True, max_length=User._meta.get_field("username").max_length
    )
    password = serializers.CharField(
        label=_("密码"), write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate(self, attrs):
        from django.contrib.auth import authenticate

        user = authenticate(
            request=self.context["request"], username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(_("用户名或密码不正确。"), code="authorization")
        attrs["user"] = user
        return attrs


class TokenAnswerSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("访问令牌：之后的请求带上 `Authorization: Token <token>`。")
    )
    expiry = serializers.DateTimeField(help_text=_("令牌的失效时间。"))


class TokenView(APIView):
    """POST {"username", "password"} → {"token", "expiry"}: a new token, one per call (one per
    client), expiring after TOKEN_TTL (API_CLIENT_TOKEN_TTL for accounts marked as API clients).
    A (username, address) pair locked out by too many failures, or a username being guessed
    from many addresses, is 429 with Retry-After."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenSerializer

    def get_parsers(self):
        return [parser() for parser in api_settings.DEFAULT_PARSER_CLASSES]

    @extend_schema(
        request=TokenSerializer,
        responses={200: TokenAnswerSerializer, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        serializer = TokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, credentials=request.data)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        # Tokens that have run out are deleted when their owner signs in again.
        user.auth_token_set.filter(expiry__lte=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user, expiry=token_ttl(user))
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token, "expiry": instance.expiry})


class OwnTokenSerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField(help_text=_("令牌编号（不是令牌本身）。"))
    current = serializers.SerializerMethodField(help_text=_("是否为本次请求所用的令牌。"))

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_id(self, token) -> str:
        return token.digest[:TOKEN_ID_LENGTH]

    def get_current(self, token) -> bool:
        auth = getattr(self.context["request"], "auth", None)
        return isinstance(auth, AuthToken) and auth.digest == token.digest


# A token's public id: the start of its digest, never the token or its key.
TOKEN_ID_LENGTH = 16


class OwnTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """auth/tokens/: the caller's own unexpired tokens; DELETE auth/tokens/{id}/ revokes one."""

    serializer_class = OwnTokenSerializer
    pagination_class = None
    lookup_value_regex = f"[0-9a-f]{{{TOKEN_ID_LENGTH}}}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return AuthToken.objects.none()
        return AuthToken.objects.filter(user=self.request.user, expiry__gt=timezone.now()).order_by(
            "-created"
        )

    def get_object(self):
        token = self.get_queryset().filter(digest__startswith=self.kwargs["pk"]).first()
        if token is None:
            raise Http404
        return token
