from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.core import signals
        from django.db.models.signals import post_delete, post_save

        # tasks: core.jobs sends run_job by name (it must not import core.tasks, which imports
        # it), and an unregistered name would bypass eager mode; notifications registers its
        # email task.
        from . import notifications, tasks, workdays  # noqa: F401
        from .models import CalendarYear, HolidayDay

        # One calendar read per request; any change to it drops that copy.
        signals.request_started.connect(
            workdays.request_started, dispatch_uid="core.workdays.request_started"
        )
        signals.request_finished.connect(
            workdays.request_finished, dispatch_uid="core.workdays.request_finished"
        )
        for model in (CalendarYear, HolidayDay):
            for signal in (post_save, post_delete):
                signal.connect(
                    workdays.calendar_invalidate,
                    sender=model,
                    dispatch_uid=f"core.workdays.invalidate.{model.__name__}.{signal}",
                )
        workdays.calendar_changed.connect(
            workdays.calendar_invalidate, dispatch_uid="core.workdays.changed"
        )
