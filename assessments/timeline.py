"""Registrations of assessments with core's timeline registry (and cadres.demo for demo)."""


# team ----
# A cadre's confirmed 末位 measures (谈话提醒 / 诫勉谈话 / 岗位调整) as a principal leader of a unit
# whose team was last in its category; pending or dismissed proposals are not events in the
# cadre's career. Scoped as the proposals list (selectors.team.team_proposal_list).
from django.utils import timezone as _timezone  # noqa: E402
from django.utils.translation import gettext as _gettext  # noqa: E402

from core.timeline import register as _register_timeline  # noqa: E402


@_register_timeline
def team_measures(cadre, user, limit: int) -> list[dict]:
    from django.urls import reverse

    from .models import TeamMeasureProposal
    from .selectors.team import team_proposal_list

    rows = (team_proposal_list(user=user)
            .filter(cadre=cadre, status=TeamMeasureProposal.Status.CONFIRMED)
            .order_by("-decided_at", "-id")[:limit])
    url = reverse("assessments:team-proposals") + "?status=confirmed"
    return [
        {"date": _timezone.localdate(p.decided_at), "kind": "team_measure",
         "title": _gettext("班子考核末位：%(measure)s") % {"measure": p.get_measure_display()},
         "detail": _gettext("%(unit)s %(year)s 年度班子考核第 %(rank)s 名（末位）") % {
             "unit": p.assessment.unit.name, "year": p.assessment.year, "rank": p.assessment.rank},
         "object_id": p.pk, "url": url}
        for p in rows
    ]

# annual ----

import datetime as _dt  # noqa: E402

from django.utils.translation import gettext as _  # noqa: E402

from core.timeline import register as _register  # noqa: E402

from .selectors.annual import annual_list, quarterly_list  # noqa: E402


@_register
def annual_grades(cadre, user, limit: int) -> list[dict]:
    """The cadre's annual grades (dated the last day of their year), as the user's lists show them."""
    rows = annual_list(user=user).filter(cadre=cadre).order_by("-year")[:limit]
    return [
        {"date": _dt.date(a.year, 12, 31), "kind": "annual_assessment",
         "title": _("%(year)s 年度考核：%(grade)s") % {"year": a.year, "grade": a.get_grade_display()},
         "detail": " ".join(x for x in [a.unit.name, a.comment[:80]] if x), "object_id": a.pk}
        for a in rows
    ]


@_register
def quarterly_grades(cadre, user, limit: int) -> list[dict]:
    """The cadre's quarterly grades (dated the last day of their quarter)."""
    rows = quarterly_list(user=user).filter(cadre=cadre).order_by("-year", "-quarter")[:limit]
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
    return [
        {"date": _dt.date(q.year, *ends[q.quarter]), "kind": "quarterly_assessment",
         "title": _("%(year)s 年第 %(q)s 季度平时考核：%(grade)s")
         % {"year": q.year, "q": q.quarter, "grade": q.get_grade_display()},
         "detail": q.unit.name, "object_id": q.pk}
        for q in rows
    ]
