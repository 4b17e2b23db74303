"""The dashboard page at /: the same figures as the API's dashboard endpoints, scoped to
who is looking, drawn server-side."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse

from agencies.models import Agency
from agencies.selectors import user_roles
from tasks_app import charts
from tasks_app.dashboards import period_ends, plan_timeline
from tasks_app.models import AssignmentRole, Timeliness
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.snapshots import snapshot_write
from tasks_app.workflow import Action
from tests.conftest import at, committee_staff
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PlanFactory,
    ProvinceFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JUNE_30 = date(2024, 6, 30)
# Measured on both data sizes below and on the 2024 fixtures: session and user (2), the
# plans (1), the user's roles (2), the summary (3), two agency tables (3 each), the overdue
# list (2), the explanation requests' counts (1), the unread-notifications badge (1),
# committee staff's three desk counts in the header (3) and the burn-up's look for
# snapshots (1), then its points: from the snapshots or, without them, from the event log (1).
FIXED_QUERIES = 22
# The burn-up's points: the Sundays from 07/01/2024 and the last day.
POINTS_TO_END_OF_JUNE, POINTS_TO_END_OF_JULY = 26, 31


def page(client, user, query=""):
    client.force_login(user)
    return client.get(f"{reverse('dashboard')}?{query}")


def text_of(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no element #{element_id}"
    return unescape(match.group(1)).strip()


def table(html, table_id):
    match = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert match, f"no table #{table_id}"
    return match.group(1)


def row_headers(table_html):
    """The agency names of a table's rows, in order."""
    return [
        unescape(re.sub(r"<[^>]+>", "", name)).strip() for name in re.findall(r'<th scope="row">(.*?)</th>', table_html)
    ]


def cells(table_html):
    """Each body row's cells (header cell first), as text."""
    body = table_html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def assign(task, agency, owner=None, role=AssignmentRole.LEAD):
    with at(date(2024, 1, 15)):
        return assignment_create(task=task, agency=agency, role=role, owner=owner)


# --- Small data, built per test -------------------------------------------------------


@pytest.fixture
def two_agencies(assignment, other_agency, other_focal_point):
    """One overdue assignment at each of two ministries, in the same plan, by 15/07/2024."""
    other = assign(TaskFactory(plan=assignment.task.plan, due_on=date(2024, 5, 31)), other_agency, other_focal_point)
    return assignment, other


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("plan=NOPE", "Không có kế hoạch với mã này."),
        ("as_of=2024-13-45", "Ngày không hợp lệ"),
        ("as_of=30/06/2024", "Ngày không hợp lệ"),
        ("as_of=9999-12-31", "Ngày phải trong khoảng"),
        ("region=atlantis", "Không có vùng này."),
        ("sort=title", "Không sắp xếp được theo cột này."),
        ("overdue_page=0", "Trang phải từ 1 trở lên."),
        ("overdue_page=two", "Trang phải là một số nguyên dương."),
        ("agency=NOPE", "Không có cơ quan với mã này."),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, staff, assignment, query, message):
    response = page(client, staff, query)

    assert response.status_code == 400
    errors = re.search(
        r'<div class="message error" role="alert" id="form-errors">(.*?)</div>', response.content.decode(), re.S
    )
    assert message in unescape(errors.group(1))
    assert 'id="tasks-done"' not in response.content.decode()


def test_without_plans_the_page_says_so(client, staff):
    response = page(client, staff)

    assert response.status_code == 200
    assert "Chưa có kế hoạch nào." in response.content.decode()


def test_the_default_is_the_newest_plan_as_of_today(client, staff, assignment):
    PlanFactory(code="OLD-2023", year=2023)

    response = page(client, staff)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{assignment.task.plan.code}" selected>' in html
    assert text_of(html, "tasks-done") == "0/1"


