"""REST API: tolerance-cases (with workflow actions, panel and attachments) and corrections
(clarifications and sanctions: discipline.api). Serializers check shapes; the services decide."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.api import ScopedCadreField
from core.api import (
    CandidateField,
    HasRole,
    HistoryMixin,
    JSONField,
    ScopedUnitField,
    ServiceWriteMixin,
)
from core.input import as_id
from core.models import Role, User

from . import permissions, selectors, services
from .filters import CaseFilter, CorrectionFilter
from .models import Case, CaseAttachment, Correction, Outcome
from .services.attachments import DOC, DOCX, IMAGES, OFD, PDF, XLS, XLSX

WORKFLOW_ROLES = (Role.STAFF, Role.CADRE, Role.REVIEWER, Role.LIAISON)
# What a downloaded evidence file is served as: the type its content was recognised as.
EVIDENCE_MEDIA_TYPES = [kind.mime for kind in (PDF, DOC, XLS, DOCX, XLSX, OFD)] + list(IMAGES)


# Cases -------------------------------------------------------------------------------


class DeadlinesSerializer(serializers.Serializer):
    intake_due = serializers.DateField(allow_null=True)
    decision_due = serializers.DateField(allow_null=True)
    appeal_due = serializers.DateField(allow_null=True)
    # The keys whose date runs into a year with no entered schedule (API.md).
    provisional = serializers.ListField(child=serializers.CharField())


class CaseSerializer(serializers.ModelSerializer):
    subject_cadres = ScopedCadreField(many=True, required=False)
    subject_units = ScopedUnitField(many=True, required=False)
    deadlines = DeadlinesSerializer(read_only=True)
    # Why a deadline is provisional, in words, by key (an extension of API.md's `deadlines`).
    deadline_notes = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    # Declared so that the schema admits the blank a case has until it is decided.
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "title", "description", "occurred_on", "field", "source", "applicant", "subject_cadres",
            "subject_units", "state", "outcome", "round", "deadlines", "deadline_notes", "jurisdiction",
            "created_by", "created_at", "updated_at",
        ]
        read_only_fields = ["state", "outcome", "round", "deadline_notes", "jurisdiction", "created_at",
                            "updated_at"]

    def get_deadline_notes(self, case: Case) -> dict[str, str]:
        return {key: case.deadline_note(key) for key in case.deadline_notes or {}}


class _UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class PanelMemberSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    reviewer = _UserRef()


class VoteSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    voter = serializers.CharField(source="voter.username")
    choice = serializers.ChoiceField(choices=Outcome.choices)
    cast_at = serializers.DateTimeField()


class DecisionSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    votes = serializers.JSONField()
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    criteria = serializers.SerializerMethodField()
    recommendation = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True,
                                             read_only=True)
    investigator = serializers.CharField(source="investigator.username", default=None, read_only=True,
                                         allow_null=True)
    proposed_by = serializers.CharField(source="proposed_by.username", default=None, read_only=True,
                                        allow_null=True)
    liaison = serializers.CharField(source="liaison.username", default=None, read_only=True,
                                    allow_null=True)
    opinion_by = serializers.CharField(source="opinion_by.username", default=None, read_only=True,
                                       allow_null=True)
    panel = PanelMemberSerializer(source="panel_members", many=True, read_only=True)
    votes = VoteSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + [
            "criteria", "recommendation", "rejection_reason", "opinion_text", "appeal_reason", "investigator",
            "proposed_by", "liaison", "opinion_by", *Case.STEP_DATES.values(), "panel", "votes", "decisions",
        ]
        read_only_fields = fields

    def get_criteria(self, case) -> dict:
        if not case.criteria:
            return {}
        return {**case.criteria, "situations": sorted(s.code for s in case.situations.all())}

    def to_representation(self, case):
        data = super().to_representation(case)
        user = self.context["request"].user
        sight = permissions.vote_sight(user, case)
        if sight == permissions.SEES_NONE:
            # The outcome only: no votes, no panel, nobody who cast one (permissions).
            data.pop("votes")
            data.pop("panel")
            for decision in data["decisions"]:
                decision.pop("votes")
                decision.pop("decided_by")
        elif sight == permissions.SEES_AS_PANEL:
            decided = {d.round for d in case.decisions.all()}
            visible = {v.pk for v in case.votes.all()
                       if permissions.can_see_vote(user, v, sight=sight, decided_rounds=decided)}
            data["votes"] = [row for row, vote in zip(data["votes"], case.votes.all(), strict=True)
                             if vote.pk in visible]
        return data


def _for_case(context: dict, candidates):
    """The users `candidates(case)` for the case in the serializer's context; nobody without
    one (a body naming a case the caller may not see, the schema generator)."""
    case = context.get("case")
    return candidates(case) if case is not None else User.objects.none()


class RejectInput(serializers.Serializer):
    reason = serializers.CharField()


class ProposeInput(serializers.Serializer):
    criteria = JSONField(help_text='{"policy": true, "procedure": true, "result": true, '
                                               '"integrity": true, "attitude": true, "distinctions": [1], '
                                               '"situations": ["E01"], "notes": {"policy": "..."}}')
    recommendation = serializers.ChoiceField(choices=Outcome.choices)
    liaison = CandidateField(
        candidates=lambda context: _for_case(context, selectors.liaison_candidates),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("编号为 {pk_value} 的联络人不存在或不可选择。")},
    )


class OpinionInput(serializers.Serializer):
    text = serializers.CharField()


class VoteInput(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Outcome.choices)


class AppealInput(serializers.Serializer):
    reason = serializers.CharField()


ACTION_INPUTS = {
    Case.Action.REJECT: RejectInput, Case.Action.PROPOSE: ProposeInput, Case.Action.OPINION: OpinionInput,
    Case.Action.VOTE: VoteInput, Case.Action.APPEAL: AppealInput,
}


def _workflow_action(name: str):
    """POST tolerance-cases/{id}/<name>/: one workflow action through case_transition."""
    input_serializer = ACTION_INPUTS.get(name)

    def handler(self, request, pk=None):
        case = self.get_object()
        data = {}
        if input_serializer is not None:
            context = {**self.get_serializer_context(), "case": case}
            checked = input_serializer(data=request.data, context=context)
            checked.is_valid(raise_exception=True)
            data = checked.validated_data
        case = services.case_transition(case=case, action=name, actor=request.user, **data)
        try:
            case = selectors.case_get(user=request.user, pk=case.pk)
        except Http404:  # the move took the case out of the actor's sight; answer with what it did
            pass
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    handler.__name__ = name
    handler.__doc__ = f"{Case.Action(name).label}（{name}）"
    handler = extend_schema(request=input_serializer, responses=CaseDetailSerializer)(handler)
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    file = serializers.FileField(write_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ["id", "name", "kind", "content_type", "size", "sha256", "description", "uploaded_by",
                  "uploaded_at", "file", "url"]
        read_only_fields = ["name", "kind", "content_type", "size", "sha256", "uploaded_at"]

    def get_url(self, attachment) -> str:
        return f"/api/v1/tolerance-cases/{attachment.case_id}/attachments/{attachment.pk}/"


class AttachmentDescriptionInput(serializers.Serializer):
    description = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")


class PanelInput(serializers.Serializer):
    reviewers = CandidateField(
        candidates=lambda context: _for_case(context, selectors.panel_candidate_users),
        many=True,
        error_messages={"does_not_exist": _("编号为 {pk_value} 的审核人不存在或不能参加本案审议。")},
    )


class CaseViewSet(ServiceWriteMixin, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """容错申请. PATCH only while a draft, by its filer; the workflow moves through the actions."""

    permission_classes = [HasRole]
    read_roles = None
    write_roles = WORKFLOW_ROLES
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.case_create)
    update_service = staticmethod(services.case_update)
    update_kwarg = "case"

    def get_queryset(self):
        if self.action == "list":
            return selectors.case_list(user=self.request.user)
        return selectors.case_detail_queryset(user=self.request.user)

    def get_serializer_class(self):
        return CaseSerializer if self.action in ("list", "create", "partial_update") else CaseDetailSerializer

    def create(self, request, *args, **kwargs):
        serializer = CaseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        case = selectors.case_get(user=request.user, pk=serializer.instance.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    submit = _workflow_action("submit")
    accept = _workflow_action("accept")
    reject = _workflow_action("reject")
    investigate = _workflow_action("investigate")
    propose = _workflow_action("propose")
    opinion = _workflow_action("opinion")
    vote = _workflow_action("vote")
    decide = _workflow_action("decide")
    notify = _workflow_action("notify")
    appeal = _workflow_action("appeal")
    close = _workflow_action("close")

    @extend_schema(request=PanelInput, responses=PanelMemberSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole panel, unpaged
    def panel(self, request, pk=None):
        """The current round's panel; staff may name it (POST {"reviewers": [ids]}) until voting begins."""
        case = self.get_object()
        if request.method == "POST":
            checked = PanelInput(
                data=request.data, context={**self.get_serializer_context(), "case": case}
            )
            checked.is_valid(raise_exception=True)
            case = services.case_panel_set(case=case, actor=request.user,
                                           reviewers=checked.validated_data["reviewers"])
        members = case.panel_members.filter(round=case.round).select_related("reviewer").order_by("id")
        return Response(PanelMemberSerializer(members, many=True).data)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentSerializer},
                   responses={201: AttachmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, pk=None):
        """Evidence files: list, or upload one (multipart `file`, optional `description`)."""
        case = self.get_object()
        if request.method == "POST":
            upload = request.FILES.get("file")
            # The description is held to the schema (at most 200 characters, 400 beyond), not
            # cut short in silence; the file is checked by the service.
            checked = AttachmentDescriptionInput(data=request.data)
            checked.is_valid(raise_exception=True)
            attachment = services.attachment_add(case=case, actor=request.user, upload=upload,
                                                 description=checked.validated_data["description"])
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(case.attachments.select_related("uploaded_by").order_by("id"))
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(responses={(200, mime): bytes for mime in EVIDENCE_MEDIA_TYPES})
    # [0-9], not \d: \d also matches digits such as "²" that int() refuses.
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment_file(self, request, pk=None, attachment_id=None):
        """Download one evidence file."""
        attachment = self.get_object().attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)


