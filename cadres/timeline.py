from core.timeline import register

from .models import Appointment


@register
def appointments(cadre, user, limit: int) -> list[dict]:
    """The cadre's appointments: whoever may open the cadre (the caller checked) may read them."""
    rows = (Appointment.objects.filter(cadre=cadre).select_related("unit")
            .order_by("-start_date", "-id")[:limit])
    return [
        {
            "date": a.start_date,
            "kind": "appointment",
            "title": f"{a.get_kind_display()}：{a.title}",
            "detail": " ".join(x for x in [a.unit.name, a.get_post_level_display(), a.document_number,
                                           a.exceptional_reason] if x),
            "object_id": a.pk,
        }
        for a in rows
    ]
