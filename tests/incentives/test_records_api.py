"""incentive-records/ (API.md): a cadre's or a team's record, the measure named by its code,
scoped (404 outside), filtered, with its history; and the pages that list and enter them."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import Role
from incentives.models import IncentiveRecord, Measure
from incentives.services.records import record_create
from tests.factories import CadreFactory, UserFactory

URL = "/api/v1/incentive-records/"


@pytest.fixture
def cadre(tree):
    return CadreFactory(unit=tree["street"], name="张鲁宁")


def test_post_by_measure_code_answers_the_api_shape(staff_user, as_user, cadre):
    api = as_user(staff_user)
    res = api.post(URL, {"cadre": cadre.pk, "measure": "merit_third", "date": "2025-06-30",
                         "reason": "征地拆迁攻坚表现突出", "document_number": "历组字〔2025〕8号"},
                   format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"cadre", "unit", "measure", "date", "reason", "source", "document_number",
            "amount"} <= set(body)
    assert (body["measure"], body["source"], body["unit"], body["amount"]) == (
        "merit_third", "hand", None, None)
    assert body["points"] == 10 and body["direction"] == "positive"
    record = IncentiveRecord.objects.get(pk=body["id"])
    assert record.measure.code == "merit_third" and record.created_by == staff_user
    assert api.get(f"{URL}{record.pk}/").json()["measure"] == "merit_third"
    history = api.get(f"{URL}{record.pk}/history/").json()["results"]
    assert [h["action"] for h in history] == ["create"]


def test_a_team_record_an_amount_on_an_economic_measure_and_bad_input(staff_user, as_user, tree,
                                                                      cadre):
    api = as_user(staff_user)
    res = api.post(URL, {"unit": tree["street"].pk, "measure": "bonus", "date": "2025-01-10",
                         "reason": "招商引资", "amount": "5000.00"}, format="json")
    assert res.status_code == 201, res.json()
    assert res.json()["unit"] == tree["street"].pk and res.json()["amount"] == "5000.00"
    for bad, field in [
        ({"cadre": cadre.pk, "unit": tree["street"].pk, "measure": "commendation", "reason": "x"}, "cadre"),
        ({"cadre": cadre.pk, "measure": "no_such_code", "reason": "x"}, "measure"),
        ({"cadre": cadre.pk, "measure": "commendation", "reason": " "}, "reason"),
        ({"cadre": cadre.pk, "measure": "commendation", "reason": "x", "amount": "10"}, "amount"),
        ({"cadre": cadre.pk, "measure": "commendation", "reason": "x", "source": "rule"}, "source"),
        ({"cadre": cadre.pk, "measure": "commendation", "reason": "x", "date": "2999-01-01"}, "date"),
    ]:
        res = api.post(URL, bad, format="json")
        assert res.status_code == 400 and field in res.json(), (bad, res.json())
    assert IncentiveRecord.objects.count() == 1


def test_scope_outside_is_404_and_not_listed(staff_user, as_user, tree, admin_user):
    stranger = CadreFactory(unit=tree["other"])
    record = record_create(actor=admin_user, measure=Measure.objects.get(code="commendation"),
                           cadre=stranger, date=dt.date(2025, 3, 1), reason="外地")
    api = as_user(staff_user)
    assert api.get(f"{URL}{record.pk}/").status_code == 404
    assert api.get(f"{URL}{record.pk}/history/").status_code == 404
    assert api.get(URL).json()["count"] == 0
    res = api.post(URL, {"cadre": stranger.pk, "measure": "commendation", "reason": "x"},
                   format="json")
    assert res.status_code == 400 and "cadre" in res.json()
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    assert as_user(reviewer).post(URL, {"unit": tree["street"].pk, "measure": "commendation",
                                        "reason": "x"}, format="json").status_code == 403


def test_filters(staff_user, as_user, tree, cadre):
    other_cadre = CadreFactory(unit=tree["district"])
    praise, criticism = (Measure.objects.get(code=c) for c in ("public_praise", "public_criticism"))
    record_create(actor=staff_user, measure=praise, cadre=cadre, date=dt.date(2024, 5, 1), reason="a")
    record_create(actor=staff_user, measure=criticism, cadre=other_cadre, date=dt.date(2025, 5, 1), reason="b")
    record_create(actor=staff_user, measure=praise, unit=tree["street"], date=dt.date(2025, 6, 1), reason="c")
    api = as_user(staff_user)

    def count(**params):
        res = api.get(URL, params)
        assert res.status_code == 200, res.json()
        return res.json()["count"]

    assert count() == 3
    assert count(cadre=cadre.pk) == 1
    assert count(measure="public_praise") == 2
    assert count(year=2025) == 2
    assert count(unit=tree["street"].pk) == 2
    assert count(unit_tree=tree["district"].pk) == 3
    assert count(unit_tree=tree["street"].pk) == 2
    assert count(source="hand") == 3
    assert api.get(URL, {"year": "x"}).status_code == 400
    assert api.get(URL, {"source": "nope"}).status_code == 400


def test_the_pages_list_show_and_enter_a_record(client, staff_user, cadre):
    client.force_login(staff_user)
    res = client.post(reverse("incentives:record-create"), {
        "cadre": cadre.pk, "measure": Measure.objects.get(code="commendation").pk,
        "date": "2025-07-01", "reason": "防汛抢险", "document_number": ""})
    record = IncentiveRecord.objects.get()
    assert res.status_code == 302 and res["Location"] == reverse("incentives:record-detail", args=[record.pk])
    assert "嘉奖" in client.get(reverse("incentives:record-list")).content.decode()
    assert "防汛抢险" in client.get(res["Location"]).content.decode()
    # Both a cadre and a team: refused on the form, nothing saved.
    res = client.post(reverse("incentives:record-create"), {
        "cadre": cadre.pk, "unit": cadre.unit.pk, "measure": Measure.objects.get(code="commendation").pk,
        "date": "2025-07-01", "reason": "x"})
    assert res.status_code == 400 and IncentiveRecord.objects.count() == 1
    assert client.get(reverse("incentives:measure-list")).status_code == 200


def test_the_timeline_shows_the_records_the_user_may_see(staff_user, as_user, tree, cadre):
    from core.timeline import cadre_timeline

    record_create(actor=staff_user, measure=Measure.objects.get(code="merit_third"), cadre=cadre,
                  date=dt.date(2025, 2, 3), reason="重点工程")
    entries = [e for e in cadre_timeline(cadre=cadre, user=staff_user) if e["kind"] == "incentive_record"]
    assert [e["title"] for e in entries] == ["奖惩：记三等功"]
    outsider = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    assert not [e for e in cadre_timeline(cadre=cadre, user=outsider) if e["kind"] == "incentive_record"]
    res = as_user(staff_user).get(f"/api/v1/cadres/{cadre.pk}/timeline/")
    assert res.status_code == 200 and "记三等功" in res.content.decode()


def test_the_list_answers_in_a_fixed_number_of_queries(staff_user, as_user, tree,
                                                       django_assert_max_num_queries):
    praise = Measure.objects.get(code="public_praise")
    for i in range(30):
        record_create(actor=staff_user, measure=praise, cadre=CadreFactory(unit=tree["street"]),
                      date=dt.date(2025, 1, 1 + i % 28), reason=f"r{i}")
    api = as_user(staff_user)
    api.get(URL)  # warm the per-user caches
    with django_assert_max_num_queries(8):
        res = api.get(URL, {"page_size": 50})
    assert res.json()["count"] == 30
