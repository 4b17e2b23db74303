from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from agencies.models import MembershipRole
from notifications.models import Notification
from notifications.services import SendingDeferred, digests_send, pending_recipients, reminders_scan
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import AgencyFactory, TaskFactory

MONDAY = date(2024, 7, 1)
TUESDAY = date(2024, 7, 2)


@pytest.fixture
def make(agency, focal_point):
    def make(due_on, owner=focal_point, in_agency=agency):
        with at(date(2024, 1, 15)):
            return assignment_create(
                task=TaskFactory(due_on=due_on), agency=in_agency, role=AssignmentRole.LEAD, owner=owner
            )

    return make


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", "assignment_id"))


def test_the_scan_writes_each_kind_of_reminder_for_the_owner(make, focal_point):
    overdue = make(TUESDAY - timedelta(days=1))
    today = make(TUESDAY)
    soon = make(TUESDAY + timedelta(days=3))
    make(TUESDAY + timedelta(days=2))  # not a reminder day
    make(TUESDAY - timedelta(days=3))  # its first overdue reminder went out on Monday

    reminders_scan(on=TUESDAY)

    assert kinds_for(focal_point) == sorted([("overdue", overdue.pk), ("due_today", today.pk), ("due_soon", soon.pk)])


def test_a_monday_catches_up_the_weekend(make, focal_point):
    three_days_after_sunday = make(date(2024, 6, 30) + timedelta(days=3))  # "due in 3 days" fell on Sunday
    late_one_day_on_saturday = make(date(2024, 6, 28))  # its first overdue day was Saturday
    make(date(2024, 7, 5))  # its reminder days are 28/6, 2/7 and 4/7: none in the window

    reminders_scan(on=MONDAY)

    assert kinds_for(focal_point) == sorted(
        [("due_soon", three_days_after_sunday.pk), ("overdue", late_one_day_on_saturday.pk)]
    )


def test_overdue_work_is_chased_every_seven_days(make, focal_point):
    late_8 = make(TUESDAY - timedelta(days=8))
    make(TUESDAY - timedelta(days=9))
    make(TUESDAY - timedelta(days=7))

    reminders_scan(on=TUESDAY)

    assert [a for _, a in kinds_for(focal_point)] == [late_8.pk]


def test_the_weekly_chase_writes_a_new_reminder_each_time(make, focal_point):
    late = make(MONDAY - timedelta(days=1))

    reminders_scan(on=MONDAY)
    reminders_scan(on=MONDAY + timedelta(days=7))

    assert kinds_for(focal_point) == [("overdue", late.pk), ("overdue", late.pk)]


def test_escalation_reaches_the_leaders_on_day_14(make, leader, focal_point):
    late_14 = make(TUESDAY - timedelta(days=14))
    make(TUESDAY - timedelta(days=13))

    reminders_scan(on=TUESDAY)

    assert kinds_for(leader) == [("escalation", late_14.pk)]


def test_unowned_work_goes_to_every_focal_point_of_the_agency(make, agency):
    second = member(agency, MembershipRole.FOCAL_POINT, "focal.two")
    unowned = make(MONDAY, owner=None)

    reminders_scan(on=MONDAY)

    assert set(Notification.objects.filter(assignment=unowned).values_list("recipient__username", flat=True)) == {
        "focal",
        second.username,
    }


def test_done_and_cancelled_work_gets_no_reminder(make, focal_point, staff):
    done = make(MONDAY)
    assignment_transition(assignment=done, action=Action.REPORT_DONE, actor=focal_point)
    assignment_transition(assignment=done, action=Action.ACCEPT, actor=staff)
    cancelled = make(MONDAY)
    assignment_transition(assignment=cancelled, action=Action.CANCEL, actor=staff, note="Không còn phù hợp")

    told_of_the_events = list(Notification.objects.values_list("pk", flat=True))

    reminders_scan(on=MONDAY)

    assert not Notification.objects.filter(assignment__in=[done, cancelled]).exclude(pk__in=told_of_the_events).exists()


def test_a_closed_agency_gets_no_reminder_and_no_line_in_the_staff_summary(make, staff):
    closed = AgencyFactory(code="CLOSED", is_active=False)
    still_there = member(closed, MembershipRole.FOCAL_POINT, "still.there")
    member(closed, MembershipRole.LEADER, "closed.leader")
    make(MONDAY, owner=still_there, in_agency=closed)
    make(MONDAY, owner=None, in_agency=closed)
    make(MONDAY - timedelta(days=14), owner=None, in_agency=closed)

    assert reminders_scan(on=MONDAY) == 0
    assert not Notification.objects.exists()


