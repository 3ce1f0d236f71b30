"""The cadre timeline's fault-tolerance entries: the cases about the cadre."""

from django.utils.translation import gettext as _

from core.timeline import register

from . import permissions
from .models import Case


@register
def tolerance_cases(cadre, user, limit: int) -> list[dict]:
    """The cases about the cadre that user may open (permissions.case_visible_q), drafts aside."""
    cases = (Case.objects.filter(permissions.case_visible_q(user), subject_cadres=cadre)
             .exclude(state=Case.State.DRAFT).order_by("-occurred_on", "-id")[:limit])
    return [
        {
            "date": case.decided_on or case.submitted_on or case.occurred_on,
            "kind": "tolerance_case",
            "title": _("容错申请：%(title)s") % {"title": case.title},
            "detail": "；".join(x for x in [
                str(case.get_state_display()),
                str(case.get_outcome_display()) if case.outcome else "",
                _("受容错保护，该事项不作为负面评价依据") if case.outcome == "exempted" else "",
            ] if x),
            "object_id": case.pk,
            "url": case.get_absolute_url(),
        }
        for case in cases
    ]
