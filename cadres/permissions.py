"""Who may see which cadre, and how much of their record: each rule once, a Q for querysets
beside a predicate for one object. Selectors, pages, the API, exports, autocomplete and the
apps above (discipline's lists, the timeline) ask here.

- A user sees the cadres of the units they are scoped to and every unit below them;
  administrators see all (core.scoping).
- Everyone also sees their own record (Cadre.account), wherever it is held.
- Whole resident ID numbers are for administrators only (API.md, "Personal data")."""

from django.db.models import Q

from core.scoping import scope_paths, scope_q, unit_in_scope


def cadre_visible_q(user, prefix: str = "") -> Q:
    """Cadres (reached through prefix, e.g. "cadre__") the user may see."""
    if scope_paths(user) is None:
        return Q()  # unrestricted; an empty Q() or'ed with anything would narrow it to that
    q = scope_q(user, f"{prefix}unit")
    if getattr(user, "pk", None):
        q |= Q(**{f"{prefix}account_id": user.pk})
    return q


def can_see_cadre(user, cadre) -> bool:
    """cadre_visible_q for one cadre."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return cadre.account_id == user.pk or unit_in_scope(user, cadre.unit)


def sees_whole_id_number(user) -> bool:
    """Whether user may read whole resident ID numbers (administrators only); everyone else
    gets the masked form, in every answer."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)
