"""A case accepted today (29 Nov 2026, before 2027's schedule is published) has a provisional
decision deadline, counted on 2027's statutory holidays: in the API, the page and the queue.
Only administrators are asked to enter the schedule. Deadlines are stored, so listing cases
never reads the calendar; counts share one read of it per request or bulk recount."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import CalendarYear
from core.workdays import deadline_after, shared_calendar
from fault_tolerance.models import Case
from fault_tolerance.services import case_transition

pytestmark = pytest.mark.django_db
A = Case.Action
D = dt.date
TODAY = D(2026, 11, 29)


@pytest.fixture
def accepted_today(people, new_case):
    with time_machine.travel(TODAY, tick=False):
        case = case_transition(case=new_case(), action=A.SUBMIT, actor=people.filer)
        return case_transition(case=case, action=A.ACCEPT, actor=people.staff)


def test_the_api_gives_the_provisional_decision_deadline(api, people, accepted_today):
    api.force_authenticate(user=people.staff)
    body = api.get(f"/api/v1/tolerance-cases/{accepted_today.pk}/").json()
    assert body["deadlines"]["decision_due"] == "2027-01-11"
    assert body["deadlines"]["provisional"] == ["decision_due"]
    assert body["deadline_notes"]["decision_due"].startswith("预计：2027年的节假日安排尚未公布录入")


@pytest.mark.parametrize("who", ["staff", "cadre_account", "admin"])
def test_the_page_marks_it_and_only_administrators_are_asked_to_enter_the_schedule(
    client, people, accepted_today, who
):
    user = getattr(people, who)
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(f"/tolerance/{accepted_today.pk}/").content.decode()
    deadline = page.split('id="deadline-decision_due"')[1].split("</div>")[0]
    assert "2027-01-11" in deadline and "预计" in deadline
    assert "请管理员" not in page  # no instruction meant for someone else
    asked = 'id="calendar-prompt"' in page and "/admin/core/calendaryear/notice/" in page
    assert asked is (who == "admin")


def test_the_queue_and_the_list_mark_it(client, people, accepted_today):
    client.force_login(people.staff)
    with time_machine.travel(TODAY, tick=False):
        for url in ("/tolerance/queue/", "/tolerance/"):
            page = client.get(url).content.decode()
            row = page.split(f'href="/tolerance/{accepted_today.pk}/"')[1].split("</tr>")[0]
            assert "2027-01-11" in row and "预计" in row, url


def test_listing_cases_costs_the_same_queries_for_one_and_twenty(api, people, new_case):
    api.force_authenticate(user=people.staff)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/tolerance-cases/").status_code == 200
        return len(ctx)

    with time_machine.travel(TODAY, tick=False):
        first = case_transition(case=new_case(), action=A.SUBMIT, actor=people.filer)
        case_transition(case=first, action=A.ACCEPT, actor=people.staff)
        one = queries_for_list()
        for i in range(19):
            case = case_transition(
                case=new_case(title=f"案件{i}"), action=A.SUBMIT, actor=people.filer
            )
            case_transition(case=case, action=A.ACCEPT, actor=people.staff)
        assert Case.objects.exclude(deadline_notes={}).count() == 20
        assert queries_for_list() == one


def test_a_bulk_count_reads_the_calendar_once(django_assert_num_queries):
    starts = [TODAY + dt.timedelta(days=i) for i in range(20)]
    with django_assert_num_queries(2), shared_calendar():
        dues = [deadline_after(day, 30) for day in starts]
    assert all(due.provisional_years == (2027,) for due in dues)
    with django_assert_num_queries(2), shared_calendar():
        deadline_after(starts[0], 30)


def test_a_change_to_the_calendar_is_seen_inside_the_scope():
    with shared_calendar():
        assert deadline_after(D(2026, 12, 31), 1) == deadline_after(D(2026, 12, 31), 1)
        assert deadline_after(D(2026, 12, 31), 1).provisional
        CalendarYear.objects.create(year=2027, complete=True)
        due = deadline_after(D(2026, 12, 31), 1)
    # Entered with no special days at all: 1 Jan 2027 (a Friday) is a working day now.
    assert due.date == D(2027, 1, 1) and not due.provisional
