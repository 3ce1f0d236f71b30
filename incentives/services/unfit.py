"""不适宜担任现职: a yellow or red card warning, or an adjustment (调离岗位 / 改任非领导职务 /
免职 / 降职), recorded as an incentive record of source `unfit` WITH its situation, through
record_create (which refuses a card without a situation and a situation with another measure)."""

from __future__ import annotations

import datetime as dt

from ..models import IncentiveRecord, Measure, UnfitSituation
from .records import record_create


def unfit_record(*, actor, cadre, measure: Measure, situation: UnfitSituation | None,
                 reason: str, date: dt.date | None = None,
                 document_number: str = "") -> IncentiveRecord:
    """Record a card or an adjustment of a cadre found unfit for the post, naming the situation.
    Raises ValidationError, PermissionDenied."""
    return record_create(actor=actor, measure=measure, cadre=cadre, date=date, reason=reason,
                         source=IncentiveRecord.Source.UNFIT, document_number=document_number,
                         situation=situation)
