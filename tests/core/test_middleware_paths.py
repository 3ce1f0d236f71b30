"""Token-authenticated API calls skip the browser middleware (sessions, CSRF, messages);
browsers, and API calls made with a session, keep every check they had."""

import pytest
from django.test import Client
from knox.models import AuthToken

from ..factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(staff_user):
    return AuthToken.objects.create(user=staff_user)[1]


def test_a_token_call_answers_without_touching_a_session(token, tree, staff_user):
    CadreFactory(unit=tree["street"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)  # a session cookie too: the token decides
    response = client.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == 1
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "_messages")
    assert "CSRF_COOKIE" not in request.META
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["X-Frame-Options"] == "DENY"


def test_a_wrong_token_is_still_401(token):
    response = Client().get("/api/v1/cadres/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_a_token_call_honours_accept_language(token):
    response = Client().get(
        "/api/v1/cadres/?post_level=nonsense",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.json()["post_level"][0]


def test_a_session_call_still_needs_the_csrf_token(staff_user, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.get("/api/v1/cadres/")
    assert response.status_code == 200 and response.wsgi_request.session.session_key
    response = client.post("/api/v1/units/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_a_page_post_without_csrf_is_still_refused(staff_user, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post("/cadres/new/", {"name": "x"}).status_code == 403
