"""班子年度考核: the ranking within a jurisdiction's category (grade, then score, no score after a
score, ties share a rank), the 末位 escalation over consecutive years and its reset, and a
duplicate unit/year or a unit without a category refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import TeamAssessment
from assessments.selectors.team import TeamRow, bottom_units, rank_group
from assessments.services.team import team_assessment_save
from core.models import AuditEntry
from tests.factories import UnitFactory


@pytest.fixture
def towns(tree):
    """Five towns of one category under the district, and one of another category."""
    units = [
        UnitFactory(name=f"镇{i}", parent=tree["district"], kind="town", category="key_development")
        for i in range(5)
    ]
    other = UnitFactory(
        name="异类镇", parent=tree["district"], kind="town", category="ecological_protection"
    )
    return units, other


def grade(actor, unit, year, g, score=None):
    return team_assessment_save(
        actor=actor, rows=[TeamRow(unit, year, g, None if score is None else Decimal(score))]
    ).objects[0]


def ranks(year):
    return {
        a.unit.name: (a.rank, a.escalation)
        for a in TeamAssessment.objects.filter(year=year).select_related("unit")
    }


class _G:
    def __init__(self, grade, score):
        self.grade, self.score = grade, score


def test_rank_by_grade_then_score_ties_share_and_no_score_after_a_score():
    a, b, c, d, e, f = (
        _G("good", Decimal(90)),
        _G("good", Decimal(95)),
        _G("good", None),
        _G("fairly_good", Decimal(99)),
        _G("good", Decimal(90)),
        _G("poor", None),
    )
    got = rank_group([a, b, c, d, e, f])
    assert got[b] == 1
    assert got[a] == got[e] == 2  # tied
    assert got[c] == 4  # no score: after every 好 with a score
    assert got[d] == 5  # 较好 99 after any 好
    assert got[f] == 6


def test_bottom_takes_ties_and_needs_more_units_than_n():
    a, b, c = _G("good", None), _G("average", None), _G("average", None)
    assert bottom_units(rank_group([a, b, c]), n=1) == {b, c}  # both tied last
    assert bottom_units(rank_group([a]), n=1) == set()  # a group of one has no bottom
    x, y = _G("good", None), _G("good", None)
    assert bottom_units(rank_group([x, y]), n=1) == set()  # all tied: nobody below anybody
    assert bottom_units(rank_group([a, b]), n=2) == set()  # N units or fewer: no bottom


def test_ranks_are_stored_within_the_category_and_recomputed_on_regrade(tree, staff_user, towns):
    units, other = towns
    for unit, (g, s) in zip(
        units,
        [("good", 95), ("good", 90), ("good", None), ("fairly_good", 99), ("average", 80)],
        strict=True,
    ):
        grade(staff_user, unit, 2024, g, s)
    grade(staff_user, other, 2024, "poor", 10)
    got = ranks(2024)
    assert [got[f"镇{i}"][0] for i in range(5)] == [1, 2, 3, 4, 5]
    assert got["镇4"] == (5, "talk_reminder")
    assert got["异类镇"] == (1, "")  # alone in its category: no bottom
    # Regrade: 镇4 improves, 镇3 is now last.
    grade(staff_user, units[4], 2024, "good", 91)
    got = ranks(2024)
    assert got["镇4"] == (2, "")
    assert got["镇3"] == (5, "talk_reminder")


def test_three_years_at_the_bottom_escalate_and_leaving_resets(tree, staff_user, towns):
    units, _other = towns
    for year in (2023, 2024, 2025, 2026, 2027):
        for i, unit in enumerate(units[:4]):
            grade(staff_user, unit, year, "good", 90 - i)
        last = "poor" if year != 2026 else "good"
        grade(staff_user, units[4], year, last, 99 if year == 2026 else 50)
    codes = [ranks(y)["镇4"][1] for y in (2023, 2024, 2025, 2026, 2027)]
    assert codes == ["talk_reminder", "admonishment", "post_adjustment", "", "talk_reminder"]
    assert ranks(2026)["镇3"] == (5, "talk_reminder")  # someone else is last that year
    # A regrade of an early year ripples into the later years.
    grade(staff_user, units[4], 2023, "good", 99)
    codes = [ranks(y)["镇4"][1] for y in (2023, 2024, 2025)]
    assert codes == ["", "talk_reminder", "admonishment"]


def test_a_year_without_a_grade_breaks_the_streak(tree, staff_user, towns):
    units, _other = towns
    for year in (2023, 2025):
        for i, unit in enumerate(units):
            grade(staff_user, unit, year, "good", 90 - i)
    assert ranks(2025)["镇4"][1] == "talk_reminder"


def test_a_duplicate_unit_and_year_is_refused_and_saves_nothing(tree, staff_user, towns):
    units, _other = towns
    grade(staff_user, units[0], 2025, "good", 90)
    with pytest.raises(ValidationError) as caught:
        team_assessment_save(
            actor=staff_user, rows=[TeamRow(units[0], 2025, "poor")], create_only=True
        )
    assert "year" in caught.value.message_dict
    with pytest.raises(ValidationError):
        team_assessment_save(
            actor=staff_user,
            rows=[TeamRow(units[1], 2025, "good"), TeamRow(units[1], 2025, "poor")],
        )
    assert TeamAssessment.objects.count() == 1
    assert TeamAssessment.objects.get().grade == "good"


def test_a_unit_without_a_category_cannot_be_team_assessed(tree, staff_user):
    with pytest.raises(ValidationError) as caught:
        grade(staff_user, UnitFactory(parent=tree["district"], category=""), 2025, "good")
    assert "考核类别" in caught.value.message_dict["unit"][0]


def test_a_grade_outside_the_scope_is_refused(tree, staff_user):
    outside = UnitFactory(parent=tree["other"], category="economic")
    with pytest.raises(ValidationError) as caught:
        grade(staff_user, outside, 2025, "good")
    assert "unit" in caught.value.message_dict


def test_an_update_is_audited_and_an_unchanged_one_records_nothing(tree, staff_user, towns):
    units, _other = towns
    a = grade(staff_user, units[0], 2025, "good", 90)
    grade(staff_user, units[0], 2025, "average", 70)
    entry = AuditEntry.objects.get(object_id=a.pk, action="update")
    assert entry.changes["grade"] == ["good", "average"]
    before = AuditEntry.objects.count()
    grade(staff_user, units[0], 2025, "average", 70)
    assert AuditEntry.objects.count() == before


def test_recompute_is_set_based(tree, staff_user, towns, django_assert_max_num_queries):
    units, _other = towns
    many = units + [
        UnitFactory(parent=tree["district"], category="key_development") for _ in range(30)
    ]
    rows = [TeamRow(u, 2025, "good", Decimal(100 - i)) for i, u in enumerate(many)]
    with django_assert_max_num_queries(30):
        team_assessment_save(actor=staff_user, rows=rows)
    assert TeamAssessment.objects.filter(escalation="talk_reminder").count() == 1
