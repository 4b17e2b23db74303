"""Committee staff hear of each report in the app at once, and by e-mail once a working day:
the morning scan writes one "reports awaiting review" entry each, which the digest shows as
the list of waiting reports, oldest first, with links to them and to the queue."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from notifications.models import Channel, Notification, NotificationKind
from notifications.services import digests_send, pending_recipients, reminders_scan
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

MONDAY = date(2024, 7, 1)
SATURDAY = date(2024, 7, 6)


@pytest.fixture
def report(agency, focal_point):
    def report(*, on, title, due_on=date(2024, 12, 31)):
        with at(date(2024, 1, 15)):
            assignment = assignment_create(
                task=TaskFactory(title=title, due_on=due_on), agency=agency, role=AssignmentRole.LEAD
            )
        with at(on):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
        return assignment

    return report


def review_entries():
    return sorted(Notification.objects.filter(kind=NotificationKind.REVIEW_QUEUE).values_list("recipient__username"))


def test_each_report_tells_staff_in_the_app_and_sends_them_no_email(report, staff, other_staff):
    report(on=date(2024, 6, 20), title="Ban hành kế hoạch")

    assert set(Notification.objects.values_list("recipient__username", "kind", "channel")) == {
        ("staff", NotificationKind.REPORTED, Channel.IN_APP),
        ("staff2", NotificationKind.REPORTED, Channel.IN_APP),
    }
    assert pending_recipients() == []
    assert digests_send(recipient_ids=[staff.pk, other_staff.pk]).sent == 0
    assert mail.outbox == []


def test_staff_get_one_digest_a_working_day_listing_the_waiting_reports_oldest_first(
    report, staff, other_staff, agency
):
    later = report(on=date(2024, 6, 28), title="Kết nối cơ sở dữ liệu dân cư")
    earlier = report(on=date(2024, 6, 10), title="Ban hành kế hoạch triển khai")

    reminders_scan(on=MONDAY)
    reminders_scan(on=MONDAY)
    assert review_entries() == [("staff",), ("staff2",)]
    with at(MONDAY, hour=8):
        digests_send(recipient_ids=[staff.pk, other_staff.pk])

    assert sorted(message.to[0] for message in mail.outbox) == ["staff2@example.org", "staff@example.org"]
    message = next(message for message in mail.outbox if message.to == ["staff@example.org"])
    assert message.subject == "[Tracker 06] 2 báo cáo hoàn thành đang chờ Tổ giúp việc xác nhận"
    body = message.body
    assert "BÁO CÁO HOÀN THÀNH ĐANG CHỜ TỔ GIÚP VIỆC XÁC NHẬN" in body
    assert body.index("Ban hành kế hoạch triển khai") < body.index("Kết nối cơ sở dữ liệu dân cư")
    assert f"Cơ quan: {agency} · Ngày báo cáo: 10/06/2024" in body
    site = settings.SITE_URL.rstrip("/")
    assert f"{site}{reverse('assignment_detail', args=[earlier.pk])}" in body
    assert f"Xác nhận hoặc trả lại các báo cáo tại: {site}{reverse('review_queue')}" in body
    html = message.alternatives[0][0]
    assert f'<a href="{site}{reverse("assignment_detail", args=[later.pk])}">' in html
    assert f'<a href="{site}{reverse("review_queue")}">' in html
    # The per-report notices stay in the app: they are not e-mailed with it, nor after it.
    assert Notification.objects.filter(kind=NotificationKind.REPORTED, sent_at__isnull=True).count() == 4
    assert pending_recipients() == []


def test_no_digest_entry_when_nothing_waits(report, staff):
    waiting = report(on=date(2024, 6, 10), title="Đã xác nhận")
    assignment_transition(assignment=waiting, action=Action.ACCEPT, actor=staff)

    reminders_scan(on=MONDAY)

    assert review_entries() == []


def test_no_digest_entry_on_a_day_off(report, staff):
    report(on=date(2024, 6, 10), title="Chờ xác nhận")

    reminders_scan(on=SATURDAY)

    assert review_entries() == []


def test_the_digest_lists_the_reports_in_a_fixed_number_of_queries(
    report, staff, other_staff, django_assert_max_num_queries
):
    for n in range(2):
        report(on=date(2024, 6, 1 + n), title=f"Nhiệm vụ {n}")
    reminders_scan(on=MONDAY)
    with django_assert_max_num_queries(12) as few:
        digests_send(recipient_ids=[staff.pk, other_staff.pk], on=MONDAY)
    Notification.objects.filter(kind=NotificationKind.REVIEW_QUEUE).delete()
    for n in range(20):
        report(on=date(2024, 6, 3 + n), title=f"Nhiệm vụ thêm {n}")
    reminders_scan(on=date(2024, 7, 2))

    with django_assert_max_num_queries(len(few.captured_queries)):
        digests_send(recipient_ids=[staff.pk, other_staff.pk], on=date(2024, 7, 2))

    assert "22 báo cáo hoàn thành" in mail.outbox[-1].subject


def test_the_in_app_notices_are_not_listed_as_waiting_to_be_sent_and_the_daily_entry_links_to_the_queue(
    report, staff, client, admin_client
):
    report(on=date(2024, 6, 10), title="Ban hành kế hoạch")
    reminders_scan(on=MONDAY)

    pending = admin_client.get("/admin/notifications/notification/", {"delivery": "pending"}).context["cl"]
    in_app = admin_client.get("/admin/notifications/notification/", {"delivery": "in_app"}).context["cl"]

    # admin_client's administrator counts as committee staff.
    assert sorted((n.recipient.username, n.kind) for n in pending.result_list) == [
        ("admin", NotificationKind.REVIEW_QUEUE),
        ("staff", NotificationKind.REVIEW_QUEUE),
    ]
    assert sorted((n.recipient.username, n.kind) for n in in_app.result_list) == [
        ("admin", NotificationKind.REPORTED),
        ("staff", NotificationKind.REPORTED),
    ]
    client.force_login(staff)
    assert f'<a href="{reverse("review_queue")}">Danh sách báo cáo chờ xác nhận</a>' in (
        client.get(reverse("notifications")).content.decode()
    )
