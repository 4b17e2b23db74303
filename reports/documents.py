"""The documents of a periodic report, rendered from its figures (a Report's frozen
`figures`, or reports.content's for a draft) and from nothing else:

- DOCX, in the form of an administrative report (Nghị định 30/2020/NĐ-CP), from the Word
  template shipped in reports/templates/reports/bao-cao-dinh-ky.docx, which an office may
  change in Word or LibreOffice without touching code (docxtpl fills its Jinja tags);
- XLSX, the data annex: one sheet per table, written as every download is (core.renderers);
- PDF, for circulation: the DOCX converted by LibreOffice, so both documents come from one source.
"""

import io
import os
import shutil
import signal
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from lxml import etree
from openpyxl import Workbook

from agencies.models import AgencyKind, Region
from core.errors import ServiceUnavailable
from core.renderers import Table, workbook_bytes, write_table
from reports.content import ranking_rule_text
from reports.periods import PeriodKind, ReportPeriod
from tasks_app.models import ExtensionKind, ExtensionStatus, ObstacleKind, ReasonKind

TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "bao-cao-dinh-ky.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


# The four-way split's rows (Báo cáo 1270/BC-TCTTTg), each the same figure of the tasks and of the assignments.
SPLIT_ROWS = (
    ("total", gettext_lazy("Tổng số")),
    ("done", gettext_lazy("Đã hoàn thành")),
    ("done_on_time", gettext_lazy("– đúng hạn")),
    ("done_late", gettext_lazy("– quá hạn")),
    ("not_done", gettext_lazy("Chưa hoàn thành")),
    ("not_done_in_time", gettext_lazy("– trong hạn")),
    ("not_done_overdue", gettext_lazy("– quá hạn")),
    ("cancelled", gettext_lazy("Dừng thực hiện")),
    ("due", gettext_lazy("Đến hạn đến ngày tính số liệu")),
    ("due_in_period", gettext_lazy("Đến hạn trong kỳ")),
)
RATE_ROWS = (
    ("all", gettext_lazy("Tỷ lệ hoàn thành trên tổng số")),
    ("due_by_cut_off", gettext_lazy("Tỷ lệ hoàn thành trên số đến hạn đến ngày tính số liệu")),
    ("due_in_period", gettext_lazy("Tỷ lệ hoàn thành trên số đến hạn trong kỳ")),
)
RATE_FIGURES = ("done", "of", "percent")
HEADLINE_LABELS = {
    **{key: label for key, label in SPLIT_ROWS},
    "due_done": gettext_lazy("Đến hạn đến ngày tính số liệu, đã hoàn thành"),
    "due_in_period_done": gettext_lazy("Đến hạn trong kỳ, đã hoàn thành"),
    **{f"rates.{key}.percent": format_lazy("{} (%)", label) for key, label in RATE_ROWS},
}
PARTS = {"tasks": gettext_lazy("Nhiệm vụ"), "assignments": gettext_lazy("Phân công")}


# What a document's file name calls each kind of period: "bao-cao-da06-2024-quy-2-2024-v1.docx".
PERIOD_SLUGS = {
    PeriodKind.MONTH: "thang-{number}-{year}",
    PeriodKind.QUARTER: "quy-{number}-{year}",
    PeriodKind.HALF_YEAR: "6-thang-{year}",
    PeriodKind.NINE_MONTHS: "9-thang-{year}",
    PeriodKind.YEAR: "nam-{year}",
    PeriodKind.AD_HOC: "dot-xuat-{cut_off}",
}


def document_name(*, plan_code: str, period: ReportPeriod, version: int, extension: str) -> str:
    """The file name a report's document downloads as, in ASCII so that every mail client keeps it."""
    slug = PERIOD_SLUGS[period.kind].format(number=period.number, year=period.year, cut_off=f"{period.end:%Y-%m-%d}")
    return f"bao-cao-{slugify(plan_code)}-{slug}-v{version}.{extension}"


