"""Importing a plan's tasks from its Excel appendix: the service, the sample files, the admin page."""

import importlib.util
import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from agencies.models import COMMITTEE_STAFF_GROUP, Agency, AgencyKind
from core.errors import InvalidInput
from tasks_app.counts import counts_recount, counts_stored
from tasks_app.models import Assignment, AssignmentRole, EventKind, StatusEvent, Task
from tasks_app.plan_import import RowError, plan_import, task_create
from tests.conftest import committee_staff
from tests.factories import PlanFactory, TaskFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GOOD_SAMPLE = FIXTURES / "samples" / "ke-hoach-mau.xlsx"
BAD_SAMPLE = FIXTURES / "samples" / "ke-hoach-loi.xlsx"
HEADERS = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]


@pytest.fixture(scope="module")
def agencies(django_db_setup, django_db_blocker):
    """The real agency list, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "agencies", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agencies")]


@pytest.fixture
def plan(db):
    return PlanFactory(code="KH-BS-2024", title="Kế hoạch bổ sung năm 2024")


def sample(path: Path) -> io.BytesIO:
    return io.BytesIO(path.read_bytes())


def xlsx(rows, headers=HEADERS, above=()) -> io.BytesIO:
    """A small appendix: optional lines above the header row, the header row, the rows."""
    workbook = Workbook()
    sheet = workbook.active
    for line in [*above, headers, *rows]:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def task_agencies(plan, number, role) -> set[str]:
    return set(
        Assignment.objects.filter(task__plan=plan, task__number=number, role=role).values_list(
            "agency__code", flat=True
        )
    )


def active_province_codes() -> set[str]:
    return set(Agency.objects.filter(kind=AgencyKind.PROVINCE, is_active=True).values_list("code", flat=True))


# The good sample


def test_the_good_sample_creates_its_8_tasks_and_82_assignments(plan, staff):
    with CaptureQueriesContext(connection) as queries:
        result = plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    assert result.errors == []
    assert (result.tasks_created, result.assignments_created) == (8, 82)
    assert sorted(plan.tasks.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert Assignment.objects.filter(task__plan=plan).count() == 82
    # Today's counts of all 82, in one statement.
    assert counts_stored() == counts_recount()
    assert len([q for q in queries if "tasks_app_assignmentcount" in q["sql"]]) == 1


def test_a_task_gets_its_fields_lead_and_supports(plan, staff):
    plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    task = plan.tasks.get(number=1)
    assert task.title.startswith("[Minh họa] Làm sạch thông tin thuê bao di động")
    assert task.group == "Nhóm hoàn thiện hệ sinh thái phục vụ kết nối, khai thác, bổ sung làm giàu dữ liệu dân cư"
    assert task.expected_product == "Báo cáo kết quả làm sạch dữ liệu thuê bao"
    assert task.due_on == date(2024, 9, 30)
    assert not task.is_illustrative
    assert task_agencies(plan, 1, AssignmentRole.LEAD) == {"BCA"}
    assert task_agencies(plan, 1, AssignmentRole.SUPPORT) == {"BTTTT", "VIETTEL", "VNPT", "MOBIFONE"}
    assert set(task.assignments.values_list("due_on", flat=True)) == {date(2024, 9, 30)}


def test_agencies_are_found_by_code_short_name_and_a_name_holding_a_comma(plan, staff):
    plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    assert task_agencies(plan, 2, AssignmentRole.LEAD) == {"BHXH"}
    assert task_agencies(plan, 2, AssignmentRole.SUPPORT) == {"BYT", "BCA"}
    assert task_agencies(plan, 5, AssignmentRole.SUPPORT) == {"NHNN", "VNPOST"}
    assert task_agencies(plan, 7, AssignmentRole.LEAD) == {"BVHTTDL"}


def test_ubnd_cac_tinh_gives_one_lead_to_each_active_province(plan, staff):
    closed = Agency.objects.get(code="01")
    closed.is_active = False
    closed.save()

    result = plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    leads = task_agencies(plan, 3, AssignmentRole.LEAD)
    assert len(leads) == 62
    assert leads == active_province_codes()
    assert "01" not in leads
    assert result.assignments_created == 81


def test_thuong_xuyen_means_no_deadline(plan, staff):
    plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    task = plan.tasks.get(number=4)
    assert task.due_on is None
    assert list(task.assignments.values_list("agency__code", "due_on")) == [("VPCP", None)]


def test_each_assignment_gets_its_created_event_by_the_importer(plan, staff):
    plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    events = StatusEvent.objects.filter(assignment__task__plan=plan)
    assert events.count() == 82
    assert set(events.values_list("kind", "actor")) == {(EventKind.CREATED, staff.pk)}
    assert not Assignment.objects.filter(task__plan=plan).exclude(events__kind=EventKind.CREATED).exists()


def test_the_tasks_change_history_names_the_importer(plan, staff):
    plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    assert set(Task.history.filter(plan_id=plan.pk).values_list("history_type", "history_user")) == {("+", staff.pk)}


def test_checking_the_rows_reads_agencies_and_numbers_once(plan, staff, django_assert_max_num_queries):
    # Checking every row costs the same few queries however long the file: the plan's lock,
    # the agencies, the plan's numbers (and the savepoint around them); writing comes after.
    with django_assert_max_num_queries(5):
        result = plan_import(plan=plan, file=sample(BAD_SAMPLE), actor=staff)
    assert result.errors


# The bad sample and other refusals


def test_the_bad_sample_imports_nothing_and_names_each_bad_row(plan, staff):
    tasks, assignments, events = Task.objects.count(), Assignment.objects.count(), StatusEvent.objects.count()

    result = plan_import(plan=plan, file=sample(BAD_SAMPLE), actor=staff)

    assert (result.tasks_created, result.assignments_created) == (0, 0)
    assert (Task.objects.count(), Assignment.objects.count(), StatusEvent.objects.count()) == (
        tasks,
        assignments,
        events,
    )
    # The header is on row 4; rows 5 and 16 are good.
    assert {error.row: error.messages for error in result.errors} == {
        6: ["Thiếu số thứ tự (cột “TT”)."],
        7: ["Số thứ tự “3a” không phải số nguyên dương."],
        8: ["Số thứ tự 1 trùng với dòng 5."],
        9: ["Thiếu tên nhiệm vụ."],
        10: ["Thiếu cơ quan chủ trì."],
        11: ["Không tìm thấy cơ quan chủ trì “Bộ Hạ tầng số” trong danh mục cơ quan đang hoạt động."],
        12: ["Không tìm thấy cơ quan phối hợp “Sở Thử nghiệm” trong danh mục cơ quan đang hoạt động."],
        13: ["“Bộ Công an” vừa là cơ quan chủ trì vừa là cơ quan phối hợp."],
        14: ["Thời hạn “31/02/2024” không hợp lệ: ghi ngày dd/mm/yyyy, hoặc “Thường xuyên”."],
        15: ["Thiếu thời hạn: ghi ngày dd/mm/yyyy, hoặc “Thường xuyên” nếu không có thời hạn."],
    }


def test_a_number_already_in_the_plan_is_refused(plan, staff):
    TaskFactory(plan=plan, number=3)

    result = plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff)

    assert result.errors == [RowError(row=7, messages=["Kế hoạch đã có nhiệm vụ số 3."])]
    assert plan.tasks.count() == 1
    assert not Assignment.objects.filter(task__plan=plan).exists()


def test_the_same_number_in_another_plan_is_no_conflict(plan, staff):
    TaskFactory(plan=PlanFactory(), number=3)

    assert plan_import(plan=plan, file=sample(GOOD_SAMPLE), actor=staff).tasks_created == 8


def test_a_file_that_is_not_xlsx_is_refused_with_a_clear_message(plan, staff):
    with pytest.raises(InvalidInput, match=r"không phải bảng tính Excel \.xlsx"):
        plan_import(plan=plan, file=io.BytesIO("TT;Nhiệm vụ\n1;Việc".encode()), actor=staff)
    assert not plan.tasks.exists()


def test_a_missing_required_column_refuses_the_file_and_names_it(plan, staff):
    file = xlsx([[1, "Việc", date(2024, 9, 30)]], headers=["TT", "Nhiệm vụ", "Thời hạn"])

    with pytest.raises(InvalidInput, match="Thiếu cột “Cơ quan chủ trì” trong dòng tiêu đề"):
        plan_import(plan=plan, file=file, actor=staff)


def test_a_file_without_a_header_row_in_its_first_10_rows_is_refused(plan, staff):
    file = xlsx([[1, "Việc", "BCA", "", "Thường xuyên"]], above=[["Phụ lục"]] * 10)

    with pytest.raises(InvalidInput, match="Không tìm thấy dòng tiêu đề"):
        plan_import(plan=plan, file=file, actor=staff)


def test_a_file_with_a_header_and_no_task_is_refused(plan, staff):
    with pytest.raises(InvalidInput, match="không có nhiệm vụ nào"):
        plan_import(plan=plan, file=xlsx([[None] * 5]), actor=staff)


def test_headers_and_agencies_match_whatever_the_case_spacing_and_accent_style(plan, staff):
    file = xlsx(
        [["12", "Việc thử", "  bộ công an ", "Uỷ ban Dân tộc,  bvhttdl", "  1/7/2024 "]],
        headers=["  tt ", "NHIỆM  VỤ", "Cơ quan\nchủ trì", "cơ quan phối hợp", "Thời hạn"],
    )

    result = plan_import(plan=plan, file=file, actor=staff)

    assert result.errors == []
    task = plan.tasks.get()
    assert (task.number, task.due_on) == (12, date(2024, 7, 1))
    assert task_agencies(plan, 12, AssignmentRole.LEAD) == {"BCA"}
    assert task_agencies(plan, 12, AssignmentRole.SUPPORT) == {"UBDT", "BVHTTDL"}


def test_an_inactive_agency_is_not_found(plan, staff):
    closed = Agency.objects.get(code="BTTTT")
    closed.is_active = False
    closed.save()

    result = plan_import(plan=plan, file=xlsx([[1, "Việc", "BTTTT", "", "Thường xuyên"]]), actor=staff)

    assert result.errors == [
        RowError(row=2, messages=["Không tìm thấy cơ quan chủ trì “BTTTT” trong danh mục cơ quan đang hoạt động."])
    ]


def test_two_lead_agencies_are_refused(plan, staff):
    result = plan_import(plan=plan, file=xlsx([[1, "Việc", "BCA, BYT", "", "Thường xuyên"]]), actor=staff)

    assert result.errors == [
        RowError(row=2, messages=["Chỉ ghi một cơ quan chủ trì; các cơ quan khác ghi vào cột “Cơ quan phối hợp”."])
    ]


def test_a_province_cannot_support_a_task_led_by_every_province(plan, staff):
    file = xlsx([[1, "Việc", "UBND các tỉnh, thành phố trực thuộc Trung ương", "Hà Nội", "Thường xuyên"]])

    result = plan_import(plan=plan, file=file, actor=staff)

    assert result.errors == [RowError(row=2, messages=["“Hà Nội” vừa là cơ quan chủ trì vừa là cơ quan phối hợp."])]


def test_task_create_refuses_a_number_the_plan_already_has(plan, staff):
    TaskFactory(plan=plan, number=1)

    with pytest.raises(InvalidInput, match="Kế hoạch đã có nhiệm vụ số 1"):
        task_create(plan=plan, number=1, title="Việc", actor=staff)


def test_the_committed_samples_are_what_the_script_writes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("samples", FIXTURES / "samples.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUTPUT", tmp_path)

    script.main()

    for path in (GOOD_SAMPLE, BAD_SAMPLE):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


# The admin page


@pytest.fixture
def staff_without_import(db):
    """Committee staff who see and edit plans in the admin, in a setup where their group may
    not import them (it may by default)."""
    user = committee_staff("staff.admin")
    user.is_staff = True
    user.save()
    group = Group.objects.get(name=COMMITTEE_STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(codename__in=["view_plan", "change_plan"]))
    group.permissions.remove(Permission.objects.get(codename="import_plan"))
    return user


def import_url(plan):
    return reverse("admin:tasks_app_plan_import", args=[plan.pk])


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/octet-stream")


def test_the_import_page_renders_for_an_administrator(admin_client, plan):
    response = admin_client.get(import_url(plan))

    assert response.status_code == 200
    assert 'type="file"' in response.text
    assert "Nhập nhiệm vụ từ Excel" in response.text


def test_the_plan_page_links_to_the_import_for_an_administrator(admin_client, plan):
    response = admin_client.get(reverse("admin:tasks_app_plan_change", args=[plan.pk]))

    assert response.status_code == 200
    assert import_url(plan) in response.text


def test_posting_the_good_sample_imports_it_and_returns_to_the_plan(admin_client, admin_user, plan):
    response = admin_client.post(import_url(plan), {"file": upload(GOOD_SAMPLE)}, follow=True)

    assert response.redirect_chain == [(reverse("admin:tasks_app_plan_change", args=[plan.pk]), 302)]
    assert "Đã nhập 8 nhiệm vụ, 82 phân công." in response.text
    assert plan.tasks.count() == 8
    assert set(StatusEvent.objects.filter(assignment__task__plan=plan).values_list("actor", flat=True)) == {
        admin_user.pk
    }


def test_posting_the_bad_sample_lists_the_bad_rows_and_imports_nothing(admin_client, plan):
    response = admin_client.post(import_url(plan), {"file": upload(BAD_SAMPLE)})

    assert response.status_code == 200
    assert "chưa nhập nhiệm vụ nào" in response.text
    for row in range(6, 16):
        assert f"<td>{row}</td>" in response.text
    assert "<td>5</td>" not in response.text
    assert "Số thứ tự 1 trùng với dòng 5." in response.text
    assert not plan.tasks.exists()


def test_posting_a_file_that_is_not_xlsx_shows_why(admin_client, plan):
    file = SimpleUploadedFile("ke-hoach.xlsx", b"not a workbook")

    response = admin_client.post(import_url(plan), {"file": file})

    assert response.status_code == 200
    assert "không phải bảng tính Excel .xlsx" in response.text
    assert not plan.tasks.exists()


def test_a_libreoffice_file_is_refused_in_vietnamese_saying_how_to_save_it(admin_client, plan):
    file = SimpleUploadedFile("ke-hoach.ods", b"PK\x03\x04 an OpenDocument spreadsheet")

    response = admin_client.post(import_url(plan), {"file": file})

    assert response.status_code == 200
    assert "không nhận tệp “.ods”" in response.text
    assert "lưu lại dưới dạng .xlsx" in response.text
    assert not plan.tasks.exists()


def test_staff_without_the_import_permission_are_refused(client, staff_without_import, plan):
    client.force_login(staff_without_import)

    assert client.get(import_url(plan)).status_code == 403
    assert client.post(import_url(plan), {"file": upload(GOOD_SAMPLE)}).status_code == 403
    assert not plan.tasks.exists()


def test_staff_without_the_import_permission_see_no_import_link(client, staff_without_import, plan):
    client.force_login(staff_without_import)

    response = client.get(reverse("admin:tasks_app_plan_change", args=[plan.pk]))

    assert response.status_code == 200
    assert import_url(plan) not in response.text


def test_staff_given_the_import_permission_may_import(client, staff_without_import, plan):
    staff_without_import.user_permissions.add(Permission.objects.get(codename="import_plan"))
    client.force_login(staff_without_import)

    response = client.post(import_url(plan), {"file": upload(GOOD_SAMPLE)})

    assert response.status_code == 302
    assert plan.tasks.count() == 8
