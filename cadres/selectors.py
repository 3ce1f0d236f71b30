"""Every non-trivial read of units, cadres and appointments, scoped to the user."""

from django.db.models import Q, QuerySet
from django.http import Http404

from core.scoping import scope_paths, scope_q, unit_scope

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


def cadre_visibility_q(user) -> Q:
    """Cadres in the user's units, plus the user's own record for a cadre account."""
    if scope_paths(user) is None:
        return Q()  # unrestricted; an empty Q() or'ed with anything would narrow it to that
    q = scope_q(user, "unit")
    if getattr(user, "pk", None):
        q |= Q(account_id=user.pk)
    return q


def cadre_list(*, user, filters: dict | None = None) -> QuerySet[Cadre]:
    """Cadres the user may see, filtered; raises ValidationError on a bad filter."""
    qs = Cadre.objects.filter(cadre_visibility_q(user)).select_related("unit")
    return _filtered(CadreFilter, filters, qs).order_by("unit__path", "name", "id")


def cadre_get(*, user, pk) -> Cadre:
    """One cadre the user may see; Http404 otherwise."""
    try:
        return Cadre.objects.filter(cadre_visibility_q(user)).select_related("unit").get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def appointment_list(*, user, filters: dict | None = None) -> QuerySet[Appointment]:
    """Appointments of the cadres the user may see."""
    qs = Appointment.objects.select_related("cadre", "unit")
    if scope_paths(user) is not None:  # an administrator sees all; skip the subquery
        qs = qs.filter(cadre__in=Cadre.objects.filter(cadre_visibility_q(user)).values("pk"))
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