def _number(value) -> str:
    """A figure as Vietnamese write it: a decimal comma, a dot between thousands."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def _percent(percent) -> str:
    return "–" if percent is None else f"{_number(percent)}%"


def _rate(rate: dict) -> str:
    """ "43/229 (18,8%)": the rate with what it divides."""
    return f"{_number(rate['done'])}/{_number(rate['of'])} ({_percent(rate['percent'])})"


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _shown_day(iso: str | None) -> str:
    return f"{_day(iso):%d/%m/%Y}" if iso else ""


def _period(figures: dict) -> ReportPeriod:
    period = figures["period"]
    start, cut_off = _day(period["start"]), _day(period["cut_off"])
    return ReportPeriod(period["kind"], period["year"], period["number"], start, cut_off)


def _every_agency(figures: dict) -> list[dict]:
    agencies = figures["agencies"]
    return [*agencies["central"], *(row for region in agencies["provinces_by_region"] for row in region["rows"])]


def _names(figures: dict) -> dict[str, str]:
    return {row["agency"]["code"]: row["agency"]["name"] for row in _every_agency(figures)}


def _kind_rows(figures: dict) -> list[dict]:
    """The assignments of each kind of agency, summed from the agencies' own rows."""
    rows = []
    agencies = _every_agency(figures)
    for kind in AgencyKind:
        of_kind = [row for row in agencies if row["agency"]["kind"] == kind]
        if not of_kind:
            continue
        total, done = sum(row["total"] for row in of_kind), sum(row["done"] for row in of_kind)
        rows.append(
            {
                "kind": kind.value,
                "label": str(kind.label),
                "agencies": len(of_kind),
                "total": total,
                "done": done,
                "overdue": sum(row["not_done_overdue"] for row in of_kind),
                "percent": round(done * 100 / total, 1) if total else None,
            }
        )
    return rows


def _agencies_with_overdue_text(counts: dict) -> str:
    """ "22 bộ, cơ quan và 16 địa phương còn phân công quá hạn"."""
    if not counts["total"]:
        return _("Không có cơ quan nào còn phân công quá hạn.")
    return _("Có %(central)s bộ, cơ quan và %(provinces)s địa phương còn phân công quá hạn.") % {
        "central": counts["central"],
        "provinces": counts["provinces"],
    }


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else value or ""


def _explanation(row: dict) -> tuple[str, str]:
    """The explanation given by the cut-off, and the date the agency committed to."""
    given = row.get("explanation")
    if not given:
        return _("Chưa giải trình"), ""
    reason = " — ".join(part for part in (_label(ReasonKind, given["reason_kind"]), given["reason"]) if part)
    return reason, _shown_day(given["committed_on"])


def _overdue_note(*, total: int, listed: int) -> str:
    """How many overdue assignments there are; where the document lists only the most
    overdue of them, where the others are."""
    if not total:
        return _("Không có phân công quá hạn.")
    if listed == total:
        return _("Tổng số %(total)s phân công quá hạn.") % {"total": _number(total)}
    return _(
        "Bảng trên gồm %(listed)s phân công quá hạn lâu nhất trong tổng số %(total)s; danh sách đầy đủ ở "
        "phụ lục số liệu (XLSX), trang tính “Quá hạn”."
    ) % {"listed": _number(listed), "total": _number(total)}


def _obstacles(obstacles: dict | None) -> dict:
    """Section II: the difficulties and proposals open at the cut-off, by the addressee that
    can resolve them (reports issued before they were counted have none to show)."""
    if not obstacles or not obstacles["total"]:
        return {
            "obstacles_summary": _("Không có khó khăn, vướng mắc, kiến nghị nào chưa giải quyết."),
            "obstacle_groups": [],
        }
    summary = _("%(total)s nội dung chưa giải quyết: %(open)s chờ trả lời, %(answered)s đã trả lời.") % {
        "total": _number(obstacles["total"]),
        "open": _number(obstacles["open"]),
        "answered": _number(obstacles["answered"]),
    }
    position = iter(range(1, 1_000_000_000))
    groups = [
        {
            "title": _("Đề nghị %(name)s") % {"name": group["addressee"]["name"]},
            "rows": [
                {
                    "position": next(position),
                    "task": _task(row["task"]),
                    "agency": row["agency_name"],
                    "kind": _label(ObstacleKind, row["kind"]),
                    "text": row["text"],
                    "raised_on": _shown_day(row["raised_on"]),
                    "answer": row["answer"],
                }
                for row in group["rows"]
            ],
        }
        for group in obstacles["by_addressee"]
    ]
    return {"obstacles_summary": summary, "obstacle_groups": groups}


