"""The reporting periods of Nghị định 09/2019/NĐ-CP, Điều 12, as its implementing circulars
restate them: figures are counted from the 15th of the month before a period to the 14th
of its last month (a month: 15/02–14/03; a quarter: 15/12–14/03 for the first; six months:
15/12 of the year before to 14/06; nine months: to 14/09; a year: to 14/12). An ad-hoc
report (đột xuất) stops on any day. The tracker computes these; nobody types them.

Pure functions of dates: no database, no clock.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput


class PeriodKind(models.TextChoices):
    MONTH = "month", gettext_lazy("Báo cáo tháng")
    QUARTER = "quarter", gettext_lazy("Báo cáo quý")
    HALF_YEAR = "half_year", gettext_lazy("Báo cáo 6 tháng")
    NINE_MONTHS = "nine_months", gettext_lazy("Báo cáo 9 tháng")
    YEAR = "year", gettext_lazy("Báo cáo năm")
    AD_HOC = "ad_hoc", gettext_lazy("Báo cáo đột xuất")


# The kinds whose periods the decree fixes, each with the months its periods end in: a
# month's period ends in that month, a quarter's in its last month, the others once a year.
PERIOD_END_MONTHS = {
    PeriodKind.MONTH: tuple(range(1, 13)),
    PeriodKind.QUARTER: (3, 6, 9, 12),
    PeriodKind.HALF_YEAR: (6,),
    PeriodKind.NINE_MONTHS: (9,),
    PeriodKind.YEAR: (12,),
}
CALENDAR_KINDS = tuple(PERIOD_END_MONTHS)

# A period starts on this day of the month before it and ends on the day before, in its last month.
START_DAY, CUT_OFF_DAY = 15, 14
# Years the tracker reports on: the decree took effect in 2019.
FIRST_YEAR, LAST_YEAR = 2019, 2100

QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class ReportPeriod:
    """One reporting period: its kind, the year it reports on, its number within the year
    (the month, the quarter, 1 for the kinds held once a year, the cut-off's day of the
    year for an ad-hoc report), its first day and its cut-off (the last day counted)."""

    kind: str
    year: int
    number: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """The period as an official report names it: "Quý II năm 2024"."""
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(month)d năm %(year)d") % {"month": self.number, "year": self.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quý %(quarter)s năm %(year)d") % {"quarter": QUARTER_NUMERALS[self.number], "year": self.year}
        if self.kind == PeriodKind.HALF_YEAR:
            return _("6 tháng đầu năm %(year)d") % {"year": self.year}
        if self.kind == PeriodKind.NINE_MONTHS:
            return _("9 tháng năm %(year)d") % {"year": self.year}
        if self.kind == PeriodKind.YEAR:
            return _("Năm %(year)d") % {"year": self.year}
        return _("Đột xuất đến ngày %(day)s") % {"day": f"{self.end:%d/%m/%Y}"}

    def previous(self) -> "ReportPeriod | None":
        """The period of the same kind just before this one (December's before January's);
        None for an ad-hoc report, whose cut-offs follow no calendar."""
        if self.kind not in PERIOD_END_MONTHS:
            return None
        if self.number > 1:
            return calendar_period(self.kind, self.year, self.number - 1)
        return calendar_period(self.kind, self.year - 1, len(PERIOD_END_MONTHS[self.kind]))


def _start_before(year: int, first_month: int) -> date:
    """The 15th of the month before `first_month` of `year`."""
    if first_month == 1:
        return date(year - 1, 12, START_DAY)
    return date(year, first_month - 1, START_DAY)


def calendar_period(kind: str, year: int, number: int) -> ReportPeriod:
    """The `number`-th period of `kind` in `year`, for a kind and number that exist."""
    end_months = PERIOD_END_MONTHS[PeriodKind(kind)]
    last_month = end_months[number - 1]
    first_month = end_months[number - 2] + 1 if number > 1 else 1
    return ReportPeriod(kind, year, number, _start_before(year, first_month), date(year, last_month, CUT_OFF_DAY))


def ad_hoc_period(cut_off: date) -> ReportPeriod:
    """An ad-hoc report to `cut_off`, counted from the start of the reporting year it falls
    in (15/12 before it), as the year's other reports are."""
    year_end = date(cut_off.year, 12, CUT_OFF_DAY)
    start = date(cut_off.year - 1 if cut_off <= year_end else cut_off.year, 12, START_DAY)
    return ReportPeriod(PeriodKind.AD_HOC, cut_off.year, cut_off.timetuple().tm_yday, start, cut_off)


def periods_of(kind: str, year: int) -> list[ReportPeriod]:
    """Every period of a calendar kind in `year`, in order."""
    return [calendar_period(kind, year, number) for number in range(1, len(PERIOD_END_MONTHS[PeriodKind(kind)]) + 1)]


def year_check(year: int, *, field: str = "year") -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            _("Năm báo cáo phải từ %(first)d (Nghị định 09/2019/NĐ-CP) đến %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )


def report_period(
    *, kind: str, year: int | None = None, number: int | None = None, cut_off: date | None = None
) -> ReportPeriod:
    """The period a request names, or why it names none (400 on the field at fault): a
    month or a quarter by its number, the kinds held once a year by the year alone (or
    number 1), an ad-hoc report by its cut-off (its year, if given, the cut-off's)."""
    if kind not in PeriodKind.values:
        raise InvalidInput(_("Loại kỳ báo cáo không hợp lệ."), field="kind")
    if kind == PeriodKind.AD_HOC:
        if cut_off is None:
            raise InvalidInput(_("Báo cáo đột xuất cần ngày tính số liệu."), field="cut_off")
        if number is not None:
            raise InvalidInput(
                _("Báo cáo đột xuất xác định theo ngày tính số liệu, không có số thứ tự kỳ."), field="number"
            )
        year_check(cut_off.year, field="cut_off")
        if year is not None and year != cut_off.year:
            raise InvalidInput(_("Năm báo cáo phải là năm của ngày tính số liệu."), field="year")
        return ad_hoc_period(cut_off)
    if cut_off is not None:
        raise InvalidInput(
            _("Ngày tính số liệu của kỳ này do Nghị định 09/2019/NĐ-CP quy định; chỉ báo cáo đột xuất chọn ngày."),
            field="cut_off",
        )
    if year is None:
        raise InvalidInput(_("Cần nêu năm báo cáo."), field="year")
    year_check(year)
    count = len(PERIOD_END_MONTHS[PeriodKind(kind)])
    if count == 1:
        if number not in (None, 1):
            raise InvalidInput(_("Chỉ báo cáo tháng và báo cáo quý có số thứ tự kỳ."), field="number")
        return calendar_period(kind, year, 1)
    if number is None or not 1 <= number <= count:
        message = _("Cần chọn tháng (1–12).") if kind == PeriodKind.MONTH else _("Cần chọn quý (1–4).")
        raise InvalidInput(message, field="number")
    return calendar_period(kind, year, number)
