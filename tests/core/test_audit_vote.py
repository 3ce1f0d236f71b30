"""Casting the same vote again changes nothing, so it writes no audit entry (issue 6)."""

import pytest
import time_machine

from core.audit import object_history
from fault_tolerance.models import Case
from fault_tolerance.services import case_transition
from tests.fault_tolerance.conftest import START, advance, new_case, people  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_same_vote_again_writes_no_entry_and_a_changed_one_does(people, new_case, advance):  # noqa: F811
    case = advance(new_case(), "opinion")
    reviewer = people.reviewers[0]

    def vote(choice):
        with time_machine.travel(START, tick=False):
            return case_transition(
                case=case, action=Case.Action.VOTE, actor=reviewer, choice=choice
            )

    vote("exempted")
    votes = object_history(obj=case).filter(action="vote")
    assert votes.count() == 1
    vote("exempted")
    vote("exempted")
    assert votes.count() == 1
    vote("mitigated")
    assert votes.count() == 2
    assert votes.first().changes == {"vote:r1": ["exempted", "mitigated"]}
