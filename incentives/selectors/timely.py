"""Reads of 及时奖励 nominations, scoped (permissions.timely_visible_q), and who is asked to
approve one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.models import Role

from .. import permissions
from ..models import TimelyReward


def timely_list(*, user, state: str | None = None) -> QuerySet[TimelyReward]:
    qs = TimelyReward.objects.filter(permissions.timely_visible_q(user)).select_related(
        "cadre__unit", "unit", "measure", "nominated_by", "decided_by", "record")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-date", "-id")


def timely_get(*, user, pk) -> TimelyReward:
    """One nomination the user may see; 404 otherwise."""
    return get_object_or_404(timely_list(user=user), pk=pk)


def timely_approvers(reward: TimelyReward) -> list:
    """Active staff scoped to the subject's unit or above it, the nominator aside: who is asked
    to approve (administrators see the list page instead)."""
    unit = reward.subject_unit
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    users = get_user_model().objects.filter(is_active=True, units__in=ancestors).exclude(
        pk=reward.nominated_by_id).distinct()
    return sorted((u for u in users if Role.STAFF in (u.roles or [])), key=lambda u: u.username)