def _task(task: dict) -> str:
    return f"{task['number']}. {task['title']}"


def _changes(figures: dict) -> tuple[str, list[dict], dict[str, int | None]]:
    """The change of each headline figure since the previous report of its kind, as rows;
    each agency's change of rank; and a sentence that says which report they compare with."""
    changes = figures.get("changes")
    if not changes or not changes.get("previous"):
        return _("Chưa có báo cáo kỳ trước cùng loại để so sánh."), [], {}
    previous = changes["previous"]
    summary = _("So với báo cáo phiên bản %(version)s, số liệu tính đến hết ngày %(cut_off)s.") % {
        "version": previous["version"],
        "cut_off": _shown_day(previous["cut_off"]),
    }
    rows = []
    for change in changes["headline"]:
        part, _dot, figure = change["figure"].partition(".")
        label = HEADLINE_LABELS.get(figure)
        if part in PARTS and label:
            label = f"{PARTS[part]}: {label}"
        elif part == "agencies_with_overdue":
            label = _("Bộ, cơ quan còn quá hạn") if figure == "central" else _("Địa phương còn quá hạn")
        else:
            label = change["figure"]
        rows.append({"label": label, **{key: change[key] for key in ("previous", "current", "change")}})
    return summary, rows, {rank["agency"]: rank["change"] for rank in changes["ranks"]}


def _signed(change) -> str:
    if change is None:
        return "–"
    return f"+{_number(change)}" if change > 0 else _number(change)


