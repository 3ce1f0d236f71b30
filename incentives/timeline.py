"""Registrations of incentives: timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.timeline import register

from .selectors.records import cadre_records

# records ----


@register
def incentive_records(cadre, user, limit: int) -> list[dict]:
    """A cadre's incentive records the user may see (selectors.records decides)."""
    rows = cadre_records(user=user, cadre=cadre, limit=limit)
    return [
        {"date": r.date, "kind": "incentive_record",
         "title": _("奖惩：%(measure)s") % {"measure": r.measure.name},
         "detail": " ".join(x for x in [
             r.get_source_display(), r.situation.name if r.situation_id else "",
             r.document_number, r.reason[:80]] if x),
         "object_id": r.pk, "url": reverse("incentives:record-detail", args=[r.pk])}
        for r in rows
    ]
