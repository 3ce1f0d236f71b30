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
        from core import history as core_history
        from core.workdays import calendar_changed

        from . import history, permissions
        from . import notifications, timeline  # noqa: F401  timeline registers its providers
        from .models import Case

        notifications.register()

        core_history.register(Case, actions=history.CaseHistoryAction, describe=history.describe_case_change,
                              redact=permissions.case_history_redaction)


        calendar_changed.connect(
            _recount_deadlines, dispatch_uid="fault_tolerance.recount_deadlines"
        )
