"""Who sees what. A user sees the units they are scoped to and every unit below them;
administrators see everything. Every selector, API view and HTML view asks here."""

from django.db.models import Q, QuerySet

from .models import Unit


def scope_paths(user) -> list[str] | None:
    """The tree paths of the user's units; None means unrestricted (an administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_admin:
        return None
    cached = getattr(user, "_scope_paths", None)
    if cached is None:
        cached = list(user.units.values_list("path", flat=True))
        user._scope_paths = cached
    return cached


def scope_q(user, unit_field: str = "unit") -> Q:
    """A filter that keeps rows whose unit (reached through unit_field) is in the user's scope."""
    paths = scope_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    prefix = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    q = Q()
    for path in paths:
        q |= Q(**{prefix: path})
    return q


def unit_scope(user) -> QuerySet:
    """The units the user may see."""
    return Unit.objects.filter(scope_q(user, unit_field=""))


def unit_in_scope(user, unit) -> bool:
    """scope_q for one unit."""
    return paths_in_scope(user, [unit.path])


def paths_in_scope(user, paths) -> bool:
    """Whether any of the given unit tree paths lies in the user's scope: scope_q for objects
    whose units the caller has already read."""
    scope = scope_paths(user)
    if scope is None:
        return True
    return any(path.startswith(s) for path in paths for s in scope)
