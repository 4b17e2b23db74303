"""Vietnamese as people type it: composed or decomposed, with accents or without, in any case."""

import unicodedata

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Agency
from core.text import compose_stored, folded
from tasks_app.models import AssignmentRole, Comment, Task
from tasks_app.services import assignment_create
from tests.factories import AgencyFactory, TaskFactory

pytestmark = pytest.mark.django_db
SIGNATURES = "Triển khai chữ ký số cho người dân"
ID_CARDS = "Cấp căn cước cho công dân"


def decomposed(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def titled(agency, focal_point):
    """Two assignments of the agency: one on signatures (typed decomposed), one on ID cards."""
    found = []
    for title in (SIGNATURES, ID_CARDS):
        task = TaskFactory(title=title)
        found.append(assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD, owner=focal_point))
    # Stored as an older import could have stored it, bypassing every input.
    Task.objects.filter(pk=found[0].task_id).update(title=decomposed(SIGNATURES))
    return found


def test_folding_drops_accents_and_case_and_reads_d_stroke_as_d():
    assert folded("Chữ Ký Số") == "chu ky so"
    assert folded(decomposed("Chữ Ký Số")) == "chu ky so"
    assert folded("Đề án 06") == "de an 06"


@pytest.mark.parametrize("search", ["chữ ký số", "chu ky so", "CHỮ KÝ SỐ", "Chu Ky So", decomposed("chữ ký số"), "ký"])
def test_the_api_search_finds_a_title_with_or_without_accents_and_in_any_case(staff, titled, search):
    response = api_client(staff).get("/api/v1/assignments/", {"q": search})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [titled[0].pk]


def test_a_search_for_a_like_wildcard_finds_only_that_character(staff, titled):
    Task.objects.filter(pk=titled[1].task_id).update(title="Đạt 100% dịch vụ công")

    assert api_client(staff).get("/api/v1/assignments/", {"q": "%"}).json()["count"] == 1
    assert api_client(staff).get("/api/v1/assignments/", {"q": "_"}).json()["count"] == 0


def test_the_focal_points_page_searches_without_accents(client, focal_point, titled):
    client.force_login(focal_point)

    page = client.get(reverse("my_assignments"), {"q": "can cuoc"})

    assert [card.pk for card in page.context["page"].object_list] == [titled[1].pk]


def test_the_admin_searches_without_accents(admin_client, titled):
    AgencyFactory(code="HN-X", name="Thành phố Hà Nội (thử)")

    tasks = admin_client.get(reverse("admin:tasks_app_task_changelist"), {"q": "chu ky"})
    agencies = admin_client.get(reverse("admin:agencies_agency_changelist"), {"q": "ha noi"})

    assert [task.pk for task in tasks.context["cl"].result_list] == [titled[0].task_id]
    assert [agency.code for agency in agencies.context["cl"].result_list] == ["HN-X"]


def test_text_typed_decomposed_into_the_api_is_stored_composed(focal_point, assignment):
    response = api_client(focal_point).post(
        f"/api/v1/assignments/{assignment.pk}/comments/", {"text": decomposed("Đã có chữ ký số")}, format="json"
    )

    assert response.status_code == 201
    assert Comment.objects.get().text == "Đã có chữ ký số"
    assert unicodedata.is_normalized("NFC", Comment.objects.get().text)


def test_text_typed_decomposed_into_a_page_is_stored_composed(client, focal_point, assignment):
    client.force_login(focal_point)

    client.post(reverse("assignment_detail_act", args=[assignment.pk, "comment"]), {"text": decomposed("Xin hỏi mẫu")})

    assert Comment.objects.get().text == "Xin hỏi mẫu"


def test_a_search_typed_decomposed_matches_a_composed_title_in_the_admin(admin_client, titled):
    response = admin_client.get(reverse("admin:tasks_app_task_changelist"), {"q": decomposed("Căn cước")})

    assert [task.pk for task in response.context["cl"].result_list] == [titled[1].task_id]


def test_the_data_migration_step_composes_what_was_stored_and_touches_nothing_else(titled):
    AgencyFactory(code="NFD", name=decomposed("Sở Thông tin và Truyền thông"))
    untouched = Task.objects.get(pk=titled[1].task_id)

    assert compose_stored(Task, ["title", "group", "expected_product"]) == 1
    assert compose_stored(Agency, ["name", "short_name"]) == 1

    assert Task.objects.get(pk=titled[0].task_id).title == SIGNATURES
    assert Agency.objects.get(code="NFD").name == "Sở Thông tin và Truyền thông"
    assert Task.objects.get(pk=untouched.pk).title == untouched.title
