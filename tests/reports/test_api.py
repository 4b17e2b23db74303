"""The API over issued reports: each status code, who sees which report, the filters, and
lists whose queries do not grow with their rows."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from agencies.models import MembershipRole
from reports.models import Report
from reports.periods import calendar_period
from reports.services import report_issue
from tests.conftest import at, member
from tests.factories import AgencyFactory
from tests.reports.conftest import QUARTER_2
from tests.reports.test_services import back_dated_done

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"
LATER = date(2024, 6, 20)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, path, body=None):
    with at(LATER):
        return api(user).post(path, body or {}, format="json")


@pytest.fixture
def issued(quarter):
    with at(LATER):
        return report_issue(plan=quarter.plan, period=QUARTER_2, actor=quarter.staff)


@pytest.fixture
def outsider(db):
    """The focal point of an agency with no work in the plan."""
    return member(AgencyFactory(code="NGOAI"), MembershipRole.FOCAL_POINT, "outsider")


class TestIssue:
    def test_staff_issue_a_quarter_and_get_its_frozen_figures(self, quarter):
        response = post(quarter.staff, URL, {"plan": "Q2-2024", "kind": "quarter", "year": 2024, "number": 2})

        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["label"], body["start"], body["cut_off"], body["version"]) == (
            "Quý II năm 2024",
            "2024-03-15",
            "2024-06-14",
            1,
        )
        assert body["figures"]["tasks"]["rates"]["all"] == {"done": 2, "of": 6, "percent": 33.3}
        assert (body["issued_by"], body["is_latest"], body["changed_since_issue"]) == ("staff", True, False)
        assert "0,5 × số hoàn thành quá hạn" in body["ranking_rule"]

    def test_an_ad_hoc_report_is_issued_for_its_cut_off(self, quarter):
        response = post(quarter.staff, URL, {"plan": "Q2-2024", "kind": "ad_hoc", "cut_off": "2024-06-10"})

        assert response.status_code == 201, response.content
        assert (response.json()["label"], response.json()["year"]) == ("Đột xuất đến ngày 10/06/2024", 2024)

    def test_a_focal_point_may_not_issue(self, quarter):
        body = {"plan": "Q2-2024", "kind": "quarter", "year": 2024, "number": 2}

        response = post(quarter.focal_points["M1"], URL, body)

        assert response.status_code == 403
        assert response.json() == {"detail": "Chỉ Tổ giúp việc mới chốt số liệu báo cáo được."}
        assert not Report.objects.exists()

    def test_a_period_already_issued_is_a_409_pointing_to_a_new_version(self, quarter, issued):
        body = {"plan": "Q2-2024", "kind": "quarter", "year": 2024, "number": 2}

        response = post(quarter.staff, URL, body)

        assert response.status_code == 409
        assert "lập phiên bản mới" in response.json()["detail"]
        assert Report.objects.count() == 1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "quarter", "year": 2024, "number": 2}, "plan"),
            ({"plan": "KHONG-CO", "kind": "quarter", "year": 2024, "number": 2}, "plan"),
            ({"plan": "Q2-2024", "kind": "week", "year": 2024}, "kind"),
            ({"plan": "Q2-2024", "kind": "quarter", "year": 2024}, "number"),
            ({"plan": "Q2-2024", "kind": "quarter", "year": 2024, "number": 5}, "number"),
            ({"plan": "Q2-2024", "kind": "quarter", "year": "năm nay", "number": 2}, "year"),
            ({"plan": "Q2-2024", "kind": "quarter", "number": 2}, "year"),
            ({"plan": "Q2-2024", "kind": "year", "year": 10**20}, "year"),
            ({"plan": "Q2-2024", "kind": "ad_hoc"}, "cut_off"),
            ({"plan": "Q2-2024", "kind": "ad_hoc", "cut_off": "30/06/2024"}, "cut_off"),
            ({"plan": "Q2-2024", "kind": "month", "year": 2024, "number": 3, "cut_off": "2024-03-01"}, "cut_off"),
            # Not ended yet on 20/06/2024.
            ({"plan": "Q2-2024", "kind": "month", "year": 2024, "number": 7}, "number"),
            ({"plan": "Q2-2024", "kind": "nine_months", "year": 2024}, "year"),
            ({"plan": "Q2-2024", "kind": "ad_hoc", "cut_off": "2024-06-20"}, "cut_off"),
        ],
    )
    def test_bad_input_is_a_400_on_its_field_and_issues_nothing(self, quarter, body, field):
        response = post(quarter.staff, URL, body)

        assert response.status_code == 400
        assert list(response.json()) == [field]
        assert not Report.objects.exists()

    def test_the_field_message_is_vietnamese(self, quarter):
        response = post(quarter.staff, URL, {"plan": "Q2-2024", "kind": "month", "year": 2024})

        assert response.json() == {"number": ["Cần chọn tháng (1–12)."]}


class TestReading:
    def test_staff_read_the_frozen_figures_and_see_no_change_while_the_report_holds(self, quarter, issued):
        response = api(quarter.staff).get(f"{URL}{issued.pk}/")

        assert response.status_code == 200
        assert response.json()["figures"] == issued.figures
        assert (response.json()["changed_since_issue"], response.json()["differences"]) == (False, [])

    def test_history_recorded_later_shows_as_figures_changed_since_issue(self, quarter, issued):
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        body = api(quarter.staff).get(f"{URL}{issued.pk}/").json()

        assert body["figures"]["tasks"]["done"] == 2
        assert body["changed_since_issue"] is True
        assert {"figure": "tasks.done", "issued": 2, "now": 3} in body["differences"]

    def test_an_agencys_people_see_the_reports_of_plans_they_have_work_in(self, quarter, issued, outsider):
        focal_point = quarter.focal_points["P2"]

        assert api(focal_point).get(f"{URL}{issued.pk}/").status_code == 200
        assert [row["id"] for row in api(focal_point).get(URL).json()["results"]] == [issued.pk]
        assert api(outsider).get(f"{URL}{issued.pk}/").status_code == 404
        assert api(outsider).get(URL).json()["count"] == 0

    def test_a_malformed_id_is_a_400_and_an_unknown_one_a_404(self, quarter):
        assert api(quarter.staff).get(f"{URL}abc/").status_code == 400
        assert api(quarter.staff).get(f"{URL}999999/").status_code == 404

    def test_the_list_filters_by_plan_kind_and_year(self, quarter, issued):
        with at(LATER):
            month = report_issue(plan=quarter.plan, period=calendar_period("month", 2024, 5), actor=quarter.staff)
        client = api(quarter.staff)

        def ids(**query):
            return [row["id"] for row in client.get(URL, query).json()["results"]]

        assert ids() == [issued.pk, month.pk]
        assert ids(kind="month") == [month.pk]
        assert ids(plan="Q2-2024", year=2024, kind="quarter") == [issued.pk]
        assert ids(plan="KHAC") == []
        assert ids(year=2023) == []

    @pytest.mark.parametrize("query", [{"kind": "week"}, {"year": "x"}, {"year": 1900}, {"year": 10**20}])
    def test_a_bad_filter_is_a_400(self, quarter, query):
        assert api(quarter.staff).get(URL, query).status_code == 400

    def test_the_list_makes_no_query_per_row(self, quarter, django_assert_max_num_queries):
        for month in range(1, 6):
            with at(LATER):
                report_issue(plan=quarter.plan, period=calendar_period("month", 2024, month), actor=quarter.staff)
        client = api(quarter.focal_points["M1"])

        with django_assert_max_num_queries(5):
            response = client.get(URL)

        assert response.json()["count"] == 5

    def test_anonymous_callers_are_asked_to_sign_in(self, issued):
        assert APIClient().get(f"{URL}{issued.pk}/").status_code == 401


class TestNewVersion:
    def test_staff_issue_a_new_version_when_the_figures_changed(self, quarter, issued):
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        response = post(quarter.staff, f"{URL}{issued.pk}/new-version/")

        assert response.status_code == 201, response.content
        assert (response.json()["version"], response.json()["figures"]["tasks"]["done"]) == (2, 3)
        listed = api(quarter.staff).get(URL).json()["results"]
        assert [(row["version"], row["is_latest"]) for row in listed] == [(2, True), (1, False)]

    def test_unchanged_figures_are_a_409(self, quarter, issued):
        response = post(quarter.staff, f"{URL}{issued.pk}/new-version/")

        assert response.status_code == 409
        assert "không cần phiên bản mới" in response.json()["detail"]
        assert Report.objects.count() == 1

    def test_a_focal_point_may_not_and_an_outsider_does_not_see_it(self, quarter, issued, outsider):
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))

        assert post(quarter.focal_points["P3"], f"{URL}{issued.pk}/new-version/").status_code == 403
        assert post(outsider, f"{URL}{issued.pk}/new-version/").status_code == 404
        assert Report.objects.count() == 1
