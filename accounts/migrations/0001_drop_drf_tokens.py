"""DRF's never-expiring tokens stop working: their table goes, with its content type and
permissions, and django-rest-knox's expiring tokens replace them."""

from django.db import migrations


def drop_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('authtoken_token')}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(drop_drf_tokens, migrations.RunPython.noop)]
