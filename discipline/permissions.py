"""Who may see what of clarifications, sanctions and the dishonesty list: each rule once, a Q
for querysets beside a predicate for one object. Selectors, pages, the API, history and the
timeline ask here.

- Clarifications and sanctions are seen by whoever may see their cadre (cadres.permissions),
  the cadre themselves included.
- The dishonesty list (失信黑名单) names accusers, not cadres: administrators only."""

from django.db.models import Q

from cadres.permissions import can_see_cadre, cadre_visible_q


def clarification_visible_q(user) -> Q:
    """Clarifications the user may see."""
    return cadre_visible_q(user, "cadre__")


def can_see_clarification(user, clarification) -> bool:
    return can_see_cadre(user, clarification.cadre)


def sanction_visible_q(user) -> Q:
    """Sanctions the user may see."""
    return cadre_visible_q(user, "cadre__")


def can_see_sanction(user, sanction) -> bool:
    return can_see_cadre(user, sanction.cadre)


def can_see_dishonesty_list(user) -> bool:
    """The dishonesty list and a clarification's entry on it: administrators only."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)
