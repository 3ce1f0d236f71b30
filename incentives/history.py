"""Registrations of incentives: history."""

from core import history
from core.notifications import register_kind

from .models import IncentiveRecord, Measure, TimelyReward, UnfitSituation

# records, timely rewards, unfit, catalog ----
# How their audit entries read; and the one notification kind of timely rewards (the approvers
# asked to act), registered here because apps.ready imports this module.


history.register(Measure)
history.register(UnfitSituation)
history.register(IncentiveRecord)
history.register(TimelyReward, actions=TimelyReward.HistoryAction)
register_kind("incentives.timely_approve", template="notifications/incentives/timely_approve.txt",
               asks_action=True)
