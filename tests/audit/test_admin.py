"""The audit log in the Wagtail admin is for looking only: who may look; nobody changes it."""

import pytest
from django.contrib.auth.models import Permission

from portal.audit.api import record
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_may_view_the_log(supervisor):
    """What the demo roles will give Supervisors: the one permission the audit log has."""
    supervisor.groups.get().permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_auditentry")
    )
    return supervisor


@pytest.fixture
def entry(resident, volunteer):
    return record(resident, "booked_taxi", actor=volunteer, channel="phone")


def test_the_log_has_only_a_view_permission_to_give():
    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_auditentry"}


def test_a_supervisor_with_the_view_permission_lists_entries_filtered_by_action(
    client, staff_login, supervisor_may_view_the_log, entry, neighbour, volunteer
):
    record(neighbour, "viewed_profile", actor=volunteer, channel="volunteer")
    staff_login(supervisor_may_view_the_log)
    everything = client.get("/admin/audit/")
    assert everything.status_code == 200
    assert "王阿姨" in everything.content.decode() and "李先生" in everything.content.decode()
    taxis = client.get("/admin/audit/?action=booked_taxi").content.decode()
    assert "王阿姨" in taxis and "李先生" not in taxis
    desk = client.get("/admin/audit/?channel=volunteer").content.decode()
    assert "李先生" in desk and "王阿姨" not in desk


def test_a_supervisor_can_inspect_one_entry(
    client, staff_login, supervisor_may_view_the_log, entry
):
    staff_login(supervisor_may_view_the_log)
    assert client.get(f"/admin/audit/inspect/{entry.pk}/").status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_nobody_can_add_edit_or_delete_an_entry_in_the_admin(
    client, staff_login, supervisor_may_view_the_log, django_user_model, entry, username
):
    staff_login(django_user_model.objects.get(username=username))
    attempts = [
        client.get("/admin/audit/new/"),
        client.get(f"/admin/audit/edit/{entry.pk}/"),
        client.post(f"/admin/audit/edit/{entry.pk}/", {"action": "cancelled_taxi"}),
        client.get(f"/admin/audit/delete/{entry.pk}/"),
        client.post(f"/admin/audit/delete/{entry.pk}/"),
    ]
    assert [response.status_code in (302, 403, 404) for response in attempts] == [True] * 5
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.channel) == ("booked_taxi", "phone")


def test_a_volunteer_without_the_permission_cannot_see_the_log(client, staff_login, volunteer):
    staff_login(volunteer)
    response = client.get("/admin/audit/")
    assert response.status_code in (302, 403)
    assert "/staff/2fa/" not in response.get("Location", "")
