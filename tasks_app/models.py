import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agencies.models import Agency


class AppendOnly:
    """Rows of the record: written once, never changed afterwards."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    REPORTED = "reported", _("Đã báo cáo hoàn thành (chờ xác nhận)")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Dừng / không thực hiện")


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.REPORTED)
# Open and not yet reported: the agency can still update its progress and ask for another deadline.
AWAITING_REPORT = (Status.NOT_STARTED, Status.IN_PROGRESS)
# Stands for "no deadline" in the unique index of AssignmentCount, where a NULL would not match.
COUNT_NO_DEADLINE = date(1, 1, 1)
# What a report's evidence may be: documents, spreadsheets, scans and photos, and archives of them.
EVIDENCE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png", "zip"]
# Where in the media storage evidence files go; evidence_orphans sweeps this folder alone.
EVIDENCE_FOLDER = "evidence"


class Timeliness(models.TextChoices):
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    ON_TRACK = "on_track", _("Đang thực hiện trong hạn")
    OVERDUE = "overdue", _("Quá hạn (chưa hoàn thành)")
    NO_DEADLINE = "no_deadline", _("Thường xuyên / không thời hạn")


class PlanManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Plan(models.Model):
    code = models.CharField(_("mã"), max_length=30, unique=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    year = models.PositiveSmallIntegerField(_("năm"))
    issuing_document = models.CharField(_("văn bản ban hành"), max_length=255, blank=True)
    description = models.TextField(_("ghi chú"), blank=True)

    objects = PlanManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch")
        ordering = ["-year", "code"]
        permissions = [("import_plan", _("Có thể nhập kế hoạch từ tệp Excel"))]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)


class TaskManager(models.Manager):
    def get_by_natural_key(self, plan_code, number):
        return self.get(plan__code=plan_code, number=number)


class Task(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveIntegerField(_("số thứ tự"))
    title = models.TextField(_("nhiệm vụ"))
    group = models.CharField(_("nhóm"), max_length=255, blank=True)
    expected_product = models.TextField(_("sản phẩm"), blank=True)
    due_on = models.DateField(_("thời hạn"), null=True, blank=True, help_text=_("Để trống với nhiệm vụ thường xuyên."))
    is_illustrative = models.BooleanField(
        _("nội dung minh họa"),
        default=False,
        help_text=_("Tiêu đề không lấy từ văn bản chính thức mà được soạn để minh họa."),
    )

    objects = TaskManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number_in_plan")]

    def __str__(self):
        return f"{self.plan.code} #{self.number}: {self.title[:80]}"

    def natural_key(self):
        return (self.plan.code, self.number)

    natural_key.dependencies = ["tasks_app.plan"]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    SUPPORT = "support", _("Phối hợp")


class AssignmentManager(models.Manager):
    def get_by_natural_key(self, plan_code, number, agency_code):
        return self.get(task__plan__code=plan_code, task__number=number, agency__code=agency_code)


class Assignment(models.Model):
    """One task given to one agency: the unit that has a status."""

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="assignments")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=10, choices=AssignmentRole.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_assignments",
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # 0–100, checked by assignment_update_progress, the only write.
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    original_due_on = models.DateField(_("thời hạn ban đầu"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = AssignmentManager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = pgettext_lazy("plural", "phân công")
        ordering = ["task__plan", "task__number", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="unique_assignment_per_task_and_agency"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="assignment_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(status=Status.DONE, completed_on__isnull=False)
                | (~Q(status=Status.DONE) & Q(completed_on__isnull=True)),
                name="assignment_completed_on_iff_done",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["due_on"]),
            models.Index(fields=["task", "role", "status"]),
        ]

    def __str__(self):
        return f"{self.task.plan.code} #{self.task.number} — {self.agency.code}"

    @property
    def awaiting_report(self) -> bool:
        return self.status in AWAITING_REPORT

    def natural_key(self):
        return (*self.task.natural_key(), self.agency.code)

    natural_key.dependencies = ["tasks_app.task", "agencies.agency"]


class EventKind(models.TextChoices):
    CREATED = "created", _("Giao nhiệm vụ")
    STATUS = "status", _("Đổi trạng thái")
    DUE_DATE = "due_date", _("Đổi thời hạn")
    OWNER = "owner", _("Đổi người phụ trách")
    AGENCY = "agency", _("Giao lại cơ quan")
    PROGRESS = "progress", _("Cập nhật tiến độ")


class StatusEventManager(models.Manager):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)


class StatusEvent(AppendOnly, models.Model):
    """An append-only record of one change to an assignment.

    Besides the change itself (kind, before, after), each row keeps the assignment's
    tracked state right after the change, so that the state on any past day is the
    state of the last event up to that day: reports "as of" a date read the log.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=EventKind.choices)
    action = models.CharField(_("thao tác"), max_length=20, blank=True)
    before = models.CharField(_("trước"), max_length=255, blank=True)
    after = models.CharField(_("sau"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence_url = models.URLField(_("đường dẫn minh chứng"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("tệp minh chứng"),
        upload_to=f"{EVIDENCE_FOLDER}/%Y/%m/",
        # Its extension is checked with the rest of the report, by assignment_transition.
        blank=True,
    )
    occurred_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    status = models.CharField(_("trạng thái sau thay đổi"), max_length=20, choices=Status.choices)
    due_on = models.DateField(_("thời hạn sau thay đổi"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành sau thay đổi"), null=True, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan sau thay đổi"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách sau thay đổi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ sau thay đổi (%)"), default=0)

    objects = StatusEventManager()

    class Meta:
        verbose_name = _("lịch sử thay đổi")
        verbose_name_plural = pgettext_lazy("plural", "lịch sử thay đổi")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["assignment", "occurred_at", "id"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self._display(self.before)} → {self._display(self.after)}"

    def natural_key(self):
        return (str(self.uuid),)

    def _display(self, value: str) -> str:
        """A status change reads as the statuses' names; other changes as they were written."""
        if self.kind == EventKind.STATUS and value in Status.values:
            return Status(value).label
        return value

    @property
    def before_display(self) -> str:
        return self._display(self.before)

    @property
    def after_display(self) -> str:
        return self._display(self.after)


class ExtensionKind(models.TextChoices):
    POSTPONE = "postpone", _("Lùi thời hạn")
    EXTEND = "extend", _("Giãn thời hạn")
    WITHDRAW = "withdraw", _("Rút nhiệm vụ")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã chấp thuận")
    REJECTED = "rejected", _("Không chấp thuận")


class ExtensionRequest(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    kind = models.CharField(_("loại đề nghị"), max_length=10, choices=ExtensionKind.choices)
    requested_due_on = models.DateField(_("thời hạn đề nghị"), null=True, blank=True)
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), default=timezone.now)
    status = models.CharField(
        _("kết quả"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị điều chỉnh thời hạn")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị điều chỉnh thời hạn")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="one_pending_extension_request_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(kind=ExtensionKind.WITHDRAW) | Q(requested_due_on__isnull=False),
                name="extension_request_date_unless_withdraw",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.assignment}"


class SnapshotDay(models.Model):
    """A day whose counts in DailySnapshot and TaskDaySnapshot are complete and current.

    The row is deleted when an event dated on or before that day is recorded later
    (history loaded or imported), so that readers fall back to the event log until the
    day is counted again."""

    day = models.DateField(_("ngày"), primary_key=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("ngày đã chốt số liệu")
        verbose_name_plural = pgettext_lazy("plural", "ngày đã chốt số liệu")

    def __str__(self):
        return f"{self.day:%d/%m/%Y}"


class DailySnapshot(models.Model):
    """How many assignments of a plan an agency held in each status and timeliness class
    at the end of a day: what dashboards read for past dates."""

    day = models.DateField(_("ngày"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    timeliness = models.CharField(_("tình trạng thời hạn"), max_length=20, choices=Timeliness.choices, blank=True)
    count = models.PositiveIntegerField(_("số lượng"))

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = pgettext_lazy("plural", "số liệu theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "plan", "agency", "status", "timeliness"], name="unique_daily_snapshot_cell"
            )
        ]
        # The unique constraint's index serves (day, plan) lookups; including the count lets
        # PostgreSQL answer a day's dashboard from the index alone.
        indexes = [
            models.Index(
                fields=["day", "plan", "agency"],
                include=["status", "timeliness", "count"],
                name="snapshot_day_covering",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.plan_id} {self.agency_id} {self.status} {self.timeliness}: {self.count}"


class TaskDaySnapshot(models.Model):
    """Whether a task was done at the end of a day."""

    day = models.DateField(_("ngày"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    is_done = models.BooleanField(_("đã hoàn thành"))

    class Meta:
        verbose_name = _("trạng thái nhiệm vụ theo ngày")
        verbose_name_plural = pgettext_lazy("plural", "trạng thái nhiệm vụ theo ngày")
        constraints = [models.UniqueConstraint(fields=["day", "task"], name="unique_task_day_snapshot")]
        indexes = [models.Index(fields=["plan", "day"])]

    def __str__(self):
        return f"{self.day} {self.task_id}: {self.is_done}"


class AssignmentCount(models.Model):
    """How many assignments of a plan an agency holds now, per role, status and deadline:
    what dashboards read for today, kept by the services in the transaction of each change
    (tasks_app.counts). Only what timeliness needs is kept: the deadline of open work, from
    which "overdue" is derived against the day it is read (so the table never goes stale at
    midnight), and whether done work was finished late. A cache of the assignments: the
    nightly job recounts it and repairs any drift."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=AssignmentRole.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    # Open work only: done and cancelled work counts the same whatever its deadline.
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    done_late = models.BooleanField(_("hoàn thành quá hạn"), default=False)
    # Signed: a drift the nightly job will repair must never make a user's write fail.
    count = models.IntegerField(_("số lượng"))

    class Meta:
        verbose_name = _("số phân công hiện nay")
        verbose_name_plural = pgettext_lazy("plural", "số phân công hiện nay")
        constraints = [
            # The upsert's conflict target (tasks_app.counts): open work without a deadline and
            # done or cancelled work share one cell, which a plain unique index would not see
            # as one, NULLs being distinct.
            models.UniqueConstraint(
                "plan",
                "agency",
                "role",
                "status",
                Coalesce("due_on", Value(COUNT_NO_DEADLINE)),
                "done_late",
                name="unique_assignment_count_cell",
            )
        ]

    def __str__(self):
        return f"{self.plan_id} {self.agency_id} {self.role} {self.status} {self.due_on} {self.done_late}: {self.count}"


# The longest comment the services accept: a message in a thread, not a document.
COMMENT_MAX_LENGTH = 5000


class Comment(models.Model):
    """One message in an assignment's discussion. Part of the record: its author may
    correct it for a short while (each earlier text is kept as a CommentRevision), and
    nobody deletes it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    edited_at = models.DateTimeField(_("sửa lần cuối lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("ý kiến trao đổi")
        verbose_name_plural = pgettext_lazy("plural", "ý kiến trao đổi")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["assignment", "created_at", "id"])]

    def __str__(self):
        return f"{self.assignment_id} · {self.created_at:%d/%m/%Y %H:%M}"

    def delete(self, *args, **kwargs):
        raise TypeError("Comments are part of the record and are never deleted")


class CommentRevision(AppendOnly, models.Model):
    """A comment's text as it stood before one correction, with when it was written and
    when it was replaced."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("ý kiến trao đổi"), on_delete=models.PROTECT, related_name="revisions"
    )
    text = models.TextField(_("nội dung trước khi sửa"))
    written_at = models.DateTimeField(_("viết lúc"))
    replaced_at = models.DateTimeField(_("sửa lúc"))

    class Meta:
        verbose_name = _("lần sửa ý kiến")
        verbose_name_plural = pgettext_lazy("plural", "lần sửa ý kiến")
        ordering = ["replaced_at", "id"]

    def __str__(self):
        return f"{self.comment_id} · {self.replaced_at:%d/%m/%Y %H:%M}"

    def delete(self, *args, **kwargs):
        raise TypeError("CommentRevision rows are never deleted")


class ExplanationStatus(models.TextChoices):
    OPEN = "open", _("Chờ giải trình")
    ANSWERED = "answered", _("Đã giải trình (chờ xem xét)")
    ACCEPTED = "accepted", _("Đã chấp nhận giải trình")


class ReasonKind(models.TextChoices):
    LEGAL_BASIS = "legal_basis", _("Chờ căn cứ pháp lý")
    FUNDING = "funding", _("Kinh phí")
    DEPENDENCY = "dependency", _("Phụ thuộc cơ quan khác")
    TECHNICAL = "technical", _("Kỹ thuật")
    OTHER = "other", _("Khác")


class ExplanationRequest(models.Model):
    """Committee staff ask an agency to explain its overdue work: one request per agency,
    listing its assignments (ExplanationItem). "Late" is not stored: an open request past
    its answer date (see selectors.explanation_requests_annotated)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="explanation_requests"
    )
    message = models.TextField(_("nội dung yêu cầu"))
    answer_due_on = models.DateField(_("hạn giải trình"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ExplanationStatus.choices, default=ExplanationStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)
    asked_again_count = models.PositiveSmallIntegerField(_("số lần yêu cầu giải trình lại"), default=0)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = pgettext_lazy("plural", "yêu cầu giải trình")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "answer_due_on"]),
            models.Index(fields=["agency", "status"]),
        ]

    def __str__(self):
        return f"{self.agency.code} · {self.created_at:%d/%m/%Y}"


class ExplanationItem(models.Model):
    """One assignment of a request, with the agency's answer for it."""

    request = models.ForeignKey(
        ExplanationRequest, verbose_name=_("yêu cầu giải trình"), on_delete=models.PROTECT, related_name="items"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="explanation_items"
    )
    reason_kind = models.CharField(_("nguyên nhân"), max_length=20, choices=ReasonKind.choices, blank=True)
    reason = models.TextField(_("giải trình nguyên nhân"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    # Shown beside the deadline; it never moves it (extension requests do that).
    committed_on = models.DateField(_("cam kết hoàn thành"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nội dung giải trình")
        verbose_name_plural = pgettext_lazy("plural", "nội dung giải trình")
        ordering = ["request", "assignment__task__plan", "assignment__task__number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "assignment"], name="unique_explanation_item_per_assignment")
        ]

    def __str__(self):
        return f"{self.request_id} · {self.assignment_id}"


class ExplanationStepKind(models.TextChoices):
    REQUESTED = "requested", _("Yêu cầu giải trình")
    ANSWERED = "answered", _("Giải trình")
    ACCEPTED = "accepted", _("Chấp nhận giải trình")
    ASKED_AGAIN = "asked_again", _("Yêu cầu giải trình lại")


class ExplanationStep(AppendOnly, models.Model):
    """An append-only record of each step of a request: who, when, and what was written.
    An answer asked again overwrites the items, so each answer's text is kept here too."""

    request = models.ForeignKey(
        ExplanationRequest, verbose_name=_("yêu cầu giải trình"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("bước"), max_length=20, choices=ExplanationStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("nội dung"), blank=True)
    answer_due_on = models.DateField(_("hạn giải trình"), null=True, blank=True)

    class Meta:
        verbose_name = _("bước giải trình")
        verbose_name_plural = pgettext_lazy("plural", "bước giải trình")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.request_id} · {self.get_kind_display()}"


class ObstacleKind(models.TextChoices):
    DIFFICULTY = "difficulty", _("Khó khăn")
    OBSTACLE = "obstacle", _("Vướng mắc")
    PROPOSAL = "proposal", _("Kiến nghị")


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("Chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    RESOLVED = "resolved", _("Đã giải quyết")
    DECLINED = "declined", _("Không giải quyết được")


# Still waiting on someone: the addressee's answer, or the author's side's resolution.
OBSTACLE_UNFINISHED = (ObstacleStatus.OPEN, ObstacleStatus.ANSWERED)
# How the API and the filters name the committee as an addressee: no agency row stands for it.
COMMITTEE_ADDRESSEE = "committee"
COMMITTEE_ADDRESSEE_LABEL = _("Ủy ban Quốc gia về chuyển đổi số (Tổ giúp việc)")
OBSTACLE_TEXT_MAX_LENGTH = 5000


class Obstacle(models.Model):
    """A difficulty, obstacle or proposal an agency raises on its assignment, addressed to
    whoever can resolve it: another agency, or the committee itself (no addressee agency).
    The addressee answers it; the author's side then resolves it or declines it with a
    reason (see workflow.obstacle_*_check). "Age" is not stored: see selectors."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.PROTECT, related_name="obstacles"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=ObstacleKind.choices)
    text = models.TextField(_("nội dung"))
    addressee = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan được đề nghị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obstacles_addressed",
        help_text=_("Để trống: gửi Ủy ban (Tổ giúp việc)."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nêu"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("nêu lúc"), default=timezone.now)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    resolution_note = models.TextField(_("ý kiến khi kết thúc"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kết thúc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khó khăn, vướng mắc, kiến nghị")
        verbose_name_plural = pgettext_lazy("plural", "khó khăn, vướng mắc, kiến nghị")
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ObstacleStatus.OPEN) | Q(answered_at__isnull=False) | Q(resolved_at__isnull=False),
                name="obstacle_past_open_has_a_step",
            ),
        ]
        indexes = [
            # The staff's list: the open items by addressee, oldest first.
            models.Index(fields=["status", "addressee", "raised_at"]),
            models.Index(fields=["assignment", "raised_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.assignment_id} · {self.raised_at:%d/%m/%Y}"

    @property
    def addressee_code(self) -> str:
        return self.addressee.code if self.addressee_id else COMMITTEE_ADDRESSEE

    @property
    def addressee_name(self) -> str:
        return self.addressee.name if self.addressee_id else str(COMMITTEE_ADDRESSEE_LABEL)


class ObstacleStepKind(models.TextChoices):
    RECORDED = "recorded", _("Nêu khó khăn, vướng mắc, kiến nghị")
    ANSWERED = "answered", _("Trả lời khó khăn, vướng mắc, kiến nghị")
    RESOLVED = "resolved", _("Kết thúc: đã giải quyết")
    DECLINED = "declined", _("Kết thúc: không giải quyết được")


class ObstacleStep(AppendOnly, models.Model):
    """An append-only record of each step of an obstacle: who, when, and what was written."""

    obstacle = models.ForeignKey(
        Obstacle, verbose_name=_("khó khăn, vướng mắc, kiến nghị"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("bước"), max_length=20, choices=ObstacleStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý khó khăn, vướng mắc")
        verbose_name_plural = pgettext_lazy("plural", "bước xử lý khó khăn, vướng mắc")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.obstacle_id} · {self.get_kind_display()}"
