"""In Chromium: an editor changes the hotline in the admin and the English pages stay English;
an inspect page in the admin shows Shanghai time.

The administrator signs in once for the module (an authenticator code is good once).
"""

import re
from datetime import UTC, datetime

import pytest

from tests.browser.test_desk import _authenticator_code
from tests.browser.test_elder_ux import DESKTOP, new_tab

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
# 2026-03-01 02:05 UTC is 10:05 in Shanghai.
MOMENT = datetime(2026, 3, 1, 2, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def admin_page(browser, portal_url, django_db_blocker):
    with new_tab(browser, viewport=DESKTOP) as page:
        page.goto(f"{portal_url}/admin/login/?next=/admin/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "silver-demo-admin")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/2fa/"))
        page.fill("#id_code", _authenticator_code("admin", django_db_blocker))
        page.locator("main form button").first.click()
        page.wait_for_url(re.compile(r"/admin/$"))
        yield page


@pytest.fixture
def hotline(django_db_blocker):
    """The demo's Chinese hotline; put back as the demo has it afterwards (not with
    build_demo, which would sign the administrator out by setting the password again)."""
    from wagtail_localize.models import TranslationSource

    from content.demo import EN, HOTLINE, ZH
    from content.models import Hotline

    with django_db_blocker.unblock():
        original = Hotline.objects.get(locale__language_code=ZH, name=HOTLINE[ZH]["name"])
        yield original
        TranslationSource.objects.filter(object_id=original.translation_key).delete()
        for language in (ZH, EN):
            Hotline.objects.filter(
                translation_key=original.translation_key, locale__language_code=language
            ).update(**HOTLINE[language])


def test_after_a_hotline_edit_and_sync_the_english_page_shows_no_chinese(
    admin_page, browser, portal_url, hotline, django_db_blocker
):
    page = admin_page
    page.goto(f"{portal_url}/admin/snippets/content/hotline/edit/{hotline.pk}/")
    page.fill("#id_hours", "每天 7:00 至 21:00")
    page.locator("form#w-editor-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/content/hotline/$"))

    # The translation synced with wagtail-localize: the English copy gets the Chinese words.
    from wagtail.models import Locale
    from wagtail_localize.operations import translate_object

    from content.models import Hotline

    with django_db_blocker.unblock():
        translate_object(
            Hotline.objects.get(pk=hotline.pk), [Locale.objects.get(language_code="en")]
        )

    with new_tab(browser, viewport=DESKTOP) as reader:
        reader.goto(f"{portal_url}/en/services/hospital/")
        way = reader.locator("section.way", has_text="By phone")
        words = way.locator("p").first.inner_text()
        assert "Call the hotline:" in words and "962 200" in words
        assert not CJK.search(words), words
        bar = reader.locator("#help-bar").inner_text()
        assert "962 200" in bar and not CJK.search(bar), bar

        reader.goto(f"{portal_url}/services/hospital/")
        assert "每天 7:00 至 21:00" in reader.locator("#help-bar").inner_text()


@pytest.fixture
def message(django_db_blocker):
    from portal.notifications.models import Message

    with django_db_blocker.unblock():
        sent = Message.objects.create(
            medium="sms",
            recipient="+8613800000001",
            purpose=Message._meta.get_field("purpose").choices[0][0],
            template="test",
            language="zh-hans",
            body="您好",
            not_before=MOMENT,
        )
        Message.objects.filter(pk=sent.pk).update(created_at=MOMENT, updated_at=MOMENT)
        yield sent
        Message.objects.filter(pk=sent.pk).delete()


def test_an_inspect_page_shows_shanghai_time(admin_page, portal_url, message):
    page = admin_page
    page.goto(f"{portal_url}/admin/messages/inspect/{message.pk}/")
    details = page.locator("main dl").inner_text()
    assert "10:05" in details and "02:05" not in details, details
    assert not re.search(r"^(None|True|False)$", details, re.M), details
