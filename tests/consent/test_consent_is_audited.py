"""Every consent given or withdrawn is written to the resident's audit log."""

import pytest

from portal.audit.models import AuditEntry
from portal.consent.api import grant, revoke, revoke_all
from portal.consent.models import GivenVia, Scope

pytestmark = pytest.mark.django_db

REQUEST = "request:1"


def _only_entry(resident):
    (entry,) = AuditEntry.objects.filter(resident=resident)
    return entry


def test_consent_given_in_person_is_audited_with_who_typed_it_in(resident, volunteer):
    consent = grant(
        resident,
        Scope.TAXI,
        reference=REQUEST,
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=volunteer,
    )
    entry = _only_entry(resident)
    assert (entry.action, entry.actor, entry.actor_role) == (
        "granted_consent",
        volunteer,
        "volunteer",
    )
    assert (entry.channel, entry.consent, entry.details) == ("counter", consent, {"scope": "taxi"})
    assert entry.reference == REQUEST


def test_consent_given_on_the_website_is_audited_as_the_residents_own_act(resident):
    consent = grant(resident, Scope.SEE_APPOINTMENTS, reference=REQUEST, given_via=GivenVia.WEB)
    entry = _only_entry(resident)
    assert (entry.actor, entry.actor_role, entry.channel) == (resident, "resident", "web")
    assert entry.consent == consent


@pytest.mark.parametrize(
    ("given_via", "channel"), [(GivenVia.PHONE_KEYPRESS, "phone"), (GivenVia.SMS_REPLY, "sms")]
)
def test_consent_given_by_phone_or_text_message_is_audited_on_that_channel(
    resident, given_via, channel
):
    grant(resident, Scope.TAXI, reference=REQUEST, given_via=given_via)
    assert _only_entry(resident).channel == channel


def test_consent_said_on_a_phone_call_must_say_who_took_the_call(resident, volunteer):
    with pytest.raises(ValueError, match="recorded_by"):
        grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.PHONE_SPOKEN)
    grant(
        resident,
        Scope.TAXI,
        reference=REQUEST,
        given_via=GivenVia.PHONE_SPOKEN,
        recorded_by=volunteer,
    )
    assert (_only_entry(resident).channel, _only_entry(resident).actor) == ("phone", volunteer)


def test_withdrawing_a_consent_is_audited_with_who_withdrew_it(resident, counter_staff):
    consent = grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.WEB)
    revoke(consent, by=counter_staff, channel="counter")
    entry = AuditEntry.objects.get(resident=resident, action="revoked_consent")
    assert (entry.actor, entry.actor_role, entry.channel) == (
        counter_staff,
        "counter",
        "counter",
    )
    assert entry.consent == consent


def test_a_resident_withdrawing_on_the_website_is_audited_on_the_web_channel(resident):
    consent = grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.WEB)
    revoke(consent, by=resident, channel="web")
    entry = AuditEntry.objects.get(resident=resident, action="revoked_consent")
    assert (entry.actor, entry.channel) == (resident, "web")


def test_withdrawing_twice_writes_one_entry_and_keeps_the_first_time(resident, at):
    at(2026, 11, 20, 9, 0)
    consent = grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.WEB)
    at(2026, 11, 21, 9, 0)
    first = revoke(consent, by=resident, channel="web").revoked_at
    at(2026, 11, 22, 9, 0)
    assert revoke(consent, by=resident, channel="web").revoked_at == first
    assert AuditEntry.objects.filter(resident=resident, action="revoked_consent").count() == 1


def test_a_refused_grant_leaves_no_consent_and_no_audit_entry(resident):
    with pytest.raises(ValueError):
        grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.IN_PERSON_COUNTER)
    with pytest.raises(ValueError):
        grant(resident, Scope.TAXI, given_via=GivenVia.WEB)  # naming nobody
    assert not AuditEntry.objects.filter(resident=resident).exists()


def test_revoke_all_withdraws_every_active_consent_to_one_grantee_each_audited(
    resident, neighbour, volunteer, counter_staff, at
):
    at(2026, 11, 20, 9, 0)
    taxi = grant(resident, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    health = grant(resident, Scope.HEALTH_DATA, grantee=volunteer, given_via=GivenVia.WEB)
    already = grant(resident, Scope.HOSPITAL, grantee=volunteer, given_via=GivenVia.WEB)
    revoke(already, by=resident, channel="web")
    other_grantee = grant(resident, Scope.TAXI, grantee=counter_staff, given_via=GivenVia.WEB)
    anyone = grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.WEB)
    other_resident = grant(neighbour, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    withdrawn = at(2026, 11, 21, 9, 0)

    assert revoke_all(resident, volunteer, by=counter_staff, channel="counter") == 2

    for consent in (taxi, health):
        consent.refresh_from_db()
        assert consent.revoked_at == withdrawn
    for consent in (other_grantee, anyone, other_resident):
        consent.refresh_from_db()
        assert consent.revoked_at is None
    entries = AuditEntry.objects.filter(
        resident=resident, action="revoked_consent", created_at=withdrawn
    )
    assert {(e.consent, e.actor, e.channel) for e in entries} == {
        (taxi, counter_staff, "counter"),
        (health, counter_staff, "counter"),
    }
    assert revoke_all(resident, volunteer, by=counter_staff, channel="counter") == 0


def test_revoke_all_is_one_transaction(resident, volunteer, monkeypatch):
    from portal.consent import api

    grant(resident, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    grant(resident, Scope.HOSPITAL, grantee=volunteer, given_via=GivenVia.WEB)
    real_revoke, calls = api.revoke, []

    def revoke_then_fail(consent, **kwargs):
        calls.append(consent)
        if len(calls) == 2:
            raise RuntimeError("the line dropped")
        return real_revoke(consent, **kwargs)

    monkeypatch.setattr(api, "revoke", revoke_then_fail)
    with pytest.raises(RuntimeError):
        revoke_all(resident, volunteer, by=resident, channel="web")
    assert len(calls) == 2
    assert not resident.consents_given.filter(revoked_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(resident=resident, action="revoked_consent").exists()
