"""What a report says: the Government Office's four-way split as it stood at the end of the
cut-off day, from the dashboards' own selectors, in a fixed number of queries."""

import json
from datetime import date

import pytest
from django.test import override_settings

from reports.content import WHOLE_PLAN, ranking_rule_text, report_content
from reports.periods import ad_hoc_period, calendar_period
from tasks_app.dashboards import plan_summary
from tasks_app.models import Plan
from tests.conftest import at
from tests.reports.conftest import CUT_OFF, QUARTER_2, done

pytestmark = pytest.mark.django_db


def split(figures: dict) -> tuple:
    keys = ("total", "done", "done_on_time", "done_late", "not_done", "not_done_in_time", "not_done_overdue")
    return tuple(figures[key] for key in (*keys, "cancelled"))


@pytest.fixture
def content(quarter):
    return report_content(plan=quarter.plan, period=QUARTER_2)


class TestTheShippedPlans:
    def test_de_an_06_to_30_june_2024_says_43_done_of_229(self, plans_2024):
        content = report_content(plan=Plan.objects.get(code="DA06-2024"), period=ad_hoc_period(date(2024, 6, 30)))

        assert content["tasks"]["rates"]["all"] == {"done": 43, "of": 229, "percent": 18.8}
        assert content["period"] == {
            "kind": "ad_hoc",
            "year": 2024,
            "number": 182,
            "start": "2023-12-15",
            "cut_off": "2024-06-30",
        }

    def test_the_assignments_agree_with_the_dashboard_of_the_cut_off(self, plans_2024):
        plan = Plan.objects.get(code="DA06-2024")
        content = report_content(plan=plan, period=ad_hoc_period(date(2024, 6, 30)))
        dashboard = plan_summary(plan=plan, roles=WHOLE_PLAN, as_of=date(2024, 6, 30))["assignments"]

        assert content["assignments"]["done_late"] == dashboard["by_timeliness"]["done_late"]
        assert content["assignments"]["not_done_overdue"] == dashboard["by_timeliness"]["overdue"]
        assert content["assignments"]["total"] + content["assignments"]["cancelled"] == dashboard["total"]
        every_agency = [*content["agencies"]["central"]]
        every_agency += [row for region in content["agencies"]["provinces_by_region"] for row in region["rows"]]
        assert sum(row["not_done_overdue"] for row in every_agency) == dashboard["by_timeliness"]["overdue"]

    def test_the_queries_do_not_grow_with_the_agencies(self, plans_2024, quarter, django_assert_max_num_queries):
        """Five agencies or the shipped ninety: the same handful of queries."""
        with django_assert_max_num_queries(12):
            report_content(plan=quarter.plan, period=QUARTER_2)
        with django_assert_max_num_queries(12):
            report_content(plan=Plan.objects.get(code="DA06-2024"), period=ad_hoc_period(date(2024, 6, 30)))


class TestTasks:
    def test_the_four_way_split_as_it_stood_on_the_cut_off(self, content):
        # 6 tasks: #1 on time, #2 late, #3 overdue, #4 and #7 in time, #5 cancelled (apart).
        assert split(content["tasks"]) == (6, 2, 1, 1, 3, 2, 1, 1)

    def test_work_reported_after_the_cut_off_is_not_counted(self, quarter, other_staff):
        done(quarter.assignments["4-M1"], quarter.focal_points["M1"], other_staff, date(2024, 6, 15))

        content = report_content(plan=quarter.plan, period=QUARTER_2)

        assert content["tasks"]["done"] == 2
        assert content["assignments"]["done"] == 3

    def test_each_rate_names_what_it_divides_by(self, content):
        assert content["tasks"]["rates"] == {
            "all": {"done": 2, "of": 6, "percent": 33.3},
            "due_by_cut_off": {"done": 2, "of": 5, "percent": 40.0},
            "due_in_period": {"done": 2, "of": 5, "percent": 40.0},
        }

    def test_tasks_due_within_the_period_leave_out_those_due_before_it(self, quarter):
        april = report_content(plan=quarter.plan, period=ad_hoc_period(date(2024, 5, 31)))

        # A year-to-date period: everything due by 31/05 is due within it.
        assert (april["tasks"]["due_in_period"], april["tasks"]["due_in_period_done"]) == (4, 2)
        may = report_content(plan=quarter.plan, period=calendar_period("month", 2024, 6))
        # 15/05–14/06: #3, #5 (due 31/05) and #7 (due 14/06).
        assert (may["tasks"]["due_in_period"], may["tasks"]["due_in_period_done"]) == (3, 0)


