"""Reads of the 不适宜担任现职 situation catalog and of the records made under it."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import UNFIT_MEASURE_CODES, IncentiveRecord, Measure, UnfitSituation
from .records import record_list


def situation_list(*, active_only: bool = False) -> QuerySet[UnfitSituation]:
    qs = UnfitSituation.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("group", "order", "code")


def unfit_measures() -> QuerySet[Measure]:
    """The cards and adjustments a situation goes with (active ones)."""
    return Measure.objects.filter(code__in=UNFIT_MEASURE_CODES, is_active=True).order_by(
        "points", "code")


def unfit_records(*, user) -> QuerySet[IncentiveRecord]:
    """Records with a situation the user may see, newest first."""
    return record_list(user=user).filter(situation__isnull=False)
