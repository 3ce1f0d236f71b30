"""Registrations of incentives: history."""


# records, timely rewards, unfit, catalog ----
# How their audit entries read; and the one notification kind of timely rewards (the approvers
# asked to act), registered here because apps.ready imports this module.

from core import history as _core_history  # noqa: E402
from core.notifications import register_kind as _register_kind  # noqa: E402

from .models import IncentiveRecord as _IncentiveRecord  # noqa: E402
from .models import Measure as _Measure  # noqa: E402
from .models import TimelyReward as _TimelyReward  # noqa: E402
from .models import UnfitSituation as _UnfitSituation  # noqa: E402

_core_history.register(_Measure)
_core_history.register(_UnfitSituation)
_core_history.register(_IncentiveRecord)
_core_history.register(_TimelyReward, actions=_TimelyReward.HistoryAction)
_register_kind("incentives.timely_approve", template="notifications/incentives/timely_approve.txt",
               asks_action=True)
