"""{% load tolerance %}: the fault-tolerance section of the home page.

{% tolerance_dashboard %} shows staff the cases nearing or past a deadline and the overdue
correction steps, and anyone with work waiting a link to their queue. Each list is capped
and counted, so the home page costs the same whatever the numbers."""

from django import template

from core.models import Role
from core.views import has_any_role

from .. import selectors, view_helpers

register = template.Library()

DASHBOARD_ROWS = 8


@register.inclusion_tag("fault_tolerance/_dashboard.html", takes_context=True)
def tolerance_dashboard(context):
    user = context["request"].user
    data = {"show": False}
    if not user.is_authenticated:
        return data
    if user.has_role(Role.STAFF) or user.is_admin:
        window = view_helpers.DeadlineWindow.now()
        watch = selectors.deadline_watch(user=user, within=view_helpers.NEAR_WITHIN, today=window.today)
        watch = watch.select_related(None).prefetch_related(None).only("id", "title", "state")
        cases = list(watch[:DASHBOARD_ROWS + 1])
        for case in cases:
            case.due_status = window.status(case.due_on)
        overdue = list(selectors.corrections_overdue(user=user, today=window.today)[:DASHBOARD_ROWS + 1])
        data.update(show=True, staff=True, watch=cases[:DASHBOARD_ROWS], watch_more=len(cases) > DASHBOARD_ROWS,
                    overdue=overdue[:DASHBOARD_ROWS], overdue_more=len(overdue) > DASHBOARD_ROWS)
    if has_any_role(user, Role.REVIEWER, Role.LIAISON, Role.STAFF):
        data.update(show=True, waiting=view_helpers.work_queue_count(user=user))
    return data


@register.filter(name="has_any_role")
def has_any_role_filter(user, roles: str) -> bool:
    """{% if user|has_any_role:"staff,cadre" %}"""
    return has_any_role(user, *(r.strip() for r in roles.split(",")))