def test_a_focal_point_sees_only_their_agencys_rows(client, focal_point, two_agencies):
    mine, theirs = two_agencies

    html = page(client, focal_point, f"plan={mine.task.plan.code}&as_of=2024-07-15").content.decode()

    assert row_headers(table(html, "agencies-central")) == [str(mine.agency)]
    assert [row[0] for row in cells(table(html, "overdue-list"))] == [str(mine.agency)]
    assert str(theirs.agency) not in html
    assert "Bạn đang xem số liệu của cơ quan mình." in html


def test_committee_staff_see_every_agency_most_overdue_first(client, staff, two_agencies):
    mine, theirs = two_agencies

    html = page(client, staff, f"plan={mine.task.plan.code}&as_of=2024-07-15").content.decode()

    overdue = cells(table(html, "overdue-list"))
    assert [(row[0], row[2], row[3]) for row in overdue] == [
        (str(theirs.agency), "31/05/2024", "45"),
        (str(mine.agency), "30/06/2024", "15"),
    ]
    assert overdue[0][1].startswith(f"{theirs.task.plan.code} #{theirs.task.number}: ")
    assert overdue[0][4] == "other.focal"


def overdue_agency_link(html, agency) -> str:
    overdue = table(html, "overdue-list")
    href = re.search(rf'<td><a href="([^"]+)">{re.escape(str(agency))}</a></td>', overdue).group(1)
    return reverse("dashboard") + unescape(href).split("#")[0]


def test_an_agency_in_the_overdue_list_opens_its_own_overdue_list_on_the_same_plan_and_day(
    client, staff, two_agencies, django_assert_max_num_queries
):
    mine, theirs = two_agencies
    plan = mine.task.plan
    html = page(client, staff, f"plan={plan.code}&as_of=2024-07-15").content.decode()
    link = overdue_agency_link(html, theirs.agency)

    with django_assert_max_num_queries(FIXED_QUERIES + 1):
        response = client.get(link)

    assert response.status_code == 200
    filtered = response.content.decode()
    assert [row[0] for row in cells(table(filtered, "overdue-list"))] == [str(theirs.agency)]
    assert f"Chỉ các phân công quá hạn của {theirs.agency}." in unescape(text_of(filtered, "overdue-agency"))
    assert f'<option value="{plan.code}" selected>' in filtered
    assert 'value="2024-07-15"' in filtered
    assert f'name="agency" value="{theirs.agency.code}"' in filtered
    assert set(row_headers(table(filtered, "agencies-central"))) == {str(theirs.agency), str(mine.agency)}
    xlsx = unescape(re.search(r'<a href="([^"]+)" id="overdue-xlsx">', filtered).group(1))
    assert f"agency={theirs.agency.code}" in xlsx
    everyone = re.search(r'<a href="([^"]+)">Xem của mọi cơ quan</a>', filtered).group(1)
    everyone = client.get(reverse("dashboard") + unescape(everyone).split("#")[0]).content.decode()
    assert len(cells(table(everyone, "overdue-list"))) == 2


def test_the_excel_link_downloads_the_same_overdue_list(client, staff, two_agencies):
    plan = two_agencies[0].task.plan
    html = page(client, staff, f"plan={plan.code}&as_of=2024-07-15").content.decode()
    link = unescape(re.search(r'<a href="([^"]+)" id="overdue-xlsx">Tải Excel</a>', html).group(1))

    response = client.get(link)

    assert link == f"/api/v1/dashboard/overdue/?plan={plan.code}&as_of=2024-07-15&format=xlsx"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_province_table_keeps_provinces_and_filters_by_region(client, staff, assignment):
    north = ProvinceFactory(name="Tỉnh Bắc thử nghiệm", region="red_river_delta")
    south = ProvinceFactory(name="Tỉnh Nam thử nghiệm", region="mekong_delta")
    for province in (north, south):
        assign(TaskFactory(plan=assignment.task.plan), province)
    query = f"plan={assignment.task.plan.code}&as_of=2024-07-15"

    everywhere = page(client, staff, query).content.decode()
    south_only = page(client, staff, f"{query}&region=mekong_delta").content.decode()

    assert row_headers(table(everywhere, "agencies-central")) == [str(assignment.agency)]
    assert sorted(row_headers(table(everywhere, "agencies-provinces"))) == [north.name, south.name]
    assert row_headers(table(south_only, "agencies-provinces")) == [south.name]
    assert row_headers(table(south_only, "agencies-central")) == [str(assignment.agency)]


