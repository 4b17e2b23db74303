"""An explanation request reminds its agency's focal points once as its answer comes due and
once when it is late, and its leaders once when it is late by the escalation days, in the
morning digest beside the other reminders; an answered or accepted request is left alone."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from agencies.models import MembershipRole
from core.calendar import is_working_day
from notifications.models import Notification, NotificationKind
from notifications.services import digests_send, reminders_scan
from tasks_app.models import AssignmentRole, ReasonKind
from tasks_app.services import (
    ExplanationAnswer,
    assignment_create,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
)
from tests.conftest import at, member
from tests.factories import AgencyFactory, TaskFactory

MONDAY = date(2024, 7, 1)
# Five working days after MONDAY: the default answer date of a request made that day.
ANSWER_DATE = date(2024, 7, 8)
EXPLANATION_KINDS = (
    NotificationKind.EXPLAIN_DUE_SOON,
    NotificationKind.EXPLAIN_LATE,
    NotificationKind.EXPLAIN_ESCALATION,
)


def overdue_work(agency, title="Kết nối dữ liệu dân cư"):
    with at(date(2024, 1, 15)):
        return assignment_create(
            task=TaskFactory(due_on=date(2024, 6, 28), title=title), agency=agency, role=AssignmentRole.LEAD
        )


def ask(staff, agency, assignments, *, on=MONDAY, answer_due_on=None, message="Đề nghị giải trình nguyên nhân chậm."):
    with at(on):
        return explanation_request_create(
            agency=agency, assignments=assignments, actor=staff, message=message, answer_due_on=answer_due_on
        )


def answer(request, focal_point, *, on):
    with at(on):
        return explanation_request_answer(
            request=request,
            actor=focal_point,
            answers=[
                ExplanationAnswer(assignment=item.assignment_id, reason_kind=ReasonKind.FUNDING)
                for item in request.items.all()
            ],
        )


def reminded() -> list[tuple[str, str, int]]:
    return sorted(
        Notification.objects.filter(kind__in=EXPLANATION_KINDS).values_list(
            "recipient__username", "kind", "explanation_request_id"
        )
    )


def scan_every_working_day(first: date, last: date) -> dict[date, list[tuple[str, str]]]:
    """What each morning's scan adds, run twice a day: the second run must add nothing."""
    added = {}
    day = first
    while day <= last:
        if is_working_day(day):
            before = set(Notification.objects.filter(kind__in=EXPLANATION_KINDS).values_list("pk", flat=True))
            reminders_scan(on=day)
            assert reminders_scan(on=day) == 0
            new = Notification.objects.filter(kind__in=EXPLANATION_KINDS).exclude(pk__in=before)
            if new:
                added[day] = sorted(new.values_list("recipient__username", "kind"))
        day += timedelta(days=1)
    return added


@pytest.fixture
def request_of(staff, agency, focal_point):
    return ask(staff, agency, [overdue_work(agency)])


def test_due_soon_the_working_day_before_late_the_day_after_and_to_the_leaders_fourteen_days_late(
    request_of, agency, focal_point, leader, other_focal_point, other_staff
):
    member(agency, MembershipRole.FOCAL_POINT, "focal2")

    added = scan_every_working_day(MONDAY, date(2024, 7, 31))

    assert request_of.answer_due_on == ANSWER_DATE
    assert added == {
        # The working day before Monday's answer date is the Friday.
        date(2024, 7, 5): [("focal", "explain_due_soon"), ("focal2", "explain_due_soon")],
        date(2024, 7, 9): [("focal", "explain_late"), ("focal2", "explain_late")],
        ANSWER_DATE + timedelta(days=14): [("leader", "explain_escalation")],
    }


def test_a_holiday_before_the_answer_date_brings_the_reminder_forward(staff, agency, focal_point):
    # 31/8 to 3/9/2024: a weekend, then National Day and the day beside it.
    request = ask(staff, agency, [overdue_work(agency)], on=date(2024, 8, 26), answer_due_on=date(2024, 9, 4))

    added = scan_every_working_day(date(2024, 8, 26), date(2024, 9, 5))

    assert added == {date(2024, 8, 30): [("focal", "explain_due_soon")], date(2024, 9, 5): [("focal", "explain_late")]}
    assert reminded() == [("focal", "explain_due_soon", request.pk), ("focal", "explain_late", request.pk)]


def test_a_request_first_scanned_when_late_is_told_late_once_not_due_soon(request_of, focal_point):
    reminders_scan(on=date(2024, 7, 10))
    reminders_scan(on=date(2024, 7, 11))

    assert reminded() == [("focal", "explain_late", request_of.pk)]


def test_an_escalation_day_that_falls_on_a_holiday_goes_out_on_the_next_working_day(staff, agency, leader):
    # Fourteen days after 19/8/2024 is 2/9, National Day; the next working day is 4/9.
    ask(staff, agency, [overdue_work(agency)], on=date(2024, 8, 19), answer_due_on=date(2024, 8, 19))

    added = scan_every_working_day(date(2024, 8, 21), date(2024, 9, 6))

    assert [(day, told) for day, told in added.items() if ("leader", "explain_escalation") in told] == [
        (date(2024, 9, 4), [("leader", "explain_escalation")])
    ]


