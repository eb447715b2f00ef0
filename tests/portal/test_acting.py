"""The acting context: who acts for which resident, as what, how, under what; and duty."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.duty import may_act_now, on_duty_now, set_on_duty
from portal.accounts.roles import Role, role_of
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.api import ConsentRequired, NotOnDuty, grant
from portal.consent.models import GivenVia, Scope

pytestmark = pytest.mark.django_db

REQUEST = "request:42"


def test_the_role_follows_from_permissions_not_group_names(
    resident, neighbour, volunteer, counter_staff, supervisor, editor, django_user_model
):
    admin = django_user_model.objects.get(username="admin")
    assert role_of(None, resident) == Role.SYSTEM
    assert role_of(resident, resident) == Role.RESIDENT
    assert role_of(neighbour, resident) == Role.FAMILY
    assert role_of(volunteer, resident) == Role.VOLUNTEER
    assert role_of(counter_staff, resident) == Role.COUNTER
    assert role_of(supervisor, resident) == Role.SUPERVISOR
    assert role_of(editor, resident) == Role.EDITOR
    assert role_of(admin, resident) == Role.ADMINISTRATOR
    # Renaming the group changes nothing: the permission decides.
    volunteer.groups.update(name="志愿者")
    assert role_of(django_user_model.objects.get(pk=volunteer.pk), resident) == Role.VOLUNTEER


def test_building_a_context_for_each_way_of_acting(resident, volunteer, counter_staff):
    own = Acting.by_resident(resident)
    assert (own.role, own.channel, own.on_behalf) == (Role.RESIDENT, Channel.WEB, False)
    helped = Acting.for_resident(
        resident, volunteer, channel=Channel.PHONE, reference=REQUEST, entered_by=counter_staff
    )
    assert (helped.role, helped.channel, helped.reference) == (
        Role.VOLUNTEER,
        Channel.PHONE,
        REQUEST,
    )
    assert helped.on_behalf and helped.entered_by == counter_staff
    portal = Acting.by_portal(resident)
    assert (portal.user, portal.role, portal.channel, portal.on_behalf) == (
        None,
        Role.SYSTEM,
        Channel.SYSTEM,
        False,
    )
    # Typing in one's own action is not "entered by someone else".
    assert (
        Acting.for_resident(
            resident, volunteer, channel=Channel.PHONE, entered_by=volunteer
        ).entered_by
        is None
    )


@pytest.mark.parametrize("reference", ["42", "request 42", "Request:42", "request:", "x" * 41])
def test_a_reference_must_look_like_kind_colon_id(resident, reference):
    with pytest.raises(ValueError):
        Acting.by_resident(resident, reference=reference)


def test_only_staff_who_may_act_can_go_on_duty(volunteer, editor):
    assert set_on_duty(volunteer, True).on_duty
    assert may_act_now(volunteer)
    with pytest.raises(PermissionError):
        set_on_duty(editor, True)
    assert not may_act_now(editor)
    set_on_duty(volunteer, False)
    assert not may_act_now(volunteer)


def test_everyone_on_duty_now_is_listed_in_one_query_as_each_would_be_asked(
    volunteer, counter_staff, supervisor, django_assert_num_queries
):
    for person in (volunteer, counter_staff, supervisor):
        set_on_duty(person, True)
    counter_staff.groups.clear()  # lost the role while on duty: may no longer act
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    with django_assert_num_queries(1):
        people = {duty.person_id for duty in on_duty_now()}
    assert people == {volunteer.pk}
    for person in (volunteer, counter_staff, supervisor):
        fresh = type(person).objects.get(pk=person.pk)
        assert may_act_now(fresh) == (fresh.pk in people)


def test_a_volunteer_off_duty_is_refused_even_with_a_consent_naming_them(resident, volunteer):
    grant(resident, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    acting = Acting.for_resident(resident, volunteer, channel=Channel.PHONE)
    set_on_duty(volunteer, True)
    assert acting.with_consent(Scope.TAXI).consent is not None
    set_on_duty(volunteer, False)
    with pytest.raises(NotOnDuty) as refused:
        acting.with_consent(Scope.TAXI)
    assert "当班" in refused.value.message


def test_an_editor_never_acts_for_a_resident_whatever_the_consent(resident, editor):
    grant(resident, Scope.TAXI, grantee=editor, given_via=GivenVia.WEB)
    with pytest.raises(NotOnDuty):
        Acting.for_resident(resident, editor, channel=Channel.WEB).with_consent(Scope.TAXI)


def test_a_consent_for_a_request_is_only_for_whoever_acts_under_that_request(
    resident, volunteer, neighbour
):
    set_on_duty(volunteer, True)
    consent = grant(
        resident,
        Scope.TAXI,
        reference=REQUEST,
        given_via=GivenVia.PHONE_SPOKEN,
        recorded_by=volunteer,
    )
    under = Acting.for_resident(resident, volunteer, channel=Channel.PHONE, reference=REQUEST)
    assert under.with_consent(Scope.TAXI).consent == consent
    for other in ("request:43", ""):
        elsewhere = Acting.for_resident(resident, volunteer, channel=Channel.PHONE, reference=other)
        with pytest.raises(ConsentRequired):
            elsewhere.with_consent(Scope.TAXI)
    # A family member is not "whoever holds the request".
    family = Acting.for_resident(resident, neighbour, channel=Channel.WEB, reference=REQUEST)
    with pytest.raises(ConsentRequired):
        family.with_consent(Scope.TAXI)


def test_a_consent_names_someone_and_is_short_unless_the_resident_chose(resident, volunteer):
    with pytest.raises(ValueError):
        grant(resident, Scope.TAXI, given_via=GivenVia.WEB)
    with pytest.raises(ValueError):  # said on the phone: whoever took the call recorded it
        grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.PHONE_SPOKEN)
    now = timezone.now()
    for_request = grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.SMS_REPLY)
    for_person = grant(resident, Scope.HOSPITAL, grantee=volunteer, given_via=GivenVia.WEB)
    assert for_request.expires_at - now < timedelta(days=2, minutes=1)
    assert for_person.expires_at - now < timedelta(days=7, minutes=1)


def test_what_is_done_in_a_context_is_recorded_with_all_of_it(resident, volunteer, counter_staff):
    set_on_duty(volunteer, True)
    grant(
        resident,
        Scope.DETAILS,
        reference=REQUEST,
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=counter_staff,
    )
    acting = Acting.for_resident(
        resident, volunteer, channel=Channel.VOLUNTEER, reference=REQUEST, entered_by=counter_staff
    ).with_consent(Scope.DETAILS)
    entry = acting.record("changed_details", fields=["home_address"])
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_role, stored.channel) == (
        volunteer,
        Role.VOLUNTEER,
        Channel.VOLUNTEER,
    )
    assert (stored.entered_by, stored.reference, stored.consent) == (
        counter_staff,
        REQUEST,
        acting.consent,
    )
    assert "Volunteer" in stored.sentence() or "志愿者" in stored.sentence()


def test_a_context_is_about_one_resident(resident, neighbour):
    with pytest.raises(ValueError):
        Acting.by_resident(resident).about(neighbour)
