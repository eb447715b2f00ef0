"""The staff roles as groups with their permissions, on every deployment (not only the demo)."""

from django.db import migrations


def make_roles(apps, schema_editor):
    from portal.accounts.roles import ensure_roles

    # The roles in portal.accounts.roles are today's: permissions of models made by later
    # migrations are given by those (0010_roles_act_on_duty), strictly.
    ensure_roles(apps, strict=False)


class Migration(migrations.Migration):
    # Every app whose permissions the roles use (portal.accounts.roles.APPS), at a migration
    # where its models and permissions exist; the permissions are made before the groups get them.
    dependencies = [
        ("accounts", "0007_enrolment_serve_at_counter"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("content", "0001_initial"),
        ("hospital", "0001_initial"),
        ("notifications", "0003_message_secret"),
        ("taxi", "0001_initial"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        # After Wagtail gives "choose" permissions to every group with admin access: the groups
        # are then exactly what they were when only seed_demo made them.
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop, elidable=False)]
