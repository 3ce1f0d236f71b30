"""Who may see and write what of assessments: each rule once, a Q for querysets beside a
predicate for one object. Selectors, pages, the API, exports, the timeline and the ballot
pages ask here; nothing else decides.

- A cadre's grades (quarterly, annual, post-election, frontline records) are seen by whoever
  may see the cadre (cadres.permissions), the cadre themselves included.
- A unit's records (team grades, appraisal rounds and their results, frontline projects,
  quotas) are seen by users scoped to the unit or above it (core.scoping).
- Staff write them within their scope; administrators too (the admin site goes through the
  same services).
- Ballot codes are shown once, to the staff member who opens the round, and never stored in a
  readable form; a ballot names no code (models/appraisal.py)."""

from django.db.models import Q

from cadres.permissions import can_see_cadre, cadre_visible_q
from core.models import Role
from core.scoping import scope_q, unit_in_scope

WRITE_ROLES = (Role.STAFF, Role.ADMIN)


def cadre_record_visible_q(user, prefix: str = "cadre__") -> Q:
    """Records about a cadre (reached through prefix) the user may see."""
    return cadre_visible_q(user, prefix)


def can_see_cadre_record(user, record) -> bool:
    return can_see_cadre(user, record.cadre)


def unit_record_visible_q(user, unit_field: str = "unit") -> Q:
    """Records about a unit (reached through unit_field) the user may see."""
    return scope_q(user, unit_field)


def can_see_unit_record(user, unit) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return unit_in_scope(user, unit)


def can_write(user) -> bool:
    """Whether user may enter assessments at all (the unit must still be in their scope)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and any(user.has_role(role) for role in WRITE_ROLES)
    )


def can_write_unit(user, unit) -> bool:
    """Whether user may enter assessments for unit (and its cadres)."""
    return can_write(user) and unit_in_scope(user, unit)


# appraisal ----
# A round (its turnout, its results) is a unit record: seen by users scoped to the unit or
# above it, opened by staff or administrators in scope. Results are shown once the round has
# closed, never while voters may still vote (a running tally would steer the rest).


def appraisal_visible_q(user) -> Q:
    return unit_record_visible_q(user, "unit")


def can_see_appraisal(user, appraisal_round) -> bool:
    return can_see_unit_record(user, appraisal_round.unit)


def can_open_appraisal(user, unit) -> bool:
    return can_write_unit(user, unit)


def can_see_appraisal_results(user, appraisal_round) -> bool:
    return can_see_appraisal(user, appraisal_round) and appraisal_round.is_closed


# team ----
# Team grades and their measure proposals are unit records: seen by users scoped to the unit or
# above it, written (entered, confirmed, dismissed) by staff and administrators in scope
# (can_write_unit). A proposal names a cadre of the unit; whoever sees the unit's team grade
# sees who its principal leaders are.


def team_proposal_visible_q(user) -> Q:
    return unit_record_visible_q(user, "assessment__unit")


def can_see_team_proposal(user, proposal) -> bool:
    return can_see_unit_record(user, proposal.assessment.unit)

# annual ----
# Quarterly and annual grades, and the review (复核/申诉) of a 不称职 grade, are a cadre's
# records: seen by whoever may see the cadre (the cadre included), written by staff and
# administrators whose scope covers the cadre's unit. A unit's 优秀 quota is a unit record.
# A cadre may request the review of, and appeal, their own grade (services.annual).


def annual_visible_q(user) -> Q:
    """Annual and quarterly grades the user may see."""
    return cadre_record_visible_q(user, "cadre__")


def review_visible_q(user) -> Q:
    """Reviews the user may see: those of the grades they may see."""
    return cadre_record_visible_q(user, "assessment__cadre__")
