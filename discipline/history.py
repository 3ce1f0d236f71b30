"""A sanction's history in words, registered with core.history by the app's ready(): the
re-use action and the key the services record for it (reuse_appointment)."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SanctionHistoryAction(models.TextChoices):
    """What a sanction's history records beyond core's create/update."""

    REUSE = "reuse", gettext_lazy("重新使用")

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
