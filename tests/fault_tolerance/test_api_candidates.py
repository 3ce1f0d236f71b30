"""The API checks what the forms check (issue 7): the panel only from the reviewers the case may
have, a proposal's liaison only a liaison covering the case, a correction's assignee only staff
covering it. An id the caller may not name is refused without naming the account."""

import pytest

from core.models import Role
from fault_tolerance.models import Case, Correction, PanelMember
from fault_tolerance.selectors import assignee_candidates, liaison_candidates, panel_candidates
from tests.factories import UserFactory

from .conftest import ALL_GOOD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tolerance-cases/"
URL = "/api/v1/corrections/"


def _as(api, user):
    api.force_authenticate(user=user)
    return api


def _no_username(response, *users):
    text = response.content.decode()
    assert not [u.username for u in users if u.username in text], text


# The panel --------------------------------------------------------------------------------


def test_panel_refuses_a_reviewer_from_another_city(api, people, new_case, advance):
    case = advance(new_case(), "proposed")
    before = list(PanelMember.objects.filter(case=case).values_list("reviewer_id", flat=True))
    response = _as(api, people.staff).post(
        f"{BASE}{case.pk}/panel/", {"reviewers": [people.outside_reviewer.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "reviewers": [f"编号为 {people.outside_reviewer.pk} 的审核人不存在或不能参加本案审议。"]
    }
    _no_username(response, people.outside_reviewer)
    after = list(PanelMember.objects.filter(case=case).values_list("reviewer_id", flat=True))
    assert after == before
    # And so cannot read the case.
    assert _as(api, people.outside_reviewer).get(f"{BASE}{case.pk}/").status_code == 404


def test_panel_refuses_any_account_id_without_naming_it(api, people, new_case, advance, admin_user):
    case = advance(new_case(), "proposed")
    ids = [people.liaison.pk, admin_user.pk, people.cadre_account.pk]
    response = _as(api, people.staff).post(
        f"{BASE}{case.pk}/panel/", {"reviewers": ids}, format="json"
    )
    assert response.status_code == 400
    _no_username(response, people.liaison, admin_user, people.cadre_account)
    unknown = _as(api, people.staff).post(
        f"{BASE}{case.pk}/panel/", {"reviewers": [987654321]}, format="json"
    )
    assert unknown.json() == {"reviewers": ["编号为 987654321 的审核人不存在或不能参加本案审议。"]}


def test_panel_takes_the_reviewers_the_form_offers(api, people, new_case, advance):
    case = advance(new_case(), "proposed")
    chosen = [people.reviewers[0], people.city_reviewers[0]]
    assert {u.pk for u in chosen} <= {u.pk for u in panel_candidates(case)}
    response = _as(api, people.staff).post(
        f"{BASE}{case.pk}/panel/", {"reviewers": [u.pk for u in chosen]}, format="json"
    )
    assert response.status_code == 200, response.json()
    seated = PanelMember.objects.filter(case=case, round=case.round)
    assert set(seated.values_list("reviewer_id", flat=True)) == {u.pk for u in chosen}


# The proposal's liaison -------------------------------------------------------------------


def _propose(api, people, case, liaison_id):
    body = {"criteria": ALL_GOOD, "recommendation": "exempted", "liaison": liaison_id}
    return _as(api, people.staff).post(f"{BASE}{case.pk}/propose/", body, format="json")


def test_propose_refuses_a_liaison_outside_the_case(api, people, new_case, advance, tree):
    outside = UserFactory(username="liaison_hs", roles=[Role.LIAISON], units=[tree["other"]])
    case = advance(new_case(), "investigating")
    response = _propose(api, people, case, outside.pk)
    assert response.status_code == 400
    assert response.json() == {"liaison": [f"编号为 {outside.pk} 的联络人不存在或不可选择。"]}
    _no_username(response, outside)
    case.refresh_from_db()
    assert case.state == Case.State.INVESTIGATING and case.liaison_id is None


def test_propose_refuses_a_non_liaison(api, people, new_case, advance):
    case = advance(new_case(), "investigating")
    response = _propose(api, people, case, people.reviewers[0].pk)
    assert response.status_code == 400 and list(response.json()) == ["liaison"]
    _no_username(response, people.reviewers[0])


def test_propose_takes_a_covering_liaison(api, people, new_case, advance):
    case = advance(new_case(), "investigating")
    assert people.liaison in liaison_candidates(case)
    response = _propose(api, people, case, people.liaison.pk)
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.liaison_id == people.liaison.pk


# A correction's assignee ------------------------------------------------------------------


def test_correction_assignee_must_be_staff_covering_the_case(api, people, new_case, advance):
    case = advance(new_case(), "notified")
    client = _as(api, people.staff)
    body = {"case": case.pk, "step": "start", "due_on": "2025-10-20"}
    for stranger in (people.outsider_staff, people.outside_reviewer, people.reviewers[0]):
        response = client.post(
            "/api/v1/corrections/", {**body, "assignee": stranger.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"assignee": [f"编号为 {stranger.pk} 的责任人不存在或不可选择。"]}
        _no_username(response, stranger)
    assert not Correction.objects.exists()
    # The outsider sees nothing in their list.
    assert _as(api, people.outsider_staff).get(URL).json()["count"] == 0

    assert people.filer in assignee_candidates(case)
    client = _as(api, people.staff)
    response = client.post(
        "/api/v1/corrections/", {**body, "assignee": people.filer.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    correction_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/corrections/{correction_id}/",
        {"assignee": people.outsider_staff.pk},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["assignee"]
    _no_username(response, people.outsider_staff)
    assert Correction.objects.get(pk=correction_id).assignee_id == people.filer.pk


def test_the_services_refuse_alike(people, new_case, advance):
    """Whatever calls them (admin, shell, a task): the same rule in the services."""
    from django.core.exceptions import ValidationError

    from fault_tolerance.services import case_panel_set, case_transition, correction_create

    case = advance(new_case(), "investigating")
    with pytest.raises(ValidationError) as exc:
        case_transition(
            case=case,
            action=Case.Action.PROPOSE,
            actor=people.staff,
            criteria=ALL_GOOD,
            recommendation="exempted",
            liaison=people.outside_reviewer,
        )
    assert "liaison" in exc.value.message_dict
    case = advance(case, "proposed")
    with pytest.raises(ValidationError) as exc:
        case_panel_set(case=case, actor=people.staff, reviewers=[people.outside_reviewer])
    assert "r_hs" not in str(exc.value.message_dict)
    tolerated = advance(new_case(), "notified")
    with pytest.raises(ValidationError) as exc:
        correction_create(
            actor=people.staff, case=tolerated, step="start", assignee=people.outsider_staff
        )
    assert "assignee" in exc.value.message_dict
