from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import MembershipRole
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from tasks_app.models import AssignmentRole, EventKind, ExtensionStatus, Status
from tasks_app.services import (
    assignment_create,
    assignment_reassign,
    assignment_transition,
    assignment_update_progress,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import ProvinceFactory, TaskFactory


def event_count(assignment):
    return assignment.events.count()


class TestCreate:
    def test_a_task_has_one_lead_ministry(self, task, agency, other_agency):
        assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)

        with pytest.raises(InvalidInput):
            assignment_create(task=task, agency=other_agency, role=AssignmentRole.LEAD)
        assert task.assignments.count() == 1

    def test_a_task_given_to_provinces_has_one_lead_per_province(self, task, agency):
        for province in ProvinceFactory.create_batch(3):
            assignment_create(task=task, agency=province, role=AssignmentRole.LEAD)

        with pytest.raises(InvalidInput):
            assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)
        assert task.assignments.filter(role=AssignmentRole.LEAD).count() == 3

    def test_supporting_agencies_join_a_task_that_has_a_lead(self, task, agency, other_agency):
        assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)
        support = assignment_create(task=task, agency=other_agency, role=AssignmentRole.SUPPORT)

        assert support.events.get().kind == EventKind.CREATED

    def test_the_due_date_starts_as_the_tasks_deadline_and_is_remembered(self, assignment, task):
        assert assignment.due_on == assignment.original_due_on == task.due_on


class TestProgress:
    def test_a_focal_point_updates_progress(self, assignment, focal_point):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)

        updated = assignment_update_progress(assignment=assignment, progress=40, actor=focal_point, note="Xong bước 1")

        assert updated.progress == 40
        event = updated.events.first()
        assert (event.kind, event.before, event.after, event.note) == (EventKind.PROGRESS, "0", "40", "Xong bước 1")

    @pytest.mark.parametrize("progress", [-1, 101, "50", 12.5, None])
    def test_progress_outside_0_to_100_is_refused(self, assignment, focal_point, progress):
        with pytest.raises(InvalidInput) as refusal:
            assignment_update_progress(assignment=assignment, progress=progress, actor=focal_point)

        assert refusal.value.field == "progress"
        assignment.refresh_from_db()
        assert (assignment.progress, event_count(assignment)) == (0, 1)

    @pytest.mark.parametrize("actor", ["other_focal_point", "leader", "staff"])
    def test_only_the_agencys_focal_point_updates_progress(self, assignment, actor, request):
        with pytest.raises(ActionForbidden):
            assignment_update_progress(assignment=assignment, progress=10, actor=request.getfixturevalue(actor))
        assert event_count(assignment) == 1

    def test_work_not_started_is_started_before_its_progress_is_updated(self, assignment, focal_point):
        with pytest.raises(TransitionNotAllowed) as refusal:
            assignment_update_progress(assignment=assignment, progress=40, actor=focal_point)

        assert "Bắt đầu thực hiện" in refusal.value.message
        assignment.refresh_from_db()
        assert (assignment.status, assignment.progress, event_count(assignment)) == (Status.NOT_STARTED, 0, 1)

    def test_100_percent_is_reported_as_done_not_set_as_progress(self, assignment, focal_point):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)

        with pytest.raises(InvalidInput) as refusal:
            assignment_update_progress(assignment=assignment, progress=100, actor=focal_point)

        assert refusal.value.field == "progress"
        assignment.refresh_from_db()
        assert (assignment.status, assignment.progress) == (Status.IN_PROGRESS, 0)

    def test_progress_of_reported_work_is_frozen(self, assignment, focal_point):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

        with pytest.raises(TransitionNotAllowed):
            assignment_update_progress(assignment=assignment, progress=10, actor=focal_point)


