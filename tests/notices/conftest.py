"""Sources of notices for the API, page and visibility tests: the fault-tolerance people (a
case's workflow, reviewers, 謝允崗's own account), a decided case, a clarification and a
commendable incentive record, all in 历下区; and a Monday after all of them to publish on."""

import datetime as dt

import pytest
import time_machine

from discipline.services import clarification_create
from incentives.models import Measure
from incentives.services.records import record_create
from tests.factories import AppointmentFactory
from tests.fault_tolerance.conftest import advance, new_case, people  # noqa: F401

PUBLISH_DAY = dt.date(2025, 10, 13)  # a Monday after the case's decision (Sep 2025)


@pytest.fixture
def publish_day():
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=dt.UTC), tick=False):
        yield PUBLISH_DAY


@pytest.fixture
def sources(people, new_case, advance):  # noqa: F811 (the fixtures imported above)
    """{"case": a decided case, "clarification", "record": a positive record}, all about
    謝允崗 (解放路街道), made through the services."""
    AppointmentFactory(cadre=people.subject, unit=people.subject.unit,
                       start_date=dt.date(2021, 3, 1), title="副主任")
    case = advance(new_case(), "decided")
    clarification = clarification_create(
        actor=people.staff, cadre=people.subject, manner="written",
        report_summary="反映其违规发放补贴。", finding="经核查，反映问题不属实。",
        clarified_on=dt.date(2025, 9, 20))
    record = record_create(actor=people.staff, measure=Measure.objects.get(code="public_praise"),
                           cadre=people.subject, date=dt.date(2025, 9, 25),
                           reason="防汛抢险表现突出")
    return {"case": case, "clarification": clarification, "record": record}
