"""Every patient has their random id now (0004): it is required and unique from here on.

A migration of its own, so on PostgreSQL the table is not altered in the transaction that
filled the column."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hospital", "0004_patientidentity_external_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patientidentity",
            name="external_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="patient id for hospital systems",
            ),
        ),
    ]
