"""What a report says: the Government Office's four-way split as it stood at the end of the
cut-off day, from the dashboards' own selectors, in a fixed number of queries."""

import json
from datetime import date

import pytest
from django.test import override_settings

from reports.content import WHOLE_PLAN, ranking_rule_text, report_content
from reports.periods import ad_hoc_period, calendar_period
from tasks_app.dashboards import plan_summary
from tasks_app.models import ExplanationRequest, Plan
from tasks_app.services import (
    ExplanationAnswer,
    explanation_request_answer,
    explanation_request_decide,
    obstacle_answer,
    obstacle_record,
    obstacle_resolve,
)
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

    def test_the_queries_do_not_grow_with_the_agencies(
        self, plans_2024, quarter, obstacles, django_assert_max_num_queries
    ):
        """Five agencies or the shipped ninety, with obstacles and explanations or without:
        the same handful of queries."""
        with django_assert_max_num_queries(14):
            report_content(plan=quarter.plan, period=QUARTER_2)
        with django_assert_max_num_queries(14):
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

    def test_the_obstacles_column_lists_those_open_on_the_assignment_then(self, quarter, obstacles):
        content = report_content(plan=quarter.plan, period=QUARTER_2)

        (row,) = content["overdue"]["rows"]
        assert [(o["id"], o["addressee"], o["status"]) for o in row["obstacles"]] == [
            (obstacles["to_committee"].pk, "committee", "answered"),
            (obstacles["to_m1"].pk, "M1", "open"),
        ]


@pytest.fixture
def obstacles(quarter):
    """On #3 of P2: one to Bộ M1 (01/06, answered on 20/06, after the cut-off) and one to
    the committee (03/06, answered 05/06, resolved 20/06); on #4 of M1: one resolved on
    10/06, before the cut-off, and one recorded on 20/06, after it."""
    a, fp, staff = quarter.assignments, quarter.focal_points, quarter.staff
    m1 = a["4-M1"].agency

    def record(day, assignment, focal_point, addressee, kind="obstacle"):
        with at(day):
            return obstacle_record(
                assignment=assignment, kind=kind, text=f"Vướng mắc {day:%d/%m}", addressee=addressee, actor=focal_point
            )

    made = {
        "to_m1": record(date(2024, 6, 1), a["3-P2"], fp["P2"], m1),
        "to_committee": record(date(2024, 6, 3), a["3-P2"], fp["P2"], None, kind="proposal"),
        "resolved_before": record(date(2024, 6, 2), a["4-M1"], fp["M1"], None),
    }
    with at(date(2024, 6, 5)):
        obstacle_answer(obstacle=made["to_committee"], text="Đã báo cáo Thủ tướng", actor=staff)
        obstacle_answer(obstacle=made["resolved_before"], text="Đã có hướng dẫn", actor=staff)
    with at(date(2024, 6, 10)):
        obstacle_resolve(obstacle=made["resolved_before"], resolution="resolved", actor=staff)
    with at(date(2024, 6, 20)):
        obstacle_answer(obstacle=made["to_m1"], text="Bộ Một đã trả lời", actor=fp["M1"])
        obstacle_resolve(obstacle=made["to_committee"], resolution="resolved", actor=staff)
    made["after"] = record(date(2024, 6, 20), a["4-M1"], fp["M1"], None)
    return made


class TestObstacles:
    def test_the_open_ones_at_the_cut_off_by_addressee_the_committee_first(self, quarter, obstacles):
        section = report_content(plan=quarter.plan, period=QUARTER_2)["obstacles"]

        assert (section["total"], section["open"], section["answered"]) == (2, 1, 1)
        assert [
            (group["addressee"]["code"], [row["id"] for row in group["rows"]]) for group in section["by_addressee"]
        ] == [
            ("committee", [obstacles["to_committee"].pk]),
            ("M1", [obstacles["to_m1"].pk]),
        ]

    def test_each_says_what_was_raised_and_the_answer_given_by_then(self, quarter, obstacles):
        section = report_content(plan=quarter.plan, period=QUARTER_2)["obstacles"]

        committee, m1 = (group["rows"][0] for group in section["by_addressee"])
        assert (committee["kind"], committee["agency"], committee["raised_on"], committee["answer"]) == (
            "proposal",
            "P2",
            "2024-06-03",
            "Đã báo cáo Thủ tướng",
        )
        assert (m1["status"], m1["answer"], m1["task"]["number"]) == ("open", "", 3)

    def test_one_resolved_after_the_cut_off_day_was_still_open_on_it(self, quarter, obstacles):
        before = report_content(plan=quarter.plan, period=ad_hoc_period(date(2024, 6, 9)))["obstacles"]

        ids = [row["id"] for group in before["by_addressee"] for row in group["rows"]]
        assert obstacles["resolved_before"].pk in ids
        assert obstacles["after"].pk not in ids


class TestExplanationRequests:
    def test_counted_as_they_stood_on_each_cut_off(self, quarter):
        """Asked on 05/06, answered 07/06, asked again on 10/06 to answer by 12/06, accepted on 20/06."""
        (request,) = ExplanationRequest.objects.all()
        with at(date(2024, 6, 10)):
            explanation_request_decide(
                request=request,
                decision="ask_again",
                actor=quarter.staff,
                note="Bổ sung",
                answer_due_on=date(2024, 6, 12),
            )
        with at(date(2024, 6, 20)):
            request.refresh_from_db()
            explanation_request_answer(
                request=request,
                actor=quarter.focal_points["P2"],
                answers=[
                    ExplanationAnswer(assignment=quarter.assignments["3-P2"].pk, reason_kind="funding", reason="Chờ")
                ],
            )
            explanation_request_decide(request=request, decision="accept", actor=quarter.staff)

        def counts(day):
            figures = report_content(plan=quarter.plan, period=ad_hoc_period(day))["explanation_requests"]
            return tuple(figures[key] for key in ("open", "answered", "late", "accepted", "not_explained"))

        assert counts(date(2024, 6, 4)) == (0, 0, 0, 0, 0)
        assert counts(date(2024, 6, 6)) == (1, 0, 0, 0, 1)
        assert counts(date(2024, 6, 8)) == (0, 1, 0, 0, 0)
        assert counts(date(2024, 6, 12)) == (1, 0, 0, 0, 1)
        assert counts(CUT_OFF) == (0, 0, 1, 0, 1)
        assert counts(date(2024, 6, 21)) == (0, 0, 0, 1, 0)


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