# Corrections ----------------------------------------------------------------------------


class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.case_list(user=self.context["request"].user)


class CorrectionSerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    assignee = CandidateField(
        candidates=lambda context: _for_case(context, selectors.assignee_candidates),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("编号为 {pk_value} 的责任人不存在或不可选择。")},
    )
    evidence = serializers.FileField(source="evidence_file", required=False, write_only=True)
    has_evidence_file = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Correction
        fields = ["id", "case", "step", "assignee", "due_on", "done_on", "evidence_text", "evidence",
                  "has_evidence_file", "evidence_sha256", "overdue", "created_at", "updated_at"]
        read_only_fields = ["evidence_sha256", "created_at", "updated_at"]
        validators = []  # the service owns uniqueness and order, with its own messages

    def get_has_evidence_file(self, correction) -> bool:
        return bool(correction.evidence_file)

    def get_overdue(self, correction) -> bool:
        from django.utils import timezone

        return correction.is_overdue(timezone.localdate())

    def validate(self, attrs):
        if self.instance is not None:
            for frozen in ("case", "step"):
                if frozen in attrs and attrs[frozen] != getattr(self.instance, frozen):
                    raise serializers.ValidationError({frozen: "创建后不能修改。"})
                attrs.pop(frozen, None)
        return attrs


class CorrectionViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """纠错: the five correction steps of tolerated cases. Filter `overdue=true` for the overdue list."""

    serializer_class = CorrectionSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.STAFF,)
    filterset_class = CorrectionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.correction_list(user=self.request.user)

    def get_serializer_context(self):
        """The case whose covering staff an assignee must be: the correction's own on PATCH,
        the one named in the body (if the caller may see it) on POST."""
        context = super().get_serializer_context()
        if self.action == "partial_update" or self.action == "update":
            context["case"] = self.get_object().case
        elif self.action == "create":
            case_id = as_id(self.request.data.get("case"))
            if case_id is not None:
                visible = selectors.case_list(user=self.request.user)
                context["case"] = visible.filter(pk=case_id).first()
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.correction_create(
            actor=self.request.user, evidence_file=data.pop("evidence_file", None), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.correction_update(
            correction=serializer.instance, actor=self.request.user, evidence_file=data.pop("evidence_file", None),
            **data)
