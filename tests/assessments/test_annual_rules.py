"""The rules of the annual grade: the 优秀 cap (exactly at it accepted, one over refused, the
message naming the cap and the count), the rates (unit, category, default), the pooling of
small units (统筹), each gate with its source, and rule_errors in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AnnualAssessment, ExcellenceRate
from assessments.selectors.annual import AnnualRow, QuarterlyRow, gates, quota, rule_errors
from assessments.services.annual import RowErrors, annual_save, quarterly_save
from core.scoping import scope_paths
from discipline.models import Sanction
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def cadres(unit, n):
    return [CadreFactory(unit=unit) for _ in range(n)]


def sanction(cadre, kind, day, actor):
    return Sanction.objects.create(cadre=cadre, kind=kind, decided_on=day, created_by=actor)


# The cap ------------------------------------------------------------------------------------


def test_exactly_at_the_cap_is_accepted_and_one_over_is_refused_naming_the_cap(tree, staff_user):
    people = cadres(tree["street"], 20)  # 20 × 15% → 3
    q = quota(tree["street"], 2025)
    assert (q.taking_part, q.cap, q.excellent, q.pooled_with) == (20, 3, 0, None)
    annual_save(actor=staff_user, rows=[AnnualRow(c, 2025, "excellent") for c in people[:3]])
    assert quota(tree["street"], 2025).excellent == 3
    with pytest.raises(RowErrors) as caught:
        annual_save(actor=staff_user, rows=[AnnualRow(people[3], 2025, "excellent")])
    message = caught.value.rows[0]["grade"][0]
    assert "解放路街道 2025 年度优秀名额 3 名（参加考核 20 人 × 15%），已有 3 名" in message
    assert "《公务员考核规定》" in message
    # Changing a 优秀 to 称职 frees a place for another in the same batch.
    annual_save(actor=staff_user, rows=[AnnualRow(people[0], 2025, "competent"),
                                        AnnualRow(people[3], 2025, "excellent")])
    assert quota(tree["street"], 2025).excellent == 3


def test_a_batch_is_refused_only_from_the_first_row_beyond_the_cap(tree, staff_user):
    people = cadres(tree["street"], 14)  # 14 × 15% = 2.1 → 2
    with pytest.raises(RowErrors) as caught:
        annual_save(actor=staff_user, rows=[AnnualRow(c, 2025, "excellent") for c in people[:4]])
    assert set(caught.value.rows) == {2, 3}
    assert "已有 2 名" in caught.value.rows[2]["grade"][0]
    assert "已有 3 名" in caught.value.rows[3]["grade"][0]
    assert not AnnualAssessment.objects.exists()


def test_re_saving_a_stored_excellent_keeps_its_place(tree, staff_user):
    people = cadres(tree["street"], 7)  # 7 × 15% → 1
    annual_save(actor=staff_user, rows=[AnnualRow(people[0], 2025, "excellent")])
    result = annual_save(actor=staff_user, rows=[AnnualRow(people[0], 2025, "excellent", "好")])
    assert result.updated == 1


def test_taking_part_is_the_graded_number_where_larger_than_the_active_cadres(tree, staff_user):
    people = cadres(tree["street"], 20)
    annual_save(actor=staff_user, rows=[AnnualRow(c, 2025, "competent") for c in people])
    for c in people[:5]:
        c.status = "retired"
        c.save(update_fields=["status"])
    q = quota(tree["street"], 2025)
    assert (q.taking_part, q.graded, q.cap) == (20, 20, 3)


def test_the_rate_is_the_units_else_its_categorys_else_the_default(tree):
    cadres(tree["street"], 20)
    assert quota(tree["street"], 2025).rate == Decimal("0.15")
    tree["street"].category = "optimized_development"
    tree["street"].save()
    ExcellenceRate.objects.create(category="optimized_development", rate=Decimal("0.20"), basis="宁波")
    assert (quota(tree["street"], 2025).rate, quota(tree["street"], 2025).cap) == (Decimal("0.200"), 4)
    ExcellenceRate.objects.create(unit=tree["street"], rate=Decimal("0.10"))
    assert quota(tree["street"], 2025).cap == 2


# Pooling (统筹) ------------------------------------------------------------------------------


@pytest.fixture
def small(tree):
    """Under 历下区: three small streets (3, 3, 4 people), one large street (10), one small
    department (3, another kind)."""
    d = tree["district"]
    units = {name: UnitFactory(name=name, parent=d, kind=kind)
             for name, kind in [("甲街道", "subdistrict"), ("乙街道", "subdistrict"), ("丙街道", "subdistrict"),
                                ("大街道", "subdistrict"), ("小局", "government_department")]}
    people = {name: cadres(u, n) for (name, u), n in zip(units.items(), [3, 3, 4, 10, 3], strict=True)}
    # the fixture's own 解放路街道 is empty: taking part 0, so it joins the pool too
    return units, people


def test_small_units_are_pooled_with_their_small_siblings_of_the_same_kind(tree, small, staff_user):
    units, people = small
    q = quota(units["甲街道"], 2025)
    assert q.pooled_with == tree["district"]
    assert {u.name for u in q.members} == {"甲街道", "乙街道", "丙街道", "解放路街道"}
    assert (q.taking_part, q.cap) == (10, 1)  # 10 × 15% → 1; a unit of 3 alone would have 0
    assert quota(units["大街道"], 2025).pooled_with is None  # large enough for its own cap
    dept = quota(units["小局"], 2025)
    assert dept.pooled_with is None and dept.cap == 0  # no sibling of its kind to pool with
    annual_save(actor=staff_user, rows=[AnnualRow(people["乙街道"][0], 2025, "excellent")])
    assert quota(units["甲街道"], 2025).excellent == 1
    with pytest.raises(RowErrors) as caught:
        annual_save(actor=staff_user, rows=[AnnualRow(people["甲街道"][0], 2025, "excellent")])
    assert "历下区下属4个单位统筹 2025 年度优秀名额 1 名" in caught.value.rows[0]["grade"][0]
    # the large sibling keeps its own place
    annual_save(actor=staff_user, rows=[AnnualRow(people["大街道"][0], 2025, "excellent")])


# Gates ---------------------------------------------------------------------------------------


def test_quarterly_grades_without_a_good_forbid_excellent(tree, staff_user):
    a, b, c = cadres(tree["street"], 3)
    cadres(tree["street"], 17)
    quarterly_save(actor=staff_user, rows=[QuarterlyRow(a, 2025, 1, "fairly_good"), QuarterlyRow(a, 2025, 2, "average"),
                                           QuarterlyRow(b, 2025, 1, "good")])
    found = gates([a, b, c], 2025)
    assert [g.code for g in found[a.pk]] == ["quarterly_good"]
    assert b.pk not in found and c.pk not in found  # one 好; none recorded: the gate does not apply
    with pytest.raises(RowErrors) as caught:
        annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "excellent")])
    assert "《公务员考核规定》（2020年）" in caught.value.rows[0]["grade"][0]
    annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "competent"), AnnualRow(b, 2025, "excellent"),
                                        AnnualRow(c, 2025, "excellent")])


def test_a_setting_can_demand_quarterly_grades(tree, settings):
    settings.DANDANG = {**settings.DANDANG, "EXCELLENT_NEEDS_QUARTERLY": True}
    a = CadreFactory(unit=tree["street"])
    assert [g.code for g in gates([a], 2025)[a.pk]] == ["quarterly_missing"]


def test_a_warning_or_an_admonishment_in_the_year_forbids_excellent(tree, staff_user):
    warned, admonished, earlier = cadres(tree["street"], 3)
    sanction(warned, "warning", dt.date(2025, 3, 1), staff_user)
    sanction(admonished, "admonishment", dt.date(2025, 11, 30), staff_user)
    sanction(earlier, "warning", dt.date(2024, 12, 1), staff_user)  # effect runs into 2025, decided in 2024
    found = gates([warned, admonished, earlier], 2025)
    assert [g.code for g in found[warned.pk]] == ["sanction_warning"]
    assert [g.code for g in found[admonished.pk]] == ["admonishment"]
    assert earlier.pk not in found
    assert all("competent" in g.allowed and "excellent" not in g.allowed for g in found[warned.pk])
    errors = rule_errors([AnnualRow(warned, 2025, "excellent"), AnnualRow(admonished, 2025, "excellent"),
                          AnnualRow(warned, 2025, "competent")])
    assert set(errors) == {0, 1}
    assert "诫勉" in errors[1]["grade"][0]


def test_during_a_demerit_only_not_graded_with_a_comment(tree, staff_user):
    a = CadreFactory(unit=tree["street"])
    sanction(a, "demerit", dt.date(2024, 6, 1), staff_user)  # effect until 2025-05-31
    assert [g.code for g in gates([a], 2025)[a.pk]] == ["sanction_period"]
    assert a.pk not in gates([a], 2026)
    errors = rule_errors([AnnualRow(a, 2025, "competent")])
    assert "只写评语，不确定等次" in errors[0]["grade"][0] and "第六十四条" in errors[0]["grade"][0]
    errors = rule_errors([AnnualRow(a, 2025, "not_graded")])
    assert list(errors[0]) == ["comment"]
    annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "not_graded", "受记过处分期间，只写评语。")])


# Queries and locks -----------------------------------------------------------------------


def _batch(unit, n, actor):
    people = cadres(unit, n)
    for c in people[:3]:
        sanction(c, "warning", dt.date(2025, 2, 1), actor)
    return [AnnualRow(c, 2025, "competent") for c in people]


def test_rule_errors_uses_the_same_queries_for_ten_rows_and_two_hundred(tree, staff_user, django_assert_num_queries):
    small, large = _batch(UnitFactory(parent=tree["district"]), 10, staff_user), \
        _batch(UnitFactory(parent=tree["district"]), 200, staff_user)
    with CaptureQueriesContext(connection) as ten:
        rule_errors(small)
    with django_assert_num_queries(len(ten.captured_queries)):
        rule_errors(large)
    assert len(ten.captured_queries) <= 8


def test_annual_save_uses_the_same_queries_for_ten_rows_and_two_hundred(tree, staff_user):
    small, large = _batch(UnitFactory(parent=tree["district"]), 10, staff_user), \
        _batch(UnitFactory(parent=tree["district"]), 200, staff_user)
    staff = UserFactory(roles=["staff"], units=[tree["district"]])
    scope_paths(staff)  # the actor's scope is read once per request and kept on the user
    with CaptureQueriesContext(connection) as ten:
        annual_save(actor=staff, rows=small)
    with CaptureQueriesContext(connection) as many:
        annual_save(actor=staff, rows=large)
    assert len(ten.captured_queries) == len(many.captured_queries)


def test_the_units_of_the_pool_are_locked_while_counting(tree, small, staff_user):
    units, people = small
    with CaptureQueriesContext(connection) as seen:
        annual_save(actor=staff_user, rows=[AnnualRow(people["甲街道"][0], 2025, "excellent")])
    locks = [q["sql"] for q in seen.captured_queries if "FOR UPDATE" in q["sql"] and "cadres_unit" in q["sql"]]
    assert len(locks) == 1 and 'ORDER BY "cadres_unit"."id"' in locks[0]


def test_the_admin_writes_through_the_service_and_its_rules(tree, client, admin_user):
    people = cadres(tree["street"], 7)  # cap 1
    annual_save(actor=admin_user, rows=[AnnualRow(people[0], 2025, "excellent")])
    client.force_login(admin_user)
    answer = client.post("/admin/assessments/annualassessment/add/",
                         {"cadre": people[1].pk, "year": 2025, "grade": "excellent", "comment": ""})
    assert answer.status_code == 200 and "优秀名额 1 名" in answer.content.decode()
    assert AnnualAssessment.objects.count() == 1
    answer = client.post("/admin/assessments/annualassessment/add/",
                         {"cadre": people[1].pk, "year": 2025, "grade": "competent", "comment": ""})
    assert answer.status_code == 302
    assert client.get("/admin/assessments/annualassessment/").status_code == 200
