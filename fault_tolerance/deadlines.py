"""The deadline that matters in a case's current state, as a query annotation: used by the
filters and the selectors alike (a module below both, so that neither imports the other)."""

import datetime as dt

from django.db.models import BooleanField, DateField, F, QuerySet, Value, When
from django.db.models import Case as SqlCase

from core.workdays import deadline_after

from .models import Case

State = Case.State


def deadline_threshold(today: dt.date, within: int) -> dt.date:
    """The last day counted as "near": within working days from today (counted on the
    statutory holidays where the calendar does not reach yet)."""
    return deadline_after(today, within).date


_DECISION_STATES = [State.ACCEPTED, State.INVESTIGATING, State.PROPOSED, State.OPINION, State.APPEALED]


def _due_annotation():
    return SqlCase(
        When(state=State.SUBMITTED, then=F("intake_due")),
        When(state__in=_DECISION_STATES, then=F("decision_due")),
        When(state=State.NOTIFIED, then=F("appeal_due")),
        default=Value(None), output_field=DateField(),
    )


def _due_provisional_annotation():
    return SqlCase(
        When(state=State.SUBMITTED, deadline_notes__has_key="intake_due", then=Value(True)),
        When(state__in=_DECISION_STATES, deadline_notes__has_key="decision_due", then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )


def cases_with_due_date(qs: QuerySet[Case]) -> QuerySet[Case]:
    """qs annotated with `due_on`: the deadline that matters in the case's current state
    (intake while submitted, decision until decided, the appeal window once notified), and
    `due_provisional`: whether that date was counted on the statutory holidays (预计)."""
    return qs.annotate(due_on=_due_annotation(), due_provisional=_due_provisional_annotation())
