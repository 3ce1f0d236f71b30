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
