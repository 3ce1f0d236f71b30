"""Reads of 一线考察: key projects, their cadres and 四个一 records, and which cadences are overdue.

Overdue, per cadre and cadence: no record of that cadence for the latest period that has ended
before `as_of` (today, or the day after the project's end date once it has ended):
- daily (日报告): the last working day before as_of, on core.workdays' calendar (a year whose
  schedule is not entered is counted on the statutory holidays and weekends);
- weekly (周检查): the last whole week, Monday to Sunday;
- monthly (月通报): the last whole calendar month;
- quarterly (季评议): the last whole calendar quarter.
A period is due only from a cadre who was attached, to a project already started, on or before
its first day: a cadre who joins mid-month owes nothing for that month. Only the latest period
counts: an old gap made good by a later record is not flagged again. Nothing is stored; the
same data and as_of give the same answer whenever asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.filters import filtered
from core.workdays import calendar, shared_calendar

from .. import permissions
from ..filters import FrontlineProjectFilter, FrontlineRecordFilter
from ..models import Cadence, FrontlineAssignment, FrontlineProject, FrontlineRecord

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Overdue:
    """A cadence a cadre owes on a project: no record for period_start..period_end."""

    project_id: int
    cadre: object
    cadence: str
    period_start: dt.date
    period_end: dt.date

    @property
    def cadence_label(self) -> str:
        return str(Cadence(self.cadence).label)


def due_period(cadence: str, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The latest whole period of cadence that ended before as_of (see the module docstring)."""
    if cadence == Cadence.DAILY:
        cal, day = calendar(), as_of - ONE_DAY
        for _ in range(60):  # the longest run of holidays and weekends is far shorter
            if cal.is_workday(day, provisional=True):
                break
            day -= ONE_DAY
        return day, day
    if cadence == Cadence.WEEKLY:
        end = as_of - dt.timedelta(days=as_of.weekday() + 1)
        return end - dt.timedelta(days=6), end
    if cadence == Cadence.MONTHLY:
        end = as_of.replace(day=1) - ONE_DAY
        return end.replace(day=1), end
    if cadence == Cadence.QUARTERLY:
        end = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1) - ONE_DAY
        return dt.date(end.year, end.month - 2, 1), end
    raise ValueError(cadence)


def project_as_of(project: FrontlineProject, today: dt.date) -> dt.date:
    """The day overdue is counted at: today, or the day after the project ended."""
    if project.end_date is not None and project.end_date < today:
        return project.end_date + ONE_DAY
    return today


def overdue_by_project(projects, *, user, today: dt.date | None = None) -> dict[int, list[Overdue]]:
    """{project id: [Overdue]} for projects, about the cadres user may see; two queries (and
    the calendar's two when not already read in this request) whatever the number of projects."""
    today = today or timezone.localdate()
    projects = [p for p in projects]
    result: dict[int, list[Overdue]] = {p.pk: [] for p in projects}
    if not projects:
        return result
    periods = {}
    with shared_calendar():
        for project in projects:
            as_of = project_as_of(project, today)
            periods[project.pk] = {c: due_period(c, as_of) for c in Cadence.values}
    earliest = min(start for by_cadence in periods.values() for start, _end in by_cadence.values())
    assignments = (
        FrontlineAssignment.objects.filter(project_id__in=result)
        .filter(permissions.frontline_record_visible_q(user))
        .select_related("cadre").order_by("project_id", "cadre__name", "cadre_id")
    )
    done = set(
        FrontlineRecord.objects.filter(project_id__in=result, date__gte=earliest).values_list(
            "project_id", "cadre_id", "cadence", "date"
        )
    )
    by_key: dict[tuple, set] = {}
    for project_id, cadre_id, cadence, day in done:
        by_key.setdefault((project_id, cadre_id, cadence), set()).add(day)
    starts = {p.pk: p.start_date for p in projects}
    for assignment in assignments:
        for cadence, (start, end) in periods[assignment.project_id].items():
            if start < starts[assignment.project_id] or start < assignment.attached_on:
                continue
            days = by_key.get((assignment.project_id, assignment.cadre_id, cadence), ())
            if not any(start <= d <= end for d in days):
                result[assignment.project_id].append(
                    Overdue(assignment.project_id, assignment.cadre, cadence, start, end)
                )
    return result


# Projects and records -------------------------------------------------------------------------


def frontline_project_list(*, user, filters: dict | None = None) -> QuerySet[FrontlineProject]:
    """Key projects the user may see, with their cadres (those the user may see); raises
    ValidationError on a bad filter."""
    assignments = FrontlineAssignment.objects.filter(
        permissions.frontline_record_visible_q(user)
    ).select_related("cadre", "cadre__unit").order_by("attached_on", "id")
    qs = (
        FrontlineProject.objects.filter(permissions.frontline_project_visible_q(user))
        .select_related("unit")
        .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="visible_assignments"))
    )
    return filtered(FrontlineProjectFilter, filters, qs).order_by("-start_date", "-id")


def frontline_project_get(*, user, pk) -> FrontlineProject:
    try:
        return frontline_project_list(user=user).get(pk=pk)
    except (FrontlineProject.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def frontline_record_list(*, user, filters: dict | None = None) -> QuerySet[FrontlineRecord]:
    """四个一 records about the cadres the user may see, newest first; raises ValidationError on
    a bad filter."""
    qs = FrontlineRecord.objects.filter(permissions.frontline_record_visible_q(user)).select_related(
        "project", "cadre", "cadre__unit"
    )
    return filtered(FrontlineRecordFilter, filters, qs).order_by("-date", "-id")


def frontline_record_get(*, user, pk) -> FrontlineRecord:
    try:
        return frontline_record_list(user=user).get(pk=pk)
    except (FrontlineRecord.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def project_cadre_candidates(project: FrontlineProject) -> QuerySet:
    """The cadres attached to project (whom a record may name)."""
    from cadres.models import Cadre

    return Cadre.objects.filter(frontline_assignments__project=project)


def overdue_count(*, user, today: dt.date | None = None) -> tuple[int, int]:
    """(projects with an overdue cadence, overdue cadences) over the projects user may see that
    are running or ended within the last quarter: the dashboard's figures."""
    today = today or timezone.localdate()
    recent = today - dt.timedelta(days=92)
    projects = FrontlineProject.objects.filter(
        permissions.frontline_project_visible_q(user)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=recent), start_date__lte=today)
    overdue = overdue_by_project(list(projects), user=user, today=today)
    return sum(1 for items in overdue.values() if items), sum(len(items) for items in overdue.values())
