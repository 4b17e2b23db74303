"""The morning after each cut-off the beat job tells committee staff that the drafts of the
periods that ended are ready, once per plan and period, in the morning's digest."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from notifications.models import Notification
from notifications.services import digests_send
from reports.services import report_issue
from reports.tasks import report_drafts_at_cut_off
from tests.conftest import at
from tests.factories import PlanFactory
from tests.reports.conftest import QUARTER_2

pytestmark = pytest.mark.django_db
MORNING_AFTER = date(2024, 6, 15)


def run(day=MORNING_AFTER) -> int:
    with at(day, hour=7):
        return report_drafts_at_cut_off()


def notices():
    return sorted(Notification.objects.filter(kind="report_draft").values_list("recipient__username", "link"))


def test_it_runs_on_the_15th_before_the_morning_digest():
    entry = settings.CELERY_BEAT_SCHEDULE["report-drafts-at-cut-off"]

    assert entry["task"] == "reports.tasks.report_drafts_at_cut_off"
    assert (entry["schedule"].day_of_month, entry["schedule"].hour, entry["schedule"].minute) == ({15}, {7}, {30})


def test_staff_hear_of_each_period_that_ended_with_a_link_to_its_draft(quarter, other_staff):
    assert run() == 6

    drafts = ["/reports/draft/Q2-2024/half_year/2024/1/", "/reports/draft/Q2-2024/month/2024/6/"]
    drafts.append("/reports/draft/Q2-2024/quarter/2024/2/")
    assert notices() == sorted((user, link) for user in ("staff", "staff2") for link in drafts)


def test_run_again_it_tells_no_one_twice(quarter):
    run()

    assert run() == 0
    assert run(date(2024, 6, 20)) == 0
    assert len(notices()) == 3


def test_a_month_later_only_the_month_ended(quarter):
    assert run(date(2024, 7, 15)) == 1

    assert notices() == [("staff", "/reports/draft/Q2-2024/month/2024/7/")]


def test_no_draft_for_a_period_already_issued_nor_for_a_plan_no_longer_active(quarter):
    with at(MORNING_AFTER):
        report_issue(plan=quarter.plan, period=QUARTER_2, actor=quarter.staff)
    PlanFactory(code="OLD-2022", year=2022)
    PlanFactory(code="NEXT-2025", year=2025)

    run()

    assert [link for _, link in notices()] == [
        "/reports/draft/Q2-2024/half_year/2024/1/",
        "/reports/draft/Q2-2024/month/2024/6/",
    ]


def test_the_morning_digest_carries_the_absolute_link(quarter):
    run()

    with at(MORNING_AFTER, hour=8):
        digests_send(recipient_ids=[quarter.staff.pk])

    (message,) = mail.outbox
    assert "3 dự thảo báo cáo định kỳ đã sẵn sàng" in message.subject
    assert f"{settings.SITE_URL.rstrip('/')}/reports/draft/Q2-2024/quarter/2024/2/" in message.body
    assert "Q2-2024 — Quý II năm 2024: dự thảo báo cáo với số liệu đến hết ngày 14/06/2024" in message.body


def test_the_notices_page_links_to_the_draft(client, quarter):
    run()
    client.force_login(quarter.staff)

    with at(MORNING_AFTER):
        html = client.get("/notifications/").content.decode()

    assert '<a href="/reports/draft/Q2-2024/quarter/2024/2/">Q2-2024 — Quý II năm 2024: dự thảo báo cáo' in html
