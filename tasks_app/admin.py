"""The admin of plans, tasks and assignments: committee staff and administrators only.

Status, owner, agency and due date are never plain form fields here: they change only
through the services (reassignment, transitions), so each change leaves its event and
tells the people concerned."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from agencies.selectors import user_roles
from core.admin import ReadOnlyAdmin
from core.errors import DomainError
from core.renderers import XLSXRenderer
from tasks_app import admin_agencies  # noqa: F401  (registers the agency admin with its work)
from tasks_app.admin_forms import ReassignForm, TransitionForm
from tasks_app.admin_plan_import import PlanImportAdminMixin
from tasks_app.api.exports import assignment_table
from tasks_app.history import event_summary
from tasks_app.models import (
    Assignment,
    Comment,
    CommentRevision,
    ExtensionRequest,
    Plan,
    StatusEvent,
    Task,
    Timeliness,
)
from tasks_app.selectors import assignment_list
from tasks_app.services import assignment_reassign, assignment_transition
from tasks_app.timeliness import DUE_SOON_DAYS, due_soon_condition, timeliness_conditions
from tasks_app.workflow import Action


@admin.register(Plan)
class PlanAdmin(PlanImportAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "year", "issuing_document"]
    list_filter = ["year"]
    search_fields = ["code", "title__folded_contains"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "due_on", "group", "is_illustrative"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "is_illustrative"]
    list_select_related = ["plan"]
    search_fields = ["title__folded_contains", "group__folded_contains"]
    ordering = ["plan", "number"]

    class Media:
        css = {"all": ["tasks_app/admin.css"]}


class TimelinessFilter(admin.SimpleListFilter):
    title = _("tình trạng")
    parameter_name = "timeliness"

    def lookups(self, request, model_admin):
        return [
            (Timeliness.ON_TRACK, _("Trong hạn")),
            ("due_soon", _("Sắp đến hạn (trong %(days)d ngày)") % {"days": DUE_SOON_DAYS}),
            (Timeliness.OVERDUE, _("Quá hạn")),
            (Timeliness.DONE_ON_TIME, Timeliness.DONE_ON_TIME.label),
            (Timeliness.DONE_LATE, Timeliness.DONE_LATE.label),
            (Timeliness.NO_DEADLINE, Timeliness.NO_DEADLINE.label),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due_soon":
            return queryset.filter(due_soon_condition(as_of=today))
        if self.value() in Timeliness.values:
            return queryset.filter(timeliness_conditions(as_of=today)[self.value()])
        return queryset


class StatusEventInline(admin.TabularInline):
    """The assignment's history, newest first, read-only: events are appended by the services.
    Each change reads as the assignment page says it, with statuses named, not coded."""

    model = StatusEvent
    fields = ["occurred_at", "change", "note", "actor", "agency"]
    readonly_fields = fields
    ordering = ["-occurred_at", "-id"]
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "agency", "owner")

    @admin.display(description=_("thay đổi"))
    def change(self, event):
        return event_summary(event)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows written by the services only, shown and never changed, added or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyInline):
    """The assignment's discussion, oldest first; a comment's earlier texts are on its own page."""

    model = Comment
    fields = ["created_at", "author", "text", "edited_at"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task_number", "task_title", "agency", "role", "owner", "status", "due_on", "progress", "page"]
    list_display_links = ["task_number", "task_title"]
    list_select_related = ["task__plan", "agency", "owner"]
    list_filter = [
        "task__plan",
        "agency__kind",
        "agency__region",
        "status",
        TimelinessFilter,
        "role",
    ]
    search_fields = [
        "task__title__folded_contains",
        "agency__name__folded_contains",
        "agency__short_name__folded_contains",
        "agency__code",
    ]
    # The unique (task, agency) index serves this order: the first page needs no sort of every row.
    ordering = ["task_id", "agency_id"]
    # The count of every row under the filters is one query; the unfiltered total, a second one, is skipped.
    show_full_result_count = False
    fields = [
        "task",
        "agency",
        "role",
        "owner",
        "status",
        "progress",
        "due_on",
        "original_due_on",
        "completed_on",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [StatusEventInline, CommentInline]
    actions = ["reassign", "accept", "return_report", "cancel", "reopen", "export_xlsx"]
    change_form_template = "admin/tasks_app/assignment/change_form.html"
    change_list_template = "admin/tasks_app/assignment/change_list.html"

    class Media:
        css = {"all": ["tasks_app/admin.css"]}

    @admin.display(description=_("STT"), ordering="task__number")
    def task_number(self, assignment):
        return f"{assignment.task.plan.code} #{assignment.task.number}"

    @admin.display(description=_("Nhiệm vụ"), ordering="task__title")
    def task_title(self, assignment):
        return assignment.task.title[:120]

    @admin.display(description=_("Trang phân công"))
    def page(self, assignment):
        return format_html('<a href="{}">{}</a>', reverse("assignment_detail", args=[assignment.pk]), _("Xem"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reassign/",
                self.admin_site.admin_view(self.reassign_one_view),
                name="tasks_app_assignment_reassign",
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="tasks_app_assignment_export"),
            *super().get_urls(),
        ]

    # Reassignment

    @admin.action(description=_("Giao lại"), permissions=["change"])
    def reassign(self, request, queryset):
        return self._reassign(request, queryset)

    def reassign_one_view(self, request, object_id):
        assignment = self.get_object(request, object_id)
        if assignment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, assignment):
            raise PermissionDenied
        response = self._reassign(request, Assignment.objects.filter(pk=assignment.pk), single=True)
        return response or redirect("admin:tasks_app_assignment_change", assignment.pk)

    def _reassign(self, request, queryset, single=False):
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            outcome = self._each(
                queryset,
                form,
                lambda assignment: assignment_reassign(
                    assignment=assignment,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    agency=form.cleaned_data["agency"],
                    owner=form.cleaned_data["owner"],
                ),
            )
            if outcome is not None:
                done, refusals = outcome
                self._report(
                    request,
                    done,
                    refusals,
                    ngettext("Đã giao lại %(n)d phân công.", "Đã giao lại %(n)d phân công.", done) % {"n": done},
                )
                return None
        return self._intermediate_page(
            request, queryset, form, action="reassign", title=_("Giao lại nhiệm vụ"), single=single
        )

    # Transitions

    @admin.action(description=Action.ACCEPT.label, permissions=["change"])
    def accept(self, request, queryset):
        return self._transition(request, queryset, Action.ACCEPT, "accept")

    @admin.action(description=Action.RETURN.label, permissions=["change"])
    def return_report(self, request, queryset):
        return self._transition(request, queryset, Action.RETURN, "return_report")

    @admin.action(description=Action.CANCEL.label, permissions=["change"])
    def cancel(self, request, queryset):
        return self._transition(request, queryset, Action.CANCEL, "cancel")

    @admin.action(description=Action.REOPEN.label, permissions=["change"])
    def reopen(self, request, queryset):
        return self._transition(request, queryset, Action.REOPEN, "reopen")

    def _transition(self, request, queryset, action: Action, action_name: str):
        form = TransitionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            outcome = self._each(
                queryset,
                form,
                lambda assignment: assignment_transition(
                    assignment=assignment, action=action, actor=request.user, note=form.cleaned_data["note"]
                ),
            )
            if outcome is not None:
                done, refusals = outcome
                self._report(
                    request,
                    done,
                    refusals,
                    ngettext("“%(action)s”: %(n)d phân công.", "“%(action)s”: %(n)d phân công.", done)
                    % {"action": action.label, "n": done},
                )
                return None
        return self._intermediate_page(request, queryset, form, action=action_name, title=action.label)

    # Shared by the actions

    @staticmethod
    def _each(queryset, form, service) -> tuple[int, list[tuple[Assignment, str]]] | None:
        """Call the service for each assignment in one transaction. A refusal of what was typed
        or chosen (an empty reason, an owner who is not of the agency) undoes every assignment
        and goes beside its field, for the action's page to be shown again (None); any other
        refusal undoes only its own assignment (the service is atomic: a savepoint) and is
        reported with the outcome."""
        assignments = list(queryset.select_related("task__plan", "agency", "owner").order_by("pk"))
        done, refusals = 0, []
        try:
            with transaction.atomic():
                for assignment in assignments:
                    try:
                        service(assignment)
                    except DomainError as refusal:
                        if refusal.field in form.fields:
                            raise
                        refusals.append((assignment, refusal.message))
                    else:
                        done += 1
        except DomainError as refusal:
            form.add_error(
                refusal.field,
                refusal.message
                if len(assignments) == 1
                else f"{assignment.task.plan.code} #{assignment.task.number} – {assignment.agency}: {refusal.message}",
            )
            return None
        return done, refusals

    def _report(self, request, done: int, refusals, success: str) -> None:
        if done:
            self.message_user(request, success, messages.SUCCESS)
        if refusals:
            heading = ngettext(
                "%(n)d phân công không thực hiện được:", "%(n)d phân công không thực hiện được:", len(refusals)
            ) % {"n": len(refusals)}
            reasons = format_html_join(
                "",
                "<br>{} #{} – {}: {}",
                ((a.task.plan.code, a.task.number, a.agency, reason) for a, reason in refusals),
            )
            self.message_user(request, format_html("{}{}", heading, reasons), messages.WARNING)

    def _intermediate_page(self, request, queryset, form, *, action: str, title, single: bool = False):
        assignments = list(queryset.select_related("task__plan", "agency", "owner").order_by("pk"))
        # A refused form is the page again with what was typed, as a 400 like every refused form.
        return TemplateResponse(
            request,
            "admin/tasks_app/assignment/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "form": form,
                "assignments": assignments,
                "action": action,
                "single": single,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
            status=400 if form.errors else 200,
        )

    # Export

    @admin.action(description=_("Xuất Excel các phân công đã chọn"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._xlsx(request, queryset)

    def export_view(self, request):
        """The list as filtered on the page, as a spreadsheet."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        return self._xlsx(request, self.get_changelist_instance(request).get_queryset(request))

    def has_export_permission(self, request):
        return user_roles(request.user).is_committee_staff

    def _xlsx(self, request, queryset):
        rows = assignment_list(roles=user_roles(request.user)).filter(pk__in=queryset.values("pk"))
        response = HttpResponse(
            XLSXRenderer().render(assignment_table(rows.order_by("task__plan", "task__number", "agency__code"))),
            content_type=XLSXRenderer.media_type,
        )
        response["Content-Disposition"] = f'attachment; filename="phan-cong-{timezone.localdate():%Y%m%d}.xlsx"'
        return response


