from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = _("纪律与澄清")

    def ready(self) -> None:
        from cadres.signals import appointment_created

        from .services import on_appointment_created

        appointment_created.connect(on_appointment_created, dispatch_uid="discipline.reuse")
