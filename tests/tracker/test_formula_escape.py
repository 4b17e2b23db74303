import csv
import io

from openpyxl import load_workbook

from core.renderers import CSVRenderer, Table, XLSXRenderer, is_dangerous_cell

TITLES = ["\x01=1+1", ' \t=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\r=x", "\x7f\x1f=cmd"]


def test_rule():
    assert all(is_dangerous_cell(t) for t in TITLES)
    assert not is_dangerous_cell("Kế hoạch = 1")
    assert not is_dangerous_cell(3)


def test_xlsx_no_formula_text_kept():
    data = XLSXRenderer().render(Table(["Tên"], [[t] for t in TITLES]))
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(TITLES)
    for cell, title in zip(cells, TITLES, strict=True):
        assert cell.data_type == "s"
        assert cell.quotePrefix
        # Control characters are dropped; a carriage return is kept, escaped (openpyxl writes
        # through lxml, which docxtpl brings).
        shown = title.replace("\x01", "").replace("\x1f", "")
        assert cell.value == shown


def test_csv_no_formula_text_kept():
    text = CSVRenderer().render(Table(["Tên"], [[t] for t in TITLES])).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    for (value,), title in zip(rows, TITLES, strict=True):
        assert value == "'" + title
