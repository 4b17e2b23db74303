"""A real browser: Debian's chromium, driven headless by Playwright, against pytest-django's
live server. On a machine without chromium the browser tests are skipped with a message,
except where TRACKER_REQUIRE_BROWSER is set (CI), where that is a failure."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
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

    def new_page(viewport=None):
        viewport = viewport or {"width": 1280, "height": 900}
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport)
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


# axe-core's impacts we refuse: those that stop or seriously hinder someone using the page.
BLOCKING_IMPACTS = {"critical", "serious"}


def accessibility_violations(page) -> list[str]:
    """axe-core's critical and serious findings on the page as it is now, one line each.
    Of those it files as needing review, the ones it did measure count too: it files white
    text on no background ("1:1 contrast ratio") and an id that two labels point to there."""
    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    findings = [(finding, finding["nodes"]) for finding in results["violations"]]
    findings += [
        (finding, [n for n in finding["nodes"] if _measured(finding["id"], n)]) for finding in results["incomplete"]
    ]
    return [
        f"{finding['id']} ({finding['impact']}): {finding['help']} at "
        + ", ".join(" ".join(node["target"]) for node in nodes[:5])
        for finding, nodes in findings
        if nodes and finding["impact"] in BLOCKING_IMPACTS
    ]


def _measured(rule: str, node: dict) -> bool:
    """Whether a finding axe left for review is a failure it measured, not one it could not
    decide (a colour over an image, a lone symbol)."""
    if rule == "duplicate-id-aria":
        return True
    data = next(iter(node.get("any") or []), {}).get("data")
    if rule != "color-contrast" or not isinstance(data, dict) or not data.get("contrastRatio"):
        return False
    return data["contrastRatio"] < float(data["expectedContrastRatio"].split(":")[0])


def sideways_overflow(page) -> list[str]:
    """When the page scrolls sideways, the elements that stick out past the viewport's right
    edge; a table inside its own scrolling box (ours .table-wrap, the admin's .results) does
    not count."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll("body *")]
                .filter(el => !el.closest(".table-wrap, .results") && el.getBoundingClientRect().right > width + 1)
                .filter(el => getComputedStyle(el).visibility !== "hidden" && el.getClientRects().length)
                .slice(0, 8)
                .map(el => {
                    const classes = el.className ? "." + String(el.className).split(" ").join(".") : "";
                    const right = Math.round(el.getBoundingClientRect().right);
                    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} right=${right}`;
                });
        }"""
    )


def ambiguous_buttons(page) -> list[str]:
    """Buttons with the same name that submit different forms: someone hearing or tabbing
    through the page cannot tell which task each acts on."""
    return page.evaluate(
        r"""() => {
            const targets = {};
            for (const button of document.querySelectorAll("main button, main input[type=submit]")) {
                const text = button.textContent.replace(/\s+/g, " ");
                const name = (button.getAttribute("aria-label") || text || button.value || "").trim();
                const action = button.form ? button.form.action + (button.value || "") : "";
                (targets[name] ||= new Set()).add(action);
            }
            return Object.entries(targets).filter(([, actions]) => actions.size > 1).map(([name]) => name);
        }"""
    )
