"""Publishing a notice: it takes the next number of its kind and year, stores its PDF and the
PDF's SHA-256, and never changes again."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.errors import Conflict
from notices.models import Notice
from notices.services import notice_create, notice_publish, notice_update
from tests.factories import AppointmentFactory, CadreFactory


@pytest.fixture
def monday():
    with time_machine.travel(dt.datetime(2025, 6, 9, 9, 0, tzinfo=dt.UTC), tick=False):
        yield dt.date(2025, 6, 9)


def draft(staff_user, tree, cadre, **fields):
    return notice_create(
        actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=tree["district"],
        entries=[{"cadre": cadre, "proposed_post": "历下区某局局长",
                  "exceptional_reason": "任职年限破格"}], **fields)


@pytest.mark.django_db
def test_publishing_numbers_stores_and_freezes(staff_user, tree, cadre_in_street, monday):
    AppointmentFactory(cadre=cadre_in_street, unit=tree["street"], start_date=dt.date(2020, 3, 1))
    notice = draft(staff_user, tree, cadre_in_street, period_start=monday)
    published = notice_publish(actor=staff_user, notice=notice)
    assert published.document_number == "某组公〔2025〕1号"
    assert published.period_end == dt.date(2025, 6, 13)  # Mon..Fri, five working days
    data = bytes(published.pdf.data)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == published.sha256
    assert list(published.subjects.all()) == [cadre_in_street]
    assert published.content["people"][0]["exceptional_reason"] == "任职年限破格"

    second = notice_publish(actor=staff_user, notice=draft(
        staff_user, tree, CadreFactory(unit=tree["street"]), period_start=monday))
    assert second.document_number == "某组公〔2025〕2号"
    with pytest.raises(Conflict):
        notice_update(actor=staff_user, notice=published, title="改")
    with pytest.raises(Conflict):
        notice_publish(actor=staff_user, notice=published)


@pytest.mark.django_db
def test_an_incomplete_draft_is_refused_and_takes_no_number(staff_user, tree, cadre_in_street, monday):
    notice = draft(staff_user, tree, cadre_in_street)  # no period_start
    with pytest.raises(ValidationError) as refused:
        notice_publish(actor=staff_user, notice=notice)
    assert "period_start" in refused.value.message_dict
    notice.refresh_from_db()
    assert notice.state == Notice.State.DRAFT and notice.sequence is None
    notice_update(actor=staff_user, notice=notice, period_start=monday)
    assert notice_publish(actor=staff_user, notice=notice).sequence == 1
