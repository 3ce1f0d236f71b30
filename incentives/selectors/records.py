"""Reads of incentive records (奖惩记录), scoped (permissions.record_visible_q)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import IncentiveRecord


def record_list(*, user) -> QuerySet[IncentiveRecord]:
    """Records the user may see, newest first."""
    return IncentiveRecord.objects.filter(permissions.record_visible_q(user)).select_related(
        "cadre__unit", "unit", "measure", "situation").order_by("-date", "-id")


def record_get(*, user, pk) -> IncentiveRecord:
    """One record the user may see; 404 otherwise."""
    return get_object_or_404(record_list(user=user), pk=pk)


def cadre_records(*, user, cadre, limit: int | None = None) -> list[IncentiveRecord]:
    """A cadre's records the user may see, newest first (the timeline)."""
    qs = record_list(user=user).filter(cadre=cadre)
    return list(qs[:limit] if limit else qs)
