"""API tokens (issue 7, item 8): hashed at rest, expiring (longer for API clients), several per
user and each revocable, all revoked by a password change or a deactivation; one query per call."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.test import APIClient, APIRequestFactory

from core import accounts
from core.authentication import TokenAuthentication
from core.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's


@pytest.fixture
def person(tree):
    return UserFactory(
        username="staff7", name="张科员", roles=[Role.STAFF], units=[tree["district"]]
    )


def obtain(username="staff7", password=PASSWORD):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def calling(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token) -> bool:
    status = calling(token).get("/api/v1/cadres/").status_code
    assert status in (200, 401)
    return status == 200


def test_the_answer_keeps_its_shape_and_the_token_is_stored_only_hashed(person):
    body = obtain()
    assert set(body) == {"token", "expiry"} and works(body["token"])
    stored = AuthToken.objects.get(user=person)
    assert body["token"] not in (stored.digest, stored.token_key)
    assert stored.digest != body["token"] and len(stored.digest) == 128
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        assert all(body["token"] not in "".join(row) for row in cursor.fetchall())


def test_a_persons_token_expires_after_the_ttl(person):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        body = obtain()
        expiry = dt.datetime.fromisoformat(body["expiry"])
        assert expiry == start + knox_settings.TOKEN_TTL
        traveller.shift(knox_settings.TOKEN_TTL - dt.timedelta(minutes=1))
        assert works(body["token"])
        traveller.shift(dt.timedelta(minutes=2))
        assert not works(body["token"])


def test_an_api_client_account_gets_the_longer_ttl(tree):
    UserFactory(username="exporter", name="数据交换", is_api_client=True, units=[tree["city"]])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        body = obtain("exporter")
        assert dt.datetime.fromisoformat(body["expiry"]) == start + settings.API_CLIENT_TOKEN_TTL
        assert settings.API_CLIENT_TOKEN_TTL > knox_settings.TOKEN_TTL
        traveller.shift(knox_settings.TOKEN_TTL + dt.timedelta(hours=1))
        assert works(body["token"])


def test_several_tokens_each_listed_and_revocable_by_their_owner_only(person, admin_user):
    first, second = obtain()["token"], obtain()["token"]
    listed = calling(first).get("/api/v1/auth/tokens/").json()
    assert len(listed) == 2 and sorted(t["current"] for t in listed) == [False, True]
    other = next(t for t in listed if not t["current"])
    assert first not in str(listed) and second not in str(listed)
    # Someone else cannot see or revoke them.
    _i, admins = AuthToken.objects.create(user=admin_user)
    assert [t["current"] for t in calling(admins).get("/api/v1/auth/tokens/").json()] == [True]
    assert calling(admins).delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 404
    assert works(second)
    # Its owner can.
    assert calling(first).delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 204
    assert works(first) and not works(second)


def test_a_password_change_revokes_every_token(person, admin_user):
    tokens = [obtain()["token"], obtain()["token"]]
    accounts.user_update(user=person, actor=admin_user, password="an0ther-Pass-word")
    assert not any(works(t) for t in tokens)
    assert works(obtain(password="an0ther-Pass-word")["token"])


def test_a_password_set_anywhere_else_revokes_too(person):
    token = obtain()["token"]
    person.refresh_from_db()
    person.set_password("an0ther-Pass-word")
    person.save()  # the admin's password form, `changepassword`
    assert not works(token)


def test_deactivation_revokes_and_reactivation_does_not_bring_them_back(person, admin_user):
    token = obtain()["token"]
    accounts.user_update(user=person, actor=admin_user, is_active=False)
    assert not works(token)
    accounts.user_update(user=person, actor=admin_user, is_active=True)
    assert not works(token)


def test_signing_in_again_leaves_other_tokens_alone(person):
    token = obtain()["token"]
    person.refresh_from_db()
    person.save(update_fields=["last_login"])  # what a login does
    obtain()
    assert works(token)


def test_authentication_costs_one_query(person):
    token = obtain()["token"]
    request = APIRequestFactory().get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        user, auth = TokenAuthentication().authenticate(request)
    assert user == person and isinstance(auth, AuthToken)
    assert len(queries) == 1