def test_the_leaders_hear_on_the_fourteenth_day_late_not_the_thirteenth(staff, agency, leader):
    ask(staff, agency, [overdue_work(agency)], on=date(2024, 7, 2), answer_due_on=date(2024, 7, 2))

    reminders_scan(on=date(2024, 7, 15))
    assert not Notification.objects.filter(recipient=leader).exists()
    reminders_scan(on=date(2024, 7, 16))
    assert reminded()[-1][:2] == ("leader", "explain_escalation")


def test_answered_and_accepted_requests_are_not_reminded(staff, agency, focal_point, leader):
    answered = ask(staff, agency, [overdue_work(agency)])
    answer(answered, focal_point, on=date(2024, 7, 3))
    accepted = ask(staff, agency, [overdue_work(agency)])
    answer(accepted, focal_point, on=date(2024, 7, 3))
    with at(date(2024, 7, 4)):
        explanation_request_decide(request=accepted, decision="accept", actor=staff)

    assert scan_every_working_day(MONDAY, date(2024, 7, 31)) == {}


def test_a_request_asked_again_is_reminded_again_for_its_new_date(request_of, staff, focal_point):
    reminders_scan(on=date(2024, 7, 9))
    answer(request_of, focal_point, on=date(2024, 7, 10))
    with at(date(2024, 7, 11)):
        explanation_request_decide(request=request_of, decision="ask_again", actor=staff, note="Nêu rõ kinh phí.")

    added = scan_every_working_day(date(2024, 7, 11), date(2024, 7, 22))

    request_of.refresh_from_db()
    assert request_of.answer_due_on == date(2024, 7, 18)
    assert added == {date(2024, 7, 17): [("focal", "explain_due_soon")], date(2024, 7, 19): [("focal", "explain_late")]}


def test_asked_again_with_the_same_answer_date_is_reminded_again(request_of, staff, focal_point):
    reminders_scan(on=date(2024, 7, 5))
    answer(request_of, focal_point, on=date(2024, 7, 5))
    with at(date(2024, 7, 5)):
        explanation_request_decide(
            request=request_of, decision="ask_again", actor=staff, note="Bổ sung.", answer_due_on=ANSWER_DATE
        )

    reminders_scan(on=date(2024, 7, 5))

    assert [kind for _, kind, _ in reminded()] == ["explain_due_soon", "explain_due_soon"]


def test_only_the_active_focal_points_of_an_open_agency_are_reminded(staff, agency, focal_point):
    gone = member(agency, MembershipRole.FOCAL_POINT, "gone")
    gone.is_active = False
    gone.save()
    closed = AgencyFactory(code="CLOSED")
    member(closed, MembershipRole.FOCAL_POINT, "closed.focal")
    ask(staff, agency, [overdue_work(agency)])
    ask(staff, closed, [overdue_work(closed)])
    closed.is_active = False
    closed.save()

    reminders_scan(on=date(2024, 7, 9))

    assert [who for who, _, _ in reminded()] == ["focal"]


def test_with_no_remind_before_days_a_request_is_reminded_only_once_late(request_of, settings):
    settings.TRACKER_REMINDERS = {**settings.TRACKER_REMINDERS, "remind_before_days": []}

    assert scan_every_working_day(MONDAY, date(2024, 7, 9)) == {date(2024, 7, 9): [("focal", "explain_late")]}


