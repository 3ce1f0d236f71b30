"""民主测评 from a voter's phone: the public ballot page needs no account, fits 390 px, refuses a
half-filled ballot in Chinese, takes the full one once, and the same code then gets the one
answer an unknown code gets."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import AppraisalRound
from assessments.services.appraisal import appraisal_open
from core.models import Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_a_voter_casts_one_ballot_from_a_phone(browser_page):
    unit = UnitFactory(name="鹤城镇", kind="town")
    for name in ("李文华", "陈志强", "黄丽萍"):
        CadreFactory(unit=unit, name=name)
    staff = UserFactory(roles=[Role.STAFF], units=[unit])
    opened = appraisal_open(actor=staff, unit=unit, year=2025, kind=AppraisalRound.Kind.ANNUAL,
                            closes_at=timezone.now() + dt.timedelta(days=1), voters=2)
    code = opened.codes[0]
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/ballot/{code}/")
    expect(page.locator("h1")).to_have_text("民主测评")
    assert page.evaluate(OVERFLOW) <= 0
    # Only the first cadre rated: refused, every missing rating named, nothing cast.
    page.locator(".ballot-item").first.get_by_text("好", exact=True).click()
    page.click(".ballot-submit")
    expect(page.locator(".ballot-item.has-error").first).to_be_visible()
    assert AppraisalRound.objects.get().ballots_cast == 0
    for item in page.locator(".ballot-item").all():
        item.get_by_text("较好", exact=True).click()
    page.click(".ballot-submit")
    expect(page.locator("body")).to_contain_text("感谢")
    assert page.evaluate(OVERFLOW) <= 0
    assert code not in page.url
    assert AppraisalRound.objects.get().ballots_cast == 1
    # The code is spent: the same answer as a code that never existed.
    page.goto(page.base_url + f"/ballot/{code}/")
    spent = page.locator("main, body").first.inner_text()
    page.goto(page.base_url + "/ballot/ABCDE-FGHJK/")
    assert page.locator("main, body").first.inner_text() == spent
