"""A cadre's own account: the link is held on the cadre (Cadre.account); the users/ API keeps
its `cadre` field (API.md)."""

from cadres.models import Cadre
from core.models import AuditEntry, User

from ..factories import CadreFactory, UserFactory


def test_users_api_links_and_unlinks_a_cadre(as_user, admin_user, cadre_in_street):
    api = as_user(admin_user)
    response = api.post(
        "/api/v1/users/",
        {
            "username": "zhang",
            "password": "Str0ng-pass-9",
            "roles": ["cadre"],
            "cadre": cadre_in_street.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cadre"] == cadre_in_street.pk
    assert Cadre.objects.get(pk=cadre_in_street.pk).account_id == body["id"]
    assert User.objects.get(pk=body["id"]).cadre.pk == cadre_in_street.pk
    assert api.get(f"/api/v1/users/{body['id']}/").json()["cadre"] == cadre_in_street.pk

    response = api.patch(f"/api/v1/users/{body['id']}/", {"cadre": None}, format="json")
    assert response.status_code == 200 and response.json()["cadre"] is None
    assert Cadre.objects.get(pk=cadre_in_street.pk).account_id is None
    history = api.get(f"/api/v1/users/{body['id']}/history/").json()["results"]
    assert history[0]["changes"] == {"cadre": [cadre_in_street.pk, None]}


def test_a_user_without_a_cadre_reads_as_null(as_user, admin_user, staff_user):
    body = as_user(admin_user).get(f"/api/v1/users/{staff_user.pk}/").json()
    assert body["cadre"] is None


def test_a_cadre_linked_to_another_account_is_refused_and_nothing_changes(
    as_user, admin_user, tree
):
    cadre = CadreFactory(unit=tree["street"])
    UserFactory(username="first", roles=["cadre"], cadre=cadre)
    entries = AuditEntry.objects.count()
    response = as_user(admin_user).post(
        "/api/v1/users/",
        {"username": "second", "roles": ["cadre"], "cadre": cadre.pk},
        format="json",
    )
    assert response.status_code == 400 and "已关联其他账号" in response.json()["cadre"][0]
    assert not User.objects.filter(username="second").exists()
    assert AuditEntry.objects.count() == entries
