"""Registrations of incentives: timeline."""


# records ----

from django.urls import reverse as _reverse  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from core.timeline import register as _register  # noqa: E402

from .selectors.records import cadre_records as _cadre_records  # noqa: E402


@_register
def incentive_records(cadre, user, limit: int) -> list[dict]:
    """A cadre's incentive records the user may see (selectors.records decides)."""
    rows = _cadre_records(user=user, cadre=cadre, limit=limit)
    return [
        {"date": r.date, "kind": "incentive_record",
         "title": _("奖惩：%(measure)s") % {"measure": r.measure.name},
         "detail": " ".join(x for x in [
             r.get_source_display(), r.situation.name if r.situation_id else "",
             r.document_number, r.reason[:80]] if x),
         "object_id": r.pk, "url": _reverse("incentives:record-detail", args=[r.pk])}
        for r in rows
    ]
