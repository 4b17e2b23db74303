"""A comment tells the other side of the discussion, in the same digest as other notices,
and never its author."""

from django.conf import settings
from django.core import mail
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from notifications.services import digests_send
from tasks_app.services import assignment_transition, comment_correct, comment_post
from tasks_app.workflow import Action
from tests.conftest import committee_staff, member


def told() -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=NotificationKind.COMMENT_POSTED)
    return sorted(rows.values_list("recipient__username", "note"))


def test_committee_staffs_comment_tells_the_owner_only(assignment, focal_point, agency, staff):
    member(agency, "focal_point", "focal2")
    staff.first_name, staff.last_name = "Trần Thị", "B"
    staff.save()

    comment_post(assignment=assignment, author=staff, text="Đề nghị gửi bản dự thảo.")

    assert told() == [("focal", "Trần Thị B: Đề nghị gửi bản dự thảo.")]


def test_without_an_owner_staffs_comment_tells_every_focal_point_of_the_agency(assignment, agency, staff):
    member(agency, "focal_point", "focal2")
    member(agency, "leader", "leader2")
    assignment.owner = None
    assignment.save()

    comment_post(assignment=assignment, author=staff, text="Đề nghị cập nhật tiến độ.")

    assert [who for who, _ in told()] == ["focal", "focal2"]


def test_the_agencys_comment_tells_all_committee_staff_when_none_has_taken_part(
    assignment, focal_point, staff, other_staff
):
    comment_post(assignment=assignment, author=focal_point, text="Xin hướng dẫn mẫu báo cáo.")

    assert [who for who, _ in told()] == ["staff", "staff2"]


def test_the_agencys_comment_tells_only_the_staff_who_have_taken_part(
    assignment, focal_point, leader, staff, other_staff
):
    third = committee_staff("staff3")
    comment_post(assignment=assignment, author=staff, text="Đề nghị báo cáo tiến độ.")
    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    assignment_transition(assignment=assignment, action=Action.CANCEL, actor=third, note="Tạm dừng")
    Notification.objects.all().delete()

    comment_post(assignment=assignment, author=leader, text="Đề nghị xem xét lại việc dừng.")

    assert [who for who, _ in told()] == ["staff", "staff3"]


def test_the_author_is_never_told_of_their_own_comment(assignment, focal_point, staff):
    assignment.owner = None
    assignment.save()
    comment_post(assignment=assignment, author=staff, text="Câu hỏi")
    comment_post(assignment=assignment, author=focal_point, text="Trả lời")

    recipients = list(Notification.objects.values_list("recipient__username", "note"))
    assert sorted(recipients) == [("focal", "staff: Câu hỏi"), ("staff", "focal: Trả lời")]


def test_a_long_comment_is_quoted_shortened_and_a_correction_tells_nobody_again(assignment, focal_point, staff):
    comment = comment_post(assignment=assignment, author=focal_point, text="Nội dung dài. " * 100)
    comment_correct(comment=comment, actor=focal_point, text="Bản ngắn")

    [(who, note)] = told()
    assert who == "staff"
    assert note.startswith("focal: Nội dung dài.")
    assert note.endswith("…")
    assert len(note) <= len("focal: ") + 300


def test_the_comment_arrives_in_the_digest_with_the_link_to_the_assignment_page(assignment, focal_point, staff):
    comment_post(assignment=assignment, author=staff, text="Đề nghị gửi bản dự thảo trước 15/7.")

    digests_send(recipient_ids=[focal_point.pk])

    [message] = mail.outbox
    assert message.to == [focal_point.email]
    assert "1 ý kiến trao đổi mới" in message.subject
    assert "Đề nghị gửi bản dự thảo trước 15/7." in message.body
    assert settings.SITE_URL + reverse("assignment_detail", args=[assignment.pk]) in message.body
    assert "Ý kiến trao đổi mới".upper() in message.body
