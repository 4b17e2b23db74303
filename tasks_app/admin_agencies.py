"""The agency admin with the agencies' work: open assignments counted in the list, and the
merger action, which moves them. Registered here, over agencies' own AgencyAdmin, because
agencies knows nothing of assignments."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.admin import AgencyAdmin
from agencies.models import Agency
from agencies.services import Succession
from core.errors import DomainError
from tasks_app.mergers import agencies_merge
from tasks_app.models import OPEN_STATUSES, Assignment


class MergeForm(forms.Form):
    successor_code = forms.CharField(label=_("Mã đơn vị kế thừa"), max_length=20)
    successor_name = forms.CharField(label=_("Tên đơn vị kế thừa"), max_length=255)
    effective = forms.DateField(label=_("Ngày hiệu lực"), help_text=_("dd/mm/yyyy"))


class AgencyWorkAdmin(AgencyAdmin):
    list_display = [*AgencyAdmin.list_display, "open_assignments"]
    actions = ["merge_agencies"]

    def get_queryset(self, request):
        # Counted for the agencies on the page only, not grouped over every assignment.
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Coalesce(
                    Subquery(
                        Assignment.objects.filter(agency=OuterRef("pk"), status__in=OPEN_STATUSES)
                        .values("agency")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("Phân công đang thực hiện"), ordering="open_count")
    def open_assignments(self, agency):
        return agency.open_count

    @admin.action(description=_("Sáp nhập vào một đơn vị kế thừa"), permissions=["change"])
    def merge_agencies(self, request, queryset):
        form = MergeForm(request.POST if "apply" in request.POST else None)
        agencies = list(queryset.order_by("code"))
        if form.is_valid():
            succession = Succession(
                tuple(agency.code for agency in agencies),
                form.cleaned_data["successor_code"].strip(),
                form.cleaned_data["successor_name"].strip(),
            )
            try:
                (outcome,) = agencies_merge(
                    successions=[succession], effective=form.cleaned_data["effective"], actor=request.user
                )
            except DomainError as refusal:
                refusal.show_on(form)
            else:
                return self._merged(request, succession, outcome)
        return TemplateResponse(
            request,
            "admin/agencies/agency/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Sáp nhập cơ quan, đơn vị"),
                "form": form,
                "agencies": agencies,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
            status=400 if form.errors else 200,
        )

    def _merged(self, request, succession, outcome) -> None:
        self.message_user(
            request,
            ngettext(
                "%(closed)d cơ quan đã sáp nhập vào %(successor)s; %(moved)d phân công đang thực hiện được "
                "chuyển, %(cancelled)d phân công trùng được dừng.",
                "%(closed)d cơ quan đã sáp nhập vào %(successor)s; %(moved)d phân công đang thực hiện được "
                "chuyển, %(cancelled)d phân công trùng được dừng.",
                len(outcome.closed),
            )
            % {
                "closed": len(outcome.closed),
                "successor": succession.successor_name,
                "moved": outcome.moved,
                "cancelled": outcome.duplicates_cancelled,
            },
            messages.SUCCESS,
        )
        for refusal in outcome.refusals:
            self.message_user(request, refusal, messages.WARNING)


admin.site.unregister(Agency)
admin.site.register(Agency, AgencyWorkAdmin)
