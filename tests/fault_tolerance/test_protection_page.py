"""A cadre's own page shows the matters an exemption protects."""

import pytest

pytestmark = pytest.mark.django_db


def test_cadre_page_shows_protection_once_exempted(client, people, new_case, advance):
    case = new_case()
    client.force_login(people.filer)
    url = f"/cadres/{people.subject.pk}/"
    assert "容错免责保护" not in client.get(url).content.decode()
    advance(case, "decided")
    page = client.get(url).content.decode()
    assert "容错免责保护" in page and case.title in page and "负面激励措施" in page


def test_mitigated_case_gives_no_protection(client, people, new_case, advance):
    from fault_tolerance.models import Case
    from fault_tolerance.services import case_transition

    case = advance(new_case(), "opinion")
    for reviewer in people.reviewers:
        case = case_transition(case=case, action=Case.Action.VOTE, actor=reviewer, choice="mitigated")
    case_transition(case=case, action=Case.Action.DECIDE, actor=people.reviewers[0])
    client.force_login(people.filer)
    assert "容错免责保护" not in client.get(f"/cadres/{people.subject.pk}/").content.decode()