class OfAnAssignmentColumns:
    """The list columns of a row that belongs to an assignment: its task and its agency."""

    @admin.display(description=_("nhiệm vụ"), ordering="assignment__task__number")
    def task(self, obj):
        return str(obj.assignment.task)

    @admin.display(description=_("cơ quan"), ordering="assignment__agency__name")
    def agency(self, obj):
        return str(obj.assignment.agency)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(OfAnAssignmentColumns, ReadOnlyAdmin, admin.ModelAdmin):
    """Requests to postpone, extend or withdraw, read-only: each is decided on the extension
    desk or on its assignment's page, where the decision goes through the service and the
    requester is told."""

    list_display = ["task", "agency", "kind", "requested_due_on", "status", "requested_at", "requested_by", "page"]
    list_filter = ["status", "kind", "assignment__task__plan", "assignment__agency__kind"]
    list_select_related = ["assignment__task__plan", "assignment__agency", "requested_by"]
    search_fields = [
        "assignment__task__title__folded_contains",
        "assignment__agency__name__folded_contains",
        "reason__folded_contains",
    ]
    ordering = ["-requested_at"]
    show_full_result_count = False

    @admin.display(description=_("Trang phân công"))
    def page(self, request):
        return format_html(
            '<a href="{}">{}</a>', reverse("assignment_detail", args=[request.assignment_id]), _("Xem và quyết định")
        )