def test_an_inactive_owner_gets_no_reminder(make, agency, focal_point):
    mine = make(MONDAY)
    left = member(agency, MembershipRole.FOCAL_POINT, "left")
    make(MONDAY, owner=left)
    left.is_active = False
    left.save()

    reminders_scan(on=MONDAY)

    assert kinds_for(left) == []
    assert kinds_for(focal_point) == [("due_today", mine.pk)]


def test_unowned_work_skips_the_inactive_focal_points_of_the_agency(make, agency, focal_point):
    gone = member(agency, MembershipRole.FOCAL_POINT, "gone")
    gone.is_active = False
    gone.save()
    unowned = make(MONDAY, owner=None)

    reminders_scan(on=MONDAY)

    assert kinds_for(gone) == []
    assert kinds_for(focal_point) == [("due_today", unowned.pk)]


def test_escalation_skips_the_inactive_leaders_of_the_agency(make, agency, leader):
    retired = member(agency, MembershipRole.LEADER, "retired")
    retired.is_active = False
    retired.save()
    late_14 = make(TUESDAY - timedelta(days=14))

    reminders_scan(on=TUESDAY)

    assert kinds_for(retired) == []
    assert kinds_for(leader) == [("escalation", late_14.pk)]


def test_running_the_scan_again_writes_nothing_new(make):
    make(MONDAY)

    first, second = reminders_scan(on=MONDAY), reminders_scan(on=MONDAY)

    assert (first, second) == (1, 0)
    assert Notification.objects.count() == 1


@pytest.mark.parametrize("day", [date(2024, 6, 30), date(2024, 2, 12)], ids=["sunday", "tet"])
def test_nothing_is_written_on_a_day_off(make, day):
    make(day)

    assert reminders_scan(on=day) == 0
    assert Notification.objects.count() == 0


def test_after_tet_the_first_working_day_catches_up(make, focal_point):
    due_during_tet = make(date(2024, 2, 12))

    reminders_scan(on=date(2024, 2, 15))

    assert kinds_for(focal_point) == [("overdue", due_during_tet.pk)]