def test_merged_agencies_roll_up_under_their_successor(client, staff, assignment):
    successor = AgencyFactory(name="Bộ kế thừa")
    assignment.agency.successor = successor
    assignment.agency.save()
    query = f"plan={assignment.task.plan.code}&as_of=2024-07-15"

    separate = page(client, staff, query).content.decode()
    rolled_up = page(client, staff, f"{query}&roll_up=on").content.decode()

    assert row_headers(table(separate, "agencies-central")) == [str(assignment.agency)]
    assert row_headers(table(rolled_up, "agencies-central")) == ["Bộ kế thừa"]


class TestQueryCount:
    """The page's queries do not grow with agencies, overdue rows or weeks."""

    def build(self, size, agency):
        """`size` ministries and `size` provinces, each with an overdue assignment, and
        `agency` supporting every task."""
        plan = PlanFactory(code=f"SIZE-{size}")
        owner = UserFactory(username=f"owner{size}")
        for number in range(size):
            task = TaskFactory(plan=plan, number=number + 1, due_on=date(2024, 3, 1) + timedelta(days=number))
            ministry, province = AgencyFactory(), ProvinceFactory()
            for held_by in (ministry, province):
                MembershipFactory(agency=held_by, user=owner)
            assign(task, ministry, owner)
            assign(task, agency, role=AssignmentRole.SUPPORT)
            assign(TaskFactory(plan=plan, number=size + number + 1), province, owner)
        return plan

    @pytest.mark.parametrize("who", ["staff", "focal_point"])
    def test_the_same_bound_holds_for_3_and_60_agencies(
        self, client, agency, who, request, django_assert_max_num_queries
    ):
        user = request.getfixturevalue(who)
        small, large = self.build(3, agency), self.build(60, agency)
        client.force_login(user)

        for plan in (small, large):
            with django_assert_max_num_queries(FIXED_QUERIES):
                response = client.get(f"/?plan={plan.code}&as_of=2024-07-31&sort=overdue")
            assert response.status_code == 200

    def test_staff_see_all_the_rows_within_the_bound(self, client, staff, agency, django_assert_max_num_queries):
        plan = self.build(60, agency)
        client.force_login(staff)

        with django_assert_max_num_queries(FIXED_QUERIES):
            html = client.get(f"/?plan={plan.code}&as_of=2024-07-31").content.decode()

        assert len(cells(table(html, "agencies-central"))) == 61  # and `agency`, which supports every task
        assert len(cells(table(html, "agencies-provinces"))) == 60
        assert len(cells(table(html, "overdue-list"))) == 50
        assert "Phân công 1–50 trong tổng số 180 phân công quá hạn" in html

        with django_assert_max_num_queries(FIXED_QUERIES):
            last = client.get(f"/?plan={plan.code}&as_of=2024-07-31&overdue_page=4").content.decode()

        assert len(cells(table(last, "overdue-list"))) == 30
        assert "Phân công 151–180 trong tổng số 180 phân công quá hạn" in last
        assert "Trang 4/4" in last
        assert f"?plan={plan.code}&amp;as_of=2024-07-31&amp;overdue_page=3#overdue-heading" in last
        assert "overdue_page=5" not in last

    def test_with_the_nightly_snapshots_the_bound_holds_too(self, client, staff, agency, django_assert_max_num_queries):
        plan = self.build(60, agency)
        for day in [*period_ends(year=2024, period="week")[: POINTS_TO_END_OF_JULY - 1], date(2024, 7, 31)]:
            snapshot_write(day=day)
        client.force_login(staff)

        with django_assert_max_num_queries(FIXED_QUERIES):
            html = client.get(f"/?plan={plan.code}&as_of=2024-07-31").content.decode()

        assert len(re.search(r'class="line-done" points="([^"]+)"', html).group(1).split()) == POINTS_TO_END_OF_JULY


