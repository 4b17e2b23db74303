from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, for searching without accents (core.text). Nothing on SQLite."""

    dependencies = []

    operations = [UnaccentExtension()]
