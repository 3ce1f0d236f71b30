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