# --- The shipped 2024 fixtures, loaded once ------------------------------------------


@pytest.fixture
def staff_2024(plans_2024, db):
    return committee_staff("committee.2024")


@pytest.mark.usefixtures("plans_2024")
class TestThe2024Plans:
    @pytest.mark.parametrize(("plan", "done"), [("DA06-2024", "43/229"), ("CDS-2024", "19/79")])
    def test_the_page_shows_the_reported_figures(self, client, staff_2024, plan, done):
        response = page(client, staff_2024, f"plan={plan}&as_of=2024-06-30")

        assert response.status_code == 200
        assert text_of(response.content.decode(), "tasks-done") == done

    @pytest.mark.parametrize("plan", ["DA06-2024", "CDS-2024"])
    def test_the_figures_are_the_apis(self, client, staff_2024, plan):
        query = f"plan={plan}&as_of=2024-06-30"
        html = page(client, staff_2024, query).content.decode()
        api = client.get(f"/api/v1/dashboard/summary/?{query}").json()

        assert text_of(html, "tasks-done") == f"{api['tasks']['done']}/{api['tasks']['total']}"
        assert int(text_of(html, "tasks-due")) == api["tasks"]["due"]
        assert int(text_of(html, "assignments-total")) == api["assignments"]["total"]
        for timeliness in Timeliness.values:
            assert int(text_of(html, f"timeliness-{timeliness}")) == api["assignments"]["by_timeliness"][timeliness]

    def test_the_agency_tables_are_the_apis(self, client, staff_2024):
        html = page(client, staff_2024, "plan=DA06-2024&as_of=2024-06-30&sort=-overdue").content.decode()
        api = client.get(
            "/api/v1/dashboard/agencies/?plan=DA06-2024&as_of=2024-06-30&kind=province&ordering=-overdue&page_size=100"
        )

        names = {agency.code: str(agency) for agency in Agency.objects.all()}
        provinces = cells(table(html, "agencies-provinces"))
        expected = [
            [names[row["agency"]["code"]], row["total"], row["done"], row["overdue"]] for row in api.json()["results"]
        ]
        assert len(provinces) == 63
        assert [[row[0], int(row[1]), int(row[2]), int(row[6])] for row in provinces] == expected
        assert len(cells(table(html, "agencies-central"))) > 0

    def test_sorting_by_a_column_changes_the_order(self, client, staff_2024):
        query = "plan=DA06-2024&as_of=2024-06-30"
        by_total = cells(table(page(client, staff_2024, f"{query}&sort=-total").content.decode(), "agencies-provinces"))
        by_overdue = cells(
            table(page(client, staff_2024, f"{query}&sort=overdue").content.decode(), "agencies-provinces")
        )

        totals, overdue = [int(row[1]) for row in by_total], [int(row[6]) for row in by_overdue]
        assert totals == sorted(totals, reverse=True)
        assert overdue == sorted(overdue)
        assert [row[0] for row in by_total] != [row[0] for row in by_overdue]

    def test_the_headers_link_to_the_other_direction_and_keep_the_query(self, client, staff_2024):
        html = page(client, staff_2024, "plan=CDS-2024&as_of=2024-06-30&region=southeast&sort=-total").content.decode()

        header = re.search(r'<th scope="col" class="number" aria-sort="descending">\s*<a href="([^"]+)"', html)
        assert header
        link = unescape(header.group(1))
        assert link.startswith("?")
        assert "#agencies-" in link
        assert set(link[1:].split("#")[0].split("&")) == {
            "plan=CDS-2024",
            "as_of=2024-06-30",
            "region=southeast",
            "sort=total",
        }

    def test_the_overdue_list_shows_50_most_overdue_first(self, client, staff_2024):
        html = page(client, staff_2024, "plan=DA06-2024&as_of=2024-06-30").content.decode()

        rows = cells(table(html, "overdue-list"))
        days = [int(row[3]) for row in rows]
        assert 0 < len(rows) <= 50
        assert days == sorted(days, reverse=True)
        assert all(row[1].startswith("DA06-2024 #") for row in rows)

    def test_the_burn_up_stops_at_the_as_of_day(self, client, staff_2024):
        html = page(client, staff_2024, "plan=DA06-2024&as_of=2024-06-30").content.decode()

        burnup = re.search(r'<figure class="burnup">(.*?)</figure>', html, re.S).group(1)
        done = re.search(r'<polyline class="line-done" points="([^"]+)"', burnup).group(1).split()
        total = re.search(r'<polyline class="line-total" points="([^"]+)"', burnup).group(1).split()
        assert len(done) == len(total) == 26  # the Sundays from 07/01 to 30/06/2024
        assert 'role="img"' in burnup
        assert "30/06/2024" in burnup
        assert all(re.fullmatch(r"[\d.]+,[\d.]+", point) for point in done)

    def test_the_full_2024_plan_renders_within_the_query_bound(self, client, staff_2024, django_assert_max_num_queries):
        # How fast it renders is measured by bench/pages.py, on PostgreSQL, not asserted here.
        client.force_login(staff_2024)

        with django_assert_max_num_queries(FIXED_QUERIES):
            response = client.get("/?plan=DA06-2024&as_of=2024-06-30")

        assert response.status_code == 200
        assert len(cells(table(response.content.decode(), "overdue-list"))) > 0


