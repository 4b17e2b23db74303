from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tasks_app.models import Assignment, ExplanationRequest


class NotificationKind(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATION = "escalation", _("Quá hạn kéo dài (báo lãnh đạo)")
    DUE_TODAY = "due_today", _("Đến hạn hôm nay")
    # Sent the days REMINDER_BEFORE_DAYS before the deadline; the pages' "due soon" is DUE_SOON_DAYS.
    DUE_SOON = "due_soon", _("Nhắc trước hạn")
    # About an explanation request (the row's explanation_request), not one assignment.
    EXPLAIN_LATE = "explain_late", _("Quá hạn giải trình")
    EXPLAIN_ESCALATION = "explain_escalation", _("Quá hạn giải trình kéo dài (báo lãnh đạo)")
    EXPLAIN_DUE_SOON = "explain_due_soon", _("Giải trình sắp đến hạn")
    STAFF_SUMMARY = "staff_summary", _("Tổng hợp quá hạn theo cơ quan")
    REVIEW_QUEUE = "review_queue", _("Báo cáo hoàn thành đang chờ Tổ giúp việc xác nhận")
    REPORTED = "reported", _("Báo cáo hoàn thành chờ xác nhận")
    ACCEPTED = "accepted", _("Báo cáo hoàn thành được xác nhận")
    RETURNED = "returned", _("Báo cáo hoàn thành bị trả lại")
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị điều chỉnh thời hạn chờ quyết định")
    EXTENSION_DECIDED = "extension_decided", _("Đề nghị điều chỉnh thời hạn đã có kết quả")
    REASSIGNED = "reassigned", _("Nhiệm vụ được giao lại")
    COMMENT_POSTED = "comment_posted", _("Ý kiến trao đổi mới")
    EXPLAIN_REQUESTED = "explain_requested", _("Yêu cầu giải trình nhiệm vụ quá hạn")
    EXPLAIN_ANSWERED = "explain_answered", _("Giải trình chờ Tổ giúp việc xem xét")
    EXPLAIN_DECIDED = "explain_decided", _("Giải trình đã được xem xét")
    OBSTACLE_RECORDED = "obstacle_recorded", _("Khó khăn, vướng mắc, kiến nghị gửi đến")
    OBSTACLE_ANSWERED = "obstacle_answered", _("Khó khăn, vướng mắc, kiến nghị đã được trả lời")
    OBSTACLE_RESOLVED = "obstacle_resolved", _("Khó khăn, vướng mắc, kiến nghị đã kết thúc")
    # About a page of no assignment (the row's link): a periodic report's draft, at its cut-off.
    REPORT_DRAFT = "report_draft", _("Dự thảo báo cáo định kỳ đã sẵn sàng")


# Told to an addressee who may not see the assignment's page: these link to the obstacles page.
OBSTACLE_KINDS = (
    NotificationKind.OBSTACLE_RECORDED,
    NotificationKind.OBSTACLE_ANSWERED,
    NotificationKind.OBSTACLE_RESOLVED,
)


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    # Shown in the in-app list only, never e-mailed: what a daily digest entry already covers.
    IN_APP = "in_app", _("Chỉ trong ứng dụng")


class Notification(models.Model):
    """The outbox: one row per message to one person, about an assignment or, for the
    reminders of an explanation request, about the request. The unique dedup key (recipient,
    assignment or request, kind, day) makes writing the same reminder twice a no-op; sent_at marks
    it delivered, failed_at given up (the mail server refused the address for good, or the
    person has none), last_error says why; a claim (token and expiry) lets one sender at a
    time have it. The in-app list shows every row, sent, failed or pending; a row of the
    in-app channel is never e-mailed (nothing sends it, so it stays unsent)."""

    # Indexed by (recipient, created_at) below; a second index of its own would only slow the scan's writes.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("phân công"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    explanation_request = models.ForeignKey(
        ExplanationRequest,
        verbose_name=_("yêu cầu giải trình"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # The site path of what a notice about no assignment and no request leads to.
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    dedup_key = models.CharField(_("khóa chống trùng"), max_length=120)
    note = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gửi thất bại lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")
        ordering = ["-created_at", "-id"]
        # A constraint rather than unique=True: no second, pattern-matching index on the key.
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="notification_dedup_key_unique")]
        indexes = [
            models.Index(fields=["recipient", "created_at"]),
            models.Index(
                fields=["recipient"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="notification_pending",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def page_path(self) -> str:
        """Where the notice leads: its own link where it has one, the obstacles page for an
        obstacle's steps, else the assignment."""
        if self.link:
            return self.link
        if self.kind in OBSTACLE_KINDS:
            return reverse("obstacles")
        return reverse("assignment_detail", args=[self.assignment_id])
