"""The published PDFs as a reader gets them: their text (pdftotext) says what each kind must
say in GB/T 9704-2012 form, traditional characters included; every font is embedded as a
subset (pdffonts); a hostile name prints as the characters it is; a long 公示 breaks onto a
second page without repeating the header, the 版记 on the last page."""

import datetime as dt

import pytest
import time_machine
from django.core import checks

from notices.models import Notice
from notices.services.content import build_content
from notices.services.render import render_html, render_pdf
from tests.factories import CadreFactory
from tests.notices.pdf_helpers import (
    MONDAY,
    flat,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    publish_clarification,
    publish_commendation,
    publish_pre_appointment,
    publish_tolerance,
)

ISSUER = "中共某市委组织部"


@pytest.fixture
def monday():
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        yield MONDAY


def publish(kind, staff_user, tree, cadre):
    if kind == "pre_appointment":
        return publish_pre_appointment(staff_user, tree, [cadre], cc="市纪委监委")
    return {"tolerance_decision": publish_tolerance, "clarification": publish_clarification,
            "commendation": publish_commendation}[kind](staff_user, tree, cadre)


EXPECTED = {
    "pre_appointment": [
        "某组公〔2026〕1号", "任前公示", "姓名性别出生年月学历现任职务（任职时间）拟任职务备注",
        "解放路街道社会事务科科长（2016年2月起）", "解放路街道社区服务中心主任",
        "破格提拔：任职年限破格",
        "公示时间：2026年12月8日至2026年12月14日（5个工作日）",
        "受理电话：12380", "通信地址：某市委组织部干部监督科", "电子邮箱：12380@example.gov.cn",
        "抄送：市纪委监委。",
    ],
    "tolerance_decision": [
        "某组容〔2026〕1号", "关于对謝允崗同志予以容错免责的通知", "謝允崗同志、解放路街道：",
        "“老旧小区改造试点资金拨付”", "2026年11月2日集体研究", "认定结果：免责。",
        # The appeal window is the case's policy's (30 days by default), not a fixed text.
        "可自收到本通知之日起30日内",
    ],
    "clarification": [
        "某组澄〔2026〕1号", "关于为干部澄清正名的通报",
        "解放路街道科长謝允崗同志“违规发放补贴”的问题",
        "反映问题不属实。", "对謝允崗同志予以澄清正名",
    ],
    "commendation": [
        "某组通〔2026〕1号", "关于给予表扬的通报", "一、受表扬的个人（2名）",
        "謝允崗同志（解放路街道科长）：在防汛抢险中冲锋在前、连续奋战。给予通报表扬。",
        "包昆同志", "二、受表扬的集体（1个）", "解放路街道：高质量完成片区改造任务。给予通报表扬。",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_kind_prints_what_it_must(kind, staff_user, tree, cadre_in_street, monday):
    notice = publish(kind, staff_user, tree, cadre_in_street)
    data = bytes(notice.pdf.data)
    text = flat(pdf_text(data))
    assert text.startswith(ISSUER + notice.document_number)  # the red header, then the number
    for phrase in EXPECTED[kind]:
        assert phrase in text, phrase
    assert "謝允崗" in text  # traditional characters print, never boxes
    # Signature and date (no leading zero), 版记's 印发机关 and 印发日期, the page number.
    assert f"{ISSUER}2026年12月7日" in text and "2026年12月07日" not in text
    assert text.count("2026年12月7日印发") == 1
    assert "—1—" in text
    assert f"验证码：{notice.verification_code}" in text
    assert f"http://127.0.0.1:8000/verify/{notice.verification_code}/" in text
    assert "草稿" not in text
    fonts = pdf_fonts(data)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts
    assert any("Noto-Serif-CJK-SC" in f["name"] for f in fonts)
    # A 公示 of one cadre and its 版记 fit one page; three commendations take two.
    assert pdf_pages(data) == (2 if kind == "commendation" else 1)


@pytest.mark.django_db
def test_a_tolerance_decision_shows_the_outcome_and_no_votes(staff_user, tree, cadre_in_street,
                                                            monday):
    notice = publish_tolerance(staff_user, tree, cadre_in_street)
    text = flat(pdf_text(bytes(notice.pdf.data)))
    assert "予以免责" in text
    assert "票" not in text and "表决" not in text


@pytest.mark.django_db
def test_hostile_names_print_as_text(staff_user, tree, monday):
    script = CadreFactory(unit=tree["street"], name="<script>alert(1)</script>")
    entity = CadreFactory(unit=tree["street"], name="&lt;b&gt;")
    notice = publish_pre_appointment(staff_user, tree, [script, entity])
    text = flat(pdf_text(bytes(notice.pdf.data)))
    assert "<script>alert(1)</script>" in text
    assert "&lt;b&gt;" in text
    html = render_html(notice.content, document_number=notice.document_number,
                       issued_on=notice.issued_on, verification_code=notice.verification_code)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;lt;b&amp;gt;" in html and "<b>" not in html


@pytest.mark.django_db
def test_twenty_cadres_run_onto_a_second_page(staff_user, tree, monday):
    cadres = [CadreFactory(unit=tree["street"], name=f"干部{i:02d}") for i in range(20)]
    notice = publish_pre_appointment(staff_user, tree, cadres, cc="市纪委监委，各区县党委组织部")
    data = bytes(notice.pdf.data)
    pages = pdf_text(data).split("\f")[:-1]
    assert 2 <= len(pages) <= 4, len(pages)
    flat_pages = [flat(p) for p in pages]
    assert flat_pages[0].startswith(ISSUER + notice.document_number)
    assert all(notice.document_number not in p for p in flat_pages[1:])  # no header again
    assert all(f"干部{i:02d}" in "".join(flat_pages) for i in range(20))
    assert "干部19" not in flat_pages[0]  # the table did break
    # 版记 only on the last page; each page numbered.
    assert "抄送：" in flat_pages[-1] and "印发" in flat_pages[-1]
    assert not any("印发" in p for p in flat_pages[:-1])
    for number, page in enumerate(flat_pages, start=1):
        assert f"—{number}—" in page
    assert all(f["emb"] == "yes" for f in pdf_fonts(data))


@pytest.mark.django_db
def test_a_draft_preview_says_draft_and_has_no_number(staff_user, tree, cadre_in_street, monday):
    from notices.services import notice_create

    notice = notice_create(actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT,
                           issuing_unit=tree["district"], period_start=dt.date(2026, 12, 8),
                           entries=[{"cadre": cadre_in_street, "proposed_post": "某职务"}])
    content = build_content(notice, today=monday, strict=False)
    html = render_html(content, draft=True, document_number="某组公〔2026〕9号",
                       verification_code="ABCDEFGHJKMN")
    assert "草稿" in html and "〔" not in html and "ABCDEFGHJKMN" not in html
    text = flat(pdf_text(render_pdf(html)))
    assert "草稿" in text and "〔" not in text and "验证码" not in text
    assert "謝允崗" in text


def test_check_warns_without_harfbuzz_subset(monkeypatch):
    from notices import checks as notice_checks

    assert notice_checks.harfbuzz_subset() == []  # make sysdeps installed it
    real = notice_checks.ctypes.util.find_library
    monkeypatch.setattr(notice_checks.ctypes.util, "find_library",
                        lambda name: None if name == "harfbuzz-subset" else real(name))
    warnings = [m for m in checks.run_checks() if m.id == "notices.W001"]
    assert len(warnings) == 1 and warnings[0].level == checks.WARNING
    assert "libharfbuzz-subset" in warnings[0].msg
