"""Working days on the Chinese calendar, held in the database and seeded from chinesecalendar."""

import datetime as dt

import pytest

from core.models import CalendarYear, HolidayDay
from core.workdays import (
    CalendarNotCovered,
    add_working_days,
    covered_years,
    is_workday,
    nth_working_day,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_seeded_years_are_those_the_package_covers():
    years = covered_years()
    assert years[0] == 2004 and years[-1] == 2026
    assert years == list(range(2004, 2027))


@pytest.mark.parametrize(("day", "expected"), [
    (D(2025, 9, 28), True),    # Sunday, make-up working day for National Day
    (D(2025, 10, 1), False),   # National Day
    (D(2025, 10, 8), False),   # last day of the 2025 National Day / Mid-autumn break
    (D(2025, 10, 9), True),    # Thursday, back at work
    (D(2025, 10, 11), True),   # Saturday, make-up working day
    (D(2025, 10, 12), False),  # an ordinary Sunday
    (D(2026, 2, 14), True),    # Saturday, make-up day before Spring Festival
    (D(2026, 2, 16), False),   # Spring Festival (a Monday)
    (D(2026, 2, 23), False),   # last day of the 2026 Spring Festival break (a Monday)
    (D(2026, 2, 28), True),    # Saturday, make-up day after Spring Festival
])
def test_holidays_and_make_up_days(day, expected):
    assert is_workday(day) is expected


def test_add_working_days_across_national_day_2025():
    # Tue 30 Sep + 5 working days: the break runs 1-8 Oct, then Thu 9, Fri 10, Sat 11
    # (make-up), Mon 13, Tue 14.
    assert add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    # Fri 26 Sep + 1: Sun 28 Sep is a make-up working day.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 0) == D(2025, 9, 26)


def test_add_working_days_across_spring_festival_2026():
    # Thu 12 Feb + 3: Fri 13, Sat 14 (make-up), then the break 15-23 Feb, Tue 24.
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    # 30 working days from Mon 2 Feb 2026: 3-6 Feb (4), 9-14 Feb (10, Sat 14 a make-up day),
    # the break, 24-28 Feb (15, Sat 28 a make-up day), then three full weeks of March.
    assert add_working_days(D(2026, 2, 2), 30) == D(2026, 3, 20)


def test_nth_working_day_counts_a_working_start_as_day_one():
    # A disclosure period of 5 working days starting Mon 22 Sep 2025: 22, 23, 24, 25, 26.
    assert nth_working_day(D(2025, 9, 22), 5) == D(2025, 9, 26)
    # Starting on a holiday the first working day is the first counted: 9, 10, 11, 13, 14 Oct.
    assert nth_working_day(D(2025, 10, 3), 5) == D(2025, 10, 14)
    assert nth_working_day(D(2025, 9, 28), 1) == D(2025, 9, 28)


def test_uncovered_year_says_so_instead_of_guessing():
    with pytest.raises(CalendarNotCovered) as exc:
        add_working_days(D(2026, 12, 20), 30)
    assert exc.value.year == 2027
    assert exc.value.messages[0].startswith("2027年的法定节假日安排尚未录入")
    with pytest.raises(CalendarNotCovered):
        is_workday(D(2027, 1, 4))


def test_a_counted_span_inside_a_covered_year_does_not_need_the_next():
    assert add_working_days(D(2026, 12, 1), 5) == D(2026, 12, 8)


def test_an_incomplete_year_is_not_counted_until_marked_complete():
    year = CalendarYear.objects.create(year=2027, complete=False)
    HolidayDay.objects.create(calendar_year=year, date=D(2027, 1, 1), name="元旦")
    with pytest.raises(CalendarNotCovered):
        is_workday(D(2027, 1, 4))
    CalendarYear.objects.filter(pk=year.pk).update(complete=True)
    assert is_workday(D(2027, 1, 1)) is False
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_count_queries_do_not_grow_with_the_span(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        add_working_days(D(2025, 1, 2), 200)


def test_an_administrator_enters_a_year_in_the_admin(client, django_capture_on_commit_callbacks):
    from core.audit import object_history
    from tests.factories import UserFactory

    admin = UserFactory(username="root", roles=["admin"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    data = {
        "year": "2027", "complete": "on", "source": "国务院办公厅通知",
        "days-TOTAL_FORMS": "3", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-01-01", "days-0-name": "元旦",
        "days-1-date": "2027-02-06", "days-1-is_workday": "on", "days-1-name": "春节",
        "days-2-date": "2026-12-31", "days-2-name": "错年份",
    }
    response = client.post("/admin/core/calendaryear/add/", data)
    assert response.status_code == 200 and "日期须在所属年度之内" in response.content.decode()
    data.update({"days-TOTAL_FORMS": "2"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/core/calendaryear/add/", data)
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert is_workday(D(2027, 1, 1)) is False and is_workday(D(2027, 2, 6)) is True
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    entries = list(object_history(obj=year))
    assert entries[0].changes["days"][1] == ["2027-01-01 休 元旦", "2027-02-06 上班 春节"]
    assert entries[-1].action == "create" and entries[-1].actor_username == "root"
