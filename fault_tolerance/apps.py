from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _recount_deadlines(sender, **kwargs) -> None:
    from .tasks import refresh_uncounted_deadlines

    transaction.on_commit(refresh_uncounted_deadlines.delay)


class FaultToleranceConfig(AppConfig):
    name = "fault_tolerance"
    verbose_name = _("容错纠错")

    def ready(self) -> None:
        from core.workdays import calendar_changed

        from . import timeline  # noqa: F401  registers the timeline providers

        calendar_changed.connect(
            _recount_deadlines, dispatch_uid="fault_tolerance.recount_deadlines"
        )
