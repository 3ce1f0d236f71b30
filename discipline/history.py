"""A sanction's history in words: the re-use key the services record (reuse_appointment)."""

from django.utils.translation import gettext as _

NONE = "—"


def describe_sanction_change(name: str, old, new) -> tuple[str, str, str] | None:
    """A sanction's re-use (services.reuse_register records the appointment's id) in words."""
    if name != "reuse_appointment":
        return None
    from cadres.models import Appointment

    appointment = Appointment.objects.filter(pk=new).select_related("unit").first() if new else None
    shown = (
        f"{appointment.start_date.isoformat()} {appointment.unit.name} {appointment.title}"
        if appointment
        else (f"#{new}" if new else NONE)
    )
    return _("重新使用任职"), NONE, shown
