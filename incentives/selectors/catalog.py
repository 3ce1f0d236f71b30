"""Reads of the measure catalog (激励措施目录): everyone signed in reads it."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Measure


def measure_list(*, active_only: bool = False) -> QuerySet[Measure]:
    qs = Measure.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("direction", "kind", "points", "code")