def docx_context(figures: dict, *, issued_on: date | None = None) -> dict:
    """What the Word template's tags read: every figure already written as the report shows it."""
    period = _period(figures)
    tasks, assignments = figures["tasks"], figures["assignments"]
    names = _names(figures)
    summary, change_rows, rank_changes = _changes(figures)
    body = settings.TRACKER_REPORT_ISSUING_BODY
    position = iter(range(1, 1_000_000_000))
    groups = [{"title": _("Bộ, ngành, cơ quan trung ương"), "rows": figures["agencies"]["central"]}]
    groups += [
        {"title": _label(Region, region["region"]), "rows": region["rows"]}
        for region in figures["agencies"]["provinces_by_region"]
    ]
    extensions = figures["extension_requests"]
    overdue = figures["overdue"]["rows"]
    listed = settings.TRACKER_REPORT_DOCUMENT_OVERDUE_ROWS
    overdue_rows = []
    for number, row in enumerate(overdue[:listed], start=1):
        explanation, committed_on = _explanation(row)
        overdue_rows.append(
            {
                "position": number,
                "task": _task(row["task"]),
                "agency": row["agency_name"],
                "due_on": _shown_day(row["due_on"]),
                "n_days": _number(row["days_overdue"]),
                "explanation": explanation,
                "committed_on": committed_on,
            }
        )
    return {
        "issuing_body": body.upper(),
        "issuing_body_name": body,
        "symbol": settings.TRACKER_REPORT_SYMBOL,
        "place": settings.TRACKER_REPORT_PLACE,
        "year": (issued_on or timezone.localdate()).year,
        "plan_title": figures["plan"]["title"],
        "period_label": period.label[:1].lower() + period.label[1:],
        "start": f"{period.start:%d/%m/%Y}",
        "cut_off": f"{period.end:%d/%m/%Y}",
        "tasks": {
            **{key: _number(tasks[key]) for key, _unused in SPLIT_ROWS},
            "due_done": _number(tasks["due_done"]),
            "due_in_period_done": _number(tasks["due_in_period_done"]),
            "done_percent": _percent(tasks["rates"]["all"]["percent"]),
        },
        "split_rows": [
            *(
                {"label": label, "n_tasks": _number(tasks[key]), "n_assignments": _number(assignments[key])}
                for key, label in SPLIT_ROWS
            ),
            *(
                {
                    "label": label,
                    "n_tasks": _rate(tasks["rates"][key]),
                    "n_assignments": _rate(assignments["rates"][key]),
                }
                for key, label in RATE_ROWS
            ),
        ],
        "kind_rows": [
            {
                "label": row["label"],
                "n_agencies": _number(row["agencies"]),
                "n_total": _number(row["total"]),
                "n_done": _number(row["done"]),
                "n_overdue": _number(row["overdue"]),
                "n_rate": _percent(row["percent"]),
            }
            for row in _kind_rows(figures)
        ],
        "agency_groups": [
            {
                "title": group["title"],
                "rows": [
                    {
                        "position": next(position),
                        "name": row["agency"]["name"],
                        "n_total": _number(row["total"]),
                        "n_done_on_time": _number(row["done_on_time"]),
                        "n_done_late": _number(row["done_late"]),
                        "n_in_time": _number(row["not_done_in_time"]),
                        "n_overdue": _number(row["not_done_overdue"]),
                        "n_rate": _percent(row["rates"]["all"]["percent"]),
                    }
                    for row in group["rows"]
                ],
            }
            for group in groups
        ],
        "agencies_with_overdue": _agencies_with_overdue_text(figures["agencies_with_overdue"]),
        **_obstacles(figures.get("obstacles")),
        "overdue_rows": overdue_rows,
        "overdue_note": _overdue_note(total=len(overdue), listed=len(overdue_rows)),
        "extensions_summary": _(
            "Trong kỳ đã xử lý %(total)s đề nghị: chấp thuận %(approved)s, không chấp thuận %(rejected)s."
        )
        % {
            "total": len(extensions["rows"]),
            "approved": extensions["approved"],
            "rejected": extensions["rejected"],
        },
        "extension_rows": [
            {
                "position": number,
                "task": _task(row["task"]),
                "agency": names.get(row["agency"], row["agency"]),
                "kind": _label(ExtensionKind, row["kind"]),
                "requested_due_on": _shown_day(row["requested_due_on"]),
                "status": _label(ExtensionStatus, row["status"]),
                "decided_on": _shown_day(row["decided_on"]),
            }
            for number, row in enumerate(extensions["rows"], start=1)
        ],
        "ranking_rule": ranking_rule_text(figures["ranking"]["rule"]),
        "ranking_rows": [
            {
                "n_rank": row["rank"],
                "name": names.get(row["agency"], row["agency"]),
                "n_due": _number(row["due"]),
                "n_done_on_time": _number(row["done_on_time"]),
                "n_done_late": _number(row["done_late"]),
                "n_overdue": _number(row["overdue"]),
                "n_score": _number(row["score"]),
                "change": _signed(rank_changes.get(row["agency"])),
            }
            for row in figures["ranking"]["rows"]
        ],
        "changes_summary": summary,
        "change_rows": [
            {
                "label": row["label"],
                "n_previous": _number(row["previous"]),
                "n_current": _number(row["current"]),
                "n_change": _signed(row["change"]),
            }
            for row in change_rows
        ],
    }


