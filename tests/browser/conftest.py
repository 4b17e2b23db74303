"""A real browser: Debian's chromium, driven headless by Playwright, against pytest-django's
live server. On a machine without chromium the browser tests are skipped with a message,
except where TRACKER_REQUIRE_BROWSER is set (CI), where that is a failure."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser(live_server, monkeypatch):
    """Chromium for one test, started after the test database and the live server exist.
    Playwright's sync API runs an event loop in the test's thread while it is open; the ORM
    calls the test makes there are still plain synchronous ones."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium): the browser tests cannot run."
        if os.environ.get("TRACKER_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages of their own for each person in a test (a browser context each: own cookies)."""
    contexts = []

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def log_in(page, username, password="mat-khau-thu-nghiem"):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
