"""The forms of the reports' pages: they parse what was typed; reports.periods and the
services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.periods import FIRST_YEAR, LAST_YEAR, PeriodKind
from tasks_app.forms import plan_code_field


def _plan_choices(plans, *, blank: str | None) -> list[tuple[str, str]]:
    choices = [(plan.code, f"{plan.code} — {plan.title}") for plan in plans]
    return [("", blank), *choices] if blank is not None else choices


class ReportListForm(forms.Form):
    """The list's filters, from the query string: a bad value is refused, not ignored."""

    plan = plan_code_field(required=False)
    kind = forms.ChoiceField(
        label=_("Loại kỳ báo cáo"),
        choices=[("", _("Tất cả")), *PeriodKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Không có loại kỳ báo cáo này.")},
    )
    year = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Năm phải là một số."),
            "min_value": _("Năm báo cáo phải từ %(limit_value)s (Nghị định 09/2019/NĐ-CP)."),
            "max_value": _("Năm báo cáo phải đến %(limit_value)s."),
        },
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(plans, blank=_("Tất cả"))


class AdHocReportForm(forms.Form):
    """An ad-hoc report (đột xuất): a plan and the day its figures stop at."""

    plan = plan_code_field()
    cut_off = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Cần chọn ngày tính số liệu."), "invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(plans, blank=None)
        self.fields["plan"].error_messages["required"] = _("Cần chọn kế hoạch.")
