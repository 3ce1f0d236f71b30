"""Reads of notices, each asking permissions.notice_visible_q: the pages, the API, the admin's
lists and the related links all see the same notices."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.filters import filtered
from core.scoping import unit_scope

from .filters import NoticeFilter
from .models import Notice
from .permissions import notice_visible_q


def notice_list(*, user, filters: dict | None = None) -> QuerySet[Notice]:
    """Notices the user may see, newest first; a bad filter raises ValidationError (400)."""
    qs = (Notice.objects.filter(notice_visible_q(user))
          .select_related("issuing_unit", "published_by", "created_by", "corrects")
          .order_by("-created_at", "-id"))
    return filtered(NoticeFilter, filters, qs) if filters else qs


def notice_get(*, user, pk) -> Notice:
    """One notice the user may see, with its cadres and records; Http404 otherwise."""
    try:
        return (notice_list(user=user)
                .select_related("case", "clarification__cadre")
                .prefetch_related("entries__cadre__unit", "records__measure",
                                  "records__cadre", "records__unit")
                .get(pk=pk))
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def corrections_of(*, user, notice: Notice) -> list[Notice]:
    """The notices that correct this one, among those the user may see."""
    return list(notice_list(user=user).filter(corrects=notice))


def default_issuing_unit(user):
    """The top of the user's scope (the organization department they work for), or None."""
    units = list(unit_scope(user).only("pk", "path"))
    return min(units, key=lambda u: (u.path.count("/"), u.path), default=None)
