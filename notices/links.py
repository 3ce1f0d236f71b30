"""Registrations of notices: links from the source objects (a cadre, a tolerance case, a
clarification, an incentive record) to the notices made of them (core.related), each list
asked of permissions.notice_visible_q. One query for any number of source objects."""

from django.db.models import F
from django.utils.translation import gettext as _

from core import related

from .models import Notice
from .permissions import notice_visible_q


def _label(notice: Notice) -> str:
    if notice.is_published:
        return f"{notice.get_kind_display()} {notice.document_number}"
    return f"{notice.get_kind_display()}（{_('草稿')}）"


def _by(field: str):
    """A provider for the objects Notice reaches through field (an FK or an M2M)."""

    def provider(objs, user) -> dict:
        rows = (Notice.objects.filter(notice_visible_q(user), **{f"{field}__in": [o.pk for o in objs]})
                .annotate(source=F(field)).only("pk", "kind", "state", "document_number")
                .order_by("-id"))
        found: dict[int, list[dict]] = {}
        for notice in rows:
            found.setdefault(notice.source, []).append(
                {"kind": "notice", "url": notice.get_absolute_url(), "label": _label(notice)})
        return found

    return provider


related.register("cadres.cadre", _by("subjects"))
related.register("fault_tolerance.case", _by("case"))
related.register("discipline.clarification", _by("clarification"))
related.register("incentives.incentiverecord", _by("records"))
