import csv
import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, ExtensionRequest, Status
from tasks_app.services import assignment_create, assignment_transition, extension_request_create
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import AgencyFactory, PlanFactory, ProvinceFactory, TaskFactory

API = "/api/v1"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def other_assignment(task, other_agency, other_focal_point):
    with at(date(2024, 1, 15)):
        return assignment_create(task=task, agency=other_agency, role=AssignmentRole.SUPPORT, owner=other_focal_point)


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


class TestAuthentication:
    @pytest.mark.parametrize(
        "url",
        ["/assignments/", "/agencies/", "/plans/", "/tasks/", "/dashboard/summary/?plan=X", "/dashboard/overdue/"],
    )
    def test_anonymous_clients_are_refused(self, db, url):
        response = client_for().get(API + url)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"

    def test_a_token_is_issued_for_a_username_and_password_and_opens_the_api(self, focal_point, assignment):
        focal_point.set_password("mật-khẩu-đủ-dài")
        focal_point.save()

        response = client_for().post(f"{API}/auth/token/", {"username": "focal", "password": "mật-khẩu-đủ-dài"})
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

        assert client.get(f"{API}/assignments/").json()["count"] == 1

    def test_a_wrong_password_gets_no_token(self, focal_point):
        response = client_for().post(f"{API}/auth/token/", {"username": "focal", "password": "sai"})

        assert response.status_code == 401
        assert response.json() == {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."}
        assert response["WWW-Authenticate"] == "Bearer"

    def test_the_schema_and_docs_are_public(self, db):
        assert client_for().get("/api/schema/").status_code == 200
        assert client_for().get("/api/docs/").status_code == 200


class TestVisibility:
    def test_committee_staff_see_every_assignment(self, staff, assignment, other_assignment):
        assert ids(client_for(staff).get(f"{API}/assignments/")) == sorted([assignment.pk, other_assignment.pk])

    @pytest.mark.parametrize("who", ["focal_point", "leader"])
    def test_an_agencys_members_see_only_its_assignments(self, who, request, assignment, other_assignment):
        client = client_for(request.getfixturevalue(who))

        assert ids(client.get(f"{API}/assignments/")) == [assignment.pk]
        assert client.get(f"{API}/assignments/{other_assignment.pk}/").status_code == 404
        assert client.get(f"{API}/assignments/{other_assignment.pk}/events/").status_code == 404
        assert client.get(f"{API}/tasks/").json()["count"] == 1

    def test_a_user_with_no_agency_sees_nothing(self, db, assignment):
        nobody = get_user_model().objects.create_user("nobody")

        assert client_for(nobody).get(f"{API}/assignments/").json()["count"] == 0

    def test_allowed_actions_are_the_requesting_users(self, assignment, focal_point, leader, staff):
        def actions(user):
            return client_for(user).get(f"{API}/assignments/{assignment.pk}/").json()["allowed_actions"]

        assert actions(focal_point) == ["start", "report_done"]
        assert actions(leader) == []
        assert actions(staff) == ["cancel"]


class TestTransition:
    def post(self, user, assignment, **body):
        return client_for(user).post(f"{API}/assignments/{assignment.pk}/transition/", body, format="json")

    def test_a_focal_point_starts_their_assignment(self, focal_point, assignment):
        response = self.post(focal_point, assignment, action="start", note="Bắt đầu")

        assert response.status_code == 200
        assert response.json()["status"] == "in_progress"
        assert response.json()["status_label"] == "Đang thực hiện"
        assert response.json()["allowed_actions"] == ["report_done"]

    def test_a_move_not_allowed_from_the_status_is_409_and_changes_nothing(self, focal_point, staff, assignment):
        response = self.post(staff, assignment, action="accept")

        assert response.status_code == 409
        assert "detail" in response.json()
        assignment.refresh_from_db()
        assert (assignment.status, assignment.events.count()) == (Status.NOT_STARTED, 1)

    def test_a_user_without_the_right_gets_403_and_changes_nothing(self, leader, assignment):
        response = self.post(leader, assignment, action="start")

        assert response.status_code == 403
        assignment.refresh_from_db()
        assert assignment.status == Status.NOT_STARTED

    def test_a_missing_reason_is_400_on_the_note(self, staff, assignment):
        response = self.post(staff, assignment, action="cancel", note="")

        assert response.status_code == 400
        assert list(response.json()) == ["note"]
        assignment.refresh_from_db()
        assert assignment.status == Status.NOT_STARTED

    @pytest.mark.parametrize(
        "body", [{}, {"action": "fly"}, {"action": ["start"]}, {"action": "start", "note": 5 * "x" * 2000}]
    )
    def test_a_malformed_body_is_400(self, focal_point, assignment, body):
        response = self.post(focal_point, assignment, **body)

        assert response.status_code == 400
        assignment.refresh_from_db()
        assert assignment.status == Status.NOT_STARTED

    @pytest.mark.parametrize("bad_id", ["abc", "0x1", "99999999999999999999999"])
    def test_a_malformed_id_is_400(self, focal_point, bad_id):
        response = client_for(focal_point).post(f"{API}/assignments/{bad_id}/transition/", {"action": "start"})

        assert response.status_code == 400

    def test_an_assignment_of_another_agency_is_404(self, focal_point, other_assignment):
        assert self.post(focal_point, other_assignment, action="start").status_code == 404


class TestProgressAndExtensions:
    def test_a_focal_point_updates_progress(self, focal_point, assignment):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)

        response = client_for(focal_point).patch(
            f"{API}/assignments/{assignment.pk}/progress/", {"progress": 60}, format="json"
        )

        assert (response.status_code, response.json()["progress"]) == (200, 60)

    @pytest.mark.parametrize("progress", [-5, 101, "nhiều", None])
    def test_progress_out_of_range_is_400(self, focal_point, assignment, progress):
        response = client_for(focal_point).patch(
            f"{API}/assignments/{assignment.pk}/progress/", {"progress": progress}, format="json"
        )

        assert response.status_code == 400
        assert "progress" in response.json()

    def test_a_request_is_made_listed_and_decided(self, focal_point, staff, assignment):
        with at(date(2024, 6, 20)):
            created = client_for(focal_point).post(
                f"{API}/assignments/{assignment.pk}/extension-requests/",
                {"kind": "postpone", "requested_due_on": "2024-08-31", "reason": "Chờ hướng dẫn"},
                format="json",
            )
        assert created.status_code == 201

        pending = client_for(staff).get(f"{API}/extension-requests/?status=pending").json()
        assert [row["id"] for row in pending["results"]] == [created.json()["id"]]

        decided = client_for(staff).post(
            f"{API}/extension-requests/{created.json()['id']}/decide/", {"decision": "approve"}, format="json"
        )
        assert (decided.status_code, decided.json()["status"]) == (200, "approved")
        assignment.refresh_from_db()
        assert assignment.due_on == date(2024, 8, 31)

    def test_a_focal_point_cannot_decide(self, focal_point, assignment):
        request = extension_request_create(
            assignment=assignment, kind="withdraw", reason="Không còn phù hợp", actor=focal_point
        )

        response = client_for(focal_point).post(
            f"{API}/extension-requests/{request.pk}/decide/", {"decision": "approve"}, format="json"
        )

        assert response.status_code == 403
        assert ExtensionRequest.objects.get().status == "pending"

    def test_a_request_without_a_date_for_an_extension_is_400(self, focal_point, assignment):
        response = client_for(focal_point).post(
            f"{API}/assignments/{assignment.pk}/extension-requests/",
            {"kind": "extend", "reason": "Chờ hướng dẫn"},
            format="json",
        )

        assert response.status_code == 400
        assert "requested_due_on" in response.json()


