"""One answer per question (discipline.permissions): a sanction and a clarification are seen
by whoever may see their cadre, in the page, the API detail, history/ and the timeline alike."""

import datetime as dt

import pytest

from core.models import Role
from discipline import permissions
from discipline.services import clarification_create, sanction_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(people):
    sanction = sanction_create(actor=people.staff, cadre=people.subject, kind="warning",
                               decided_on=dt.date(2025, 1, 2), document_number="历纪发〔2025〕1号")
    clarification = clarification_create(actor=people.staff, cadre=people.subject,
                                          report_summary="反映其违规审批", finding="经核查不属实", manner="written")
    return sanction, clarification


@pytest.fixture
def roles(people, tree):
    return {
        "admin": people.admin, "staff": people.staff, "outsider_staff": people.outsider_staff,
        "reviewer": people.reviewers[0], "subject": people.cadre_account,
        "unscoped": UserFactory(username="nobody", roles=[Role.STAFF]),
    }


@pytest.mark.parametrize("role", ["admin", "staff", "outsider_staff", "reviewer", "subject", "unscoped"])
def test_page_api_history_and_timeline_agree(client, api, people, records, roles, role):
    sanction, clarification = records
    user = roles[role]
    client.force_login(user)
    api.force_authenticate(user=user)
    expected = permissions.can_see_sanction(user, sanction)
    assert expected == permissions.can_see_clarification(user, clarification)
    timeline = api.get(f"/api/v1/cadres/{people.subject.pk}/timeline/?page_size=200")
    kinds = {e["kind"] for e in timeline.json()["results"]} if timeline.status_code == 200 else set()
    answers = {
        "sanction_api": api.get(f"/api/v1/sanctions/{sanction.pk}/").status_code == 200,
        "sanction_history": api.get(f"/api/v1/sanctions/{sanction.pk}/history/").status_code == 200,
        "sanction_page": client.get(f"/sanctions/cadre/{people.subject.pk}/").status_code == 200,
        "clarification_api": api.get(f"/api/v1/clarifications/{clarification.pk}/").status_code == 200,
        "clarification_page": client.get(f"/clarifications/{clarification.pk}/").status_code == 200,
        "timeline_sanction": "sanction" in kinds,
        "timeline_clarification": "clarification" in kinds,
    }
    assert answers == {key: expected for key in answers}
    assert expected is (role in ("admin", "staff", "reviewer", "subject"))
