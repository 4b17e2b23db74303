"""The words a report's page puts beside its figures: each figure's path in the content
("tasks.done", "agencies.central[M1].rates.all.percent") as an official reads it."""

import re

from django.utils.translation import gettext_lazy as _

PARTS = {
    "tasks": _("Nhiệm vụ"),
    "assignments": _("Phân công"),
    "agencies_with_overdue": _("Cơ quan có nhiệm vụ quá hạn"),
    "explanation_requests": _("Yêu cầu giải trình"),
    "obstacles": _("Khó khăn, vướng mắc, kiến nghị chưa giải quyết"),
    "extension_requests": _("Đề nghị điều chỉnh thời hạn đã quyết định"),
    "ranking": _("Xếp hạng"),
    "overdue": _("Nhiệm vụ quá hạn"),
    "agencies": _("Cơ quan"),
}
FIGURES = {
    "total": _("Tổng số"),
    "done": _("Đã hoàn thành"),
    "done_on_time": _("Hoàn thành đúng hạn"),
    "done_late": _("Hoàn thành quá hạn"),
    "not_done": _("Chưa hoàn thành"),
    "not_done_in_time": _("Chưa hoàn thành, trong hạn"),
    "not_done_overdue": _("Chưa hoàn thành, quá hạn"),
    "cancelled": _("Dừng, không thực hiện"),
    "due": _("Đến hạn đến ngày tính số liệu"),
    "due_done": _("Đến hạn, đã hoàn thành"),
    "due_done_on_time": _("Đến hạn, hoàn thành đúng hạn"),
    "due_in_period": _("Đến hạn trong kỳ"),
    "due_in_period_done": _("Đến hạn trong kỳ, đã hoàn thành"),
    "no_deadline": _("Thường xuyên, không thời hạn"),
    "central": _("Bộ, cơ quan"),
    "provinces": _("Địa phương"),
    "open": _("Chờ trả lời, trong hạn"),
    "answered": _("Đã trả lời"),
    "late": _("Quá hạn trả lời"),
    "accepted": _("Đã chấp nhận"),
    "not_explained": _("Chưa giải trình"),
    "approved": _("Chấp thuận"),
    "rejected": _("Không chấp thuận"),
    "rank": _("Thứ hạng"),
    "score": _("Điểm"),
    "days_overdue": _("Số ngày quá hạn"),
    "progress": _("Tiến độ (%)"),
}
BASES = {
    "all": _("tỷ lệ hoàn thành trên tổng số"),
    "due_by_cut_off": _("tỷ lệ hoàn thành trên số đến hạn"),
    "due_in_period": _("tỷ lệ hoàn thành trên số đến hạn trong kỳ"),
}
RATE_PARTS = {"percent": "%", "done": _("số hoàn thành"), "of": _("số chia")}
ROW = re.compile(r"^(?P<name>\w+)\[(?P<key>[^\]]*)\]$")


def figure_label(path: str) -> str:
    """`tasks.rates.due_by_cut_off.percent` → "Nhiệm vụ — tỷ lệ hoàn thành trên số đến hạn (%)"; a
    table's row names itself by its key (an agency's code, a task's assignment)."""
    words = []
    parts = path.split(".")
    for position, part in enumerate(parts):
        row = ROW.match(part)
        if row:
            words.append(f"{PARTS.get(row['name'], row['name'])} {row['key']}")
        elif part == "rates" and position + 1 < len(parts):
            basis, figure = parts[position + 1], parts[-1]
            words.append(f"{BASES.get(basis, basis)} ({RATE_PARTS.get(figure, figure)})")
            break
        elif part in PARTS and position == 0:
            words.append(str(PARTS[part]))
        elif part in FIGURES:
            words.append(str(FIGURES[part]))
        else:
            words.append(part)
    return " — ".join(words)
