from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """Shared plumbing; as an app only for what must be in place before any query: the
    folded text search (core.text) and the PostgreSQL extension it uses (its migration)."""

    name = "core"

    def ready(self):
        from core import text

        connection_created.connect(text.register_sqlite_function, dispatch_uid="core_sqlite_folded")
