from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("干部与单位")

    def ready(self) -> None:
        from core import dashboard

        from . import timeline  # noqa: F401  registers the appointment timeline provider
        from .selectors import dashboard_figures

        dashboard.register(dashboard_figures)
