"""Reads of accumulation rules and their proposals."""

from __future__ import annotations

from django.db.models import QuerySet

from .. import permissions
from ..models import AccumulationRule, RuleProposal


def current_rules() -> QuerySet[AccumulationRule]:
    return AccumulationRule.objects.filter(is_current=True).select_related("measure").order_by("code")


def proposal_list(*, user, state: str | None = None) -> QuerySet[RuleProposal]:
    """Rule proposals about the cadres the user may see, pending first, newest year first."""
    qs = RuleProposal.objects.filter(permissions.cadre_row_visible_q(user)).select_related(
        "rule__measure", "cadre__unit", "record", "decided_by")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "-year", "cadre_id", "rule_id")
