"""不适宜担任现职: the situation catalog in four groups (Heshan's 佛系, 躺平, 摆烂 among them); a
yellow or red card, or an adjustment recorded as unfit, carries its situation; a card without
one is refused, and a situation goes only with a card or an adjustment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incentives.models import IncentiveRecord, Measure, UnfitSituation
from incentives.services.records import record_create
from incentives.services.unfit import unfit_record
from tests.factories import CadreFactory

URL = "/api/v1/incentive-records/"


@pytest.fixture
def cadre(tree):
    return CadreFactory(unit=tree["street"])


@pytest.mark.django_db
def test_the_catalog_has_four_groups_and_heshans_behaviours():
    groups = set(UnfitSituation.objects.values_list("group", flat=True))
    assert groups == set(UnfitSituation.Group.values)
    names = " ".join(UnfitSituation.objects.values_list("name", flat=True))
    for word in ("佛系", "躺平", "摆烂"):
        assert word in names


def test_situations_are_listed_in_the_api(staff_user, as_user):
    res = as_user(staff_user).get("/api/v1/unfit-situations/", {"page_size": 200})
    assert res.status_code == 200
    codes = {r["code"]: r["group"] for r in res.json()["results"]}
    assert codes["lying_flat"] == "duty"


def test_a_card_needs_a_situation_through_the_api(staff_user, as_user, cadre):
    api = as_user(staff_user)
    body = {"cadre": cadre.pk, "measure": "yellow_card", "date": "2025-04-01",
            "reason": "工作摆烂，年度任务未完成"}
    res = api.post(URL, body, format="json")
    assert res.status_code == 400 and "situation" in res.json()
    res = api.post(URL, {**body, "situation": "letting_rot"}, format="json")
    assert res.status_code == 201, res.json()
    assert (res.json()["situation"], res.json()["source"]) == ("letting_rot", "unfit")
    assert api.get(URL, {"situation": "letting_rot"}).json()["count"] == 1
    # A situation goes only with a card or an adjustment.
    res = api.post(URL, {**body, "measure": "commendation", "situation": "lying_flat"}, format="json")
    assert res.status_code == 400 and "measure" in res.json()
    assert api.post(URL, {**body, "situation": "no_such"}, format="json").status_code == 400
    assert IncentiveRecord.objects.count() == 1


def test_an_adjustment_recorded_as_unfit_needs_its_situation(staff_user, cadre):
    removal = Measure.objects.get(code="removal")
    with pytest.raises(ValidationError) as exc:
        unfit_record(actor=staff_user, cadre=cadre, measure=removal, situation=None, reason="x",
                     date=dt.date(2025, 5, 1))
    assert "situation" in exc.value.message_dict
    record = unfit_record(actor=staff_user, cadre=cadre, measure=removal,
                          situation=UnfitSituation.objects.get(code="inaction"), reason="推诿扯皮",
                          date=dt.date(2025, 5, 1))
    assert record.source == "unfit" and record.situation.code == "inaction"
    # An adjustment by hand (not as unfit) needs none; a red card always does.
    record_create(actor=staff_user, measure=removal, cadre=cadre, reason="工作需要",
                  date=dt.date(2025, 5, 2))
    with pytest.raises(ValidationError):
        record_create(actor=staff_user, measure=Measure.objects.get(code="red_card"), cadre=cadre,
                      reason="x", date=dt.date(2025, 5, 2))
    inactive = UnfitSituation.objects.get(code="formalism")
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ValidationError):
        unfit_record(actor=staff_user, cadre=cadre, measure=removal, situation=inactive,
                     reason="x", date=dt.date(2025, 5, 3))


def test_the_page_issues_a_card_with_its_situation(client, staff_user, cadre):
    client.force_login(staff_user)
    url = reverse("incentives:unfit-create")
    assert client.get(url).status_code == 200
    data = {"cadre": cadre.pk, "measure": Measure.objects.get(code="yellow_card").pk,
            "date": "2025-03-03", "reason": "心态佛系", "document_number": ""}
    res = client.post(url, data)
    assert res.status_code == 400 and not IncentiveRecord.objects.exists()
    res = client.post(url, {**data, "situation": UnfitSituation.objects.get(code="buddhist").pk})
    record = IncentiveRecord.objects.get()
    assert res.status_code == 302 and record.situation.code == "buddhist"
    page = client.get(reverse("incentives:unfit-list")).content.decode()
    assert "黄牌警告" in page and "躺平" in page
