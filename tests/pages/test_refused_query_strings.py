"""Every list page refuses a bad query string with a 400 that names the field, and shows no list."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/extensions/?plan=KHONG-CO", "Kế hoạch"),
        ("/explanations/?plan=KHONG-CO", "Kế hoạch"),
        ("/obstacles/?plan=KHONG-CO", "Kế hoạch"),
        ("/reports/?year=x", "Năm"),
    ],
)
def test_a_bad_filter_is_named_above_an_empty_page(client, staff, path, field):
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Không hiển thị được danh sách vì tham số không hợp lệ:" in page
    assert f"<li>{field}: " in page
