"""The clarification (澄清正名) and sanction / re-use (重新使用) pages: scoped like the API,
writes through the services with their refusals shown on the form and nothing saved, the
dishonesty list for administrators only, and lists whose query count holds with their rows.

People come from this directory's conftest: staff1/staff2 cover 历下区, 謝允崗 is a cadre of
解放路街道 below it, staff_hs covers 鹤山市 only."""

import datetime as dt

import pytest
import time_machine

from cadres.models import Appointment
from core.audit import object_history
from discipline.models import Clarification, DishonestyEntry, Reuse, Sanction
from discipline.services import clarification_create, sanction_create
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _clarification(people, **overrides) -> dict:
    return {"cadre": people.subject.pk, "report_summary": "举报其在项目招标中收受好处。",
            "finding": "经核查，招标程序合规，举报内容不属实。", "manner": "meeting",
            "clarified_on": "2025-10-20", "follow_up_on": "2025-12-20", **overrides}


# Clarification (澄清正名) ------------------------------------------------------------------------


def test_staff_record_a_clarification_with_the_cadre_by_autocomplete(client, people):
    client.force_login(people.staff)
    form = _text(client.get("/clarifications/new/"))
    assert 'data-url="/cadres/autocomplete/"' in form and "謝允崗" not in form
    assert "<select" not in form.split('id="clarification-form"')[1]
    response = client.post("/clarifications/new/", _clarification(people))
    clarification = Clarification.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/clarifications/{clarification.pk}/"
    assert (clarification.cadre, clarification.manner, clarification.follow_up_on, clarification.created_by) == (
        people.subject, "meeting", dt.date(2025, 12, 20), people.staff)
    page = _text(client.get(response["Location"]))
    assert "澄清正名已登记。" in page and "为謝允崗澄清正名" in page and "举报内容不属实" in page
    history = page.split('id="history"')[1]
    assert "核查结论" in history and "会议" in history  # the creation, in words
    assert not DishonestyEntry.objects.exists()


def test_a_malicious_accusation_needs_the_accuser_and_lists_them(client, people):
    client.force_login(people.staff)
    response = client.post("/clarifications/new/", _clarification(people, malicious="on"))
    assert response.status_code == 400
    assert "认定为诬告陷害的，须填写举报人姓名，以便列入失信黑名单。" in _text(response)
    assert not Clarification.objects.exists()

    response = client.post("/clarifications/new/", _clarification(
        people, malicious="on", accuser_name="张某", accuser_id_number="11010519491231002X",
        accuser_detail="捏造事实，多次诬告"))
    entry = DishonestyEntry.objects.get()
    assert (entry.name, entry.clarification.cadre) == ("张某", people.subject)
    page = _text(client.get(response["Location"]))
    assert "举报人已列入失信黑名单" in page
    # Staff never see who was listed; an administrator does, the ID number masked.
    assert "张某" not in page and 'id="dishonesty"' not in page
    client.force_login(people.admin)
    admin_page = _text(client.get(response["Location"]))
    listed = admin_page.split('id="dishonesty"')[1].split("</section>")[0]
    assert "张某" in listed and "110105************" in listed and "11010519491231002X" not in admin_page


def test_a_bad_follow_up_date_or_an_outside_cadre_is_refused_inline(client, people, tree):
    client.force_login(people.staff)
    response = client.post("/clarifications/new/", _clarification(people, follow_up_on="2025-10-01"))
    assert "回访日期不能早于澄清日期。" in _text(response)
    outsider = CadreFactory(unit=tree["other"], name="外地干部")
    response = client.post("/clarifications/new/", _clarification(people, cadre=outsider.pk))
    assert "所选干部不存在或不在您的管辖范围内。" in _text(response)
    assert not Clarification.objects.exists()


def test_clarification_pages_are_scoped_and_only_staff_record(client, people):
    with time_machine.travel(dt.date(2025, 10, 20), tick=False):
        clarification = clarification_create(actor=people.staff, cadre=people.subject, manner="written",
                                             report_summary="举报其违规发放补贴。", finding="不属实。")
    client.force_login(people.outsider_staff)
    assert client.get(f"/clarifications/{clarification.pk}/").status_code == 404
    assert "违规发放补贴" not in _text(client.get("/clarifications/"))
    client.force_login(people.reviewers[0])  # covers the district: may read, may not record
    assert "违规发放补贴" in _text(client.get("/clarifications/"))
    assert client.get("/clarifications/new/").status_code == 403
    assert 'href="/clarifications/new/"' not in _text(client.get("/clarifications/"))


