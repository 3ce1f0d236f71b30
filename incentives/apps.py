from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("激励")

    def ready(self) -> None:
        # Registries (core.history, core.timeline, core.jobs, core.dashboard) and the signals
        # this app receives (assessments.signals.team_measure_confirmed, the source records'
        # changes): each module registers what it holds when imported.
        from . import dashboard, history, jobs, receivers, timeline  # noqa: F401
