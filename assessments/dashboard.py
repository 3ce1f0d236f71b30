"""The home page's figures from assessments (core.dashboard), each counted within the user's
scope by the selectors that serve the lists the figures link to."""

from django.utils import timezone

from core.dashboard import register

from . import permissions


@register
def appraisal_figures(user) -> dict:
    """appraisals_open: 民主测评 in the user's scope still taking ballots (进行中的民主测评)."""
    from .selectors.appraisal import appraisal_list

    return {"appraisals_open": appraisal_list(user=user).filter(closes_at__gt=timezone.now()).count()}


@register
def team_pending_proposals(user) -> dict:
    """末位措施建议 awaiting a decision, for those who decide them."""
    from .selectors.team import pending_proposal_count

    if not permissions.can_write(user):
        return {}
    return {"team_pending_proposals": pending_proposal_count(user=user)}


@register
def reserve_list_figures(user) -> dict:
    """reserve_list: cadres on the 干部推荐参考名单 the user may see."""
    from .selectors.evaluation import reserve_list

    return {"reserve_list": reserve_list(user=user).values("cadre_id").distinct().count()}


@register
def frontline_figures(user) -> dict:
    """frontline_overdue_projects / frontline_overdue: key projects with a missed 四个一 cadence,
    and how many (cadre, cadence) are overdue."""
    from .selectors.frontline import overdue_count

    projects, items = overdue_count(user=user)
    return {"frontline_overdue_projects": projects, "frontline_overdue": items}
