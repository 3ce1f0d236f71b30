"""A double click: two identical POSTs at the same moment, through the API, each in its own
thread and connection. One object is made; the other request is told so (409 with the API's
error shape), never a second object and never a 500. Real transactions on the suite's
database, as in tests/fault_tolerance/test_races.py."""


import pytest
from rest_framework.test import APIClient

from assessments.models import FrontlineProject
from core.models import Role
from discipline.models import Clarification, Sanction
from incentives.models import IncentiveRecord, TimelyReward
from notices.models import Notice

from .concurrency import at_once
from .factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def double_click(user, url, body):
    """POST body to url twice at once as user; the two responses."""

    def post():
        client = APIClient()
        client.force_authenticate(user=user)
        return client.post(url, body, format="json")

    return at_once(post, post)


CASES = {
    "sanctions": ("/api/v1/sanctions/", Sanction, lambda c: {
        "cadre": c.pk, "kind": "warning", "decided_on": "2025-06-01",
        "document_number": "历纪〔2025〕3号", "reason": "违反工作纪律"}),
    "incentive-records": ("/api/v1/incentive-records/", IncentiveRecord, lambda c: {
        "cadre": c.pk, "measure": "public_praise", "date": "2025-06-01",
        "reason": "防汛抢险表现突出"}),
    "timely-rewards": ("/api/v1/timely-rewards/", TimelyReward, lambda c: {
        "cadre": c.pk, "condition": "emergency", "reason": "抢险救灾表现突出",
        "date": "2025-06-01"}),
    "clarifications": ("/api/v1/clarifications/", Clarification, lambda c: {
        "cadre": c.pk, "report_summary": "反映其违规发放补贴。", "finding": "经核查，不属实。",
        "manner": "written", "clarified_on": "2025-06-01"}),
    "frontline-projects": ("/api/v1/frontline-projects/", FrontlineProject, lambda c: {
        "name": "小清河治理", "unit": c.unit.parent_id, "start_date": "2025-06-02",
        "cadres": [{"cadre": c.pk}]}),
    "notices": ("/api/v1/notices/", Notice, lambda c: {
        "kind": "pre_appointment", "issuing_unit": c.unit.parent_id,
        "items": [{"cadre": c.pk, "proposed_post": "历下区某局局长"}]}),
}
COUNT = {  # how the objects of a case are counted: those about the cadre
    "frontline-projects":
        lambda model, cadre: model.objects.filter(assignments__cadre=cadre).count(),
    "notices": lambda model, cadre: model.objects.filter(entries__cadre=cadre).count(),
}


def count(name, model, cadre):
    return COUNT.get(name, lambda m, c: m.objects.filter(cadre=c).count())(model, cadre)


@pytest.mark.parametrize("name", list(CASES))
def test_a_double_click_makes_one_object_and_a_409(name, tree):
    url, model, body = CASES[name]
    cadre = CadreFactory(unit=tree["street"])
    staff = UserFactory(username="staff_dc", roles=[Role.STAFF], units=[tree["district"]])
    answers = double_click(staff, url, body(cadre))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409], [(a.status_code, a.content[:300]) for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert refused["detail"] and "state" in refused
    assert count(name, model, cadre) == 1
    # The same again later is still the same record: refused, not made twice.
    client = APIClient()
    client.force_authenticate(user=staff)
    assert client.post(url, body(cadre), format="json").status_code == 409
    assert count(name, model, cadre) == 1


def test_the_admin_says_so_when_the_same_sanction_is_added_again(client, tree):
    """The admin's add form runs the service first (core.admin.ServiceModelAdmin): the same
    sanction again is the form's error, not a 500 and not a second row."""
    from django.urls import reverse

    cadre = CadreFactory(unit=tree["street"])
    admin = UserFactory(username="admin_dc", roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = {"cadre": cadre.pk, "kind": "warning", "decided_on": "2025-06-01",
            "document_number": "历纪〔2025〕3号", "reason": "违反工作纪律"}
    url = reverse("admin:discipline_sanction_add")
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)
    assert again.status_code == 200 and "已有一条相同的" in again.content.decode()
    assert Sanction.objects.filter(cadre=cadre).count() == 1
