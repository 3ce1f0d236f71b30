"""People and helpers for the fault-tolerance tests.

The tree (from tests/conftest.py): 济南市 → 历下区 → 解放路街道, and 鹤山市 apart.
The subject of most cases is 謝允崗, a cadre of 解放路街道."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from core.models import Role
from fault_tolerance.models import Case
from fault_tolerance.services import case_create, case_transition
from tests.factories import UserFactory

A = Case.Action
ALL_GOOD = {"policy": True, "procedure": True, "result": True, "integrity": True, "attitude": True,
            "distinctions": [1, 3], "situations": ["E04"],
            "notes": {"procedure": "经局党组会研究", "distinction_1": "为排除安全隐患先行检查"}}
START = dt.date(2025, 9, 1)


@pytest.fixture
def people(tree, staff_user, cadre_in_street):
    """Everyone a case meets. Reviewers r1-r3 cover the district; r4-r6 sit at city level."""
    district, city = tree["district"], tree["city"]
    return SimpleNamespace(
        filer=staff_user,
        staff=UserFactory(username="staff2", roles=[Role.STAFF], units=[district], email="staff2@example.cn"),
        outsider_staff=UserFactory(username="staff_hs", roles=[Role.STAFF], units=[tree["other"]]),
        reviewers=[UserFactory(username=f"r{i}", roles=[Role.REVIEWER], units=[district], email=f"r{i}@example.cn")
                   for i in (1, 2, 3)],
        city_reviewers=[UserFactory(username=f"r{i}", roles=[Role.REVIEWER], units=[city]) for i in (4, 5, 6)],
        outside_reviewer=UserFactory(username="r_hs", roles=[Role.REVIEWER], units=[tree["other"]]),
        liaison=UserFactory(username="liaison1", roles=[Role.LIAISON], units=[district]),
        admin=UserFactory(username="admin_ft", roles=[Role.ADMIN]),
        subject=cadre_in_street,
        cadre_account=UserFactory(username="cadre_xie", roles=[Role.CADRE], cadre=cadre_in_street),
    )


@pytest.fixture
def new_case(people):
    def make(**overrides):
        fields = {"title": "先行组织中介机构开展安全检查", "description": "发生重大安全事故后，先检查后招标。",
                  "occurred_on": dt.date(2025, 3, 1), "field": "audit", "source": "audit",
                  "subject_cadres": [people.subject], **overrides}
        return case_create(actor=fields.pop("actor", people.filer), **fields)

    return make


@pytest.fixture
def advance(people):
    """advance(case, "opinion") walks a case through the services up to a state, as the
    people above, a day at a time from 1 Sep 2025."""

    def step(case, action, actor, **data):
        return case_transition(case=case, action=action, actor=actor, **data)

    def votes(case, choices):
        panel = people.reviewers if case.round == 1 else people.city_reviewers
        for reviewer, choice in zip(panel[:len(choices)], choices, strict=True):
            case = step(case, A.VOTE, reviewer, choice=choice)
        return case

    plan = [
        ("submitted", lambda c: step(c, A.SUBMIT, people.filer)),
        ("accepted", lambda c: step(c, A.ACCEPT, people.staff)),
        ("investigating", lambda c: step(c, A.INVESTIGATE, people.staff)),
        ("proposed", lambda c: step(c, A.PROPOSE, people.staff, criteria=ALL_GOOD, recommendation="exempted")),
        ("opinion", lambda c: step(c, A.OPINION, people.liaison, text="同意免责建议。")),
        ("decided", lambda c: step(votes(c, ["exempted"] * 3), A.DECIDE, people.reviewers[0])),
        ("notified", lambda c: step(c, A.NOTIFY, people.staff)),
        ("appealed", lambda c: step(c, A.APPEAL, people.cadre_account, reason="对认定有异议。")),
    ]

    def go(case, target, *, day=START):
        if target == "rejected":
            with time_machine.travel(day, tick=False):
                case = step(case, A.SUBMIT, people.filer)
                return step(case, A.REJECT, people.staff, reason="不属于容错范围。")
        walk_to = "notified" if target == "closed" else target
        reached = ["draft"] + [state for state, _ in plan]
        for _state, run in plan[reached.index(case.state):]:
            if case.state == walk_to:
                break
            with time_machine.travel(day, tick=False):
                case = run(case)
            day += dt.timedelta(days=1)
        if target == "closed":
            with time_machine.travel(case.appeal_due + dt.timedelta(days=1), tick=False):
                case = step(case, A.CLOSE, people.staff)
        assert case.state == target
        return case

    go.votes = votes
    return go
