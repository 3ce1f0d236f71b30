"""notices/publish-batch/ POST {"notices": [ids]}: publish many drafts as a job, 202 {"job": id}
(its progress and the zip of the PDFs at jobs/{id}/). Drafts the caller may not publish are
refused before anything is enqueued: 400 (unknown, not drafts) or 403, naming them."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from core.api import HasRole
from core.parsers import JSONParser

from .. import permissions
from ..services.batch import MAX_BATCH, batch_start


class BatchInput(serializers.Serializer):
    notices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), allow_empty=False,
        max_length=MAX_BATCH, help_text="要发布的草稿 id。")


class PublishBatchViewSet(viewsets.GenericViewSet):
    """批量发布公告。"""

    permission_classes = [HasRole]
    read_roles = permissions.WRITE_ROLES
    write_roles = permissions.WRITE_ROLES
    parser_classes = [JSONParser]
    serializer_class = BatchInput

    @extend_schema(request=BatchInput,
                   responses={202: inline_serializer("PublishBatchStarted",
                                                     {"job": serializers.IntegerField()})})
    def create(self, request):
        """Start the batch publication as a job; its progress and zip are at jobs/{id}/."""
        checked = BatchInput(data=request.data)
        checked.is_valid(raise_exception=True)
        job = batch_start(actor=request.user, ids=checked.validated_data["notices"])
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


# Registered before notices/ so that notices/{pk}/ does not take the path.
ROUTES: list[tuple] = [
    ("notices/publish-batch", PublishBatchViewSet, "notice-publish-batch"),
]
