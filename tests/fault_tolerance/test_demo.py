"""The fault-tolerance part of `seed_demo`: the Ningbo case decided and notified, a second one
waiting on reviewer3, a clarification; loaded through the services, so with a full history."""

import pytest
from django.core.management import call_command

from core.audit import object_history
from core.models import User
from discipline.models import Clarification
from fault_tolerance.models import Case, Correction
from fault_tolerance.selectors import is_protected, reviewer_queue

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_ningbo_cases():
    call_command("seed_demo", verbosity=0)
    exempted = Case.objects.get(title__endswith="事故后先行委托中介机构开展安全检查（先检查后招标）")
    assert exempted.title.startswith("镇海区") and exempted.state == "notified" and exempted.outcome == "exempted"
    assert exempted.attachments.count() == 1 and exempted.decisions.get().votes[0]["username"] == "reviewer1"
    assert is_protected(exempted.subject_cadres.get(), exempted)
    assert [e.action for e in object_history(obj=exempted)][:2] == ["notify", "decide"]
    assert set(Correction.objects.filter(case=exempted).values_list("step", flat=True)) == {"start", "notice"}
    waiting = Case.objects.get(title__startswith="梁弄镇")
    assert waiting.state == "opinion" and waiting.votes.count() == 2
    assert list(reviewer_queue(user=User.objects.get(username="reviewer3"))) == [waiting]
    assert list(reviewer_queue(user=User.objects.get(username="reviewer1"))) == []
    assert Clarification.objects.count() == 1
    call_command("seed_demo", verbosity=0)  # a second run adds nothing
    assert Case.objects.count() == 2


def test_an_appeal_in_the_demo_can_be_decided(client):
    """Issue 7, item 14: an appeal used to leave "暂无可参加本案表决的审核人" and a stuck case."""
    from fault_tolerance import selectors, services

    call_command("seed_demo", verbosity=0)
    case = Case.objects.get(title__endswith="事故后先行委托中介机构开展安全检查（先检查后招标）")
    staff = User.objects.get(username="staff_ningbo")
    case = services.case_transition(case=case, action="appeal", actor=staff, reason="对认定结果有异议。")
    panel = selectors.panel(case)
    assert len(panel) >= selectors.policy_for(case.jurisdiction).quorum
    assert not {u.username for u in panel} & {"reviewer1", "reviewer2", "reviewer3"}
    client.force_login(staff)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "暂无可参加本案表决的审核人" not in page and 'id="panel-shortfall"' not in page
    for reviewer in panel:
        case = services.case_transition(case=case, action="vote", actor=reviewer, choice="exempted")
    case = services.case_transition(case=case, action="decide", actor=panel[0])
    assert case.state == "decided" and case.round == 2
