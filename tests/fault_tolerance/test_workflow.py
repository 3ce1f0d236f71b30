"""The workflow: every (state, action) pair, every role against every action, and history."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import object_history
from core.errors import Conflict
from core.models import Notification, Role
from fault_tolerance.models import Case, Decision
from fault_tolerance.selectors import allowed_actions
from fault_tolerance.services import case_transition

from .conftest import ALL_GOOD

pytestmark = pytest.mark.django_db

S, A = Case.State, Case.Action
LEGAL = Case.TRANSITIONS
ALL_PAIRS = [(s, a) for s in S.values for a in A.values]


def _actor_and_data(people, case, action):
    """The right person, with valid data, for each action."""
    return {
        A.SUBMIT: (people.filer, {}),
        A.ACCEPT: (people.staff, {}),
        A.REJECT: (people.staff, {"reason": "不属于容错范围。"}),
        A.INVESTIGATE: (people.staff, {}),
        A.PROPOSE: (people.staff, {"criteria": ALL_GOOD, "recommendation": "exempted"}),
        A.OPINION: (people.liaison, {"text": "同意。"}),
        A.VOTE: ((people.reviewers if case.round == 1 else people.city_reviewers)[0], {"choice": "exempted"}),
        A.DECIDE: ((people.reviewers if case.round == 1 else people.city_reviewers)[0], {}),
        A.NOTIFY: (people.staff, {}),
        A.APPEAL: (people.cadre_account, {"reason": "有异议。"}),
        A.CLOSE: (people.staff, {}),
    }[action]


def _ready(case, action, advance):
    """Whatever must already have happened in the state for the action to go through."""
    if action == A.DECIDE:
        return advance.votes(case, ["exempted"] * 3)
    return case


def _today_for(case, action):
    if action == A.CLOSE and case.appeal_due:
        return case.appeal_due + dt.timedelta(days=1)
    return dt.date(2025, 10, 1) if case.state in (S.NOTIFIED, S.APPEALED) else dt.date(2025, 9, 20)


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_transition_table(state, action, people, new_case, advance):
    """Legal moves land in the declared state and are audited from → to; every other pair is 409."""
    case = advance(new_case(), state)
    actor, data = _actor_and_data(people, case, action)
    if (state, action) not in LEGAL:
        with pytest.raises(Conflict) as exc:
            case_transition(case=case, action=action, actor=actor, **data)
        assert exc.value.state == state
        assert Case.objects.get(pk=case.pk).state == state
        return
    case = _ready(case, action, advance)
    with time_machine.travel(_today_for(case, action), tick=False):
        case = case_transition(case=case, action=action, actor=actor, **data)
    expected = LEGAL[(state, action)][0]
    assert case.state == Case.objects.get(pk=case.pk).state == expected
    entry = object_history(obj=case).first()
    assert entry.action == action and entry.actor_username == actor.username
    if expected != state:
        assert entry.changes["state"] == [state, expected]


def test_appealed_case_is_decided_again_by_the_second_panel(people, new_case, advance):
    case = advance(new_case(), "appealed")
    assert case.round == 2
    with time_machine.travel(dt.date(2025, 10, 2), tick=False):
        case = advance.votes(case, ["mitigated", "mitigated", "exempted"])
        case = case_transition(case=case, action=A.DECIDE, actor=people.city_reviewers[1])
    assert case.state == S.DECIDED and case.outcome == "mitigated"
    assert list(Decision.objects.filter(case=case).values_list("round", "outcome")) == [
        (1, "exempted"), (2, "mitigated")]


ROLES = [Role.STAFF, Role.REVIEWER, Role.LIAISON, Role.ADMIN, Role.CADRE]
ROLE_PAIRS = [(state, action, role) for (state, action) in LEGAL for role in ROLES]


def _someone(people, role, case, action):
    """The best-placed holder of role: in scope (the filer to submit, another to take it in),
    on the panel, the subject's own account."""
    return {
        Role.STAFF: people.filer if action == A.SUBMIT else people.staff,
        Role.REVIEWER: (people.reviewers if case.round == 1 else people.city_reviewers)[0],
        Role.LIAISON: people.liaison,
        Role.ADMIN: people.admin,
        Role.CADRE: people.cadre_account,
    }[role]


@pytest.mark.parametrize(("state", "action", "role"), ROLE_PAIRS,
                         ids=[f"{s}-{a}-{r}" for s, a, r in ROLE_PAIRS])
def test_every_role_against_every_action(state, action, role, people, new_case, advance):
    """Only the roles the table names may act; a cadre may appeal but not submit a case staff filed;
    an administrator runs catalogs, not cases."""
    case = _ready(advance(new_case(), state), action, advance)
    actor = _someone(people, role, case, action)
    _, data = _actor_and_data(people, case, action)
    allowed = role in LEGAL[(state, action)][1] and not (action == A.SUBMIT and role == Role.CADRE)
    # The pages offer exactly what the service lets through: one rule, asked by both.
    assert (action in allowed_actions(case, actor)) == allowed
    with time_machine.travel(_today_for(case, action), tick=False):
        if allowed:
            assert case_transition(case=case, action=action, actor=actor, **data).state == LEGAL[(state, action)][0]
        else:
            with pytest.raises(PermissionDenied):
                case_transition(case=case, action=action, actor=actor, **data)
            assert Case.objects.get(pk=case.pk).state == state


