"""The REST contract of API.md for units, cadres, appointments, timeline and history."""

import datetime as dt

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from cadres import idnumber
from cadres.models import Cadre

from ..factories import AppointmentFactory, CadreFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1979, 11, 2)


def cadre_payload(unit, **overrides):
    data = {
        "name": "陈建国", "gender": "M", "birth_date": BIRTH.isoformat(),
        "id_number": idnumber.make("370112", BIRTH, 7, "M"), "unit": unit.id,
        "position_title": "局长", "post_level": "division_chief", "status": "active",
        "is_reserve": True, "tags": ["standout"],
    }
    data.update(overrides)
    return data


class TestAuth:
    def test_token_obtained_and_used(self, api, staff_user, cadre_in_street):
        response = api.post("/api/v1/auth/token/", {"username": "staff1", "password": "pass-Word-123"}, format="json")
        assert response.status_code == 200 and set(response.json()) == {"token", "expiry"}
        api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api.get("/api/v1/cadres/").json()["count"] == 1

    def test_wrong_password_is_400(self, api, staff_user):
        response = api.post("/api/v1/auth/token/", {"username": "staff1", "password": "nope"}, format="json")
        assert response.status_code == 400

    def test_anonymous_is_401(self, api, db):
        assert api.get("/api/v1/cadres/").status_code == 401

    def test_repeated_failures_lock_the_account(self, api, staff_user, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            api.post("/api/v1/auth/token/", {"username": "staff1", "password": "wrong"}, format="json")
        response = api.post("/api/v1/auth/token/", {"username": "staff1", "password": "pass-Word-123"}, format="json")
        assert response.status_code != 200 and "token" not in response.json()


class TestCadres:
    def test_list_shape_and_masking(self, as_user, staff_user, cadre_in_street):
        data = as_user(staff_user).get("/api/v1/cadres/").json()
        assert set(data) == {"count", "next", "previous", "results"}
        row = data["results"][0]
        assert row["id_number"] == idnumber.mask(cadre_in_street.id_number)
        assert "*" * 8 in row["id_number"]
        for field in ("name", "gender", "birth_date", "unit", "position_title", "post_level", "status",
                      "is_reserve", "tags"):
            assert field in row

    def test_create_answers_masked_record(self, as_user, staff_user, tree):
        response = as_user(staff_user).post("/api/v1/cadres/", cadre_payload(tree["street"]), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["id_number"] == "370112" + "*" * 12 and body["tags"] == ["standout"]
        assert Cadre.objects.get(pk=body["id"]).id_number == idnumber.make("370112", BIRTH, 7, "M")

    def test_create_with_bad_id_is_400_with_field_message(self, as_user, staff_user, tree):
        response = as_user(staff_user).post(
            "/api/v1/cadres/", cadre_payload(tree["street"], id_number="370112197911020000"), format="json")
        assert response.status_code == 400
        assert "校验位" in response.json()["id_number"][0]
        assert not Cadre.objects.exists()

    def test_create_in_unit_outside_scope_is_400_without_leaking(self, as_user, staff_user, tree):
        response = as_user(staff_user).post("/api/v1/cadres/", cadre_payload(tree["other"]), format="json")
        assert response.status_code == 400 and "unit" in response.json()

    def test_bad_date_and_choice_are_400(self, as_user, staff_user, tree):
        response = as_user(staff_user).post(
            "/api/v1/cadres/", cadre_payload(tree["street"], birth_date="1979-13-40", post_level="emperor"),
            format="json")
        assert response.status_code == 400 and {"birth_date", "post_level"} <= set(response.json())

    def test_malformed_json_is_400(self, as_user, staff_user):
        response = as_user(staff_user).generic("POST", "/api/v1/cadres/", "{not json", content_type="application/json")
        assert response.status_code == 400

    def test_patch_changes_and_history_shows_it(self, as_user, staff_user, cadre_in_street):
        api = as_user(staff_user)
        response = api.patch(f"/api/v1/cadres/{cadre_in_street.id}/", {"position_title": "主任"}, format="json")
        assert response.status_code == 200 and response.json()["position_title"] == "主任"
        history = api.get(f"/api/v1/cadres/{cadre_in_street.id}/history/").json()
        newest = history["results"][0]
        assert newest["actor"] == "staff1" and newest["action"] == "update"
        assert newest["changes"] == {"position_title": ["科长", "主任"]}
        assert set(newest) >= {"at", "actor", "action", "changes"}

    def test_put_is_not_offered(self, as_user, staff_user, cadre_in_street):
        response = as_user(staff_user).put(f"/api/v1/cadres/{cadre_in_street.id}/", {}, format="json")
        assert response.status_code == 405

    def test_filters(self, as_user, staff_user, tree):
        a = CadreFactory(unit=tree["district"], name="李明", post_level="division_chief", is_reserve=True)
        b = CadreFactory(unit=tree["street"], name="王芳", post_level="section_chief", status="retired")
        api = as_user(staff_user)

        def ids(query):
            response = api.get(f"/api/v1/cadres/?{query}")
            assert response.status_code == 200, response.json()
            return {c["id"] for c in response.json()["results"]}

        assert ids(f"unit={tree['district'].id}") == {a.id}
        assert ids(f"unit_tree={tree['district'].id}") == {a.id, b.id}
        assert ids(f"unit_tree={tree['street'].id}") == {b.id}
        assert ids("post_level=division_chief") == {a.id}
        assert ids("status=retired") == {b.id}
        assert ids("is_reserve=true") == {a.id}
        assert ids("q=王") == {b.id}
        assert api.get("/api/v1/cadres/?post_level=nonsense").status_code == 400

    def test_page_size_is_capped_at_200(self, as_user, admin_user, tree):
        CadreFactory.create_batch(205, unit=tree["street"])
        data = as_user(admin_user).get("/api/v1/cadres/?page_size=500").json()
        assert data["count"] == 205 and len(data["results"]) == 200
        assert len(as_user(admin_user).get("/api/v1/cadres/").json()["results"]) == 50

    def test_list_query_count_does_not_grow_with_page_size(self, as_user, staff_user, tree):
        CadreFactory.create_batch(60, unit=tree["street"])
        counts = []
        for size in (5, 60):
            api = as_user(type(staff_user).objects.get(pk=staff_user.pk))  # a fresh user, as per request
            with CaptureQueriesContext(connection) as ctx:
                assert len(api.get(f"/api/v1/cadres/?page_size={size}").json()["results"]) == size
            counts.append(len(ctx))
        assert counts[0] == counts[1] <= 3  # scope, count, page

    def test_timeline_lists_appointments_in_date_order(self, as_user, staff_user, cadre_in_street):
        AppointmentFactory(cadre=cadre_in_street, title="副科长", start_date=dt.date(2015, 3, 1),
                           end_date=dt.date(2019, 12, 31), post_level="section_deputy")
        AppointmentFactory(cadre=cadre_in_street, title="科长", start_date=dt.date(2020, 1, 1))
        data = as_user(staff_user).get(f"/api/v1/cadres/{cadre_in_street.id}/timeline/").json()
        assert [e["date"] for e in data["results"]] == ["2015-03-01", "2020-01-01"]
        assert data["results"][0]["kind"] == "appointment" and "副科长" in data["results"][0]["title"]


class TestAppointments:
    def test_create_and_list(self, as_user, staff_user, cadre_in_street, tree):
        api = as_user(staff_user)
        response = api.post("/api/v1/appointments/", {
            "cadre": cadre_in_street.id, "unit": tree["district"].id, "title": "副区长",
            "post_level": "division_deputy", "kind": "exceptional_promotion",
            "exceptional_reason": "任职年限破格", "start_date": "2025-06-01", "document_number": "历下干〔2025〕3号",
        }, format="json")
        assert response.status_code == 201, response.json()
        listed = api.get(f"/api/v1/appointments/?cadre={cadre_in_street.id}").json()["results"]
        assert listed[0]["exceptional_reason"] == "任职年限破格"

    def test_end_before_start_is_400(self, as_user, staff_user, cadre_in_street):
        response = as_user(staff_user).post("/api/v1/appointments/", {
            "cadre": cadre_in_street.id, "unit": cadre_in_street.unit_id, "title": "科长",
            "post_level": "section_chief", "kind": "lateral", "start_date": "2025-06-01", "end_date": "2025-01-01",
        }, format="json")
        assert response.status_code == 400 and "end_date" in response.json()


class TestUnitsAndUsers:
    def test_unit_create_is_for_administrators(self, as_user, staff_user, admin_user, tree):
        payload = {"name": "新区", "code": "JN-NEW", "parent": tree["city"].id, "kind": "party_committee",
                   "category": "comprehensive"}
        assert as_user(staff_user).post("/api/v1/units/", payload, format="json").status_code == 403
        response = as_user(admin_user).post("/api/v1/units/", payload, format="json")
        assert response.status_code == 201 and response.json()["parent"] == tree["city"].id

    def test_unit_filters(self, as_user, admin_user, tree):
        api = as_user(admin_user)
        names = lambda q: {u["name"] for u in api.get(f"/api/v1/units/?{q}").json()["results"]}  # noqa: E731
        assert names(f"parent={tree['city'].id}") == {"历下区"}
        assert names("kind=subdistrict") == {"解放路街道"}
        assert names("q=鹤山") == {"鹤山市"}

    def test_duplicate_unit_code_is_400(self, as_user, admin_user, tree):
        response = as_user(admin_user).post("/api/v1/units/", {"name": "x", "code": "JN", "kind": "town"}, format="json")
        assert response.status_code == 400 and "code" in response.json()

    def test_users_endpoint_is_for_administrators(self, as_user, staff_user, admin_user, tree):
        assert as_user(staff_user).get("/api/v1/users/").status_code == 403
        api = as_user(admin_user)
        response = api.post("/api/v1/users/", {"username": "reviewer9", "name": "王审核", "password": "Str0ng-pass-9",
                                               "roles": ["reviewer"], "units": [tree["district"].id]}, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert "password" not in body and body["roles"] == ["reviewer"] and body["units"] == [tree["district"].id]
        response = api.patch(f"/api/v1/users/{body['id']}/", {"roles": ["reviewer", "liaison"]}, format="json")
        assert response.json()["roles"] == ["liaison", "reviewer"]
        assert api.post("/api/v1/users/", {"username": "x", "roles": ["emperor"]}, format="json").status_code == 400
        history = api.get(f"/api/v1/users/{body['id']}/history/").json()["results"]
        assert history[0]["changes"]["roles"] == [["reviewer"], ["liaison", "reviewer"]]


def test_oversize_request_is_413(as_user, staff_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = as_user(staff_user).generic("POST", "/api/v1/cadres/", "x" * 5000, content_type="application/json")
    assert response.status_code == 413 and response.json()["detail"]


def test_schema_and_docs_are_served(as_user, staff_user):
    api = as_user(staff_user)
    schema = api.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/cadres/{id}/history/" in schema.content
    assert api.get("/api/docs/").status_code == 200
