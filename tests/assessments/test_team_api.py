"""team-assessments/ exactly per API.md (unit, year, grade, score, read-only rank and escalation;
filters unit, year, category; scope: 404 outside), team-measure-proposals/ (confirm, dismiss,
409 on the wrong state), and the pages: ranking, entry, proposals."""

import pytest

from assessments.models import TeamAssessment, TeamMeasureProposal
from core.models import Role
from tests.factories import CadreFactory, UnitFactory, UserFactory


@pytest.fixture
def units(tree):
    made = [
        UnitFactory(name=f"局{i}", parent=tree["district"], category="economic") for i in range(3)
    ]
    CadreFactory(unit=made[2], position_title="局长", post_level="section_chief")
    return made


def post(api, unit, year, grade, score=None):
    body = {"unit": unit.pk, "year": year, "grade": grade}
    if score is not None:
        body["score"] = score
    return api.post("/api/v1/team-assessments/", body, format="json")


def test_post_and_get_answer_the_contracts_shape(as_user, staff_user, units):
    api = as_user(staff_user)
    assert post(api, units[0], 2025, "good", 92.5).status_code == 201
    assert post(api, units[1], 2025, "good").status_code == 201
    answer = post(api, units[2], 2025, "poor", 40)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert {k: body[k] for k in ("unit", "year", "grade", "score", "rank", "escalation")} == {
        "unit": units[2].pk,
        "year": 2025,
        "grade": "poor",
        "score": 40,
        "rank": 3,
        "escalation": "talk_reminder",
    }
    first = api.get(
        f"/api/v1/team-assessments/{TeamAssessment.objects.get(unit=units[0]).pk}/"
    ).json()
    assert (first["rank"], first["escalation"], first["score"]) == (1, None, 92.5)
    listed = api.get("/api/v1/team-assessments/?category=economic&year=2025").json()
    assert listed["count"] == 3
    assert [r["rank"] for r in listed["results"]] == [1, 2, 3]
    assert api.get(f"/api/v1/team-assessments/?unit={units[1].pk}").json()["count"] == 1
    assert api.get("/api/v1/team-assessments/?category=social").json()["count"] == 0
    history = api.get(f"/api/v1/team-assessments/{body['id']}/history/").json()
    assert history["results"][-1]["action"] == "create"


def test_read_only_fields_are_ignored_and_bad_input_is_400(as_user, staff_user, units):
    api = as_user(staff_user)
    answer = api.post(
        "/api/v1/team-assessments/",
        {
            "unit": units[0].pk,
            "year": 2025,
            "grade": "good",
            "rank": 9,
            "escalation": "post_adjustment",
        },
        format="json",
    )
    assert answer.status_code == 201
    assert (answer.json()["rank"], answer.json()["escalation"]) == (1, None)
    assert "score" in post(api, units[1], 2025, "good", 101).json()
    assert "grade" in post(api, units[1], 2025, "excellent").json()
    duplicate = post(api, units[0], 2025, "poor")
    assert duplicate.status_code == 400 and "year" in duplicate.json()
    no_category = post(api, UnitFactory(parent=units[0].parent, category=""), 2025, "good")
    assert no_category.status_code == 400 and "考核类别" in no_category.json()["unit"][0]


def test_scope_outside_is_404_and_a_reviewer_cannot_write(as_user, staff_user, units, tree):
    post(as_user(staff_user), units[0], 2025, "good")
    pk = TeamAssessment.objects.get().pk
    elsewhere = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    api = as_user(elsewhere)
    assert api.get(f"/api/v1/team-assessments/{pk}/").status_code == 404
    assert api.get(f"/api/v1/team-assessments/{pk}/history/").status_code == 404
    assert api.get("/api/v1/team-assessments/").json()["count"] == 0
    assert post(api, units[1], 2025, "good").status_code == 400  # a unit outside: not there
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    assert post(as_user(reviewer), units[1], 2025, "good").status_code == 403
    assert as_user(reviewer).get(f"/api/v1/team-assessments/{pk}/").status_code == 200