class TestFilters:
    @pytest.fixture
    def rows(self, staff):
        """Three assignments that differ in every filtered field."""
        ministry = AgencyFactory(code="BTC", kind="ministry")
        province = ProvinceFactory(code="01", region="red_river_delta")
        southern = ProvinceFactory(code="79", region="southeast")
        other_plan = PlanFactory(code="CDS-TEST")
        focal = member(ministry, MembershipRole.FOCAL_POINT, "btc.focal")
        with at(date(2024, 1, 15)):
            a = assignment_create(
                task=TaskFactory(title="Cấp phiếu lý lịch tư pháp", due_on=date(2024, 3, 31)),
                agency=ministry,
                role=AssignmentRole.LEAD,
            )
            b = assignment_create(task=TaskFactory(due_on=date(2024, 9, 30)), agency=province, role="lead")
            c = assignment_create(task=TaskFactory(plan=other_plan, due_on=None), agency=southern, role="support")
        with at(date(2024, 3, 1)):
            assignment_transition(assignment=a, action=Action.START, actor=focal)
        return {"a": a.pk, "b": b.pk, "c": c.pk}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("plan=CDS-TEST", ["c"]),
            ("agency=BTC", ["a"]),
            ("agency_kind=province", ["b", "c"]),
            ("region=southeast", ["c"]),
            ("role=support", ["c"]),
            ("status=in_progress", ["a"]),
            ("timeliness=overdue", ["a", "b"]),
            ("timeliness=no_deadline", ["c"]),
            ("due_before=2024-06-30", ["a"]),
            ("due_after=2024-06-30", ["b"]),
            ("q=lý lịch", ["a"]),
        ],
    )
    def test_each_filter_selects_the_right_rows(self, staff, rows, query, expected):
        response = client_for(staff).get(f"{API}/assignments/?{query}")

        assert response.status_code == 200
        assert ids(response) == sorted(rows[name] for name in expected)

    def test_ordering_by_days_overdue_puts_the_oldest_first(self, staff, rows):
        response = client_for(staff).get(f"{API}/assignments/?timeliness=overdue&ordering=-days_overdue")

        assert [row["id"] for row in response.json()["results"]] == [rows["a"], rows["b"]]
        assert response.json()["results"][0]["days_overdue"] > response.json()["results"][1]["days_overdue"]

    @pytest.mark.parametrize(("ordering", "expected"), [("-days_overdue", "abc"), ("days_overdue", "bac")])
    def test_work_without_days_overdue_comes_last_in_either_direction(self, staff, rows, ordering, expected):
        response = client_for(staff).get(f"{API}/assignments/?ordering={ordering}")

        assert [row["id"] for row in response.json()["results"]] == [rows[key] for key in expected]

    @pytest.mark.parametrize(
        "query",
        [
            "status=bogus",
            "timeliness=late",
            "due_before=yesterday",
            "due_after=30/06/2024",
            "agency_kind=x",
            "ordering=secret",
        ],
    )
    def test_a_malformed_filter_is_400(self, staff, rows, query):
        response = client_for(staff).get(f"{API}/assignments/?{query}")

        assert response.status_code == 400


