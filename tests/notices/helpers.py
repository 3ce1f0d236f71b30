"""Drafts for the notices tests of numbering, periods, verification and batches."""

import datetime as dt

import time_machine

from notices.models import Notice
from notices.services import notice_create


def pre_appointment(actor, unit, cadre, *, period_start=None, title="任前公示", **fields):
    return notice_create(
        actor=actor, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=unit, title=title,
        entries=[{"cadre": cadre, "proposed_post": "历下区某局局长",
                  "exceptional_reason": "任职年限破格"}], period_start=period_start, **fields)


def at(day: dt.date):
    """Freeze the clock at 9:00 UTC on day (publishing dates the notice by it)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC),
                               tick=False)
