from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITTEE_STAFF_GROUP = "committee_staff"


def grant(apps, schema_editor):
    # Naming a focal point in the agency admin searches users (the admin's autocomplete asks
    # for the view permission on users); seeing users does not let staff change them.
    # Permissions are made after migrations run; make auth's now so that one can be granted.
    auth = apps.get_app_config("auth")
    auth.models_module = True
    create_permissions(auth, apps=apps, verbosity=0)
    auth.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename="view_user"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=COMMITTEE_STAFF_GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="auth", codename="view_user"))


class Migration(migrations.Migration):
    dependencies = [("agencies", "0004_committee_staff_admin_permissions")]

    operations = [migrations.RunPython(grant, revoke)]
