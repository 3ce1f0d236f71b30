"""Every unique constraint of a write path answers 400 or 409 JSON, never a 500 (issue 7, item 10):
20 parallel `POST users/` with one username used to give seven IntegrityError 500s, as HTML."""

import threading

import pytest
from django.db import IntegrityError, connection
from rest_framework.test import APIClient, APIRequestFactory

from core.api import exception_handler
from core.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_parallel_creations_of_one_username_give_one_201_and_json_refusals():
    admin = UserFactory(username="admin1", roles=[Role.ADMIN])
    n = 20
    barrier = threading.Barrier(n)
    answers = [None] * n

    def post(i):
        client = APIClient()
        client.force_authenticate(user=admin)
        try:
            barrier.wait()
            answers[i] = client.post(
                "/api/v1/users/",
                {
                    "username": "twin",
                    "name": "孪生",
                    "password": "pass-Word-123",
                    "roles": ["staff"],
                },
                format="json",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1, codes
    assert set(codes) <= {201, 400, 409}, codes
    for answer in answers:
        assert answer["Content-Type"].startswith("application/json")
        if answer.status_code == 400:
            assert "username" in answer.json()
    assert User.objects.filter(username="twin").count() == 1


def test_an_unmapped_integrity_error_is_a_json_409():
    request = APIRequestFactory().post("/api/v1/anything/")
    response = exception_handler(IntegrityError("duplicate key"), {"request": request})
    assert response is not None and response.status_code == 409
    assert "detail" in response.data and "duplicate" not in str(response.data)
