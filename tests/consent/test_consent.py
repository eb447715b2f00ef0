"""A consent lets someone act for a resident: for one scope, for a time, until it is withdrawn."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from portal.consent.api import ConsentRequired, grant, require_consent, revoke, valid_consent
from portal.consent.models import SENSITIVE_SCOPES, Consent, GivenVia, Scope

pytestmark = pytest.mark.django_db


# The request the volunteer or counter member of staff holds for the resident.
REQUEST = "request:1"


def _taxi_consent(resident, **fields):
    """A taxi consent for the resident's open request, unless ``grantee`` names someone."""
    values = {"given_via": GivenVia.WEB, **fields}
    if "grantee" not in values:
        values.setdefault("reference", REQUEST)
    return grant(resident, Scope.TAXI, **values)


def test_a_consent_is_valid_one_second_before_it_expires(resident, volunteer, at):
    at(2026, 11, 20, 9, 0)
    consent = _taxi_consent(resident, valid_for=timedelta(days=30))
    at(2026, 12, 20, 8, 59, 59)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent
    assert consent.is_valid()


def test_a_consent_is_no_longer_valid_at_the_exact_second_it_expires(resident, volunteer, at):
    at(2026, 11, 20, 9, 0)
    consent = _taxi_consent(resident, valid_for=timedelta(days=30))
    at(2026, 12, 20, 9, 0)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) is None
    assert not consent.is_valid()
    with pytest.raises(ConsentRequired):
        require_consent(resident, Scope.TAXI, volunteer, reference=REQUEST)


def test_a_consent_lasts_two_days_for_a_request_or_a_week_for_a_person(resident, neighbour, at):
    start = at(2026, 11, 20, 9, 0)
    consent = _taxi_consent(resident)
    assert consent.created_at == start
    assert consent.expires_at == start + timedelta(days=2)
    assert _taxi_consent(resident, grantee=neighbour).expires_at == start + timedelta(days=7)


def test_a_withdrawn_consent_is_no_longer_valid(resident, volunteer, at):
    at(2026, 11, 20, 9, 0)
    consent = _taxi_consent(resident)
    withdrawn = at(2026, 11, 21, 9, 0)
    revoke(consent, by=resident, channel="web")
    assert consent.revoked_at == withdrawn
    assert Consent.objects.get(pk=consent.pk).revoked_at == withdrawn
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) is None


def test_a_consent_for_one_person_does_not_let_another_act(resident, volunteer, counter_staff):
    consent = _taxi_consent(resident, grantee=counter_staff)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) is None
    assert valid_consent(resident, Scope.TAXI, counter_staff, reference=REQUEST) == consent


def test_a_named_family_member_may_act_with_a_consent_naming_them(resident, neighbour):
    consent = _taxi_consent(resident, grantee=neighbour)
    assert valid_consent(resident, Scope.TAXI, neighbour) == consent


def test_a_consent_for_a_request_is_for_staff_on_duty_only(
    resident, neighbour, volunteer, counter_staff
):
    consent = _taxi_consent(resident)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent
    assert valid_consent(resident, Scope.TAXI, counter_staff, reference=REQUEST) == consent
    assert valid_consent(resident, Scope.TAXI, neighbour) is None


def test_a_staff_member_who_left_cannot_use_a_consent_for_a_request(resident, volunteer):
    consent = _taxi_consent(resident)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent
    volunteer.is_active = False
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) is None


def test_nobody_signed_in_holds_a_consent(resident):
    from django.contrib.auth.models import AnonymousUser

    _taxi_consent(resident)
    assert valid_consent(resident, Scope.TAXI, AnonymousUser()) is None
    assert valid_consent(resident, Scope.TAXI, None) is None


def test_a_consent_naming_the_acting_person_is_preferred_to_one_for_a_request(resident, volunteer):
    named = _taxi_consent(resident, grantee=volunteer)
    _taxi_consent(resident)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == named


def test_a_consent_for_one_scope_does_not_cover_another(resident, volunteer):
    consent = _taxi_consent(resident)
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent
    assert valid_consent(resident, Scope.HOSPITAL, volunteer, reference=REQUEST) is None
    assert valid_consent(resident, Scope.HEALTH_DATA, volunteer, reference=REQUEST) is None


def test_a_consent_from_one_resident_does_not_cover_another(resident, neighbour, volunteer):
    consent = _taxi_consent(resident)
    assert valid_consent(neighbour, Scope.TAXI, volunteer, reference=REQUEST) is None
    assert valid_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent


def test_health_data_and_location_history_need_scopes_of_their_own():
    assert {Scope.HEALTH_DATA, Scope.LOCATION_HISTORY} == SENSITIVE_SCOPES
    assert Consent(scope=Scope.HEALTH_DATA).is_sensitive
    assert not Consent(scope=Scope.SEE_APPOINTMENTS).is_sensitive


def test_require_consent_returns_the_consent_to_pass_to_the_audit_log(resident, volunteer):
    consent = _taxi_consent(resident)
    assert require_consent(resident, Scope.TAXI, volunteer, reference=REQUEST) == consent


def test_require_consent_refuses_in_plain_english(resident, volunteer):
    with translation.override("en"), pytest.raises(ConsentRequired) as refused:
        require_consent(resident, Scope.HEALTH_DATA, volunteer, reference=REQUEST)
    with translation.override("en"):
        assert str(refused.value) == (
            "You need 王阿姨's permission first for this: See health information (sensitive). "
            "Ask them, then record their permission."
        )


def test_require_consent_refuses_in_the_language_of_the_reader(resident, volunteer, chinese):
    chinese(
        "You need %(resident)s's permission first for this: %(scope)s. "
        "Ask them, then record their permission.",
        "办这件事要先征得%(resident)s的同意：%(scope)s。请先问本人，再把同意记录下来。",
    )
    chinese("Book taxis", "叫车")
    with pytest.raises(ConsentRequired) as refused:
        require_consent(resident, Scope.TAXI, volunteer, reference=REQUEST)
    with translation.override("zh-hans"):
        assert (
            str(refused.value)
            == "办这件事要先征得王阿姨的同意：叫车。请先问本人，再把同意记录下来。"
        )


def test_a_missing_consent_is_a_permission_denied_so_views_answer_403(resident, volunteer):
    with pytest.raises(PermissionDenied):
        require_consent(resident, Scope.TAXI, volunteer, reference=REQUEST)


def test_consent_given_in_person_must_say_who_typed_it_in(resident):
    with pytest.raises(ValueError, match="recorded_by"):
        grant(resident, Scope.TAXI, reference=REQUEST, given_via=GivenVia.IN_PERSON_COUNTER)
    assert not Consent.objects.filter(resident=resident).exists()


def test_who_typed_it_in_is_kept_apart_from_who_may_act(resident, volunteer, counter_staff):
    consent = grant(
        resident,
        Scope.HOSPITAL,
        grantee=volunteer,
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=counter_staff,
    )
    assert (consent.grantee, consent.recorded_by) == (volunteer, counter_staff)
    assert valid_consent(resident, Scope.HOSPITAL, counter_staff, reference=REQUEST) is None


def test_a_consent_must_last_some_time(resident):
    with pytest.raises(ValueError, match="valid_for"):
        _taxi_consent(resident, valid_for=timedelta(0))
    assert not Consent.objects.filter(resident=resident).exists()


def test_an_unknown_scope_is_refused(resident):
    with pytest.raises(ValueError):
        grant(resident, "shopping", given_via=GivenVia.WEB)
    assert not Consent.objects.filter(resident=resident).exists()
