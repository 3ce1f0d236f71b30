"""The measure catalog: seeded with both directions and every kind under the codes the rules
name; everyone reads it, only administrators add and change it (audited); a measure in use is
deactivated, never deleted."""

import pytest
from django.contrib import admin

from core.audit import object_history
from core.models import Role
from incentives.models import Measure
from tests.factories import UserFactory

FIXED = {
    "commendation": ("嘉奖", "positive", "spiritual", 3),
    "merit_third": ("记三等功", "positive", "spiritual", 10),
    "admonishment_talk": ("诫勉谈话", "negative", "organizational", 5),
    "demotion_one_level": ("降低一个职务或职级层次", "negative", "organizational", 10),
    "dismissal": ("辞退", "negative", "organizational", 20),
    "talk_reminder": ("谈话提醒", "negative", "organizational", 2),
    "public_praise": ("通报表扬", "positive", "spiritual", 2),
    "public_criticism": ("通报批评", "negative", "spiritual", 3),
    "post_adjustment": ("调离岗位", "negative", "organizational", 8),
}


@pytest.mark.django_db
def test_the_seeded_catalog_holds_the_shared_codes_every_kind_and_both_directions():
    for code, (name, direction, kind, points) in FIXED.items():
        m = Measure.objects.get(code=code)
        assert (m.name, m.direction, m.kind, m.points) == (name, direction, kind, points)
    assert 30 <= Measure.objects.count() <= 40
    assert set(Measure.objects.values_list("kind", flat=True)) == set(Measure.Kind.values)
    assert set(Measure.objects.values_list("direction", flat=True)) == set(Measure.Direction.values)
    for code in ("merit_second", "timely_reward", "reserve_listing", "priority_promotion",
                 "exceptional_promotion", "recuperation", "bonus", "inquiry_letter",
                 "yellow_card", "red_card", "non_leading", "removal", "demotion"):
        assert Measure.objects.filter(code=code).exists(), code
    assert Measure.objects.get(code="bonus").kind == "economic"


def test_everyone_reads_the_catalog_with_the_api_shape(tree, as_user):
    cadre_user = UserFactory(roles=[Role.REVIEWER], units=[tree["street"]])
    res = as_user(cadre_user).get("/api/v1/measures/", {"page_size": 200})
    assert res.status_code == 200
    row = next(r for r in res.json()["results"] if r["code"] == "merit_third")
    assert {"code", "name", "direction", "kind", "points"} <= set(row)
    assert (row["name"], row["direction"], row["kind"], row["points"]) == (
        "记三等功", "positive", "spiritual", 10)


def test_only_administrators_write_the_catalog_and_it_is_audited(staff_user, admin_user, as_user):
    body = {"code": "study_tour", "name": "外出考察学习", "direction": "positive",
            "kind": "life", "points": 2}
    assert as_user(staff_user).post("/api/v1/measures/", body, format="json").status_code == 403
    api = as_user(admin_user)
    res = api.post("/api/v1/measures/", body, format="json")
    assert res.status_code == 201, res.json()
    pk = res.json()["id"]
    assert api.post("/api/v1/measures/", body, format="json").status_code == 400  # code taken
    res = api.patch(f"/api/v1/measures/{pk}/", {"points": 3, "is_active": False}, format="json")
    assert res.status_code == 200 and res.json()["points"] == 3 and not res.json()["is_active"]
    assert as_user(staff_user).patch(f"/api/v1/measures/{pk}/", {"points": 9},
                                     format="json").status_code == 403
    assert api.delete(f"/api/v1/measures/{pk}/").status_code in (403, 405)  # never deleted
    assert Measure.objects.filter(pk=pk).exists()
    actions = [e.action for e in object_history(obj=Measure.objects.get(pk=pk))]
    assert sorted(actions) == ["create", "update"]
    history = api.get(f"/api/v1/measures/{pk}/history/").json()["results"]
    assert history[0]["changes"]["points"] == [2, 3]


def test_bad_values_are_400_not_500(admin_user, as_user):
    api = as_user(admin_user)
    res = api.post("/api/v1/measures/", {"code": "x y", "name": "", "direction": "up",
                                         "kind": "k", "points": 101}, format="json")
    assert res.status_code == 400
    assert {"code", "name", "direction", "kind", "points"} <= set(res.json())


def test_a_measure_in_use_cannot_be_deleted_in_the_admin(rf, admin_user, staff_user, tree):
    from incentives.services.records import record_create
    from tests.factories import CadreFactory

    measure = Measure.objects.get(code="honor_title")  # named by no rule
    model_admin = admin.site._registry[Measure]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_delete_permission(request, measure)
    # A measure an accumulation rule names is in use too.
    assert not model_admin.has_delete_permission(request, Measure.objects.get(code="public_praise"))
    record_create(actor=staff_user, measure=measure, cadre=CadreFactory(unit=tree["street"]),
                  reason="抗洪抢险")
    assert not model_admin.has_delete_permission(request, measure)
    assert "code" in model_admin.get_readonly_fields(request, measure)
    request.user = staff_user
    assert not model_admin.has_change_permission(request, measure)
