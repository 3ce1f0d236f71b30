"""A second record for one ID number is refused in words that say only what the user may know:
the record's name and unit inside their scope (a link on the page), nothing outside it. The API
and the form alike; two creates at once give one 201 and one 400, never a 500."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from cadres import idnumber, services
from cadres.models import Cadre
from core.models import Role
from tests.concurrency import at_once
from tests.factories import CadreFactory, UserFactory

BIRTH = dt.date(1985, 3, 9)
NUMBER = idnumber.make("370102", BIRTH, 12, "F")
ELSEWHERE = "该身份证号已在其他单位登记，请联系上级组织部门办理调入。"


def _fields(unit, **overrides):
    return {
        "name": "王秀英",
        "gender": "F",
        "birth_date": BIRTH,
        "id_number": NUMBER,
        "unit": unit,
        "post_level": "section_chief",
        "position_title": "科长",
    } | overrides


def _api_body(unit, **overrides):
    body = _fields(unit, **overrides)
    return body | {"unit": unit.pk, "birth_date": BIRTH.isoformat()}


@pytest.mark.django_db
class TestRefusal:
    def test_inside_scope_names_the_record(self, staff_user, tree):
        holder = CadreFactory(
            unit=tree["street"], name="李已登", birth_date=BIRTH, gender="F", id_number=NUMBER
        )
        with pytest.raises(services.IdNumberTaken) as exc:
            services.cadre_create(actor=staff_user, **_fields(tree["district"]))
        assert exc.value.message_dict == {
            "id_number": ["该身份证号已登记在解放路街道的干部李已登名下。"]
        }
        assert exc.value.cadre == holder and Cadre.objects.count() == 1

    def test_outside_scope_says_only_elsewhere(self, staff_user, tree):
        CadreFactory(
            unit=tree["other"], name="赵外地", birth_date=BIRTH, gender="F", id_number=NUMBER
        )
        with pytest.raises(services.IdNumberTaken) as exc:
            services.cadre_create(actor=staff_user, **_fields(tree["district"]))
        assert exc.value.message_dict == {"id_number": [ELSEWHERE]}
        assert exc.value.cadre is None and Cadre.objects.count() == 1

    def test_changing_to_a_taken_number_is_refused_alike(self, staff_user, tree):
        CadreFactory(unit=tree["other"], birth_date=BIRTH, gender="F", id_number=NUMBER)
        mine = CadreFactory(unit=tree["street"], birth_date=BIRTH, gender="F")
        before = mine.id_number
        with pytest.raises(ValidationError) as exc:
            services.cadre_update(cadre=mine, actor=staff_user, id_number=NUMBER)
        assert exc.value.message_dict == {"id_number": [ELSEWHERE]}
        mine.refresh_from_db()
        assert mine.id_number == before

    def test_api_answers_400_in_words(self, as_user, staff_user, tree):
        CadreFactory(
            unit=tree["other"], name="赵外地", birth_date=BIRTH, gender="F", id_number=NUMBER
        )
        response = as_user(staff_user).post(
            "/api/v1/cadres/", _api_body(tree["district"]), format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"id_number": [ELSEWHERE]}
        assert (
            "赵外地" not in response.content.decode() and "鹤山市" not in response.content.decode()
        )

    def test_api_inside_scope_names_the_record(self, as_user, staff_user, tree):
        CadreFactory(
            unit=tree["street"], name="李已登", birth_date=BIRTH, gender="F", id_number=NUMBER
        )
        response = as_user(staff_user).post(
            "/api/v1/cadres/", _api_body(tree["district"]), format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"id_number": ["该身份证号已登记在解放路街道的干部李已登名下。"]}

    def test_page_links_the_record_inside_scope(self, client, staff_user, tree):
        holder = CadreFactory(
            unit=tree["street"], name="李已登", birth_date=BIRTH, gender="F", id_number=NUMBER
        )
        client.force_login(staff_user)
        response = client.post("/cadres/new/", _form(tree["district"]))
        page = response.content.decode()
        assert response.status_code == 400
        assert "该身份证号已登记在解放路街道的干部李已登名下。" in page
        assert f'href="{holder.get_absolute_url()}"' in page
        assert "具有" not in page  # Django's machine text

    def test_page_outside_scope_has_no_link(self, client, staff_user, tree):
        holder = CadreFactory(unit=tree["other"], birth_date=BIRTH, gender="F", id_number=NUMBER)
        client.force_login(staff_user)
        response = client.post("/cadres/new/", _form(tree["district"]))
        page = response.content.decode()
        assert response.status_code == 400 and ELSEWHERE in page
        assert holder.get_absolute_url() not in page and 'id="id-number-holder"' not in page


def _form(unit):
    return {
        "name": "王秀英", "gender": "F", "birth_date": BIRTH.isoformat(), "ethnicity": "汉族",
        "id_number": NUMBER, "political_status": "cpc_member", "education": "bachelor",
        "unit": unit.pk, "position_title": "科长", "post_level": "section_chief",
        "status": "active",
    }  # fmt: skip


def _race(*calls):
    return at_once(*calls)


def _post_as(user, unit):
    client = APIClient()
    client.force_authenticate(user=user)
    return lambda: client.post("/api/v1/cadres/", _api_body(unit), format="json")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_creates_at_once_give_201_and_400(tree, staff_user):
    results = _race(_post_as(staff_user, tree["district"]), _post_as(staff_user, tree["street"]))
    assert sorted(r.status_code for r in results) == [201, 400]
    refused = next(r for r in results if r.status_code == 400)
    assert list(refused.json()) == ["id_number"] and Cadre.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_insert_race_past_the_first_look_gives_400_not_500(tree, staff_user, monkeypatch):
    """Both requests pass the first look before either inserts: the loser's INSERT hits the
    unique index. PostgreSQL only: SQLite here takes the write lock at BEGIN (IMMEDIATE), so
    two transactions can never both be past the first look."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers at BEGIN")
    looked = threading.Barrier(2)
    first_look = services._refuse_taken_id_number
    local = threading.local()

    def look_then_wait(cadre, actor):
        first_look(cadre, actor)
        if not getattr(local, "waited", False):
            local.waited = True
            looked.wait(timeout=30)

    monkeypatch.setattr(services, "_refuse_taken_id_number", look_then_wait)
    other = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    results = _race(_post_as(staff_user, tree["district"]), _post_as(other, tree["other"]))
    assert sorted(r.status_code for r in results) == [201, 400]
    refused = next(r for r in results if r.status_code == 400)
    assert refused["Content-Type"] == "application/json"
    assert refused.json() == {"id_number": [ELSEWHERE]} and Cadre.objects.count() == 1
