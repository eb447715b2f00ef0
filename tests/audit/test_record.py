"""Recording: who did what, in which role, through which channel, with which consent."""

import pytest
from django.utils import translation

from portal.audit import sentences
from portal.audit.api import entries_for, record, record_view
from portal.consent.api import grant
from portal.consent.models import GivenVia, Scope

pytestmark = pytest.mark.django_db


def _viewed_by(user, resident, what="profile", **where):
    return record_view(user, resident, what, **where)


def test_record_snapshots_the_role_the_actor_had_at_the_time(resident, volunteer, supervisor):
    entry = record(resident, "booked_taxi", actor=volunteer, channel="phone", ride=42)
    volunteer.groups.set(supervisor.groups.all())
    entry.refresh_from_db()
    assert (entry.actor_role, entry.details) == ("volunteer", {"ride": 42})


def test_the_portal_acting_by_itself_is_recorded_without_an_actor(resident):
    entry = record(resident, "cancelled_taxi", channel="system")
    assert (entry.actor, entry.actor_role) == (None, "system")


def test_a_family_member_is_recorded_as_family(resident, neighbour):
    assert record(resident, "booked_taxi", actor=neighbour, channel="web").actor_role == "family"


def test_an_action_without_a_sentence_for_the_resident_is_refused(resident):
    with pytest.raises(ValueError, match="register_sentence"):
        record(resident, "sold_data", channel="system")
    assert not resident.audit_entries.exists()


def test_an_unknown_channel_is_refused(resident):
    with pytest.raises(ValueError):
        record(resident, "booked_taxi", channel="fax")
    assert not resident.audit_entries.exists()


def test_a_consent_from_another_resident_is_refused(resident, neighbour, volunteer):
    consent = grant(neighbour, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    with pytest.raises(ValueError, match="another resident"):
        record(resident, "booked_taxi", actor=volunteer, channel="phone", consent=consent)
    assert not resident.audit_entries.exists()


def test_a_volunteer_looking_at_a_profile_is_recorded(resident, volunteer):
    entry = _viewed_by(volunteer, resident)
    assert (entry.resident, entry.actor, entry.action) == (resident, volunteer, "viewed_profile")
    # In the staff tools unless the page says where (the desk passes its own channel).
    assert (entry.actor_role, entry.channel) == ("volunteer", "staff")
    with translation.override("en"):
        assert entry.sentence() == (
            "Volunteer 志愿者小张 looked at your name, phone number and address in the staff tools."
        )


def test_counter_staff_looking_at_health_data_at_the_counter_is_recorded_so(
    resident, counter_staff
):
    entry = _viewed_by(counter_staff, resident, "health_data", channel="counter")
    assert (entry.action, entry.actor_role, entry.channel) == (
        "viewed_health_data",
        "counter",
        "counter",
    )


def test_a_resident_looking_at_their_own_data_is_not_recorded(resident):
    assert _viewed_by(resident, resident) is None
    assert not resident.audit_entries.exists()


def test_looking_at_unknown_data_is_refused(resident, volunteer):
    with pytest.raises(ValueError, match="Unknown personal data"):
        _viewed_by(volunteer, resident, "bank_account")
    assert not resident.audit_entries.exists()


def test_entries_written_before_roles_were_codes_still_name_the_role(resident, volunteer):
    entry = record(resident, "booked_taxi", actor=volunteer, channel="phone")
    entry.actor_role = "Counter staff, Volunteers"  # as rows were written then (not saved)
    with translation.override("en"):
        assert entry.sentence().startswith("Volunteer 志愿者小张")


def test_entries_for_a_resident_are_theirs_only_and_newest_first(resident, neighbour, at):
    at(2026, 11, 20, 9, 0)
    older = record(resident, "booked_taxi", channel="system")
    record(neighbour, "booked_taxi", channel="system")
    at(2026, 11, 25, 10, 3)
    newer = record(resident, "cancelled_taxi", channel="system")
    assert list(entries_for(resident)) == [newer, older]


def test_the_sentence_says_who_did_what_how_and_with_which_permission(
    resident, volunteer, counter_staff, at
):
    at(2026, 11, 20, 9, 0)
    consent = grant(
        resident,
        Scope.TAXI,
        reference="request:7",
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=counter_staff,
    )
    at(2026, 11, 21, 10, 3)
    entry = record(resident, "booked_taxi", actor=volunteer, channel="phone", consent=consent)
    with translation.override("en"):
        assert entry.sentence() == "Volunteer 志愿者小张 booked a taxi for you by phone."
        assert entry.consent_sentence() == "You gave permission in person on Nov. 20, 2026."


def test_the_sentence_about_a_consent_names_who_may_act_and_until_when(resident, counter_staff, at):
    at(2026, 11, 20, 9, 0)
    grant(
        resident,
        Scope.TAXI,
        reference="request:7",
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=counter_staff,
    )
    (entry,) = entries_for(resident)
    assert entry.reference == "request:7"
    with translation.override("en"):
        assert entry.sentence() == (
            "Counter staff member 窗口小李 recorded your permission at a community centre "
            "counter: the volunteer or counter staff member on duty who handles your request "
            "may book taxis for you until Nov. 22, 2026."
        )
        assert entry.consent_sentence() == ""


def test_what_the_resident_did_themselves_is_said_in_the_first_person(resident, volunteer, at):
    at(2026, 11, 20, 9, 0)
    grant(resident, Scope.HEALTH_DATA, grantee=volunteer, given_via=GivenVia.WEB)
    (entry,) = entries_for(resident)
    with translation.override("en"):
        assert entry.sentence() == (
            "You gave permission on the website: Volunteer 志愿者小张 may see your health "
            "information until Nov. 27, 2026."
        )


def test_the_portal_is_named_when_nobody_acted(resident):
    entry = record(resident, "cancelled_taxi", channel="system")
    with translation.override("en"):
        assert entry.sentence() == "The portal cancelled your taxi automatically."


def test_the_sentence_is_in_the_readers_language(resident, volunteer, chinese):
    chinese("%(who)s booked a taxi for you %(how)s.", "%(who)s%(how)s为您叫了出租车。")
    chinese("%(role)s %(name)s", "%(role)s%(name)s")
    chinese("Volunteer", "志愿者")
    chinese("by phone", "通过电话")
    entry = record(resident, "booked_taxi", actor=volunteer, channel="phone")
    with translation.override("zh-hans"):
        assert entry.sentence() == "志愿者志愿者小张通过电话为您叫了出租车。"


@pytest.fixture
def restore_sentences():
    saved = dict(sentences.SENTENCES), dict(sentences.OWN_SENTENCES)
    yield
    for registry, copy in zip((sentences.SENTENCES, sentences.OWN_SENTENCES), saved, strict=True):
        registry.clear()
        registry.update(copy)


def test_a_service_can_register_a_new_action_with_its_sentence(resident, restore_sentences):
    sentences.register_sentence("called_you", "%(who)s called you %(how)s.")
    entry = record(resident, "called_you", channel="system")
    with translation.override("en"):
        assert entry.sentence() == "The portal called you automatically."


def test_an_entry_whose_sentence_was_removed_still_reads_truthfully(
    resident, volunteer, restore_sentences
):
    entry = record(resident, "booked_taxi", actor=volunteer, channel="phone")
    del sentences.SENTENCES["booked_taxi"]
    with translation.override("en"):
        assert entry.sentence() == "Volunteer 志愿者小张 used your information by phone."
