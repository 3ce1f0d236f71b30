"""The REST API exactly as API.md says: tolerance-cases (+ actions, panel, attachments, history),
corrections and clarifications; scoping, error codes, shapes and query budgets."""

import datetime as dt

import pytest
import time_machine

from core.models import Role
from fault_tolerance.models import Case, Policy
from tests.factories import CadreFactory

from .conftest import ALL_GOOD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tolerance-cases/"


def _payload(people, **overrides):
    return {"title": "镇海区某局先检查后招标", "description": "重大安全事故后先行组织中介机构开展安全检查。",
            "occurred_on": "2025-03-01", "field": "audit", "source": "audit",
            "subject_cadres": [people.subject.pk], **overrides}


def _post(api, user, url, data=None, **kwargs):
    api.force_authenticate(user=user)
    return api.post(url, data or {}, format=kwargs.pop("format", "json"), **kwargs)


def _get(api, user, url, **params):
    api.force_authenticate(user=user)
    return api.get(url, params)


@pytest.fixture
def filed(api, people):
    response = _post(api, people.filer, BASE, _payload(people))
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_answers_the_case_in_api_md_shape(filed, people, tree):
    assert filed["subject_cadres"] == [people.subject.pk] and filed["subject_units"] == []
    assert filed["state"] == "draft" and filed["outcome"] == ""
    assert filed["deadlines"] == {"intake_due": None, "decision_due": None, "appeal_due": None, "provisional": []}
    assert filed["jurisdiction"] == tree["street"].pk and filed["created_by"] == "staff1"
    assert {"id", "title", "description", "occurred_on", "field", "source", "criteria", "panel", "votes",
            "decisions", "deadline_notes"} <= set(filed)


@pytest.mark.parametrize(("override", "field"), [
    ({"subject_cadres": []}, "subject_cadres"),
    ({"field": "weather"}, "field"),
    ({"source": "rumour"}, "source"),
    ({"occurred_on": "2030-01-01"}, "occurred_on"),
    ({"title": "  "}, "title"),
])
def test_bad_input_is_400_naming_the_field_and_saves_nothing(api, people, override, field):
    response = _post(api, people.filer, BASE, _payload(people, **override))
    assert response.status_code == 400 and field in response.json()
    assert not Case.objects.exists()


def test_subject_outside_the_scope_is_400(api, people, tree):
    outsider = CadreFactory(unit=tree["other"])
    response = _post(api, people.filer, BASE, _payload(people, subject_cadres=[outsider.pk]))
    assert response.status_code == 400 and "subject_cadres" in response.json()


def test_reviewers_and_administrators_cannot_file(api, people):
    for user in (people.reviewers[0], people.admin):
        assert _post(api, user, BASE, _payload(people)).status_code == 403


