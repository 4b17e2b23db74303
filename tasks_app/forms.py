"""The forms of the focal point's page: they parse what was typed; the services decide."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Region
from tasks_app.models import (
    COMMENT_MAX_LENGTH,
    COMMITTEE_ADDRESSEE,
    COMMITTEE_ADDRESSEE_LABEL,
    OBSTACLE_TEXT_MAX_LENGTH,
    ExtensionKind,
    ObstacleKind,
    ObstacleStatus,
    Plan,
    ReasonKind,
    Status,
)
from tasks_app.workflow import ExplanationDecision, ObstacleResolution


# The fields the lists' query strings share, so that every list words them, and refuses a bad
# value, alike.
def plan_code_field(**options) -> forms.ChoiceField:
    """A plan by its code; the form sets the plans to choose from."""
    return forms.ChoiceField(
        label=_("Kế hoạch"), error_messages={"invalid_choice": _("Không có kế hoạch với mã này.")}, **options
    )


def agency_kind_field(label=None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("Loại cơ quan"),
        choices=[("", _("Tất cả")), *AgencyKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Không có loại cơ quan này.")},
    )


def region_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Vùng (địa phương)"),
        choices=[("", _("Tất cả các vùng")), *Region.choices],
        required=False,
        error_messages={"invalid_choice": _("Không có vùng này.")},
    )


def plan_filter_field() -> forms.ModelChoiceField:
    """A list's plan filter: the plan by its code, or every plan."""
    return forms.ModelChoiceField(
        label=_("Kế hoạch"),
        queryset=Plan.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả kế hoạch"),
        error_messages={"invalid_choice": _("Không có kế hoạch với mã này.")},
    )


def agency_filter_field(label=None) -> forms.ModelChoiceField:
    """A list's agency filter: the agency by its code, or every agency."""
    return forms.ModelChoiceField(
        label=label or _("Cơ quan"),
        queryset=Agency.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả cơ quan"),
        error_messages={"invalid_choice": _("Không có cơ quan với mã này.")},
    )


def page_number_field() -> forms.IntegerField:
    """Set by the pager's links, not by the form: a new choice starts again at the first page."""
    return forms.IntegerField(
        min_value=1,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Trang phải là một số nguyên dương."), "min_value": _("Trang phải từ 1 trở lên.")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportDoneForm(NoteForm):
    evidence_url = forms.URLField(
        label=_("Đường dẫn minh chứng"), required=False, max_length=500, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("Tệp minh chứng"), required=False)


class ProgressForm(NoteForm):
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)