class TestQueryCounts:
    @pytest.fixture
    def many(self, agency, focal_point):
        plan = PlanFactory(code="BIG")
        with at(date(2024, 1, 15)):
            for number in range(60):
                assignment_create(
                    task=TaskFactory(plan=plan, number=number + 1), agency=agency, role="lead", owner=focal_point
                )

    @pytest.mark.parametrize(
        "url",
        [
            "/assignments/?page_size={n}",
            "/dashboard/overdue/?page_size={n}",
            "/dashboard/overdue/?as_of=2024-12-31&page_size={n}",
            "/tasks/?page_size={n}",
            "/extension-requests/?page_size={n}",
            "/agencies/?page_size={n}",
            "/dashboard/agencies/?plan=BIG&page_size={n}",
            "/dashboard/summary/?plan=BIG&as_of=2024-12-31",
        ],
    )
    @pytest.mark.parametrize("who", ["staff", "focal_point"])
    def test_a_list_runs_a_fixed_number_of_queries(self, many, who, request, url, django_assert_max_num_queries):
        client = client_for(request.getfixturevalue(who))
        with django_assert_max_num_queries(6):
            small = client.get(API + url.format(n=2))
        with django_assert_max_num_queries(6):
            large = client.get(API + url.format(n=60))

        assert small.status_code == large.status_code == 200


