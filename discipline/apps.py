from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = _("纪律与澄清")

    def ready(self) -> None:
        from cadres.signals import appointment_created
        from core import history as core_history

        from . import history
        from . import timeline  # noqa: F401  registers the timeline providers
        from .models import Sanction
        from .services import on_appointment_created

        appointment_created.connect(on_appointment_created, dispatch_uid="discipline.reuse")
        core_history.register(Sanction, actions=history.SanctionHistoryAction,
                              describe=history.describe_sanction_change)
