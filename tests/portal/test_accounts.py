"""Residents are known by their phone number in E.164; staff by username."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.accounts.phone import normalize_phone


def test_a_number_typed_with_spaces_is_stored_in_e164():
    assert normalize_phone("138 0013 8000") == "+8613800138000"


def test_a_landline_with_its_area_code_is_accepted():
    assert normalize_phone("021-6200 1001") == "+862162001001"


@pytest.mark.parametrize("raw", ["12345", "not a number", "", "+86 138"])
def test_a_number_that_cannot_be_called_is_refused_in_plain_words(raw):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(raw)
    assert refused.value.code == "invalid_phone"


@pytest.mark.django_db
def test_a_resident_is_created_from_a_phone_number_without_a_password():
    resident = get_user_model().objects.create_resident("139 0000 0009", preferred_name="赵伯伯")
    assert resident.phone == resident.username == "+8613900000009"
    assert not resident.has_usable_password()
    assert resident.is_resident
    assert str(resident) == "赵伯伯"


@pytest.mark.django_db
def test_two_residents_cannot_share_a_phone_number():
    get_user_model().objects.create_resident("13900000010")
    with pytest.raises((IntegrityError, ValidationError)):
        get_user_model().objects.create_resident("+8613900000010")


@pytest.mark.django_db
def test_staff_are_not_residents(volunteer):
    assert not volunteer.is_resident
    assert volunteer.groups.filter(name="Volunteers").exists()
