"""REST API: the rules part of incentives (an extension of API.md).

- `accumulation-rules/`: the current rules (anyone signed in reads them; `?all=1` every
  version); PATCH `{id}/` (administrators) makes a new version: `params`, `measure` (code),
  `label`, `needs_confirmation`; 409 on a version no longer current.
- `rule-proposals/`: what the rules that need a decision propose (辞退, 降级), with
  `{id}/confirm/` and `{id}/dismiss/` (`reason`), 409 unless pending; `{id}/history/`."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import HasRole, HistoryMixin
from core.models import Role

from .. import permissions
from ..filters import RuleProposalFilter
from ..models import AccumulationRule, Measure, RuleProposal
from ..selectors.rules import current_rules, proposal_list
from ..services import rules as services


class AccumulationRuleSerializer(serializers.ModelSerializer):
    measure = serializers.SlugRelatedField(slug_field="code", queryset=Measure.objects.all(),
                                           allow_null=True, required=False)

    class Meta:
        model = AccumulationRule
        fields = ["id", "code", "version", "is_current", "kind", "params", "measure", "label",
                  "needs_confirmation", "created_at"]
        read_only_fields = ["id", "code", "version", "is_current", "kind", "created_at"]


class AccumulationRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """累加规则: kinds with parameters, as data; a change makes a new version."""

    serializer_class = AccumulationRuleSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = (Role.ADMIN,)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list" and self.request.query_params.get("all") != "1":
            return current_rules()
        return AccumulationRule.objects.select_related("measure").order_by("code", "-version")

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.rule_update(
            actor=self.request.user, rule=serializer.instance, params=data.get("params"),
            measure=data.get("measure"), label=data.get("label"),
            needs_confirmation=data.get("needs_confirmation"))


class RuleProposalSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_label = serializers.CharField(source="rule.label", read_only=True)
    measure = serializers.CharField(source="rule.measure.code", read_only=True, default=None)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = RuleProposal
        fields = ["id", "rule", "rule_code", "rule_label", "measure", "cadre", "cadre_name",
                  "year", "state", "reason", "record", "decided_at", "created_at"]
        read_only_fields = fields


class RuleProposalDismissInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   help_text="不予采纳的理由（必填）。")


class RuleProposalViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """规则建议: pending in the ledger until staff confirm (an incentive record is made) or
    dismiss it with a reason; 409 unless pending."""

    serializer_class = RuleProposalSerializer
    permission_classes = [HasRole]
    read_roles = None
    write_roles = permissions.WRITE_ROLES
    filterset_class = RuleProposalFilter

    def get_queryset(self):
        return proposal_list(user=self.request.user)

    def _writable(self):
        proposal = self.get_object()
        if not permissions.can_write_unit(self.request.user, proposal.cadre.unit):
            raise Http404
        return proposal

    @extend_schema(request=None, responses=RuleProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        proposal = services.proposal_confirm(actor=request.user, proposal=self._writable())
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=RuleProposalDismissInput, responses=RuleProposalSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        proposal = self._writable()
        checked = RuleProposalDismissInput(data=request.data)
        checked.is_valid(raise_exception=True)
        proposal = services.proposal_dismiss(actor=request.user, proposal=proposal,
                                             reason=checked.validated_data.get("reason", ""))
        return Response(self.get_serializer(proposal).data)


ROUTES: list[tuple] = [
    ("accumulation-rules", AccumulationRuleViewSet, "accumulation-rule"),
    ("rule-proposals", RuleProposalViewSet, "rule-proposal"),
]
