"""Who may see and write what of incentives: each rule once, a Q for querysets beside a
predicate for one object. Selectors, pages, the API, exports, the timeline and the 红黑榜 ask
here; nothing else decides.

- A cadre's records, ledger rows and proposals are seen by whoever may see the cadre
  (cadres.permissions), the cadre themselves included; a team's records by users scoped to the
  unit or above it.
- Staff and administrators write records, decide proposals and start tallies within their
  scope; the measure catalog and the rules are the administrators' (API.md measures/).
- A timely reward is approved by someone other than its nominator."""

from django.db.models import Q

from cadres.permissions import cadre_visible_q, can_see_cadre
from core.models import Role
from core.scoping import scope_q, unit_in_scope, unit_scope

WRITE_ROLES = (Role.STAFF, Role.ADMIN)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def record_visible_q(user) -> Q:
    """Incentive records the user may see: of a cadre they may see, or of a team in scope."""
    if not _active(user):
        return Q(pk__in=[])
    return (Q(cadre__isnull=False) & cadre_visible_q(user, "cadre__")) | (
        Q(unit__isnull=False) & scope_q(user, "unit"))


def can_see_record(user, record) -> bool:
    if not _active(user):
        return False
    if record.cadre_id:
        return can_see_cadre(user, record.cadre)
    return unit_in_scope(user, record.unit)


def cadre_row_visible_q(user, prefix: str = "cadre__") -> Q:
    """Ledger rows and proposals (reached through prefix to their cadre) the user may see."""
    if not _active(user):
        return Q(pk__in=[])
    return cadre_visible_q(user, prefix)


def visible_units(user):
    """The units the user may see and pick (their scope and all below it)."""
    return unit_scope(user)


def can_write(user) -> bool:
    return _active(user) and any(user.has_role(role) for role in WRITE_ROLES)


def can_write_unit(user, unit) -> bool:
    return can_write(user) and unit_in_scope(user, unit)


def can_recompute_all(user) -> bool:
    """A tally of every cadre's ledger: administrators; staff tally the cadres of a unit in
    their scope (can_write_unit) or the cadres they name."""
    return _active(user) and user.is_admin


def can_edit_catalog(user) -> bool:
    """The measure catalog and the accumulation rules: administrators only."""
    return _active(user) and user.is_admin


# timely rewards, unfit, catalog ----


def timely_visible_q(user) -> Q:
    """及时奖励 nominations the user may see: of a cadre they may see, or of a team in scope (as
    records)."""
    return record_visible_q(user)


def can_see_timely(user, reward) -> bool:
    return can_see_record(user, reward)


def timely_decision_refusal(user, reward) -> str | None:
    """Why user may not approve or reject this nomination (None: they may). The nominator never
    decides their own nomination; the approver writes in the subject's scope."""
    from django.utils.translation import gettext as _

    unit = reward.cadre.unit if reward.cadre_id else reward.unit
    if not can_write_unit(user, unit):
        return _("您无权审批该及时奖励。")
    if reward.nominated_by_id == user.pk:
        return _("提名人不能审批自己提名的及时奖励，须由他人审批。")
    return None


def can_decide_timely(user, reward) -> bool:
    return timely_decision_refusal(user, reward) is None
