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
    assert client.get("/admin/cadres/unit/").status_code == 200
    client.force_login(staff)
    assert client.get("/admin/cadres/unit/").status_code == 302
