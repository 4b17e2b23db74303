"""The reports' pages: the list (drafts for committee staff, issued reports for everyone
who reads them), a draft and its issue, an issued report with what changed since and its
new version, the ad-hoc form; refusals on the page, in words, and nothing stored."""

import re
from datetime import date
from html import unescape

import pytest

from agencies.models import MembershipRole
from reports.models import Report
from reports.periods import ad_hoc_period
from reports.services import report_issue
from tasks_app.models import Plan
from tests.conftest import at, member
from tests.factories import AgencyFactory, PlanFactory, UserFactory
from tests.reports.conftest import QUARTER_2
from tests.reports.test_services import back_dated_done

pytestmark = pytest.mark.django_db
DAY = date(2024, 7, 1)
LIST = "/reports/"
Q2_DRAFT = "/reports/draft/Q2-2024/quarter/2024/2/"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def get(client, path, day=DAY, **query):
    with at(day):
        return client.get(path, query)


def post(client, path, day=DAY, **data):
    with at(day):
        return client.post(path, data)


def issued(quarter, period=QUARTER_2, day=DAY) -> Report:
    with at(day):
        return report_issue(plan=quarter.plan, period=period, actor=quarter.staff)


def list_rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in body.split("<tr>")[1:]]


class TestTheList:
    def test_staff_see_each_ended_period_as_a_draft_or_issued(self, client, quarter):
        issued(quarter)
        client.force_login(quarter.staff)

        rows = list_rows(get(client, LIST, plan="Q2-2024"))

        # Six months, two quarters and the first half of 2024 ended by 01/07/2024; no 2023 (a plan of 2024).
        assert len(rows) == 9
        assert rows[0] == "Tháng 6 năm 2024 Báo cáo tháng Q2-2024 15/05/2024 – 14/06/2024 Dự thảo"
        (quarter_2,) = [row for row in rows if row.startswith("Quý II năm 2024")]
        assert "Đã chốt số liệu phiên bản 1, staff" in quarter_2

    def test_the_filters_narrow_the_list(self, client, quarter):
        client.force_login(quarter.staff)

        rows = list_rows(get(client, LIST, plan="Q2-2024", kind="quarter", year=2024))

        assert [row.split(" Báo cáo quý")[0] for row in rows] == ["Quý II năm 2024", "Quý I năm 2024"]

    def test_a_bad_filter_is_refused_in_words(self, client, quarter):
        client.force_login(quarter.staff)

        response = get(client, LIST, kind="week", year="abc")

        assert response.status_code == 400
        assert "Không có loại kỳ báo cáo này." in text(response)
        assert "Năm phải là một số." in text(response)

    def test_an_agency_sees_the_issued_reports_of_its_plans_and_no_draft(self, client, quarter):
        issued(quarter)
        PlanFactory(code="OTHER-2024", year=2024)
        client.force_login(quarter.focal_points["P2"])

        response = get(client, LIST)

        assert [row.split(" Báo cáo")[0] for row in list_rows(response)] == ["Quý II năm 2024"]
        assert "Dự thảo" not in text(response)
        assert "/reports/ad-hoc/" not in response.content.decode()

    def test_someone_of_no_agency_may_not_read_reports(self, client, quarter):
        client.force_login(UserFactory(username="nobody"))

        assert get(client, LIST).status_code == 403

    def test_the_header_links_to_the_reports_for_their_readers(self, client, quarter):
        client.force_login(quarter.focal_points["P1"])

        assert 'id="nav-reports"' in get(client, "/my/").content.decode()

    def test_its_queries_do_not_grow_with_the_reports(self, client, quarter, django_assert_max_num_queries):
        client.force_login(quarter.staff)
        issued(quarter)
        with django_assert_max_num_queries(10):
            get(client, LIST)
        issued(quarter, period=QUARTER_2.previous())
        with django_assert_max_num_queries(10):
            get(client, LIST)


