from django.db import migrations

from core.text import compose_stored


def compose(apps, schema_editor):
    compose_stored(apps.get_model("tasks_app", "Plan"), ["title", "description", "issuing_document"])
    compose_stored(apps.get_model("tasks_app", "Task"), ["title", "group", "expected_product"])


class Migration(migrations.Migration):
    """Titles stored before every input was composed (core.text), as the plan import could
    store them, are composed now, so that a search finds them."""

    dependencies = [("tasks_app", "0010_explanation_requests")]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
