"""Who may see and write notices: each rule once, a Q for querysets beside a predicate for one
object. Selectors, pages, the API, history, the admin, exports and the related-links on the
source objects ask here; nothing else decides.

- Drafts are the issuing department's: staff and administrators scoped to the issuing unit
  see and edit them, and publish them.
- A published notice is a public document. Inside the product it is listed for users scoped
  to the issuing unit, for users who may see a cadre it names, and for a cadre it names
  (their own account). Outside, anyone with its code or its file may verify it (/verify/),
  which shows nothing beyond what the notice itself published.
- A draft may only draw on sources the drafter may see (cadres.permissions,
  fault_tolerance.permissions, incentives.permissions).
- A notice's history before its publication (the draft's creation and edits: cadres dropped
  from a 任前公示, earlier posts, notes, sources) is the draft's, so the issuing department's:
  whoever sees the notice only as a published document reads its publication alone."""

from django.db.models import Exists, OuterRef, Q

from cadres.permissions import cadre_visible_q
from core.history import Redaction
from core.models import Role
from core.scoping import scope_q, unit_in_scope, unit_scope

WRITE_ROLES = (Role.STAFF, Role.ADMIN)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_write(user) -> bool:
    return _active(user) and any(user.has_role(role) for role in WRITE_ROLES)


def can_write_unit(user, unit) -> bool:
    """Draft, edit and publish notices issued by unit."""
    return can_write(user) and unit_in_scope(user, unit)


def notice_visible_q(user, prefix: str = "") -> Q:
    """Notices (reached through prefix, e.g. "notice__") the user may see."""
    if not _active(user):
        return Q(pk__in=[])
    from cadres.models import Cadre

    from .models import Notice

    in_scope = scope_q(user, f"{prefix}issuing_unit")
    names_visible = Exists(
        Cadre.objects.filter(cadre_visible_q(user), notices=OuterRef(f"{prefix}pk")))
    published = Q(**{f"{prefix}state": Notice.State.PUBLISHED})
    if not in_scope:
        # Unrestricted (an administrator): scope_q is the empty Q(), which an OR drops
        # (Q() | x is x), so it would have narrowed them to the notices naming cadres.
        return Q() if can_write(user) else published
    if can_write(user):
        return in_scope | (published & names_visible)
    return published & (in_scope | names_visible)


def can_see_notice(user, notice) -> bool:
    """notice_visible_q for one notice."""
    if not _active(user):
        return False
    from .models import Notice

    return Notice.objects.filter(notice_visible_q(user), pk=notice.pk).exists()


def can_edit_notice(user, notice) -> bool:
    """Edit a draft or publish it (the state is the service's check: 409)."""
    return can_write_unit(user, notice.issuing_unit)


def issuing_units(user):
    """The units user may issue notices for (their scope and below)."""
    return unit_scope(user) if can_write(user) else unit_scope(user).none()


def notice_history_redaction(user, notice) -> Redaction:
    """What of a notice's history user may not read (core.history asks it for the page's
    history panel and the API's history/): the draft's entries, unless user may edit the
    notice (its issuing department, administrators)."""
    if can_edit_notice(user, notice):
        return Redaction()
    from .models import Notice

    return Redaction(exclude=~Q(action=Notice.HistoryAction.PUBLISH))
