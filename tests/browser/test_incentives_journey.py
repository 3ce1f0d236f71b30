"""The ledger in a real browser, at 1366 and 390 px: staff open 激励, the ledger of their
district (totals, the chart drawn under the CSP), a cadre's ledger where a figure opens to its
rule and parameters, the 红黑榜, and confirm a pending proposal; no console error, nothing
scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from incentives.models import AccumulationRule, LedgerRow, Measure, RuleProposal
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"
YEAR = 2025


def _ledger():
    district = UnitFactory(name="鹤山市", kind="party_committee", category="comprehensive")
    bureau = UnitFactory(name="鹤山市发展和改革局", parent=district, category="comprehensive")
    merit = Measure.objects.create(code="j-merit3", name="记三等功", direction="positive",
                                   kind="spiritual", points=10)
    dismiss = Measure.objects.create(code="j-dismiss", name="辞退", direction="negative",
                                     kind="organizational", points=30)
    streak = AccumulationRule.objects.create(
        code="j-excellent-3", kind="streak", params={"grade": "excellent", "years": 3},
        measure=merit, label="连续三年优秀，记三等功")
    fired = AccumulationRule.objects.create(
        code="j-incompetent-2", kind="streak", params={"grade": "incompetent", "years": 2},
        measure=dismiss, label="连续两年不称职，辞退", needs_confirmation=True)
    best = CadreFactory(unit=bureau, name="罗志刚", position_title="鹤山市发展和改革局局长（兼党组书记）")
    worst = CadreFactory(unit=bureau, name="陈建国", position_title="副局长")
    now = timezone.now()
    LedgerRow.objects.create(cadre=best, year=YEAR, unit=bureau, positive=10, negative=0, net=10,
                             tallied_at=now, entries=[{
                                 "kind": "rule", "code": streak.code, "label": streak.label,
                                 "points": 10, "source": "2023、2024、2025 年度优秀"}])
    LedgerRow.objects.create(cadre=worst, year=YEAR, unit=bureau, positive=0, negative=0, net=0,
                             tallied_at=now, entries=[{
                                 "kind": "rule", "code": fired.code, "label": fired.label,
                                 "points": -30, "source": "", "pending": True}])
    for i in range(12):
        LedgerRow.objects.create(cadre=CadreFactory(unit=bureau), year=YEAR, unit=bureau,
                                 net=i - 6, positive=max(i - 6, 0), negative=min(i - 6, 0),
                                 tallied_at=now, entries=[])
    proposal = RuleProposal.objects.create(rule=fired, cadre=worst, year=YEAR)
    UserFactory(username="staff_inc", roles=[Role.STAFF], units=[district])
    return proposal


def _log_in(page):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "staff_inc")
    page.fill("#id_password", "pass-Word-123")
    page.click("button[type=submit]:has-text('登录')")
    expect(page.locator(".user-chip")).to_be_visible()


def test_ledger_journey_at_desktop_and_phone_width(browser_page):
    proposal = _ledger()
    page = browser_page
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    _log_in(page)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(page.base_url + "/incentives/")
        page.click("a:has-text('单位台账')")
        expect(page.locator("h1")).to_contain_text(f"鹤山市 {YEAR} 年度激励台账")
        expect(page.locator("#ledger-chart canvas")).to_have_count(1)
        expect(page.locator("#ledger-totals")).to_contain_text("干部人数14")
        assert page.evaluate(OVERFLOW) <= 0, width

        page.click("#ledger-rows a:has-text('罗志刚')")
        expect(page.locator("h1")).to_have_text("罗志刚的激励台账")
        why = page.locator(".ledger-why").first
        expect(why.locator(".why-body")).not_to_be_visible()
        why.locator("summary").click()
        expect(why.locator(".why-body")).to_contain_text("连续 3 个自然年度考核等次为“优秀”")
        expect(why.locator(".why-body")).to_contain_text("2023、2024、2025 年度优秀")
        assert page.evaluate(OVERFLOW) <= 0, width

        page.goto(page.base_url + f"/incentives/honor-board/?year={YEAR}&category=comprehensive")
        expect(page.locator("#honor-top")).to_contain_text("罗志刚")
        expect(page.locator("#honor-bottom")).to_contain_text("-6")
        assert page.evaluate(OVERFLOW) <= 0, width
        page.click("#honor-top a:has-text('罗志刚')")
        expect(page.locator(f"#year-{YEAR}")).to_be_visible()

        page.goto(page.base_url + f"/incentives/ledger/cadre/{proposal.cadre_id}/")
        expect(page.locator(".ledger-why.is-pending")).to_contain_text("待确认")
        assert page.evaluate(OVERFLOW) <= 0, width

    page.goto(page.base_url + "/incentives/proposals/")
    assert page.evaluate(OVERFLOW) <= 0
    card = page.locator(f"#proposal-{proposal.pk}")
    card.locator("button:has-text('不予采纳')").click()
    expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text("请填写不予采纳的理由")
    page.locator(f"#proposal-{proposal.pk} button:has-text('确认')").click()
    expect(page.locator(".messages")).to_contain_text("已确认：陈建国")
    assert page.evaluate(OVERFLOW) <= 0
    proposal.refresh_from_db()
    assert proposal.state == "confirmed"
    assert not [p for p in problems if "400" not in p], problems
