"""Import a plan's tasks from the Excel appendix in which plans are published.

The appendix is a table: a header row (found among the first rows, below the appendix's
title) and one row per task. Every row is checked before anything is written; a file with
one bad row imports nothing and says which rows are wrong and why, so that committee staff
fix the file and upload it again rather than patch a half-imported plan by hand.
"""

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from agencies.models import Agency, AgencyKind
from core.errors import DomainError, InvalidInput
from tasks_app.counts import counts_deferred
from tasks_app.models import Assignment, AssignmentRole, Plan, Task
from tasks_app.services import assignment_create

HEADER_SEARCH_ROWS = 10
# Published plans hold a few hundred tasks; a sheet far longer is not an appendix.
MAX_TASK_ROWS = 2000


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the header text as the appendix writes it
    required: bool
    aliases: tuple[str, ...] = ()

    @property
    def header_texts(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


# Vietnamese header texts, so not translated; aliases are the other wordings appendices use.
COLUMNS = (
    Column("number", "TT", required=True, aliases=("STT",)),
    Column("title", "Nhiệm vụ", required=True, aliases=("Nội dung nhiệm vụ", "Tên nhiệm vụ")),
    Column("lead", "Cơ quan chủ trì", required=True, aliases=("Đơn vị chủ trì",)),
    Column("support", "Cơ quan phối hợp", required=False, aliases=("Đơn vị phối hợp",)),
    # Required: a forgotten column would otherwise import every task without a deadline.
    Column("due", "Thời hạn", required=True, aliases=("Thời hạn hoàn thành",)),
    Column("product", "Sản phẩm", required=False, aliases=("Sản phẩm dự kiến",)),
    Column("group", "Nhóm", required=False, aliases=("Nhóm nhiệm vụ",)),
)
COLUMN_TITLES = {column.key: column.title for column in COLUMNS}
# The words of the file, not of the interface: not translated either.
NO_DEADLINE = "Thường xuyên"
DATE_TEXT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# How plans name "every province": one lead (or support) assignment per active province.
ALL_PROVINCES = tuple(
    f"{who} các tỉnh, thành phố{where}"
    for who in ("UBND", "Ủy ban nhân dân")
    for where in ("", " trực thuộc Trung ương")
)


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row under the header: its Excel row number and its cells by column key."""

    row: int
    cells: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    row: int
    messages: list[str]


@dataclass
class PlanImportResult:
    """What an import did; with errors, it wrote nothing."""

    tasks_created: int = 0
    assignments_created: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _TaskRow:
    row: int
    number: int
    title: str
    group: str
    expected_product: str
    due_on: date | None
    leads: tuple[Agency, ...]
    supports: tuple[Agency, ...]


# Reading the sheet


# In decomposed text: a tone mark on the second vowel of a final "oa", "oe" or "uy" (not "quy").
_OLD_STYLE_TONE = re.compile(r"(?<![qQ])([oO](?=[aAeE])|[uU](?=[yY]))(.)([\u0300\u0301\u0303\u0309\u0323])(?!\w)")


def _key(text: Any) -> str:
    """Compare names as a reader would: any case, one space between words, one kind of dash,
    and one spelling of each accent. Files typed with different input methods mix composed and
    decomposed accents, and old-style tone marks ("Văn hoá", "Uỷ ban") beside new ones."""
    text = unicodedata.normalize("NFD", str(text))
    text = _OLD_STYLE_TONE.sub(r"\1\3\2", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s*[-–—]\s*", " - ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    return " ".join(text.split()).casefold()


HEADER_KEYS = {_key(text): column.key for column in COLUMNS for text in column.header_texts}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_columns(values: tuple, row: int) -> dict[str, int] | None:
    """The column index of each known header in this row, if it is the header row."""
    columns: dict[str, int] = {}
    repeated = []
    for index, value in enumerate(values):
        key = None if _is_blank(value) else HEADER_KEYS.get(_key(value))
        if key in columns:
            repeated.append(COLUMN_TITLES[key])
        elif key is not None:
            columns[key] = index
    if "number" not in columns or "title" not in columns:
        return None
    if repeated:
        raise InvalidInput(
            _("Cột “%(column)s” có hai lần trong dòng tiêu đề (dòng %(row)d).") % {"column": repeated[0], "row": row},
            field="file",
        )
    missing = [column.title for column in COLUMNS if column.required and column.key not in columns]
    if missing:
        raise InvalidInput(
            _("Thiếu cột %(columns)s trong dòng tiêu đề (dòng %(row)d).")
            % {"columns": ", ".join(f"“{title}”" for title in missing), "row": row},
            field="file",
        )
    return columns


def _data_rows(rows: Iterator[tuple], columns: dict[str, int], *, first_row: int) -> list[SheetRow]:
    sheet_rows = []
    for row, values in enumerate(rows, start=first_row):
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(_is_blank(value) for value in cells.values()):
            continue
        if len(sheet_rows) == MAX_TASK_ROWS:
            raise InvalidInput(
                _("Tệp có hơn %(limit)d dòng nhiệm vụ; hãy chia thành nhiều tệp.") % {"limit": MAX_TASK_ROWS},
                field="file",
            )
        sheet_rows.append(SheetRow(row=row, cells=cells))
    return sheet_rows


def _sheet_rows(workbook) -> list[SheetRow]:
    """The task rows of the first sheet that has the header row among its first rows."""
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        for row, values in enumerate(itertools.islice(rows, HEADER_SEARCH_ROWS), start=1):
            columns = _header_columns(values, row)
            if columns is not None:
                return _data_rows(rows, columns, first_row=row + 1)
    raise InvalidInput(
        _("Không tìm thấy dòng tiêu đề: trong %(n)d dòng đầu không có dòng nào có cả cột “TT” và “Nhiệm vụ”.")
        % {"n": HEADER_SEARCH_ROWS},
        field="file",
    )


def plan_sheet_read(file: IO[bytes]) -> list[SheetRow]:
    """The task rows of an uploaded appendix; raises InvalidInput for a file that is not one."""
    not_a_workbook = InvalidInput(
        _(
            "Tệp không phải bảng tính Excel .xlsx đọc được. Nếu tệp ở định dạng .xls cũ, "
            "hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
        ),
        field="file",
    )
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:
        # openpyxl fails on a damaged or foreign file with whatever the zip or XML reader
        # raised (BadZipFile, KeyError, ValueError, parse errors...): all mean the same here.
        raise not_a_workbook from error
    try:
        rows = _sheet_rows(workbook)
    except DomainError:
        raise
    except Exception as error:
        # A read-only workbook parses each sheet lazily, so a damaged sheet fails only here.
        raise not_a_workbook from error
    finally:
        workbook.close()
    if not rows:
        raise InvalidInput(_("Tệp không có nhiệm vụ nào dưới dòng tiêu đề."), field="file")
    return rows


# Checking the rows


class _AgencyIndex:
    """Active agencies by code, name and short name, read in one query. A code names one
    agency; a name shared by two agencies is ambiguous and must be written as a code."""

    AMBIGUOUS: tuple[Agency, ...] = ()  # what a name shared by several agencies stands for

    def __init__(self, agencies: Iterable[Agency]):
        agencies = list(agencies)
        self.by_key: dict[str, tuple[Agency, ...]] = {}
        named: dict[str, dict[int, Agency]] = defaultdict(dict)
        for agency in agencies:
            for name in (agency.name, agency.short_name):
                if name:
                    named[_key(name)][agency.pk] = agency
        for key, by_pk in named.items():
            self.by_key[key] = tuple(by_pk.values()) if len(by_pk) == 1 else self.AMBIGUOUS
        provinces = tuple(agency for agency in agencies if agency.kind == AgencyKind.PROVINCE)
        if provinces:
            self.by_key.update({_key(phrase): provinces for phrase in ALL_PROVINCES})
        self.by_key.update({_key(agency.code): (agency,) for agency in agencies})

    def resolve(self, text: str) -> tuple[list[tuple[str, tuple[Agency, ...]]], list[str], list[str]]:
        """The agencies named in a cell, as (name, agencies) pairs; and the names not found,
        and the names that stand for several agencies.

        Names are separated by commas (or semicolons, or line breaks), but some names hold
        a comma themselves ("Bộ Văn hóa, Thể thao và Du lịch"), so the longest run of pieces
        that is a known name wins."""
        pieces = [piece.strip() for piece in re.split(r"[,;\n]", text) if piece.strip()]
        found, unknown, ambiguous = [], [], []
        start = 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                name = ", ".join(pieces[start:end])
                agencies = self.by_key.get(_key(name))
                if agencies is not None:
                    break
            else:
                unknown.append(pieces[start])
                start += 1
                continue
            (ambiguous if agencies == self.AMBIGUOUS else found).append((name, agencies))
            start = end
        return found, unknown, [name for name, _agencies in ambiguous]


def _task_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def _due_on(value: Any) -> date | None:
    """An Excel date, a dd/mm/yyyy text, or "Thường xuyên" (no deadline: None).
    Raises ValueError for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if _key(value) == _key(NO_DEADLINE):
            return None
        # Not strptime: it reads "1/7/24" as the year 24.
        match = DATE_TEXT.fullmatch(value.strip())
        if match:
            day, month, year = map(int, match.groups())
            return date(year, month, day)
    raise ValueError(value)


def _ambiguous_name(name: str) -> str:
    return _("“%(name)s” là tên của nhiều cơ quan; hãy ghi mã cơ quan.") % {"name": name}


class _RowChecker:
    def __init__(self, *, agencies: _AgencyIndex, taken_numbers: set[int]):
        self.agencies = agencies
        self.taken_numbers = taken_numbers
        self.first_row_of_number: dict[int, int] = {}

    def check(self, sheet_row: SheetRow) -> tuple[_TaskRow | None, list[str]]:
        cells, messages = sheet_row.cells, []
        number = self._number(sheet_row, messages)
        title = _text(cells.get("title"))
        if not title:
            messages.append(_("Thiếu tên nhiệm vụ."))
        group = _text(cells.get("group"))
        group_limit = Task._meta.get_field("group").max_length
        if len(group) > group_limit:
            messages.append(_("Tên nhóm dài quá %(limit)d ký tự.") % {"limit": group_limit})
        due_on = self._due_on(cells.get("due"), messages)
        leads = self._leads(_text(cells.get("lead")), messages)
        supports = self._supports(_text(cells.get("support")), leads, messages)
        if messages:
            return None, messages
        return (
            _TaskRow(
                row=sheet_row.row,
                number=number,
                title=title,
                group=group,
                expected_product=_text(cells.get("product")),
                due_on=due_on,
                leads=leads,
                supports=supports,
            ),
            [],
        )

    def _number(self, sheet_row: SheetRow, messages: list[str]) -> int | None:
        value = sheet_row.cells.get("number")
        if _is_blank(value):
            messages.append(_("Thiếu số thứ tự (cột “TT”)."))
            return None
        number = _task_number(value)
        if number is None:
            messages.append(_("Số thứ tự “%(value)s” không phải số nguyên dương.") % {"value": _text(value)})
            return None
        first_row = self.first_row_of_number.setdefault(number, sheet_row.row)
        if first_row != sheet_row.row:
            messages.append(_("Số thứ tự %(number)d trùng với dòng %(row)d.") % {"number": number, "row": first_row})
        if number in self.taken_numbers:
            messages.append(_("Kế hoạch đã có nhiệm vụ số %(number)d.") % {"number": number})
        return number

    @staticmethod
    def _due_on(value: Any, messages: list[str]) -> date | None:
        if _is_blank(value):
            messages.append(_("Thiếu thời hạn: ghi ngày dd/mm/yyyy, hoặc “Thường xuyên” nếu không có thời hạn."))
            return None
        try:
            return _due_on(value)
        except ValueError:
            messages.append(
                _("Thời hạn “%(value)s” không hợp lệ: ghi ngày dd/mm/yyyy, hoặc “Thường xuyên”.")
                % {"value": _text(value)}
            )
            return None

    def _leads(self, text: str, messages: list[str]) -> tuple[Agency, ...]:
        if not text:
            messages.append(_("Thiếu cơ quan chủ trì."))
            return ()
        found, unknown, ambiguous = self.agencies.resolve(text)
        messages.extend(
            _("Không tìm thấy cơ quan chủ trì “%(name)s” trong danh mục cơ quan đang hoạt động.") % {"name": name}
            for name in unknown
        )
        messages.extend(map(_ambiguous_name, ambiguous))
        if len(found) + len(unknown) + len(ambiguous) > 1:
            messages.append(_("Chỉ ghi một cơ quan chủ trì; các cơ quan khác ghi vào cột “Cơ quan phối hợp”."))
        return found[0][1] if len(found) == 1 and not unknown and not ambiguous else ()

    def _supports(self, text: str, leads: tuple[Agency, ...], messages: list[str]) -> tuple[Agency, ...]:
        found, unknown, ambiguous = self.agencies.resolve(text)
        messages.extend(
            _("Không tìm thấy cơ quan phối hợp “%(name)s” trong danh mục cơ quan đang hoạt động.") % {"name": name}
            for name in unknown
        )
        messages.extend(map(_ambiguous_name, ambiguous))
        lead_pks = {agency.pk for agency in leads}
        supports: dict[int, Agency] = {}
        for name, agencies in found:
            if any(agency.pk in lead_pks for agency in agencies):
                messages.append(_("“%(name)s” vừa là cơ quan chủ trì vừa là cơ quan phối hợp.") % {"name": name})
            elif any(agency.pk in supports for agency in agencies):
                messages.append(_("Cơ quan phối hợp “%(name)s” được ghi hai lần.") % {"name": name})
            supports.update((agency.pk, agency) for agency in agencies)
        return tuple(supports.values())


# Writing


@transaction.atomic
def task_create(
    *,
    plan: Plan,
    number: int,
    title: str,
    due_on: date | None = None,
    group: str = "",
    expected_product: str = "",
    actor: User | None = None,
) -> Task:
    """Add a task to a plan; its agencies are given with assignment_create."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Thiếu tên nhiệm vụ."), field="title")
    if number < 1:
        raise InvalidInput(_("Số thứ tự phải là số nguyên dương."), field="number")
    if Task.objects.filter(plan=plan, number=number).exists():
        raise InvalidInput(_("Kế hoạch đã có nhiệm vụ số %(number)d.") % {"number": number}, field="number")
    task = Task(
        plan=plan,
        number=number,
        title=title,
        group=group.strip(),
        expected_product=expected_product.strip(),
        due_on=due_on,
        is_illustrative=False,
    )
    if actor is not None:
        # Who made the task, in its change history, also outside a request (a command, a test).
        task._history_user = actor
    task.save()
    return task


def plan_import(*, plan: Plan, file: IO[bytes], actor: User | None) -> PlanImportResult:
    """Add the tasks of an appendix to a plan, each with its lead and support assignments.

    Raises InvalidInput for a file that cannot be read as an appendix. Otherwise checks
    every row; with any bad row it writes nothing and returns the bad rows, else it writes
    all tasks in one transaction.
    """
    sheet_rows = plan_sheet_read(file)
    with transaction.atomic():
        # Two imports into one plan take turns, so that both cannot use the same numbers.
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        checker = _RowChecker(
            agencies=_AgencyIndex(Agency.objects.filter(is_active=True).order_by("code")),
            taken_numbers=set(plan.tasks.values_list("number", flat=True)),
        )
        task_rows, errors = [], []
        for sheet_row in sheet_rows:
            task_row, messages = checker.check(sheet_row)
            if messages:
                errors.append(RowError(row=sheet_row.row, messages=messages))
            else:
                task_rows.append(task_row)
        if errors:
            return PlanImportResult(errors=errors)

        assignments_created = 0
        # Today's counts of every assignment made, in one statement at the end.
        with counts_deferred():
            for task_row in task_rows:
                try:
                    assignments_created += len(_task_row_write(task_row, plan=plan, actor=actor))
                except DomainError as refusal:
                    # Not expected after the checks above; raising undoes the rows already written.
                    raise InvalidInput(
                        _("Dòng %(row)d: %(message)s") % {"row": task_row.row, "message": refusal.message},
                        field="file",
                    ) from refusal
        return PlanImportResult(tasks_created=len(task_rows), assignments_created=assignments_created)


def _task_row_write(task_row: _TaskRow, *, plan: Plan, actor: User | None) -> list[Assignment]:
    task = task_create(
        plan=plan,
        number=task_row.number,
        title=task_row.title,
        due_on=task_row.due_on,
        group=task_row.group,
        expected_product=task_row.expected_product,
        actor=actor,
    )
    return [
        assignment_create(task=task, agency=agency, role=role, actor=actor)
        for role, agencies in ((AssignmentRole.LEAD, task_row.leads), (AssignmentRole.SUPPORT, task_row.supports))
        for agency in agencies
    ]
