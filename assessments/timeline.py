"""Registrations of assessments with core's timeline registry (and cadres.demo for demo)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core.timeline import register

from .selectors.annual import annual_list, quarterly_list

# team ----
# A cadre's confirmed 末位 measures (谈话提醒 / 诫勉谈话 / 岗位调整) as a principal leader of a unit
# whose team was last in its category; pending or dismissed proposals are not events in the
# cadre's career. Scoped as the proposals list (selectors.team.team_proposal_list).


@register
def team_measures(cadre, user, limit: int) -> list[dict]:
    from django.urls import reverse

    from .models import TeamMeasureProposal
    from .selectors.team import team_proposal_list

    rows = (team_proposal_list(user=user)
            .filter(cadre=cadre, status=TeamMeasureProposal.Status.CONFIRMED)
            .order_by("-decided_at", "-id")[:limit])
    url = reverse("assessments:team-proposals") + "?status=confirmed"
    return [
        {"date": timezone.localdate(p.decided_at), "kind": "team_measure",
         "title": gettext("班子考核末位：%(measure)s") % {"measure": p.get_measure_display()},
         "detail": gettext("%(unit)s %(year)s 年度班子考核第 %(rank)s 名（末位）") % {
             "unit": p.assessment.unit.name, "year": p.assessment.year, "rank": p.assessment.rank},
         "object_id": p.pk, "url": url}
        for p in rows
    ]

# annual ----


@register
def annual_grades(cadre, user, limit: int) -> list[dict]:
    """The cadre's annual grades (dated the last day of their year), as the user's lists show them."""
    rows = annual_list(user=user).filter(cadre=cadre).order_by("-year")[:limit]
    return [
        {"date": datetime.date(a.year, 12, 31), "kind": "annual_assessment",
         "title": _("%(year)s 年度考核：%(grade)s") % {"year": a.year, "grade": a.get_grade_display()},
         "detail": " ".join(x for x in [a.unit.name, a.comment[:80]] if x), "object_id": a.pk}
        for a in rows
    ]


@register
def quarterly_grades(cadre, user, limit: int) -> list[dict]:
    """The cadre's quarterly grades (dated the last day of their quarter)."""
    rows = quarterly_list(user=user).filter(cadre=cadre).order_by("-year", "-quarter")[:limit]
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
    return [
        {"date": datetime.date(q.year, *ends[q.quarter]), "kind": "quarterly_assessment",
         "title": _("%(year)s 年第 %(q)s 季度平时考核：%(grade)s")
         % {"year": q.year, "q": q.quarter, "grade": q.get_grade_display()},
         "detail": q.unit.name, "object_id": q.pk}
        for q in rows
    ]

# evaluation ----


@register
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


@register
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