# Characters docxtpl turns into Word's own tab, line and page breaks when a value holds them.
LISTING = ("\t", "\n", "\a", "\f")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class ReportTemplate(DocxTemplate):
    """docxtpl without the passes over every paragraph that a report's template and values
    do not need, which cost seconds on a plan of thousands of agencies: the breaks in values
    (only when a value holds one), the repair of tables whose columns a {%tc %} loop made
    (the template has none), the ids of pictures (it has none); and the rendered body is
    parsed in place of the template's, not moved node by node into its document."""

    def __init__(self, *args, listing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing

    def resolve_listing(self, xml):
        return super().resolve_listing(xml) if self.listing else xml

    def fix_tables(self, xml):
        return xml

    def fix_docpr_ids(self, tree):
        return None

    def map_tree(self, tree):
        document = etree.tostring(self.docx.element, encoding="unicode")
        head, _rest = document.split("<w:body", 1)
        tail = document.rsplit("</w:body>", 1)[1]
        self.docx.part._element = self.docx._element = parse_xml(head + tree + tail)


def report_docx(figures: dict, *, issued_on: date | None = None) -> bytes:
    """The report as a Word document, from the shipped template; in Vietnamese, whatever
    the reader's language, as an administrative document is."""
    with translation.override(settings.LANGUAGE_CODE):
        context = docx_context(figures, issued_on=issued_on)
    listing = any(character in text for text in _strings(context) for character in LISTING)
    document = ReportTemplate(TEMPLATE, listing=listing)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _annex_tables(figures: dict) -> list[tuple[str, Table]]:
    """The annex's sheets: each table of the report with every figure as a number, dates
    as dates, agency codes as text."""
    period = _period(figures)
    about = f"{figures['plan']['title']} — {period.label} — " + _("số liệu tính đến hết ngày %(day)s") % {
        "day": f"{period.end:%d/%m/%Y}"
    }
    tasks, assignments = figures["tasks"], figures["assignments"]
    split = Table(
        [_("Chỉ tiêu"), _("Nhiệm vụ"), _("Phân công")],
        [[str(label), tasks[key], assignments[key]] for key, label in SPLIT_ROWS],
        caption=_("Nhiệm vụ và phân công") + f" — {about}",
    )
    rates = Table(
        [
            _("Tỷ lệ"),
            _("Nhiệm vụ hoàn thành"),
            _("Trên số nhiệm vụ"),
            _("Tỷ lệ nhiệm vụ (%)"),
            _("Phân công hoàn thành"),
            _("Trên số phân công"),
            _("Tỷ lệ phân công (%)"),
        ],
        [
            [str(label), *(part["rates"][key][figure] for part in (tasks, assignments) for figure in RATE_FIGURES)]
            for key, label in RATE_ROWS
        ],
        caption=_("Tỷ lệ hoàn thành và số được chia") + f" — {about}",
    )
    kinds = Table(
        [
            _("Loại cơ quan"),
            _("Số cơ quan"),
            _("Tổng số"),
            _("Đã hoàn thành"),
            _("Quá hạn chưa hoàn thành"),
            _("Tỷ lệ hoàn thành (%)"),
        ],
        [
            [row["label"], row["agencies"], row["total"], row["done"], row["overdue"], row["percent"]]
            for row in _kind_rows(figures)
        ],
        caption=_("Phân công theo loại cơ quan") + f" — {about}",
    )
    agency_columns = ("total", "done_on_time", "done_late", "not_done_in_time", "not_done_overdue", "cancelled")
    agency_columns += ("due", "due_done", "due_in_period", "due_in_period_done")
    agencies = Table(
        [
            _("Mã cơ quan"),
            _("Cơ quan"),
            _("Loại cơ quan"),
            _("Vùng"),
            _("Tổng số"),
            _("Hoàn thành đúng hạn"),
            _("Hoàn thành quá hạn"),
            _("Chưa hoàn thành, trong hạn"),
            _("Quá hạn"),
            _("Dừng thực hiện"),
            _("Đến hạn đến ngày tính số liệu"),
            _("Trong đó đã hoàn thành"),
            _("Đến hạn trong kỳ"),
            _("Trong đó đã hoàn thành"),
            _("Tỷ lệ hoàn thành (%)"),
        ],
        [
            [
                row["agency"]["code"],
                row["agency"]["name"],
                _label(AgencyKind, row["agency"]["kind"]),
                _label(Region, row["agency"]["region"]) if row["agency"]["region"] else "",
                *(row[key] for key in agency_columns),
                row["rates"]["all"]["percent"],
            ]
            for row in _every_agency(figures)
        ],
        caption=_("Phân công của từng cơ quan") + f" — {about}",
    )
    overdue = Table(
        [
            _("Số nhiệm vụ"),
            _("Nhiệm vụ"),
            _("Mã cơ quan"),
            _("Cơ quan"),
            _("Thời hạn"),
            _("Số ngày quá hạn"),
            _("Tiến độ (%)"),
            _("Lý do"),
            _("Giải trình"),
            _("Cam kết hoàn thành"),
        ],
        [
            [
                row["task"]["number"],
                row["task"]["title"],
                row["agency"],
                row["agency_name"],
                _day(row["due_on"]),
                row["days_overdue"],
                row["progress"],
                _label(ReasonKind, row["explanation"]["reason_kind"]) if row.get("explanation") else "",
                row["explanation"]["reason"] if row.get("explanation") else "",
                _day(row["explanation"]["committed_on"]) if row.get("explanation") else None,
            ]
            for row in figures["overdue"]["rows"]
        ],
        caption=_("Phân công quá hạn") + f" — {about}",
    )
    names = _names(figures)
    extensions = Table(
        [
            _("Số nhiệm vụ"),
            _("Nhiệm vụ"),
            _("Mã cơ quan"),
            _("Cơ quan"),
            _("Đề nghị"),
            _("Thời hạn đề nghị"),
            _("Kết quả"),
            _("Ngày xử lý"),
        ],
        [
            [
                row["task"]["number"],
                row["task"]["title"],
                row["agency"],
                names.get(row["agency"], ""),
                _label(ExtensionKind, row["kind"]),
                _day(row["requested_due_on"]),
                _label(ExtensionStatus, row["status"]),
                _day(row["decided_on"]),
            ]
            for row in figures["extension_requests"]["rows"]
        ],
        caption=_("Đề nghị điều chỉnh thời hạn đã xử lý trong kỳ") + f" — {about}",
    )
    _summary, _rows, rank_changes = _changes(figures)
    ranking = Table(
        [
            _("Hạng"),
            _("Mã cơ quan"),
            _("Cơ quan"),
            _("Đến hạn"),
            _("Hoàn thành đúng hạn"),
            _("Hoàn thành quá hạn"),
            _("Chưa hoàn thành, trong hạn"),
            _("Quá hạn"),
            _("Điểm"),
            _("Thay đổi hạng so với kỳ trước"),
        ],
        [
            [
                row["rank"],
                row["agency"],
                names.get(row["agency"], ""),
                row["due"],
                row["done_on_time"],
                row["done_late"],
                row["on_track"],
                row["overdue"],
                row["score"],
                rank_changes.get(row["agency"]),
            ]
            for row in figures["ranking"]["rows"]
        ],
        caption=ranking_rule_text(figures["ranking"]["rule"]),
    )
    return [
        (_("Nhiệm vụ"), split),
        (_("Tỷ lệ"), rates),
        (_("Theo loại cơ quan"), kinds),
        (_("Cơ quan"), agencies),
        (_("Quá hạn"), overdue),
        (_("Gia hạn"), extensions),
        (_("Xếp hạng"), ranking),
    ]


def report_xlsx(figures: dict) -> bytes:
    """The report's data annex: one sheet per table, in Vietnamese as the report is."""
    workbook = Workbook(write_only=True)
    with translation.override(settings.LANGUAGE_CODE):
        period = _period(figures)
        workbook.properties.title = f"{figures['plan']['title']} — {period.label}"
        for title, table in _annex_tables(figures):
            write_table(workbook, table, title)
    return workbook_bytes(workbook)


def report_pdf(docx: bytes) -> bytes:
    """The DOCX converted by LibreOffice headless, in a folder of its own with a profile of
    its own, so that conversions running at once do not share LibreOffice's lock."""
    binary = shutil.which(settings.TRACKER_SOFFICE)
    if binary is None:
        raise ServiceUnavailable(
            _("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; bản DOCX và XLSX vẫn tải được.")
        )
    with tempfile.TemporaryDirectory(prefix="tracker-pdf-") as folder:
        source = Path(folder) / "bao-cao.docx"
        source.write_bytes(docx)
        profile = (Path(folder) / "profile").as_uri()
        command = [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        failed = ServiceUnavailable(
            _("LibreOffice không chuyển được báo cáo sang PDF; thử lại sau, hoặc tải bản DOCX.")
        )
        # A session of its own: soffice starts soffice.bin, which a timeout must stop too.
        with subprocess.Popen(
            [*command, "--outdir", folder, str(source)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ) as conversion:
            try:
                conversion.wait(timeout=settings.TRACKER_PDF_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired as timeout:
                os.killpg(conversion.pid, signal.SIGKILL)
                conversion.wait()
                raise failed from timeout
        pdf = source.with_suffix(".pdf")
        if conversion.returncode != 0 or not pdf.exists():
            raise failed
        return pdf.read_bytes()
