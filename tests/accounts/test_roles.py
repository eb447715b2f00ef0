"""The roles exist on every deployment: a migration makes them, not the demo; code asks for
permissions, and an administrator gives people a role in the admin."""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from content import demo
from portal.accounts.roles import ACT_FOR_RESIDENT, ROLE_BY_CODE, ROLES, SERVE_AT_COUNTER, role_of

pytestmark = pytest.mark.django_db

STAFF_GROUPS = ["Volunteers", "Counter staff", "Supervisors", "Editors", "Administrators"]


def _permissions(group):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def _run_the_migration():
    """What the role migrations do on a new database, with the models as they were then:
    ``accounts.0008_roles``, ``accounts.0010_roles_act_on_duty``, ``assist.0002_roles``."""
    for app, module, name, function in (
        ("accounts", "portal.accounts", "0008_roles", "make_roles"),
        ("accounts", "portal.accounts", "0010_roles_act_on_duty", "add_to_roles"),
        ("assist", "assist", "0002_roles", "add_to_roles"),
    ):
        state = MigrationExecutor(connection).loader.project_state((app, name))
        migration = importlib.import_module(f"{module}.migrations.{name}")
        getattr(migration, function)(state.apps, None)


def test_every_staff_role_is_a_group_of_the_same_name():
    assert [role.group for role in ROLES if role.group] == STAFF_GROUPS
    assert set(STAFF_GROUPS) <= set(Group.objects.values_list("name", flat=True))


def test_the_demo_does_not_define_what_a_role_may_do():
    source = Path(demo.__file__).read_text(encoding="utf-8")
    assert "Permission" not in source


def test_the_migration_makes_the_roles_where_there_were_none():
    Group.objects.filter(name__in=STAFF_GROUPS).delete()
    _run_the_migration()
    counter = _permissions(Group.objects.get(name="Counter staff"))
    assert {
        "wagtailadmin.access_admin",
        "accounts.add_enrolment",
        "accounts.serve_at_counter",
        "notifications.view_message",
        "taxi.view_ride",
        "taxi.change_ride",
        "hospital.view_appointment",
    } <= counter
    assert "audit.view_auditentry" not in counter
    assert "audit.view_auditentry" in _permissions(Group.objects.get(name="Supervisors"))
    assert _permissions(Group.objects.get(name="Volunteers")) == {
        "wagtailadmin.access_admin",
        ACT_FOR_RESIDENT,
    }
    assert ACT_FOR_RESIDENT in counter
    administrators = _permissions(Group.objects.get(name="Administrators"))
    assert {"accounts.change_user", "accounts.change_duty", "areas.change_street"} <= administrators
    editors = _permissions(Group.objects.get(name="Editors"))
    assert {"hospital.change_weeklyschedule", "content.change_hotline"} <= editors
    assert "wagtail_localize.submit_translation" in editors
    assert "taxi.view_ride" not in editors
    assert set(
        GroupPagePermission.objects.filter(
            group__name="Editors", page=Page.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    ) >= {"add_page", "change_page", "publish_page"}


@pytest.mark.parametrize("role", [role for role in ROLES if role.group], ids=lambda r: r.code)
def test_each_group_has_exactly_its_roles_permissions(role):
    Group.objects.filter(name=role.group).delete()
    _run_the_migration()
    wanted = {f"{app_label}.{codename}" for app_label, codename in role.permissions}
    assert _permissions(Group.objects.get(name=role.group)) == wanted


def test_running_it_again_adds_nothing_and_keeps_what_an_administrator_gave():
    counter = Group.objects.get(name="Counter staff")
    extra = Permission.objects.get(content_type__app_label="audit", codename="view_auditentry")
    counter.permissions.add(extra)
    before = _permissions(counter)
    _run_the_migration()
    _run_the_migration()
    assert _permissions(counter) == before
    assert Group.objects.filter(name="Counter staff").count() == 1


def test_residents_and_family_members_are_roles_but_not_groups():
    assert ROLE_BY_CODE["resident"].group is None
    assert ROLE_BY_CODE["family"].group is None


def test_a_new_person_given_the_counter_role_may_do_what_counter_staff_do(
    django_user_model, resident
):
    person = django_user_model.objects.create_user("new-counter", is_staff=True)
    assert not person.has_perm(ACT_FOR_RESIDENT)
    person.groups.add(Group.objects.get(name="Counter staff"))
    person = django_user_model.objects.get(pk=person.pk)
    assert person.has_perm("accounts.add_enrolment")
    assert person.has_perm("notifications.view_message")
    assert person.has_perm(SERVE_AT_COUNTER)
    assert person.has_perm(ACT_FOR_RESIDENT)
    assert role_of(person, resident) == "counter"


def test_a_superuser_is_not_taken_for_counter_staff(django_user_model, resident):
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.has_perm(SERVE_AT_COUNTER)
    assert role_of(admin, resident) == "administrator"


def test_an_administrator_gives_a_person_a_role_in_the_admin(django_user_model, staff_login):
    person = django_user_model.objects.create_user("new-volunteer", is_staff=True)
    client = staff_login(django_user_model.objects.get(username="admin"))
    url = reverse("wagtailusers_users:edit", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    for name in STAFF_GROUPS:
        assert name in page.content.decode()
    volunteers = Group.objects.get(name="Volunteers")
    response = client.post(
        url,
        {
            "username": person.username,
            "email": "new-volunteer@example.cn",
            "first_name": "新",
            "last_name": "志愿者",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [volunteers.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = django_user_model.objects.get(pk=person.pk)
    assert list(person.groups.all()) == [volunteers]
    assert person.has_perm("wagtailadmin.access_admin")


def test_an_administrator_who_is_not_a_superuser_can_give_roles(django_user_model, staff_login):
    """``migrate`` alone gives a deployment whose Administrators group can assign the roles."""
    chief = django_user_model.objects.create_user("chief", is_staff=True)
    chief.groups.add(Group.objects.get(name="Administrators"))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    client = staff_login(django_user_model.objects.get(pk=chief.pk))
    person = django_user_model.objects.create_user("new-clerk", is_staff=True)
    page = client.get(reverse("wagtailusers_users:edit", args=[person.pk]))
    assert page.status_code == 200
    assert "Counter staff" in page.content.decode()
