"""One answer per question (fault_tolerance.permissions): the case page, the API detail,
`history/` and the cadre timeline say the same thing to each role, about the case and about
its votes."""

import re

import pytest

from core.models import Role
from fault_tolerance import permissions
from fault_tolerance.models import Case
from tests.factories import UserFactory

from .conftest import A

pytestmark = pytest.mark.django_db


def _answers(client, api, user, case, cadre) -> dict:
    """Whether each answer shows the case to user: page, API detail, history/, timeline, cadre page."""
    client.force_login(user)
    api.force_authenticate(user=user)
    timeline = api.get(f"/api/v1/cadres/{cadre.pk}/timeline/?page_size=200")
    cadre_page = client.get(f"/cadres/{cadre.pk}/")
    return {
        "page": client.get(f"/tolerance/{case.pk}/").status_code == 200,
        "api": api.get(f"/api/v1/tolerance-cases/{case.pk}/").status_code == 200,
        "history": api.get(f"/api/v1/tolerance-cases/{case.pk}/history/").status_code == 200,
        "timeline": timeline.status_code == 200 and any(
            e["kind"] == "tolerance_case" and e["object_id"] == case.pk for e in timeline.json()["results"]),
        "cadre_page": cadre_page.status_code == 200 and case.title in cadre_page.content.decode(),
    }


@pytest.fixture
def voting_case(people, new_case, advance):
    """A case in the vote, r1 and r2 having voted differently, r3 not yet."""
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["exempted", "mitigated"])
    return case


@pytest.fixture
def bystanders(tree):
    """People who may open the cadre but not the case: a reviewer not on the panel (named after
    it was fixed) and staff of the same city whose scope is the city, but who file nothing."""
    return {"late_reviewer": UserFactory(username="r_late", roles=[Role.REVIEWER], units=[tree["city"]])}


def _roles(people, bystanders):
    return {
        "admin": people.admin, "staff": people.staff, "filer": people.filer, "reviewer_voted": people.reviewers[0],
        "reviewer_not_voted": people.reviewers[2], "liaison": people.liaison, "subject": people.cadre_account,
        "outsider_staff": people.outsider_staff, "late_reviewer": bystanders["late_reviewer"],
    }


@pytest.mark.parametrize("role", ["admin", "staff", "filer", "reviewer_voted", "reviewer_not_voted", "liaison",
                                  "subject", "late_reviewer"])
def test_page_api_history_and_timeline_agree_on_who_sees_the_case(client, api, people, voting_case, bystanders,
                                                                  role):
    user = _roles(people, bystanders)[role]
    expected = permissions.can_see_case(user, voting_case)
    answers = _answers(client, api, user, voting_case, people.subject)
    assert answers == {key: expected for key in answers}, answers
    assert expected is (role != "late_reviewer")


def test_the_timeline_hides_a_case_not_yet_sent_to_the_liaison(client, api, people, new_case, advance):
    case = advance(new_case(), "investigating")
    answers = _answers(client, api, people.liaison, case, people.subject)
    assert answers == {"page": False, "api": False, "history": False, "timeline": False, "cadre_page": False}


def _api_votes(api, user, case):
    api.force_authenticate(user=user)
    data = api.get(f"/api/v1/tolerance-cases/{case.pk}/").json()
    return data.get("votes"), data.get("panel")


def _history(api, user, case):
    api.force_authenticate(user=user)
    return api.get(f"/api/v1/tolerance-cases/{case.pk}/history/?page_size=200").json()["results"]


def _vote_keys(entries):
    return sorted(key for e in entries for key in e["changes"] if key.startswith("vote:") or key == "votes")


def test_the_subject_cadre_sees_no_vote_and_no_voter_anywhere(client, api, people, voting_case):
    votes, panel = _api_votes(api, people.cadre_account, voting_case)
    assert votes is None and panel is None
    history = _history(api, people.cadre_account, voting_case)
    assert not [e for e in history if e["action"] == "vote"] and not _vote_keys(history)
    client.force_login(people.cadre_account)
    page = client.get(f"/tolerance/{voting_case.pk}/").content.decode()
    assert not re.search(r">\s*r[12]\s*<", page) and "ft-vote-table" not in page


def test_after_the_decision_the_subject_still_sees_the_outcome_only(client, api, people, voting_case, advance):
    case = advance.votes(voting_case, ["exempted", "exempted", "exempted"])
    from fault_tolerance.services import case_transition

    case = case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    api.force_authenticate(user=people.cadre_account)
    data = api.get(f"/api/v1/tolerance-cases/{case.pk}/").json()
    assert data["outcome"] == "exempted" and "votes" not in data
    assert all("votes" not in d and "decided_by" not in d for d in data["decisions"])
    history = _history(api, people.cadre_account, case)
    assert not _vote_keys(history)
    assert {e["actor"] for e in history if e["action"] == "decide"} == {"审议组"}
    client.force_login(people.cadre_account)
    page = client.get(f"/tolerance/{case.pk}/").content.decode()
    assert not re.search(r">\s*r[123]\s*<", page)


def test_a_reviewer_sees_only_their_own_vote_and_the_count_before_the_decision(client, api, people, voting_case):
    r1, r2 = people.reviewers[:2]
    votes, panel = _api_votes(api, r1, voting_case)
    assert [v["voter"] for v in votes] == ["r1"] and panel
    history = _history(api, r1, voting_case)
    assert _vote_keys(history) == ["vote:r1"]
    client.force_login(r1)
    page = client.get(f"/tolerance/{voting_case.pk}/").content.decode()
    assert "已表决 2 人" in page and "从轻减轻" not in page.split('id="votes"')[1].split("</section>")[0]
    # The reviewer who has not voted sees no choice at all.
    votes, _ = _api_votes(api, people.reviewers[2], voting_case)
    assert votes == []
    assert _vote_keys(_history(api, people.reviewers[2], voting_case)) == []


def test_once_decided_the_panel_sees_every_vote(api, people, voting_case, advance):
    from fault_tolerance.services import case_transition

    case = advance.votes(voting_case, ["exempted", "exempted", "exempted"])
    case = case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    votes, _ = _api_votes(api, people.reviewers[2], case)
    assert sorted(v["voter"] for v in votes) == ["r1", "r2", "r3"]
    assert set(_vote_keys(_history(api, people.reviewers[2], case))) == {"vote:r1", "vote:r2", "vote:r3", "votes"}


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_administrators_see_every_vote_while_voting(api, people, voting_case, role):
    votes, _ = _api_votes(api, getattr(people, role), voting_case)
    assert sorted(v["voter"] for v in votes) == ["r1", "r2"]


def test_the_liaison_sees_no_vote(api, people, voting_case):
    votes, panel = _api_votes(api, people.liaison, voting_case)
    assert votes is None and panel is None
    assert not _vote_keys(_history(api, people.liaison, voting_case))


def test_the_intake_queue_leaves_out_the_filers_own_filing(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    client.force_login(people.filer)
    assert case.title not in client.get("/tolerance/queue/").content.decode()
    client.force_login(people.staff)
    assert case.title in client.get("/tolerance/queue/").content.decode()


def test_an_appealed_exemption_still_protects_on_the_page_and_in_the_ledger_rule(client, people, new_case, advance):
    from fault_tolerance.selectors import protected_matters

    case = advance(new_case(), "appealed")
    assert case.outcome == "exempted" and case.state == Case.State.APPEALED
    assert case.protects and list(protected_matters(people.subject)) == [case]
    client.force_login(people.staff)
    assert "ft-protected" in client.get(f"/tolerance/{case.pk}/").content.decode()
