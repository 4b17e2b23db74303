"""The XLSX downloads open ready to read, filter and print."""

import io
from datetime import UTC, date, datetime

import time_machine
from openpyxl import load_workbook

from core.renderers import Table, XLSXRenderer

TITLE = "[Minh họa] Kết nối hệ thống giải quyết thủ tục hành chính cấp tỉnh với Cơ sở dữ liệu quốc gia về dân cư"
CAPTION = "Phân công quá hạn, kế hoạch DA06-2024, số liệu tính đến hết ngày 30/06/2024"
HEADERS = ["Mã cơ quan", "Nhiệm vụ", "Thời hạn", "Báo cáo lúc", "Số ngày quá hạn"]


def sheet_of(table):
    return load_workbook(io.BytesIO(XLSXRenderer().render(table))).active


def overdue_table(rows=3, caption=CAPTION):
    reported = datetime(2024, 3, 1, 2, 30, tzinfo=UTC)
    return Table(HEADERS, [["01", TITLE, date(2024, 2, 29), reported, n] for n in range(rows)], caption=caption)


def test_columns_are_as_wide_as_their_text_and_long_text_wraps():
    sheet = sheet_of(overdue_table())

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert 12 <= widths["A"] <= 16, "the header, not the two-character code, sets its width"
    assert widths["B"] == 60, "a long title is capped, and wraps"
    assert sheet["B4"].alignment.wrap_text
    assert widths["C"] >= 12, "a date never shows as ###"
    assert widths["D"] >= 18
    assert not sheet["A4"].alignment.wrap_text


def test_codes_stay_text_and_dates_and_times_are_real_ones_shown_the_vietnamese_way():
    sheet = sheet_of(overdue_table())

    assert sheet["A4"].value == "01"
    assert sheet["A4"].data_type == "s"
    assert sheet["C4"].value == datetime(2024, 2, 29)
    assert sheet["C4"].number_format == "DD/MM/YYYY"
    assert sheet["D4"].value == datetime(2024, 3, 1, 9, 30), "in Vietnam's time"
    assert sheet["D4"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["E6"].value == 2


def test_the_header_is_frozen_and_filters_the_whole_list():
    sheet = sheet_of(overdue_table(rows=3))

    assert [cell.value for cell in sheet[3]] == HEADERS
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:E6"


def test_without_a_caption_the_header_is_the_first_row():
    sheet = sheet_of(overdue_table(rows=2, caption=None))

    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.print_title_rows == "$1:$1"


@time_machine.travel(datetime(2024, 7, 1, 1, 15, tzinfo=UTC))
def test_it_prints_landscape_one_page_wide_with_its_header_row_caption_time_and_page_numbers():
    sheet = sheet_of(overdue_table(caption="Báo cáo & phụ lục"))

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9, "A4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddHeader.center.text == "Báo cáo && phụ lục"
    assert sheet.oddHeader.right.text == "Xuất lúc 08:15 01/07/2024"
    assert sheet.oddFooter.center.text == "Trang &P/&N"


def test_an_empty_list_still_has_its_header_and_filter():
    sheet = sheet_of(overdue_table(rows=0))

    assert [cell.value for cell in sheet[3]] == HEADERS
    assert sheet.auto_filter.ref == "A3:E3"
