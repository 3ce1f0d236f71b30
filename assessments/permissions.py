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

from cadres.permissions import cadre_visible_q, can_see_cadre
from core.models import Role
from core.scoping import scope_paths, scope_q, unit_in_scope, unit_scope

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


def visible_units(user):
    """The units the user may see and pick (their scope and all below it)."""
    return unit_scope(user)


def unit_writer(user):
    """A predicate unit -> bool: whether user may enter assessments for that unit, with the
    user's scope read once (for checking a whole batch of rows)."""
    if not can_write(user):
        return lambda unit: False
    paths = scope_paths(user)
    if paths is None:
        return lambda unit: True
    return lambda unit: any(unit.path.startswith(p) for p in paths)


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

# evaluation ----
# 换届后评估: a round is the unit's record; a cadre's evaluation is seen by whoever may see the
# cadre, a team's by whoever may see its unit. The reserve list is a list of cadres: whoever
# may see the cadre sees their entry. Writes (scores, the shortlist): staff/admin in scope of
# the round's unit.


def evaluation_round_visible_q(user) -> Q:
    return unit_record_visible_q(user, "unit")


def can_see_evaluation_round(user, evaluation_round) -> bool:
    return can_see_unit_record(user, evaluation_round.unit)


def evaluation_visible_q(user, prefix: str = "") -> Q:
    """Post-election evaluations (reached through prefix) the user may see."""
    return (Q(**{f"{prefix}cadre__isnull": False}) & cadre_record_visible_q(user, f"{prefix}cadre__")) | (
        Q(**{f"{prefix}unit__isnull": False}) & unit_record_visible_q(user, f"{prefix}unit")
    )


def can_see_evaluation(user, evaluation) -> bool:
    if evaluation.cadre_id:
        return can_see_cadre(user, evaluation.cadre)
    return can_see_unit_record(user, evaluation.unit)


def reserve_entry_visible_q(user) -> Q:
    return cadre_record_visible_q(user, "cadre__")


def can_see_reserve_entry(user, entry) -> bool:
    return can_see_cadre(user, entry.cadre)


# frontline ----
# 一线考察: a project is its unit's record; a record is the cadre's (whoever may see the cadre).
# Writes: staff/admin in scope of the project's unit.


def frontline_project_visible_q(user) -> Q:
    return unit_record_visible_q(user, "unit")


def can_see_frontline_project(user, project) -> bool:
    return can_see_unit_record(user, project.unit)


def frontline_record_visible_q(user) -> Q:
    return cadre_record_visible_q(user, "cadre__")


def can_see_frontline_record(user, record) -> bool:
    return can_see_cadre(user, record.cadre)
