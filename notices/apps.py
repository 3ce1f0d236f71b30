from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("公示公告")

    def ready(self) -> None:
        # Registries (core.history, core.jobs, core.related, core.checks): each module
        # registers what it holds when imported.
        from . import checks, history, jobs, links  # noqa: F401