def test_patch_only_in_draft(api, people, filed):
    url = f"{BASE}{filed['id']}/"
    api.force_authenticate(user=people.filer)
    response = api.patch(url, {"title": "先检查后招标（修改）"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "先检查后招标（修改）"
    _post(api, people.filer, f"{url}submit/")
    response = api.patch(url, {"title": "再改"}, format="json")
    assert response.status_code == 409 and response.json()["state"] == "submitted"
    assert Case.objects.get(pk=filed["id"]).title == "先检查后招标（修改）"


def test_whole_workflow_through_the_api(api, people, filed):
    url = f"{BASE}{filed['id']}/"
    with time_machine.travel(dt.date(2025, 9, 26), tick=False):
        assert _post(api, people.filer, f"{url}submit/").json()["deadlines"]["intake_due"] == "2025-10-10"
    with time_machine.travel(dt.date(2025, 9, 30), tick=False):
        body = _post(api, people.staff, f"{url}accept/").json()
        assert body["state"] == "accepted" and body["deadlines"]["decision_due"] == "2025-11-18"
        _post(api, people.staff, f"{url}investigate/")
        body = _post(api, people.staff, f"{url}propose/", {"criteria": ALL_GOOD, "recommendation": "exempted"}).json()
        assert body["state"] == "proposed" and body["criteria"]["situations"] == ["E04"]
        assert body["criteria"]["notes"]["procedure"] == "经局党组会研究"
        assert _post(api, people.liaison, f"{url}opinion/", {"text": "同意免责。"}).json()["opinion_text"] == "同意免责。"
        for reviewer in people.reviewers:
            assert _post(api, reviewer, f"{url}vote/", {"choice": "exempted"}).status_code == 200
        body = _post(api, people.reviewers[2], f"{url}decide/").json()
        assert body["state"] == "decided" and body["outcome"] == "exempted"
        [decision] = body["decisions"]
        assert decision["decided_by"] == "r3" and {v["username"] for v in decision["votes"]} == {"r1", "r2", "r3"}
        body = _post(api, people.staff, f"{url}notify/").json()
        assert body["state"] == "notified" and body["deadlines"]["appeal_due"] == "2025-10-30"
    # The cadre reads their own case, without who voted what.
    own = _get(api, people.cadre_account, url).json()
    assert own["outcome"] == "exempted" and "votes" not in own and "votes" not in own["decisions"][0]


def test_illegal_move_is_409_with_the_state(api, people, filed):
    response = _post(api, people.staff, f"{BASE}{filed['id']}/accept/")
    # A draft is the filer's alone: to everyone else it does not exist yet.
    assert response.status_code == 404
    response = _post(api, people.filer, f"{BASE}{filed['id']}/decide/")
    assert response.status_code == 409
    assert response.json()["state"] == "draft" and "草稿" in response.json()["detail"]


def test_wrong_role_is_403_and_out_of_scope_is_404(api, people, filed, advance):
    advance(Case.objects.get(pk=filed["id"]), "submitted")
    url = f"{BASE}{filed['id']}/"
    assert _post(api, people.liaison, f"{url}accept/").status_code == 404  # not sent to them yet
    assert _post(api, people.cadre_account, f"{url}accept/").status_code == 403
    assert _get(api, people.outsider_staff, url).status_code == 404
    assert _post(api, people.outsider_staff, f"{url}accept/").status_code == 404
    assert _get(api, people.admin, url).status_code == 200


def test_the_filer_taking_in_their_own_filing_is_403(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "submitted")
    for action, data in (("accept", {}), ("reject", {"reason": "不属于容错范围。"})):
        response = _post(api, people.filer, f"{BASE}{case.pk}/{action}/", data)
        assert response.status_code == 403
        assert response.json()["detail"] == "您是本案的填报人，不能办理本案的受理或不予受理，请由其他工作人员办理。"
    assert _post(api, people.staff, f"{BASE}{case.pk}/accept/").json()["state"] == "accepted"


def test_recusal_is_403(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "opinion")
    people.filer.roles = [Role.STAFF, Role.REVIEWER]
    people.filer.save()
    case.panel_members.create(round=1, reviewer=people.filer)
    response = _post(api, people.filer, f"{BASE}{case.pk}/vote/", {"choice": "exempted"})
    assert response.status_code == 403 and "填报人" in response.json()["detail"]


def test_five_looks_refusal_is_400(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "investigating")
    response = _post(api, people.staff, f"{BASE}{case.pk}/propose/",
                     {"criteria": {**ALL_GOOD, "attitude": False}, "recommendation": "exempted"})
    assert response.status_code == 400 and "勤勉尽责" in response.json()["recommendation"][0]


def test_quorum_and_tie_are_400(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "opinion")
    _post(api, people.reviewers[0], f"{BASE}{case.pk}/vote/", {"choice": "exempted"})
    response = _post(api, people.reviewers[0], f"{BASE}{case.pk}/decide/")
    assert response.status_code == 400 and "法定人数" in response.json()["detail"]
    Policy.objects.create(jurisdiction=case.jurisdiction, quorum=2)
    _post(api, people.reviewers[1], f"{BASE}{case.pk}/vote/", {"choice": "mitigated"})
    response = _post(api, people.reviewers[0], f"{BASE}{case.pk}/decide/")
    assert response.status_code == 400 and "平票" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == "opinion"


def test_bad_vote_and_missing_reason_are_400(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "opinion")
    response = _post(api, people.reviewers[0], f"{BASE}{case.pk}/vote/", {"choice": "forgiven"})
    assert response.status_code == 400 and "choice" in response.json()
    response = _post(api, people.staff, f"{BASE}{case.pk}/notify/")
    assert response.status_code == 409


def test_panel_endpoint(api, people, filed, advance):
    case = advance(Case.objects.get(pk=filed["id"]), "proposed")
    members = _get(api, people.staff, f"{BASE}{case.pk}/panel/").json()
    assert {m["reviewer"]["username"] for m in members} == {"r1", "r2", "r3", "r4", "r5", "r6"}
    response = _post(api, people.staff, f"{BASE}{case.pk}/panel/", {"reviewers": [r.pk for r in people.reviewers]})
    assert response.status_code == 200 and [m["reviewer"]["username"] for m in response.json()] == ["r1", "r2", "r3"]
    assert _post(api, people.reviewers[0], f"{BASE}{case.pk}/panel/", {"reviewers": []}).status_code == 403


def test_history_lists_every_transition_newest_first(api, people, filed, advance):
    advance(Case.objects.get(pk=filed["id"]), "decided")
    body = _get(api, people.staff, f"{BASE}{filed['id']}/history/").json()
    actions = [e["action"] for e in body["results"]]
    assert actions == ["decide", "vote", "vote", "vote", "opinion", "propose", "investigate", "accept", "submit",
                       "create"]
    accept = body["results"][7]
    assert accept["actor"] == "staff2" and accept["changes"]["state"] == ["submitted", "accepted"]
    assert set(accept) >= {"at", "actor", "action", "changes"}


def test_who_sees_which_case(api, people, new_case, advance, tree):
    draft = new_case(title="草稿")
    submitted = advance(new_case(title="已提交"), "submitted")
    proposed = advance(new_case(title="已提出建议"), "proposed")
    other_cadre = CadreFactory(unit=tree["street"])
    not_mine = advance(new_case(title="别人的", subject_cadres=[other_cadre]), "submitted")

    def titles(user):
        return {c["title"] for c in _get(api, user, BASE).json()["results"]}

    assert titles(people.filer) == {"草稿", "已提交", "已提出建议", "别人的"}
    assert titles(people.staff) == {"已提交", "已提出建议", "别人的"}
    assert titles(people.outsider_staff) == set()
    assert titles(people.reviewers[0]) == {"已提出建议"}
    assert titles(people.outside_reviewer) == set()
    assert titles(people.liaison) == {"已提出建议"}
    assert titles(people.cadre_account) == {"已提交", "已提出建议"}
    assert titles(people.admin) == {"草稿", "已提交", "已提出建议", "别人的"}
    assert {draft.pk, submitted.pk, proposed.pk, not_mine.pk}


def test_list_filters(api, people, new_case, advance, tree):
    advance(new_case(title="甲"), "submitted")
    advance(new_case(title="乙", field="reform", subject_cadres=[], subject_units=[tree["street"]]), "accepted")
    assert [c["title"] for c in _get(api, people.staff, BASE, state="accepted").json()["results"]] == ["乙"]
    assert [c["title"] for c in _get(api, people.staff, BASE, field="reform").json()["results"]] == ["乙"]
    assert [c["title"] for c in _get(api, people.staff, BASE, cadre=people.subject.pk).json()["results"]] == ["甲"]
    assert len(_get(api, people.staff, BASE, unit_tree=tree["district"].pk).json()["results"]) == 2
    assert _get(api, people.staff, BASE, state="nonsense").status_code == 400


def test_list_query_count_does_not_grow_with_the_page(api, people, new_case, advance):
    from core.models import User

    def count_for(n):
        api.force_authenticate(user=User.objects.get(pk=people.staff.pk))  # a fresh user, as per request
        while Case.objects.count() < n:
            advance(new_case(title=f"案件{Case.objects.count()}"), "submitted")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            body = api.get(BASE, {"page_size": 50}).json()
        assert len(body["results"]) == n
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(12)
    # the user's scope, count, page, subject cadres, subject units
    assert small == large == 5


def test_openapi_schema_describes_the_endpoints(api, people):
    api.force_authenticate(user=people.staff)
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for action in Case.Action.values:
        assert f"/api/v1/tolerance-cases/{{id}}/{action}/" in paths
    for path in ("/api/v1/tolerance-cases/{id}/attachments/", "/api/v1/tolerance-cases/{id}/history/",
                 "/api/v1/corrections/", "/api/v1/corrections/{id}/", "/api/v1/clarifications/"):
        assert path in paths
    schemas = response.json()["components"]["schemas"]
    assert schemas["OutcomeEnum"]["enum"] == ["exempted", "mitigated", "not_tolerated"]
