"""Working days on the Chinese calendar: weekends, statutory holidays and make-up working
days (调休), read from the calendar held in the database (core.CalendarYear / HolidayDay).

Two ways to count:
- `add_working_days` / `nth_working_day` / `is_workday` count only on entered years and
  raise CalendarNotCovered for a year whose schedule is not entered (a disclosure period
  printed on a notice must not be a guess).
- `deadline_after` counts a deadline that may run into a year with no entered schedule: that
  year is counted on its statutory holidays (《全国年节及纪念日放假办法》 as amended in 2024,
  lunar dates from lunar_python) and weekends, and the result names the years it guessed, so
  that the deadline is shown as provisional (预计) and recounted when the schedule arrives.

The calendar is read once per scope: a request (request_started/finished), or a bulk count
wrapped in `shared_calendar()`; outside a scope every count reads it afresh. Saving or
deleting a CalendarYear or HolidayDay drops the scope's copy."""

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asgiref.local import Local
from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .models import CalendarYear, HolidayDay

# Sent (on commit) after an administrator changes the calendar, so that deadlines that
# were counted provisionally are counted again. No arguments.
calendar_changed = Signal()

# A guard against a runaway loop from an absurd n, not a business limit.
_MAX_SPAN_DAYS = 20 * 366


class CalendarNotCovered(ValidationError):
    """A count needs a year whose holiday schedule is not in the database (a 400 in the API)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("%(year)s年的法定节假日安排尚未录入，无法按工作日计算。") % {"year": year},
            code="calendar_not_covered",
        )


# Statutory holidays ---------------------------------------------------------------------


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The days off that 《全国年节及纪念日放假办法》 (2024 amendment, in force from 2025) grants in
    year, by name: 元旦 1, 春节 4 (除夕 to 初三), 清明 1 (the solar term), 劳动节 2, 端午 1,
    中秋 1, 国庆 3. Without the State Council's yearly notice there are no make-up days and
    no bridging: weekends stay weekends."""
    from lunar_python import Lunar

    def solar(lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = Lunar.fromYmd(year, 1, 1)
    days = {dt.date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
        days[solar(new_year.next(offset))] = "春节"
    qingming = new_year.getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days[solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return {day: name for day, name in sorted(days.items()) if day.year == year}


# The calendar ----------------------------------------------------------------------------


class Calendar:
    """Every entered (complete) year's special days, read in two queries."""

    def __init__(self):
        self.years = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
        self.days: dict[dt.date, bool] = dict(
            HolidayDay.objects.filter(calendar_year__complete=True).values_list(
                "date", "is_workday"
            )
        )

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_workday(self, day: dt.date, *, provisional: bool = False) -> bool:
        """Whether day is a working day; an unentered year raises CalendarNotCovered, or with
        provisional=True is counted on the statutory holidays."""
        if day.year in self.years:
            special = self.days.get(day)
        elif provisional:
            special = False if day in statutory_holidays(day.year) else None
        else:
            raise CalendarNotCovered(day.year)
        return day.weekday() < 5 if special is None else special


_scope = Local()


def calendar() -> Calendar:
    """The calendar of the current scope (request or shared_calendar()), or a fresh one."""
    if not getattr(_scope, "depth", 0):
        return Calendar()
    if getattr(_scope, "calendar", None) is None:
        _scope.calendar = Calendar()
    return _scope.calendar


@contextmanager
def shared_calendar() -> Iterator[None]:
    """Read the calendar once for every count inside (a request, a bulk recount)."""
    _scope.depth = getattr(_scope, "depth", 0) + 1
    try:
        yield
    finally:
        _scope.depth -= 1
        if not _scope.depth:
            _scope.calendar = None


def calendar_invalidate(**kwargs) -> None:
    """Drop the current scope's copy (connected to the calendar models' save and delete)."""
    _scope.calendar = None


def request_started(**kwargs) -> None:
    _scope.depth, _scope.calendar = 1, None


def request_finished(**kwargs) -> None:
    _scope.depth, _scope.calendar = 0, None


# Counting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A counted deadline; provisional_years lists the years counted on statutory holidays
    alone because their schedule is not entered (empty: the count is final)."""

    date: dt.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def _count(start: dt.date, n: int, *, provisional: bool) -> Deadline:
    if n < 0:
        raise ValueError("n must not be negative")
    cal = calendar()
    day, counted, guessed = start, 0, set()
    while counted < n:
        day += dt.timedelta(days=1)
        if (day - start).days > _MAX_SPAN_DAYS:
            raise ValueError("working-day count out of range")
        if cal.is_workday(day, provisional=provisional):
            counted += 1
        if provisional and not cal.covers(day.year):
            guessed.add(day.year)
    return Deadline(day, tuple(sorted(guessed)))


def is_workday(day: dt.date) -> bool:
    """Whether day is a working day; raises CalendarNotCovered for an unentered year."""
    return calendar().is_workday(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The nth working day after start (start itself not counted); n=0 gives start.
    Raises CalendarNotCovered when the count reaches a year not in the calendar."""
    return _count(start, n, provisional=False).date


def deadline_after(start: dt.date, n: int) -> Deadline:
    """The nth working day after start, counting a year with no entered schedule on its
    statutory holidays (and saying so in the result's provisional_years)."""
    return _count(start, n, provisional=True)


def nth_working_day(start: dt.date, n: int) -> dt.date:
    """The last day of a period of n working days beginning on start; start counts as day 1
    when it is a working day (API.md's rule for disclosure periods). Raises CalendarNotCovered."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return add_working_days(start - dt.timedelta(days=1), n)


def covered_years() -> list[int]:
    """The years working days can be counted in, ascending."""
    return sorted(calendar().years)
