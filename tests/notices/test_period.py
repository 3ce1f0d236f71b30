"""The disclosure period of a 任前公示, counted in working days by the entered calendar: over a
weekend, over 国庆/中秋 2025 with its make-up Saturday, from a non-working day; a period that runs
into a year with no entered schedule is refused until the schedule is entered."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import CalendarYear, HolidayDay
from notices.models import Notice
from notices.services import notice_publish

from .helpers import at, pre_appointment


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "start", "end"), [
    # Thursday: Thu, Fri, (weekend), Mon, Tue, Wed.
    (dt.date(2025, 6, 12), dt.date(2025, 6, 12), dt.date(2025, 6, 18)),
    # Monday 29 September: 29, 30, (1-8 October 国庆 and 中秋), 9, 10, and Saturday the 11th,
    # a make-up working day.
    (dt.date(2025, 9, 26), dt.date(2025, 9, 29), dt.date(2025, 10, 11)),
    # A Saturday is not day one: Monday is.
    (dt.date(2025, 6, 13), dt.date(2025, 6, 14), dt.date(2025, 6, 20)),
    # The first day of 国庆 is not day one either: the 9th is, then 10, 11 (make-up), 13, 14.
    (dt.date(2025, 9, 30), dt.date(2025, 10, 1), dt.date(2025, 10, 14)),
])
def test_period_end_on_the_calendar(staff_user, tree, cadre_in_street, today, start, end):
    with at(today):
        notice = notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["district"], cadre_in_street, period_start=start))
    assert notice.period_end == end
    assert notice.content["period"]["end"] == f"{end.year}年{end.month}月{end.day}日"
    assert notice.content["period"]["start"] == f"{start.year}年{start.month}月{start.day}日"


@pytest.mark.django_db
def test_a_period_into_a_year_without_schedule_is_refused_until_entered(
        staff_user, tree, cadre_in_street):
    CalendarYear.objects.filter(year__gte=2027).delete()
    start = dt.date(2026, 12, 28)  # Monday: four working days are left in 2026
    with at(dt.date(2026, 12, 21)):
        notice = pre_appointment(staff_user, tree["district"], cadre_in_street, period_start=start)
        with pytest.raises(ValidationError) as refused:
            notice_publish(actor=staff_user, notice=notice)
        assert "2027年" in refused.value.message_dict["period_start"][0]
        notice.refresh_from_db()
        assert notice.state == Notice.State.DRAFT and notice.sequence is None

        year = CalendarYear.objects.create(year=2027, complete=True, source="国办发明电〔2026〕")
        HolidayDay.objects.create(calendar_year=year, date=dt.date(2027, 1, 1), name="元旦")
        published = notice_publish(actor=staff_user, notice=notice)
    # 28, 29, 30, 31 December; 1 January (Friday) is 元旦, then the weekend: Monday the 4th.
    assert published.period_end == dt.date(2027, 1, 4)
    assert published.sequence == 1
