"""Registrations of assessments with core's dashboard registry (and cadres.demo for demo)."""


# team ----
from core import dashboard as _core_dashboard  # noqa: E402


@_core_dashboard.register
def team_pending_proposals(user) -> dict:
    """末位措施建议 awaiting a decision, for those who decide them."""
    from . import permissions
    from .selectors.team import pending_proposal_count

    if not permissions.can_write(user):
        return {}
    return {"team_pending_proposals": pending_proposal_count(user=user)}
