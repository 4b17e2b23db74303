"""Difficulties, obstacles and proposals: raising one tells the addressee (its focal points,
or committee staff), an answer tells the author and the assignment's focal points, and the
end tells the addressee side; each in the day's digest, linking to the obstacles page."""

from datetime import date

from django.core import mail
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from notifications.services import digests_send
from tasks_app.services import obstacle_answer, obstacle_record, obstacle_resolve
from tests.conftest import at, member

DAY = date(2024, 3, 4)


def told(kind) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "note"))


def raise_one(focal_point, assignment, addressee, text="Chưa có hướng dẫn kết nối."):
    with at(DAY):
        return obstacle_record(
            assignment=assignment, kind="obstacle", text=text, addressee=addressee, actor=focal_point
        )


def test_raising_one_tells_each_focal_point_of_the_addressee_and_nobody_else(
    assignment, focal_point, other_agency, other_focal_point, staff, leader
):
    member(other_agency, "focal_point", "other.focal2")
    member(other_agency, "leader", "other.leader")

    raise_one(focal_point, assignment, other_agency)

    note = "Vướng mắc của Bộ Công an (thử nghiệm) gửi Bộ Y tế (thử nghiệm): Chưa có hướng dẫn kết nối."
    assert told(NotificationKind.OBSTACLE_RECORDED) == [("other.focal", note), ("other.focal2", note)]


def test_one_addressed_to_the_committee_tells_committee_staff(assignment, focal_point, staff, other_staff):
    raise_one(focal_point, assignment, None)

    assert [who for who, _note in told(NotificationKind.OBSTACLE_RECORDED)] == ["staff", "staff2"]


def test_the_addressee_is_e_mailed_a_link_to_the_obstacles_page_not_to_an_assignment_it_cannot_open(
    assignment, focal_point, other_agency, other_focal_point
):
    raise_one(focal_point, assignment, other_agency)

    digests_send(recipient_ids=[other_focal_point.pk])

    [message] = mail.outbox
    assert message.to == [other_focal_point.email]
    assert "khó khăn, vướng mắc, kiến nghị gửi đến" in message.subject
    assert "Chưa có hướng dẫn kết nối." in message.body
    assert "/obstacles/" in message.body
    assert f"/assignments/{assignment.pk}/" not in message.body


def test_an_answer_tells_the_author_and_the_assignments_focal_points(
    assignment, agency, focal_point, other_agency, other_focal_point
):
    member(agency, "focal_point", "focal2")
    obstacle = raise_one(focal_point, assignment, other_agency)

    obstacle_answer(obstacle=obstacle, text="Đã ban hành hướng dẫn số 12.", actor=other_focal_point)

    assert [who for who, _note in told(NotificationKind.OBSTACLE_ANSWERED)] == ["focal", "focal2"]
    assert told(NotificationKind.OBSTACLE_ANSWERED)[0][1].endswith(": Đã ban hành hướng dẫn số 12.")


def test_the_end_tells_the_addressee_side_with_the_reason(assignment, focal_point, other_agency, other_focal_point):
    obstacle = raise_one(focal_point, assignment, other_agency)
    obstacle_answer(obstacle=obstacle, text="Đã hướng dẫn.", actor=other_focal_point)

    obstacle_resolve(obstacle=obstacle, resolution="declined", note="Hướng dẫn chưa đủ.", actor=focal_point)

    [(who, note)] = told(NotificationKind.OBSTACLE_RESOLVED)
    assert who == "other.focal"
    assert note.endswith(": Không giải quyết được. Hướng dẫn chưa đủ.")


def test_committee_staff_closing_it_tells_the_author_too_but_not_themselves(
    assignment, focal_point, staff, other_staff
):
    obstacle = raise_one(focal_point, assignment, None)

    obstacle_resolve(obstacle=obstacle, resolution="resolved", actor=staff)

    assert [who for who, _note in told(NotificationKind.OBSTACLE_RESOLVED)] == ["focal", "staff2"]


def test_the_in_app_list_links_the_addressee_to_the_obstacles_page(
    client, assignment, focal_point, other_agency, other_focal_point
):
    raise_one(focal_point, assignment, other_agency)
    client.force_login(other_focal_point)

    html = client.get(reverse("notifications")).content.decode()

    assert f'<a href="{reverse("obstacles")}">' in html
    assert reverse("assignment_detail", args=[assignment.pk]) not in html
