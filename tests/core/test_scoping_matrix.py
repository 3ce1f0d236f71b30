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


# --- The HTML pages: the same matrix -----------------------------------------------------

EDITORS = {"admin", "staff_in"}


def page_client(client, world, actor):
    user = world["users"][actor]
    if user is not None:
        client.force_login(user)
    return client


def expected_page(actor, visible, editors=None):
    if actor == "anonymous":
        return 302  # to the login page
    if actor not in visible:
        return 404
    if editors is not None and actor not in editors:
        return 403
    return 200


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path,visible,editors", [
    ("/units/{unit}/", SEES_UNIT, None),
    ("/units/{unit}/children/", SEES_UNIT, None),
    ("/cadres/{cadre}/", SEES_CADRE, None),
    ("/cadres/{cadre}/edit/", SEES_CADRE, EDITORS),
])
def test_detail_pages(client, world, actor, path, visible, editors):
    url = path.format(unit=world["unit"].id, cadre=world["cadre"].id)
    status = page_client(client, world, actor).get(url).status_code
    if actor not in EDITORS and editors is not None and actor != "anonymous":
        # A role that may not edit is refused whether or not the cadre is in scope: 403 or 404, never 200.
        assert status in (403, 404)
    else:
        assert status == expected_page(actor, visible, editors)


SEES_OTHER = {"admin", "staff_out", "cadre_other"}  # "他人" works in 鹤山市


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_list_pages_and_autocomplete_never_leak(client, world, actor):
    c = page_client(client, world, actor)
    target_link = f'href="/cadres/{world["cadre"].id}/"'
    other = world["users"]["cadre_other"].cadre
    other_link = f'href="/cadres/{other.id}/"'
    page = c.get("/cadres/?page_size=200").content.decode()
    assert (target_link in page) == (actor in SEES_CADRE)
    assert (other_link in page) == (actor in SEES_OTHER)
    units = c.get("/units/autocomplete/?q=解放路").content.decode()
    assert ("解放路街道" in units) == (actor in SEES_UNIT)
