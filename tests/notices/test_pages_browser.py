"""The notices' pages in a real browser at 1366 and 390 px: nothing scrolls sideways (the
list, a 任前公示's form with its cadre rows, a published notice with its SHA-256), the cadre
autocomplete fills a row, and publishing asks for the confirmation first."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from notices.models import Notice
from notices.services import notice_create, notice_publish
from tests.browser.conftest import browser_page  # noqa: F401 (headless Chromium, as there)

# serialized_rollback: the situation catalog (a data migration) survives the flush between tests.
pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's


@pytest.fixture
def notices(people, sources, tree):
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, 0, tzinfo=dt.UTC), tick=False):
        published = notice_publish(actor=people.staff, notice=notice_create(
            actor=people.staff, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=tree["district"],
            title="关于谢允崗等同志任前公示的公告", period_start=dt.date(2025, 10, 13),
            entries=[{"cadre": people.subject, "proposed_post": "历下区某局局长（正处级）",
                      "exceptional_reason": "任职年限破格", "note": "试用期一年"}]))
    draft = notice_create(actor=people.staff, kind=Notice.Kind.COMMENDATION,
                          issuing_unit=tree["district"], records=[sources["record"]])
    return {"published": published, "draft": draft}


def _log_in(page, username):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    expect(page.locator(".user-chip")).to_be_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_pages_fit_and_the_form_works(browser_page,  # noqa: F811
                                       notices, people, width):
    page = browser_page
    _log_in(page, people.staff.username)
    page.set_viewport_size({"width": width, "height": 900})
    paths = [reverse("notices:list"), reverse("notices:create", args=["pre_appointment"]),
             notices["published"].get_absolute_url(), notices["draft"].get_absolute_url(),
             reverse("notices:create", args=["commendation"])
             + f"?record={notices['draft'].records.get().pk}"]
    for path in paths:
        response = page.goto(page.base_url + path)
        assert response.status < 400, path
        assert page.evaluate(OVERFLOW) <= 0, (path, width, page.evaluate(OVERFLOW))

    # A 任前公示 from the form: the cadre chosen with the autocomplete.
    page.goto(page.base_url + reverse("notices:create", args=["pre_appointment"]))
    page.fill("#id_period_start", "2099-01-05")
    page.fill("#id_entries-0-cadre", "謝允")
    option = page.locator("[role=option]", has_text="謝允崗").first
    expect(option).to_be_visible()
    option.click()
    page.fill("#id_entries-0-proposed_post", "某局副局长")
    page.click("button[type=submit]:has-text('保存草稿')")
    expect(page.locator("h1")).to_contain_text("任前公示")
    assert page.evaluate(OVERFLOW) <= 0
    draft = Notice.objects.filter(state="draft", kind="pre_appointment").get()
    assert list(draft.entries.values_list("cadre__name", "proposed_post")) == [
        ("謝允崗", "某局副局长")]

    # 发布 without the tick is refused; nothing published.
    page.click("#notice-publish button[type=submit]")
    refusal = page.locator("#notice-publish .error, #notice-publish .alert-error").first
    expect(refusal).to_be_visible()
    draft.refresh_from_db()
    assert draft.state == "draft"