class TestReassign:
    def test_staff_move_work_to_another_agency_and_its_focal_point(
        self, assignment, staff, other_agency, other_focal_point
    ):
        moved = assignment_reassign(
            assignment=assignment, actor=staff, agency=other_agency, owner=other_focal_point, reason="Điều chỉnh"
        )

        moved.refresh_from_db()
        assert (moved.agency, moved.owner) == (other_agency, other_focal_point)
        agency_event, owner_event = moved.events.filter(kind__in=[EventKind.AGENCY, EventKind.OWNER]).order_by("id")
        assert (agency_event.before, agency_event.after, agency_event.note) == ("BCA-TEST", "BYT-TEST", "Điều chỉnh")
        assert (owner_event.before, owner_event.after) == ("focal", "other.focal")

    def test_moving_to_another_agency_without_a_new_owner_leaves_it_unowned(self, assignment, staff, other_agency):
        moved = assignment_reassign(assignment=assignment, actor=staff, agency=other_agency, reason="Điều chỉnh")

        assert moved.owner is None

    def test_a_new_owner_must_be_a_focal_point_of_the_agency(self, assignment, staff, other_focal_point, leader):
        for not_a_focal_point in (other_focal_point, leader):
            with pytest.raises(InvalidInput) as refusal:
                assignment_reassign(assignment=assignment, actor=staff, owner=not_a_focal_point, reason="Đổi")
            assert refusal.value.field == "owner"
        assert event_count(assignment) == 1

    def test_done_work_is_not_reassigned(self, assignment, focal_point, staff, other_agency):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)

        with pytest.raises(TransitionNotAllowed):
            assignment_reassign(assignment=assignment, actor=staff, agency=other_agency, reason="Đổi")
        assignment.refresh_from_db()
        assert assignment.agency.code == "BCA-TEST"

    def test_a_reason_is_required(self, assignment, staff, other_agency):
        with pytest.raises(InvalidInput) as refusal:
            assignment_reassign(assignment=assignment, actor=staff, agency=other_agency, reason=" ")
        assert (refusal.value.field, refusal.value.message) == ("reason", "Cần nêu lý do.")

    def test_focal_points_do_not_reassign(self, assignment, focal_point, other_agency):
        with pytest.raises(ActionForbidden):
            assignment_reassign(assignment=assignment, actor=focal_point, agency=other_agency, reason="Đổi")

    def test_an_agency_already_given_the_task_cannot_take_it_twice(self, assignment, staff, other_agency):
        assignment_create(task=assignment.task, agency=other_agency, role=AssignmentRole.SUPPORT)

        with pytest.raises(InvalidInput):
            assignment_reassign(assignment=assignment, actor=staff, agency=other_agency, reason="Đổi")

    def test_a_lead_province_moves_to_another_province(self, staff):
        task = TaskFactory()
        first, second, spare = ProvinceFactory.create_batch(3)
        assignment_create(task=task, agency=first, role=AssignmentRole.LEAD)
        moving = assignment_create(task=task, agency=second, role=AssignmentRole.LEAD)
        owner = member(spare, MembershipRole.FOCAL_POINT, "spare.focal")

        moved = assignment_reassign(assignment=moving, actor=staff, agency=spare, owner=owner, reason="Sáp nhập")

        assert moved.agency == spare


