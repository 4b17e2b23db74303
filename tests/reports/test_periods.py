"""The periods of Nghị định 09/2019/NĐ-CP, Điều 12: where each starts and where it stops."""

from datetime import date
from itertools import pairwise

import pytest

from core.errors import InvalidInput
from reports.periods import ReportPeriod, ad_hoc_period, calendar_period, periods_of, report_period


def span(period: ReportPeriod) -> tuple[date, date]:
    return period.start, period.end


class TestMonths:
    def test_january_starts_on_15_december_of_the_year_before(self):
        assert span(calendar_period("month", 2024, 1)) == (date(2023, 12, 15), date(2024, 1, 14))

    def test_march_of_a_leap_year_runs_from_15_february_over_the_29th(self):
        march = calendar_period("month", 2024, 3)

        assert span(march) == (date(2024, 2, 15), date(2024, 3, 14))
        assert (march.end - march.start).days + 1 == 29

    def test_march_of_a_common_year_has_a_day_less(self):
        march = calendar_period("month", 2023, 3)

        assert (march.end - march.start).days + 1 == 28

    def test_december_stops_on_14_december(self):
        assert span(calendar_period("month", 2024, 12)) == (date(2024, 11, 15), date(2024, 12, 14))

    def test_the_twelve_months_cover_the_reporting_year_without_gap_or_overlap(self):
        months = periods_of("month", 2024)

        assert [m.number for m in months] == list(range(1, 13))
        assert months[0].start == date(2023, 12, 15)
        assert months[-1].end == date(2024, 12, 14)
        assert all((later.start - earlier.end).days == 1 for earlier, later in pairwise(months))


class TestLongerPeriods:
    @pytest.mark.parametrize(
        ("number", "start", "end"),
        [
            (1, date(2023, 12, 15), date(2024, 3, 14)),
            (2, date(2024, 3, 15), date(2024, 6, 14)),
            (3, date(2024, 6, 15), date(2024, 9, 14)),
            (4, date(2024, 9, 15), date(2024, 12, 14)),
        ],
    )
    def test_a_quarter_runs_from_the_15th_of_the_month_before_it_to_the_14th_of_its_last_month(
        self, number, start, end
    ):
        assert span(calendar_period("quarter", 2024, number)) == (start, end)

    @pytest.mark.parametrize(
        ("kind", "end"),
        [("half_year", date(2024, 6, 14)), ("nine_months", date(2024, 9, 14)), ("year", date(2024, 12, 14))],
    )
    def test_six_nine_and_twelve_months_start_on_15_december_of_the_year_before(self, kind, end):
        (only,) = periods_of(kind, 2024)

        assert span(only) == (date(2023, 12, 15), end)
        assert only.number == 1


class TestAdHoc:
    def test_an_ad_hoc_report_stops_on_its_day_and_counts_from_the_reporting_years_start(self):
        session = ad_hoc_period(date(2024, 6, 30))

        assert span(session) == (date(2023, 12, 15), date(2024, 6, 30))
        assert (session.year, session.number) == (2024, 182)

    def test_after_14_december_the_next_reporting_year_has_begun(self):
        assert ad_hoc_period(date(2024, 12, 20)).start == date(2024, 12, 15)
        assert ad_hoc_period(date(2024, 12, 14)).start == date(2023, 12, 15)

    def test_the_last_day_of_a_leap_year_is_its_366th(self):
        assert ad_hoc_period(date(2024, 12, 31)).number == 366


class TestLabels:
    @pytest.mark.parametrize(
        ("period", "label"),
        [
            (calendar_period("month", 2024, 3), "Tháng 3 năm 2024"),
            (calendar_period("quarter", 2024, 2), "Quý II năm 2024"),
            (calendar_period("quarter", 2024, 4), "Quý IV năm 2024"),
            (calendar_period("half_year", 2024, 1), "6 tháng đầu năm 2024"),
            (calendar_period("nine_months", 2024, 1), "9 tháng năm 2024"),
            (calendar_period("year", 2024, 1), "Năm 2024"),
            (ad_hoc_period(date(2024, 6, 30)), "Đột xuất đến ngày 30/06/2024"),
        ],
    )
    def test_each_period_is_named_as_an_official_report_names_it(self, period, label):
        assert period.label == label


class TestPrevious:
    def test_the_month_before_january_is_december_of_the_year_before(self):
        assert calendar_period("month", 2024, 1).previous() == calendar_period("month", 2023, 12)

    def test_the_quarter_before_the_first_is_the_fourth_of_the_year_before(self):
        assert calendar_period("quarter", 2024, 1).previous() == calendar_period("quarter", 2023, 4)

    def test_the_month_before_march_is_february(self):
        assert calendar_period("month", 2024, 3).previous() == calendar_period("month", 2024, 2)

    def test_a_yearly_kind_goes_back_a_year(self):
        assert span(calendar_period("half_year", 2024, 1).previous()) == (date(2022, 12, 15), date(2023, 6, 14))

    def test_an_ad_hoc_report_has_no_calendar_predecessor(self):
        assert ad_hoc_period(date(2024, 6, 30)).previous() is None


class TestRequests:
    def test_a_month_is_asked_for_by_its_number(self):
        assert report_period(kind="month", year=2024, number=3) == calendar_period("month", 2024, 3)

    def test_a_yearly_kind_needs_no_number_but_accepts_1(self):
        assert report_period(kind="year", year=2024) == report_period(kind="year", year=2024, number=1)

    def test_an_ad_hoc_report_is_asked_for_by_its_cut_off(self):
        assert report_period(kind="ad_hoc", cut_off=date(2024, 6, 30), year=2024) == ad_hoc_period(date(2024, 6, 30))

    @pytest.mark.parametrize(
        ("request_", "field", "message"),
        [
            ({"kind": "week", "year": 2024}, "kind", "Loại kỳ báo cáo không hợp lệ."),
            ({"kind": "month", "year": 2024}, "number", "Cần chọn tháng (1–12)."),
            ({"kind": "month", "year": 2024, "number": 13}, "number", "Cần chọn tháng (1–12)."),
            ({"kind": "quarter", "year": 2024, "number": 0}, "number", "Cần chọn quý (1–4)."),
            ({"kind": "half_year", "year": 2024, "number": 2}, "number", "Chỉ báo cáo tháng và báo cáo quý"),
            ({"kind": "month", "number": 3}, "year", "Cần nêu năm báo cáo."),
            ({"kind": "year", "year": 2018}, "year", "Năm báo cáo phải từ 2019"),
            ({"kind": "year", "year": 2101}, "year", "đến 2100"),
            ({"kind": "ad_hoc", "year": 2024}, "cut_off", "Báo cáo đột xuất cần ngày tính số liệu."),
            ({"kind": "ad_hoc", "cut_off": date(2024, 6, 30), "year": 2023}, "year", "năm của ngày tính số liệu"),
            ({"kind": "ad_hoc", "cut_off": date(2024, 6, 30), "number": 182}, "number", "không có số thứ tự kỳ"),
            ({"kind": "ad_hoc", "cut_off": date(1999, 6, 30)}, "cut_off", "Năm báo cáo phải từ 2019"),
            ({"kind": "month", "year": 2024, "number": 3, "cut_off": date(2024, 3, 1)}, "cut_off", "Nghị định 09"),
        ],
    )
    def test_a_request_that_names_no_period_is_refused_on_its_field(self, request_, field, message):
        with pytest.raises(InvalidInput) as refusal:
            report_period(**request_)

        assert refusal.value.field == field
        assert message in refusal.value.message
