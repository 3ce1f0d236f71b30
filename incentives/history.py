"""Registrations of incentives: history."""

from django.db import models
from django.utils.translation import gettext_lazy

from core import history
from core.notifications import register_kind

from .models import (
    AccumulationRule,
    IncentiveRecord,
    Measure,
    RuleProposal,
    TimelyReward,
    UnfitSituation,
)

# records, timely rewards, unfit, catalog ----
# How their audit entries read; and the one notification kind of timely rewards (the approvers
# asked to act), registered here because apps.ready imports this module.


history.register(Measure)
history.register(UnfitSituation)
history.register(IncentiveRecord)
history.register(TimelyReward, actions=TimelyReward.HistoryAction)
register_kind("incentives.timely_approve", template="notifications/incentives/timely_approve.txt",
               asks_action=True)

# rules ----


class RuleProposalAction(models.TextChoices):
    CONFIRM = "confirm", gettext_lazy("确认")
    DISMISS = "dismiss", gettext_lazy("不予采纳")


class RuleAction(models.TextChoices):
    UPDATE = "update", gettext_lazy("修改（新版本）")


history.register(RuleProposal, actions=RuleProposalAction)
history.register(AccumulationRule, actions=RuleAction)
