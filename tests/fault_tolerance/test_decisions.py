"""Recusal, the criteria, the panel's votes and decision, the appeal."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.models import PostLevel
from core.errors import Conflict
from core.models import Role
from fault_tolerance.models import Case, Decision, PanelMember, Policy, Vote
from fault_tolerance.selectors import default_panel, panel
from fault_tolerance.services import case_panel_set, case_transition
from tests.factories import CadreFactory, UserFactory

from .conftest import ALL_GOOD

pytestmark = pytest.mark.django_db
A = Case.Action


def _propose(case, people, _rec="mitigated", **criteria):
    return case_transition(case=case, action=A.PROPOSE, actor=people.staff,
                           criteria={**ALL_GOOD, **criteria}, recommendation=_rec)


# Recusal --------------------------------------------------------------------------


def test_default_panel_is_the_covering_reviewers(people, new_case, advance):
    case = advance(new_case(), "proposed")
    # r4-r6 cover the city, hence the district below it; the reviewer in 鹤山 does not.
    assert {u.username for u in panel(case)} == {"r1", "r2", "r3", "r4", "r5", "r6"}


def test_subject_cadre_who_is_a_reviewer_recuses(people, new_case, advance):
    # 謝允崗's own account also holds the reviewer role over the district.
    own = people.cadre_account
    own.roles = [Role.CADRE, Role.REVIEWER]
    own.save()
    own.units.set([people.reviewers[0].units.get()])
    case = advance(new_case(), "proposed")
    assert "r1" in {u.username for u in panel(case)} and "cadre_xie" not in {u.username for u in panel(case)}
    with pytest.raises(ValidationError) as exc:
        case_panel_set(case=case, actor=people.staff, reviewers=[*people.reviewers, own])
    assert exc.value.message_dict["reviewers"] == ["cadre_xie：您是本案的容错对象，须回避。"]


def test_leader_of_a_subject_unit_recuses_but_its_staff_member_does_not(people, new_case, advance, tree):
    leader = CadreFactory(unit=tree["street"], post_level=PostLevel.SECTION_CHIEF, position_title="街道办主任")
    clerk = CadreFactory(unit=tree["street"], post_level=PostLevel.STAFF, position_title="科员")
    higher_up = CadreFactory(unit=tree["district"], post_level=PostLevel.DIVISION_CHIEF)
    for reviewer, cadre in zip(people.reviewers, (leader, clerk, higher_up), strict=True):
        cadre.account = reviewer  # the link is held on the cadre (Cadre.account)
        cadre.save()
    case = advance(new_case(subject_units=[tree["street"]]), "proposed")
    names = {u.username for u in default_panel(case)}
    assert "r1" not in names and {"r2", "r3"} <= names
    # Even if placed on the panel by hand, the leader cannot vote.
    PanelMember.objects.create(case=case, round=1, reviewer=people.reviewers[0])
    case = advance(case, "opinion")
    with pytest.raises(PermissionDenied, match="领导干部"):
        case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="mitigated")


def test_filer_and_investigator_never_vote(people, new_case, advance):
    people.filer.roles = [Role.STAFF, Role.REVIEWER]
    people.filer.save()
    people.staff.roles = [Role.STAFF, Role.REVIEWER]
    people.staff.save()
    case = advance(new_case(), "proposed")
    assert {"staff1", "staff2"}.isdisjoint(u.username for u in panel(case))
    with pytest.raises(ValidationError) as exc:
        case_panel_set(case=case, actor=people.staff, reviewers=[people.filer, people.staff, *people.reviewers])
    errors = exc.value.message_dict["reviewers"]
    assert "staff1：您是本案的填报人，不能参与表决。" in errors
    assert "staff2：您参与了本案的调查核实或提出认定建议，不能参与表决。" in errors
    PanelMember.objects.create(case=case, round=1, reviewer=people.filer)
    case = advance(case, "opinion")
    with pytest.raises(PermissionDenied, match="填报人"):
        case_transition(case=case, action=A.VOTE, actor=people.filer, choice="mitigated")


def test_reviewer_not_on_the_panel_cannot_vote(people, new_case, advance):
    case = advance(new_case(), "opinion")
    with pytest.raises(PermissionDenied, match="审议组"):
        case_transition(case=case, action=A.VOTE, actor=people.outside_reviewer, choice="exempted")


def test_staff_assign_the_panel_until_voting_begins(people, new_case, advance):
    case = advance(new_case(), "proposed")
    case_panel_set(case=case, actor=people.staff, reviewers=people.reviewers)
    assert [u.username for u in panel(case)] == ["r1", "r2", "r3"]
    case = advance(case, "opinion")
    case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    with pytest.raises(Conflict):
        case_panel_set(case=case, actor=people.staff, reviewers=people.city_reviewers)


# The criteria -----------------------------------------------------------------------


def test_exempted_recommendation_refused_when_integrity_fails(people, new_case, advance):
    case = advance(new_case(), "investigating")
    with pytest.raises(ValidationError) as exc:
        _propose(case, people, integrity=False, _rec="exempted")
    assert "未谋取私利" in exc.value.message_dict["recommendation"][0]
    assert Case.objects.get(pk=case.pk).state == "investigating"
    case = _propose(case, people, integrity=False, _rec="mitigated")
    assert case.state == "proposed" and case.criteria["integrity"] is False


def test_exempted_vote_refused_when_a_look_fails(people, new_case, advance):
    case = advance(new_case(), "investigating")
    case = _propose(case, people, result=False, _rec="mitigated")
    case = advance(case, "opinion")
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    assert "“五个看”须全部符合方可免责" in exc.value.message_dict["choice"][0]
    assert not Vote.objects.filter(case=case).exists()


def test_never_tolerated_situation_forces_not_tolerated(people, new_case, advance):
    case = advance(new_case(), "investigating")
    for rec in ("exempted", "mitigated"):
        with pytest.raises(ValidationError, match="N02"):
            _propose(case, people, situations=["E04", "N02"], _rec=rec)
    case = _propose(case, people, situations=["N02"], _rec="not_tolerated")
    case = advance(case, "opinion")
    with pytest.raises(ValidationError):
        case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="mitigated")


@pytest.mark.parametrize(("criteria", "message"), [
    ({"policy": "yes"}, "“五个看”每一项都须明确判断"),
    ({"distinctions": [4]}, "1、2、3"),
    ({"situations": ["E99"]}, "E99"),
    ({"notes": {"weather": "晴"}}, "说明"),
    ({"extra": 1}, "无法识别"),
])
def test_malformed_criteria_are_refused_with_a_message(criteria, message, people, new_case, advance):
    case = advance(new_case(), "investigating")
    with pytest.raises(ValidationError, match=message):
        _propose(case, people, **criteria)


def test_inactive_situation_cannot_be_ticked(people, new_case, advance):
    from fault_tolerance.models import Situation

    Situation.objects.filter(code="E04").update(active=False)
    case = advance(new_case(), "investigating")
    with pytest.raises(ValidationError, match="E04"):
        _propose(case, people)


# Quorum, majority, tie -------------------------------------------------------------------


def test_decide_needs_the_quorum(people, new_case, advance):
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["exempted", "exempted"])
    with pytest.raises(ValidationError, match="未达到法定人数 3 人"):
        case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    assert Case.objects.get(pk=case.pk).state == "opinion"


def test_quorum_is_set_per_jurisdiction(people, new_case, advance, tree):
    Policy.objects.create(jurisdiction=tree["district"], quorum=2)
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["exempted", "exempted"])
    assert case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0]).outcome == "exempted"


def test_tie_is_refused_until_a_vote_changes(people, new_case, advance):
    case = advance(new_case(), "proposed")
    case_panel_set(case=case, actor=people.staff, reviewers=[*people.reviewers, people.city_reviewers[0]])
    case = advance(case, "opinion")
    voters = [*people.reviewers, people.city_reviewers[0]]
    for voter, choice in zip(voters, ["exempted", "exempted", "mitigated", "mitigated"], strict=True):
        case = case_transition(case=case, action=A.VOTE, actor=voter, choice=choice)
    with pytest.raises(ValidationError, match="平票"):
        case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    # r3 changes their mind: the later vote replaces the earlier one.
    case = case_transition(case=case, action=A.VOTE, actor=people.reviewers[2], choice="exempted")
    assert Vote.objects.filter(case=case).count() == 4
    case = case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    decision = Decision.objects.get(case=case)
    assert case.outcome == decision.outcome == "exempted"
    assert {(v["username"], v["choice"]) for v in decision.votes} == {
        ("r1", "exempted"), ("r2", "exempted"), ("r3", "exempted"), ("r4", "mitigated")}


def test_no_majority_among_three_outcomes_is_refused(people, new_case, advance):
    case = advance(new_case(), "investigating")
    case = _propose(case, people, integrity=False, _rec="mitigated")
    case_panel_set(case=case, actor=people.staff, reviewers=[*people.reviewers])
    case = advance(case, "opinion")
    case = advance.votes(case, ["mitigated", "not_tolerated", "mitigated"])
    assert case_transition(case=case, action=A.DECIDE, actor=people.reviewers[1]).outcome == "mitigated"


@pytest.mark.parametrize(("majority", "votes", "outcome"), [
    ("simple", ["exempted", "exempted", "mitigated"], "exempted"),
    ("two_thirds", ["exempted", "exempted", "mitigated"], "exempted"),
    ("two_thirds", ["exempted", "exempted", "mitigated", "not_tolerated"], None),
    ("panel", ["exempted", "exempted", "mitigated"], None),  # 2 of a panel of six is not more than half
    ("panel", ["exempted"] * 4, "exempted"),
])
def test_the_majority_rule_is_a_per_jurisdiction_setting(people, new_case, advance, tree, majority, votes, outcome):
    Policy.objects.create(jurisdiction=tree["city"], majority=majority)
    case = advance(new_case(), "opinion")  # the default panel: r1-r6
    voters = [*people.reviewers, *people.city_reviewers]
    for voter, choice in zip(voters, votes, strict=False):
        case = case_transition(case=case, action=A.VOTE, actor=voter, choice=choice)
    if outcome is None:
        with pytest.raises(ValidationError, match="没有任何意见达到多数"):
            case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    else:
        assert case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0]).outcome == outcome


# The appeal -----------------------------------------------------------------------------


def test_appeal_goes_to_a_different_panel_once_only(people, new_case, advance):
    case = advance(new_case(), "notified")
    first_voters = {"r1", "r2", "r3"}
    with time_machine.travel(case.notified_on + dt.timedelta(days=3), tick=False):
        case = case_transition(case=case, action=A.APPEAL, actor=people.cadre_account, reason="对认定结果有异议。")
    assert case.state == "appealed" and case.round == 2
    second = {u.username for u in panel(case)}
    assert second == {"r4", "r5", "r6"} and second.isdisjoint(first_voters)
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="mitigated")
    with pytest.raises(ValidationError, match="前一轮表决"):
        case_panel_set(case=case, actor=people.staff, reviewers=[people.reviewers[0], *people.city_reviewers])
    with time_machine.travel(case.appealed_on + dt.timedelta(days=5), tick=False):
        case = advance.votes(case, ["exempted"] * 3)
        case = case_transition(case=case, action=A.DECIDE, actor=people.city_reviewers[0])
        case = case_transition(case=case, action=A.NOTIFY, actor=people.staff)
        with pytest.raises(Conflict, match="只能提出一次"):
            case_transition(case=case, action=A.APPEAL, actor=people.cadre_account, reason="再次申诉。")
        # After the review on appeal nothing is left to wait for: the case may close at once.
        assert case_transition(case=case, action=A.CLOSE, actor=people.staff).state == "closed"


def test_appeal_after_the_window_is_refused(people, new_case, advance):
    case = advance(new_case(), "notified")
    assert case.appeal_due == case.notified_on + dt.timedelta(days=30)
    with time_machine.travel(case.appeal_due + dt.timedelta(days=1), tick=False):
        with pytest.raises(ValidationError, match="申诉期已于"):
            case_transition(case=case, action=A.APPEAL, actor=people.cadre_account, reason="迟到的申诉。")


def test_close_waits_for_the_appeal_window(people, new_case, advance):
    case = advance(new_case(), "notified")
    with time_machine.travel(case.appeal_due, tick=False):
        with pytest.raises(ValidationError, match="届满前不能办结"):
            case_transition(case=case, action=A.CLOSE, actor=people.staff)


def test_the_queue_offers_closing_exactly_when_the_close_is_allowed(people, new_case, advance):
    """待办结 and the close action ask one rule (selectors.appeal_window_passed_q)."""
    from fault_tolerance.view_helpers import work_queue

    def waiting_to_close():
        sections = {s["key"]: s["cases"] for s in work_queue(user=people.staff)}
        return [c.pk for c in sections.get("notified", [])]

    case = advance(new_case(), "notified")
    with time_machine.travel(case.appeal_due, tick=False):  # the window's last day
        assert waiting_to_close() == []
        with pytest.raises(ValidationError):
            case_transition(case=case, action=A.CLOSE, actor=people.staff)
    with time_machine.travel(case.appeal_due + dt.timedelta(days=1), tick=False):
        assert waiting_to_close() == [case.pk]
        assert case_transition(case=case, action=A.CLOSE, actor=people.staff).state == "closed"


def test_staff_may_appeal_on_the_cadres_behalf(people, new_case, advance):
    case = advance(new_case(), "notified")
    another_cadre = UserFactory(roles=[Role.CADRE], cadre=CadreFactory())
    with time_machine.travel(case.notified_on, tick=False):
        with pytest.raises(PermissionDenied):
            case_transition(case=case, action=A.APPEAL, actor=another_cadre, reason="x")
        case = case_transition(case=case, action=A.APPEAL, actor=people.staff, reason="代为申诉。")
    assert case.state == "appealed" and case.appeal_reason == "代为申诉。"
