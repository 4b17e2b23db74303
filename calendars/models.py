from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarFeed(models.Model):
    """A user's private calendar address. Only a digest of its secret is kept, as for API
    tokens: the address is shown once, when it is made, and renewing it makes the old one
    stop working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret_digest = models.CharField(_("mã băm của địa chỉ"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("địa chỉ lịch")
        verbose_name_plural = pgettext_lazy("plural", "địa chỉ lịch")

    def __str__(self):
        return str(self.user)
