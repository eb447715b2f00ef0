"""Administrators keep the desk's holidays and make-up working days (portal.accounts.roles)."""

from django.db import migrations


def add_to_roles(apps, schema_editor):
    from portal.accounts.roles import ensure_roles

    # Not strict: roles added later name permissions of apps not migrated yet here.
    ensure_roles(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assist", "0001_initial"),
        ("accounts", "0010_roles_act_on_duty"),
    ]

    operations = [migrations.RunPython(add_to_roles, migrations.RunPython.noop, elidable=False)]
