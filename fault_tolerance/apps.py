from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaultToleranceConfig(AppConfig):
    name = "fault_tolerance"
    verbose_name = _("容错纠错")
