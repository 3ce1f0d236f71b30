"""What every API view shares: the error mapping, role permissions, history, writes through
services, and the scoped unit field."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from . import history
from .errors import Conflict, PayloadTooLarge
from .input import MAX_ID, nul_fields, nul_message
from .models import AuditEntry, Role
from .scoping import unit_scope
from .transport import DATABASE_UNAVAILABLE, RETRY_AFTER, database_unavailable_message


def _django_validation_to_drf(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        data = {}
        for field, errors in exc.message_dict.items():
            key = "non_field_errors" if field == "__all__" else field
            data[key] = list(errors)
        if list(data) == ["non_field_errors"]:
            return {"detail": " ".join(data["non_field_errors"])}
        return data
    return {"detail": " ".join(exc.messages)}


def exception_handler(exc, context):
    """Map the domain's errors: ValidationError 400, Conflict and IntegrityError 409, too large
    413, PermissionDenied 403, Http404 404, a database that cannot answer 503. Nothing a client
    sends should become a 500."""
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_to_drf(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response(
            {"detail": exc.message, "state": exc.state}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, (PayloadTooLarge, RequestDataTooBig)):
        message = getattr(exc, "message", None) or _("上传内容过大。")
        return Response({"detail": message}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, IntegrityError):
        # The last guard: a unique constraint that a service did not turn into a field's 400
        # (two requests racing past the same check) is a conflict, answered as JSON, never a 500.
        set_rollback()
        return Response(
            {"detail": _("与已有记录冲突（可能刚被他人保存），请刷新后重试。")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DATABASE_UNAVAILABLE):
        # The database cannot answer (down, restarting, connections exhausted): 503, not a
        # 500 HTML page. DRF rolls back the request's atomic block as for any handled error.
        response = Response({"detail": database_unavailable_message()},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if isinstance(exc, DjangoPermissionDenied) and not isinstance(exc, PermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class HasRole(permissions.BasePermission):
    """Reads need any role; writes need one of the view's `write_roles`."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method not in view.allowed_methods:
            # A method this endpoint never answers is 405 whoever asks (DRF checks permissions
            # before it looks for the handler, so a role check here would make it 403).
            return True
        if request.method in permissions.SAFE_METHODS:
            roles = getattr(view, "read_roles", None)
        else:
            roles = getattr(view, "write_roles", (Role.ADMIN,))
        return roles is None or any(user.has_role(r) for r in roles)


class IsAdmin(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_admin)


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "changes"]


class HistoryMixin:
    """GET {id}/history/: the object's audit entries, newest first."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request, pk=None):
        obj = self.get_object()
        entries, rule = history.visible_entries(obj=obj, user=request.user)
        page = self.paginate_queryset(entries.only("id", "at", "actor_username", "action", "changes"))
        for entry in page:
            rule.show(entry)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


def validation_error_from(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(_django_validation_to_drf(exc))


class JSONField(serializers.JSONField):
    """DRF's JSONField, refusing a NUL in the decoded value: JSON sent as a form field's text is
    decoded here, after core.parsers has looked at the body (core.input says why)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if nul_fields([value]):
            raise ValidationError(nul_message())
        return value


class ServiceWriteMixin:
    """POST and PATCH go through the app's services; the serializer only checks shapes."""

    create_service = None
    update_service = None
    update_kwarg = None

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            **{self.update_kwarg: serializer.instance},
            actor=self.request.user,
            **serializer.validated_data,
        )


class CandidateField(serializers.PrimaryKeyRelatedField):
    """An id chosen among what this request may name. `candidates(context)` gives the queryset,
    so the selector that fills a form's choices also checks the API's input (the serializer's
    context carries what it needs: the request, the case). An id outside it, or of nothing at
    all, gets one answer that names nobody: no username, no unit, nothing to probe with.

        reviewers = CandidateField(candidates=lambda ctx: panel_candidates(ctx["case"]), many=True)
    """

    default_error_messages = {
        "does_not_exist": _lazy("编号为 {pk_value} 的对象不存在或不可选择。"),
        "incorrect_type": _lazy("请填写对象的编号（整数）。"),
    }

    def __init__(self, *, candidates, **kwargs):
        self.candidates = candidates
        # An integer first: the schema says so, and an id past the database's range is refused
        # here rather than by the database.
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.candidates(self.context)


class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id that must lie in the requesting user's scope (otherwise: does not exist)."""

    def get_queryset(self):
        return unit_scope(self.context["request"].user)
