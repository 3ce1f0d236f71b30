"""Every non-trivial read of clarifications, the dishonesty list and sanctions, scoped to the
user: what concerns a cadre the user may not see is not there (404)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.filters import filtered

from . import permissions
from .filters import ClarificationFilter, SanctionFilter
from .models import Clarification, DishonestyEntry, Reuse, Sanction


def clarification_list(*, user, filters: dict | None = None) -> QuerySet[Clarification]:
    """Clarifications about the cadres the user may see."""
    qs = Clarification.objects.filter(permissions.clarification_visible_q(user)).select_related(
        "cadre", "cadre__unit", "dishonesty_entry"
    )
    return filtered(ClarificationFilter, filters, qs).order_by("-clarified_on", "-id")


def clarification_get(*, user, pk) -> Clarification:
    try:
        return clarification_list(user=user).get(pk=pk)
    except (Clarification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def dishonesty_list(*, user) -> QuerySet[DishonestyEntry]:
    """The dishonesty list (失信黑名单): administrators only; raises PermissionDenied."""
    if not permissions.can_see_dishonesty_list(user):
        raise PermissionDenied(_("失信黑名单仅管理员可见。"))
    return DishonestyEntry.objects.select_related("clarification__cadre").order_by(
        "-listed_on", "-id"
    )


def sanctions_of(cadre: Cadre) -> QuerySet[Sanction]:
    return Sanction.objects.filter(cadre=cadre).order_by("-decided_on", "-id")


def sanction_list(*, user, filters: dict | None = None) -> QuerySet[Sanction]:
    """Sanctions of the cadres the user may see, newest first, each with `reused` (a re-use
    appointment follows it); raises ValidationError on a bad filter."""
    qs = (
        Sanction.objects.filter(permissions.sanction_visible_q(user))
        .select_related("cadre", "cadre__unit")
        .annotate(reused=Exists(Reuse.objects.filter(sanction_id=OuterRef("pk"))))
    )
    return filtered(SanctionFilter, filters, qs).order_by("-decided_on", "-id")


def cadre_sanctions(*, cadre: Cadre) -> QuerySet[Sanction]:
    """A cadre's sanctions, newest first, with their re-use appointments (one query each way)."""
    reuses = Reuse.objects.select_related("appointment__unit").order_by(
        "appointment__start_date", "id"
    )
    return sanctions_of(cadre).prefetch_related(Prefetch("reuses", queryset=reuses))
