"""Patients get a random id for hospitals' systems (instead of their ID number's hash), and
the hash column room for its key version (``v2$<hex>``)."""

import uuid

from django.db import migrations, models


def give_each_patient_a_random_id(apps, schema_editor):
    PatientIdentity = apps.get_model("hospital", "PatientIdentity")
    for identity in PatientIdentity.objects.filter(external_id=None).only("pk").iterator():
        PatientIdentity.objects.filter(pk=identity.pk).update(external_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("hospital", "0003_translated_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patientidentity",
            name="id_number_hash",
            field=models.CharField(
                db_index=True,
                editable=False,
                max_length=80,
                verbose_name="ID number fingerprint",
            ),
        ),
        migrations.AddField(
            model_name="patientidentity",
            name="external_id",
            field=models.UUIDField(
                editable=False, null=True, verbose_name="patient id for hospital systems"
            ),
        ),
        migrations.RunPython(give_each_patient_a_random_id, migrations.RunPython.noop),
    ]
