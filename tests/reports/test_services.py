"""Issuing a report freezes its figures (chốt số liệu): who may, when, once per period, and
the new version that history recorded later calls for."""

from datetime import date, datetime, time

import pytest

from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from reports.content import report_content
from reports.models import Report
from reports.periods import ad_hoc_period, calendar_period
from reports.selectors import report_differences
from reports.services import report_issue, report_new_version
from tasks_app.models import StatusEvent
from tests.conftest import VIETNAM, at
from tests.reports.conftest import QUARTER_2

pytestmark = pytest.mark.django_db
LATER = date(2024, 6, 20)


def issue(quarter, actor=None, period=QUARTER_2, day=LATER):
    with at(day):
        return report_issue(plan=quarter.plan, period=period, actor=actor or quarter.staff)


def back_dated_done(assignment, day: date) -> None:
    """History loaded after the fact: the work was reported done on `day`."""
    StatusEvent.objects.create(
        assignment=assignment,
        kind="status",
        action="report_done",
        before="not_started",
        after="done",
        status="done",
        due_on=assignment.due_on,
        completed_on=day,
        agency=assignment.agency,
        progress=100,
        occurred_at=datetime.combine(day, time(9), tzinfo=VIETNAM),
        note="Nhập bổ sung lịch sử",
    )


class TestIssue:
    def test_staff_issue_the_figures_as_they_stood_at_the_cut_off(self, quarter):
        report = issue(quarter)

        assert (report.kind, report.year, report.number, report.version) == ("quarter", 2024, 2, 1)
        assert (report.start, report.cut_off) == (date(2024, 3, 15), date(2024, 6, 14))
        assert report.issued_by == quarter.staff
        assert report.issued_at.astimezone(VIETNAM).date() == LATER
        figures = {key: value for key, value in report.figures.items() if key != "changes"}
        assert figures == report_content(plan=quarter.plan, period=QUARTER_2)

    def test_a_focal_point_may_not_issue(self, quarter):
        with pytest.raises(ActionForbidden):
            issue(quarter, actor=quarter.focal_points["M1"])

        assert not Report.objects.exists()

    def test_a_period_whose_cut_off_has_not_ended_is_refused(self, quarter):
        with pytest.raises(InvalidInput) as refusal:
            issue(quarter, day=QUARTER_2.end)

        assert refusal.value.field == "number"
        assert "chốt được từ ngày hôm sau" in refusal.value.message
        assert not Report.objects.exists()

    def test_an_ad_hoc_cut_off_in_the_future_is_refused_on_the_cut_off(self, quarter):
        with pytest.raises(InvalidInput) as refusal:
            issue(quarter, period=ad_hoc_period(date(2024, 6, 30)))

        assert refusal.value.field == "cut_off"

    def test_a_period_already_issued_is_refused_and_points_to_a_new_version(self, quarter):
        issue(quarter)

        with pytest.raises(TransitionNotAllowed) as refusal:
            issue(quarter)

        assert "phiên bản 1" in refusal.value.message
        assert Report.objects.count() == 1

    def test_issued_figures_never_change(self, quarter):
        report = issue(quarter)

        with pytest.raises(TypeError):
            report.save()
        with pytest.raises(TypeError):
            report.delete()


