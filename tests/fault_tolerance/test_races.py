"""Concurrent requests: one winner and a 409 for the other, and no lost vote. Real threads
and real transactions, on whichever database the suite runs (SQLite or PostgreSQL)."""


import pytest

from core.errors import Conflict
from core.models import Role
from fault_tolerance.models import Case, Decision, Vote
from fault_tolerance.services import case_transition
from tests.concurrency import at_once
from tests.factories import UserFactory

# serialized_rollback: a transactional test starts from a flushed database; this restores the
# rows the data migrations seed (the situation catalog, the default policy, the calendar).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
A = Case.Action


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection."""
    return at_once(*calls, outcomes=True)


def _outcomes(results):
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    others = [r for r in results if not isinstance(r, (Case, Conflict))]
    return wins, conflicts, others


def test_accept_and_reject_at_once_one_wins(people, new_case, advance, tree):
    case = advance(new_case(), "submitted")
    # Two members of staff other than the filer, who may not take in their own filing.
    colleague = UserFactory(username="staff3", roles=[Role.STAFF], units=[tree["district"]])
    results = race(
        lambda: case_transition(case=case, action=A.ACCEPT, actor=people.staff),
        lambda: case_transition(case=case, action=A.REJECT, actor=colleague, reason="重复申请。"),
    )
    wins, conflicts, others = _outcomes(results)
    assert others == [] and len(wins) == 1 and len(conflicts) == 1
    assert conflicts[0].state == wins[0].state
    assert Case.objects.get(pk=case.pk).state == wins[0].state


def test_two_decides_at_once_make_one_decision(people, new_case, advance):
    case = advance.votes(advance(new_case(), "opinion"), ["exempted"] * 3)
    results = race(*[
        (lambda r=r: case_transition(case=case, action=A.DECIDE, actor=r)) for r in people.reviewers[:2]])
    wins, conflicts, others = _outcomes(results)
    assert others == [] and len(wins) == 1 and len(conflicts) == 1
    assert Decision.objects.filter(case=case).count() == 1


def test_votes_cast_together_are_all_kept(people, new_case, advance):
    case = advance(new_case(), "opinion")
    results = race(*[
        (lambda r=r: case_transition(case=case, action=A.VOTE, actor=r, choice="exempted"))
        for r in [*people.reviewers, *people.city_reviewers]])
    assert all(isinstance(r, Case) for r in results), results
    assert Vote.objects.filter(case=case).count() == 6


def test_a_vote_racing_the_decision_is_refused_not_lost(people, new_case, advance):
    case = advance.votes(advance(new_case(), "opinion"), ["exempted"] * 3)
    results = race(
        lambda: case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0]),
        lambda: case_transition(case=case, action=A.VOTE, actor=people.city_reviewers[0], choice="mitigated"),
    )
    assert [type(r) for r in results if not isinstance(r, (Case, Conflict))] == []
    decision = Decision.objects.get(case=case)
    stored = set(Vote.objects.filter(case=case).values_list("voter__username", flat=True))
    recorded = {v["username"] for v in decision.votes}
    if isinstance(results[1], Case):  # the vote came first: the decision counted it
        assert recorded == stored == {"r1", "r2", "r3", "r4"}
    else:  # the decision came first: the late vote was refused and nothing changed after it
        assert isinstance(results[1], Conflict) and recorded == stored == {"r1", "r2", "r3"}
