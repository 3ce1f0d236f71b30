"""The team demo (assessments/demo.py): Heshan's units graded 2023–2025 through the services,
址山镇 last among the 重点开发区 towns three years running (谈话提醒 → 诫勉谈话 → 岗位调整), its
leaders' earlier measures confirmed and 2025's pending; a second seed changes nothing."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from assessments.models import TeamAssessment, TeamMeasureProposal


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield _seed()
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()


def test_heshan_team_grades_and_the_three_year_bottom(seeded, db):
    grades = TeamAssessment.objects.filter(unit__parent__code="JM-HS")
    assert set(grades.values_list("year", flat=True)) == {2023, 2024, 2025}
    last = {a.year: (a.rank, a.escalation) for a in grades.filter(unit__code="JM-HS-J08")}
    size = grades.filter(year=2025, category="key_development").count()
    assert last == {2023: (size, "talk_reminder"), 2024: (size, "admonishment"),
                    2025: (size, "post_adjustment")}
    proposals = TeamMeasureProposal.objects.filter(assessment__unit__code="JM-HS-J08")
    assert {(p.assessment.year, p.status) for p in proposals} == {
        (2023, "confirmed"), (2024, "confirmed"), (2025, "pending")}
    assert proposals.filter(assessment__year=2025).count() >= 1
    assert not TeamAssessment.objects.exclude(unit__parent__code="JM-HS").exists()


def test_a_second_seed_changes_nothing(seeded, db):
    before = (TeamAssessment.objects.count(), TeamMeasureProposal.objects.count())
    _seed()
    assert (TeamAssessment.objects.count(), TeamMeasureProposal.objects.count()) == before
