"""In a real browser, at 1366 and at 390 px: choose a unit and a year, open its annual grid,
set grades and watch the 优秀 counter move against the cap, write the 评语 of a 不定等次, save
all at once and see the saved grades; then the grade distribution chart draws (ECharts) with
no CSP violation and no script error."""

import pytest
from playwright.sync_api import expect

from assessments.models import AnnualAssessment
from core.models import Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Word-123"
YEAR = 2025
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


@pytest.fixture
def world():
    city = UnitFactory(name="济南市", code="JN", kind="party_committee")
    district = UnitFactory(name="历下区", code="JN-LX", parent=city, kind="party_committee")
    street = UnitFactory(name="解放路街道", code="JN-LX-JFL", parent=district, kind="subdistrict")
    UserFactory(username="staff_grid", roles=[Role.STAFF], units=[district])
    # Eight cadres: the cap is floor(15% × 8) = 1.
    names = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八"]
    cadres = [CadreFactory(unit=street, name=name, position_title="科员") for name in names]
    return {"street": street, "cadres": {c.name: c for c in cadres}}


def _watch(page):
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _log_in(page):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "staff_grid")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator(".user-chip")).to_be_visible()


def _row(page, cadre):
    return page.locator(f"#cadre-{cadre.pk}")


@pytest.mark.parametrize("width", [1366, 390])
def test_grade_a_unit_in_the_grid_watch_the_counter_and_save(browser_page, world, width):
    page, cadres = browser_page, world["cadres"]
    page.set_viewport_size({"width": width, "height": 900})
    problems = _watch(page)
    _log_in(page)

    page.goto(page.base_url + "/assessments/annual/")
    page.click("a:has-text('录入考核等次')")
    page.fill("#id_unit", "解放")
    option = page.locator(".autocomplete-option", has_text="解放路街道")
    option.click()
    page.fill("#id_year", str(YEAR))
    page.select_option("#id_kind", "annual")
    page.click("button:has-text('打开录入表')")
    expect(page).to_have_url(page.base_url + f"/assessments/annual/{world['street'].pk}/{YEAR}/")
    expect(page.locator("h1")).to_contain_text("解放路街道")

    counter = page.locator("[data-grade-counter]")
    expect(counter.locator("[data-counter-value]")).to_have_text("0")
    _row(page, cadres["甲一"]).locator("select").select_option("excellent")
    expect(counter.locator("[data-counter-value]")).to_have_text("1")
    expect(counter).not_to_have_class("grid-counter is-over")
    _row(page, cadres["乙二"]).locator("select").select_option("excellent")
    expect(counter.locator("[data-counter-value]")).to_have_text("2")
    expect(counter.locator(".grid-counter-over")).to_be_visible()
    _row(page, cadres["乙二"]).locator("select").select_option("competent")
    expect(counter.locator("[data-counter-value]")).to_have_text("1")
    expect(counter.locator(".grid-counter-over")).to_be_hidden()

    comment = _row(page, cadres["丙三"]).locator("textarea")
    expect(comment).to_be_hidden()
    _row(page, cadres["丙三"]).locator("select").select_option("not_graded")
    expect(comment).to_be_visible()
    comment.fill("处分影响期内，只写评语。")
    for name in ("丁四", "戊五", "己六", "庚七", "辛八"):
        _row(page, cadres[name]).locator("select").select_option("competent")
    assert page.evaluate(OVERFLOW) <= 0

    page.locator("button:has-text('保存全部')").first.click()
    expect(page.locator(".alert-success")).to_contain_text("新录入 8 人")
    expect(_row(page, cadres["甲一"]).locator("select")).to_have_value("excellent")
    expect(_row(page, cadres["丙三"]).locator("select")).to_have_value("not_graded")
    expect(_row(page, cadres["丙三"]).locator("textarea")).to_have_value("处分影响期内，只写评语。")
    expect(counter.locator("[data-counter-value]")).to_have_text("1")
    saved = dict(AnnualAssessment.objects.values_list("cadre__name", "grade"))
    assert saved["甲一"] == "excellent" and saved["乙二"] == "competent" and len(saved) == 8

    page.click("a:has-text('等次分布')")
    expect(page.locator("#grade-chart canvas")).to_have_count(1)
    expect(page.locator(".grade-counts")).to_contain_text("优秀")
    assert page.evaluate(OVERFLOW) <= 0
    assert not problems, problems
