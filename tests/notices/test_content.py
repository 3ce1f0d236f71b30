"""What a 任前公示 prints of a person: the current post once, whether or not its title
already names the unit."""

import datetime as dt

import pytest

from notices.models import Notice
from notices.services import notice_create
from notices.services.content import build_content
from tests.factories import AppointmentFactory, CadreFactory


@pytest.mark.django_db
@pytest.mark.parametrize("title, printed", [
    ("解放路街道办事处主任", "解放路街道办事处主任"),  # the title names the unit already
    ("党工委书记", "解放路街道党工委书记"),
])
def test_the_current_post_names_its_unit_once(staff_user, tree, title, printed):
    cadre = CadreFactory(unit=tree["street"])
    AppointmentFactory(cadre=cadre, unit=tree["street"], title=title,
                       start_date=dt.date(2021, 4, 1))
    notice = notice_create(actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT,
                           issuing_unit=tree["district"],
                           entries=[{"cadre": cadre, "proposed_post": "历下区某局局长"}])
    person = build_content(notice, today=dt.date(2025, 6, 9), strict=False)["people"][0]
    assert (person["current_post"], person["since"]) == (printed, "2021年4月")


@pytest.mark.django_db
def test_the_content_reads_a_fixed_number_of_queries_whatever_the_number_of_cadres(
        staff_user, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        cadres = [CadreFactory(unit=tree["street"]) for _ in range(n)]
        for cadre in cadres:
            AppointmentFactory(cadre=cadre, unit=tree["street"], title="科员",
                               start_date=dt.date(2021, 4, 1))
        notice = notice_create(actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT,
                               issuing_unit=tree["district"],
                               entries=[{"cadre": c, "proposed_post": "局长"} for c in cadres])
        with CaptureQueriesContext(connection) as queries:
            people = build_content(notice, today=dt.date(2025, 6, 9), strict=False)["people"]
        assert [p["current_post"] for p in people] == ["解放路街道科员"] * n
        return len(queries)

    assert count(2) == count(10)
