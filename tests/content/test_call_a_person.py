"""'A person will help you' is said only while the help desk is open, and says when otherwise."""

import pytest
from django.utils import translation

from content.hotline import call_a_person

pytestmark = pytest.mark.django_db


def test_while_the_desk_is_open_a_person_helps_now(at):
    at(2026, 11, 20, 10, 0)  # Friday morning, a working day
    assert call_a_person("en") == "Call 962 200 and a person will help you."


def test_at_night_the_hotline_takes_the_number_and_says_when_a_person_calls_back(at):
    at(2026, 11, 20, 22, 30)  # Friday night: Saturday the desk opens at 9:00
    said = call_a_person("en")
    assert "a person will help you" not in said
    assert said == (
        "Call 962 200: the help desk is closed now, and a person will call you back after "
        "tomorrow 9:00."
    )
    with translation.override("zh-hans"):
        assert "明天 9:00以后会有人给您回电" in call_a_person()


def test_a_hospital_refusal_offers_a_person_only_as_the_desk_hours_allow(at):
    from services.hospital.refusals import ProviderUnavailable, SessionFull

    refusal = ProviderUnavailable("The hospital's system is not answering.", code="provider")
    with translation.override("en"):
        at(2026, 11, 20, 10, 0)
        assert refusal.what_instead == (
            "Try again in a few minutes. Call 962 200 and a person will help you."
        )
        at(2026, 11, 20, 22, 0)
        assert "a person will call you back after tomorrow 9:00" in refusal.what_instead
        # a refusal with its own offer does not get a second one
        full = SessionFull("Full.", code="full")
        assert full.what_instead.count("962 200") == 1
