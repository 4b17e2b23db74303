from datetime import date

from django.contrib.auth import get_user_model
from django.core import mail

from agencies.models import MembershipRole
from notifications import services
from notifications.models import Notification, NotificationKind
from notifications.selectors import unread_count
from tasks_app.services import (
    assignment_reassign,
    assignment_transition,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at, committee_staff, member


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "note"))


def test_a_report_tells_every_committee_staff_member(assignment, focal_point, staff, other_staff):
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note="Đã ban hành")

    assert told(NotificationKind.REPORTED) == [("staff", "Đã ban hành"), ("staff2", "Đã ban hành")]


def test_an_administrator_who_may_accept_a_report_is_told_of_it_once(assignment, focal_point, staff):
    """Administrators count as committee staff everywhere; one in the group too is told once."""
    get_user_model().objects.create_superuser("root", "root@example.org", "x")
    both = get_user_model().objects.create_superuser("root.staff", "root.staff@example.org", "x")
    both.groups.add(staff.groups.get())
    get_user_model().objects.create_superuser("gone", "gone@example.org", "x", is_active=False)

    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    assert told(NotificationKind.REPORTED) == [("root", ""), ("root.staff", ""), ("staff", "")]


def test_acceptance_and_return_tell_the_owner_with_the_reason(assignment, agency, focal_point, staff):
    member(agency, MembershipRole.FOCAL_POINT, "focal.two")  # not the owner: not told
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    assignment_transition(assignment=assignment, action=Action.RETURN, actor=staff, note="Thiếu văn bản")
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)

    assert told(NotificationKind.RETURNED) == [("focal", "Thiếu văn bản")]
    assert told(NotificationKind.ACCEPTED) == [("focal", "")]


def test_without_an_owner_the_agencys_focal_points_are_told(assignment, focal_point, staff):
    assignment.owner = None
    assignment.save(update_fields=["owner"])
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)

    assert told(NotificationKind.ACCEPTED) == [("focal", "")]


def test_a_new_extension_request_tells_every_committee_staff_member(assignment, focal_point, staff, other_staff):
    with at(date(2024, 6, 20)):
        extension_request_create(
            assignment=assignment,
            kind="extend",
            requested_due_on=date(2024, 9, 30),
            reason="Chờ vốn",
            actor=focal_point,
        )

    assert told(NotificationKind.EXTENSION_REQUESTED) == [
        ("staff", "Giãn thời hạn: Chờ vốn"),
        ("staff2", "Giãn thời hạn: Chờ vốn"),
    ]


def test_a_decision_tells_the_requester(assignment, focal_point, staff):
    with at(date(2024, 6, 20)):
        request = extension_request_create(
            assignment=assignment, kind="extend", requested_due_on=date(2024, 9, 30), reason="Chờ", actor=focal_point
        )

    extension_request_decide(request=request, approve=False, actor=staff, note="Không đủ căn cứ")

    assert told(NotificationKind.EXTENSION_DECIDED) == [
        ("focal", "Giãn thời hạn đến 30/09/2024: Không chấp thuận. Ý kiến: Không đủ căn cứ")
    ]


def test_a_reassignment_tells_the_old_and_the_new_owner(assignment, staff, other_agency, other_focal_point):
    assignment_reassign(
        assignment=assignment, actor=staff, agency=other_agency, owner=other_focal_point, reason="Điều chỉnh"
    )

    assert told(NotificationKind.REASSIGNED) == [("focal", "Điều chỉnh"), ("other.focal", "Điều chỉnh")]


def test_inactive_people_are_not_told(assignment, focal_point, staff):
    gone = committee_staff("gone.staff")
    gone.is_active = False
    gone.save()

    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    assert told(NotificationKind.REPORTED) == [("staff", "")]


def test_each_report_of_the_same_assignment_is_told_and_names_the_assignment(assignment, focal_point, staff):
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note="Lần 1")
    assignment_transition(assignment=assignment, action=Action.RETURN, actor=staff, note="Thiếu văn bản")
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note="Lần 2")

    assert told(NotificationKind.REPORTED) == [("staff", "Lần 1"), ("staff", "Lần 2")]
    assert set(Notification.objects.values_list("assignment", flat=True)) == {assignment.pk}


def test_a_return_asks_a_worker_to_send_at_once_after_the_commit(
    assignment, focal_point, staff, monkeypatch, django_capture_on_commit_callbacks
):
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    sent = []
    monkeypatch.setattr(services.current_app, "send_task", lambda name, args: sent.append((name, args)))

    with django_capture_on_commit_callbacks(execute=True):
        assignment_transition(assignment=assignment, action=Action.RETURN, actor=staff, note="Thiếu văn bản")

    assert sent == [(services.SEND_DIGESTS_TASK, [[focal_point.pk]])]


def test_a_report_tells_committee_staff_in_the_app_only_their_digest_is_the_mornings(
    assignment, focal_point, staff, other_staff, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services.current_app, "send_task", lambda name, args: sent.append((name, args)))

    with django_capture_on_commit_callbacks(execute=True):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    assert sent == []
    assert services.pending_recipients() == []
    assert services.digests_send(recipient_ids=[staff.pk, other_staff.pk]).sent == 0
    assert mail.outbox == []
    assert unread_count(user=staff) == 1
