"""The statutory holidays of 《全国年节及纪念日放假办法》 (2024 amendment), computed for a year
whose State Council schedule is not entered yet, with lunar dates from lunar_python."""

import datetime as dt

import pytest

from core.models import HolidayDay
from core.workdays import CalendarNotCovered, add_working_days, deadline_after, statutory_holidays

pytestmark = pytest.mark.django_db
D = dt.date


def _by_name(year):
    named: dict[str, list[dt.date]] = {}
    for day, name in statutory_holidays(year).items():
        named.setdefault(name, []).append(day)
    return named


def test_2025():
    named = _by_name(2025)
    assert named["春节"] == [
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
    ]  # 除夕 1/28
    assert named["清明节"] == [D(2025, 4, 4)]
    assert named["端午节"] == [D(2025, 5, 31)]
    assert named["中秋节"] == [D(2025, 10, 6)]
    assert named["元旦"] == [D(2025, 1, 1)]
    assert named["劳动节"] == [D(2025, 5, 1), D(2025, 5, 2)]
    assert named["国庆节"] == [D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 3)]
    assert len(statutory_holidays(2025)) == 13


def test_2026_and_2027():
    assert _by_name(2026)["春节"][0] == D(2026, 2, 16)  # 除夕
    assert _by_name(2026)["清明节"] == [D(2026, 4, 5)]
    assert _by_name(2026)["端午节"] == [D(2026, 6, 19)]
    assert _by_name(2026)["中秋节"] == [D(2026, 9, 25)]
    named = _by_name(2027)
    assert named["春节"] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]
    assert named["清明节"] == [D(2027, 4, 5)]
    assert named["端午节"] == [D(2027, 6, 9)]
    assert named["中秋节"] == [D(2027, 9, 15)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_off_in_the_published_schedule(year):
    off = set(
        HolidayDay.objects.filter(calendar_year__year=year, is_workday=False).values_list(
            "date", flat=True
        )
    )
    assert set(statutory_holidays(year)) <= off


def test_the_strict_count_still_refuses_an_unentered_year_and_the_deadline_count_guesses_it():
    with pytest.raises(CalendarNotCovered):
        add_working_days(D(2026, 12, 30), 5)
    due = deadline_after(D(2026, 12, 30), 5)
    # 31 Dec (1), 1 Jan 元旦 off, 2-3 Jan weekend, 4-7 Jan (5).
    assert due.date == D(2027, 1, 7) and due.provisional_years == (2027,)
    # Across 2027's Spring Festival (5-8 Feb off, 6-7 a weekend): Thu 4 Feb + 2 is Wed 10 Feb.
    assert deadline_after(D(2027, 2, 4), 2).date == D(2027, 2, 10)
    # A count that stays in an entered year is final.
    assert deadline_after(D(2026, 12, 1), 5).provisional_years == ()
