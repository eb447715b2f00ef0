"""Counter staff and supervisors plan digital-skills sessions (portal.accounts.roles)."""

from django.db import migrations


def add_to_roles(apps, schema_editor):
    from portal.accounts.roles import ensure_roles

    ensure_roles(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("assist", "0002_roles"),
    ]

    operations = [migrations.RunPython(add_to_roles, migrations.RunPython.noop, elidable=False)]
