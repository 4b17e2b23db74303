from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksAppConfig(AppConfig):
    name = "tasks_app"
    verbose_name = _("Nhiệm vụ")

    def ready(self):
        from tasks_app import signals  # noqa: F401
