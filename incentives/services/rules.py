"""Accumulation rules (累加规则) and their proposals: the decision on a proposal (confirm makes
the incentive record, dismiss keeps the reason), and the rule versions administrators edit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditItem, audit_record_many, snapshot
from core.errors import Conflict

from .. import permissions
from ..models import IncentiveRecord, RuleProposal
from .records import record_create


def _decide(actor, proposal: RuleProposal, action: str) -> RuleProposal:
    if not permissions.can_write_unit(actor, proposal.cadre.unit):
        raise PermissionDenied(_("您无权处理该建议。"))
    # of=("self",): the measure is a nullable join, which PostgreSQL cannot lock.
    locked = RuleProposal.objects.select_for_update(of=("self",)).select_related("rule__measure").get(
        pk=proposal.pk)
    if locked.state != RuleProposal.State.PENDING:
        raise Conflict(state=locked.state, action=action)
    return locked


@transaction.atomic
def proposal_confirm(*, actor, proposal: RuleProposal) -> RuleProposal:
    """Confirm a pending proposal: the rule's measure becomes an incentive record (source
    `rule`). 409 unless pending."""
    locked = _decide(actor, proposal, _("确认"))
    before = snapshot(locked, RuleProposal.AUDITED)
    record = record_create(
        actor=actor, measure=locked.rule.measure, cadre=proposal.cadre,
        date=timezone.localdate(), reason=locked.rule.label,
        source=IncentiveRecord.Source.RULE, source_id=locked.pk, check_scope=False)
    locked.state, locked.record = RuleProposal.State.CONFIRMED, record
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["state", "record", "decided_by", "decided_at"])
    after = snapshot(locked, RuleProposal.AUDITED)
    audit_record_many(actor=actor, items=[AuditItem(locked, "confirm", {
        k: [before[k], after[k]] for k in after if before[k] != after[k]})])
    return locked


@transaction.atomic
def proposal_dismiss(*, actor, proposal: RuleProposal, reason: str) -> RuleProposal:
    """Dismiss a pending proposal, with a reason. 409 unless pending."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写不予采纳的理由。")})
    locked = _decide(actor, proposal, _("不予采纳"))
    before = snapshot(locked, RuleProposal.AUDITED)
    locked.state, locked.reason = RuleProposal.State.DISMISSED, reason.strip()
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    after = snapshot(locked, RuleProposal.AUDITED)
    audit_record_many(actor=actor, items=[AuditItem(locked, "dismiss", {
        k: [before[k], after[k]] for k in after if before[k] != after[k]})])
    return locked