class TestSpreadsheetDownloads:
    @pytest.fixture
    def risky(self, agency, focal_point):
        """An assignment whose title a spreadsheet would run as a formula."""
        with at(date(2024, 1, 15)):
            return assignment_create(
                task=TaskFactory(title='=HYPERLINK("http://evil.example","bấm")', due_on=date(2024, 2, 29)),
                agency=agency,
                role="lead",
                owner=focal_point,
            )

    def test_the_csv_has_vietnamese_headers_the_filtered_rows_and_escaped_formulas(self, staff, assignment, risky):
        response = client_for(staff).get(f"{API}/assignments/?format=csv&due_before=2024-03-31")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith('attachment; filename="phan-cong-')
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["Kế hoạch", "STT", "Nhiệm vụ", "Mã cơ quan"]
        assert len(rows) == 2
        assert rows[1][2] == '\'=HYPERLINK("http://evil.example","bấm")'
        assert rows[1][8] == "29/02/2024"

    def test_the_overdue_list_downloads_as_xlsx_with_real_dates(self, staff, assignment, risky):
        plan = risky.task.plan.code
        with at(date(2024, 4, 2)):
            response = client_for(staff).get(f"{API}/dashboard/overdue/?format=xlsx&as_of=2024-03-15&plan={plan}")

        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="qua-han-{plan.lower()}-20240315.xlsx"'
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        caption = f"Phân công quá hạn, kế hoạch {plan}, số liệu tính đến hết ngày 15/03/2024"
        assert workbook.properties.title == caption
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0][0] == caption
        assert rows[2][-1] == "Số ngày quá hạn"
        assert [row[2] for row in rows[3:]] == [risky.task.title]
        assert rows[3][8].date() == date(2024, 2, 29)
        assert rows[3][-1] == 15

    def test_the_overdue_list_of_every_plan_is_named_for_its_day(self, staff, assignment):
        response = client_for(staff).get(f"{API}/dashboard/overdue/?format=csv&as_of=2024-07-01")

        assert response["Content-Disposition"] == 'attachment; filename="qua-han-tat-ca-20240701.csv"'
        assert response.content.decode("utf-8-sig").startswith("Kế hoạch,STT,")

    def test_a_focal_point_downloads_only_their_agencys_rows(self, focal_point, assignment, other_assignment):
        response = client_for(focal_point).get(f"{API}/assignments/?format=csv")

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row[3] for row in rows[1:]] == ["BCA-TEST"]

    def test_a_bad_filter_is_400_in_the_asked_format(self, staff):
        response = client_for(staff).get(f"{API}/assignments/?format=csv&status=bogus")

        assert response.status_code == 400
        assert "status" in response.content.decode("utf-8-sig")


def test_blank_ordering_keeps_the_default_order(staff, assignment, other_assignment):
    response = client_for(staff).get(f"{API}/assignments/?ordering=,,")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [assignment.pk, other_assignment.pk]


