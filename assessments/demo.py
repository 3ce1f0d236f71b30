"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""

# annual ----
# 鹤山's sixteen departments (cadres.demo, codes JM-HS-D01…D16) with three years of quarterly
# and annual grades, 2023–2025, entered through quarterly_save and annual_save (so the cap and
# the gates hold, and every grade is audited). Every active cadre gets a grade each quarter and
# year; 优秀 go to those with the most 好 quarters. The departments are small (one to three
# people), so all sixteen are pooled (统筹) under 鹤山市: 23 taking part × 15% → 3 places. In
# 2023 and 2024 the pool is one place short of its cap; in 2025 it is exactly at it (3 of 3),
# so a fourth 优秀 in any 鹤山 department is refused.

import random as _random  # noqa: E402

from django.utils.translation import gettext as _  # noqa: E402

from cadres.demo import DemoContext, register  # noqa: E402
from cadres.models import Cadre  # noqa: E402

from .models import AnnualAssessment  # noqa: E402
from .selectors.annual import AnnualRow, QuarterlyRow, gates, quota  # noqa: E402
from .services.annual import annual_save, quarterly_save  # noqa: E402

HESHAN_DEPARTMENTS = "JM-HS-D"
DEMO_YEARS = (2023, 2024, 2025)
_QUARTERLY_WEIGHTS = (("good", 35), ("fairly_good", 40), ("average", 20), ("poor", 5))


def _annual_loaded() -> bool:
    return AnnualAssessment.objects.filter(unit__code__startswith=HESHAN_DEPARTMENTS, year=2025).exists()


@register(name="assessments_annual", order=50, is_loaded=_annual_loaded)
def load_annual(ctx: DemoContext) -> str:
    rng = _random.Random(2026_0501)
    people = list(Cadre.objects.filter(unit__code__startswith=HESHAN_DEPARTMENTS, status=Cadre.Status.ACTIVE)
                  .select_related("unit").order_by("unit__code", "id"))
    by_unit: dict = {}
    for cadre in people:
        by_unit.setdefault(cadre.unit, []).append(cadre)
    largest = max(by_unit, key=lambda u: (len(by_unit[u]), u.code)) if by_unit else None
    grades, labels = zip(*_QUARTERLY_WEIGHTS, strict=True)
    quarterly = annual = 0
    for year in DEMO_YEARS:
        rows = [QuarterlyRow(c, year, q, rng.choices(grades, weights=labels)[0]) for c in people for q in (1, 2, 3, 4)]
        quarterly += quarterly_save(actor=ctx.actor, rows=rows).created
        goods = {c.pk: sum(r.grade == "good" for r in rows if r.cadre is c) for c in people}
        gated = gates(people, year)
        base = []
        for c in people:
            found = gated.get(c.pk, [])
            if any(g.allowed == frozenset({"not_graded"}) for g in found):
                base.append(AnnualRow(c, year, "not_graded", "处分期间，只写评语，不确定等次。"))
            elif rng.random() < 0.04:
                base.append(AnnualRow(c, year, "basically_competent"))
            else:
                base.append(AnnualRow(c, year, "competent"))
        annual += annual_save(actor=ctx.actor, rows=base).created
        for unit, members in by_unit.items():
            q = quota(unit, year)
            want = q.cap - q.excellent if (unit == largest and year == DEMO_YEARS[-1]) else max(q.cap - 1 - q.excellent, 0)
            candidates = sorted((c for c in members if goods[c.pk] and c.pk not in gated), key=lambda c: (-goods[c.pk], c.pk))
            chosen = candidates[:want]
            if chosen:
                annual_save(actor=ctx.actor, rows=[AnnualRow(c, year, "excellent") for c in chosen])
    at_cap = quota(largest, DEMO_YEARS[-1]) if largest else None
    return _("鹤山市 %(units)s 个部门：%(q)s 条平时考核、%(a)s 条年度考核；%(unit)s 2025 年优秀 %(e)s 名，恰为名额") % {
        "units": len(by_unit), "q": quarterly, "a": annual, "unit": largest.name if largest else "—",
        "e": at_cap.excellent if at_cap else 0}
