"""Two-factor sign-in in a real browser: committee staff set up an authenticator at their
first sign-in, with the code computed here as the phone would, and sign in with it next time."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import accessibility_violations, log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, transactional

pytestmark = transactional


@pytest.fixture
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def phone_code(key: str) -> str:
    return f"{TOTP(b32decode(key)).token():06d}"


@pytest.mark.usefixtures("enforced")
def test_staff_set_up_an_authenticator_at_first_sign_in_and_are_asked_for_its_code_next_time(new_page):
    with_password(committee_staff("staff.otp"))
    page = new_page()

    log_in(page, "staff.otp")
    page.goto("/review/")
    page.wait_for_url("**/accounts/two-factor/?next=%2Freview%2F")
    page.get_by_role("button", name="Bắt đầu thiết lập").click()
    assert page.locator(".qr svg").is_visible()
    assert accessibility_violations(page) == []
    key = page.locator("#totp-key").inner_text()
    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận và bật xác thực hai lớp").click()
    assert page.get_by_text("Mã không đúng hoặc đã hết hạn").first.is_visible()
    page.get_by_label("Mã xác thực").fill(phone_code(key))
    page.get_by_role("button", name="Xác nhận và bật xác thực hai lớp").click()
    assert page.locator(".backup-codes li").count() == 10
    backup = page.locator(".backup-codes li").first.inner_text()
    page.get_by_role("link", name="Tiếp tục").click()
    page.wait_for_url("**/review/")

    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, "staff.otp")
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("Mã xác thực").fill(backup)
    page.get_by_role("button", name="Xác thực").click()
    page.wait_for_url(lambda url: "two-factor" not in url)
    assert page.get_by_role("heading", level=1).is_visible()