class TestADraft:
    def test_staff_read_the_live_figures(self, client, quarter):
        client.force_login(quarter.staff)

        response = get(client, Q2_DRAFT)

        assert response.status_code == 200
        page = text(response)
        assert "Dự thảo: Báo cáo kết quả thực hiện Kế hoạch thử nghiệm quý II — Quý II năm 2024" in page
        assert "Đã hoàn thành 2/6 nhiệm vụ." in page
        assert "Chốt số liệu và ban hành — Q2-2024 · Quý II năm 2024" in page

    def test_staff_issue_it_and_land_on_the_issued_report(self, client, quarter):
        client.force_login(quarter.staff)

        response = post(client, Q2_DRAFT)

        report = Report.objects.get()
        assert (response.status_code, response.url) == (302, f"/reports/{report.pk}/")
        assert (report.kind, report.number, report.version, report.issued_by) == ("quarter", 2, 1, quarter.staff)

    def test_an_issued_period_is_refused_with_409_and_nothing_more_stored(self, client, quarter):
        issued(quarter)
        client.force_login(quarter.staff)

        response = post(client, Q2_DRAFT)

        assert response.status_code == 409
        assert "Kỳ báo cáo này đã được chốt số liệu (phiên bản 1)" in text(response)
        assert Report.objects.count() == 1

    def test_a_period_not_yet_ended_is_refused_with_400(self, client, quarter):
        client.force_login(quarter.staff)

        response = post(client, Q2_DRAFT, day=QUARTER_2.end)

        assert response.status_code == 400
        assert "Kỳ báo cáo chưa kết thúc: số liệu tính đến hết ngày 14/06/2024, chốt được từ ngày hôm sau." in text(
            response
        )
        assert not Report.objects.exists()

    def test_an_agency_may_neither_read_nor_issue_a_draft(self, client, quarter):
        client.force_login(quarter.focal_points["P2"])

        response = get(client, Q2_DRAFT)

        assert response.status_code == 403
        assert "Dự thảo báo cáo chỉ dành cho Tổ giúp việc" in text(response)
        assert post(client, Q2_DRAFT).status_code == 403
        assert not Report.objects.exists()

    @pytest.mark.parametrize(
        "path",
        [
            "/reports/draft/NONE/quarter/2024/2/",
            "/reports/draft/Q2-2024/quarter/2024/5/",
            "/reports/draft/Q2-2024/ad_hoc/2024/1/",
        ],
    )
    def test_a_period_that_does_not_exist_is_not_found(self, client, quarter, path):
        client.force_login(quarter.staff)

        assert get(client, path).status_code == 404


class TestAnAdHocReport:
    def test_staff_choose_a_cut_off_read_the_draft_and_issue_it(self, client, quarter):
        client.force_login(quarter.staff)

        draft = get(client, "/reports/ad-hoc/", plan="Q2-2024", cut_off="2024-06-06")
        response = post(client, "/reports/ad-hoc/", plan="Q2-2024", cut_off="2024-06-06")

        assert "Đột xuất đến ngày 06/06/2024" in text(draft)
        report = Report.objects.get()
        assert (report.kind, report.cut_off, response.url) == ("ad_hoc", date(2024, 6, 6), f"/reports/{report.pk}/")

    def test_a_missing_or_future_cut_off_is_refused_beside_its_field(self, client, quarter):
        client.force_login(quarter.staff)

        missing = get(client, "/reports/ad-hoc/", plan="Q2-2024", cut_off="")
        future = post(client, "/reports/ad-hoc/", plan="Q2-2024", cut_off="2024-07-05")

        assert (missing.status_code, future.status_code) == (400, 400)
        assert "Cần chọn ngày tính số liệu." in text(missing)
        assert "Kỳ báo cáo chưa kết thúc" in text(future)
        assert '<a href="#id_cut_off">' in future.content.decode()
        assert not Report.objects.exists()


