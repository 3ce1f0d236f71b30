"""Who sees which notice (notices.permissions): drafts are the issuing department's, a
published notice is also seen by those who may see a cadre it names and by that cadre's own
account. The list, the API's detail, history and PDF, and the pages answer alike for each role;
outside the scope everything is 404, never 403."""

import pytest
from django.urls import reverse

from core.models import Role
from notices.models import Notice
from notices.services import notice_create, notice_publish
from tests.factories import UserFactory

URL = "/api/v1/notices/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(people, sources, publish_day, tree):
    published = notice_publish(actor=people.staff, notice=notice_create(
        actor=people.staff, kind=Notice.Kind.CLARIFICATION, issuing_unit=tree["district"],
        clarification=sources["clarification"]))
    draft = notice_create(actor=people.staff, kind=Notice.Kind.COMMENDATION,
                          issuing_unit=tree["district"], records=[sources["record"]])
    return {"published": published, "draft": draft}


@pytest.fixture
def roles(people):
    return {
        "staff_in_scope": people.staff,
        "staff_out_of_scope": people.outsider_staff,
        "admin": people.admin,
        "reviewer": people.reviewers[0],
        "outside_reviewer": people.outside_reviewer,
        "named_cadre": people.cadre_account,
        "unscoped": UserFactory(username="nobody", roles=[Role.STAFF]),
    }


SEES = {  # role: which of the two notices it sees
    "staff_in_scope": {"published", "draft"},
    "staff_out_of_scope": set(),
    "admin": {"published", "draft"},
    "reviewer": {"published"},
    "outside_reviewer": set(),
    "named_cadre": {"published"},
    "unscoped": set(),
}


@pytest.mark.parametrize("role", list(SEES))
def test_every_door_answers_alike(role, roles, notices, as_user, client):
    user = roles[role]
    api = as_user(user)
    client.force_login(user)
    listed = {row["id"] for row in api.get(URL).json()["results"]}
    assert listed == {notices[name].pk for name in SEES[role]}
    page_list = client.get(reverse("notices:list")).content.decode()
    for name, notice in notices.items():
        expected = 200 if name in SEES[role] else 404
        assert (notice.get_absolute_url() in page_list) == (expected == 200), (role, name)
        answers = {
            "api detail": api.get(f"{URL}{notice.pk}/").status_code,
            "api history": api.get(f"{URL}{notice.pk}/history/").status_code,
            "api pdf": api.get(f"{URL}{notice.pk}/pdf/").status_code,
            "page": client.get(notice.get_absolute_url()).status_code,
            "page pdf": client.get(reverse("notices:pdf", args=[notice.pk])).status_code,
            "page preview": client.get(reverse("notices:preview", args=[notice.pk])).status_code,
        }
        assert set(answers.values()) == {expected}, (role, name, answers)


@pytest.mark.parametrize("role", ["staff_out_of_scope", "unscoped"])
def test_writes_out_of_scope_are_404_and_change_nothing(role, roles, notices, as_user, client):
    api = as_user(roles[role])
    draft = notices["draft"]
    assert api.post(f"{URL}{draft.pk}/publish/").status_code == 404
    assert api.patch(f"{URL}{draft.pk}/", {"title": "x"}, format="json").status_code == 404
    client.force_login(roles[role])
    assert client.post(reverse("notices:publish", args=[draft.pk]),
                       {"confirm": "on"}).status_code == 404
    assert client.get(reverse("notices:edit", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.title != "x"


def test_a_staff_member_who_sees_only_the_named_cadre_reads_but_may_not_publish(
        people, notices, as_user, tree, sources):
    """Staff scoped to the street see 謝允崗, so the published notice naming him, but not the
    district's draft; they may not edit what they did not issue."""
    street_staff = UserFactory(username="street", roles=[Role.STAFF], units=[tree["street"]])
    api = as_user(street_staff)
    assert api.get(f"{URL}{notices['published'].pk}/").status_code == 200
    assert api.get(f"{URL}{notices['draft'].pk}/").status_code == 404
    res = api.patch(f"{URL}{notices['published'].pk}/", {"title": "x"}, format="json")
    assert res.status_code == 409  # published: never changes, whoever asks


def test_the_history_shows_the_publication_alike_to_everyone_who_sees_it(roles, notices, as_user):
    """The publication reads the same to everyone; the draft's entries are the issuing
    department's (the test below)."""
    answers = {}
    for role in ("staff_in_scope", "admin", "reviewer", "named_cadre"):
        res = as_user(roles[role]).get(f"{URL}{notices['published'].pk}/history/")
        answers[role] = [(h["action"], h["actor"], str(h["changes"])) for h in res.json()["results"]]
    assert len({tuple(a[:1]) for a in answers.values()}) == 1
    assert [a[:2] for a in answers["admin"]] == [("publish", "staff2"), ("create", "staff2")]
    assert answers["reviewer"] == answers["named_cadre"] == answers["admin"][:1]


def test_related_links_follow_the_same_rule(roles, notices, client, people, sources):
    cadre_url = reverse("cadres:cadre-detail", args=[people.subject.pk])
    for role in ("staff_in_scope", "reviewer", "named_cadre"):
        client.force_login(roles[role])
        html = client.get(cadre_url).content.decode()
        assert notices["published"].get_absolute_url() in html, role
        assert notices["draft"].get_absolute_url() not in html, role


def test_a_published_notices_draft_history_is_the_issuing_departments_only(
        people, sources, publish_day, tree, as_user, client):
    """A 任前公示 drafted with two cadres, one dropped before publication: whoever sees the
    notice only because it was published (the named cadre, a reviewer of the district, staff
    of the street) reads its publication, never the draft's edits (who was dropped, the
    earlier posts and notes); the issuing department and administrators read everything. The
    page's history panel answers as history/ does."""
    from tests.factories import CadreFactory

    dropped = CadreFactory(unit=tree["street"], name="落选者")
    draft = notice_create(
        actor=people.staff, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=tree["district"],
        period_start=publish_day, entries=[
            {"cadre": people.subject, "proposed_post": "历下区某局局长"},
            {"cadre": dropped, "proposed_post": "历下区某局副局长", "note": "考察中有不同意见"}])
    from notices.services import notice_update

    notice_update(actor=people.staff, notice=draft, title="任前公示（二）", entries=[
        {"cadre": people.subject, "proposed_post": "历下区某局局长"}])
    published = notice_publish(actor=people.staff, notice=draft)
    street_staff = UserFactory(username="street", roles=[Role.STAFF], units=[tree["street"]])
    readers = {"named_cadre": people.cadre_account, "reviewer": people.reviewers[0],
               "street_staff": street_staff}
    issuers = {"staff_in_scope": people.staff, "admin": people.admin}
    for role, user in {**readers, **issuers}.items():
        res = as_user(user).get(f"{URL}{published.pk}/history/")
        assert res.status_code == 200, role
        actions = [h["action"] for h in res.json()["results"]]
        text = res.content.decode()
        if role in readers:
            assert actions == ["publish"], role
            assert str(dropped.pk) not in {str(v) for h in res.json()["results"]
                                           for v in h["changes"]}, role
            assert "副局长" not in text and "不同意见" not in text, role
        else:
            assert actions == ["publish", "update", "create"], role
            assert "不同意见" in text, role
        client.force_login(user)
        page = client.get(published.get_absolute_url()).content.decode()
        assert ("不同意见" in page) == (role in issuers), role
