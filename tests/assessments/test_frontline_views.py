"""The pages of 一线考察: the project list with overdue, a project with its forms; refusals come
back on the form; 404 outside scope."""

import datetime as dt

import time_machine
from django.urls import reverse

from assessments.models import FrontlineRecord, ReserveListEntry
from assessments.services.frontline import frontline_project_create
from cadres.models import Cadre
from tests.factories import CadreFactory, UserFactory


@time_machine.travel(dt.datetime(2025, 11, 13, 10, 0), tick=False)
def test_project_pages_and_forms(client, staff_user, tree):
    client.force_login(staff_user)
    a = CadreFactory(unit=tree["street"], name="甲")
    project = frontline_project_create(actor=staff_user, name="小清河治理", unit=tree["district"],
                                       start_date=dt.date(2025, 6, 2), cadres=[(a, None)])
    listing = client.get(reverse("assessments:frontline-project-list")).content.decode()
    assert "小清河治理" in listing and "4 项逾期" in listing
    assert client.get(reverse("assessments:frontline-project-create")).status_code == 200
    page = client.get(project.get_absolute_url()).content.decode()
    assert "月通报" in page and "2025-10-01" in page
    record = client.post(reverse("assessments:frontline-record-create", args=[project.pk]), {
        "record-cadre": a.pk, "record-cadence": "monthly", "record-date": "2025-10-31", "record-content": "十月通报"})
    assert record.status_code == 302 and FrontlineRecord.objects.count() == 1
    early = client.post(reverse("assessments:frontline-record-create", args=[project.pk]), {
        "record-cadre": a.pk, "record-cadence": "daily", "record-date": "2025-05-30", "record-content": "x"})
    assert early.status_code == 400 and "工程起止日期" in early.content.decode()
    b = CadreFactory(unit=tree["street"], name="乙")
    attach = client.post(reverse("assessments:frontline-attach", args=[project.pk]),
                         {"attach-cadre": b.pk, "attach-attached_on": "2025-11-10"})
    assert attach.status_code == 302
    outcome = client.post(reverse("assessments:frontline-outcome", args=[project.pk]),
                          {"outcome-cadres": [a.pk], "outcome-red_flag": "on", "outcome-reserve": "on"})
    assert outcome.status_code == 302
    assert Cadre.objects.get(pk=a.pk).tags == ["red_flag"]
    assert ReserveListEntry.objects.get().source == "frontline"
    nothing = client.post(reverse("assessments:frontline-outcome", args=[project.pk]), {"outcome-cadres": [a.pk]})
    assert nothing.status_code == 400


def test_outside_scope_is_404(client, admin_user, tree):
    project = frontline_project_create(actor=admin_user, name="鹤山工程", unit=tree["other"],
                                       start_date=dt.date(2025, 1, 6))
    client.force_login(UserFactory(units=[tree["district"]]))
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.post(reverse("assessments:frontline-attach", args=[project.pk]), {}).status_code == 404
