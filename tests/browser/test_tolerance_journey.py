"""In a real browser, a case from the Ningbo report end to end: staff file a 最多跑一次改革
case with evidence (uploaded by XHR with a progress bar) and submit it; intake,
investigation, the proposal and the liaison's opinion are done through the services; three
reviewers vote 免责 on the case page, one decides, and the decision is shown. Also: a refused
upload comes back in place, and staff name the panel by autocomplete on the case page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import Role
from fault_tolerance.models import Case, Vote
from fault_tolerance.services import case_transition
from tests.factories import CadreFactory, UnitFactory, UserFactory

# serialized_rollback: an earlier transactional test may have flushed what the migrations
# seed (the situation catalog, the holiday calendar); this journey needs it back.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pass-Word-123"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ALL_LOOKS_HOLD = {"policy": True, "procedure": True, "result": True, "integrity": True, "attitude": True,
                  "distinctions": [1, 3], "situations": ["E07"],
                  "notes": {"procedure": "经中心主任办公会集体研究"}}


@pytest.fixture
def ningbo():
    city = UnitFactory(name="宁波市", code="NB", kind="party_committee")
    district = UnitFactory(name="镇海区", code="NB-ZH", parent=city, kind="party_committee")
    centre = UnitFactory(name="镇海区行政服务中心", code="NB-ZH-XZFW", parent=district, kind="public_institution")
    cadre = CadreFactory(unit=centre, name="张海波", position_title="副主任")
    CadreFactory(unit=centre, name="李明")
    return {
        "district": district, "cadre": cadre,
        "staff": UserFactory(username="staff_zh", roles=[Role.STAFF], units=[district]),
        "investigator": UserFactory(username="staff_zh2", roles=[Role.STAFF], units=[district]),
        "liaison": UserFactory(username="liaison_zh", roles=[Role.LIAISON], units=[district]),
        "reviewers": [UserFactory(username=f"reviewer{i}", roles=[Role.REVIEWER], units=[district])
                      for i in (1, 2, 3)],
    }


def _log_in(page, username):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator("button:has-text('退出')")).to_be_visible()


def _log_out(page):
    page.click("button:has-text('退出')")
    expect(page.locator("#id_username")).to_be_visible()


def test_staff_file_three_reviewers_vote_and_the_decision_is_shown(browser_page, ningbo):
    page = browser_page
    _log_in(page, "staff_zh")

    # File the case: the subject by autocomplete, the facts, one evidence file.
    page.goto(page.base_url + "/tolerance/new/")
    page.fill("#id_subject_cadres", "张海")
    page.locator(".autocomplete-option", has_text="张海波").click()
    expect(page.locator("[data-chips] .chip")).to_have_text(["张海波×"])
    page.fill("#id_title", "容缺受理企业开办申请引发审计问题")
    page.fill("#id_occurred_on", "2025-06-10")
    page.select_option("#id_field", "one_visit_reform")
    page.select_option("#id_source", "audit")
    page.fill("#id_applicant", "镇海区行政服务中心")
    page.fill("#id_description", "为落实“最多跑一次”改革，对材料尚缺一项的企业开办申请先行容缺受理，审计指出程序瑕疵。")
    page.set_input_files("#id_evidence", files=[
        {"name": "容缺受理审计报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    expect(page.locator("[data-file-list]")).to_contain_text("容缺受理审计报告.pdf")
    with page.expect_response(lambda r: r.url.endswith("/tolerance/new/") and r.request.method == "POST") as posted:
        page.click("button:has-text('保存并提交')")
    # The upload went by XHR (the progress bar's path) and was answered with where to go.
    assert posted.value.request.headers.get("x-requested-with") == "XMLHttpRequest"
    assert posted.value.headers["content-type"] == "application/json"

    expect(page.locator(".messages .alert-success")).to_contain_text("容错申请已提交。")
    expect(page.locator("h1 .ft-state")).to_have_text("已提交")
    expect(page.locator("#evidence")).to_contain_text("容缺受理审计报告.pdf")
    case = Case.objects.get()
    assert (case.state, case.field, list(case.subject_cadres.all())) == ("submitted", "one_visit_reform",
                                                                         [ningbo["cadre"]])
    assert case.attachments.get().sha256

    # Intake, investigation, proposal and opinion are not this journey's point: services.
    investigator = ningbo["investigator"]
    case = case_transition(case=case, action="accept", actor=investigator)
    case = case_transition(case=case, action="investigate", actor=investigator)
    case = case_transition(case=case, action="propose", actor=investigator, criteria=ALL_LOOKS_HOLD,
                           recommendation="exempted")
    case = case_transition(case=case, action="opinion", actor=ningbo["liaison"],
                           text="经核查，未发现谋取私利等问题，同意免责建议。")
    _log_out(page)

    # Three reviewers vote 免责 on the case page; the third then decides.
    for reviewer in ningbo["reviewers"]:
        _log_in(page, reviewer.username)
        page.goto(page.base_url + "/tolerance/queue/")
        page.locator("#queue-vote a", has_text="容缺受理企业开办申请引发审计问题").click()
        expect(page.locator("#criteria")).to_contain_text("经中心主任办公会集体研究")
        expect(page.locator("#opinion")).to_contain_text("同意免责建议")
        page.locator("#action-vote label", has_text="免责").click()
        page.click("#action-vote button:has-text('提交表决')")
        expect(page.locator(".messages .alert-success")).to_contain_text("已完成：表决。")
        expect(page.locator("#votes tr", has_text=reviewer.username)).to_contain_text("免责")
        if reviewer is not ningbo["reviewers"][-1]:
            _log_out(page)

    page.click("#action-decide button:has-text('作出认定')")
    expect(page.locator(".messages .alert-success")).to_contain_text("已完成：作出认定。")
    expect(page.locator("h1 .ft-outcome")).to_have_text("免责")
    expect(page.locator("#decision-1")).to_contain_text("免责")
    expect(page.locator(".ft-protected")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("作出认定")

    case.refresh_from_db()
    assert (case.state, case.outcome) == ("decided", "exempted")
    assert sorted(Vote.objects.filter(case=case).values_list("voter__username", "choice")) == [
        ("reviewer1", "exempted"), ("reviewer2", "exempted"), ("reviewer3", "exempted")]


def test_a_refused_upload_comes_back_in_place_with_the_reason_in_chinese(browser_page, ningbo):
    page = browser_page
    _log_in(page, "staff_zh")
    page.goto(page.base_url + "/tolerance/new/")
    page.fill("#id_subject_cadres", "张海")
    page.locator(".autocomplete-option", has_text="张海波").click()
    page.fill("#id_title", "容缺受理企业开办申请引发审计问题")
    page.fill("#id_occurred_on", "2025-06-10")
    page.select_option("#id_field", "one_visit_reform")
    page.select_option("#id_source", "audit")
    # An empty file is stopped in the browser, before anything is sent.
    page.set_input_files("#id_evidence", files=[{"name": "空白.pdf", "mimeType": "application/pdf", "buffer": b""}])
    expect(page.locator("[data-upload-errors]")).to_have_text("“空白.pdf”是空文件，请重新选择。")
    page.click("button:has-text('保存并提交')")
    expect(page.locator("[data-upload-progress]")).to_be_hidden()
    expect(page.locator("#case-form button:has-text('保存并提交')")).to_be_enabled()
    assert not Case.objects.exists()

    page.set_input_files("#id_evidence", files=[
        {"name": "审计报告.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 64}])
    page.click("button:has-text('保存并提交')")

    # The XHR answer is the page with the form's errors; the form is swapped in place.
    expect(page.locator("#case-form .field.has-error")).to_contain_text("审计报告.pdf：不支持的文件类型")
    expect(page).to_have_url(page.base_url + "/tolerance/new/")
    expect(page.locator("[data-chips] .chip")).to_have_text(["张海波×"])  # what was typed is kept
    assert not Case.objects.exists()


def test_staff_name_the_panel_by_autocomplete_on_the_case_page(browser_page, ningbo):
    """The chips start from the default panel; one is removed, another reviewer is found by
    typing (only eligible reviewers are offered), and the panel is saved through the service."""
    page = browser_page
    outsider = UserFactory(username="reviewer_elsewhere", roles=[Role.REVIEWER], units=[UnitFactory()])
    extra = UserFactory(username="reviewer4", roles=[Role.REVIEWER], units=[ningbo["district"]])
    case = case_transition(case=_filed(ningbo), action="accept", actor=ningbo["investigator"])
    case = case_transition(case=case, action="investigate", actor=ningbo["investigator"])
    _log_in(page, "staff_zh")
    page.goto(page.base_url + f"/tolerance/{case.pk}/")
    page.click("#panel summary")
    chips = page.locator("#panel-form [data-chips] .chip")
    expect(chips).to_have_text(["reviewer1×", "reviewer2×", "reviewer3×", "reviewer4×"])
    page.locator("#panel-form .chip-remove[aria-label$='reviewer4']").click()
    page.locator("#panel-form .chip-remove[aria-label$='reviewer3']").click()
    page.fill("#id_panel-reviewers", "reviewer")
    expect(page.locator("#panel-form .autocomplete-option")).to_have_count(4)
    expect(page.locator("#panel-form .autocomplete-list")).not_to_contain_text(outsider.username)
    page.locator("#panel-form .autocomplete-option", has_text="reviewer4").click()
    expect(chips).to_have_text(["reviewer1×", "reviewer2×", "reviewer4×"])
    page.click("#panel-form button:has-text('保存审议组')")
    expect(page.locator(".messages .alert-success")).to_contain_text("审议组已确定。")
    expect(page.locator("#panel-now")).to_contain_text("reviewer1、reviewer2、reviewer4")
    assert sorted(case.panel_members.values_list("reviewer__username", flat=True)) == [
        "reviewer1", "reviewer2", extra.username]


def _filed(ningbo) -> Case:
    from fault_tolerance.services import case_file

    return case_file(actor=ningbo["staff"], submit=True, title="容缺受理企业开办申请引发审计问题",
                     occurred_on=dt.date(2025, 6, 10), field="one_visit_reform", source="audit",
                     subject_cadres=[ningbo["cadre"]])
