"""The audit log is append-only: no entry can be changed or removed, one by one or in bulk."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from portal.audit.api import record
from portal.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(resident, volunteer):
    return record(resident, "viewed_profile", actor=volunteer, channel="volunteer")


def _unchanged(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.action, stored.channel, stored.actor_id) == (
        "viewed_profile",
        "volunteer",
        entry.actor_id,
    )


def test_an_entry_cannot_be_saved_again_with_changes(entry):
    entry.action = "booked_taxi"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["action"])
    assert _unchanged(entry)


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert _unchanged(entry)


def test_the_log_cannot_be_changed_in_bulk(entry, resident):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="booked_taxi")
    with pytest.raises(AppendOnlyError):
        resident.audit_entries.update(channel="web")
    with pytest.raises(AppendOnlyError):
        AuditEntry._base_manager.update(channel="web")
    entry.action = "booked_taxi"
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert _unchanged(entry)


def test_the_log_cannot_be_deleted_in_bulk(entry, resident):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        resident.audit_entries.all().delete()
    assert _unchanged(entry)


def test_a_copy_carrying_an_existing_id_cannot_overwrite_the_entry(entry):
    copy = AuditEntry(
        pk=entry.pk,
        resident_id=entry.resident_id,
        actor_role="resident",
        action="booked_taxi",
        channel="web",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert _unchanged(entry)


def test_a_person_named_in_the_log_cannot_be_deleted_with_their_entries(entry, resident, volunteer):
    with pytest.raises(ProtectedError):
        resident.delete()
    with pytest.raises(ProtectedError):
        volunteer.delete()
    assert _unchanged(entry)


def test_new_entries_can_still_be_added_in_bulk(resident):
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                resident=resident, actor_role="system", action="cancelled_taxi", channel="system"
            )
        ]
    )
    assert resident.audit_entries.count() == 1
