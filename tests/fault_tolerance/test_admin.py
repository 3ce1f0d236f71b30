"""The admin: catalogs editable and audited, cases read-only."""

import pytest

from core.audit import object_history
from fault_tolerance.models import Situation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", roles=["admin"], is_staff=True, is_superuser=True))
    return client


def test_catalog_is_seeded_in_heshans_three_groups():
    counts = {g: Situation.objects.filter(group=g).count() for g in ("exempt", "lighter", "never")}
    assert counts == {"exempt": 9, "lighter": 3, "never": 8}
    assert all(s.description and s.active for s in Situation.objects.all())


@pytest.mark.parametrize("model", ["situation", "policy", "case", "correction", "discipline/clarification",
                                   "discipline/dishonestyentry", "discipline/sanction", "discipline/reuse"])
def test_admin_pages_load(root, model, people, new_case):
    new_case()
    assert root.get(f"/admin/{model if '/' in model else 'fault_tolerance/' + model}/").status_code == 200


def test_editing_a_situation_is_audited(root):
    situation = Situation.objects.get(code="E07")
    response = root.post(f"/admin/fault_tolerance/situation/{situation.pk}/change/", {
        "code": "E07", "group": "exempt", "description": "在“最多跑一次”改革中容缺受理出现失误，未造成重大损失的",
        "active": "", "order": situation.order})
    assert response.status_code == 302
    entry = object_history(obj=situation).get()
    assert entry.actor_username == "root" and entry.changes["active"] == [True, False]


def test_cases_are_read_only_in_the_admin(root, people, new_case):
    case = new_case()
    assert root.get(f"/admin/fault_tolerance/case/{case.pk}/change/").status_code == 200
    assert root.post(f"/admin/fault_tolerance/case/{case.pk}/change/", {"title": "改"}).status_code == 403
    assert root.get("/admin/fault_tolerance/case/add/").status_code == 403
