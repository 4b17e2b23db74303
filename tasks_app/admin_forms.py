"""The forms of the admin's intermediate pages: what an action asks before it acts."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, MembershipRole


class ReassignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan mới"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text=_("Để trống nếu chỉ đổi người phụ trách."),
    )
    owner = forms.ModelChoiceField(
        label=_("Người phụ trách mới"),
        queryset=get_user_model()
        .objects.filter(is_active=True, memberships__role=MembershipRole.FOCAL_POINT)
        .distinct()
        .order_by("username"),
        required=False,
        help_text=_("Một đầu mối của cơ quan được giao. Để trống khi giao cho cơ quan khác mà chưa chọn người."),
    )
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Bắt buộc khi trả lại, dừng thực hiện hoặc mở lại nhiệm vụ đã hoàn thành."),
    )