class TestFrozen:
    def test_history_recorded_later_leaves_the_report_as_issued_and_shows_the_difference(self, quarter):
        report = issue(quarter)
        assert report_differences(report=report) == []

        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        report.refresh_from_db()
        assert report.figures["tasks"]["done"] == 2
        differences = {row["figure"]: (row["issued"], row["now"]) for row in report_differences(report=report)}
        assert differences["tasks.done"] == (2, 3)
        assert differences["agencies.provinces_by_region[red_river_delta].rows[P3].done"] == (0, 1)
        assert differences["ranking.rows[P3].rank"] == (4, 1)

    def test_a_report_issued_before_a_section_was_counted_has_not_changed(self, quarter):
        """Issued before obstacles and explanation requests were counted: no column to fill, no section."""
        report = issue(quarter)
        figures = {
            key: value for key, value in report.figures.items() if key not in ("obstacles", "explanation_requests")
        }
        figures["overdue"] = {
            "rows": [{**row, "obstacles": None} for row in figures["overdue"]["rows"]],
            "obstacles": "obstacles_not_recorded_yet",
        }
        Report.objects.filter(pk=report.pk).update(figures=figures)
        report.refresh_from_db()

        assert report_differences(report=report) == []

        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))
        assert ("tasks.done", 2, 3) in [(d["figure"], d["issued"], d["now"]) for d in report_differences(report=report)]

    def test_a_new_version_keeps_the_old_one(self, quarter):
        first = issue(quarter)
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        with at(date(2024, 6, 25)):
            second = report_new_version(report=first, actor=quarter.staff)

        assert (second.version, second.figures["tasks"]["done"]) == (2, 3)
        first.refresh_from_db()
        assert (first.version, first.figures["tasks"]["done"]) == (1, 2)
        assert report_differences(report=second) == []

    def test_a_new_version_of_unchanged_figures_is_refused(self, quarter):
        report = issue(quarter)

        with pytest.raises(TransitionNotAllowed) as refusal:
            report_new_version(report=report, actor=quarter.staff)

        assert "không thay đổi so với phiên bản 1" in refusal.value.message
        assert Report.objects.count() == 1

    def test_a_new_version_asked_of_an_older_one_follows_the_latest(self, quarter):
        first = issue(quarter)
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))
        report_new_version(report=first, actor=quarter.staff)
        back_dated_done(quarter.assignments["3-P2"], date(2024, 6, 12))

        third = report_new_version(report=first, actor=quarter.staff)

        assert (third.version, third.figures["tasks"]["done"]) == (3, 4)

    def test_a_focal_point_may_not_issue_a_new_version(self, quarter):
        report = issue(quarter)
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        with pytest.raises(ActionForbidden):
            report_new_version(report=report, actor=quarter.focal_points["P3"])

        assert Report.objects.count() == 1


class TestChangesSincePrevious:
    def test_the_first_report_of_its_kind_has_nothing_to_compare_with(self, quarter):
        assert issue(quarter).figures["changes"] == {"previous": None, "headline": [], "ranks": []}

    def test_each_headline_figure_and_rank_against_the_previous_period_of_the_kind(self, quarter):
        first_quarter = issue(quarter, period=calendar_period("quarter", 2024, 1))

        changes = issue(quarter).figures["changes"]

        assert changes["previous"]["id"] == first_quarter.pk
        headline = {row["figure"]: row for row in changes["headline"]}
        # Nothing was done by 14/03 (#1 on 20/03); #1 and #2 by 14/06.
        assert (headline["tasks.done"]["previous"], headline["tasks.done"]["current"]) == (0, 2)
        assert headline["tasks.done"]["change"] == 2
        assert headline["tasks.total"]["change"] == 0
        ranks = {row["agency"]: row for row in changes["ranks"]}
        assert ranks["M1"]["current"] == 1

    def test_a_rank_moving_down_is_a_negative_change_and_a_newcomer_has_none(self, quarter):
        issue(quarter, period=calendar_period("month", 2024, 5))

        june = issue(quarter, period=calendar_period("month", 2024, 6)).figures["changes"]

        ranks = {row["agency"]: row for row in june["ranks"]}
        # By 14/05 M1 (on time) ranked 1 and M2 (late) 2; by 14/06 P1 shares the first rank.
        assert ranks["M2"] == {"agency": "M2", "previous": 2, "current": 3, "change": -1}
        assert ranks["M1"]["change"] == 0
        assert ranks["P1"] == {"agency": "P1", "previous": None, "current": 1, "change": None}

    def test_a_period_whose_previous_was_not_issued_compares_with_nothing(self, quarter):
        issue(quarter, period=calendar_period("month", 2024, 4))

        assert issue(quarter, period=calendar_period("month", 2024, 6)).figures["changes"]["previous"] is None

    def test_an_ad_hoc_report_compares_with_the_latest_earlier_ad_hoc_one(self, quarter):
        earlier = issue(quarter, period=ad_hoc_period(date(2024, 5, 1)))
        issue(quarter, period=ad_hoc_period(date(2024, 6, 18)), day=date(2024, 6, 25))

        changes = issue(quarter, period=ad_hoc_period(date(2024, 6, 10)), day=date(2024, 6, 25)).figures["changes"]

        assert changes["previous"]["id"] == earlier.pk
