"""换届后评估 and 一线考察 in a real browser on the demo data, at 390 and 1366 px: staff_jinan
opens Jinan's round, sees 张鲁宁 and 包昆 on the confirmed 出彩型 list and on the reserve list;
the administrator opens Zhangdian's project, sees its overdue cadences and records one. No
page scrolls sideways."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cadres.demo import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def _log_in(page, username):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    expect(page.locator(".user-chip")).to_be_visible()


def _fits(page):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(OVERFLOW) <= 0, (page.url, width)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_evaluation_and_frontline_journey(browser_page, demo):
    page = browser_page
    _log_in(page, "staff_jinan")
    page.goto(page.base_url + "/assessments/evaluations/")
    _fits(page)
    page.click("main a:has-text('济南市2025年换届后评估')")
    expect(page.locator("#shortlist")).to_contain_text("张鲁宁")
    expect(page.locator("#shortlist")).to_contain_text("包昆")
    _fits(page)
    page.goto(page.base_url + "/assessments/reserve-list/")
    expect(page.locator("#reserve-table")).to_contain_text("张鲁宁")
    _fits(page)

    page.context.clear_cookies()
    _log_in(page, "admin")
    page.goto(page.base_url + "/assessments/frontline/")
    _fits(page)
    page.click("main a:has-text('张店区东部老工业区搬迁改造工程')")
    expect(page.locator("#overdue")).to_contain_text("月通报")
    _fits(page)
    page.set_viewport_size({"width": 390, "height": 900})
    page.select_option("#id_record-cadre", index=1)
    page.select_option("#id_record-cadence", "weekly")
    page.fill("#id_record-date", "2025-11-22")
    page.fill("#id_record-content", "补录周检查")
    page.click("#record-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("考察记录已保存")
    expect(page.locator("#records")).to_contain_text("补录周检查")
