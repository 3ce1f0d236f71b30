"""seed_demo's notices: the four kinds published through the services (Jinan's 任前公示 of
謝允崗 with its 任职年限破格, the Ningbo case's decision, Heshan's clarification and
commendation), each verifiable at /verify/<code>/; a second seed changes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from notices.models import Notice

# A Monday well inside a year the calendar covers: the 任前公示's period can be counted.
TODAY = dt.datetime(2026, 6, 8, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        with transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()


@pytest.fixture
def demo(seeded, db):
    caches["ratelimit"].clear()
    return seeded


def test_the_demo_publishes_the_four_kinds(demo):
    published = {n.kind: n for n in Notice.objects.filter(state=Notice.State.PUBLISHED)}
    assert set(published) == set(Notice.Kind.values), demo
    pre = published[Notice.Kind.PRE_APPOINTMENT]
    assert pre.issuing_unit.code == "JN"
    person = pre.content["people"][0]
    assert person["name"] == "謝允崗" and person["exceptional_reason"] == "任职年限破格"
    assert pre.period_start == dt.date(2026, 6, 9) and pre.period_end == dt.date(2026, 6, 15)
    assert published[Notice.Kind.TOLERANCE_DECISION].content["outcome"] == "exempted"
    assert published[Notice.Kind.COMMENDATION].content["people"] or \
        published[Notice.Kind.COMMENDATION].content["teams"]
    assert all(n.pdf.size > 0 and n.sha256 for n in published.values())


def test_their_verification_pages_work(demo):
    client = Client()
    for notice in Notice.objects.filter(state=Notice.State.PUBLISHED):
        page = client.get(f"/verify/{notice.verification_code}/")
        assert page.status_code == 200
        assert notice.document_number in page.content.decode()


def test_a_second_seed_changes_nothing(demo):
    before = Notice.objects.count()
    with time_machine.travel(TODAY, tick=False):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
    assert Notice.objects.count() == before