class CommentForm(forms.Form):
    """A comment in an assignment's discussion, new or corrected."""

    text = forms.CharField(
        label=_("Ý kiến"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Văn bản thuần; đường dẫn (http://, https://) tự thành liên kết."),
    )


class ExtensionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Đề nghị"), choices=ExtensionKind.choices)
    requested_due_on = forms.DateField(
        label=_("Thời hạn đề nghị"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Lý do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kinds: list[ExtensionKind] | None = None, **kwargs):
        """`kinds`: what this assignment allows to be asked (workflow.extension_kinds)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
            if kinds == [ExtensionKind.WITHDRAW]:
                # A withdrawal asks for no date.
                del self.fields["requested_due_on"]


class ExtensionDecisionForm(forms.Form):
    """Committee staff's answer to an extension request."""

    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[("yes", _("Chấp thuận")), ("no", _("Không chấp thuận"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi không chấp thuận."),
    )


class PendingExtensionDecisionForm(ExtensionDecisionForm):
    """On the assignment page: the answer to its pending request, named by `request`."""

    request = forms.IntegerField(widget=forms.HiddenInput)


class ExplanationAskForm(forms.Form):
    """Committee staff ask the agency to explain this overdue assignment."""

    message = forms.CharField(
        label=_("Nội dung yêu cầu giải trình"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_due_on = forms.DateField(
        label=_("Hạn giải trình"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Để trống: sau số ngày làm việc theo quy định."),
    )


class ExplanationAnswerFields(forms.Form):
    """The agency's answer for one assignment of a request."""

    reason_kind = forms.ChoiceField(label=_("Nguyên nhân chậm"), choices=ReasonKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Giải trình nguyên nhân"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    committed_on = forms.DateField(
        label=_("Cam kết hoàn thành trước ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Không làm thay đổi thời hạn của nhiệm vụ."),
    )


class ExplanationAnswerForm(ExplanationAnswerFields):
    """On the assignment page: the answer for this assignment, to the open request named by
    `request`."""

    request = forms.IntegerField(widget=forms.HiddenInput)


class ExplanationRequestAnswerForm(forms.Form):
    """On the explanations page: the answer to a whole request in one form, the fields of
    ExplanationAnswerFields once for each of its items, named `<assignment id>-<field>`."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            for name, field in ExplanationAnswerFields.base_fields.items():
                self.fields[f"{item.assignment_id}-{name}"] = copy.deepcopy(field)

    def groups(self) -> list[tuple]:
        """Each item with its bound fields, in the request's order: a group of the page each."""
        names = list(ExplanationAnswerFields.base_fields)
        return [(item, [self[f"{item.assignment_id}-{name}"] for name in names]) for item in self.items]

    def answers(self) -> list[dict]:
        """The valid form's answer for each item: its assignment and the answer's fields."""
        names = list(ExplanationAnswerFields.base_fields)
        return [
            {"assignment": item.assignment_id, **{n: self.cleaned_data[f"{item.assignment_id}-{n}"] for n in names}}
            for item in self.items
        ]


class ExplanationReviewForm(forms.Form):
    """Committee staff's view of an answer: accept it, or ask again saying what is missing."""

    decision = forms.ChoiceField(label=_("Ý kiến"), choices=ExplanationDecision.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi yêu cầu giải trình lại."),
    )


class ExplanationDecisionForm(ExplanationReviewForm):
    """On the assignment page: the view of the answer to the request named by `request`."""

    request = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionDeskForm(forms.Form):
    """The extension desk's query string: which requests, narrowed how, which page."""

    PENDING, DECIDED = "pending", "decided"

    status = forms.ChoiceField(
        choices=[(PENDING, _("Chờ quyết định")), (DECIDED, _("Đã quyết định"))],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Không có danh sách này.")},
    )
    plan = plan_filter_field()
    kind = agency_kind_field()
    agency = agency_filter_field()
    page = page_number_field()

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or self.PENDING


class WorklistFilterForm(forms.Form):
    """The query string of the focal point's page. Every field may be left empty: all."""

    plan = plan_code_field(required=False)
    group = forms.ChoiceField(
        label=_("Tình trạng thời hạn"), required=False, error_messages={"invalid_choice": _("Không có nhóm này.")}
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), *Status.choices],
        required=False,
        error_messages={"invalid_choice": _("Không có trạng thái này.")},
    )
    q = forms.CharField(
        label=_("Tìm nhiệm vụ"),
        help_text=_("Tên nhiệm vụ, hoặc số thứ tự (ví dụ 12 hoặc #12)"),
        required=False,
        max_length=200,
    )
    page = page_number_field()

    def __init__(self, data, *, plans, groups: dict[str, str]):
        """`plans` to choose from; `groups`: each group of the page's sections and its label."""
        super().__init__(data, auto_id="filter_%s")
        self.plans = {plan.code: plan for plan in plans}
        plan_choices = [(code, f"{code} — {plan.title}") for code, plan in self.plans.items()]
        self.fields["plan"].choices = [("", _("Tất cả")), *plan_choices]
        self.fields["group"].choices = [("", _("Tất cả")), *groups.items()]

    def clean_plan(self):
        return self.plans.get(self.cleaned_data["plan"])


class ExplanationDeskForm(forms.Form):
    """The explanations page's query string: which list, narrowed how, which page. An
    agency's people choose among their own agencies only, and not by kind."""

    status = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Không có danh sách này.")},
    )
    plan = plan_filter_field()
    kind = agency_kind_field()
    agency = agency_filter_field()
    page = page_number_field()

    def __init__(self, data, *, lists, roles):
        """`lists`: the values of the status filter besides all."""
        super().__init__(data, auto_id="filter_%s")
        self.fields["status"].choices = [("", ""), *((value, value) for value in lists)]
        if not roles.is_committee_staff:
            del self.fields["kind"]
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=roles.agency_ids).order_by("name")
            if len(roles.agency_ids) < 2:
                del self.fields["agency"]

    def filters(self) -> dict:
        """The valid form's narrowing, as explanation_request_desk takes it."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "plan": data["plan"].code if data["plan"] else "",
            "agency": data["agency"].code if data.get("agency") else "",
            "agency_kind": data.get("kind", ""),
        }


def addressee_choices(agencies) -> list[tuple[str, str]]:
    """The committee first, then the agencies given, by their codes."""
    return [(COMMITTEE_ADDRESSEE, COMMITTEE_ADDRESSEE_LABEL), *((agency.code, agency.name) for agency in agencies)]


class ObstacleForm(forms.Form):
    """A focal point raises a difficulty, obstacle or proposal on the assignment."""

    kind = forms.ChoiceField(label=_("Loại"), choices=ObstacleKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Nội dung"), max_length=OBSTACLE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    addressee = forms.ChoiceField(
        label=_("Gửi đến"),
        help_text=_("Cơ quan có thẩm quyền giải quyết, hoặc Ủy ban (Tổ giúp việc)."),
        error_messages={"invalid_choice": _("Không có cơ quan này.")},
    )

    def __init__(self, *args, agency_id: int | None = None, **kwargs):
        """`agency_id`: the assignment's agency, which does not address itself."""
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(is_active=True).exclude(pk=agency_id).order_by("name")
        self.agencies = {agency.code: agency for agency in agencies}
        self.fields["addressee"].choices = [("", _("Chọn nơi nhận")), *addressee_choices(self.agencies.values())]

    def clean_addressee(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data["addressee"])


class ObstacleAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Trả lời"), max_length=OBSTACLE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObstacleResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Kết quả"), choices=ObstacleResolution.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        max_length=OBSTACLE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi không giải quyết được."),
    )


class ObstacleListForm(forms.Form):
    """The query string of the obstacles page. Every field may be left empty: all, except
    the status, whose empty value is the items not yet closed, and the list (`box`) of an
    agency's people, whose empty value is the items addressed to them."""

    TO_US, OURS = "to_us", "ours"
    ALL = "all"
    BY_AGE, BY_ADDRESSEE = "age", "addressee"

    box = forms.ChoiceField(
        choices=[(TO_US, _("Gửi đến cơ quan tôi")), (OURS, _("Cơ quan tôi đã nêu"))],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Không có danh sách này.")},
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Chưa kết thúc")), *ObstacleStatus.choices, (ALL, _("Tất cả"))],
        required=False,
        error_messages={"invalid_choice": _("Không có trạng thái này.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[("", _("Tất cả")), *ObstacleKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Không có loại này.")},
    )
    plan = plan_filter_field()
    addressee = forms.ChoiceField(
        label=_("Nơi nhận"), required=False, error_messages={"invalid_choice": _("Không có cơ quan này.")}
    )
    agency = agency_filter_field(_("Cơ quan nêu"))
    order = forms.ChoiceField(
        label=_("Sắp xếp"),
        choices=[(BY_AGE, _("Lâu nhất trước")), (BY_ADDRESSEE, _("Theo nơi nhận, lâu nhất trước"))],
        required=False,
        error_messages={"invalid_choice": _("Không có cách sắp xếp này.")},
    )
    page = page_number_field()

    def __init__(self, data, *, staff: bool):
        """Committee staff see one list; an agency's people pick theirs with `box`."""
        super().__init__(data, auto_id="filter_%s")
        self.fields["addressee"].choices = [("", _("Tất cả")), *addressee_choices(Agency.objects.order_by("name"))]
        if staff:
            del self.fields["box"]

    def clean_box(self) -> str:
        return self.cleaned_data["box"] or self.TO_US
