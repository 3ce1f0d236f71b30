"""一线考察: the 四个一 cadences and when each is overdue (the latest whole period with no record),
records refused outside the project or before a cadre joined, and the outcomes (红旗标兵, the
reserve list) given once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments.models import FrontlineRecord, ReserveListEntry
from assessments.selectors.frontline import due_period, overdue_by_project, overdue_count
from assessments.services.frontline import (
    frontline_cadres_attach,
    frontline_outcome,
    frontline_project_create,
    frontline_record_create,
)
from cadres.models import Cadre
from tests.factories import CadreFactory

D = dt.date


def test_due_periods_per_cadence(db):
    # as of Thursday 2025-11-13: yesterday, last week, last month, last quarter
    as_of = D(2025, 11, 13)
    assert due_period("daily", as_of) == (D(2025, 11, 12), D(2025, 11, 12))
    assert due_period("weekly", as_of) == (D(2025, 11, 3), D(2025, 11, 9))
    assert due_period("monthly", as_of) == (D(2025, 10, 1), D(2025, 10, 31))
    assert due_period("quarterly", as_of) == (D(2025, 7, 1), D(2025, 9, 30))
    # a Monday's daily report due is the Friday before; after National Day, the last working day
    assert due_period("daily", D(2025, 11, 17)) == (D(2025, 11, 14), D(2025, 11, 14))
    assert due_period("daily", D(2025, 10, 9))[0] == D(2025, 9, 30)
    assert due_period("quarterly", D(2026, 1, 5)) == (D(2025, 10, 1), D(2025, 12, 31))


@pytest.fixture
def project(tree, staff_user):
    a, b = CadreFactory(unit=tree["street"], name="甲"), CadreFactory(unit=tree["street"], name="乙")
    return frontline_project_create(actor=staff_user, name="小清河治理", unit=tree["district"],
                                    start_date=D(2025, 6, 2), cadres=[(a, None), (b, D(2025, 11, 10))])


def _record(staff_user, project, cadre, cadence, day):
    return frontline_record_create(actor=staff_user, project=project, cadre=cadre, cadence=cadence, date=day,
                                   content="按期记录")


def _overdue(project, user, today):
    return {(o.cadre.name, o.cadence) for o in overdue_by_project([project], user=user, today=today)[project.pk]}


def test_each_cadence_is_overdue_until_its_latest_period_has_a_record(project, staff_user):
    a = Cadre.objects.get(name="甲")
    today = D(2025, 11, 13)
    # 乙 joined on 11-10: owes the daily report of 11-12 only (not last week, month or quarter)
    assert _overdue(project, staff_user, today) == {
        ("甲", "daily"), ("甲", "weekly"), ("甲", "monthly"), ("甲", "quarterly"), ("乙", "daily")}
    _record(staff_user, project, a, "daily", D(2025, 11, 12))
    _record(staff_user, project, a, "weekly", D(2025, 11, 7))
    _record(staff_user, project, a, "monthly", D(2025, 10, 31))
    # an older quarter's review does not make good the latest one
    _record(staff_user, project, a, "quarterly", D(2025, 6, 30))
    assert _overdue(project, staff_user, today) == {("甲", "quarterly"), ("乙", "daily")}
    _record(staff_user, project, a, "quarterly", D(2025, 9, 26))
    assert _overdue(project, staff_user, today) == {("乙", "daily")}
    # a week later the daily and weekly are due again
    assert _overdue(project, staff_user, D(2025, 11, 20)) >= {("甲", "daily"), ("甲", "weekly")}


def test_a_finished_project_is_counted_at_its_end(project, staff_user, tree):
    ended = frontline_project_create(actor=staff_user, name="已完工", unit=tree["district"],
                                     start_date=D(2025, 9, 1), end_date=D(2025, 9, 30),
                                     cadres=[(Cadre.objects.get(name="甲"), None)])
    # as of 2025-10-01: September's month is due, and stays the only monthly due later
    later = _overdue(ended, staff_user, D(2027, 1, 1))
    assert ("甲", "monthly") in later
    assert later == _overdue(ended, staff_user, D(2025, 10, 1))


def test_overdue_reads_a_fixed_number_of_queries(project, staff_user, tree, django_assert_max_num_queries):
    more = [frontline_project_create(actor=staff_user, name=f"工程{i}", unit=tree["district"],
                                     start_date=D(2025, 1, 6), cadres=[(CadreFactory(unit=tree["street"]), None)])
            for i in range(5)]
    with django_assert_max_num_queries(4):
        overdue_by_project([project, *more], user=staff_user, today=D(2025, 11, 13))


def test_records_outside_the_project_or_before_joining_are_refused(project, staff_user, tree):
    b = Cadre.objects.get(name="乙")
    with pytest.raises(ValidationError) as early:
        _record(staff_user, project, b, "daily", D(2025, 11, 7))
    assert "date" in early.value.message_dict
    with pytest.raises(ValidationError) as stranger:
        _record(staff_user, project, CadreFactory(unit=tree["street"]), "daily", D(2025, 11, 7))
    assert "cadre" in stranger.value.message_dict
    _record(staff_user, project, b, "daily", D(2025, 11, 11))
    with pytest.raises(ValidationError):
        _record(staff_user, project, b, "daily", D(2025, 11, 11))
    assert FrontlineRecord.objects.count() == 1


def test_attaching_a_cadre_twice_is_refused(project, staff_user):
    with pytest.raises(ValidationError):
        frontline_cadres_attach(actor=staff_user, project=project, cadres=[(Cadre.objects.get(name="甲"), None)])


def test_outcomes_tag_and_list_once(project, staff_user):
    a = Cadre.objects.get(name="甲")
    result = frontline_outcome(actor=staff_user, project=project, cadres=[a], red_flag=True, reserve=True,
                               listed_on=D(2025, 12, 1))
    assert [c.pk for c in result["tagged"]] == [a.pk] and len(result["listed"]) == 1
    again = frontline_outcome(actor=staff_user, project=project, cadres=[a], red_flag=True, reserve=True)
    assert again == {"tagged": [], "listed": []}
    a.refresh_from_db()
    assert a.tags == [Cadre.Tag.RED_FLAG]
    entry = ReserveListEntry.objects.get()
    assert (entry.source, entry.project_id, entry.listed_on) == ("frontline", project.pk, D(2025, 12, 1))


def test_dashboard_counts_projects_with_a_missed_cadence(project, staff_user, tree, admin_user):
    assert overdue_count(user=staff_user, today=D(2025, 11, 13)) == (1, 5)
    from tests.factories import UserFactory

    elsewhere = UserFactory(units=[tree["other"]])
    assert overdue_count(user=elsewhere, today=D(2025, 11, 13)) == (0, 0)
