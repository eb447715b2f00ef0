"""My data in Chromium, 390 px wide: every part on one page, printable, and the zip downloads
with JavaScript on and off; a family member with the permission sees it too."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model

from portal.accounts import api as accounts
from portal.accounts.models import SavedPlace
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent.models import Scope
from services.taxi.models import Ride
from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, run_axe

pytestmark = pytest.mark.browser

WIDTH = 390
PHONE_390 = {"width": WIDTH, "height": 844}


def _resident(phone, name):
    users = get_user_model().objects
    return users.filter(phone=phone).first() or users.create_resident(phone, preferred_name=name)


def _with_a_ride_and_a_place(resident, end):
    SavedPlace.objects.get_or_create(resident=resident, label="女儿家", address="长乐路 9 号")
    Ride.objects.get_or_create(
        idempotency_key=f"my-data-browser-{end}",
        defaults={
            "resident": resident,
            "requested_by": resident,
            "channel": "web",
            "pickup_address": "华山路 1 号",
            "destination": "长乐路 9 号",
        },
    )


def _no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


def _downloaded_zip(page):
    with page.expect_download() as info:
        page.click("main a[data-download]")
    download = info.value
    assert download.suggested_filename.startswith("my-data-")
    with open(download.path(), "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_reads_prints_and_downloads_all_her_data(
    browser, portal_url, django_db_blocker, javascript
):
    end = "1" if javascript else "2"
    with django_db_blocker.unblock():
        resident = _resident(f"+861390000790{end}", f"钱阿姨{end}")
        _with_a_ride_and_a_place(resident, end)
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        sign_in(page, portal_url, resident.phone, django_db_blocker, "/my/")
        page.click("main a[href='/my/data/']")  # from 我的
        assert page.url == portal_url + "/my/data/"
        assert page.locator("main h1").count() == 1
        assert page.locator("main section h2").count() >= 10
        text = page.inner_text("main")
        assert "华山路 1 号" in text and "长乐路 9 号" in text and resident.phone in text
        _no_sideways_scrolling(page)
        if javascript:
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()
        # The print button needs JavaScript; without it, it stays hidden (the menu still prints).
        assert page.locator("[data-print]").is_visible() is javascript
        page.emulate_media(media="print")
        assert not page.locator("#help-bar").is_visible()
        assert not page.locator("main a[data-download]").is_visible()
        assert page.locator("main section h2").first.is_visible()
        page.emulate_media(media="screen")
        archive = _downloaded_zip(page)
        names = archive.namelist()
        assert "data.json" in names and any(name.endswith("-taxi_rides.csv") for name in names)
        document = json.loads(archive.read("data.json"))
        rides = next(s for s in document["sections"] if s["name"] == "taxi_rides")
        assert rides["records"][0]["pickup_address"] == "华山路 1 号"
    with django_db_blocker.unblock():
        entries = AuditEntry.objects.filter(resident=resident, actor=resident)
        assert entries.filter(action="viewed_my_data").exists()
        assert entries.filter(action="downloaded_my_data").exists()


def test_a_son_with_the_permission_sees_his_mothers_data(browser, portal_url, django_db_blocker):
    with django_db_blocker.unblock():
        mother = _resident("+8613900007911", "孙阿姨")
        son = _resident("+8613900007912", "孙小明")
        _with_a_ride_and_a_place(mother, "mother")
        accounts.add_family_member(Acting.by_resident(mother), son, [Scope.SEE_MY_DATA])
    with new_tab(browser, viewport=PHONE_390, with_axe=True) as page:
        sign_in(page, portal_url, son.phone, django_db_blocker, "/my/data/")
        page.click(f"main a[href='/my/data/{mother.pk}/']")
        assert str(mother) in page.inner_text("main h1")
        assert "华山路 1 号" in page.inner_text("main")
        _no_sideways_scrolling(page)
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()
        archive = _downloaded_zip(page)
        assert "data.json" in archive.namelist()
    with django_db_blocker.unblock():
        assert AuditEntry.objects.filter(
            resident=mother, actor=son, action="downloaded_my_data"
        ).exists()
