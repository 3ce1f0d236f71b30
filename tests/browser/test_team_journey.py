"""班子考核 in a real browser at 390 px: staff enter a grade, read the category's ranking with the
末位 measure, refuse a dismissal without a reason, then confirm the proposal; nothing makes the
page scroll sideways."""

import pytest
from playwright.sync_api import expect

from assessments.models import TeamMeasureProposal
from core.models import Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_team_journey_at_phone_width(browser_page):
    district = UnitFactory(name="鹤山市", kind="party_committee", category="")
    towns = [UnitFactory(name=name, parent=district, kind="town", category="key_development")
             for name in ("桃源镇", "鹤城镇", "址山镇")]
    CadreFactory(unit=towns[2], name="罗志刚", position_title="址山镇党委书记", post_level="section_chief")
    UserFactory(username="staff_team", roles=[Role.STAFF], units=[district])
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "staff_team")
    page.fill("#id_password", "pass-Word-123")
    page.click("button[type=submit]:has-text('登录')")
    expect(page.locator(".user-chip")).to_be_visible()
    for town, grade, score in zip(towns, ("好", "较好", "差"), ("95", "85", "40"), strict=True):
        page.goto(page.base_url + f"/assessments/team/new/?unit={town.pk}&year=2025")
        page.get_by_label(grade, exact=True).check()
        page.fill("#id_score", score)
        page.click("#team-form button[type=submit]")
        expect(page.locator("h1")).to_have_text("班子年度考核排名")
    assert page.evaluate(OVERFLOW) <= 0
    expect(page.locator(".team-ranking")).to_contain_text("谈话提醒")
    page.goto(page.base_url + "/assessments/team/proposals/")
    assert page.evaluate(OVERFLOW) <= 0
    card = page.locator(".team-proposals section").first
    expect(card).to_contain_text("罗志刚")
    card.locator("button:has-text('不予采纳')").click()
    expect(page.locator(".team-proposals")).to_contain_text("请填写不予采纳的理由")
    page.locator(".team-proposals section").first.locator("button:has-text('确认')").click()
    expect(page.locator("body")).to_contain_text("已确认")
    assert TeamMeasureProposal.objects.get().status == "confirmed"
