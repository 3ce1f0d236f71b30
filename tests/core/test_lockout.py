"""Lockout (issue 7, item 7): by username and address together, a per-username slowdown for runs
spread over many addresses, no restart of the cool-off by attempts made during it, and 429 with
Retry-After from the page and the token endpoint alike."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", name="李主任")


def page_login(address, password, username="owner"):
    client = Client(REMOTE_ADDR=address)
    return client, client.post("/login/", {"username": username, "password": password})


def token_login(address, password, username="owner"):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def fail(address, times=None, username="owner"):
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        page_login(address, "wrong", username)


def test_a_guesser_elsewhere_cannot_lock_the_owner_out(owner):
    fail("203.0.113.9")
    assert page_login("203.0.113.9", PASSWORD)[1].status_code == 429
    client, response = page_login("10.1.1.1", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert token_login("10.1.1.2", PASSWORD).status_code == 200


def test_the_locked_page_is_chinese_429_with_retry_after(owner):
    fail("203.0.113.9")
    _client, response = page_login("203.0.113.9", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "账号已暂时锁定" in page and f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败" in page
    cool_off = settings.AXES_COOLOFF_TIME.total_seconds()
    assert 0 < int(response["Retry-After"]) <= cool_off


def test_the_token_endpoint_answers_a_locked_pair_429_json_with_retry_after(owner):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_login("203.0.113.9", "wrong").status_code == 400
    assert token_login("203.0.113.9", "wrong").status_code == 429  # the failure that locks
    response = token_login("203.0.113.9", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "锁定" in response.json()["detail"] and "token" not in response.json()
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()


def test_attempts_during_the_cool_off_do_not_restart_it(owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail("203.0.113.9")
        traveller.shift(dt.timedelta(minutes=40))
        # Wrong and right passwords alike, during the cool-off: refused, and not counted.
        assert page_login("203.0.113.9", "wrong")[1].status_code == 429
        response = token_login("203.0.113.9", PASSWORD)
        assert response.status_code == 429
        assert int(response["Retry-After"]) <= 20 * 60
        traveller.shift(
            settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=40) + dt.timedelta(seconds=5)
        )
        assert page_login("203.0.113.9", PASSWORD)[1].status_code == 302


@pytest.fixture
def slowdown(settings):
    settings.LOGIN_SLOWDOWN_AFTER = 6
    settings.LOGIN_SLOWDOWN_SECONDS = 30


def test_a_run_over_many_addresses_is_slowed_not_locked(owner, slowdown):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for i in range(settings.LOGIN_SLOWDOWN_AFTER):
            page_login(f"198.51.100.{i}", "wrong")  # one failure from each of many addresses
        # The next attempt, from anywhere and even right, waits for the slowdown.
        response = token_login("10.9.9.9", PASSWORD)
        assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 30
        _client, page = page_login("10.9.9.8", PASSWORD)
        assert page.status_code == 429 and "秒后再试" in page.content.decode()
        # Refused attempts are not recorded: they do not push the wait further out.
        traveller.shift(dt.timedelta(seconds=31))
        assert token_login("10.9.9.9", PASSWORD).status_code == 200


def test_below_the_slowdown_threshold_nobody_waits(owner, slowdown):
    for i in range(settings.LOGIN_SLOWDOWN_AFTER - 1):
        page_login(f"198.51.100.{i}", "wrong")
    assert token_login("10.9.9.9", PASSWORD).status_code == 200
