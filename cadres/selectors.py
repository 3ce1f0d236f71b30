"""Every non-trivial read of units, cadres and appointments, scoped to the user."""

from django.db.models import QuerySet, Subquery
from django.http import Http404

from core.scoping import scope_paths, unit_scope

from . import counts, search
from .permissions import cadre_visible_q
from .filters import AppointmentFilter, CadreFilter, UnitFilter
from .models import Appointment, Cadre, Unit


def _filtered(filterset_class, data, queryset):
    filterset = filterset_class(data or {}, queryset)
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors)
    return filterset.qs


def unit_list(*, user, filters: dict | None = None) -> QuerySet[Unit]:
    """Units the user may see, filtered; raises ValidationError on a bad filter."""
    return _filtered(UnitFilter, filters, unit_scope(user).select_related("parent"))


def unit_get(*, user, pk) -> Unit:
    """One unit in the user's scope; Http404 otherwise."""
    try:
        return unit_scope(user).select_related("parent").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Derived columns for the name search (cadres.search): a list has no use for them.
_SEARCH_COLUMNS = ("name_search", "name_grams")


def cadre_list(*, user, filters: dict | None = None) -> QuerySet[Cadre]:
    """Cadres the user may see, filtered; raises ValidationError on a bad filter."""
    qs = Cadre.objects.filter(cadre_visible_q(user)).select_related("unit").defer(*_SEARCH_COLUMNS)
    return _filtered(CadreFilter, filters, qs).order_by("unit__path", "name", "id")


# The page of a list, in rows: a one-character search walks the list in its order when that
# finds a page sooner than the name index would (cadres.search.name_q, common=True).
PAGE_ROWS = 50


def _walk_is_cheaper(matches: int, in_scope: int) -> bool:
    """Walking the list reads about PAGE_ROWS * in_scope / matches rows before it has a page;
    the index reads all the matches and sorts them. 王 (1.1% of names) walks; a rare character
    such as 鑫 takes the index."""
    return matches * matches > PAGE_ROWS * in_scope


def cadre_list_counted(*, user, filters: dict | None = None) -> tuple[QuerySet[Cadre], int]:
    """cadre_list and how many cadres it holds, exactly, from one FilterSet. A scope or a unit
    (subtree), with or without a one-character name search, is summed from per-unit counts
    that do not grow with the table (cadres.counts); any other filter counts rows. Raises
    ValidationError on a bad filter."""
    base = Cadre.objects.filter(cadre_visible_q(user)).select_related("unit").defer(*_SEARCH_COLUMNS)
    if not filters or CadreFilter.base_filters.keys().isdisjoint(filters):
        # No filter named (the list as first opened, or only ?page=): nothing to validate, and a
        # FilterSet deep-copies its filters and builds a form class, a third of such a request's
        # Python time (docs/PERFORMANCE.md, "The request path").
        cadres = base.order_by("unit__path", "name", "id")
        counted = _summed_count(user, {})
        return cadres, cadres.count() if counted is None else counted[0]
    filterset = CadreFilter(filters or {}, base)
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors)
    counted = _summed_count(user, filterset.form.cleaned_data)
    if counted is None:
        cadres = filterset.qs.order_by("unit__path", "name", "id")
        return cadres, cadres.count()
    count, in_scope = counted
    filterset.common_char = in_scope is not None and _walk_is_cheaper(count, in_scope)
    return filterset.qs.order_by("unit__path", "name", "id"), count


def _summed_count(user, cleaned: dict) -> tuple[int, int | None] | None:
    """From cadres.counts when the filters allow it: the count, and for a one-character search
    also the cadres in scope (None otherwise). None when rows must be counted."""
    active = {k for k, v in cleaned.items() if v not in (None, "") and str(v).strip()}
    # A one-character name search is counted per unit too (the common kind: 王, 李).
    char = search.single_char(cleaned["q"]) if "q" in active else None
    countable = CadreFilter.UNIT_ONLY | ({"q"} if char else set())
    if not counts.available() or not active <= countable:
        return None
    paths = scope_paths(user)
    if paths == []:  # nothing in scope: at most the user's own record, counted as rows
        return None
    scope = None if paths is None else unit_scope(user)  # None: every unit
    wanted = None  # the units the filters name, whatever the scope; None: no unit filter
    if "unit" in active:
        wanted = Unit.objects.filter(pk=cleaned["unit"])
    if "unit_tree" in active:
        root = Unit.objects.filter(pk=cleaned["unit_tree"]).values("path")[:1]
        wanted = (wanted if wanted is not None else Unit.objects.all()).filter(path__startswith=Subquery(root))
    if scope is None:
        units = wanted
    else:
        units = scope if wanted is None else scope.filter(pk__in=wanted.values("pk"))
    # A scoped user's own record (Cadre.account) is seen even outside their scope: added to the sums.
    own = (user.pk, scope, wanted) if scope is not None else None
    if char is None:
        return counts.cadres_in_units(units, own=own), None
    return counts.cadres_with_char(char, units, own=own)


def cadre_get(*, user, pk) -> Cadre:
    """One cadre the user may see; Http404 otherwise."""
    try:
        return Cadre.objects.filter(cadre_visible_q(user)).select_related("unit").get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def appointment_list(*, user, filters: dict | None = None) -> QuerySet[Appointment]:
    """Appointments of the cadres the user may see."""
    qs = Appointment.objects.select_related("cadre", "unit")
    if scope_paths(user) is not None:  # an administrator sees all; skip the subquery
        qs = qs.filter(cadre__in=Cadre.objects.filter(cadre_visible_q(user)).values("pk"))
    return _filtered(AppointmentFilter, filters, qs).order_by("-start_date", "-id")


def appointment_get(*, user, pk) -> Appointment:
    try:
        return appointment_list(user=user).get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def dashboard_figures(user) -> dict:
    """The home page's cadre figures within the user's scope (core.dashboard)."""
    cadres = cadre_list(user=user)
    return {
        "cadres": cadres.count(),
        "active": cadres.filter(status=Cadre.Status.ACTIVE).count(),
        "reserve": cadres.filter(is_reserve=True).count(),
    }
