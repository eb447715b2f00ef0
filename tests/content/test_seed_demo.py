"""``seed_demo`` builds the demo site and is safe to run twice."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from content.models import CommunityCentre, Hotline, ServicePage

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Page.objects.count(),
        Hotline.objects.count(),
        CommunityCentre.objects.count(),
        get_user_model().objects.count(),
    )


def test_running_it_twice_adds_nothing_the_second_time():
    call_command("seed_demo", stdout=io.StringIO())
    before = _counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "Editors: /admin/ as editor" in out.getvalue()


def test_it_builds_both_languages_with_four_or_more_service_pages_and_three_centres():
    for language in ("zh-hans", "en"):
        assert ServicePage.objects.live().filter(locale__language_code=language).count() >= 4
        assert CommunityCentre.objects.filter(locale__language_code=language).count() == 3
        assert Hotline.objects.filter(locale__language_code=language).count() == 1


def test_there_is_a_demo_account_for_every_role():
    users = get_user_model().objects
    for group in ("Volunteers", "Counter staff", "Supervisors", "Editors", "Administrators"):
        assert users.filter(groups__name=group, is_staff=True).exists(), group
    assert users.filter(phone__isnull=False, is_staff=False).count() >= 2


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo", stdout=io.StringIO())


def test_a_family_member_with_recorded_permissions_is_printed_and_made_once():
    from portal.consent.models import Consent

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "family member 张小红: phone +8613800000088" in out.getvalue()
    daughter = get_user_model().objects.get(phone="+8613800000088")
    scopes = Consent.objects.in_force().filter(grantee=daughter).values_list("scope", flat=True)
    assert sorted(scopes) == ["hospital", "see_appointments", "taxi"]
