"""Deadlines in working days on the Chinese calendar, the staff's deadline list, and what an
exemption protects."""

import datetime as dt

import pytest
import time_machine

from core.models import CalendarYear, HolidayDay
from core.timeline import cadre_timeline
from core.workdays import calendar_changed
from fault_tolerance.models import Case, Policy
from fault_tolerance.selectors import (
    deadline_watch,
    is_protected,
    protected_cadre_ids,
    protected_matters,
)
from fault_tolerance.services import case_transition

pytestmark = pytest.mark.django_db
A = Case.Action
D = dt.date


def _at(day, case, action, actor, **data):
    with time_machine.travel(day, tick=False):
        return case_transition(case=case, action=action, actor=actor, **data)


def test_intake_and_decision_deadlines_across_national_day_2025(people, new_case):
    # Submitted Fri 26 Sep: 28 Sep (Sunday, a make-up day), 29, 30 Sep, then the 1-8 Oct
    # break, 9 and 10 Oct: five working days.
    case = _at(D(2025, 9, 26), new_case(), A.SUBMIT, people.filer)
    assert case.intake_due == D(2025, 10, 10)
    # Accepted Tue 30 Sep: 9, 10, 11 (Saturday, make-up) Oct, then five-day weeks from 13 Oct:
    # the 30th working day is Tue 18 Nov.
    case = _at(D(2025, 9, 30), case, A.ACCEPT, people.staff)
    assert case.decision_due == D(2025, 11, 18)
    assert case.deadlines == {"intake_due": D(2025, 10, 10), "decision_due": D(2025, 11, 18), "appeal_due": None,
                              "provisional": []}
    assert case.deadline_notes == {}


def test_intake_deadline_across_spring_festival_2026(people, new_case):
    # Thu 12 Feb: 13 Feb, 14 Feb (Saturday, make-up), the 15-23 Feb break, 24, 25, 26 Feb.
    case = _at(D(2026, 2, 12), new_case(), A.SUBMIT, people.filer)
    assert case.intake_due == D(2026, 2, 26)


def test_appeal_window_is_thirty_calendar_days_after_notice(people, new_case, advance):
    case = advance(new_case(), "decided")
    case = _at(D(2025, 9, 30), case, A.NOTIFY, people.staff)
    assert case.appeal_due == D(2025, 10, 30)


def test_policy_sets_the_number_of_days(people, new_case, tree):
    Policy.objects.create(jurisdiction=tree["city"], intake_days=3)
    case = _at(D(2025, 9, 26), new_case(), A.SUBMIT, people.filer)
    assert case.intake_due == D(2025, 9, 30)


def test_a_deadline_into_an_unentered_year_is_provisional_until_the_schedule_arrives(
        people, new_case, django_capture_on_commit_callbacks):
    case = _at(D(2026, 11, 23), new_case(), A.SUBMIT, people.filer)
    case = _at(D(2026, 11, 24), case, A.ACCEPT, people.staff)
    assert case.intake_due == D(2026, 11, 30)
    # Counted on 2027's statutory holidays: 25-27 Nov (3), four full weeks to 25 Dec (23),
    # 28-31 Dec (27), 1 Jan (元旦) off, 4-6 Jan (30).
    assert case.decision_due == D(2027, 1, 6)
    assert case.deadline_notes == {"decision_due": [2027]}
    assert case.deadlines["provisional"] == ["decision_due"]
    assert case.deadline_note("decision_due").startswith("预计：2027年的节假日安排尚未公布录入")
    # The schedule arrives with 1-3 Jan off and Mon 4 Jan off too (a made-up bridging day):
    # the deadline is recounted, and is final.
    year = CalendarYear.objects.create(year=2027, complete=True, source="国办发明电〔2026〕")
    for day in (1, 2, 3, 4):
        HolidayDay.objects.create(calendar_year=year, date=D(2027, 1, day), name="元旦")
    with django_capture_on_commit_callbacks(execute=True):
        calendar_changed.send(sender=CalendarYear)
    case.refresh_from_db()
    assert case.decision_due == D(2027, 1, 7) and case.deadline_notes == {}
    assert case.deadlines["provisional"] == []


def test_a_case_accepted_today_has_a_provisional_decision_deadline(people, new_case):
    case = _at(D(2026, 11, 27), new_case(), A.SUBMIT, people.filer)
    case = _at(D(2026, 11, 29), case, A.ACCEPT, people.staff)
    # From Sun 29 Nov: 30 Nov-4 Dec (5), 7 Dec-1 Jan less 元旦 (24), Mon 4 Jan ... Mon 11 Jan (30).
    assert case.decision_due == D(2027, 1, 11)
    assert case.deadlines["provisional"] == ["decision_due"]


def test_deadline_watch_lists_overdue_and_near_first(people, new_case, tree):
    overdue = _at(D(2025, 9, 26), new_case(title="已超期"), A.SUBMIT, people.filer)   # due 10 Oct
    near = _at(D(2025, 10, 10), new_case(title="临近"), A.SUBMIT, people.filer)       # due 16 Oct (11th a make-up)
    _at(D(2025, 10, 13), new_case(title="尚早"), A.SUBMIT, people.filer)              # due 20 Oct
    provisional = _at(D(2026, 11, 23), new_case(title="预计"), A.SUBMIT, people.filer)
    _at(D(2026, 11, 24), provisional, A.ACCEPT, people.staff)
    # Today Tue 14 Oct 2025; three working days on is Fri 17 Oct.
    rows = list(deadline_watch(user=people.staff, today=D(2025, 10, 14)))
    assert [(c.title, c.due_on, c.due_provisional) for c in rows] == [
        ("已超期", D(2025, 10, 10), False), ("临近", D(2025, 10, 16), False)]
    assert overdue.intake_due < D(2025, 10, 14) <= near.intake_due
    assert list(deadline_watch(user=people.outsider_staff, today=D(2025, 10, 14))) == []
    # Near the end of 2026 the provisional one is near too, and says so.
    rows = list(deadline_watch(user=people.staff, today=D(2027, 1, 4)))
    assert [(c.title, c.due_on, c.due_provisional) for c in rows if c.title == "预计"] == [
        ("预计", D(2027, 1, 6), True)]


def test_exempted_case_protects_its_cadre(people, new_case, advance):
    case = advance(new_case(), "notified")
    assert list(protected_matters(people.subject)) == [case]
    assert is_protected(people.subject, case)
    assert protected_cadre_ids([people.subject.pk, 999]) == {people.subject.pk}
    entry = next(e for e in cadre_timeline(cadre=people.subject, user=people.staff) if e["kind"] == "tolerance_case")
    assert entry["object_id"] == case.pk and "受容错保护" in entry["detail"]


def test_mitigated_case_protects_nothing(people, new_case, advance):
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["mitigated"] * 3)
    case = case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    assert case.outcome == "mitigated"
    assert not is_protected(people.subject, case)
    assert list(protected_matters(people.subject)) == []