class CommentRevisionInline(ReadOnlyInline):
    model = CommentRevision
    fields = ["written_at", "replaced_at", "text"]
    readonly_fields = fields
    ordering = ["replaced_at", "id"]


@admin.register(Comment)
class CommentAdmin(OfAnAssignmentColumns, ReadOnlyAdmin, admin.ModelAdmin):
    """The discussions, read-only: comments are part of the record, posted and corrected on
    the assignment's page or through the API, and never deleted."""

    list_display = ["created_at", "author", "task", "agency", "excerpt", "edited_at", "page"]
    list_filter = ["assignment__task__plan", "assignment__agency__kind"]
    list_select_related = ["assignment__task__plan", "assignment__agency", "author"]
    search_fields = [
        "text__folded_contains",
        "assignment__task__title__folded_contains",
        "assignment__agency__name__folded_contains",
        "author__username",
    ]
    fields = ["assignment", "author", "created_at", "edited_at", "text"]
    readonly_fields = fields
    inlines = [CommentRevisionInline]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False

    @admin.display(description=_("nội dung"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(120)

    @admin.display(description=_("Trang phân công"))
    def page(self, comment):
        return format_html(
            '<a href="{}#comment-{}">{}</a>',
            reverse("assignment_detail", args=[comment.assignment_id]),
            comment.pk,
            _("Xem trao đổi"),
        )
