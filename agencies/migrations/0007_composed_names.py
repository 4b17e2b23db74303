from django.db import migrations

from core.text import compose_stored


def compose(apps, schema_editor):
    compose_stored(apps.get_model("agencies", "Agency"), ["name", "short_name"])


class Migration(migrations.Migration):
    """Names stored before every input was composed (core.text) are composed now."""

    dependencies = [("agencies", "0006_committee_staff_view_extension_requests")]

    operations = [migrations.RunPython(compose, migrations.RunPython.noop)]
