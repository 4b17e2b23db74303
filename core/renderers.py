"""Spreadsheet downloads of API lists (`?format=csv`, `?format=xlsx`).

A view hands the renderer a table: a list of column headers and an iterable of rows.
Text that a spreadsheet would run as a formula is made inert, since task titles and
notes are typed by users (OWASP's CSV injection advice): in CSV behind an apostrophe, in
XLSX as a text cell marked as such, which shows the text as it was typed."""

import csv
import io
from datetime import date, datetime
from itertools import chain, islice

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rest_framework.renderers import BaseRenderer

BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Leading characters a spreadsheet skips before it looks for a formula sign: whitespace
# and control characters (C0, DEL, C1). A tab or carriage return counts as dangerous itself.
_LEADING_SKIPPED = "".join(chr(c) for c in [*range(0, 33), *range(127, 160)] if chr(c) not in "\t\r")


def is_dangerous_cell(value) -> bool:
    """The one rule for every export: text that, after leading whitespace and control
    characters, starts with =, +, -, @, a tab or a carriage return."""
    if not isinstance(value, str):
        return False
    return value.lstrip(_LEADING_SKIPPED).startswith(FORMULA_STARTS) or value.startswith(FORMULA_STARTS)


def escape_formula(value):
    """The text kept, made inert with a leading apostrophe (OWASP's CSV injection advice)."""
    if is_dangerous_cell(value):
        return "'" + value
    return value


class Table:
    """Headers and rows; a caption, when given, says what the table is (a spreadsheet opens
    with it above the headers; CSV, read by programs, leaves it out)."""

    def __init__(self, headers, rows, caption: str | None = None):
        self.headers = [str(header) for header in headers]
        self.rows = rows
        self.caption = caption


def error_table(data) -> Table:
    """A refused request (a bad filter, say) still answers in the asked-for format."""
    if isinstance(data, dict):
        return Table(
            [_("Trường"), _("Lỗi")],
            (
                [field, "; ".join(map(str, messages)) if isinstance(messages, list) else str(messages)]
                for field, messages in data.items()
            ),
        )
    return Table([_("Lỗi")], [[str(data)]])


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        table = data if isinstance(data, Table) else error_table(data)
        buffer = io.StringIO()
        # A byte-order mark so that Excel reads the Vietnamese text as UTF-8.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([self._text(value) for value in row])
        return buffer.getvalue().encode("utf-8")

    @staticmethod
    def _text(value):
        if isinstance(value, datetime):
            return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d/%m/%Y %H:%M}"
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        return escape_formula(value)


# The rows the column widths are measured on: a sheet is written as it is read, so only
# its beginning is known before the first row goes out.
MEASURED_ROWS = 500
WIDEST = 60


def write_table(workbook: Workbook, table: Table, title: str) -> None:
    """A sheet of a write-only workbook, ready to read and to print: columns as wide as
    their text (long text wraps), the header frozen and filterable, dates as dates
    (dd/mm/yyyy), codes such as "01" kept as text, and printing A4 landscape, one page
    wide, the header row on every page, with the caption and the time of the export at
    the top and page numbers at the bottom."""
    rows = iter(table.rows)
    first_rows = list(islice(rows, MEASURED_ROWS))
    widths = _widths(table.headers, first_rows)
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrapped = [width >= WIDEST for width in widths]
    header_row = 3 if table.caption else 1
    # Before the first row: a streamed sheet writes its view and page settings first.
    _print_setup(sheet, caption=table.caption, header_row=header_row)
    if table.caption:
        sheet.append([_cell(sheet, table.caption, font=BOLD)])
        sheet.append([])
    sheet.append([_cell(sheet, header, font=BOLD, wrap=True) for header in table.headers])
    last_row = header_row
    for row in chain(first_rows, rows):
        sheet.append([_cell(sheet, value, wrap=wrap) for value, wrap in zip(row, wrapped, strict=False)])
        last_row += 1
    if table.headers:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.headers))}{last_row}"


def _widths(headers, rows) -> list[float]:
    def shown_length(value) -> int:
        if value is None:
            return 0
        if isinstance(value, datetime):
            return 16
        if isinstance(value, date):
            return 10
        return max((len(line) for line in str(value).splitlines()), default=0)

    columns = zip(headers, *rows, strict=False)
    # A header may wrap onto two lines; a filter button takes about two characters.
    return [
        min(max(min(len(column[0]), 24) + 2, *(shown_length(value) for value in column[1:]), 6) + 2, WIDEST)
        for column in columns
    ]


def _print_setup(sheet, *, caption: str | None, header_row: int) -> None:
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # "&" starts a code in a page header: a caption's own is doubled.
    if caption:
        sheet.oddHeader.center.text = caption.replace("&", "&&")
    exported = _("Xuất lúc %(time)s") % {"time": f"{timezone.localtime():%H:%M %d/%m/%Y}"}
    sheet.oddHeader.right.text = exported
    sheet.oddFooter.center.text = _("Trang &P/&N")


def _cell(sheet, value, font=None, wrap=False):
    if isinstance(value, str):
        # Control characters are not allowed in a worksheet; typed text may hold them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        # A worksheet has no time zones: the time as read here.
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Always a string cell, never a formula, whatever the text starts with; text a
        # spreadsheet would take for a formula once edited is marked as text, unseen
        # (the apostrophe CSV needs would show here).
        cell.data_type = "s"
        if is_dangerous_cell(value):
            cell.quotePrefix = True
    if isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    if font is not None:
        cell.font = font
    if wrap:
        cell.alignment = WRAPPED
    return cell


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XLSXRenderer(BaseRenderer):
    """One sheet, written by write_table."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        table = data if isinstance(data, Table) else error_table(data)
        workbook = Workbook(write_only=True)
        if table.caption:
            workbook.properties.title = table.caption
        write_table(workbook, table, _("Dữ liệu"))
        return workbook_bytes(workbook)