class TestAssignments:
    def test_the_four_way_split_leaves_cancelled_work_apart(self, content):
        # 7 assignments: 1-M1, 3-P1 on time; 2-M2 late; 3-P2 overdue; 4-M1, 7-P3 in time; 5-M2 cancelled.
        assert split(content["assignments"]) == (6, 3, 2, 1, 3, 2, 1, 1)

    def test_a_deadline_extended_before_the_cut_off_is_not_due(self, content):
        # 4-M1's deadline moved to 31/01/2025 on 02/04.
        assert content["assignments"]["rates"]["due_by_cut_off"] == {"done": 3, "of": 5, "percent": 60.0}

    def test_ministries_apart_from_provinces_and_provinces_by_region(self, content):
        central = content["agencies"]["central"]
        regions = content["agencies"]["provinces_by_region"]

        assert [row["agency"]["code"] for row in central] == ["M1", "M2"]
        assert [(r["region"], [row["agency"]["code"] for row in r["rows"]]) for r in regions] == [
            ("red_river_delta", ["P1", "P3"]),
            ("mekong_delta", ["P2"]),
        ]

    def test_each_agency_has_its_split_and_its_rates(self, content):
        m2 = content["agencies"]["central"][1]

        assert split(m2) == (1, 1, 0, 1, 0, 0, 0, 1)
        assert m2["rates"]["all"] == {"done": 1, "of": 1, "percent": 100.0}

    def test_agencies_holding_overdue_work_are_counted_by_kind(self, content):
        assert content["agencies_with_overdue"] == {
            "total": 1,
            "central": 0,
            "provinces": 1,
            "by_kind": {"province": 1},
        }


class TestOverdue:
    def test_the_overdue_list_carries_the_explanation_given_by_then(self, content, quarter):
        (row,) = content["overdue"]["rows"]

        assert (row["assignment"], row["agency"], row["due_on"], row["days_overdue"]) == (
            quarter.assignments["3-P2"].pk,
            "P2",
            "2024-05-31",
            14,
        )
        assert row["explanation"] == {
            "reason_kind": "funding",
            "reason": "Chưa được cấp kinh phí",
            "difficulties": "",
            "committed_on": "2024-06-30",
            "answered_on": "2024-06-07",
        }

    def test_an_explanation_given_after_the_cut_off_is_not_in_it(self, quarter):
        content = report_content(plan=quarter.plan, period=ad_hoc_period(date(2024, 6, 6)))

        assert content["overdue"]["rows"][0]["explanation"] is None

    def test_the_obstacles_column_is_empty_and_says_why(self, content):
        assert content["overdue"]["rows"][0]["obstacles"] is None
        assert content["overdue"]["obstacles"] == "obstacles_not_recorded_yet"


class TestExtensionRequests:
    def test_only_the_requests_decided_within_the_period_are_listed(self, content, quarter):
        extensions = content["extension_requests"]

        assert [(row["assignment"], row["status"], row["decided_on"]) for row in extensions["rows"]] == [
            (quarter.assignments["4-M1"].pk, "approved", "2024-04-02")
        ]
        assert (extensions["approved"], extensions["rejected"]) == (1, 0)


class TestRanking:
    def test_agencies_rank_by_the_rule_and_share_a_rank_on_a_tie(self, content):
        ranking = [(row["rank"], row["agency"], row["score"]) for row in content["ranking"]["rows"]]

        assert ranking == [(1, "M1", 1.0), (1, "P1", 1.0), (3, "M2", 0.5), (4, "P3", 0.0), (5, "P2", 0.0)]

    def test_on_the_same_score_fewer_overdue_ranks_first(self, content):
        p3, p2 = content["ranking"]["rows"][3:]

        assert (p3["agency"], p3["overdue"], p2["agency"], p2["overdue"]) == ("P3", 0, "P2", 1)

    def test_the_rule_is_stated_in_the_report(self, content):
        rule = content["ranking"]["rule"]

        assert rule == {
            "weights": {"done_on_time": 1.0, "done_late": 0.5, "on_track": 0.0, "overdue": 0.0},
            "basis": "due_by_cut_off",
            "tie_break": "fewer_overdue",
        }
        assert "0,5 × số hoàn thành quá hạn" in ranking_rule_text(rule)

    @override_settings(TRACKER_REPORT_RANKING={"done_on_time": 1.0, "done_late": 1.0, "on_track": 1.0, "overdue": 0})
    def test_the_weights_come_from_settings(self, quarter):
        content = report_content(plan=quarter.plan, period=QUARTER_2)

        assert [(row["rank"], row["agency"]) for row in content["ranking"]["rows"]][-1] == (5, "P2")
        assert {row["agency"]: row["score"] for row in content["ranking"]["rows"]}["M2"] == 1.0


class TestSameFiguresEveryWay:
    def test_computed_on_the_cut_off_day_or_later_the_figures_are_the_same(self, quarter):
        with at(CUT_OFF):
            on_the_day = report_content(plan=quarter.plan, period=QUARTER_2)
        with at(date(2024, 6, 20)):
            later = report_content(plan=quarter.plan, period=QUARTER_2)

        assert on_the_day["tasks"] == later["tasks"]
        assert on_the_day == later

    def test_the_content_is_plain_json(self, content):
        assert json.loads(json.dumps(content)) == content
