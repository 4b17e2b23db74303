"""Spreadsheet downloads of API lists (`?format=csv`, `?format=xlsx`).

A view hands the renderer a table: a list of column headers and an iterable of rows.
Cells that a spreadsheet would run as a formula are escaped, since task titles and
notes are typed by users (OWASP's CSV injection advice)."""

import csv
import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.views import Pane
from rest_framework.renderers import BaseRenderer

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
            writer.writerow(
                [value.strftime("%d/%m/%Y") if isinstance(value, date) else escape_formula(value) for value in row]
            )
        return buffer.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        table = data if isinstance(data, Table) else error_table(data)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        bold = Font(bold=True)
        # The headers (under the caption and a blank row, if any) stay in sight while the rows
        # scroll; a write-only sheet takes this only before its first row.
        header_row = 3 if table.caption else 1
        sheet.sheet_view.pane = Pane(
            topLeftCell=f"A{header_row + 1}", ySplit=header_row, activePane="bottomLeft", state="frozen"
        )
        if table.caption:
            workbook.properties.title = table.caption
            sheet.append([self._cell(sheet, table.caption, font=bold)])
            sheet.append([])
        sheet.append([self._cell(sheet, header, font=bold) for header in table.headers])
        for row in table.rows:
            sheet.append([self._cell(sheet, escape_formula(value)) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _cell(sheet, value, font=None):
        if isinstance(value, str):
            # Control characters are not allowed in a worksheet; typed text may hold them.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # Always a string cell, never a formula, whatever the text starts with.
            cell.data_type = "s"
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        if font is not None:
            cell.font = font
        return cell
