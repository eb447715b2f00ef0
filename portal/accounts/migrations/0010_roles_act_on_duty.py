"""The roles gain what acting on duty needs: the permission to act for residents (volunteers,
counter staff, supervisors), duty records (supervisors, administrators), the areas (editors,
administrators) and giving people their roles (administrators)."""

from django.db import migrations


def add_to_roles(apps, schema_editor):
    from portal.accounts.roles import ensure_roles

    # The help desk's own permissions come with its migrations (assist.0002_roles, strictly).
    ensure_roles(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_area_and_duty"),
        ("accounts", "0008_roles"),
        ("areas", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_to_roles, migrations.RunPython.noop, elidable=False)]
