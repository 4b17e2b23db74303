"""The forms of the focal point's page: they parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tasks_app.models import ExtensionKind


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


class ExtensionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Đề nghị"), choices=ExtensionKind.choices)
    requested_due_on = forms.DateField(
        label=_("Thời hạn đề nghị"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Lý do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    """Committee staff's answer to the pending request named by `request`."""

    request = forms.IntegerField(widget=forms.HiddenInput)
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
