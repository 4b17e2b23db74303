"""The admin page that imports a plan's tasks from its Excel appendix.

A mixin for the plan's ModelAdmin (`class PlanAdmin(PlanImportAdminMixin, ...)`): it adds
the page at <plan>/import/ and a link to it on the plan's change page. The work is done by
tasks_app.plan_import; this page only uploads the file and shows what came of it.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from tasks_app.plan_import import COLUMNS, plan_import

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An appendix of a few hundred tasks is a few hundred kilobytes.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        validators=[
            FileExtensionValidator(
                ["xlsx"],
                message=gettext_lazy(
                    "Chỉ nhập được bảng tính .xlsx, không nhận tệp “.%(extension)s”. Với tệp .ods hoặc .xls, "
                    "hãy mở bằng LibreOffice Calc hoặc Excel rồi lưu lại dưới dạng .xlsx (Excel 2007–365)."
                ),
            )
        ],
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_MEDIA_TYPE}"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn quá %(megabytes)d MB.") % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return file


class PlanImportAdminMixin:
    """Adds "Nhập nhiệm vụ từ Excel" to a plan's admin, for users with tasks_app.import_plan."""

    def get_urls(self):
        # Before the ModelAdmin's own URLs: their catch-all <object_id>/ would take it.
        return [
            path(
                "<path:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request, obj=None) -> bool:
        # Importing into a plan one may not even look at makes no sense.
        return request.user.has_perm(f"{self.opts.app_label}.import_plan") and self.has_view_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def import_view(self, request, object_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_import_permission(request, plan):
            raise PermissionDenied

        form = PlanImportForm(request.POST, request.FILES) if request.method == "POST" else PlanImportForm()
        row_errors = []
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = plan_import(plan=plan, file=upload, actor=request.user)
            except DomainError as refusal:
                form.add_error("file", refusal.message)
            else:
                row_errors = result.errors
                if not row_errors:
                    summary = _("Đã nhập %(tasks)d nhiệm vụ, %(assignments)d phân công.") % {
                        "tasks": result.tasks_created,
                        "assignments": result.assignments_created,
                    }
                    self.log_change(request, plan, f"{summary} ({upload.name})")
                    self.message_user(request, summary, messages.SUCCESS)
                    return redirect(
                        reverse(
                            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                            args=[quote(plan.pk)],
                            current_app=self.admin_site.name,
                        )
                    )

        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Nhập nhiệm vụ từ Excel"),
                "subtitle": str(plan),
                "original": plan,
                "has_view_permission": self.has_view_permission(request, plan),
                "form": form,
                "columns": COLUMNS,
                "row_errors": row_errors,
            },
        )
