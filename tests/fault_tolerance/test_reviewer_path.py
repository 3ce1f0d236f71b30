"""Issue 7, items 14 and 15: the appeal panel draws on the jurisdiction above when the covering
reviewers who have not voted fall short; the page says who can fix a panel below the quorum;
作出认定 waits for the quorum; a reviewer sees (and may change) their own vote; the case
reads 审议中 while the panel votes; the queue does not wait on a reviewer who has voted."""

import pytest

from core.models import Role
from fault_tolerance import selectors
from fault_tolerance.models import Case, Policy
from tests.factories import UnitFactory, UserFactory

A = Case.Action
pytestmark = pytest.mark.django_db


def _page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/tolerance/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _decided_then_quorum(tree, quorum: int):
    # Decided under the default quorum (3); the quorum rises before the appeal.
    Policy.objects.create(jurisdiction=tree["city"], quorum=quorum)


def test_appeal_panel_draws_on_the_jurisdiction_above_when_short(people, new_case, advance, tree):
    sibling = UnitFactory(
        name="大明湖街道", code="JN-LX-DMH", parent=tree["district"], kind="subdistrict"
    )
    above = [
        UserFactory(username=f"r_dmh{i}", roles=[Role.REVIEWER], units=[sibling]) for i in (1, 2)
    ]
    UserFactory(
        username="r_hs2", roles=[Role.REVIEWER], units=[tree["other"]]
    )  # another city: never
    case = advance(new_case(), "notified")
    _decided_then_quorum(tree, 4)
    case = advance(case, "appealed")
    names = {u.username for u in selectors.panel(case)}
    # Those who voted are out; the city's reviewers who did not vote come first, then 上一级.
    assert names == {"r4", "r5", "r6", *(u.username for u in above)}
    assert selectors.panel_shortfall(case) is None


def test_appeal_panel_keeps_to_the_covering_reviewers_when_they_suffice(
    people, new_case, advance, tree
):
    sibling = UnitFactory(
        name="大明湖街道", code="JN-LX-DMH", parent=tree["district"], kind="subdistrict"
    )
    UserFactory(username="r_dmh1", roles=[Role.REVIEWER], units=[sibling])
    case = advance(new_case(), "appealed")
    assert {u.username for u in selectors.panel(case)} == {"r4", "r5", "r6"}


def test_a_panel_short_of_the_quorum_says_who_can_fix_it(client, people, new_case, advance, tree):
    case = advance(new_case(), "notified")
    _decided_then_quorum(tree, 5)
    case = advance(case, "appealed")
    page = _page(client, people.staff, case)
    notice = page.split('id="panel-shortfall"')[1].split("</div>")[0]
    assert "审议组现有 3 人，少于表决法定人数 5 人" in notice
    assert (
        "系统管理员" in notice
        and "历下区" in notice
        and "确定审议组" in notice
        and "济南市" in notice
    )
    # A panel member sees it too; the subject cadre sees no panel at all.
    assert 'id="panel-shortfall"' in _page(client, people.city_reviewers[0], case)
    assert 'id="panel-shortfall"' not in _page(client, people.cadre_account, case)


def test_decide_is_offered_only_once_the_quorum_has_voted(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    from fault_tolerance.services import case_transition

    case = case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    page = _page(client, people.reviewers[0], case)
    assert 'id="action-decide"' not in page and "作出认定</button>" not in page
    assert "已表决 1 人；达到法定人数 3 人后" in page
    for reviewer in people.reviewers[1:]:
        case = case_transition(case=case, action=A.VOTE, actor=reviewer, choice="exempted")
    assert 'id="action-decide"' in _page(client, people.reviewers[0], case)


def test_a_reviewer_sees_their_own_vote_as_changeable(client, people, new_case, advance):
    from fault_tolerance.services import case_transition

    case = advance(new_case(), "opinion")
    assert 'id="own-vote"' not in _page(client, people.reviewers[0], case)
    case = case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="mitigated")
    page = _page(client, people.reviewers[0], case)
    own = page.split('id="own-vote"')[1].split("</p>")[0]
    assert "从轻减轻" in own and "可修改" in own
    checked = [
        tag
        for tag in page.split("<input")[1:]
        if 'name="vote-choice"' in tag.split(">")[0] and "checked" in tag.split(">")[0]
    ]
    assert len(checked) == 1 and 'value="mitigated"' in checked[0]
    assert "修改表决" in page
    # Another reviewer's page does not show it.
    assert 'id="own-vote"' not in _page(client, people.reviewers[1], case)


def test_the_case_reads_under_review_while_the_panel_votes(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    page = _page(client, people.staff, case)
    assert 'ft-state-opinion">审议中<' in page
    client.force_login(people.staff)
    listing = client.get("/tolerance/").content.decode()
    assert "审议中" in listing


def test_the_queue_does_not_wait_on_a_reviewer_who_voted_before_the_quorum(
    client, people, new_case, advance
):
    from fault_tolerance.services import case_transition

    case = advance(new_case(), "opinion")
    case = case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    client.force_login(people.reviewers[0])
    queue = client.get("/tolerance/queue/").content.decode()
    assert case.title not in queue and "待作出认定" not in queue
    for reviewer in people.reviewers[1:]:
        case = case_transition(case=case, action=A.VOTE, actor=reviewer, choice="exempted")
    queue = client.get("/tolerance/queue/").content.decode()
    assert case.title in queue and "已表决，待作出认定" in queue