# --- Chart coordinates ---------------------------------------------------------------


def test_a_stacked_bar_splits_its_width_in_proportion():
    segments = charts.stacked_bar([("a", "A", 1), ("b", "B", 3), ("c", "C", 0)], width=100)

    assert [(s.key, s.x, s.width, s.percent) for s in segments] == [
        ("a", 0, 25, 25),
        ("b", 25, 75, 75),
        ("c", 100, 0, 0),
    ]


def test_a_stacked_bar_of_nothing_is_empty():
    assert [s.width for s in charts.stacked_bar([("a", "A", 0), ("b", "B", 0)])] == [0, 0]


@pytest.mark.parametrize(("rate", "width"), [(None, 0), (0, 0), (45.5, 45.5), (100, 100), (120, 100)])
def test_a_rate_bar_is_as_long_as_its_percentage(rate, width):
    assert charts.rate_width(rate) == width


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (10, [0, 5, 10]), (229, [0, 100, 200, 300]), (1736, [0, 500, 1000, 1500, 2000])],
)
def test_axis_ticks_are_round(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_burn_up_coordinates():
    points = [
        {"period_end": date(2024, 1, 1), "done": 0, "total": 4},
        {"period_end": date(2024, 12, 31), "done": 2, "total": 4},
    ]

    chart = charts.burnup(
        points, start=date(2024, 1, 1), end=date(2024, 12, 31), width=110, height=60, margin=(0, 0, 10, 10)
    )

    # x from 10 to 110 over the year; y from 50 (zero) up to 0 (four, the top tick).
    assert chart.done_points == "10,50 110,25"
    assert chart.total_points == "10,0 110,0"
    assert [(t.position, t.label) for t in chart.y_ticks] == [(50, "0"), (37.5, "1"), (25, "2"), (12.5, "3"), (0, "4")]
    assert [t.label for t in chart.x_ticks] == ["01/01", "01/04", "01/07", "01/10", "31/12"]
    assert chart.x_ticks[0].position == 10
    assert chart.x_ticks[-1].position == 110
    assert chart.last.done == 2


def test_a_burn_up_without_points_has_nothing_to_draw():
    chart = charts.burnup([], start=date(2024, 1, 1), end=date(2024, 12, 31))

    assert chart.points == []
    assert chart.last is None
    assert chart.done_points == ""


# --- plan_timeline(until=...), which the burn-up uses ---------------------------------


def test_the_timeline_stops_at_until(staff, assignment):
    points = plan_timeline(plan=assignment.task.plan, roles=user_roles(staff), period="month", until=date(2024, 3, 15))

    assert [point["period_end"] for point in points] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 15)]
    assert points[-1] == {"period_end": date(2024, 3, 15), "total": 1, "done": 0, "overdue": 0}


