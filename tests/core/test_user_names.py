"""Users have a real name (issue 7, item 16): `name` in users/, required there and in the admin's
forms; pages show it, the login name only where none is recorded."""

import pytest

from core.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_users_endpoint_requires_and_returns_the_name(as_user, admin_user, tree):
    api = as_user(admin_user)
    payload = {
        "username": "zhang",
        "password": "Str0ng-pass-9",
        "roles": ["staff"],
        "units": [tree["district"].id],
    }
    refused = api.post("/api/v1/users/", payload, format="json")
    assert refused.status_code == 400 and "name" in refused.json()
    assert api.post("/api/v1/users/", {**payload, "name": ""}, format="json").status_code == 400
    created = api.post("/api/v1/users/", {**payload, "name": "张伟"}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "张伟"
    user_id = created.json()["id"]
    assert api.get(f"/api/v1/users/{user_id}/").json()["name"] == "张伟"
    renamed = api.patch(f"/api/v1/users/{user_id}/", {"name": "张伟民"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "张伟民"
    history = api.get(f"/api/v1/users/{user_id}/history/").json()["results"]
    assert history[0]["changes"]["name"] == ["张伟", "张伟民"]


def test_display_name_is_the_name_and_the_login_name_only_without_one():
    assert User(username="zhang", name="张伟").display_name == "张伟"
    assert User(username="zhang", name="张伟").get_full_name() == "张伟"
    assert User(username="zhang").display_name == "zhang"
    assert User(username="zhang", first_name="伟", last_name="张").display_name == "张伟"


def test_the_header_shows_the_name_not_the_login_name(client, tree):
    user = UserFactory(
        username="staff_login", name="王秀英", roles=[Role.STAFF], units=[tree["district"]]
    )
    client.force_login(user)
    page = client.get("/").content.decode()
    assert '<span class="user-name">王秀英</span>' in page
    assert "staff_login" not in page


def test_the_header_falls_back_to_the_login_name(client, tree):
    client.force_login(UserFactory(username="noname", roles=[Role.STAFF], units=[tree["district"]]))
    assert '<span class="user-name">noname</span>' in client.get("/").content.decode()


def test_the_admins_user_forms_require_the_name(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "newbie",
            "password1": "Str0ng-pass-9",
            "password2": "Str0ng-pass-9",
            "roles": ["staff"],
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="newbie").exists()
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "newbie",
            "name": "新同志",
            "password1": "Str0ng-pass-9",
            "password2": "Str0ng-pass-9",
            "roles": ["staff"],
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie").name == "新同志"


def test_a_cadres_own_account_takes_the_cadres_name(as_user, admin_user, cadre_in_street):
    response = as_user(admin_user).post(
        "/api/v1/users/",
        {
            "username": "own",
            "password": "Str0ng-pass-9",
            "roles": ["cadre"],
            "cadre": cadre_in_street.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == cadre_in_street.name
