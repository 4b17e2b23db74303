from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITTEE_STAFF_GROUP = "committee_staff"
# What committee staff do in the admin: load plans, follow and move assignments through the
# workflow, reassign them, name focal points, merge agencies, read the outbox. Deleting
# history is not among them.
PERMISSIONS = {
    "tasks_app": [
        "view_plan",
        "add_plan",
        "change_plan",
        "import_plan",
        "view_task",
        "change_task",
        "view_assignment",
        "change_assignment",
        "view_statusevent",
    ],
    "agencies": [
        "view_agency",
        "change_agency",
        "view_agencymembership",
        "add_agencymembership",
        "change_agencymembership",
        "delete_agencymembership",
    ],
    "notifications": ["view_notification"],
}


def grant(apps, schema_editor):
    # Permissions are made after migrations run; make them now so that they can be granted.
    for app_label in PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)
    for app_label, codenames in PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=COMMITTEE_STAFF_GROUP):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_change_history"),
        ("tasks_app", "0005_change_history"),
        ("notifications", "0004_outbox_fewer_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
