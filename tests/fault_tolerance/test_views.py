"""The fault-tolerance pages: who sees what (404 out of scope), the forms calling the
services with their refusals shown inline and nothing saved, the queue, the dashboard,
notifications, and list pages whose query count does not grow with their rows.

People and helpers (people, new_case, advance, ALL_GOOD) come from this directory's conftest."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditEntry, Notification
from fault_tolerance.models import Case, CaseAttachment, Correction, Vote
from fault_tolerance.services import correction_create
from tests.factories import CadreFactory, UnitFactory

from .conftest import ALL_GOOD

pytestmark = pytest.mark.django_db

A = Case.Action
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (155, 28, 28)).save(buffer, format="PNG")
    return buffer.getvalue()


def _text(response) -> str:
    return response.content.decode()


def _login(client, user):
    client.force_login(user)
    return client


def _case_form(**overrides) -> dict:
    data = {"title": "容缺受理营业执照引发审计问题", "occurred_on": "2025-06-10", "field": "one_visit_reform",
            "source": "audit", "applicant": "镇海区行政服务中心", "description": "为企业“最多跑一次”先行容缺受理。"}
    data.update(overrides)
    return data


def _proposal(**overrides) -> dict:
    data = {f"look_{k}": "true" for k in ("policy", "procedure", "result", "integrity", "attitude")}
    data.update({"note_procedure": "经中心党组会研究", "distinctions": ["1", "3"], "situations_exempt": ["E07"],
                 "recommendation": "exempted"})
    data.update(overrides)
    return data


# Who sees what ------------------------------------------------------------------------------


def test_case_pages_are_404_outside_scope_and_render_for_those_who_may_see(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    for outsider in (people.outsider_staff, people.outside_reviewer):
        _login(client, outsider)
        assert client.get(f"/tolerance/{case.pk}/").status_code == 404
        assert client.get(f"/tolerance/{case.pk}/propose/").status_code in (403, 404)
        assert client.post(f"/tolerance/{case.pk}/act/vote/", {"vote-choice": "exempted"}).status_code == 404
        assert case.title not in _text(client.get("/tolerance/"))
    for insider in (people.filer, people.staff, people.reviewers[0], people.liaison, people.cadre_account):
        page = _text(_login(client, insider).get(f"/tolerance/{case.pk}/"))
        assert case.title in page and "謝允崗" in page and "纪检意见已出具" in page


def test_a_draft_is_seen_only_by_its_filer(client, people, new_case):
    case = new_case()
    assert _login(client, people.staff).get(f"/tolerance/{case.pk}/").status_code == 404
    page = _text(_login(client, people.filer).get(f"/tolerance/{case.pk}/"))
    assert f'action="/tolerance/{case.pk}/act/submit/"' in page
    assert f"/tolerance/{case.pk}/edit/" in page


def test_action_buttons_follow_the_transition_table_and_the_guard(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    page = _text(_login(client, people.staff).get(f"/tolerance/{case.pk}/"))
    assert "/act/accept/" in page and "/act/reject/" in page and "/act/vote/" not in page
    # No panel yet: a reviewer sees no action.
    assert "/act/" not in _text(_login(client, people.reviewers[0]).get(f"/tolerance/{case.pk}/"))

    case = advance(case, "opinion")
    voter = _text(_login(client, people.reviewers[1]).get(f"/tolerance/{case.pk}/"))
    # 作出认定 waits for the quorum (issue 7, item 15).
    assert "/act/vote/" in voter and "/act/decide/" not in voter and "/act/accept/" not in voter
    # The investigator (staff2) holds the staff role but has nothing to do in this state.
    assert "/act/" not in _text(_login(client, people.staff).get(f"/tolerance/{case.pk}/"))


# Filing ---------------------------------------------------------------------------------------


def test_staff_file_a_case_with_subjects_and_evidence_through_the_service(client, people):
    unit = people.subject.unit
    response = _login(client, people.filer).post("/tolerance/new/", {
        **_case_form(), "subject_cadres": [people.subject.pk], "subject_units": [unit.pk], "save": "1",
        "evidence": [SimpleUploadedFile("审计报告.pdf", PDF), SimpleUploadedFile("现场照片.png", _png())]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tolerance/{case.pk}/"
    assert (case.state, case.field, case.created_by) == ("draft", "one_visit_reform", people.filer)
    assert list(case.subject_cadres.all()) == [people.subject] and list(case.subject_units.all()) == [unit]
    assert sorted(case.attachments.values_list("name", "kind")) == [("审计报告.pdf", "pdf"), ("现场照片.png", "image")]
    assert AuditEntry.objects.filter(object_id=case.pk, action="create").exists()
    page = _text(client.get(response["Location"]))
    assert "容错申请已保存为草稿。" in page and "审计报告.pdf" in page and "镇海区行政服务中心" in page


def test_save_and_submit_submits(client, people):
    _login(client, people.filer).post("/tolerance/new/", {
        **_case_form(), "subject_cadres": [people.subject.pk], "submit": "1"})
    case = Case.objects.get()
    assert case.state == "submitted" and case.submitted_on is not None


def test_a_renamed_executable_is_refused_by_name_and_nothing_is_saved(client, people):
    fake = SimpleUploadedFile("情况说明.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200)
    response = _login(client, people.filer).post("/tolerance/new/", {
        **_case_form(), "subject_cadres": [people.subject.pk], "submit": "1",
        "evidence": [SimpleUploadedFile("审计报告.pdf", PDF), fake]})
    assert response.status_code == 400
    errors = response.context["form"].errors["evidence"]
    assert any(e.startswith("情况说明.pdf：不支持的文件类型") for e in errors)
    assert "情况说明.pdf：不支持的文件类型" in _text(response)
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_an_empty_file_and_the_size_limit_are_explained_in_chinese(client, people, settings):
    response = _login(client, people.filer).post("/tolerance/new/", {
        **_case_form(), "subject_cadres": [people.subject.pk],
        "evidence": [SimpleUploadedFile("空白.pdf", b"")]})
    # Django's own FileField refuses an empty upload before the service sees it.
    assert response.status_code == 400 and not Case.objects.exists()
    assert "空" in " ".join(response.context["form"].errors["evidence"])

    from fault_tolerance.models import Policy

    Policy.objects.filter(jurisdiction__isnull=True).update(attachment_max_mb=1)
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client.post("/tolerance/new/", {**_case_form(), "subject_cadres": [people.subject.pk],
                                                "evidence": [big]})
    assert "大文件.pdf：文件大小 1.0 MB，超过 1 MB 的上限。" in response.context["form"].errors["evidence"]
    assert not Case.objects.exists()


def test_a_cadre_outside_scope_is_refused_inline(client, people, tree):
    stranger = CadreFactory(unit=tree["other"], name="外地干部")
    response = _login(client, people.filer).post("/tolerance/new/", {
        **_case_form(), "subject_cadres": [stranger.pk]})
    assert response.status_code == 400
    assert "所选干部不存在或不在您的管辖范围内。" in _text(response)
    assert not Case.objects.exists()


def test_no_subject_is_refused_by_the_service_with_its_message(client, people):
    response = _login(client, people.filer).post("/tolerance/new/", _case_form())
    assert "请至少选择一名干部或一个单位作为容错对象。" in _text(response)
    assert not Case.objects.exists()


def test_the_form_offers_autocomplete_not_a_list_of_cadres(client, people):
    CadreFactory.create_batch(5, unit=people.subject.unit)
    page = _text(_login(client, people.filer).get("/tolerance/new/"))
    assert 'data-url="/cadres/autocomplete/"' in page and 'data-url="/units/autocomplete/"' in page
    assert "<select" not in page.split('id="case-form"')[1].split("id_field")[0]
    assert "謝允崗" not in page


def test_an_upload_by_xhr_is_answered_with_where_to_go(client, people):
    response = _login(client, people.filer).post(
        "/tolerance/new/", {**_case_form(), "subject_cadres": [people.subject.pk], "save": "1",
                            "evidence": [SimpleUploadedFile("a.pdf", PDF)]},
        headers={"X-Requested-With": "XMLHttpRequest"})
    case = Case.objects.get()
    assert response.json() == {"redirect": f"/tolerance/{case.pk}/"}


def test_a_cadre_files_for_themselves(client, people):
    response = _login(client, people.cadre_account).post("/tolerance/new/", {**_case_form(), "submit": "1"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert list(case.subject_cadres.all()) == [people.subject] and case.state == "submitted"


def test_the_filer_edits_the_draft_and_it_is_in_the_history(client, people, new_case):
    case = new_case()
    _login(client, people.filer)
    form = client.get(f"/tolerance/{case.pk}/edit/")
    assert f'value="{people.subject.pk}"' in _text(form)  # the chosen cadre as a chip
    response = client.post(f"/tolerance/{case.pk}/edit/", {
        **_case_form(title="先行检查（修改）"), "subject_cadres": [people.subject.pk], "save": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "先行检查（修改）" and case.state == "draft"
    page = _text(client.get(f"/tolerance/{case.pk}/"))
    assert "先行检查（修改）" in page and "事项名称" in page.split('id="history"')[1]


def test_a_submitted_case_cannot_be_edited(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    response = _login(client, people.filer).get(f"/tolerance/{case.pk}/edit/", follow=True)
    assert "只有填报人可以修改草稿状态的申请。" in _text(response)
    response = client.post(f"/tolerance/{case.pk}/edit/", {**_case_form(title="改"), "subject_cadres": [
        people.subject.pk]})
    case.refresh_from_db()
    assert case.title != "改"


# Workflow actions -----------------------------------------------------------------------------


def test_accept_through_the_page(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/act/accept/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"
    assert "已完成：受理。" in _text(client.get(response["Location"]))


def test_reject_without_a_reason_shows_the_services_message_and_saves_nothing(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/act/reject/", {"reject-reason": " "})
    assert response.status_code == 400
    assert "请填写不予受理的理由。" in _text(response)
    case.refresh_from_db()
    assert case.state == "submitted" and not AuditEntry.objects.filter(object_id=case.pk, action="reject").exists()

    response = client.post(f"/tolerance/{case.pk}/act/reject/", {"reject-reason": "不属于容错范围。"})
    case.refresh_from_db()
    assert response.status_code == 302 and case.state == "rejected" and case.rejection_reason == "不属于容错范围。"


def test_an_action_the_state_forbids_is_a_409_with_the_reason_on_the_page(client, people, new_case, advance):
    case = advance(new_case(), "accepted")
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/act/accept/")
    assert response.status_code == 409
    assert "当前状态（已受理）不允许执行“受理”。" in _text(response)


def test_the_filer_may_not_vote_and_is_told_why(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    response = _login(client, people.filer).post(f"/tolerance/{case.pk}/act/vote/", {"vote-choice": "exempted"})
    assert response.status_code == 403
    assert "您的角色无权执行此操作。" in _text(response)
    assert not Vote.objects.filter(voter=people.filer).exists()


def test_a_vote_without_a_choice_or_against_the_criteria_is_refused_inline(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    from fault_tolerance.services import case_transition

    case = case_transition(case=case, action=A.PROPOSE, actor=people.staff, recommendation="mitigated",
                           criteria={**ALL_GOOD, "result": False})
    case = case_transition(case=case, action=A.OPINION, actor=people.liaison, text="同意从轻。")
    _login(client, people.reviewers[0])
    response = client.post(f"/tolerance/{case.pk}/act/vote/", {})
    assert response.status_code == 400 and "请选择表决意见。" in _text(response)
    response = client.post(f"/tolerance/{case.pk}/act/vote/", {"vote-choice": "exempted"})
    assert response.status_code == 400
    assert "“五个看”须全部符合方可免责" in _text(response)
    assert not Vote.objects.exists()


def test_three_votes_and_a_decision_through_the_pages(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    for reviewer in people.reviewers:
        response = _login(client, reviewer).post(f"/tolerance/{case.pk}/act/vote/", {"vote-choice": "exempted"})
        assert response.status_code == 302
    response = client.post(f"/tolerance/{case.pk}/act/decide/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("decided", "exempted")
    page = _text(client.get(f"/tolerance/{case.pk}/"))
    decision = page.split('id="decision-1"')[1].split("</div>")[0]
    assert "免责" in decision and "r3" in decision
    votes = page.split('id="votes"')[1].split("</section>")[0]
    assert all(name in votes for name in ("r1", "r2", "r3")) and votes.count("免责") >= 3
    assert "该事项不影响容错对象的提拔任用" in page


def test_deciding_before_the_quorum_says_so(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    _login(client, people.reviewers[0]).post(f"/tolerance/{case.pk}/act/vote/", {"vote-choice": "exempted"})
    response = client.post(f"/tolerance/{case.pk}/act/decide/")
    assert response.status_code == 400
    assert "已表决 1 人，未达到法定人数 3 人，不能作出认定。" in _text(response)
    case.refresh_from_db()
    assert case.state == "opinion" and not case.decisions.exists()


def test_the_liaison_gives_the_opinion_on_the_page(client, people, new_case, advance):
    case = advance(new_case(), "proposed")
    _login(client, people.liaison)
    assert "请填写纪检监察意见。" in _text(client.post(f"/tolerance/{case.pk}/act/opinion/", {"opinion-text": ""}))
    client.post(f"/tolerance/{case.pk}/act/opinion/", {"opinion-text": "未发现违纪违法问题，同意免责建议。"})
    case.refresh_from_db()
    assert case.state == "opinion" and case.opinion_by == people.liaison
    assert "未发现违纪违法问题" in _text(client.get(f"/tolerance/{case.pk}/"))


# The proposal form --------------------------------------------------------------------------------


def test_the_proposal_form_explains_the_rules_and_records_the_criteria(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    _login(client, people.staff)
    page = _text(client.get(f"/tolerance/{case.pk}/propose/"))
    assert "免责须“五个看”全部符合。" in page and "表决法定人数 3 人。" in page and "回避" in page
    assert "r1" in page.split('id="rules-title"')[1]  # the default panel is shown
    assert "N01" in page and "E07" in page

    response = client.post(f"/tolerance/{case.pk}/propose/", _proposal())
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "proposed" and case.recommendation == "exempted"
    assert case.criteria["distinctions"] == [1, 3] and case.criteria["notes"] == {"procedure": "经中心党组会研究"}
    assert list(case.situations.values_list("code", flat=True)) == ["E07"]
    page = _text(client.get(f"/tolerance/{case.pk}/"))
    criteria = page.split('id="criteria"')[1].split("</section>")[0]
    assert "全部符合" in criteria and "经中心党组会研究" in criteria and "E07" in criteria


def test_exemption_with_a_failing_look_is_refused_and_nothing_saved(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/propose/", _proposal(look_integrity="false"))
    assert response.status_code == 400
    assert "“五个看”须全部符合方可免责" in " ".join(response.context["form"].errors["recommendation"])
    case.refresh_from_db()
    assert case.state == "investigating" and case.criteria == {} and not case.situations.exists()


def test_a_never_tolerated_situation_forces_not_tolerated(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    response = _login(client, people.staff).post(
        f"/tolerance/{case.pk}/propose/", _proposal(recommendation="mitigated", situations_never=["N02"]))
    assert "已勾选不予容错情形（N02），只能认定为“不予容错”。" in _text(response)
    case.refresh_from_db()
    assert case.state == "investigating"


def test_every_look_must_be_judged(client, people, new_case, advance):
    case = advance(new_case(), "investigating")
    data = _proposal()
    del data["look_attitude"]
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/propose/", data)
    assert "请对此项作出判断。" in _text(response)


def test_the_proposal_page_is_not_offered_out_of_turn(client, people, new_case, advance):
    case = advance(new_case(), "accepted")
    response = _login(client, people.staff).get(f"/tolerance/{case.pk}/propose/")
    assert response.status_code == 302 and response["Location"] == f"/tolerance/{case.pk}/"
    assert _login(client, people.reviewers[0]).get(f"/tolerance/{case.pk}/propose/").status_code in (403, 404)


# The queue --------------------------------------------------------------------------------------


def _queue(client, user) -> dict:
    sections = _login(client, user).get("/tolerance/queue/").context["sections"]
    return {s["key"]: [c.title for c in s["cases"]] for s in sections}


def test_the_queue_shows_each_person_what_waits_on_them(client, people, new_case, advance):
    submitted = advance(new_case(title="待受理案"), "submitted")
    proposed = advance(new_case(title="待意见案"), "proposed")
    voting = advance(new_case(title="待表决案"), "opinion")
    new_case(title="我的草稿")

    # Intake waits on staff other than the filer, who may not take in their own filing.
    assert _queue(client, people.filer) == {"draft": ["我的草稿"]}
    assert _queue(client, people.staff)["submitted"] == ["待受理案"]
    assert _queue(client, people.liaison) == {"proposed": ["待意见案"]}
    assert _queue(client, people.reviewers[0]) == {"vote": ["待表决案"]}
    assert _queue(client, people.outside_reviewer) == {}
    assert _queue(client, people.outsider_staff) == {}

    _login(client, people.reviewers[0]).post(f"/tolerance/{voting.pk}/act/vote/", {"vote-choice": "exempted"})
    assert _queue(client, people.reviewers[0]) == {}  # the others' votes are awaited, not theirs
    for reviewer in people.reviewers[1:]:
        _login(client, reviewer).post(f"/tolerance/{voting.pk}/act/vote/", {"vote-choice": "exempted"})
    assert _queue(client, people.reviewers[0]) == {"decide": ["待表决案"]}
    _login(client, people.reviewers[0])
    page = _text(client.get("/tolerance/queue/"))
    assert "已表决，待作出认定" in page and f"/tolerance/{voting.pk}/" in page
    assert submitted.pk and proposed.pk


def test_queue_queries_do_not_grow_with_rows(client, people, new_case, advance, django_assert_max_num_queries):
    advance(new_case(), "submitted")
    _login(client, people.staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/tolerance/queue/")
    for i in range(6):
        advance(new_case(title=f"案{i}", subject_units=[people.subject.unit]), "submitted")
    with django_assert_max_num_queries(len(few)):
        page = client.get("/tolerance/queue/")
    assert len(page.context["sections"][0]["cases"]) == 7


# The list -------------------------------------------------------------------------------------


def test_the_list_filters_by_state_field_and_deadline(client, people, new_case, advance):
    with time_machine.travel(dt.date(2026, 11, 2), tick=False):
        late = advance(new_case(title="超期未受理"), "submitted", day=dt.date(2026, 11, 2))
    fresh = advance(new_case(title="刚提交", field="reform"), "submitted", day=dt.date(2026, 11, 23))
    draft = new_case(title="草稿案")
    _login(client, people.filer)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10), tick=False):
        assert [c.title for c in client.get("/tolerance/", {"state": "draft"}).context["page_obj"]] == ["草稿案"]
        assert [c.title for c in client.get("/tolerance/", {"field": "reform"}).context["page_obj"]] == ["刚提交"]
        overdue = client.get("/tolerance/", {"deadline": "overdue"})
        assert [c.title for c in overdue.context["page_obj"]] == ["超期未受理"]
        row = _text(overdue).split('id="case-table"')[1]
        assert "已超期" in row
        assert {c.title for c in client.get("/tolerance/").context["page_obj"]} == {"超期未受理", "刚提交", "草稿案"}
    assert late.pk and fresh.pk and draft.pk


def test_list_queries_do_not_grow_with_rows(client, people, new_case, advance, django_assert_num_queries):
    for i in range(2):
        advance(new_case(title=f"案{i}"), "submitted")
    _login(client, people.staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/tolerance/")
    extra = UnitFactory(parent=people.subject.unit)
    for i in range(55):
        new_case(title=f"批量{i}", subject_units=[extra], subject_cadres=[CadreFactory(unit=extra)])
    Case.objects.filter(state="draft").update(state="submitted")
    with django_assert_num_queries(len(few)):
        page = client.get("/tolerance/")
    assert len(page.context["page_obj"]) == 50


# Evidence on the case page -------------------------------------------------------------------


def test_evidence_added_on_the_case_page_and_downloaded_only_in_scope(client, people, new_case, advance):
    case = advance(new_case(), "accepted")
    _login(client, people.staff)
    response = client.post(f"/tolerance/{case.pk}/attachments/", {
        "evidence": [SimpleUploadedFile("补充说明.pdf", PDF)], "description": "会议纪要"})
    assert response.status_code == 302
    attachment = case.attachments.get()
    assert (attachment.name, attachment.description, attachment.uploaded_by) == ("补充说明.pdf", "会议纪要", people.staff)
    download = client.get(f"/tolerance/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "补充说明.pdf" in download["Content-Disposition"] or "filename*" in download["Content-Disposition"]
    assert _login(client, people.outsider_staff).get(
        f"/tolerance/{case.pk}/attachments/{attachment.pk}/").status_code == 404


def test_evidence_of_the_wrong_type_is_refused_on_the_case_page(client, people, new_case, advance):
    case = advance(new_case(), "accepted")
    response = _login(client, people.staff).post(f"/tolerance/{case.pk}/attachments/", {
        "evidence": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.docx", b"PK\x03\x04not really")]})
    assert response.status_code == 400
    assert "b.docx：不支持的文件类型" in _text(response)
    assert not case.attachments.exists()  # all or none


# Dashboard and notifications -------------------------------------------------------------------


def test_the_home_page_lists_cases_past_their_deadline_and_overdue_corrections(client, people, new_case, advance):
    late = advance(new_case(title="超期未受理案"), "submitted", day=dt.date(2026, 10, 9))
    decided = advance(new_case(title="已免责案"), "decided", day=dt.date(2026, 10, 12))
    with time_machine.travel(dt.date(2026, 11, 2), tick=False):
        correction_create(actor=people.staff, case=decided, step=Correction.Step.START, assignee=people.staff,
                          due_on=dt.date(2026, 11, 10))
    with time_machine.travel(dt.datetime(2026, 11, 23, 10), tick=False):
        page = _text(_login(client, people.staff).get("/"))
    watch = page.split('id="ft-deadline-watch"')[1].split("</section>")[0]
    assert "超期未受理案" in watch and "已超期" in watch
    overdue = page.split('id="ft-overdue-corrections"')[1].split("</section>")[0]
    assert "已免责案 · 启动纠错" in overdue
    assert late.pk


def test_the_home_page_shows_nothing_of_this_to_a_user_without_work(client, tree):
    from tests.factories import UserFactory

    page = _text(_login(client, UserFactory(roles=["admin"])).get("/"))
    assert "ft-deadline-watch" in page  # administrators see the watch (empty)
    page = _text(_login(client, UserFactory(roles=["cadre"])).get("/"))
    assert "ft-dashboard" not in page


def test_notifications_reach_the_next_in_line_and_are_marked_read(client, people, new_case, advance):
    case = advance(new_case(), "proposed")  # the liaison is told to give an opinion
    _login(client, people.liaison)
    badge = _text(client.get("/notifications/badge/"))
    assert re.search(r">\s*1\s*<", badge)
    page = _text(client.get("/notifications/"))
    assert f"请出具纪检监察意见：{case.title}" in page and "is-unread" in page
    notification = Notification.objects.get(recipient=people.liaison)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/tolerance/{case.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _text(client.get("/notifications/badge/")).strip() == ""


def test_mark_all_read_and_others_notifications_are_out_of_reach(client, people):
    Notification.objects.create(recipient=people.staff, title="甲", link="https://evil.example/")
    Notification.objects.create(recipient=people.staff, title="乙")
    mine = Notification.objects.filter(recipient=people.staff)
    assert _login(client, people.filer).get(f"/notifications/{mine.first().pk}/open/").status_code == 404
    _login(client, people.staff)
    opened = client.get(f"/notifications/{mine.get(title='甲').pk}/open/")
    assert opened["Location"] == "/notifications/"  # never sent off-site
    client.post("/notifications/read/", {"ids": ["x"]})
    assert mine.filter(read_at__isnull=True).count() == 1
    client.post("/notifications/read/", {"next": "/tolerance/"})
    assert not mine.filter(read_at__isnull=True).exists()


def test_the_top_bar_badge_loads_after_the_page(client, people):
    page = _text(_login(client, people.staff).get("/"))
    assert 'hx-get="/notifications/badge/"' in page


# Correction (纠错) on the case page ------------------------------------------------------------


def test_staff_record_correction_steps_in_order_on_the_case_page(client, people, new_case, advance):
    case = advance(new_case(), "decided")
    _login(client, people.staff)
    page = _text(client.get(f"/tolerance/{case.pk}/"))
    assert 'id="correction-form"' in page and "staff2" in page.split('id="correction-form"')[1]
    response = client.post(f"/tolerance/{case.pk}/corrections/", {
        "correction-step": "talk", "correction-assignee": people.staff.pk, "correction-due_on": "2026-12-31"})
    assert response.status_code == 302
    talk = case.corrections.get()
    assert (talk.step, talk.assignee, talk.due_on) == ("talk", people.staff, dt.date(2026, 12, 31))

    # Done before the earlier steps: the service refuses, and says which are missing.
    response = client.post(f"/tolerance/{case.pk}/corrections/{talk.pk}/done/", {
        f"c{talk.pk}-done_on": "2026-11-20", f"c{talk.pk}-evidence_text": "已谈话"})
    assert response.status_code == 400
    assert "须先完成前面的步骤：启动纠错、发送通知。" in _text(response)
    talk.refresh_from_db()
    assert talk.done_on is None

    for step in ("start", "notice"):
        client.post(f"/tolerance/{case.pk}/corrections/", {"correction-step": step})
        done = case.corrections.get(step=step)
        client.post(f"/tolerance/{case.pk}/corrections/{done.pk}/done/", {f"c{done.pk}-done_on": "2026-11-20"})
    response = client.post(f"/tolerance/{case.pk}/corrections/{talk.pk}/done/", {
        f"c{talk.pk}-done_on": "2026-11-21", f"c{talk.pk}-evidence_text": "已谈话",
        f"c{talk.pk}-evidence_file": SimpleUploadedFile("谈话记录.pdf", PDF)})
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.done_on == dt.date(2026, 11, 21) and talk.evidence_sha256
    corrections = _text(client.get(f"/tolerance/{case.pk}/")).split('id="corrections"')[1].split("</section>")[0]
    assert corrections.count("已完成") == 3 and "已谈话" in corrections


def test_no_correction_form_before_a_tolerated_decision_or_for_a_reviewer(client, people, new_case, advance):
    case = advance(new_case(), "opinion")
    assert 'id="correction-form"' not in _text(_login(client, people.staff).get(f"/tolerance/{case.pk}/"))
    response = client.post(f"/tolerance/{case.pk}/corrections/", {"correction-step": "start"})
    assert response.status_code == 400
    assert "只有已认定为免责或从轻减轻的案件才能启动纠错。" in _text(response)
    case = advance(case, "decided")
    assert 'id="correction-form"' not in _text(_login(client, people.reviewers[0]).get(f"/tolerance/{case.pk}/"))
    assert not Correction.objects.exists()


def test_a_bad_filter_is_explained_and_lists_nothing(client, people, new_case, advance):
    advance(new_case(), "submitted")
    response = _login(client, people.staff).get("/tolerance/", {"state": "bogus", "page": "x"})
    assert response.status_code == 200 and list(response.context["page_obj"]) == []
    assert "bogus" in _text(response) and "has-error" in _text(response)


def test_case_page_queries_do_not_grow_with_votes_files_or_history(client, people, new_case, advance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fault_tolerance.services import attachment_add, case_transition

    case = advance(new_case(), "opinion")
    attachment_add(case=case, actor=people.staff, upload=SimpleUploadedFile("a.pdf", PDF))
    case_transition(case=case, action=A.VOTE, actor=people.reviewers[0], choice="exempted")
    _login(client, people.reviewers[1])
    with CaptureQueriesContext(connection) as few:
        client.get(f"/tolerance/{case.pk}/")
    for i in range(4):
        attachment_add(case=case, actor=people.staff, upload=SimpleUploadedFile(f"b{i}.pdf", PDF))
    for reviewer in people.reviewers[1:]:
        case_transition(case=case, action=A.VOTE, actor=reviewer, choice="exempted")
    with CaptureQueriesContext(connection) as many:
        page = _text(client.get(f"/tolerance/{case.pk}/"))
    assert len(many) == len(few)
    assert page.count("SHA-256 ") == 5 and "已表决 3 人" in page
