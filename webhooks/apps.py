from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Kết nối hệ thống (webhook)")

    def ready(self):
        from webhooks import receivers  # noqa: F401
