"""Pending proposals in the browser: the list is scoped, confirm makes the record, dismiss needs
a reason, a decided proposal answers 409 with a message in words, the list in fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Role
from incentives.models import AccumulationRule, IncentiveRecord, Measure, RuleProposal
from tests.factories import CadreFactory, UserFactory

YEAR = 2025


@pytest.fixture
def rule(db):
    measure = Measure.objects.create(code="t-demote", name="降低一个职务或职级层次",
                                     direction="negative", kind="organizational", points=20)
    return AccumulationRule.objects.create(
        code="t-incompetent", kind="grade_in_year", params={"grade": "incompetent"},
        measure=measure, label="年度考核不称职，降低一个职务或职级层次", needs_confirmation=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def propose(rule, unit, name="赵某", year=YEAR):
    return RuleProposal.objects.create(rule=rule, cadre=CadreFactory(unit=unit, name=name), year=year)


def test_the_list_shows_only_proposals_in_scope(staff_client, tree, rule):
    propose(rule, tree["street"], "街道干部")
    stranger = propose(rule, tree["other"], "外县干部")
    body = staff_client.get(reverse("incentives:proposal-list")).content.decode()
    assert "街道干部" in body and "外县干部" not in body
    response = staff_client.post(reverse("incentives:proposal-confirm", args=[stranger.pk]))
    assert response.status_code == 404
    assert RuleProposal.objects.get(pk=stranger.pk).state == "pending"


def test_confirm_makes_the_record_and_says_so(staff_client, tree, rule):
    proposal = propose(rule, tree["street"])
    response = staff_client.post(reverse("incentives:proposal-confirm", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert proposal.state == "confirmed"
    assert IncentiveRecord.objects.get(pk=proposal.record_id).source == IncentiveRecord.Source.RULE
    assert "已确认：赵某 2025 年度 年度考核不称职" in response.content.decode()


def test_a_decided_proposal_answers_409_in_words(staff_client, tree, rule):
    proposal = propose(rule, tree["street"])
    staff_client.post(reverse("incentives:proposal-confirm", args=[proposal.pk]))
    again = staff_client.post(reverse("incentives:proposal-confirm", args=[proposal.pk]))
    assert again.status_code == 409
    assert "该建议已处理（已确认）" in again.content.decode()
    dismiss = staff_client.post(reverse("incentives:proposal-dismiss", args=[proposal.pk]),
                                {f"p{proposal.pk}-reason": "情况有变"})
    assert dismiss.status_code == 409
    assert "该建议已处理（已确认）" in dismiss.content.decode()
    assert IncentiveRecord.objects.count() == 1


def test_dismiss_needs_a_reason_and_keeps_it(staff_client, tree, rule):
    proposal = propose(rule, tree["street"])
    url = reverse("incentives:proposal-dismiss", args=[proposal.pk])
    empty = staff_client.post(url, {f"p{proposal.pk}-reason": "  "})
    assert empty.status_code == 400
    assert "请填写不予采纳的理由" in empty.content.decode()
    assert RuleProposal.objects.get(pk=proposal.pk).state == "pending"

    done = staff_client.post(url, {f"p{proposal.pk}-reason": "经复核，考核结果已更正"}, follow=True)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason) == ("dismissed", "经复核，考核结果已更正")
    assert "已不予采纳" in done.content.decode()
    assert not IncentiveRecord.objects.exists()


def test_a_user_without_a_write_role_is_refused(client, tree, rule):
    proposal = propose(rule, tree["street"])
    client.force_login(UserFactory(roles=[Role.REVIEWER], units=[tree["district"]]))
    page = client.get(reverse("incentives:proposal-list")).content.decode()
    assert "赵某" in page and "不予采纳</button>" not in page
    response = client.post(reverse("incentives:proposal-confirm", args=[proposal.pk]))
    assert response.status_code == 403
    assert RuleProposal.objects.get(pk=proposal.pk).state == "pending"


def test_the_list_answers_in_the_same_queries_for_5_or_25_proposals(staff_client, tree, rule):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("incentives:proposal-list")).status_code == 200
        return len(captured)

    for year in range(2001, 2006):
        propose(rule, tree["street"], year=year)
    few = count()
    for year in range(2006, 2026):
        propose(rule, tree["district"], year=year)
    assert count() == few