def test_a_timeline_until_a_later_day_is_the_whole_timeline(staff, assignment):
    plan, roles = assignment.task.plan, user_roles(staff)

    assert plan_timeline(plan=plan, roles=roles, period="month", until=date(2099, 1, 1)) == plan_timeline(
        plan=plan, roles=roles, period="month"
    )


def test_the_overdue_list_and_its_download_filter_by_kind_of_agency(client, staff, agency):
    province = ProvinceFactory()
    plan = PlanFactory(code="LOC-2024")
    assign(TaskFactory(plan=plan, number=1, due_on=date(2024, 3, 1)), agency)
    assign(TaskFactory(plan=plan, number=2, due_on=date(2024, 3, 2)), province)
    client.force_login(staff)

    html = client.get(f"/?plan={plan.code}&as_of=2024-06-30&kind=province").content.decode()

    overdue = table(html, "overdue-list")
    assert str(province) in overdue
    assert str(agency) not in overdue
    assert "kind=province" in re.search(r'href="([^"]*format=xlsx[^"]*)"', html).group(1)


def test_the_agency_tables_total_is_the_basis_of_its_rate_and_cancelled_work_is_counted_apart(
    client, staff, focal_point, assignment
):
    plan = assignment.task.plan
    done, cancelled = (assign(TaskFactory(plan=plan), assignment.agency, focal_point) for _ in range(2))
    with at(date(2024, 3, 1)):
        assignment_transition(assignment=done, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=done, action=Action.ACCEPT, actor=staff)
        assignment_transition(assignment=cancelled, action=Action.CANCEL, actor=staff, note="Không còn phù hợp")
    query = f"plan={plan.code}&as_of=2024-07-15"

    html = page(client, staff, query).content.decode()
    (api,) = client.get(f"/api/v1/dashboard/agencies/?{query}").json()["results"]

    (row,) = cells(table(html, "agencies-central"))
    assert (row[1], row[2], row[7], row[8]) == ("2", "1", "1", "50,0")
    assert (api["total"], api["done"], api["cancelled"], api["completion_rate"]) == (2, 1, 1, 50.0)
    assert "tỷ lệ hoàn thành là số hoàn thành chia cho tổng số đó" in text_of(html, "agencies-basis")


def test_an_agencys_people_lead_with_their_own_work_beside_the_tasks_done_everywhere(
    client, focal_point, staff, agency, other_agency, two_agencies
):
    """One task led by another agency, which we support: our part reported and accepted, the
    lead still open. Our work is done; the task is not, until its lead is."""
    mine, _theirs = two_agencies
    shared = TaskFactory(plan=mine.task.plan, due_on=date(2024, 6, 30))
    ours = assign(shared, agency, focal_point, role=AssignmentRole.SUPPORT)
    assign(shared, other_agency)
    with at(date(2024, 6, 20)):
        assignment_transition(assignment=ours, action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=ours, action=Action.ACCEPT, actor=staff)

    as_focal_point = page(client, focal_point, f"plan={mine.task.plan.code}&as_of=2024-07-15").content.decode()
    as_staff = page(client, staff, f"plan={mine.task.plan.code}&as_of=2024-07-15").content.decode()

    assert f'<strong id="own-done">1/2</strong>\n      phân công của {agency} đã hoàn thành' in unescape(as_focal_point)
    assert '<strong id="tasks-done">0/2</strong>' in as_focal_point
    assert "khi mọi cơ quan được giao chủ trì đều đã xong" in as_focal_point
    assert 'id="own-done"' not in as_staff
