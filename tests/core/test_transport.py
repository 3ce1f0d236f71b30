"""Transport and outages (issue 7, items 11 and 12): the Content-Security-Policy, no-store on
answers to signed-in users, the API docs served offline to signed-in users only, /healthz,
and 503 (JSON in the API, a Chinese page in the browser) when the database cannot answer."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client, override_settings
from knox.models import AuthToken

from config.settings.base import database_from_env
from core.models import Role

from ..factories import UserFactory

# ---------------------------------------------------------------- headers


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.django_db
def test_pages_carry_a_csp_that_allows_only_the_projects_own_scripts(client):
    csp = _csp(client.get("/login/"))
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


@pytest.mark.django_db
def test_signed_in_pages_have_no_inline_script_or_style(client, tree):
    """What the CSP would refuse: a <script> without src, an inline <style>, a style="" or
    on*="" attribute. htmx is told not to inject its own styles."""
    user = UserFactory(roles=[Role.ADMIN])
    client.force_login(user)
    for url in ("/", "/login/"):
        html = client.get(url, follow=True).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html, url
        assert not re.search(r"\s(style|on[a-z]+)=", html), url
    assert '"includeIndicatorStyles": false' in client.get("/").content.decode()


@pytest.mark.django_db
def test_answers_to_a_signed_in_user_are_not_stored_by_any_cache(client, api, tree):
    user = UserFactory(roles=[Role.ADMIN])
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]

    token = AuthToken.objects.create(user=user)[1]
    answer = api.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]

    session_api = client.get("/api/v1/units/")
    assert session_api.status_code == 200 and "no-store" in session_api["Cache-Control"]


@pytest.mark.django_db
def test_schema_and_docs_need_a_signed_in_user(api, client):
    assert api.get("/api/schema/").status_code == 401
    assert api.get("/api/docs/").status_code == 401
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db
def test_the_docs_page_is_served_from_the_project_with_no_cdn_and_no_inline_script(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    # The one inline <style> carries the nonce the header allows.
    nonce = re.search(r'<style nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in _csp(page)["style-src"]
    # Swagger UI's own files are the project's static files; its settings script (the split
    # view) answers from here.
    for source in sources:
        if source.startswith(settings.STATIC_URL):
            assert finders.find(source.removeprefix(settings.STATIC_URL)), source
        else:
            assert client.get(source).status_code == 200, source


@pytest.mark.django_db
def test_a_page_post_with_a_session_and_no_csrf_token_is_refused(tree):
    """core.middleware.CsrfViewMiddleware (check --deploy's W003 is silenced for it) still
    guards every browser request."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(roles=[Role.ADMIN]))
    assert browser.post("/api/v1/units/", {"name": "x"}).status_code == 403
    assert browser.post("/logout/").status_code == 403


def test_database_connections_check_their_health():
    assert database_from_env()["CONN_HEALTH_CHECKS"] is True


# ---------------------------------------------------------------- database down


@pytest.fixture
def database_down(django_db_blocker):
    """The default database points at a closed port (PostgreSQL) or an unopenable file
    (SQLite) until the test ends: every query raises OperationalError."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "postgresql":
            connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
            connection.settings_dict.setdefault("OPTIONS", {})
            connection.settings_dict["OPTIONS"] = {**saved.get("OPTIONS", {}), "connect_timeout": 2}
        else:
            connection.settings_dict["NAME"] = "/nonexistent-dir/dandang.sqlite3"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


# A key of the right shape: the session store asks the database for it.
SESSION_COOKIE = "a" * 32


def test_database_down_the_api_answers_503_json_with_a_chinese_detail(database_down):
    api = Client(raise_request_exception=False)
    for headers in ({"HTTP_AUTHORIZATION": "Token " + "0" * 40}, {}):
        api.cookies["sessionid"] = SESSION_COOKIE
        response = api.get("/api/v1/cadres/", **headers)
        assert response.status_code == 503, response.content
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "数据库暂时无法访问，请稍后重试。"}
        assert int(response["Retry-After"]) > 0


def test_database_down_a_page_answers_the_chinese_503_page(database_down):
    browser = Client(raise_request_exception=False)
    browser.cookies["sessionid"] = SESSION_COOKIE
    response = browser.get("/cadres/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "系统暂时无法服务" in html and "数据库暂时无法访问" in html
    assert "<style" not in html  # the CSP applies to error pages too
    assert "Content-Security-Policy" in response


def test_database_down_a_login_post_answers_503_not_500(database_down):
    browser = Client(raise_request_exception=False)
    response = browser.post("/login/", {"username": "admin1", "password": "x"})
    assert response.status_code == 503


# ---------------------------------------------------------------- /healthz


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_and_broker_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"
    else:
        assert "broker" not in body["checks"]


@pytest.mark.django_db
def test_healthz_without_a_broker_checks_only_the_database(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "unreachable"},
    }


def test_healthz_answers_503_when_the_database_is_down(database_down, settings):
    settings.REDIS_URL = ""
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["dandang.example.gov.cn"])
def test_healthz_answers_the_containers_own_probe_over_http_on_localhost():
    """Production redirects HTTP to HTTPS and takes only its own host name; the probe inside
    the container asks http://127.0.0.1:8000/healthz and must get the answer, not a 301/400."""
    probe = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1:8000")
    response = probe.get("/healthz")
    assert response.status_code == 200, response
    assert probe.get("/login/").status_code in (301, 400)  # the rest still is refused
