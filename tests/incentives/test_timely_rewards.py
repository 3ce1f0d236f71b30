"""及时奖励: nominated under one of six conditions, approved by someone other than the nominator
(403 for the nominator), which records the reward (source timely_reward); rejected with a
reason; deciding twice is 409; outside the scope 404; the approvers are asked to act."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import Notification, Role
from incentives.models import IncentiveRecord, TimelyReward
from tests.factories import CadreFactory, UserFactory

URL = "/api/v1/timely-rewards/"


@pytest.fixture
def approver(tree):
    return UserFactory(username="staff2", roles=[Role.STAFF], units=[tree["city"]])


@pytest.fixture
def cadre(tree):
    return CadreFactory(unit=tree["street"], name="聂雷")


def _nominate(api, **extra):
    body = {"condition": "major_project", "reason": "推动总投资50亿元的项目落户", **extra}
    return api.post(URL, body, format="json")


def test_nominate_approve_records_the_reward(staff_user, approver, as_user, cadre):
    res = _nominate(as_user(staff_user), cadre=cadre.pk, date="2025-08-20")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"cadre", "unit", "condition", "reason", "measure", "state", "record"} <= set(body)
    assert (body["state"], body["measure"], body["record"], body["nominated_by"]) == (
        "nominated", "timely_reward", None, "staff1")
    assert Notification.objects.filter(recipient=approver, kind="incentives.timely_approve").exists()
    assert not Notification.objects.filter(recipient=staff_user).exists()

    res = as_user(approver).post(f"{URL}{body['id']}/approve/",
                                 {"date": "2025-09-01", "document_number": "鹤组〔2025〕3号"},
                                 format="json")
    assert res.status_code == 200, res.json()
    assert res.json()["state"] == "approved" and res.json()["decided_by"] == "staff2"
    record = IncentiveRecord.objects.get(pk=res.json()["record"])
    assert (record.source, record.source_id, record.cadre, record.measure.code, record.date) == (
        "timely_reward", body["id"], cadre, "timely_reward", dt.date(2025, 9, 1))
    assert record.document_number == "鹤组〔2025〕3号" and "推动重大项目落地" in record.reason
    assert Notification.objects.get(recipient=approver).done_at is not None
    history = as_user(approver).get(f"{URL}{body['id']}/history/").json()["results"]
    assert [h["action"] for h in history] == ["approve", "create"]


def test_the_nominator_cannot_approve_their_own(staff_user, as_user, tree, cadre):
    api = as_user(staff_user)
    pk = _nominate(api, cadre=cadre.pk).json()["id"]
    res = api.post(f"{URL}{pk}/approve/", {}, format="json")
    assert res.status_code == 403
    assert api.post(f"{URL}{pk}/reject/", {"reason": "x"}, format="json").status_code == 403
    assert TimelyReward.objects.get(pk=pk).state == "nominated"
    assert not IncentiveRecord.objects.exists()


def test_a_decided_nomination_is_409_and_reject_needs_a_reason(staff_user, approver, as_user,
                                                               tree):
    pk = _nominate(as_user(staff_user), unit=tree["street"].pk).json()["id"]
    api = as_user(approver)
    res = api.post(f"{URL}{pk}/reject/", {"reason": " "}, format="json")
    assert res.status_code == 400 and "reason" in res.json()
    res = api.post(f"{URL}{pk}/reject/", {"reason": "事迹不够突出"}, format="json")
    assert res.status_code == 200 and res.json()["state"] == "rejected"
    for action in ("approve", "reject"):
        res = api.post(f"{URL}{pk}/{action}/", {"reason": "again"}, format="json")
        assert res.status_code == 409 and res.json()["state"] == "rejected"
    assert not IncentiveRecord.objects.exists()


def test_approved_twice_is_409(staff_user, approver, as_user, cadre):
    pk = _nominate(as_user(staff_user), cadre=cadre.pk).json()["id"]
    api = as_user(approver)
    assert api.post(f"{URL}{pk}/approve/", {}, format="json").status_code == 200
    res = api.post(f"{URL}{pk}/approve/", {}, format="json")
    assert res.status_code == 409 and res.json()["state"] == "approved"
    assert IncentiveRecord.objects.count() == 1


def test_bad_nominations_and_scope(staff_user, as_user, tree, cadre, admin_user):
    api = as_user(staff_user)
    for extra, field in [({"cadre": cadre.pk, "condition": "lucky"}, "condition"),
                         ({"cadre": cadre.pk, "measure": "public_criticism"}, "measure"),
                         ({"cadre": cadre.pk, "reason": ""}, "reason"),
                         ({}, "cadre")]:
        res = _nominate(api, **extra)
        assert res.status_code == 400 and field in res.json(), (extra, res.json())
    outside = CadreFactory(unit=tree["other"])
    assert _nominate(api, cadre=outside.pk).status_code == 400
    pk = _nominate(as_user(admin_user), cadre=outside.pk).json()["id"]
    api = as_user(staff_user)
    assert api.get(f"{URL}{pk}/").status_code == 404
    assert api.post(f"{URL}{pk}/approve/", {}, format="json").status_code == 404
    assert api.get(URL).json()["count"] == 0
    assert TimelyReward.objects.count() == 1


def test_the_pages_nominate_and_approve(client, staff_user, approver, cadre):
    client.force_login(staff_user)
    from incentives.models import Measure

    res = client.post(reverse("incentives:timely-create"), {
        "cadre": cadre.pk, "condition": "emergency", "reason": "抗洪抢险连续奋战",
        "measure": Measure.objects.get(code="timely_reward").pk})
    reward = TimelyReward.objects.get()
    assert res.status_code == 302 and res["Location"] == reward.get_absolute_url()
    page = client.get(reward.get_absolute_url()).content.decode()
    assert "approve-form" not in page and "提名人不能审批" in page
    assert client.post(reverse("incentives:timely-approve", args=[reward.pk])).status_code == 403
    client.force_login(approver)
    assert "approve-form" in client.get(reward.get_absolute_url()).content.decode()
    res = client.post(reverse("incentives:timely-approve", args=[reward.pk]),
                      {"approve-date": "", "approve-document_number": ""})
    assert res.status_code == 302
    reward.refresh_from_db()
    assert reward.state == "approved" and reward.record is not None
    res = client.post(reverse("incentives:timely-reject", args=[reward.pk]), {"reject-reason": "x"})
    assert res.status_code == 409
    assert "及时奖励" in client.get(reverse("incentives:timely-list")).content.decode()
