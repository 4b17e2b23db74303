"""The API tokens page in a real browser: reached from the header, a token revoked with its button."""

from knox.models import AuthToken

from tests.browser.conftest import log_in
from tests.conftest import transactional
from tests.factories import UserFactory

pytestmark = transactional
PASSWORD = "mat-khau-thu-nghiem"


def test_a_user_revokes_a_token_from_the_tokens_page(new_page):
    user = UserFactory(username="pham.d")
    user.set_password(PASSWORD)
    user.save()
    _, key = AuthToken.objects.create(user=user)
    page = new_page()
    log_in(page, "pham.d", PASSWORD)

    page.get_by_role("link", name="Mã truy cập API").click()
    page.wait_for_url("**/accounts/tokens/")
    assert key not in page.content()
    page.get_by_role("button", name="Thu hồi mã cấp lúc").click()
    page.wait_for_url("**/accounts/tokens/")

    assert page.get_by_text("Đã thu hồi mã truy cập API.").is_visible()
    assert page.get_by_text("Không có mã nào còn hiệu lực.").is_visible()
    assert not AuthToken.objects.filter(user=user).exists()
