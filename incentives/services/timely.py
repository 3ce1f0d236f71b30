"""及时奖励: nominate a cadre or a team under one of the six conditions; someone other than the
nominator, in scope, approves (the reward is recorded through record_create with source
`timely_reward`) or rejects it with a reason. Deciding a nomination already decided is 409."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_create, audit_record, diff, snapshot
from core.errors import Conflict
from core.models import Role
from core.notifications import notifications_done, notify
from core.services import refuse_duplicate, require_role, require_unit_in_scope

from .. import permissions
from ..models import IncentiveRecord, Measure, TimelyReward
from ..selectors.timely import timely_approvers
from .records import record_create

DEFAULT_MEASURE = "timely_reward"
NOTIFY_APPROVE = "incentives.timely_approve"  # staff: approve or reject a nomination


def default_measure() -> Measure | None:
    return Measure.objects.filter(code=DEFAULT_MEASURE, is_active=True).first()


@transaction.atomic
def timely_nominate(*, actor, condition: str, reason: str, cadre=None, unit=None,
                    measure: Measure | None = None, date: dt.date | None = None,
                    document_number: str = "", amount: Decimal | None = None) -> TimelyReward:
    """Nominate a cadre or a team (exactly one, in the actor's scope) for a timely reward.
    Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    errors: dict[str, str] = {}
    if (cadre is None) == (unit is None):
        errors["cadre"] = _("请填写干部或集体（单位）中的一项。")
    else:
        require_unit_in_scope(actor, cadre.unit if cadre is not None else unit,
                              field="cadre" if cadre is not None else "unit")
    measure = measure or default_measure()
    if measure is None:
        errors["measure"] = _("请选择奖励措施。")
    elif measure.direction != Measure.Direction.POSITIVE or not measure.is_active:
        errors["measure"] = _("及时奖励只能给予启用中的正向激励措施。")
    elif amount is not None and measure.kind != Measure.Kind.ECONOMIC:
        errors["amount"] = _("只有经济上奖励类措施才填写金额。")
    if condition not in TimelyReward.Condition.values:
        errors["condition"] = _("请选择六种奖励情形之一。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写事迹。")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        errors["date"] = _("日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    reward = TimelyReward(cadre=cadre, unit=unit, condition=condition, reason=reason.strip(),
                          measure=measure, date=date, amount=amount,
                          document_number=(document_number or "").strip(), nominated_by=actor)
    reward.full_clean(exclude=["nominated_by"])
    # The same nomination again (a double click, a retried POST) is 409 while the first stands;
    # after a rejection it may be put forward anew.
    refuse_duplicate(reward, subject=cadre if cadre is not None else unit,
                     fields=("cadre", "unit", "condition", "reason", "measure", "date",
                             "document_number", "amount"),
                     among=TimelyReward.objects.exclude(state=TimelyReward.State.REJECTED))
    reward.save()
    audit_create(obj=reward, actor=actor, fields=TimelyReward.AUDITED)
    approvers = timely_approvers(reward)
    if approvers:
        notify(kind=NOTIFY_APPROVE, recipients=approvers, context={"reward": reward},
               link=reward.get_absolute_url(), obj=reward)
    return reward


def _lock_for_decision(actor, reward: TimelyReward, action: str) -> TimelyReward:
    require_role(actor, Role.STAFF, Role.ADMIN)
    locked = TimelyReward.objects.select_for_update(of=("self",)).select_related(
        "cadre__unit", "unit", "measure").get(pk=reward.pk)
    refusal = permissions.timely_decision_refusal(actor, locked)
    if refusal:
        raise PermissionDenied(refusal)
    if locked.state != TimelyReward.State.NOMINATED:
        raise Conflict(state=locked.state, action=action)
    return locked


def _finish(actor, locked: TimelyReward, before: dict, action: str) -> TimelyReward:
    changes = diff(before, snapshot(locked, TimelyReward.AUDITED))
    audit_record(obj=locked, actor=actor, action=action, changes=changes)
    notifications_done(obj=locked, kinds=[NOTIFY_APPROVE])
    return locked


@transaction.atomic
def timely_approve(*, actor, reward: TimelyReward, date: dt.date | None = None,
                   document_number: str | None = None) -> TimelyReward:
    """Approve a nomination (not one's own): the reward becomes an incentive record of source
    `timely_reward`, dated the approval. 403 for the nominator, 409 unless nominated."""
    locked = _lock_for_decision(actor, reward, _("批准"))
    before = snapshot(locked, TimelyReward.AUDITED)
    date = date or timezone.localdate()
    if date < locked.date:
        raise ValidationError({"date": _("批准日期不能早于提名日期。")})
    if document_number is not None:
        locked.document_number = document_number.strip()
    record = record_create(
        actor=actor, measure=locked.measure, cadre=locked.cadre, unit=locked.unit, date=date,
        reason=f"{locked.get_condition_display()}：{locked.reason}",
        source=IncentiveRecord.Source.TIMELY_REWARD, source_id=locked.pk,
        document_number=locked.document_number, amount=locked.amount, check_scope=False)
    locked.state, locked.record = TimelyReward.State.APPROVED, record
    locked.decided_by, locked.decided_on = actor, date
    locked.save(update_fields=["state", "record", "decided_by", "decided_on", "document_number"])
    return _finish(actor, locked, before, TimelyReward.HistoryAction.APPROVE)


@transaction.atomic
def timely_reject(*, actor, reward: TimelyReward, reason: str) -> TimelyReward:
    """Reject a nomination (not one's own) with a reason. 409 unless nominated."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写不予批准的理由。")})
    locked = _lock_for_decision(actor, reward, _("不予批准"))
    before = snapshot(locked, TimelyReward.AUDITED)
    locked.state, locked.rejection_reason = TimelyReward.State.REJECTED, reason.strip()
    locked.decided_by, locked.decided_on = actor, timezone.localdate()
    locked.save(update_fields=["state", "rejection_reason", "decided_by", "decided_on"])
    return _finish(actor, locked, before, TimelyReward.HistoryAction.REJECT)
