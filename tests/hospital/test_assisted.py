"""A booking refused for someone a person is helping is announced, so the helper hears of it."""

import pytest

from portal.channels import Channel
from portal.consent.api import grant
from portal.consent.models import GivenVia, Scope
from portal.signals import needs_a_person
from services.hospital import api
from tests.hospital.conftest import MONDAY, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    announced = []

    def listener(sender, **kwargs):
        announced.append((sender, kwargs))

    needs_a_person.connect(listener)
    yield announced
    needs_a_person.disconnect(listener)


def test_a_refusal_under_a_request_is_announced_after_the_refusal(
    patient,
    other_patient,
    volunteer,
    make_session,
    clock,
    heard,
    django_capture_on_commit_callbacks,
):
    session = make_session(MONDAY, capacity=1)
    book(session, other_patient)
    grant(
        patient,
        Scope.HOSPITAL,
        reference="request:9",
        given_via=GivenVia.PHONE_SPOKEN,
        recorded_by=volunteer,
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(api.SessionFull):
        book(session, patient, by=volunteer, channel=Channel.PHONE, reference="request:9")
    [(sender, announced)] = heard
    assert sender == "hospital"
    assert (announced["resident"], announced["reason"], announced["under"]) == (
        patient,
        "booking_refused",
        "request:9",
    )
    assert "约满" in str(announced["summary"])  # the sentence the resident was given


def test_a_refusal_on_the_residents_own_is_only_told_to_them(
    patient, other_patient, make_session, clock, heard, django_capture_on_commit_callbacks
):
    session = make_session(MONDAY, capacity=1)
    book(session, other_patient)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(api.SessionFull):
        book(session, patient)
    assert heard == []
