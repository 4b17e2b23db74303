from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITTEE_STAFF_GROUP = "committee_staff"


def grant(apps, schema_editor):
    # The admin lists extension requests for committee staff (each is decided on its
    # assignment's page). Permissions are made after migrations run; make them now.
    tasks_app = apps.get_app_config("tasks_app")
    tasks_app.models_module = True
    create_permissions(tasks_app, apps=apps, verbosity=0)
    tasks_app.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="tasks_app", codename="view_extensionrequest")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=COMMITTEE_STAFF_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="tasks_app", codename="view_extensionrequest")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_committee_staff_view_users"),
        ("tasks_app", "0008_validators_checked_by_services"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