class TestExtensionRequests:
    def request(self, assignment, focal_point, kind="extend", requested_due_on=date(2024, 9, 30), on=date(2024, 6, 20)):
        with at(on):
            return extension_request_create(
                assignment=assignment,
                kind=kind,
                requested_due_on=requested_due_on,
                reason="Chờ kinh phí",
                actor=focal_point,
            )

    def test_an_approved_extension_moves_the_due_date_and_keeps_the_original(self, assignment, focal_point, staff):
        decided = extension_request_decide(
            request=self.request(assignment, focal_point), approve=True, actor=staff, note="Đồng ý"
        )

        assignment.refresh_from_db()
        assert decided.status == ExtensionStatus.APPROVED
        assert (assignment.due_on, assignment.original_due_on) == (date(2024, 9, 30), date(2024, 6, 30))
        event = assignment.events.first()
        assert (event.kind, event.before, event.after) == (EventKind.DUE_DATE, "2024-06-30", "2024-09-30")

    def test_an_approved_withdrawal_cancels_the_assignment(self, assignment, focal_point, staff):
        request = self.request(assignment, focal_point, kind="withdraw", requested_due_on=None)

        extension_request_decide(request=request, approve=True, actor=staff)

        assignment.refresh_from_db()
        assert assignment.status == Status.CANCELLED
        assert assignment.events.first().note == "Chờ kinh phí"

    def test_a_rejection_needs_a_reason_and_changes_nothing_without_one(self, assignment, focal_point, staff):
        request = self.request(assignment, focal_point)

        with pytest.raises(InvalidInput):
            extension_request_decide(request=request, approve=False, actor=staff)
        request.refresh_from_db()
        assert request.status == ExtensionStatus.PENDING

        extension_request_decide(request=request, approve=False, actor=staff, note="Không đủ căn cứ")
        assignment.refresh_from_db()
        assert assignment.due_on == date(2024, 6, 30)

    def test_one_pending_request_at_a_time(self, assignment, focal_point):
        self.request(assignment, focal_point)

        with pytest.raises(TransitionNotAllowed):
            self.request(assignment, focal_point, requested_due_on=date(2024, 12, 31))

    def test_the_requested_date_must_be_later_than_the_current_one(self, assignment, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            self.request(assignment, focal_point, requested_due_on=date(2024, 6, 30))
        assert refusal.value.field == "requested_due_on"

    def test_the_requested_date_is_not_already_past(self, assignment, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            self.request(assignment, focal_point, requested_due_on=date(2024, 7, 9), on=date(2024, 7, 10))

        assert refusal.value.field == "requested_due_on"
        assert refusal.value.message == "Thời hạn đề nghị đã qua: chọn một ngày từ hôm nay (10/07/2024) trở đi."
        assert not assignment.extension_requests.exists()
        assert self.request(assignment, focal_point, requested_due_on=date(2024, 7, 10), on=date(2024, 7, 10))

    def test_work_without_a_deadline_may_only_be_withdrawn(self, agency, focal_point):
        recurring = assignment_create(task=TaskFactory(due_on=None), agency=agency, role=AssignmentRole.LEAD)

        for kind in ("postpone", "extend"):
            with pytest.raises(InvalidInput) as refusal:
                self.request(recurring, focal_point, kind=kind)
            assert refusal.value.field == "kind"
        assert not recurring.extension_requests.exists()
        assert self.request(recurring, focal_point, kind="withdraw", requested_due_on=None).kind == "withdraw"

    def test_focal_points_do_not_decide(self, assignment, focal_point):
        with pytest.raises(ActionForbidden):
            extension_request_decide(request=self.request(assignment, focal_point), approve=True, actor=focal_point)

    def test_a_request_is_decided_once(self, assignment, focal_point, staff, other_staff):
        request = self.request(assignment, focal_point)
        extension_request_decide(request=request, approve=True, actor=staff)

        with pytest.raises(TransitionNotAllowed):
            extension_request_decide(request=request, approve=False, actor=other_staff, note="Đổi ý")


class TestEvidence:
    @pytest.mark.parametrize("link", ["http://vanban.example.vn/1", "https://vanban.example.vn/1"])
    def test_a_report_keeps_an_http_or_https_link(self, assignment, focal_point, link):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, evidence_url=link)

        assert assignment.events.get(action=Action.REPORT_DONE).evidence_url == link

    def test_a_link_of_another_scheme_is_refused(self, assignment, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            assignment_transition(
                assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, evidence_url="ftp://example.vn/1"
            )

        assert (refusal.value.field, refusal.value.message) == ("evidence_url", "Đường dẫn minh chứng không hợp lệ.")
        assert assignment.events.count() == 1

    def test_a_file_up_to_the_limit_is_kept_and_a_larger_one_refused(self, assignment, focal_point, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.TRACKER_EVIDENCE_MAX_BYTES = 1024 * 1024
        larger = SimpleUploadedFile("bien-ban.pdf", b"x" * (1024 * 1024 + 1))

        with pytest.raises(InvalidInput) as refusal:
            assignment_transition(
                assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, evidence_file=larger
            )
        assert (refusal.value.field, refusal.value.message) == ("evidence_file", "Tệp minh chứng lớn quá 1 MB.")

        at_the_limit = SimpleUploadedFile("bien-ban.pdf", b"x" * (1024 * 1024))
        assignment_transition(
            assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, evidence_file=at_the_limit
        )
        assert assignment.events.get(action=Action.REPORT_DONE).evidence_file.size == 1024 * 1024

    def test_a_file_of_another_kind_is_refused_in_vietnamese_naming_what_is_accepted(self, assignment, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            assignment_transition(
                assignment=assignment,
                action=Action.REPORT_DONE,
                actor=focal_point,
                evidence_file=SimpleUploadedFile("virus.exe", b"MZ"),
            )

        assert refusal.value.field == "evidence_file"
        assert refusal.value.message == (
            "Không nhận tệp có đuôi “exe”; chỉ nhận: pdf, doc, docx, xls, xlsx, odt, ods, jpg, jpeg, png, zip."
        )
        assert assignment.events.count() == 1
