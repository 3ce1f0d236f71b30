"""Registrations of assessments with core's timeline registry (and cadres.demo for demo)."""


# evaluation ----

from django.utils.translation import gettext as _  # noqa: E402

from core.timeline import register as _timeline_register  # noqa: E402


@_timeline_register
def post_election_evaluations(cadre, user, limit: int) -> list[dict]:
    """A cadre's post-election evaluations (总分, 出彩型) and reserve-list entries."""
    from .selectors import evaluation as selectors

    rows = selectors.evaluation_list(user=user).filter(cadre=cadre).order_by("-round__held_on", "-id")[:limit]
    entries = [
        {"date": e.round.held_on, "kind": "post_election_evaluation",
         "title": _("换届后评估：%(round)s") % {"round": e.round.name},
         "detail": _("总分 %(total)s") % {"total": e.total}
         + (_("，入选出彩型") if e.shortlisted_at else ""),
         "object_id": e.pk, "url": e.get_absolute_url()}
        for e in rows
    ]
    listed = selectors.reserve_list(user=user).filter(cadre=cadre)[:limit]
    entries += [
        {"date": r.listed_on, "kind": "reserve_list",
         "title": _("列入干部推荐参考名单"),
         "detail": f"{r.get_source_display()}：{r.note}" if r.note else r.get_source_display(),
         "object_id": r.pk, "url": None}
        for r in listed
    ]
    return entries


# frontline ----


@_timeline_register
def frontline_records(cadre, user, limit: int) -> list[dict]:
    """A summary per project of a cadre's 四个一 records (not one entry a day): the latest date,
    with the count of each cadence."""
    from django.db.models import Count, Max, Q

    from .models import Cadence
    from .selectors import frontline as selectors

    rows = (
        selectors.frontline_record_list(user=user).filter(cadre=cadre).order_by()
        .values("project_id", "project__name")
        .annotate(last=Max("date"), **{c: Count("id", filter=Q(cadence=c)) for c in Cadence.values})
        .order_by("-last")[:limit]
    )
    rows = list(rows)
    openable = set(
        selectors.frontline_project_list(user=user)
        .filter(pk__in=[r["project_id"] for r in rows]).values_list("pk", flat=True)
    )
    return [
        {"date": r["last"], "kind": "frontline",
         "title": _("一线考察：%(project)s") % {"project": r["project__name"]},
         "detail": "，".join(f"{Cadence(c).label} {r[c]} 次" for c in Cadence.values if r[c]),
         "object_id": r["project_id"],
         "url": reverse("assessments:frontline-project-detail", args=[r["project_id"]])
         if r["project_id"] in openable else None}
        for r in rows
    ]


from django.urls import reverse  # noqa: E402
