from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        # Registers core's Celery tasks in every process: core.jobs sends run_job by name
        # (it must not import core.tasks, which imports it), and an unregistered name would
        # bypass eager mode.
        from . import tasks  # noqa: F401
