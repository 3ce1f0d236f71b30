"""In English at 390 px, the label/value lists (.facts) keep their words whole: found in a
browser, a job's kind read "Import annual assessment r / esults" because the values broke
anywhere (word-break: break-all, meant for codes and hashes)."""

import pytest
from playwright.sync_api import expect

from assessments.services.annual_excel import JOB_KIND
from core.models import Job, Role
from tests.factories import UnitFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every English word of two letters or more in a .facts value, whose text sits on more than
# one line: a word broken in two.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const dd of document.querySelectorAll('.facts dd')) {
    const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[A-Za-z]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_in_english_at_phone_width_a_job_page_keeps_its_words_whole(browser_page):
    user = UserFactory(username="staff_en", roles=[Role.STAFF], units=[UnitFactory()])
    job = Job.objects.create(kind=JOB_KIND, state=Job.State.DONE, progress=1.0, created_by=user,
                             result={"created": 2, "updated": 0, "unchanged": 0})
    page = browser_page
    page.goto(page.base_url + "/login/")
    page.click(".lang-switch button[value=en]")
    page.fill("#id_username", "staff_en")
    page.fill("#id_password", "pass-Word-123")
    page.click("form button.btn-primary[type=submit]")
    expect(page.locator(".user-chip")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base_url + f"/jobs/{job.pk}/")
    expect(page.locator(".facts")).to_contain_text("Import annual assessment results")
    expect(page.locator(".job-result")).to_contain_text("2 added")
    assert page.evaluate(BROKEN_WORDS) == []
