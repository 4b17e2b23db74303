import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency


class EventType(models.TextChoices):
    STATUS_CHANGED = "assignment.status_changed", _("Trạng thái thay đổi")
    REPORT_SUBMITTED = "assignment.reported", _("Báo cáo hoàn thành")
    REPORT_ACCEPTED = "assignment.accepted", _("Xác nhận hoàn thành")
    REPORT_RETURNED = "assignment.returned", _("Trả lại báo cáo")
    REASSIGNED = "assignment.reassigned", _("Giao lại")
    EXTENSION_REQUESTED = "extension.requested", _("Đề nghị điều chỉnh thời hạn")
    EXTENSION_DECIDED = "extension.decided", _("Quyết định điều chỉnh thời hạn")
    EXPLANATION_REQUESTED = "explanation.requested", _("Yêu cầu giải trình")
    EXPLANATION_ANSWERED = "explanation.answered", _("Giải trình")
    MERGER_APPLIED = "agency.merger_applied", _("Sáp nhập cơ quan")


class WebhookEndpoint(models.Model):
    """An integrator's address, told of the events it chose about the agencies it covers (all,
    when none is chosen). Disabled after `failure_limit` failed deliveries in a row."""

    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    description = models.CharField(_("mô tả"), max_length=200, blank=True)
    secret = models.CharField(
        _("khóa ký"),
        max_length=100,
        help_text=_("Khóa bí mật dùng chung để ký (HMAC-SHA256) mỗi lần gửi; tạo sẵn, có thể thay."),
    )
    events = models.JSONField(_("sự kiện"), default=list)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan"), blank=True, related_name="+", help_text=_("Để trống: mọi cơ quan.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Được báo qua thư khi địa chỉ bị tạm dừng vì gửi lỗi liên tiếp."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    disabled_at = models.DateTimeField(_("tạm dừng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("địa chỉ webhook")
        verbose_name_plural = pgettext_lazy("plural", "địa chỉ webhook")
        ordering = ["url"]

    def __str__(self):
        return self.description or self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")


class WebhookDelivery(models.Model):
    """The outbox of webhooks: one event for one endpoint, written in the transaction of the
    change it tells of, and sent by the worker until the endpoint accepts it (2xx). Its
    `event_id` is the `webhook-id` the receiver deduplicates by: a retry sends the same."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("địa chỉ"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4)
    event_type = models.CharField(_("sự kiện"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=10, choices=DeliveryStatus.choices, default="pending")
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    response_code = models.PositiveIntegerField(_("mã phản hồi"), null=True, blank=True)
    last_error = models.CharField(_("lỗi"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = pgettext_lazy("plural", "lần gửi webhook")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="unique_webhook_event_per_endpoint")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_due"),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint}"
