import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from agencies.models import Agency
from tasks_app.models import Status, Timeliness
from tests.conftest import committee_staff


def test_vietnamese_is_the_default_and_english_is_available():
    assert str(Status.IN_PROGRESS.label) == "Đang thực hiện"
    with translation.override("en"):
        assert str(Status.IN_PROGRESS.label) == "In progress"
        assert str(Timeliness.OVERDUE.label) == "Overdue (not done)"
        assert str(Agency._meta.verbose_name) == "agency"
        assert str(Agency._meta.verbose_name_plural) == "agencies"


def test_the_api_answers_in_the_language_asked_for(focal_point, assignment):
    client = APIClient()
    client.force_authenticate(focal_point)

    english = client.get(f"/api/v1/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    vietnamese = client.get(f"/api/v1/assignments/{assignment.pk}/").json()

    assert english["status_label"] == "Not started"
    assert vietnamese["status_label"] == "Chưa triển khai"


def test_a_refusal_is_explained_in_english_when_asked(staff, assignment):
    client = APIClient()
    client.force_authenticate(staff)

    response = client.post(
        f"/api/v1/assignments/{assignment.pk}/transition/",
        {"action": "cancel"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["note"] == ["A reason is required."]


def test_the_same_word_reads_right_in_each_place():
    from tasks_app.api.exports import ASSIGNMENT_COLUMNS
    from tasks_app.apps import TasksAppConfig

    with translation.override("en"):
        assert str(ASSIGNMENT_COLUMNS[2][0]) == "Task"
        assert str(TasksAppConfig.verbose_name) == "Tasks"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_language_menu_names_each_language_in_itself(client, language):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert '<option value="vi" lang="vi"' in page
    assert ">Tiếng Việt</option>" in page
    assert ">English</option>" in page
    assert "Tiếng Anh" not in page
    assert "Vietnamese" not in page


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        ("nhiều", "Hãy nhập một số nguyên."),
        ("150", "Giá trị phải nhỏ hơn hoặc bằng 100."),
        ("-5", "Giá trị phải lớn hơn hoặc bằng 0."),
    ],
)
def test_djangos_own_form_messages_read_as_natural_vietnamese(client, focal_point, assignment, progress, message):
    client.force_login(focal_point)

    page = client.post(
        reverse("assignment_detail_act", args=[assignment.pk, "progress"]), {"progress": progress, "note": ""}
    )

    assert page.status_code == 400
    assert message in page.content.decode()
    assert "tổng thể" not in page.content.decode()


def test_the_admin_reads_in_vietnamese_its_own_strings_and_other_apps_names_included(client, db):
    admin = committee_staff("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    html = client.get("/admin/tasks_app/assignment/").content.decode()

    for english in ("Skip to main content", "Toggle theme", "Show counts", ">Axes<", ">Knox<", "Auth tokens", "Access"):
        assert english not in html
    for vietnamese in ("Bỏ qua, tới nội dung chính", "Hiện số lượng", "Đăng nhập và khóa tài khoản", "Mã truy cập API"):
        assert vietnamese in html


@pytest.mark.django_db
def test_the_language_menu_on_a_refused_form_goes_back_to_the_page_it_was_sent_from(client, focal_point, assignment):
    client.force_login(focal_point)
    page_address = reverse("assignment_detail", args=[assignment.pk]) + "?tab=history"

    refused = client.post(
        reverse("assignment_detail_act", args=[assignment.pk, "progress"]),
        {"progress": "nhiều", "note": ""},
        HTTP_REFERER=f"http://testserver{page_address}",
    )
    chosen = client.post(reverse("set_language"), {"language": "en", "next": refused.context["language_next"]})

    assert refused.context["language_next"] == page_address
    assert chosen.status_code == 302
    assert chosen.url == page_address
    assert client.get(chosen.url).status_code == 200


@pytest.mark.django_db
def test_a_refused_form_sent_from_elsewhere_brings_the_menu_home(client, focal_point, assignment):
    client.force_login(focal_point)

    refused = client.post(
        reverse("assignment_detail_act", args=[assignment.pk, "progress"]),
        {"progress": "nhiều", "note": ""},
        HTTP_REFERER="https://evil.example/assignments/",
    )

    assert refused.context["language_next"] == "/"


@pytest.mark.django_db
def test_the_apis_own_messages_read_as_vietnamese(focal_point, assignment):
    anonymous = APIClient().get("/api/v1/assignments/")
    client = APIClient()
    client.force_authenticate(focal_point)
    missing = client.post(f"/api/v1/assignments/{assignment.pk}/transition/", {}, format="json")
    wrong_type = client.patch(f"/api/v1/assignments/{assignment.pk}/progress/", {"progress": "nhiều"}, format="json")

    assert anonymous.json()["detail"] == "Chưa đăng nhập: thiếu thông tin xác thực."
    assert missing.json()["action"] == ["Trường này là bắt buộc."]
    assert wrong_type.json()["progress"] == ["Cần một số nguyên hợp lệ."]
