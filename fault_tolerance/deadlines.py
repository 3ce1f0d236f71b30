"""The deadline that matters in a case's current state, as a query annotation: used by the
filters and the selectors alike (a module below both, so that neither imports the other)."""

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import DateField, F, QuerySet, Value, When

from core.workdays import CalendarNotCovered, add_working_days

from .models import Case

State = Case.State


def deadline_threshold(today: dt.date, within: int) -> dt.date:
    """The last day counted as "near": within working days from today. When the calendar
    does not cover that far, calendar days are used so that the list still shows too much
    rather than too little."""
    try:
        return add_working_days(today, within)
    except CalendarNotCovered:
        return today + dt.timedelta(days=within * 7 // 5 + 2)


def _due_annotation():
    return SqlCase(
        When(state=State.SUBMITTED, then=F("intake_due")),
        When(
            state__in=[
                State.ACCEPTED,
                State.INVESTIGATING,
                State.PROPOSED,
                State.OPINION,
                State.APPEALED,
            ],
            then=F("decision_due"),
        ),
        When(state=State.NOTIFIED, then=F("appeal_due")),
        default=Value(None),
        output_field=DateField(),
    )


def cases_with_due_date(qs: QuerySet[Case]) -> QuerySet[Case]:
    """qs annotated with `due_on`: the deadline that matters in the case's current state
    (intake while submitted, decision until decided, the appeal window once notified)."""
    return qs.annotate(due_on=_due_annotation())