def test_the_scan_runs_a_fixed_number_of_queries_whatever_the_requests(staff, django_assert_max_num_queries):
    def requests(n):
        for _ in range(n):
            agency = AgencyFactory()
            member(agency, MembershipRole.FOCAL_POINT, f"focal.{agency.code}")
            member(agency, MembershipRole.LEADER, f"leader.{agency.code}")
            ask(staff, agency, [overdue_work(agency), overdue_work(agency)], answer_due_on=MONDAY)

    requests(2)
    Notification.objects.all().delete()
    with django_assert_max_num_queries(20) as few:
        reminders_scan(on=MONDAY + timedelta(days=15))
    assert Notification.objects.filter(kind=NotificationKind.EXPLAIN_ESCALATION).count() == 2
    Notification.objects.all().delete()
    requests(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reminders_scan(on=MONDAY + timedelta(days=15))
    assert Notification.objects.filter(kind=NotificationKind.EXPLAIN_ESCALATION).count() == 8
    assert Notification.objects.filter(kind=NotificationKind.EXPLAIN_LATE).count() == 8


class TestDigest:
    @pytest.fixture
    def told_at_once(self, focal_point, leader):
        """The request's own notice went out when it was made."""

        def send():
            digests_send(recipient_ids=[focal_point.pk, leader.pk])
            mail.outbox.clear()

        return send

    def test_the_late_request_has_its_own_section_with_its_agency_date_lateness_and_links(
        self, staff, agency, focal_point, told_at_once
    ):
        first = overdue_work(agency, "Kết nối dữ liệu dân cư")
        second = overdue_work(agency, "Cấp căn cước điện tử")
        request = ask(staff, agency, [first, second], message="Đề nghị nêu rõ nguyên nhân chậm.")
        told_at_once()

        with at(date(2024, 7, 10), hour=8):
            reminders_scan(on=date(2024, 7, 10))
            digests_send(recipient_ids=[focal_point.pk])

        [message] = mail.outbox
        assert message.subject == "[Tracker 06] 1 yêu cầu giải trình đã quá hạn"
        body = message.body
        assert "QUÁ HẠN GIẢI TRÌNH\nĐã quá hạn giải trình: đề nghị đồng chí gửi giải trình ngay" in body
        assert (
            f"- Cơ quan: {agency} · Hạn giải trình: 08/07/2024 · quá hạn giải trình 2 ngày\n"
            "  Nội dung yêu cầu: Đề nghị nêu rõ nguyên nhân chậm.\n"
        ) in body
        for assignment in (first, second):
            url = f"{settings.SITE_URL}{reverse('assignment_detail', args=[assignment.pk])}#explanation-{request.pk}"
            task = assignment.task
            assert f"  * {task.plan.code} #{task.number}: {task.title}\n    {url}\n" in body
            assert f'<a href="{url}">{task.plan.code} #{task.number}: {task.title}</a>' in message.alternatives[0][0]

    def test_due_soon_and_the_other_reminders_share_one_digest(self, staff, agency, focal_point, told_at_once):
        soon = ask(staff, agency, [overdue_work(agency, "Kết nối dữ liệu dân cư")])
        told_at_once()
        with at(date(2024, 1, 15)):
            due_monday = assignment_create(
                task=TaskFactory(due_on=ANSWER_DATE, title="Báo cáo sơ kết"),
                agency=agency,
                role=AssignmentRole.LEAD,
                owner=focal_point,
            )

        with at(date(2024, 7, 5), hour=8):
            reminders_scan(on=date(2024, 7, 5))
            digests_send(recipient_ids=[focal_point.pk])

        [message] = mail.outbox
        assert message.subject == "[Tracker 06] 1 nhiệm vụ sắp đến hạn, 1 yêu cầu giải trình sắp đến hạn"
        body = message.body
        assert body.index(due_monday.task.title) < body.index("GIẢI TRÌNH SẮP ĐẾN HẠN")
        assert "Đề nghị đồng chí gửi giải trình đúng hạn" in body
        assert f"Hạn giải trình: 08/07/2024\n  Nội dung yêu cầu: {soon.message}" in body
        assert "quá hạn giải trình" not in body

    def test_the_leader_is_asked_to_have_the_focal_points_answer(self, staff, agency, leader, told_at_once):
        ask(staff, agency, [overdue_work(agency)])
        told_at_once()

        with at(date(2024, 7, 22), hour=8):
            reminders_scan(on=date(2024, 7, 22))
            digests_send(recipient_ids=[leader.pk])

        [message] = mail.outbox
        assert message.to == [leader.email]
        assert message.subject == "[Tracker 06] 1 yêu cầu giải trình quá hạn kéo dài"
        assert "QUÁ HẠN GIẢI TRÌNH KÉO DÀI (BÁO LÃNH ĐẠO)" in message.body
        assert "đề nghị đồng chí chỉ đạo đầu mối gửi giải trình" in message.body
        assert "quá hạn giải trình 14 ngày" in message.body

    def test_one_digest_of_many_requests_takes_no_more_queries(
        self, staff, focal_point, agency, told_at_once, django_assert_max_num_queries
    ):
        def late_requests(n):
            for _ in range(n):
                ask(staff, agency, [overdue_work(agency), overdue_work(agency)])
            told_at_once()
            Notification.objects.filter(kind__in=EXPLANATION_KINDS).delete()
            reminders_scan(on=date(2024, 7, 9))

        late_requests(1)
        with django_assert_max_num_queries(20) as few:
            digests_send(recipient_ids=[focal_point.pk], on=date(2024, 7, 9))
        late_requests(4)
        with django_assert_max_num_queries(len(few.captured_queries)):
            digests_send(recipient_ids=[focal_point.pk], on=date(2024, 7, 9))
        assert mail.outbox[0].subject == "[Tracker 06] 5 yêu cầu giải trình đã quá hạn"


def test_the_in_app_list_links_each_assignment_to_the_request_in_a_fixed_number_of_queries(
    client, staff, agency, focal_point, django_assert_max_num_queries
):
    work = overdue_work(agency)
    request = ask(staff, agency, [work])
    reminders_scan(on=date(2024, 7, 9))
    client.force_login(focal_point)
    client.get(reverse("notifications"))
    with django_assert_max_num_queries(20) as one:
        html = client.get(reverse("notifications")).content.decode()

    assert "Quá hạn giải trình" in html
    assert f'href="{reverse("assignment_detail", args=[work.pk])}#explanation-{request.pk}"' in html
    assert f"{agency} · Hạn giải trình: 08/07/2024" in html
    for _ in range(4):
        ask(staff, agency, [overdue_work(agency), overdue_work(agency)])
    reminders_scan(on=date(2024, 7, 10))
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("notifications")).content.decode()
    assert html.count("#explanation-") == 1 + 4 * 2
