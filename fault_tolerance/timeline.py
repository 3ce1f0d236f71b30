"""The cadre timeline's fault-tolerance entries: cases, clarifications, sanctions."""

from django.utils.translation import gettext as _

from core.timeline import register
from discipline.models import Clarification, Sanction

from .models import Case


@register
def tolerance_cases(cadre) -> list[dict]:
    cases = Case.objects.filter(subject_cadres=cadre).exclude(state=Case.State.DRAFT).order_by("occurred_on", "id")
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
        }
        for case in cases
    ]


@register
def clarifications(cadre) -> list[dict]:
    return [
        {"date": c.clarified_on, "kind": "clarification", "title": _("澄清正名"),
         "detail": f"{c.get_manner_display()}：{c.finding[:80]}", "object_id": c.pk}
        for c in Clarification.objects.filter(cadre=cadre).order_by("clarified_on", "id")
    ]


@register
def sanctions(cadre) -> list[dict]:
    return [
        {"date": s.decided_on, "kind": "sanction", "title": _("处分：%(kind)s") % {"kind": s.get_kind_display()},
         "detail": " ".join(x for x in [
             s.document_number,
             _("影响期至 %(date)s") % {"date": s.effect_ends_on.isoformat()} if s.effect_ends_on else ""] if x),
         "object_id": s.pk}
        for s in Sanction.objects.filter(cadre=cadre).order_by("decided_on", "id")
    ]
