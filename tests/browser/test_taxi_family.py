"""A family member calls a taxi for her mother in Chromium: whom for, then one tap."""

import re

import pytest
from django.contrib.auth import get_user_model

from portal.accounts import api as accounts
from portal.accounts.models import SavedPlace
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent.models import Scope
from portal.notifications.models import Message
from services.taxi.models import Ride
from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, run_axe

pytestmark = pytest.mark.browser


def _resident(phone, name, home=""):
    users = get_user_model().objects
    person = users.filter(phone=phone).first() or users.create_resident(phone, preferred_name=name)
    person.home_address = home
    person.save(update_fields=["home_address"])
    return person


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_daughter_with_permission_calls_her_mothers_taxi_in_one_tap(
    browser, portal_url, django_db_blocker, javascript
):
    end = "1" if javascript else "2"
    with django_db_blocker.unblock():
        mother = _resident(f"+861390000780{end}", f"赵阿姨{end}", home="长寿路 8 号")
        daughter = _resident(f"+861390000781{end}", f"赵小红{end}")  # no home of her own
        hospital, _ = SavedPlace.objects.get_or_create(
            resident=mother, label="医院", address="乌鲁木齐中路 12 号"
        )
        accounts.add_family_member(Acting.by_resident(mother), daughter, [Scope.TAXI])
    with new_tab(browser, javascript=javascript, with_axe=javascript) as page:
        sign_in(page, portal_url, daughter.phone, django_db_blocker, "/taxi/")
        assert page.url == portal_url + "/taxi/family/"  # whom is the taxi for?
        assert page.locator("main a[href='/taxi/home/']").count() == 1  # for me: her address first
        page.click(f"main a[href='/taxi/family/{mother.pk}/']")
        assert "长寿路 8 号" in page.inner_text("main")
        if javascript:
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()
        page.click(f"main button[name=to][value=place-{hospital.pk}]")  # the one tap
        assert re.search(r"/taxi/rides/\d+/$", page.url)
        assert str(mother) in page.inner_text("main h1")
        with django_db_blocker.unblock():
            ride = Ride.objects.filter(resident=mother).latest("pk")
            assert ride.requested_by == daughter and ride.acting_role == "family"
            assert (ride.pickup_address, ride.destination) == ("长寿路 8 号", hospital.address)
            assert AuditEntry.objects.filter(
                resident=mother, action="booked_taxi", actor=daughter
            ).exists()
            assert Message.objects.filter(
                recipient=mother.phone, body__contains=str(daughter)
            ).exists()
        page.goto(portal_url + f"/taxi/family/{mother.pk}/")  # her page for her mother
        assert page.locator(f"main a[href='/taxi/rides/{ride.pk}/']").count() >= 1
