"""The Content-Security-Policy in a real browser: every kind of page works under it, nothing
is refused by it and nothing is fetched from another origin (the tracker runs on closed
networks)."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_pages import PASSWORD, with_password
from tests.conftest import committee_staff, transactional

pytestmark = transactional

# Collects what the browser reports, from before any script of the page runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def watched_page(new_page, live_server):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    origin = urlsplit(live_server.url).netloc
    page.elsewhere = []
    page.on(
        "request", lambda request: urlsplit(request.url).netloc in ("", origin) or page.elsewhere.append(request.url)
    )
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


def test_pages_admin_and_api_docs_work_under_the_policy_and_load_nothing_from_elsewhere(watched_page, assignment):
    staff = with_password(committee_staff("staff"))
    staff.is_staff = True
    staff.save()
    page = watched_page
    log_in(page, "staff", PASSWORD)

    for path in ["/", "/my/", "/notifications/", "/admin/", f"/admin/tasks_app/assignment/{assignment.pk}/change/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert violations(page) == [], path

    page.goto("/api/docs/")
    page.get_by_text("/api/v1/assignments/").first.wait_for()
    assert violations(page) == []

    page.goto("/api/redoc/")
    page.get_by_role("heading", name="Tracker 06 API").first.wait_for()
    # ReDoc's own "by Redocly" logo points at its CDN: the policy refuses it, so nothing leaves.
    assert set(violations(page)) <= {f"img-src {REDOCLY_LOGO}"}

    assert set(page.elsewhere) <= {REDOCLY_LOGO}


def test_the_language_choice_still_submits_itself_without_inline_script(watched_page):
    with_password(committee_staff("staff"))
    page = watched_page
    log_in(page, "staff", PASSWORD)

    page.get_by_label("Ngôn ngữ").select_option("en")

    page.get_by_role("link", name="My tasks").wait_for()
    assert violations(page) == []