def test_cadre_files_and_submits_their_own_case(people, new_case):
    case = new_case(actor=people.cadre_account, source="self")
    assert case.applicant == "謝允崗"
    case = case_transition(case=case, action=A.SUBMIT, actor=people.cadre_account)
    assert case.state == S.SUBMITTED


def test_cadre_cannot_file_for_someone_else(people, new_case, tree):
    from tests.factories import CadreFactory

    with pytest.raises(ValidationError) as exc:
        new_case(actor=people.cadre_account, subject_cadres=[CadreFactory(unit=tree["street"])])
    assert "只能为自己" in str(exc.value)


def test_staff_outside_the_scope_may_not_act(people, new_case, advance):
    case = advance(new_case(), "submitted")
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action=A.ACCEPT, actor=people.outsider_staff)


@pytest.mark.parametrize("action", [A.ACCEPT, A.REJECT])
def test_the_filer_may_not_take_in_their_own_filing(action, people, new_case, advance):
    """Nobody approves their own work: intake (accept or reject) is for staff other than the filer."""
    case = advance(new_case(), "submitted")
    data = {"reason": "不属于容错范围。"} if action == A.REJECT else {}
    with pytest.raises(PermissionDenied) as exc:
        case_transition(case=case, action=action, actor=people.filer, **data)
    assert str(exc.value) == "您是本案的填报人，不能办理本案的受理或不予受理，请由其他工作人员办理。"
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED
    assert not object_history(obj=case).filter(action=action).exists()
    case = case_transition(case=case, action=action, actor=people.staff, **data)
    assert case.state == LEGAL[(S.SUBMITTED, action)][0]


def test_a_cadre_filing_is_taken_in_by_staff(people, new_case):
    case = new_case(actor=people.cadre_account, source="self")
    case = case_transition(case=case, action=A.SUBMIT, actor=people.cadre_account)
    assert case_transition(case=case, action=A.ACCEPT, actor=people.filer).state == S.ACCEPTED


def test_reject_needs_a_reason_and_saves_nothing_without(people, new_case, advance):
    case = advance(new_case(), "submitted")
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, action=A.REJECT, actor=people.staff, reason="  ")
    assert exc.value.message_dict == {"reason": ["请填写不予受理的理由。"]}
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED


def test_history_has_an_entry_for_every_step(people, new_case, advance):
    case = advance(new_case(), "closed")
    actions = [e.action for e in object_history(obj=case)][::-1]
    assert actions == ["create", "submit", "accept", "investigate", "propose", "opinion", "vote", "vote", "vote",
                       "decide", "notify", "close"]
    decide = object_history(obj=case).get(action="decide")
    assert decide.changes["state"] == ["opinion", "decided"]
    assert decide.changes["outcome"] == ["", "exempted"]
    assert [v["username"] for v in decide.changes["votes"][1]] == ["r1", "r2", "r3"]


def test_next_in_line_are_told_in_app_and_by_email(people, new_case, advance, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    case = advance(new_case(), "proposed")
    assert Notification.objects.filter(recipient=people.liaison, title__contains="纪检监察意见").exists()
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(case, "opinion")
    for reviewer in people.reviewers:
        note = Notification.objects.filter(recipient=reviewer).latest("id")
        assert note.title == f"容错申请待表决：{case.title}" and note.link.endswith(f"/{case.pk}/")
    # One message per reviewer, each with only that reviewer's address.
    assert sorted(mail.to for mail in mailoutbox) == [["r1@example.cn"], ["r2@example.cn"], ["r3@example.cn"]]
    assert all(not mail.cc and not mail.bcc for mail in mailoutbox)
    mail = mailoutbox[0]
    assert mail.subject == f"容错申请待表决：{case.title}" and "请表决" in mail.body
    # Submitting tells covering staff, not the filer who just did it.
    assert Notification.objects.filter(recipient=people.staff, title__startswith="容错申请待受理").exists()
    assert not Notification.objects.filter(recipient=people.filer, title__startswith="容错申请待受理").exists()


def test_draft_edits_only_in_draft_and_only_by_the_filer(people, new_case, advance):
    from fault_tolerance.services import case_update

    case = new_case()
    case = case_update(case=case, actor=people.filer, title="先检查后招标")
    assert object_history(obj=case).first().changes == {"title": ["先行组织中介机构开展安全检查", "先检查后招标"]}
    with pytest.raises(PermissionDenied):
        case_update(case=case, actor=people.staff, title="x")
    case = advance(case, "submitted")
    with pytest.raises(Conflict):
        case_update(case=case, actor=people.filer, title="x")
