"""Changing a cadre's post in the form offers to record the appointment (任职记录, issue 7
item 18): the current main post ends the day before, the new one is recorded with its document
number, and the timeline is not left empty; all or nothing."""

import datetime as dt

import pytest

from cadres.models import Appointment
from tests.factories import AppointmentFactory

from .test_views import _cadre_form_data, staff_client  # noqa: F401  (staff_client: a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def current_post(cadre_in_street):
    return AppointmentFactory(cadre=cadre_in_street, title=cadre_in_street.position_title or "科长",
                              start_date=dt.date(2020, 1, 1), is_main=True)


def _edit(client, cadre, **changes):
    return client.post(f"/cadres/{cadre.pk}/edit/", _cadre_form_data(cadre, **changes))


def test_the_edit_form_offers_to_record_the_appointment(staff_client, cadre_in_street):
    page = staff_client.get(f"/cadres/{cadre_in_street.pk}/edit/").content.decode()
    assert "同时登记任职记录" in page and "任免文号" in page


def test_a_post_change_recorded_ends_the_current_post_and_fills_the_timeline(staff_client, cadre_in_street,
                                                                            current_post):
    response = _edit(staff_client, cadre_in_street, position_title="副局长", record_appointment="on",
                     appointment_kind="promotion", appointment_start="2025-06-01",
                     appointment_document_number="历组干〔2025〕8号")
    assert response.status_code == 302
    current_post.refresh_from_db()
    assert current_post.end_date == dt.date(2025, 5, 31)
    new = Appointment.objects.get(cadre=cadre_in_street, start_date=dt.date(2025, 6, 1))
    assert (new.title, new.document_number, new.is_main, new.kind) == ("副局长", "历组干〔2025〕8号", True, "promotion")
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.position_title == "副局长"
    timeline = staff_client.get(f"/api/v1/cadres/{cadre_in_street.pk}/timeline/").json()["results"]
    assert any(e["kind"] == "appointment" and "副局长" in e["title"] for e in timeline)


def test_without_the_box_no_appointment_is_recorded(staff_client, cadre_in_street, current_post):
    assert _edit(staff_client, cadre_in_street, position_title="副局长").status_code == 302
    assert Appointment.objects.filter(cadre=cadre_in_street).count() == 1


@pytest.mark.parametrize("start", ["", "2019-12-31"])
def test_a_missing_or_too_early_start_changes_nothing(staff_client, cadre_in_street, current_post, start):
    response = _edit(staff_client, cadre_in_street, position_title="副局长", record_appointment="on",
                     appointment_kind="promotion", appointment_start=start)
    assert response.status_code == 400
    assert "任职开始日期" in response.content.decode()
    cadre_in_street.refresh_from_db()
    current_post.refresh_from_db()
    assert cadre_in_street.position_title != "副局长" and current_post.end_date is None
    assert Appointment.objects.filter(cadre=cadre_in_street).count() == 1
