"""A small plan whose second quarter of 2024 (15/03–14/06) holds one task of each kind the
Government Office counts, for the reports' tests."""

from dataclasses import dataclass
from datetime import date

import pytest

from agencies.models import MembershipRole, Region
from reports.periods import calendar_period
from tasks_app.models import Assignment, AssignmentRole, Plan, ReasonKind
from tasks_app.services import (
    ExplanationAnswer,
    assignment_create,
    assignment_transition,
    explanation_request_answer,
    explanation_request_create,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import AgencyFactory, PlanFactory, ProvinceFactory, TaskFactory

QUARTER_2 = calendar_period("quarter", 2024, 2)
CUT_OFF = QUARTER_2.end


@dataclass
class Quarter:
    plan: Plan
    assignments: dict[str, Assignment]
    focal_points: dict[str, object]
    staff: object


def done(assignment, focal_point, staff, reported_on: date) -> None:
    with at(reported_on):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)


@pytest.fixture
def quarter(staff) -> Quarter:
    """Tasks of plan Q2-2024, and how each stood on 14/06/2024:

    - #1, due 31/03, Bộ M1: done on time (20/03);
    - #2, due 30/04, Bộ M2: done late (reported 10/05); an extension asked and refused
      on 05/03, before the quarter;
    - #3, due 31/05, provinces P1 (done on time, 25/05) and P2 (overdue, explained on 07/06);
    - #4, due 31/12, Bộ M1: open; its deadline extended on 02/04;
    - #5, due 31/05, Bộ M2: cancelled (01/05);
    - #7, due 14/06, province P3: open, on track on its last day.
    """
    plan = PlanFactory(code="Q2-2024", title="Kế hoạch thử nghiệm quý II", year=2024)
    agencies = {
        "M1": AgencyFactory(code="M1", name="Bộ Một"),
        "M2": AgencyFactory(code="M2", name="Bộ Hai"),
        "P1": ProvinceFactory(code="P1", name="Tỉnh Một", region=Region.RED_RIVER_DELTA),
        "P2": ProvinceFactory(code="P2", name="Tỉnh Hai", region=Region.MEKONG_DELTA),
        "P3": ProvinceFactory(code="P3", name="Tỉnh Ba", region=Region.RED_RIVER_DELTA),
    }
    focal_points = {code: member(agency, MembershipRole.FOCAL_POINT, f"fp.{code}") for code, agency in agencies.items()}
    due = {1: date(2024, 3, 31), 2: date(2024, 4, 30), 3: date(2024, 5, 31), 4: date(2024, 12, 31)}
    due |= {5: date(2024, 5, 31), 7: date(2024, 6, 14)}
    tasks = {number: TaskFactory(plan=plan, number=number, due_on=day) for number, day in due.items()}
    held = {"1-M1": (1, "M1"), "2-M2": (2, "M2"), "3-P1": (3, "P1"), "3-P2": (3, "P2")}
    held |= {"4-M1": (4, "M1"), "5-M2": (5, "M2"), "7-P3": (7, "P3")}
    with at(date(2024, 1, 10)):
        assignments = {
            key: assignment_create(task=tasks[number], agency=agencies[code], role=AssignmentRole.LEAD)
            for key, (number, code) in held.items()
        }
    a, fp = assignments, focal_points
    with at(date(2024, 3, 1)):
        refused = extension_request_create(
            assignment=a["2-M2"], kind="extend", requested_due_on=date(2024, 6, 30), reason="Chờ", actor=fp["M2"]
        )
    with at(date(2024, 3, 5)):
        extension_request_decide(request=refused, approve=False, actor=staff, note="Không có căn cứ")
    done(a["1-M1"], fp["M1"], staff, date(2024, 3, 20))
    with at(date(2024, 4, 1)):
        extended = extension_request_create(
            assignment=a["4-M1"], kind="extend", requested_due_on=date(2025, 1, 31), reason="Chờ", actor=fp["M1"]
        )
    with at(date(2024, 4, 2)):
        extension_request_decide(request=extended, approve=True, actor=staff)
    with at(date(2024, 5, 1)):
        assignment_transition(assignment=a["5-M2"], action=Action.CANCEL, actor=staff, note="Không còn phù hợp")
    done(a["2-M2"], fp["M2"], staff, date(2024, 5, 10))
    done(a["3-P1"], fp["P1"], staff, date(2024, 5, 25))
    with at(date(2024, 6, 5)):
        asked = explanation_request_create(
            agency=agencies["P2"], assignments=[a["3-P2"]], actor=staff, message="Đề nghị giải trình"
        )
    with at(date(2024, 6, 7)):
        explanation_request_answer(
            request=asked,
            actor=fp["P2"],
            answers=[
                ExplanationAnswer(
                    assignment=a["3-P2"].pk,
                    reason_kind=ReasonKind.FUNDING,
                    reason="Chưa được cấp kinh phí",
                    committed_on=date(2024, 6, 30),
                )
            ],
        )
    for assignment in assignments.values():
        assignment.refresh_from_db()
    return Quarter(plan=plan, assignments=assignments, focal_points=focal_points, staff=staff)
