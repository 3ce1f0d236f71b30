"""Registrations of assessments with core's timeline registry (and cadres.demo for demo)."""

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
