"""annual-assessments/, quarterly-assessments/ and excellence-quota/ as API.md says: one object
or a list, a list all or nothing with DRF's per-item errors, duplicates refused, the cap and the
gates 400 naming themselves, the filters, out-of-scope grades 404 and absent from lists, and a
list POST in the same number of queries for 10 rows as for 200."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AnnualAssessment, QuarterlyAssessment
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from core.models import Role
from discipline.models import Sanction
from tests.factories import CadreFactory, UnitFactory, UserFactory

URL = "/api/v1/annual-assessments/"
FIELDS = {"id", "cadre", "cadre_name", "unit", "unit_name", "year", "grade", "comment", "created_at", "updated_at"}


@pytest.fixture
def staff(tree, as_user, staff_user):
    return as_user(staff_user)


def test_post_one_object_answers_the_object(tree, staff):
    cadre = CadreFactory(unit=tree["street"])
    answer = staff.post(URL, {"cadre": cadre.pk, "year": 2025, "grade": "competent"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert set(body) == FIELDS
    assert (body["cadre"], body["year"], body["grade"], body["unit"]) == (cadre.pk, 2025, "competent", tree["street"].pk)
    again = staff.post(URL, {"cadre": cadre.pk, "year": 2025, "grade": "excellent"}, format="json")
    assert again.status_code == 400
    assert "已有年度考核等次" in again.json()["year"][0]


def test_a_list_is_all_or_nothing_with_per_item_errors(tree, staff):
    a, b = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["street"])
    outside = CadreFactory(unit=tree["other"])
    answer = staff.post(URL, [{"cadre": a.pk, "year": 2025, "grade": "competent"},
                              {"cadre": b.pk, "year": 2025, "grade": "bogus"}], format="json")
    assert answer.status_code == 400
    body = answer.json()
    assert body[0] == {} and list(body[1]) == ["grade"]
    answer = staff.post(URL, [{"cadre": a.pk, "year": 2025, "grade": "competent"},
                              {"cadre": outside.pk, "year": 2025, "grade": "competent"},
                              {"cadre": a.pk, "year": 2025, "grade": "excellent"}], format="json")
    assert answer.status_code == 400
    body = answer.json()
    assert body[0] == {} and list(body[1]) == ["cadre"] and "重复" in body[2]["cadre"][0]
    assert not AnnualAssessment.objects.exists()
    answer = staff.post(URL, [{"cadre": a.pk, "year": 2025, "grade": "competent"},
                              {"cadre": b.pk, "year": 2025, "grade": "competent"}], format="json")
    assert answer.status_code == 201
    assert [r["cadre"] for r in answer.json()] == [a.pk, b.pk]


def test_over_the_cap_and_a_gate_are_400_naming_them(tree, staff, staff_user):
    people = [CadreFactory(unit=tree["street"]) for _ in range(7)]  # cap 1
    Sanction.objects.create(cadre=people[1], kind="warning", decided_on=dt.date(2025, 5, 1), created_by=staff_user)
    assert staff.post(URL, {"cadre": people[0].pk, "year": 2025, "grade": "excellent"}, format="json").status_code == 201
    answer = staff.post(URL, [{"cadre": people[2].pk, "year": 2025, "grade": "excellent"},
                              {"cadre": people[1].pk, "year": 2025, "grade": "competent"}], format="json")
    assert answer.status_code == 400
    assert "优秀名额 1 名（参加考核 7 人 × 15%），已有 1 名" in answer.json()[0]["grade"][0]
    answer = staff.post(URL, {"cadre": people[1].pk, "year": 2025, "grade": "excellent"}, format="json")
    assert answer.status_code == 400
    assert "警告" in answer.json()["grade"][0]


def test_patch_goes_through_the_rules(tree, staff):
    people = [CadreFactory(unit=tree["street"]) for _ in range(7)]
    first = staff.post(URL, {"cadre": people[0].pk, "year": 2025, "grade": "excellent"}, format="json").json()
    second = staff.post(URL, {"cadre": people[1].pk, "year": 2025, "grade": "competent"}, format="json").json()
    answer = staff.patch(f"{URL}{second['id']}/", {"grade": "excellent"}, format="json")
    assert answer.status_code == 400 and "优秀名额" in answer.json()["grade"][0]
    assert staff.patch(f"{URL}{first['id']}/", {"grade": "competent"}, format="json").status_code == 200
    answer = staff.patch(f"{URL}{second['id']}/", {"grade": "excellent", "comment": "表现突出"}, format="json")
    assert answer.status_code == 200 and answer.json()["comment"] == "表现突出"
    history = staff.get(f"{URL}{second['id']}/history/").json()
    assert history["results"][0]["changes"]["grade"] == ["competent", "excellent"]


def test_out_of_scope_is_404_and_absent_from_lists(tree, as_user, admin_user):
    inside, outside = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["other"])
    annual_save(actor=admin_user, rows=[AnnualRow(inside, 2025, "competent"), AnnualRow(outside, 2025, "competent")])
    hidden = AnnualAssessment.objects.get(cadre=outside)
    api = as_user(UserFactory(roles=[Role.STAFF], units=[tree["district"]]))
    assert api.get(f"{URL}{hidden.pk}/").status_code == 404
    assert api.patch(f"{URL}{hidden.pk}/", {"grade": "excellent"}, format="json").status_code == 404
    assert [r["cadre"] for r in api.get(URL).json()["results"]] == [inside.pk]
    # the cadre sees their own grade
    own = as_user(UserFactory(roles=[Role.CADRE], cadre=outside))
    assert [r["cadre"] for r in own.get(URL).json()["results"]] == [outside.pk]


def test_filters(tree, admin_user, as_user):
    a, b = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["district"])
    annual_save(actor=admin_user, rows=[AnnualRow(a, 2025, "competent"), AnnualRow(b, 2024, "basically_competent")])
    api = as_user(admin_user)

    def ids(query):
        return sorted(r["cadre"] for r in api.get(f"{URL}?{query}").json()["results"])

    assert ids(f"cadre={a.pk}") == [a.pk]
    assert ids(f"unit={tree['district'].pk}") == [b.pk]
    assert ids(f"unit_tree={tree['district'].pk}") == sorted([a.pk, b.pk])
    assert ids("year=2024") == [b.pk]
    assert ids("grade=competent") == [a.pk]
    assert api.get(f"{URL}?grade=").status_code == 400


def test_a_list_post_uses_the_same_queries_for_ten_rows_and_two_hundred(tree, as_user):
    user = UserFactory(roles=[Role.STAFF], units=[tree["district"]])
    api = as_user(user)

    def post(n):
        unit = UnitFactory(parent=tree["district"])
        body = [{"cadre": CadreFactory(unit=unit).pk, "year": 2025, "grade": "competent"} for _ in range(n)]
        with CaptureQueriesContext(connection) as seen:
            assert api.post(URL, body, format="json").status_code == 201
        return len(seen.captured_queries)

    post(1)  # warm the per-request caches the first request fills
    assert post(10) == post(200)


def test_a_list_over_the_limit_is_413(tree, staff):
    answer = staff.post(URL, [{"cadre": 1, "year": 2025, "grade": "competent"}] * 5001, format="json")
    assert answer.status_code == 413
    assert "5000" in answer.json()["detail"] or "5,000" in answer.json()["detail"], answer.json()
    assert not AnnualAssessment.objects.exists()


def test_quarterly_assessments_same_shape(tree, staff):
    a = CadreFactory(unit=tree["street"])
    url = "/api/v1/quarterly-assessments/"
    answer = staff.post(url, [{"cadre": a.pk, "year": 2025, "quarter": q, "grade": "good"} for q in (1, 2)],
                        format="json")
    assert answer.status_code == 201
    assert set(answer.json()[0]) == FIELDS - {"comment"} | {"quarter"}
    answer = staff.post(url, [{"cadre": a.pk, "year": 2025, "quarter": 3, "grade": "good"},
                              {"cadre": a.pk, "year": 2025, "quarter": 5, "grade": "good"}], format="json")
    assert answer.status_code == 400 and answer.json()[0] == {} and "quarter" in answer.json()[1]
    assert staff.post(url, {"cadre": a.pk, "year": 2025, "quarter": 1, "grade": "poor"}, format="json").status_code == 400
    assert QuarterlyAssessment.objects.count() == 2
    assert len(staff.get(f"{url}?quarter=2").json()["results"]) == 1


def test_excellence_quota(tree, staff, staff_user):
    people = [CadreFactory(unit=tree["street"]) for _ in range(20)]
    annual_save(actor=staff_user, rows=[AnnualRow(people[0], 2025, "excellent"), AnnualRow(people[1], 2025, "competent")])
    answer = staff.get(f"/api/v1/excellence-quota/?unit={tree['street'].pk}&year=2025")
    assert answer.status_code == 200
    assert answer.json() == {"unit": tree["street"].pk, "year": 2025, "rate": 0.15, "graded": 2, "cap": 3,
                             "excellent": 1, "pooled_with": None, "taking_part": 20, "pooled_units": []}
    assert staff.get(f"/api/v1/excellence-quota/?unit={tree['other'].pk}&year=2025").status_code == 404
    assert staff.get("/api/v1/excellence-quota/?year=2025").status_code == 400
