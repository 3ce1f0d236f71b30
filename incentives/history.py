"""Registrations of incentives: history."""


# rules ----
from django.db import models as _models  # noqa: E402
from django.utils.translation import gettext_lazy as _rules_  # noqa: E402

from core import history as _history  # noqa: E402

from .models import AccumulationRule, RuleProposal  # noqa: E402


class RuleProposalAction(_models.TextChoices):
    CONFIRM = "confirm", _rules_("确认")
    DISMISS = "dismiss", _rules_("不予采纳")


class RuleAction(_models.TextChoices):
    UPDATE = "update", _rules_("修改（新版本）")


_history.register(RuleProposal, actions=RuleProposalAction)
_history.register(AccumulationRule, actions=RuleAction)
