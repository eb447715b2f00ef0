"""Steps the browser tests share: signing in the way a resident does, with the texted code."""

from tests.browser.test_elder_ux import visit
from tests.support.phones import code_sent_to


def sign_in(page, portal_url, phone, django_db_blocker, next_path):
    """Sign ``phone`` in through the sign-in page with the code from the SMS, then go on to
    ``next_path``; a first sign-in skips both welcome questions."""
    visit(page, portal_url, f"/signin/?next={next_path}")
    page.fill("#id_phone", phone)
    page.click("button.button-action")
    page.fill("#id_code", code_sent_to(phone))
    page.click("button.button-action")
    if "/signin/welcome/" in page.url:
        page.click("button[name=skip]")
        page.click("button[name=skip]")
    agree_if_asked(page)


def agree_if_asked(page):
    """Say yes to the sensitive-data question a first taxi or booking asks (its own tests are
    in tests/browser/test_privacy.py)."""
    if "/privacy/agree/" in page.url:
        page.click("main button[name=answer][value=yes]")
