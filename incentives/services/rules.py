"""Accumulation rules (累加规则) and their proposals: the decision on a proposal (confirm makes
the incentive record, dismiss keeps the reason), and the rule versions administrators edit."""

from __future__ import annotations

import datetime as dt

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
        # Dated in the year it rests on, so the ledger counts it there (today while that year runs).
        date=min(timezone.localdate(), dt.date(locked.year, 12, 31)), reason=locked.rule.label,
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


# Rule versions ---------------------------------------------------------------------------

ANNUAL_GRADES = ("excellent", "competent", "basically_competent", "incompetent")
TEAM_GRADES = ("good", "fairly_good", "average", "poor")
ESCALATIONS = ("talk_reminder", "admonishment", "post_adjustment")
SANCTION_KINDS = ("warning", "demerit", "major_demerit", "demotion", "dismissal_from_post",
                  "expulsion", "admonishment")


def rule_params_errors(kind: str, params, measure) -> dict[str, str]:
    """What is wrong with a rule's parameters for its kind ({} when they hold). The tally reads
    only what is checked here: grade_in_year {"grade"}; streak {"grade", "years" 2..10};
    team_grade {"grade"} (a team grade); bottom_escalation {"escalation"}; sanction_block
    {"kinds": [sanction kinds]} (no measure: it blocks the positive rule outcomes)."""
    from ..models import AccumulationRule

    Kind = AccumulationRule.Kind
    if not isinstance(params, dict):
        return {"params": _("参数须为对象。")}
    allowed = {Kind.GRADE_IN_YEAR: {"grade"}, Kind.STREAK: {"grade", "years"},
               Kind.TEAM_GRADE: {"grade"}, Kind.BOTTOM_ESCALATION: {"escalation"},
               Kind.SANCTION_BLOCK: {"kinds"}}.get(kind)
    if allowed is None:
        return {"kind": _("未知的规则类型。")}
    errors: dict[str, str] = {}
    extra = set(params) - allowed
    missing = allowed - set(params)
    if extra or missing:
        errors["params"] = _("该类型规则的参数应为：%(keys)s。") % {"keys": "、".join(sorted(allowed))}
        return errors
    if kind in (Kind.GRADE_IN_YEAR, Kind.STREAK) and params["grade"] not in ANNUAL_GRADES:
        errors["params"] = _("年度考核等次无效（不定等次不能作为规则条件）。")
    if kind == Kind.STREAK and not (isinstance(params["years"], int)
                                    and not isinstance(params["years"], bool)
                                    and 2 <= params["years"] <= 10):
        errors["params"] = _("连续年数须为 2 到 10 的整数。")
    if kind == Kind.TEAM_GRADE and params["grade"] not in TEAM_GRADES:
        errors["params"] = _("班子考核等次无效。")
    if kind == Kind.BOTTOM_ESCALATION and params["escalation"] not in ESCALATIONS:
        errors["params"] = _("末位措施无效。")
    if kind == Kind.SANCTION_BLOCK:
        kinds = params["kinds"]
        if not (isinstance(kinds, list) and kinds and all(k in SANCTION_KINDS for k in kinds)):
            errors["params"] = _("请列出处分种类。")
        if measure is not None:
            errors["measure"] = _("处分期限制规则不适用措施。")
    elif measure is None:
        errors["measure"] = _("请选择措施。")
    return errors


@transaction.atomic
def rule_update(*, actor, rule, params: dict | None = None, measure=None, label: str | None = None,
                needs_confirmation: bool | None = None):
    """Administrators change a rule: a new version of its code becomes current, the old one
    stays (the ledgers tallied on it name it). Unchanged input makes no version. Raises
    PermissionDenied, ValidationError, Conflict (not the current version)."""
    from ..models import AccumulationRule

    if not permissions.can_edit_catalog(actor):
        raise PermissionDenied(_("只有管理员可以修改累加规则。"))
    current = AccumulationRule.objects.select_for_update().get(pk=rule.pk)
    if not current.is_current:
        raise Conflict(_("该规则不是现行版本。"), state="superseded", action="update")
    values = {
        "params": current.params if params is None else params,
        "measure": current.measure if measure is None else measure,
        "label": current.label if label is None else (label or "").strip(),
        "needs_confirmation": (current.needs_confirmation if needs_confirmation is None
                               else bool(needs_confirmation)),
    }
    errors = rule_params_errors(current.kind, values["params"], values["measure"])
    if not values["label"]:
        errors["label"] = _("请填写说明。")
    if errors:
        raise ValidationError(errors)
    if all(getattr(current, k) == v for k, v in values.items()):
        return current
    before = snapshot(current, AccumulationRule.AUDITED)
    AccumulationRule.objects.filter(pk=current.pk).update(is_current=False)
    new = AccumulationRule.objects.create(code=current.code, kind=current.kind,
                                          version=current.version + 1, is_current=True,
                                          created_by=actor, **values)
    after = snapshot(new, AccumulationRule.AUDITED)
    audit_record_many(actor=actor, items=[AuditItem(new, "update", {
        k: [before[k], after[k]] for k in after if before[k] != after[k]})])
    transaction.on_commit(lambda: _rules_changed())
    return new


def _rules_changed() -> None:
    from ..signals import sources_changed

    sources_changed.send(sender=rule_update, cadre_ids=None, years=None)
