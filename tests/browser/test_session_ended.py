"""A session that ends while the resident presses 确认挂号, and a failed CSRF check, in Chromium.

She signs in again with the code from the SMS and comes back to the booking, shown afresh,
with nothing booked; an out-of-date form shows the portal's own page with a button back.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, visit
from tests.browser.test_hospital import (
    CHECK_PATH,
    CONFIRM,
    choose_four_times,
    demo_hospitals,  # noqa: F401 (a fixture)
    give_real_name,
    submit,
)
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.browser


def _end_session(page, how, django_db_blocker):
    if how == "cookie cleared":
        page.context.clear_cookies(name="sessionid")
        return
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.utils import timezone

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    with django_db_blocker.unblock():
        expired = timezone.now() - timezone.timedelta(seconds=1)
        assert Session.objects.filter(session_key=key).update(expire_date=expired) == 1
    # Its copy in the session cache (shared with the server) times out at the same moment.
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)


def _appointments(phone, django_db_blocker):
    from services.hospital.models import Appointment

    with django_db_blocker.unblock():
        return Appointment.objects.filter(patient__phone=phone).count()


@pytest.mark.parametrize("how", ["expired on the server", "cookie cleared"])
def test_signed_in_again_after_confirm_she_chooses_afresh_with_nothing_booked(
    browser,
    demo_hospitals,  # noqa: F811 (the fixture imported above)
    django_db_blocker,
    how,
):
    portal_url = demo_hospitals
    phone = "+8613900009501" if how == "cookie cleared" else "+8613900009502"
    with new_tab(browser) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/hospital/")
        give_real_name(page, phone)
        choose_four_times(page)
        assert CHECK_PATH.search(page.url)
        _end_session(page, how, django_db_blocker)

        submit(page, CONFIRM)  # 确认挂号, with the session gone
        assert page.url == portal_url + "/signin/?next=/hospital/check/"
        page.fill("#id_phone", phone)
        submit(page, "button.button-action")
        page.fill("#id_code", code_sent_to(phone))
        statuses = []
        page.on("response", lambda response: statuses.append(response.status))
        submit(page, "button.button-action")

        # The answers ended with the session: the first question, shown afresh; never a 405.
        assert page.url == portal_url + "/hospital/choose/hospital/"
        assert page.locator("main button[name=choice]").count() >= 1
        assert 405 not in statuses and statuses[-1] == 200
    assert _appointments(phone, django_db_blocker) == 0


def test_an_out_of_date_form_shows_the_portals_page_in_chinese_with_a_button_back(
    browser, portal_url
):
    with new_tab(browser) as page:
        visit(page, portal_url, "/signin/")
        # The form's token no longer matches the browser's: as after signing in in another tab.
        page.context.add_cookies([{"name": "csrftoken", "value": "a" * 32, "url": portal_url}])
        page.fill("#id_phone", "139 0000 9503")
        with page.expect_navigation() as navigation:
            page.click("main button.button-action")
        assert navigation.value.status == 403
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
        with translation.override("zh-hans"):
            heading = gettext("This page was open too long")
        assert page.locator("main h1").inner_text() == heading
        back = page.locator("main a.button-action")
        assert back.get_attribute("href") == portal_url + "/signin/"

        # Back to the form, which now carries a fresh token: pressing the button works.
        submit(page, back)
        page.fill("#id_phone", "139 0000 9503")
        submit(page, "main button.button-action")
        assert page.url == portal_url + "/signin/code/"
