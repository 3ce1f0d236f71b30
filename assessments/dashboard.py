"""Registrations of assessments with core's dashboard registry (and cadres.demo for demo)."""


# appraisal ----
# appraisals_open: 民主测评 in the user's scope still taking ballots (进行中的民主测评).
from django.utils import timezone as _timezone  # noqa: E402

from core import dashboard as _core_dashboard  # noqa: E402


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
