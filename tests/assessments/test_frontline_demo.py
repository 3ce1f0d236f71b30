"""The demo of 换届后评估 and 一线考察: Jinan's round with 张鲁宁 and 包昆 confirmed onto the 出彩型
shortlist and the reserve list; Zhangdian's project with one missed 月通报, overdue as of
2025-12-01 (and still overdue any later day, as its records stop in November)."""

import datetime as dt
import io

from django.core.management import call_command

from assessments.models import FrontlineProject, PostElectionEvaluation, ReserveListEntry
from assessments.selectors.frontline import overdue_by_project
from cadres.models import Cadre, Unit
from core.models import User


def test_demo_round_project_and_a_second_run(db):
    call_command("seed_demo", stdout=io.StringIO())
    shortlisted = PostElectionEvaluation.objects.filter(shortlisted_at__isnull=False)
    assert sorted(shortlisted.values_list("cadre__name", flat=True)) == ["包昆", "张鲁宁"]
    for name in ("张鲁宁", "包昆"):
        cadre = Cadre.objects.get(name=name)
        assert Cadre.Tag.STANDOUT in cadre.tags
        assert cadre.unit.path.startswith(Unit.objects.get(code="JN").path)
        assert ReserveListEntry.objects.filter(cadre=cadre, source="evaluation").count() == 1
    project = FrontlineProject.objects.get(unit__code="ZB-ZD")
    admin = User.objects.get(username="admin")
    at_fixed = overdue_by_project([project], user=admin, today=dt.date(2025, 12, 1))[project.pk]
    assert [o.cadence for o in at_fixed] == ["monthly"]
    assert overdue_by_project([project], user=admin, today=dt.date(2026, 6, 1))[project.pk]
    assert ReserveListEntry.objects.filter(source="frontline", project=project).count() == 1
    counts = (PostElectionEvaluation.objects.count(), ReserveListEntry.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (PostElectionEvaluation.objects.count(), ReserveListEntry.objects.count()) == counts
