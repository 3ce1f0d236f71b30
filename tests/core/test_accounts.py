"""Accounts: roles decide what a user may do."""

import pytest

from ..factories import UserFactory


@pytest.mark.django_db
def test_admin_role_opens_the_django_admin(client):
    from core.models import Role

    admin = UserFactory(roles=[Role.ADMIN])
    staff = UserFactory(roles=[Role.STAFF])
    assert admin.is_staff and not staff.is_staff
    client.force_login(admin)
    assert client.get("/admin/core/unit/").status_code == 200
    client.force_login(staff)
    assert client.get("/admin/core/unit/").status_code == 302


@pytest.mark.django_db
def test_pages_are_chinese_whatever_the_browser_asks_until_english_is_chosen(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "用户名" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Username" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


@pytest.mark.django_db
def test_api_honours_accept_language(api):
    response = api.get("/api/v1/cadres/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "credentials" in response.json()["detail"]
    response = api.get("/api/v1/cadres/")
    assert "身份认证" in response.json()["detail"] or "认证" in response.json()["detail"]
