"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium or nothing. Without it the tests skip,
except under CI=true, where a missing browser fails the run."""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def browser_page(request, live_server, monkeypatch):
    """A fresh page in headless Chromium; a screenshot goes to test-artifacts/ when the test fails."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: install Debian's chromium package (make sysdeps)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test still reads the
    # database here to check what was (not) saved, which Django otherwise refuses.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.base_url = live_server.url
        try:
            yield page
        finally:
            call = getattr(request.node, "rep_call", None)
            if call is not None and call.failed:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            context.close()
            browser.close()
            # Under Playwright the ORM calls in the test get their own connection (another
            # context); close it here, or PostgreSQL cannot drop the test database at the end.
            connections.close_all()
