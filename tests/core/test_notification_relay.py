"""Notification emails whose task never ran are relayed from their rows (the outbox), once:
not before the task had its turn, not for matters days old, and never twice."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Notification, Role
from core.notifications import notification_email_relay, notify
from tests.factories import UserFactory
from tests.fault_tolerance.flaky_mail import FlakyBackend

pytestmark = pytest.mark.django_db
KIND = "incentives.timely_approve"


def _made(minutes_ago: float, *emails: str) -> list[Notification]:
    people = [UserFactory(username=e.split("@")[0], email=e, roles=[Role.STAFF]) for e in emails]
    rows = notify(kind=KIND, recipients=people, context={"reward": "x"})  # on_commit never runs
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return rows


def test_the_relay_sends_each_unsent_email_once(mailoutbox):
    _made(15, "a@example.cn", "b@example.cn")
    assert notification_email_relay() == {"pending": 2, "sent": 2}
    assert sorted(m.to for m in mailoutbox) == [["a@example.cn"], ["b@example.cn"]]
    assert notification_email_relay() == {"pending": 0, "sent": 0}
    assert len(mailoutbox) == 2


def test_the_relay_leaves_what_is_the_tasks_turn_and_what_is_too_old(mailoutbox, settings):
    settings.NOTIFICATION_RELAY_AFTER_SECONDS = 600
    settings.NOTIFICATION_RELAY_WITHIN_SECONDS = 2 * 24 * 3600
    _made(2, "fresh@example.cn")  # its task may still be on its way
    _made(3 * 24 * 60, "stale@example.cn")  # three days old: the app shows it, no mail now
    assert notification_email_relay() == {"pending": 0, "sent": 0}
    assert mailoutbox == []


def test_a_mail_server_down_stops_the_run_and_the_next_one_sends(mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.fault_tolerance.flaky_mail.FlakyBackend"
    FlakyBackend.failures_left, FlakyBackend.attempts = 1, 0
    first, second = _made(15, "c@example.cn", "d@example.cn")
    result = notification_email_relay()
    assert result["sent"] == 0 and result["stopped"] == first.pk and FlakyBackend.attempts == 1
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    assert notification_email_relay() == {"pending": 2, "sent": 2}
    assert len(mailoutbox) == 2


def test_beat_runs_the_relay():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["core.relay_notification_emails"]
    assert entry["task"] == "core.tasks.relay_notification_emails" and entry["task"] in app.tasks
