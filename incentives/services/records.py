"""Every write of incentive records (奖惩记录): by hand, from a case decision, a confirmed timely
reward, a confirmed rule proposal or an assessment's confirmed measure, through record_create."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_create
from core.models import Role
from core.services import refuse_duplicate, require_role, require_unit_in_scope

from ..models import UNFIT_MEASURE_CODES, IncentiveRecord, Measure
from ..models.unfit import CARD_CODES
from ..signals import sources_changed

RECORD_FIELDS = ("date", "reason", "source", "source_id", "case", "document_number", "amount")
# A record with all of these the same as an existing one is that one again (a double click, a
# retried POST, a flow run twice): 409, never a second row (core.services.refuse_duplicate).
DUPLICATE_FIELDS = ("cadre", "unit", "measure", "date", "reason", "source", "source_id", "case",
                    "document_number", "amount", "situation")


def _changed_on_commit(record: IncentiveRecord) -> None:
    """Queue the ledger's recompute for the cadres the record touches, once it is committed."""
    if record.cadre_id:
        cadre_ids, year = {record.cadre_id}, record.date.year
        transaction.on_commit(lambda: sources_changed.send(
            sender=IncentiveRecord, cadre_ids=cadre_ids, years={year}))


@transaction.atomic
def record_create(*, actor, measure: Measure, cadre=None, unit=None, date: dt.date | None = None,
                  reason: str = "", source: str = IncentiveRecord.Source.HAND, source_id=None,
                  case=None, document_number: str = "", amount: Decimal | None = None,
                  check_scope: bool = True, situation=None) -> IncentiveRecord:
    """Apply measure to a cadre or a team (exactly one) in the actor's scope. Raises
    ValidationError, PermissionDenied. check_scope=False only for writes the system makes on
    an act already checked (a confirmed proposal, a case decision).

    situation (不适宜担任现职, models.unfit): required for a yellow or red card and for any record
    of source `unfit` (an adjustment 调离岗位 / 改任非领导职务 / 免职 / 降职); allowed only with
    those measures; a hand entry that names one is recorded with source `unfit`."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    errors: dict[str, str] = {}
    if (cadre is None) == (unit is None):
        errors["cadre"] = _("请填写干部或班子（单位）中的一项。")
    if check_scope and not errors:
        require_unit_in_scope(actor, cadre.unit if cadre is not None else unit,
                              field="cadre" if cadre is not None else "unit")
    if not measure.is_active:
        errors["measure"] = _("该措施已停用。")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        errors["date"] = _("日期不能晚于今天。")
    if amount is not None and measure.kind != Measure.Kind.ECONOMIC:
        errors["amount"] = _("只有经济上奖励类措施才填写金额。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写事由。")
    if situation is not None and source == IncentiveRecord.Source.HAND:
        source = IncentiveRecord.Source.UNFIT
    if situation is None and (measure.code in CARD_CODES or source == IncentiveRecord.Source.UNFIT):
        errors["situation"] = _("红、黄牌警告和不适宜担任现职的调整须注明所属情形。")
    elif situation is not None and measure.code not in UNFIT_MEASURE_CODES:
        errors["measure"] = _("不适宜担任现职只能给予红、黄牌警告或调离岗位、改任非领导职务、免职、降职。")
    elif situation is not None and not situation.is_active:
        errors["situation"] = _("该情形已停用。")
    if errors:
        raise ValidationError(errors)
    record = IncentiveRecord(cadre=cadre, unit=unit, measure=measure, date=date,
                             reason=reason.strip(), source=source, source_id=source_id, case=case,
                             document_number=(document_number or "").strip(), amount=amount,
                             situation=situation, created_by=actor)
    record.full_clean(exclude=["created_by"])
    refuse_duplicate(record, subject=cadre if cadre is not None else unit,
                     fields=DUPLICATE_FIELDS)
    record.save()
    audit_create(obj=record, actor=actor, fields=IncentiveRecord.AUDITED)
    _changed_on_commit(record)
    return record