def test_the_clarification_list_filters_and_its_queries_hold(client, people, tree,
                                                            django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clarification_create(actor=people.staff, cadre=people.subject, manner="written",
                         report_summary="举报一", finding="不属实。")
    client.force_login(people.staff)
    with CaptureQueriesContext(connection) as few:
        client.get("/clarifications/")
    for i in range(6):
        clarification_create(actor=people.staff, cadre=CadreFactory(unit=tree["street"], name=f"干部乙{i}"),
                             manner="circular", report_summary=f"举报{i}", finding="不属实。")
    with django_assert_num_queries(len(few)):
        page = client.get("/clarifications/")
    assert len(page.context["page_obj"]) == 7
    assert [c.cadre.name for c in client.get("/clarifications/", {"q": "謝"}).context["page_obj"]] == ["謝允崗"]
    assert len(client.get("/clarifications/", {"manner": "circular"}).context["page_obj"]) == 6
    bad = client.get("/clarifications/", {"manner": "bogus"})
    assert list(bad.context["page_obj"]) == [] and "has-error" in _text(bad)


# Sanctions and re-use (重新使用) ------------------------------------------------------------------


def test_staff_record_a_sanction_and_see_when_its_effect_ends(client, people):
    client.force_login(people.staff)
    form = _text(client.get(f"/sanctions/new/?cadre={people.subject.pk}"))
    assert 'value="謝允崗"' in form and 'data-url="/cadres/autocomplete/"' in form
    response = client.post("/sanctions/new/", {"cadre": people.subject.pk, "kind": "demerit",
                                               "decided_on": "2024-03-15", "document_number": "历纪发〔2024〕3号"})
    sanction = Sanction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sanctions/cadre/{people.subject.pk}/#sanction-{sanction.pk}"
    page = _text(client.get(response["Location"]))
    assert "处分已登记，影响期至 2025-03-14。" in page
    row = page.split(f'id="sanction-{sanction.pk}"')[1].split("</tr>")[0]
    assert "记过" in row and "历纪发〔2024〕3号" in row and "2025-03-14" in row
    listing = _text(client.get("/sanctions/"))
    assert "謝允崗" in listing and "2025-03-14" in listing


def test_a_sanction_in_the_future_is_refused_with_the_services_message(client, people):
    client.force_login(people.staff)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post("/sanctions/new/", {"cadre": people.subject.pk, "kind": "warning",
                                               "decided_on": tomorrow.isoformat()})
    assert response.status_code == 400 and "处分决定日期不能晚于今天。" in _text(response)
    assert not Sanction.objects.exists()


def _reuse_form(people, start: str, sanction) -> dict:
    return {"reuse-sanction": sanction.pk, "reuse-unit": people.subject.unit.pk, "reuse-title": "副主任",
            "reuse-post_level": "section_deputy", "reuse-is_main": "on", "reuse-start_date": start,
            "reuse-document_number": "历组任〔2025〕7号"}


def test_reuse_is_refused_before_the_effect_period_ends_and_linked_after(client, people):
    sanction = sanction_create(actor=people.staff, cadre=people.subject, kind="demerit",
                               decided_on=dt.date(2024, 3, 15))
    client.force_login(people.staff)
    url = f"/sanctions/cadre/{people.subject.pk}/"
    assert 'id="reuse-form"' in _text(client.get(url))
    response = client.post(url + "reuse/", _reuse_form(people, "2025-03-14", sanction))
    assert response.status_code == 400
    reuse = _text(response).split('id="reuse-form"')[1]
    assert "记过处分的影响期（12个月）至 2025-03-14 届满，届满前不能重新使用。" in reuse
    assert not Appointment.objects.filter(kind="reuse").exists()

    response = client.post(url + "reuse/", _reuse_form(people, "2025-03-15", sanction))
    assert response.status_code == 302
    appointment = Appointment.objects.get(kind="reuse")
    assert Reuse.objects.get(appointment=appointment).sanction == sanction
    page = _text(client.get(url))
    assert "重新使用已登记" in page
    row = page.split(f'id="sanction-{sanction.pk}"')[1].split("</tr>")[0]
    assert "2025-03-15" in row and "副主任" in row
    assert object_history(obj=sanction).first().action == "reuse"


def test_sanction_pages_are_scoped_and_read_only_for_others(client, people, tree):
    sanction_create(actor=people.staff, cadre=people.subject, kind="warning", decided_on=dt.date(2025, 1, 2))
    client.force_login(people.outsider_staff)
    assert client.get(f"/sanctions/cadre/{people.subject.pk}/").status_code == 404
    assert "謝允崗" not in _text(client.get("/sanctions/"))
    client.force_login(people.reviewers[0])
    page = _text(client.get(f"/sanctions/cadre/{people.subject.pk}/"))
    assert "警告" in page and 'id="reuse-form"' not in page
    assert client.post(f"/sanctions/cadre/{people.subject.pk}/reuse/", {}).status_code == 403
    assert client.get("/sanctions/new/").status_code == 403


def test_the_sanction_list_queries_hold(client, people, tree, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sanction_create(actor=people.staff, cadre=people.subject, kind="warning", decided_on=dt.date(2025, 1, 2))
    client.force_login(people.staff)
    with CaptureQueriesContext(connection) as few:
        client.get("/sanctions/")
    for i in range(6):
        sanction_create(actor=people.staff, cadre=CadreFactory(unit=tree["street"]), kind="demotion",
                        decided_on=dt.date(2024, 1, 2 + i))
    with django_assert_num_queries(len(few)):
        page = client.get("/sanctions/")
    assert len(page.context["page_obj"]) == 7
    assert len(client.get("/sanctions/", {"kind": "demotion"}).context["page_obj"]) == 6


def test_the_navigation_links_the_new_sections(client, people):
    client.force_login(people.staff)
    page = _text(client.get("/clarifications/"))
    assert 'href="/clarifications/"' in page and 'href="/sanctions/"' in page
    assert 'class="nav-item is-active" href="/clarifications/"' in page
