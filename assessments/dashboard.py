"""Registrations of assessments with core's dashboard registry (and cadres.demo for demo)."""

from django.utils import timezone as _timezone

from core import dashboard as _core_dashboard
from core.dashboard import register as _dashboard_register

# appraisal ----
# appraisals_open: 民主测评 in the user's scope still taking ballots (进行中的民主测评).


def _appraisal_figures(user) -> dict:
    from .selectors.appraisal import appraisal_list

    return {"appraisals_open": appraisal_list(user=user).filter(
        closes_at__gt=_timezone.now()).count()}


_core_dashboard.register(_appraisal_figures)


# team ----


@_core_dashboard.register
def team_pending_proposals(user) -> dict:
    """末位措施建议 awaiting a decision, for those who decide them."""
    from . import permissions
    from .selectors.team import pending_proposal_count

    if not permissions.can_write(user):
        return {}
    return {"team_pending_proposals": pending_proposal_count(user=user)}

# evaluation ----


@_dashboard_register
def reserve_list_figures(user) -> dict:
    """reserve_list: cadres on the 干部推荐参考名单 the user may see."""
    from .selectors.evaluation import reserve_list

    return {"reserve_list": reserve_list(user=user).values("cadre_id").distinct().count()}


# frontline ----


@_dashboard_register
def frontline_figures(user) -> dict:
    """frontline_overdue_projects / frontline_overdue: key projects with a missed 四个一 cadence,
    and how many (cadre, cadence) are overdue."""
    from .selectors.frontline import overdue_count

    projects, items = overdue_count(user=user)
    return {"frontline_overdue_projects": projects, "frontline_overdue": items}
