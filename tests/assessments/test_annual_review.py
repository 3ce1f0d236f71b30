"""The 复核 and 申诉 of a 不称职 grade (公务员法 §95): 30 days from learning the grade to ask for
a review, 15 days from the review's decision to appeal; dates in the wrong order or too late
refused with clear messages; a step in the wrong state 409; audited; seen as the grade is."""

import datetime as dt

import pytest

from assessments.models import AnnualAssessment, AnnualReview
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from core.models import AuditEntry, Role
from tests.factories import CadreFactory, UserFactory

URL = "/api/v1/annual-reviews/"


@pytest.fixture
def graded(tree, staff_user):
    cadre = CadreFactory(unit=tree["street"])
    annual_save(actor=staff_user, rows=[AnnualRow(cadre, 2024, "incompetent")])
    return AnnualAssessment.objects.get(cadre=cadre)


def test_the_whole_path_with_its_deadlines(graded, as_user, staff_user):
    api = as_user(staff_user)
    late = api.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10", "requested_on": "2025-02-10"},
                    format="json")
    assert late.status_code == 400 and "30 日内" in late.json()["requested_on"][0]
    early = api.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10", "requested_on": "2025-01-09"},
                     format="json")
    assert early.status_code == 400 and "不能早于" in early.json()["requested_on"][0]
    answer = api.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10", "requested_on": "2025-02-09",
                            "reason": "考核程序有误"}, format="json")
    assert answer.status_code == 201, answer.content
    review = answer.json()
    assert (review["state"], review["grade"], review["year"]) == ("requested", "incompetent", 2024)
    assert api.post(f"{URL}{review['id']}/appeal/", {"appealed_on": "2025-02-20"}, format="json").status_code == 409
    assert api.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10"}, format="json").status_code == 409
    decided = api.post(f"{URL}{review['id']}/decide/", {"decided_on": "2025-03-01", "result": "upheld"}, format="json")
    assert decided.status_code == 200 and decided.json()["state"] == "reviewed"
    late = api.post(f"{URL}{review['id']}/appeal/", {"appealed_on": "2025-03-17"}, format="json")
    assert late.status_code == 400 and "15 日内" in late.json()["appealed_on"][0]
    appealed = api.post(f"{URL}{review['id']}/appeal/", {"appealed_on": "2025-03-16", "appeal_reason": "不服"},
                        format="json")
    assert appealed.status_code == 200 and appealed.json()["state"] == "appealed"
    conflict = api.post(f"{URL}{review['id']}/decide/", {"result": "upheld"}, format="json")
    assert conflict.status_code == 409 and conflict.json()["state"] == "appealed"
    closed = api.post(f"{URL}{review['id']}/decide-appeal/", {"appeal_decided_on": "2025-04-01",
                                                              "appeal_result": "changed",
                                                              "new_grade": "basically_competent"}, format="json")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["state"], closed.json()["grade"]) == ("closed", "basically_competent")
    history = api.get(f"{URL}{review['id']}/history/")
    assert history.status_code == 200
    assert [e["action"] for e in history.json()["results"]] == ["decide_appeal", "appeal", "decide", "request"]
    # the changed grade went through annual_save, audited on the grade
    assert AuditEntry.objects.filter(object_id=graded.pk, action="update").exists()


def test_only_an_incompetent_grade_is_reviewed(tree, staff_user, as_user):
    cadre = CadreFactory(unit=tree["street"])
    annual_save(actor=staff_user, rows=[AnnualRow(cadre, 2024, "competent")])
    answer = as_user(staff_user).post(URL, {"assessment": AnnualAssessment.objects.get().pk,
                                            "learned_on": "2025-01-10"}, format="json")
    assert answer.status_code == 400 and "不称职" in answer.json()["assessment"][0]


def test_the_cadre_asks_for_their_own_review_and_others_do_not_see_it(graded, tree, as_user):
    own = as_user(UserFactory(roles=[Role.CADRE], cadre=graded.cadre))
    answer = own.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10", "requested_on": "2025-01-20"},
                      format="json")
    assert answer.status_code == 201, answer.content
    # the cadre may not decide it
    assert own.post(f"{URL}{answer.json()['id']}/decide/", {"result": "upheld"}, format="json").status_code == 403
    stranger = as_user(UserFactory(roles=[Role.STAFF], units=[tree["other"]]))
    assert stranger.get(f"{URL}{answer.json()['id']}/").status_code == 404
    assert stranger.get(URL).json()["results"] == []
    assert stranger.post(URL, {"assessment": graded.pk, "learned_on": "2025-01-10"}, format="json").status_code == 400
    assert AnnualReview.objects.count() == 1


def test_a_review_date_in_the_future_is_refused(graded, as_user, staff_user):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    answer = as_user(staff_user).post(URL, {"assessment": graded.pk, "learned_on": tomorrow.isoformat(),
                                            "requested_on": tomorrow.isoformat()}, format="json")
    assert answer.status_code == 400
    assert "今天" in str(answer.json()) or "晚于" in str(answer.json()), answer.json()
    from assessments.models import AnnualReview

    assert not AnnualReview.objects.exists()