class TestAnIssuedReport:
    def test_it_shows_its_frozen_tables_downloads_and_no_change(self, client, quarter):
        report = issued(quarter)
        client.force_login(quarter.staff)

        response = get(client, f"/reports/{report.pk}/")

        page, html = text(response), response.content.decode()
        assert "Đã chốt số liệu phiên bản 1, staff chốt lúc" in page
        for kind in ("docx", "xlsx", "pdf"):
            assert f'href="/api/v1/reports/{report.pk}/document/?format={kind}"' in html
        assert "Số liệu không thay đổi kể từ khi chốt." in page
        assert 'id="new-version"' not in html

    def test_back_dated_history_shows_the_differences_and_staff_issue_a_new_version(self, client, quarter):
        report = issued(quarter)
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))
        client.force_login(quarter.staff)

        page = get(client, f"/reports/{report.pk}/")
        response = post(client, f"/reports/{report.pk}/new-version/")

        assert "Số liệu đã thay đổi kể từ khi chốt" in text(page)
        assert "Nhiệm vụ — Đã hoàn thành" in text(page)
        newer = Report.objects.get(version=2)
        assert response.url == f"/reports/{newer.pk}/"
        assert Report.objects.filter(pk=report.pk, version=1).exists()

    def test_a_new_version_of_unchanged_figures_is_refused_with_409(self, client, quarter):
        report = issued(quarter)
        client.force_login(quarter.staff)

        response = post(client, f"/reports/{report.pk}/new-version/")

        assert response.status_code == 409
        assert "Số liệu không thay đổi so với phiên bản 1: không cần phiên bản mới." in text(response)
        assert Report.objects.count() == 1

    def test_an_agency_reads_it_with_its_own_row_marked_and_no_staff_button(self, client, quarter):
        report = issued(quarter)
        back_dated_done(quarter.assignments["7-P3"], date(2024, 6, 13))
        client.force_login(quarter.focal_points["P2"])

        response = get(client, f"/reports/{report.pk}/")

        html = response.content.decode()
        marked = re.findall(r'<tr class="own-agency">\s*<th scope="row">([^<]+)', html)
        assert [name.strip() for name in marked] == ["Tỉnh Hai"]
        assert 'id="new-version"' not in html
        assert post(client, f"/reports/{report.pk}/new-version/").status_code == 403
        assert Report.objects.count() == 1

    def test_another_agencys_plan_is_not_found(self, client, quarter):
        report = issued(quarter)
        stranger = member(AgencyFactory(code="X9"), MembershipRole.FOCAL_POINT, "fp.x9")
        client.force_login(stranger)

        assert get(client, f"/reports/{report.pk}/").status_code == 404

    def test_its_queries_do_not_grow_with_the_agencies(
        self, client, plans_2024, quarter, django_assert_max_num_queries
    ):
        """Five agencies or the ninety of Đề án 06, its frozen tables and its live differences alike."""
        small = issued(quarter)
        with at(DAY):
            large = report_issue(
                plan=Plan.objects.get(code="DA06-2024"), period=ad_hoc_period(date(2024, 6, 30)), actor=quarter.staff
            )
        client.force_login(quarter.staff)

        for report in (small, large):
            with django_assert_max_num_queries(25):
                assert get(client, f"/reports/{report.pk}/").status_code == 200


class TestHostileInput:
    @pytest.mark.parametrize(
        ("path", "query"),
        [
            (LIST, {"year": "99999999999999999999"}),
            (LIST, {"plan": "DA06'; DROP TABLE"}),
            ("/reports/ad-hoc/", {"plan": "Q2-2024", "cut_off": "0001-01-01"}),
            ("/reports/ad-hoc/", {"plan": "Q2-2024", "cut_off": "2024-13-45"}),
            ("/reports/ad-hoc/", {"plan": "NONE", "cut_off": "2024-06-06"}),
        ],
    )
    def test_a_bad_value_is_a_400_in_words(self, client, quarter, path, query):
        client.force_login(quarter.staff)

        response = get(client, path, **query)

        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()

    def test_a_year_out_of_range_in_a_draft_address_is_not_found(self, client, quarter):
        client.force_login(quarter.staff)

        assert get(client, "/reports/draft/Q2-2024/year/99999/1/").status_code == 404
