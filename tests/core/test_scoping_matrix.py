"""Every role, in scope and out, against every endpoint: no leak, 404 outside scope."""

import pytest

from core.models import Role

from ..factories import AppointmentFactory, CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["admin", "staff_in", "staff_out", "reviewer_in", "liaison_in", "cadre_self", "cadre_other", "anonymous"]


@pytest.fixture
def world(tree):
    target = CadreFactory(unit=tree["street"], name="目标干部")
    other = CadreFactory(unit=tree["other"], name="他人")
    appointment = AppointmentFactory(cadre=target)
    users = {
        "admin": UserFactory(roles=[Role.ADMIN]),
        "staff_in": UserFactory(roles=[Role.STAFF], units=[tree["district"]]),
        "staff_out": UserFactory(roles=[Role.STAFF], units=[tree["other"]]),
        "reviewer_in": UserFactory(roles=[Role.REVIEWER], units=[tree["district"]]),
        "liaison_in": UserFactory(roles=[Role.LIAISON], units=[tree["district"]]),
        "cadre_self": UserFactory(roles=[Role.CADRE], cadre=target),
        "cadre_other": UserFactory(roles=[Role.CADRE], cadre=other),
        "anonymous": None,
    }
    return {"unit": tree["street"], "cadre": target, "appointment": appointment, "users": users}


def client_for(api, world, actor):
    user = world["users"][actor]
    if user is not None:
        api.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return api


SEES_UNIT = {"admin", "staff_in", "reviewer_in", "liaison_in"}
SEES_CADRE = {"admin", "staff_in", "reviewer_in", "liaison_in", "cadre_self"}


def expected(actor, visible):
    if actor == "anonymous":
        return 401
    return 200 if actor in visible else 404


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path,visible", [
    ("units/{unit}/", SEES_UNIT),
    ("units/{unit}/history/", SEES_UNIT),
    ("cadres/{cadre}/", SEES_CADRE),
    ("cadres/{cadre}/history/", SEES_CADRE),
    ("cadres/{cadre}/timeline/", SEES_CADRE),
    ("appointments/{appointment}/", SEES_CADRE),
    ("appointments/{appointment}/history/", SEES_CADRE),
])
def test_detail_endpoints(api, world, actor, path, visible):
    url = "/api/v1/" + path.format(unit=world["unit"].id, cadre=world["cadre"].id,
                                   appointment=world["appointment"].id)
    assert client_for(api, world, actor).get(url).status_code == expected(actor, visible)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path,key,visible", [
    ("units/", "unit", SEES_UNIT),
    ("cadres/", "cadre", SEES_CADRE),
    ("appointments/", "appointment", SEES_CADRE),
])
def test_lists_never_leak(api, world, actor, path, key, visible):
    response = client_for(api, world, actor).get(f"/api/v1/{path}?page_size=200")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    ids = {row["id"] for row in response.json()["results"]}
    assert (world[key].id in ids) == (actor in visible)
    if actor == "staff_out":
        assert world["cadre"].id not in ids


@pytest.mark.parametrize("actor,status", [
    ("admin", 200), ("staff_in", 200), ("staff_out", 404), ("reviewer_in", 403), ("liaison_in", 403),
    ("cadre_self", 403), ("cadre_other", 403), ("anonymous", 401),
])
def test_cadre_patch(api, world, actor, status):
    url = f"/api/v1/cadres/{world['cadre'].id}/"
    response = client_for(api, world, actor).patch(url, {"position_title": "改"}, format="json")
    assert response.status_code == status
    world["cadre"].refresh_from_db()
    assert (world["cadre"].position_title == "改") == (status == 200)


@pytest.mark.parametrize("actor,status", [
    ("admin", 200), ("staff_in", 403), ("reviewer_in", 403), ("cadre_self", 403), ("anonymous", 401),
])
def test_users_endpoint(api, world, actor, status):
    assert client_for(api, world, actor).get("/api/v1/users/").status_code == status


@pytest.mark.parametrize("actor,status", [
    ("admin", 200), ("staff_in", 403), ("staff_out", 403), ("anonymous", 401),
])
def test_unit_patch(api, world, actor, status):
    response = client_for(api, world, actor).patch(f"/api/v1/units/{world['unit'].id}/", {"name": "新名"}, format="json")
    assert response.status_code == status
