"""Working days on the Chinese calendar: weekends, statutory holidays and make-up working
days (调休), read from the calendar held in the database (core.CalendarYear / HolidayDay).

A year whose schedule has not been entered is never guessed: any count that reaches it
raises CalendarNotCovered, whose message says which year is missing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .models import CalendarYear, HolidayDay

# Sent (on commit) after an administrator changes the calendar, so that deadlines that
# could not be counted before are counted now. No arguments.
calendar_changed = Signal()

# A guard against a runaway loop from an absurd n, not a business limit.
_MAX_SPAN_DAYS = 20 * 366


class CalendarNotCovered(ValidationError):
    """A count needs a year whose holiday schedule is not in the database (a 400 in the API)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("%(year)s年的法定节假日安排尚未录入，无法按工作日计算期限。请管理员在后台录入该年度的节假日和调休安排。")
            % {"year": year},
            code="calendar_not_covered",
        )


class _Calendar:
    """The calendar for the years a single count touches, loaded one year at a time."""

    def __init__(self):
        self._years: dict[int, dict[dt.date, bool]] = {}

    def _load(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            if not CalendarYear.objects.filter(year=year, complete=True).exists():
                raise CalendarNotCovered(year)
            self._years[year] = dict(
                HolidayDay.objects.filter(calendar_year__year=year).values_list("date", "is_workday"))
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        special = self._load(day.year).get(day)
        return day.weekday() < 5 if special is None else special


def is_workday(day: dt.date) -> bool:
    """Whether day is a working day; raises CalendarNotCovered for an uncovered year."""
    return _Calendar().is_workday(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The nth working day after start (start itself not counted); n=0 gives start.
    Raises CalendarNotCovered when the count reaches a year not in the calendar."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _Calendar()
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if (day - start).days > _MAX_SPAN_DAYS:
            raise ValueError("working-day count out of range")
        if calendar.is_workday(day):
            counted += 1
    return day


def nth_working_day(start: dt.date, n: int) -> dt.date:
    """The last day of a period of n working days beginning on start; start counts as day 1
    when it is a working day (API.md's rule for disclosure periods). Raises CalendarNotCovered."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return add_working_days(start - dt.timedelta(days=1), n)


def covered_years() -> list[int]:
    """The years working days can be counted in, ascending."""
    return list(CalendarYear.objects.filter(complete=True).order_by("year").values_list("year", flat=True))