def test_an_unknown_api_path_answers_json_404(staff):
    response = client_for(staff).get(f"{API}/assignments/0.5/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_a_page_past_the_end_is_404_and_a_page_that_is_not_a_page_number_400(staff, assignment):
    past_the_end = client_for(staff).get(f"{API}/assignments/?page=9")
    assert past_the_end.status_code == 404
    assert past_the_end.json() == {"detail": "Không có trang này: danh sách có 1 trang."}

    for query in ("page=0", "page=last", "page_size=0", "page_size=501", "page_size=AAA"):
        response = client_for(staff).get(f"{API}/assignments/?{query}")
        assert response.status_code == 400, query
        assert response.json()[query.split("=")[0]][0].startswith("Cần một số nguyên từ 1 đến"), query


def test_an_empty_query_parameter_is_one_not_given(staff, assignment):
    response = client_for(staff).get(f"{API}/assignments/?page=&page_size=&as_of=&status=&ordering=")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [assignment.id]


@pytest.mark.parametrize("text", [0, True, ["a"]])
def test_text_that_is_not_text_is_refused_and_blank_text_gets_the_services_message(staff, assignment, text):
    refused = client_for(staff).post(f"{API}/assignments/{assignment.id}/comments/", {"text": text}, format="json")
    blank = client_for(staff).post(f"{API}/assignments/{assignment.id}/comments/", {"text": "  "}, format="json")

    assert (refused.status_code, refused.json()) == (400, {"text": ["Cần một đoạn văn bản."]})
    assert (blank.status_code, blank.json()) == (400, {"text": ["Cần nhập nội dung ý kiến."]})


def test_a_yes_or_no_filter_that_is_neither_is_400(staff):
    for path in ("agencies/?active=AAA", "notifications/?unread=maybe"):
        response = client_for(staff).get(f"{API}/{path}")
        assert response.status_code == 400, path
        assert response.json()[path.split("?")[1].split("=")[0]] == ["Cần “true” hoặc “false”."], path
    assert client_for(staff).get(f"{API}/agencies/?active=false").status_code == 200


def test_the_figures_of_a_plan_that_does_not_exist_are_404(staff):
    response = client_for(staff).get(f"{API}/dashboard/summary/?plan=KHONG-CO")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không có kế hoạch mã “KHONG-CO”."}


def test_the_schema_says_which_texts_may_not_be_blank(staff):
    schemas = client_for(staff).get("/api/schema/?format=json").json()["components"]["schemas"]

    for component, field in [
        ("CommentInputRequest", "text"),
        ("ObstacleInputRequest", "text"),
        ("ObstacleAnswerInputRequest", "text"),
        ("ExplanationRequestInputRequest", "message"),
    ]:
        assert schemas[component]["properties"][field] | {"maxLength": 0} == {
            "type": "string",
            "minLength": 1,
            "pattern": r"\S",
            "maxLength": 0,
        }, component


def test_a_method_the_endpoint_does_not_have_is_405_whatever_its_format(staff):
    response = client_for(staff).generic("TRACE", f"{API}/assignments/?format=csv")

    assert response.status_code == 405


def test_the_timeline_endpoint_gives_one_point_per_month(staff, assignment):
    response = client_for(staff).get(f"{API}/dashboard/timeline/?plan={assignment.task.plan.code}&period=month")

    assert response.status_code == 200
    assert len(response.json()) == 12
    assert response.json()[-1] == {"period_end": "2024-12-31", "total": 1, "done": 0, "overdue": 1}


@pytest.mark.parametrize("query", ["", "plan=PLAN-1&period=year"])
def test_the_timeline_refuses_bad_parameters(staff, query):
    PlanFactory(code="PLAN-1")

    response = client_for(staff).get(f"{API}/dashboard/timeline/?{query}")

    assert response.status_code == 400


class TestReferenceListFilters:
    @pytest.fixture
    def reference(self, staff, agency):
        province = ProvinceFactory(code="79", region="southeast")
        closed = AgencyFactory(code="OLD", is_active=False)
        plan = PlanFactory(code="CDS-X")
        with at(date(2024, 1, 15)):
            first = assignment_create(task=TaskFactory(plan=plan, group="Kinh tế số"), agency=agency, role="lead")
            second = assignment_create(task=TaskFactory(group="Xã hội số"), agency=province, role="lead")
        return {"province": province, "closed": closed, "first": first.task, "second": second.task}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [("kind=province", ["79"]), ("region=southeast", ["79"]), ("active=false", ["OLD"])],
    )
    def test_agency_filters(self, staff, reference, query, expected):
        response = client_for(staff).get(f"{API}/agencies/?{query}")

        assert [row["code"] for row in response.json()["results"]] == expected

    @pytest.mark.parametrize(
        ("query", "expected"),
        [("plan=CDS-X", "first"), ("agency=79", "second"), ("group=Xã hội số", "second")],
    )
    def test_task_filters(self, staff, reference, query, expected):
        response = client_for(staff).get(f"{API}/tasks/?{query}")

        assert [row["id"] for row in response.json()["results"]] == [reference[expected].pk]

    @pytest.mark.parametrize(("query", "expected"), [("open", {"first", "second", "half_done"}), ("done", {"done"})])
    def test_the_status_filter_keeps_the_tasks_whose_every_lead_is_done_or_the_others(
        self, staff, reference, focal_point, agency, query, expected
    ):
        province = reference["province"]
        province_focal_point = member(province, MembershipRole.FOCAL_POINT, "focal.79")
        tasks = {"first": reference["first"], "second": reference["second"]}
        with at(date(2024, 1, 15)):
            tasks["done"], tasks["half_done"] = TaskFactory(), TaskFactory()
            finished = [
                (assignment_create(task=tasks["done"], agency=agency, role="lead"), focal_point),
                (assignment_create(task=tasks["half_done"], agency=province, role="lead"), province_focal_point),
            ]
            assignment_create(task=tasks["half_done"], agency=ProvinceFactory(), role="lead")
            for assignment, reporter in finished:
                assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=reporter)
                assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)

        response = client_for(staff).get(f"{API}/tasks/?status={query}")

        by_id = {task.pk: name for name, task in tasks.items()}
        assert {by_id[row["id"]] for row in response.json()["results"]} == expected

    def test_plans_count_their_tasks_and_assignments(self, staff, reference):
        plans = {row["code"]: row for row in client_for(staff).get(f"{API}/plans/").json()["results"]}

        assert (plans["CDS-X"]["task_count"], plans["CDS-X"]["assignment_count"]) == (1, 1)

    @pytest.mark.parametrize(("query", "expected"), [("agency=79", "second"), ("kind=ministry", "first")])
    def test_overdue_filters(self, staff, reference, query, expected):
        response = client_for(staff).get(f"{API}/dashboard/overdue/?{query}")

        assert [row["task"]["id"] for row in response.json()["results"]] == [reference[expected].pk]

    def test_the_agency_dashboard_sorts_and_filters(self, staff, reference, focal_point):
        first = reference["first"].assignments.get()
        assignment_transition(assignment=first, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=first, action=Action.ACCEPT, actor=staff)

        rows = client_for(staff).get(f"{API}/dashboard/agencies/?ordering=-completion_rate").json()["results"]
        provinces = client_for(staff).get(f"{API}/dashboard/agencies/?kind=province").json()["results"]

        assert [(row["agency"]["code"], row["completion_rate"]) for row in rows] == [("BCA-TEST", 100.0), ("79", 0.0)]
        assert [row["agency"]["code"] for row in provinces] == ["79"]


@pytest.mark.parametrize("endpoint", ["summary", "agencies", "timeline"])
def test_a_plan_code_the_database_cannot_hold_is_a_bad_request(endpoint, staff):
    client = APIClient()
    client.force_authenticate(staff)

    response = client.get(f"/api/v1/dashboard/{endpoint}/", {"plan": "DA06\x00"})

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_status_change_through_the_api_reads_the_roles_once_and_makes_at_most_11_queries(
    assignment, focal_point, django_assert_max_num_queries
):
    client = APIClient()
    client.force_authenticate(focal_point)

    # Besides the change itself: whether the user is a read-only system (a write), today's
    # counts (tasks_app.counts) and the webhook endpoints that want to hear of it.
    with django_assert_max_num_queries(11):
        response = client.post(f"/api/v1/assignments/{assignment.pk}/transition/", {"action": "start"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
