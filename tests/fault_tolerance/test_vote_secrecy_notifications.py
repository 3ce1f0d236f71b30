"""Votes in notifications (issue 7, item 2): what a notification says, in the list, its page
and its e-mail, comes from the same text, which carries the outcome only: never who voted nor
how each voted, to anyone, before or after the decision (API.md, "Personal data")."""

import pytest

from core.models import Notification

pytestmark = pytest.mark.django_db


def test_no_notification_names_a_voter_or_a_vote(people, new_case, advance, client):
    # The reviewers' accounts, renamed so that no other text on a page can contain one by chance
    # (their usernames r1-r3 matched a random token in the page once).
    for i, reviewer in enumerate(people.reviewers, start=1):
        reviewer.username, reviewer.name = f"voter-account-{i}", f"投票评审员{i}号"
        reviewer.save(update_fields=["username", "name"])
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["exempted", "mitigated", "exempted"])
    case = advance(case, "notified")
    sent = list(Notification.objects.all())
    assert {n.recipient for n in sent} >= {people.filer, people.cadre_account}
    voters = [v for r in people.reviewers for v in (r.username, r.name)]
    for n in sent:
        text = f"{n.title}\n{n.body}"
        assert not [v for v in voters if v in text], (n.recipient.username, text)
        assert "从轻减轻" not in text, text  # the minority vote
    # The subject's own list page: the outcome, no votes.
    client.force_login(people.cadre_account)
    page = client.get("/notifications/").content.decode()
    assert "免责" in page and not [v for v in voters if v in page] and "从轻减轻" not in page