def test_proposals_confirm_dismiss_and_409(as_user, staff_user, units, tree):
    api = as_user(staff_user)
    for unit, grade in zip(units, ("good", "good", "poor"), strict=True):
        post(api, unit, 2025, grade)
    listed = api.get("/api/v1/team-measure-proposals/?status=pending").json()
    assert listed["count"] == 1
    proposal = listed["results"][0]
    assert (proposal["measure"], proposal["unit"], proposal["year"]) == (
        "talk_reminder",
        units[2].pk,
        2025,
    )
    pk = proposal["id"]
    elsewhere = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    assert (
        as_user(elsewhere).post(f"/api/v1/team-measure-proposals/{pk}/confirm/").status_code == 404
    )
    api = as_user(staff_user)
    no_reason = api.post(f"/api/v1/team-measure-proposals/{pk}/dismiss/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    done = api.post(f"/api/v1/team-measure-proposals/{pk}/confirm/")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["decided_by"]) == ("confirmed", "staff1")
    again = api.post(f"/api/v1/team-measure-proposals/{pk}/confirm/")
    assert again.status_code == 409 and again.json()["state"] == "confirmed"
    dismissed = api.post(
        f"/api/v1/team-measure-proposals/{pk}/dismiss/", {"reason": "x"}, format="json"
    )
    assert dismissed.status_code == 409
    assert (
        api.get(f"/api/v1/team-measure-proposals/{pk}/history/").json()["results"][0]["action"]
        == "confirm"
    )


def test_the_pages(client, staff_user, units, tree):
    client.force_login(staff_user)
    answer = client.post(
        "/assessments/team/new/",
        {"unit": units[0].pk, "year": 2025, "grade": "good", "score": "88"},
    )
    assert answer.status_code == 302
    client.post("/assessments/team/new/", {"unit": units[1].pk, "year": 2025, "grade": "good"})
    client.post("/assessments/team/new/", {"unit": units[2].pk, "year": 2025, "grade": "poor"})
    refused = client.post(
        "/assessments/team/new/",
        {
            "unit": UnitFactory(parent=tree["district"], category="").pk,
            "year": 2025,
            "grade": "good",
        },
    )
    assert refused.status_code == 400 and "考核类别" in refused.content.decode()
    page = client.get("/assessments/team/?category=economic&year=2025").content.decode()
    assert "谈话提醒" in page and "局2" in page and "3 / 3" in page
    proposals = client.get("/assessments/team/proposals/")
    assert proposals.status_code == 200 and "谈话提醒" in proposals.content.decode()
    proposal = TeamMeasureProposal.objects.get()
    no_reason = client.post(f"/assessments/team/proposals/{proposal.pk}/dismiss/", {})
    assert no_reason.status_code == 400
    assert client.post(f"/assessments/team/proposals/{proposal.pk}/confirm/").status_code == 302
    assert client.post(f"/assessments/team/proposals/{proposal.pk}/confirm/").status_code == 409
    client.force_login(UserFactory(roles=[Role.STAFF], units=[tree["other"]]))
    assert client.post(f"/assessments/team/proposals/{proposal.pk}/confirm/").status_code == 404
    assert (
        "局2" not in client.get("/assessments/team/?category=economic&year=2025").content.decode()
    )


def test_lists_and_the_ranking_page_answer_in_a_fixed_number_of_queries(
    as_user, client, staff_user, units, tree, django_assert_max_num_queries
):
    from decimal import Decimal

    from assessments.selectors.team import TeamRow
    from assessments.services.team import team_assessment_save

    api = as_user(staff_user)
    client.force_login(staff_user)

    def queries(path, via):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert via.get(path).status_code == 200
        return len(captured)

    def grade_all(members):
        rows = [TeamRow(u, 2025, "good", Decimal(100 - i)) for i, u in enumerate(members)]
        team_assessment_save(actor=staff_user, rows=rows)

    grade_all(units)
    paths = [("/api/v1/team-assessments/", api), ("/api/v1/team-measure-proposals/", api),
             ("/assessments/team/?category=economic&year=2025", client),
             ("/assessments/team/proposals/?status=", client)]
    few = [queries(p, via) for p, via in paths]
    more = [UnitFactory(parent=tree["district"], category="economic") for _ in range(20)]
    for unit in more[-3:]:
        CadreFactory(unit=unit, post_level="section_chief")
    grade_all(units + more)
    assert [queries(p, via) for p, via in paths] == few