def test_the_scan_runs_a_fixed_number_of_queries(make, django_assert_max_num_queries):
    for n in range(30):
        make(MONDAY - timedelta(days=n % 10))
    with django_assert_max_num_queries(12) as few:
        reminders_scan(on=MONDAY)
    Notification.objects.all().delete()
    for n in range(60):
        make(MONDAY + timedelta(days=n % 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        reminders_scan(on=MONDAY)


class TestDigest:
    def test_one_email_per_recipient_overdue_first_then_today_then_soon(self, make, focal_point):
        soon = make(MONDAY + timedelta(days=1))
        today = make(MONDAY)
        late = make(MONDAY - timedelta(days=1))
        with at(MONDAY, hour=8):
            reminders_scan(on=MONDAY)
            sent = digests_send(recipient_ids=[focal_point.pk]).sent

        assert sent == 3
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["focal@example.org"]
        assert message.subject == (
            "[Tracker 06] 1 nhiệm vụ quá hạn, 1 nhiệm vụ đến hạn hôm nay, 1 nhiệm vụ sắp đến hạn"
        )
        body = message.body
        assert body.index(late.task.title) < body.index(today.task.title) < body.index(soon.task.title)
        assert "quá hạn 1 ngày" in body
        assert f'href="{settings.SITE_URL}{reverse("assignment_detail", args=[late.pk])}"' in message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        assert not Notification.objects.filter(sent_at__isnull=True).exists()

    def test_within_a_section_the_earliest_due_comes_first_under_the_sections_title(self, make, focal_point):
        late_by_one = make(MONDAY - timedelta(days=1))
        late_by_eight = make(MONDAY - timedelta(days=8))
        with at(MONDAY, hour=8):
            reminders_scan(on=MONDAY)
            digests_send(recipient_ids=[focal_point.pk])

        body = mail.outbox[0].body
        assert body.index("QUÁ HẠN") < body.index(late_by_eight.task.title) < body.index(late_by_one.task.title)

    def test_a_returned_report_on_recurring_work_shows_the_reason_and_no_lateness(self, make, focal_point, staff):
        recurring = make(None)
        assignment_transition(assignment=recurring, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=recurring, action=Action.RETURN, actor=staff, note="Thiếu minh chứng")

        digests_send(recipient_ids=[focal_point.pk], on=MONDAY)

        body = mail.outbox[0].body
        assert "BÁO CÁO HOÀN THÀNH BỊ TRẢ LẠI" in body
        assert "Ghi chú: Thiếu minh chứng" in body
        assert "quá hạn" not in body

    def test_sending_again_sends_nothing(self, make, focal_point):
        make(MONDAY)
        reminders_scan(on=MONDAY)
        digests_send(recipient_ids=[focal_point.pk])

        assert digests_send(recipient_ids=[focal_point.pk]).sent == 0
        assert len(mail.outbox) == 1
        assert pending_recipients() == []

    def test_a_temporary_refusal_stays_pending_the_others_are_sent_and_sending_again_sends_only_it(
        self, make, focal_point, other_focal_point, other_agency, smtp_server
    ):
        third_agency = AgencyFactory()
        third = member(third_agency, MembershipRole.FOCAL_POINT, "third")
        make(MONDAY)
        make(MONDAY, owner=other_focal_point, in_agency=other_agency)
        make(MONDAY, owner=third, in_agency=third_agency)
        reminders_scan(on=MONDAY)
        smtp_server.refusals[other_focal_point.email] = 1
        batch = [focal_point.pk, other_focal_point.pk, third.pk]

        with pytest.raises(SendingDeferred) as deferred:
            digests_send(recipient_ids=batch)
        assert (deferred.value.outcome.sent, deferred.value.outcome.deferred) == (2, 1)
        assert smtp_server.delivered == [focal_point.email, third.email]
        rows = {n.recipient: n for n in Notification.objects.select_related("recipient")}
        assert rows[focal_point].sent_at is not None
        assert rows[third].sent_at is not None
        failed = rows[other_focal_point]
        assert (failed.sent_at, failed.failed_at, failed.attempts, failed.claim_token) == (None, None, 1, None)
        assert "451 4.3.0 Try again later" in failed.last_error

        assert digests_send(recipient_ids=batch).sent == 1
        assert digests_send(recipient_ids=batch).sent == 0
        assert smtp_server.delivered == [focal_point.email, third.email, other_focal_point.email]


def test_committee_staff_get_one_daily_overdue_summary_per_agency(make, staff, other_staff, agency, focal_point):
    make(TUESDAY - timedelta(days=3))
    make(TUESDAY - timedelta(days=10))
    make(TUESDAY + timedelta(days=1))

    reminders_scan(on=TUESDAY)
    reminders_scan(on=TUESDAY)
    with at(TUESDAY):
        digests_send(recipient_ids=[staff.pk])

    assert Notification.objects.filter(kind="staff_summary").count() == 2
    message = mail.outbox[0]
    assert message.subject == "[Tracker 06] 1 bảng tổng hợp quá hạn theo cơ quan"
    assert "TỔNG HỢP QUÁ HẠN THEO CƠ QUAN" in message.body
    assert f"- {agency}: 2 nhiệm vụ quá hạn, thời hạn sớm nhất 22/06/2024" in message.body


def test_the_staff_summary_lists_its_agencies_and_nothing_after_them(make, staff, agency):
    make(TUESDAY - timedelta(days=3))
    reminders_scan(on=TUESDAY)
    with at(TUESDAY):
        digests_send(recipient_ids=[staff.pk])

    message = mail.outbox[0]
    assert [line for line in message.body.splitlines() if line.startswith("- ")] == [
        f"- {agency}: 1 nhiệm vụ quá hạn, thời hạn sớm nhất 29/06/2024"
    ]
    assert message.alternatives[0][0].count("<li>") == 1


def test_no_summary_when_nothing_is_overdue(make, staff):
    make(TUESDAY + timedelta(days=1))

    reminders_scan(on=TUESDAY)

    assert not Notification.objects.filter(kind="staff_summary").exists()


def test_work_reported_on_time_and_waiting_for_review_is_neither_chased_nor_escalated(make, focal_point, leader, staff):
    waiting_overdue, waiting_escalated = make(TUESDAY - timedelta(days=8)), make(TUESDAY - timedelta(days=14))
    unreported_overdue, unreported_escalated = make(TUESDAY - timedelta(days=8)), make(TUESDAY - timedelta(days=14))
    for assignment in (waiting_overdue, waiting_escalated):
        with at(assignment.due_on - timedelta(days=1)):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    told_of_the_reports = list(Notification.objects.values_list("pk", flat=True))

    reminders_scan(on=TUESDAY)

    chasing = Notification.objects.exclude(pk__in=told_of_the_reports).exclude(recipient=staff)
    assert sorted(chasing.values_list("recipient__username", "kind", "assignment_id")) == sorted(
        [
            ("focal", "overdue", unreported_overdue.pk),
            ("leader", "escalation", unreported_escalated.pk),
        ]
    )


def test_returned_work_past_its_deadline_is_chased_again(make, focal_point, leader, staff):
    late = make(TUESDAY - timedelta(days=14))
    with at(late.due_on - timedelta(days=1)):
        assignment_transition(assignment=late, action=Action.REPORT_DONE, actor=focal_point)
    with at(TUESDAY - timedelta(days=1)):
        assignment_transition(assignment=late, action=Action.RETURN, actor=staff, note="Thiếu văn bản kèm theo")

    reminders_scan(on=TUESDAY)

    assert kinds_for(leader) == [("escalation", late.pk)]
