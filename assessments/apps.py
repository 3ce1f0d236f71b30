from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("考核")

    def ready(self) -> None:
        # Registries (core.history, core.timeline, core.jobs, core.dashboard; seed_demo finds demo.py itself):
        # each module registers what it holds when imported.
        from . import dashboard, history, jobs, timeline  # noqa: F401
