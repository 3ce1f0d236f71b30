"""The assessments hub (/assessments/, the nav's 考核) and the home page's figures: what a user
may enter is offered only to those who may enter it."""

from core.models import Role
from tests.factories import UserFactory


def test_staff_find_every_mechanism_and_the_entry_pages(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/assessments/").content.decode()
    for path in ("/assessments/annual/", "/assessments/annual/grid/", "/assessments/annual/import/",
                 "/assessments/team/", "测评轮次",
                 "干部推荐参考名单", "一线考察"):
        assert path in page
    assert 'class="nav-item is-active" href="/assessments/"' in page


def test_a_reviewer_reads_but_is_offered_nothing_to_enter(client, tree):
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    client.force_login(reviewer)
    page = client.get("/assessments/").content.decode()
    assert "/assessments/annual/" in page
    assert "/assessments/annual/grid/" not in page and "/assessments/annual/import/" not in page


def test_the_home_page_counts_pending_measures_for_staff_only(client, staff_user, tree):
    client.force_login(staff_user)
    assert "待确认的末位措施" in client.get("/").content.decode()
    client.force_login(UserFactory(roles=[Role.REVIEWER], units=[tree["district"]]))
    assert "待确认的末位措施" not in client.get("/").content.decode()


def test_the_hub_needs_an_account(client):
    response = client.get("/assessments/")
    assert response.status_code == 302 and "/login" in response["Location"]
