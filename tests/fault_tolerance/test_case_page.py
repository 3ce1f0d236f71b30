"""The case page's polish: the filer does not take in their own filing, staff name the panel
by autocomplete among eligible reviewers, the configured majority rule is shown, and the
history panel speaks Chinese for the keys the case services record.

People and helpers (people, new_case, advance) come from this directory's conftest."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Role
from fault_tolerance.models import Case, PanelMember, Policy
from fault_tolerance.services import attachment_add, case_transition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = Case.Action
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _page(client, user, case) -> str:
    client.force_login(user)
    return client.get(f"/tolerance/{case.pk}/").content.decode()


def _section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"')[1].split("</section>")[0]


# Intake: nobody approves their own work --------------------------------------------------------


def test_the_filer_is_not_offered_intake_and_is_refused_with_the_reason(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    page = _page(client, people.filer, case)
    assert "/act/accept/" not in page and "/act/reject/" not in page
    response = client.post(f"/tolerance/{case.pk}/act/accept/")
    assert response.status_code == 403
    assert "您是本案的填报人，不能办理本案的受理或不予受理，请由其他工作人员办理。" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted"
    other = _page(client, people.staff, case)
    assert "/act/accept/" in other and "/act/reject/" in other


# The panel (审议组) -------------------------------------------------------------------------------


def test_staff_name_the_panel_by_autocomplete_among_eligible_reviewers(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    page = _page(client, people.staff, case)
    panel = _section(page, "panel")
    assert f'data-url="/tolerance/{case.pk}/reviewers/"' in panel and "<select" not in panel
    # Not named yet: the default (every covering reviewer, district and city), prefilled as chips.
    assert "尚未指定" in panel and "r1、r2、r3、r4、r5、r6" in panel
    assert panel.count('type="hidden" name="panel-reviewers"') == 6

    options = client.get(f"/tolerance/{case.pk}/reviewers/", {"q": "r"}).content.decode()
    # Those covering the case (r1-r3 in the district, r4-r6 at city level), not the reviewer elsewhere.
    assert all(f'data-value="{r.pk}"' in options for r in people.reviewers + people.city_reviewers)
    assert f'data-value="{people.outside_reviewer.pk}"' not in options
    assert "r_hs" not in client.get(f"/tolerance/{case.pk}/reviewers/", {"q": "r_hs"}).content.decode()

    chosen = [people.reviewers[0], *people.city_reviewers]
    response = client.post(f"/tolerance/{case.pk}/panel/", {"panel-reviewers": [r.pk for r in chosen]})
    assert response.status_code == 302 and response["Location"] == f"/tolerance/{case.pk}/#panel"
    assert sorted(PanelMember.objects.filter(case=case, round=1).values_list("reviewer__username", flat=True)) == [
        "r1", "r4", "r5", "r6"]
    panel = _section(client.get(f"/tolerance/{case.pk}/").content.decode(), "panel")
    assert "本轮审议组：" in panel and "r4" in panel


def test_an_ineligible_reviewer_is_refused_and_the_panel_unchanged(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    client.force_login(people.staff)
    response = client.post(f"/tolerance/{case.pk}/panel/", {"panel-reviewers": [people.outside_reviewer.pk]})
    assert response.status_code == 400
    assert "不能参加本案审议" in _section(response.content.decode(), "panel")
    response = client.post(f"/tolerance/{case.pk}/panel/", {"panel-reviewers": []})
    assert "审议组至少需要一名审核人。" in response.content.decode()
    assert not PanelMember.objects.filter(case=case).exists()


def test_the_panel_is_not_offered_once_voting_began_nor_to_others(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    assert 'id="panel-form"' in _page(client, people.staff, case)
    assert 'id="panel-form"' not in _page(client, people.reviewers[0], case)
    assert client.get(f"/tolerance/{case.pk}/reviewers/").status_code == 403
    case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    assert 'id="panel-form"' not in _page(client, people.staff, case)
    response = client.post(f"/tolerance/{case.pk}/panel/", {"panel-reviewers": [people.reviewers[1].pk]})
    assert response.status_code == 409
    assert "表决开始后或当前状态下不能调整审议组。" in response.content.decode()


def test_on_appeal_earlier_voters_are_not_offered(client, people, new_case, advance):
    case = advance(new_case(), "appealed")
    client.force_login(people.staff)
    options = client.get(f"/tolerance/{case.pk}/reviewers/").content.decode()
    assert all(f'data-value="{r.pk}"' not in options for r in people.reviewers)
    assert all(f'data-value="{r.pk}"' in options for r in people.city_reviewers)


# The majority rule shown is the configured one -----------------------------------------------------


@pytest.mark.parametrize(("majority", "words"), [
    ("simple", "以实际表决票数过半数的意见作出认定"),
    ("two_thirds", "以实际表决票数三分之二以上的意见作出认定"),
    ("panel", "以审议组全体成员过半数的意见作出认定"),
])
def test_the_rules_and_the_decide_form_show_the_configured_majority(client, people, new_case, advance, tree,
                                                                    majority, words):
    Policy.objects.create(jurisdiction=tree["district"], quorum=2, majority=majority)
    case = advance(new_case(), "opinion")
    for reviewer in people.reviewers[:2]:  # 作出认定 is offered once the quorum has voted
        case = case_transition(case=case, action="vote", actor=reviewer, choice="exempted")
    page = _page(client, people.reviewers[0], case)
    assert words in _section(page, "rules-title")
    assert "表决人数达到 2 人后，" + words[:-len("作出认定")] in page.split('id="action-decide"')[1]
    proposal = advance(new_case(title="另一案"), "investigating")
    client.force_login(people.staff)
    assert words in client.get(f"/tolerance/{proposal.pk}/propose/").content.decode()


# History in words ------------------------------------------------------------------------------------


def test_the_history_panel_puts_the_case_services_keys_into_words(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    attachment_add(case=case, actor=people.staff, upload=SimpleUploadedFile("会议纪要.pdf", PDF))
    case = advance(case, "decided")
    history = _section(_page(client, people.staff, case), "history")
    for raw in ("vote:", "panel_round_", "exempted", "'username'", "{'", "policy", "sha256"):
        assert raw not in history, raw
    assert "表决意见（r1）" in history and "免责" in history
    assert "表决情况" in history and "r1：免责；r2：免责；r3：免责" in history
    assert "审议组（首次审议）" in history and "r1、r2、r3" in history
    assert "证据材料" in history and "会议纪要.pdf（PDF" in history
    assert "五个看全部符合；适用三个区分开来第1、3项；说明 2 条" in history
    # The actions by their names in the workflow.
    assert "作出认定" in history and "提出认定建议" in history and "补充证据材料" in history


def test_a_reuse_is_in_words_in_the_sanctions_history(people):
    import datetime as dt

    from django.template import Context, Template
    from django.test import RequestFactory

    from cadres.services import appointment_create
    from discipline.services import sanction_create

    sanction = sanction_create(actor=people.staff, cadre=people.subject, kind="warning", decided_on=dt.date(2024, 1, 5))
    appointment_create(actor=people.staff, cadre=people.subject, unit=people.subject.unit, title="副主任",
                       post_level="section_deputy", kind="reuse", start_date=dt.date(2024, 8, 1))
    request = RequestFactory().get("/")
    request.user = people.staff
    html = Template('{% include "includes/history_panel.html" with obj=sanction %}').render(
        Context({"sanction": sanction, "user": people.staff, "request": request}))
    assert "重新使用任职" in html and "2024-08-01 解放路街道 副主任" in html and "reuse_appointment" not in html


def test_the_case_page_query_count_holds_with_a_named_panel(client, people, new_case, advance,
                                                            django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = advance(new_case(), "investigating")
    client.force_login(people.staff)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/tolerance/{case.pk}/")
    for i in range(5):
        UserFactory(username=f"rx{i}", roles=[Role.REVIEWER], units=[people.subject.unit])
    with django_assert_max_num_queries(len(few)):
        page = client.get(f"/tolerance/{case.pk}/").content.decode()
    assert "rx4" in _section(page, "panel")


def test_a_conflict_on_the_case_page_is_a_409_not_a_500(client, people, new_case, advance):
    case = advance(new_case(), "accepted")
    client.force_login(people.staff)
    # Accepting again: the state no longer allows it (a second click, say).
    response = client.post(f"/tolerance/{case.pk}/act/accept/")
    assert response.status_code == 409
    assert "不允许" in response.content.decode()
